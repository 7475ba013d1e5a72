"""What a customer's words ask to have done about an order: the size they want, a return to
make rather than a question about the rules, the job within an order question."""

from __future__ import annotations

import pytest

from bot.flows.orders import courier_asked, last4_beside_number, order_job
from bot.flows.returns import wants_a_return
from bot.services.sizes import SizeWish, resolve_size, size_order, size_wish, wanted_color

SIZES = ["S", "M", "L", "XL"]


@pytest.mark.parametrize(
    ("text", "current", "wanted"),
    [
        ("M码太小了", "M", "L"),  # bigger than the size complained about, never M again
        ("M码太小了想换L", "M", "L"),
        ("想换L", "M", "L"),
        ("太大了 换小一号", "L", "M"),
        ("换大一码", "M", "L"),
        ("too small", "L", "XL"),
        ("it's too small", "L", "XL"),  # the s of "it's" is not a size
        ("it's a bit big", "M", "S"),
        ("I want it in XL", "M", "XL"),
        ("订单上的M改成L", "M", "L"),
        ("L码偏小", "M", "XL"),  # one up from the size named
        # a size named only to say it is not the one wanted
        ("need M not S", "S", "M"),
        ("不要S 要M", "S", "M"),
        ("i want the M", "S", "M"),
    ],
)
def test_the_size_the_customer_means(text: str, current: str, wanted: str) -> None:
    assert resolve_size(size_wish(text), current, SIZES) == wanted


def test_nothing_bigger_than_the_largest_and_no_size_from_other_numbers() -> None:
    assert resolve_size(size_wish("太小了"), "XL", SIZES) is None
    assert size_wish("要等30天吗") == SizeWish()
    assert not size_wish("颜色想换成白色").said
    assert size_order(["XL", "28", "S", "M", "26"]) == ["S", "M", "XL", "26", "28"]


@pytest.mark.parametrize(
    ("text", "order_known", "job"),
    [
        ("这单我要退货", True, True),
        ("我要退货", False, True),
        ("I want to return this", False, True),
        ("这单能退吗", True, True),  # about the order shown: its own terms
        ("退货 KF26200341", False, True),
        ("定制的衣服能退吗", False, False),  # a question about the rules
        ("怎么退货", False, False),
        ("can I return a custom-made shirt?", False, False),
        # about their own item: its order answers it
        ("我买的牛仔裤太长了能退吗", False, True),
        ("the jeans I got are too long, can I return them?", False, True),
        ("can I return my jacket?", False, True),
        ("买的东西多久内能退", False, False),  # no: "买的" without 我 is the shop's rule
        ("how many days do I have to return?", False, False),
        # the rules asked for by name, an order shown or not
        ("ok thanks. also whats your return policy if it doesnt fit", True, False),
        ("这单的退货规则是什么", True, False),
        ("退货 KF26200341 规则是什么", False, True),  # an order named: its own terms
        # only an item she has can be unwanted: her own, so its order answers
        ("牛仔裤不想要了能退吗", False, True),
        ("changed my mind on the dress, can i return it?", False, True),
        ("hi, i'd like to send something back", False, True),
        # said as an order, with the order in view
        ("就退裤子", True, True),
        ("那退T恤吧", True, True),
        ("退货要几天", True, False),
        ("买回来不喜欢可以退吗", False, False),  # if she doesn't like it: the rules
        ("if i don't like it can i return it?", False, False),
        ("i don't want them anymore, can i return them?", False, True),
    ],
)
def test_a_return_to_make_or_a_question(text: str, order_known: bool, job: bool) -> None:
    assert wants_a_return(text, order_known) is job


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("显示已签收了 我没收到", "not_received"),
        ("it says delivered but I never got it", "not_received"),
        ("tracking says my down jacket was delivered but i never got it", "not_received"),
        ("the app shows my parcel as delivered but i haven't received it", "not_received"),
        ("was it delivered? i am not home", None),
        ("when will it be delivered? I haven't ordered yet", None),
        ("改发顺丰，差价我补", "courier"),
        ("can you send it by SF instead", "courier"),
        ("帮我催一下", "urge"),
        ("包裹到了但是少了一件", "missing_item"), ("少发了一条裤子", "missing_item"),
        ("the jeans were not in the parcel", "missing_item"),
        ("only got one of the two shirts", "missing_item"),
        ("衣服少了一个扣子", None),  # a part of the item: a quality problem
        ("缺了一个角", None),
        ("我的快递到哪了", None),
        ("已经签收了，谢谢", None),
    ],
)
def test_the_job_in_an_order_question(text: str, job: str | None) -> None:
    assert order_job(text) == job


def test_couriers_and_the_digits_beside_the_number() -> None:
    assert courier_asked("改发顺丰") == "sf"
    assert courier_asked("能不能走EMS") == "ems"
    assert courier_asked("顺丰几天到") is None
    assert last4_beside_number("KF26200341 5280") == "5280"
    assert last4_beside_number("KF26200341，5280 到哪了") == "5280"
    assert last4_beside_number("KF26200341 2026年买的") is None


def test_a_refusal_names_the_items_own_kind() -> None:
    from tests.support.bot import replies

    texts = replies()
    for locale in ("zh_CN", "en"):
        regular = texts.exchange_refused(["window_expired"], locale, "regular")
        made = texts.exchange_refused(["window_expired"], locale, "custom")
        custom_label = texts.policy.returns.custom.label.get(locale)
        regular_label = texts.policy.returns.regular.label.get(locale)
        assert custom_label not in regular and regular_label in regular
        assert custom_label in made and regular_label not in made


def test_the_jobs_narrow_intents_the_catalogue_has() -> None:
    """The job filters are not intent routes (the start-up check does not see them): the
    intents they narrow must exist, or a job would silently never start."""
    from bot.handlers.returns import JOB_INTENTS
    from tests.support.bot import engine

    ids = {intent.id for intent in engine().catalog.intents}
    assert JOB_INTENTS <= ids


@pytest.mark.parametrize(
    ("text", "color"),
    [
        ("swap the grey hoodie for a navy one", "藏青色"),
        ("白的换黑的", "黑色"),
        ("不要米色 要卡其色", "卡其色"),
        ("can i get it in black instead of white", "黑色"),
        ("white please", "白色"),
        ("换个颜色", None),
        # a mind changed in the message (jobs batch 12: beige was exchanged)
        ("can i swap my white tee for a beige one.. no wait grey is better, same size", "灰色"),
        ("换米色的 不对 灰色吧", "灰色"),
        ("换成白色 等下 还是黑色吧", "黑色"),
    ],
)
def test_the_colour_wanted_of_those_named(text: str, color: str | None) -> None:
    assert wanted_color(text) == color
