"""Reading a product question (bot/flows/products.py) and an invoice's details
(bot/flows/invoice.py) out of what customers type."""

from __future__ import annotations

import pytest

from bot.flows.invoice import InvoiceDraft
from bot.flows.products import (
    asks_restock_notice,
    aspect_of,
    care_asked,
    care_verdict,
    fibre_asked,
    names_a_product,
    product_words,
    size_asked,
    unsold_asked,
)
from bot.services.questions import asks_for_gift, item_kind_named
from intents.slots import extract_slots


@pytest.mark.parametrize(
    ("text", "words", "aspect"),
    [
        ("T恤是纯棉的吗", "T恤", "material"),
        ("is the hoodie cotton?", "hoodie", "material"),
        ("what is the cardigan made of", "cardigan", "material"),
        ("能机洗吗", "", "care"),
        ("那洗的时候要注意什么", "", "care"),
        ("黑色M还有吗", "", "stock"),
        ("do you have the jeans in 32?", "jeans", "stock"),
        ("高腰牛仔裤有L码吗", "高腰牛仔裤", "stock"),
        ("风衣是什么料子", "风衣", "material"),
        # how a fabric wears is asked of a product, never its name
        ("你们家衣服起球吗", "", "wear"),
        ("你们家衣服质量怎么样 会不会起球", "", "wear"),
        ("does the sweater pill?", "sweater", "wear"),
        ("卫衣质量咋样", "卫衣", "material"),
        # whether it shows through: its fabric, and honestly what the page doesn't say
        ("is it see through", "", "sheer"),
        ("is the white linen shirt sheer", "shirt", "sheer"),
        ("浅色的会透肉吗", "", "sheer"),
        ("这件透气吗", "", "material"),  # breathable, not sheer
    ],
)
def test_the_product_words_and_what_is_asked(text: str, words: str, aspect: str) -> None:
    slots = extract_slots(text)
    assert product_words(text, slots) == words  # only these go to products.search
    assert aspect_of(text, slots) == aspect


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("what colours does it come in", ""),  # the chat's product, not an item called "come"
        ("which sizes is the hoodie available in", "hoodie"),
        ("can i get the jeans in another colour", "jeans"),
        # found holding the console (session 14): "couldn't find an item called 'hello quick
        # q shirt'" — the greeting and the chat around the question are no name
        ("hello! quick q, is the linen shirt see-through?", "shirt"),
        ("hey so just wondering, does the hoodie shrink", "hoodie"),
        ("ok what sizes do you have left in white", ""),
    ],
)
def test_asking_words_are_no_product_name(text: str, words: str) -> None:
    """Found holding the console: "what colours does it come in" searched for an item called
    "come" and said there is none."""
    assert product_words(text, extract_slots(text)) == words


def test_fibres_sizes_and_what_the_shop_may_not_sell() -> None:
    assert fibre_asked("T恤是纯棉的吗") == ("cotton", True)
    assert fibre_asked("is the hoodie cotton?") == ("cotton", False)
    assert fibre_asked("这件是人造棉吗") == ("viscose", False)
    assert product_words("真丝衬衫是什么面料", extract_slots("真丝衬衫"), keep_fibres=True) == (
        "真丝衬衫"
    )
    assert size_asked("do you have the jeans in 32?", extract_slots("")) == "32"
    assert unsold_asked("我穿38码的鞋子") == "shoes" and unsold_asked("T恤多大") is None


def test_item_kinds_and_gifts_from_the_words() -> None:
    assert item_kind_named("定制的衣服能退吗") == "custom"
    assert item_kind_named("Can I return a proxy purchase?") == "proxy"
    assert item_kind_named("普通的衣服能退吗") == "regular"
    assert item_kind_named("能退货吗") is None
    assert asks_for_gift("可以送个小礼物吗") and asks_for_gift("any free gift?")
    assert not asks_for_gift("能便宜点吗")


def test_invoice_details_from_one_message() -> None:
    draft = InvoiceDraft()
    assert draft.read("公司抬头：杭州可芙示范科技有限公司，税号 91330100MA27Y1K3XA KF20260001")
    assert (draft.title_type, draft.title, draft.tax_no) == (
        "company", "杭州可芙示范科技有限公司", "91330100MA27Y1K3XA"
    )
    personal = InvoiceDraft(title_type="personal")
    assert personal.read("张三", title_expected=True) and personal.title == "张三"
    plain = InvoiceDraft()
    assert not plain.read("我要开发票")  # nothing taken from the request itself
    assert (plain.title_type, plain.title) == (None, None)
    me = InvoiceDraft(title_type="personal")
    assert me.read("个人", title_expected=True) and me.title == "个人"


def test_the_request_itself_is_never_a_title() -> None:
    draft = InvoiceDraft(order_no="KF26200341")
    draft.read("我要给KF26200341开公司发票")
    assert (draft.title_type, draft.title) == ("company", None)
    beside = InvoiceDraft(title_type="company", title=None)
    assert beside.read("杭州可芙示范科技有限公司 91330100MA27Y1K3XA")
    assert beside.title == "杭州可芙示范科技有限公司"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("我要开发票 公司抬头", None),  # the kind of title, not one: it was recorded as "我要开"
        ("我要开发票 抬头是上海开元贸易有限公司", "上海开元贸易有限公司"),
        ("开个发票 抬头是开心果工作室", "开心果工作室"),
        ("I need an invoice, title: Acme Trading Ltd", "Acme Trading Ltd"),
        ("I need a company invoice", None),
    ],
)
def test_a_title_in_the_request_is_only_what_follows_its_label(text: str, title: str | None):
    draft = InvoiceDraft()
    draft.read(text)
    assert (draft.title_type, draft.title) == ("company", title)


def test_request_words_beside_a_tax_number_are_not_the_title() -> None:
    draft = InvoiceDraft()
    assert draft.read("我要开发票 上海开元贸易有限公司 91330100MA27Y1K3XA")
    assert draft.title == "上海开元贸易有限公司"  # was "我要开 上海开元贸易有限公司"
    typed = InvoiceDraft(title_type="company")
    assert typed.read("上海开元贸易有限公司", title_expected=True)
    assert typed.title == "上海开元贸易有限公司"  # a name with 开 in it is kept whole


@pytest.mark.parametrize(
    ("query", "named"),
    [("卫衣", True), ("牛仔裤", True), ("T恤", True), ("羽绒服", True), ("hoodie", True),
     ("充绒量", False), ("北方零下十几度够", False), ("质量 样", False)],
)
def test_what_is_left_of_a_question_names_a_product_only_as_a_garment(
    query: str, named: bool
) -> None:
    assert names_a_product(query) is named


@pytest.mark.parametrize(
    ("text", "picked"),
    [
        ("雪纺的会不会很透", 0),
        ("针织那件", 1),
        ("第二个", 1),
        ("the chiffon one", 0),
        ("knit", 1),
        ("连衣裙", None),  # both are dresses
        ("都行", None),
    ],
)
def test_a_product_shown_is_picked_by_what_sets_it_apart(text: str, picked: int | None) -> None:
    from bot.services.choices import named_among

    shown = [("雪纺碎花连衣裙", "Floral Chiffon Dress"), ("针织中长连衣裙", "Knit Midi Dress")]
    assert named_among(text, shown) == picked



@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("补货了能通知我吗", True),
        ("到货了提醒我一下", True),
        ("有货了通知我", True),
        ("can you tell me when it's back in stock", True),
        ("let me know when the jeans are restocked", True),
        ("notify me when the M is available", True),
        ("卫衣黑色M还有吗", False),
        ("现在有没有货告诉我一下", False),  # the stock now, not an alert
        ("can you tell me if it's available in M", False),
    ],
)
def test_a_restock_alert_asked_for(text, asks):
    assert asks_restock_notice(text) is asks
    if asks:
        assert aspect_of(text) == "stock"


DRY_CLEAN = ("dry_clean_only", "no_bleach", "no_tumble_dry", "iron_low")
MACHINE = ("machine_wash_cold", "no_bleach", "line_dry")


@pytest.mark.parametrize(
    ("text", "care", "verdict"),
    [
        ("can i put the silk shirt in the washing machine", DRY_CLEAN, False),
        ("能机洗吗", MACHINE, True),
        ("能烘干吗", DRY_CLEAN, False),
        ("can I iron it?", DRY_CLEAN, True),
        ("可以漂白吗", MACHINE, False),
        ("能手洗吗", MACHINE, True),
        ("can it go in the dryer?", MACHINE, None),  # the label doesn't say: no verdict
        ("怎么洗", MACHINE, None),  # how, not whether
        ("只能干洗吗", DRY_CLEAN, None),  # "only": not a yes/no of doing it
    ],
)
def test_a_yes_no_care_question_is_decided_by_the_label(text, care, verdict):
    act = care_asked(text)
    assert (care_verdict(act, care) if act else None) is verdict
