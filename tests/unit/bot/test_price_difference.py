"""The difference asked back after a price drop ("刚买就降价了 能退差价吗"): 28 labelled lines
of the intent data ask it, and the bot answered each with the member discounts and a supervisor
offered, as if she were haggling. The policy decides (``prices.price_protection_days``): its yes
within the days (a person refunds it: a ticket at once), its plain no, or — silent, as the demo
shop is — after-sales decides for the order: never promised, handed to a person when she bought."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from intents.buying import asks_price_difference
from shop.policy import DEFAULT_POLICY_PATH, ShopPolicy
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("前天刚拍的开衫今天降了二十块 差价能退我吗", True),
        ("买完就便宜了 能返点钱吗", True),
        ("你们家有价保吗", True),
        ("paid on monday and now it's cheaper, could you refund the difference?", True),
        # a sale since she bought, said as a sale: still the difference asked back
        ("got the cardigan on monday and now its on sale for less, could i get the difference back",
         True),
        ("bought a coat last week, today it's marked down 40 yuan. refund the difference?", True),
        ("the price went down a day after i ordered. can i get the difference", True),
        ("do you do price protection", True),
        # not the difference after a drop
        ("能便宜点吗", False),
        ("这件以后会降价吗", False),
        ("换大一码要补差价吗", False),  # an exchange's difference, paid by her
        ("顺丰能保价吗", False),  # the courier's insurance
        ("i want a refund, it was cheaper elsewhere", False),
        ("is it cheaper if i buy two", False),
        ("will the coat be on sale for less next month", False),
        ("now its on sale, can i order two", False),
    ],
)
def test_the_price_difference_asked(text: str, asked: bool) -> None:
    assert asks_price_difference(text) is asked


def _policy(days: int | None) -> ShopPolicy:
    raw = yaml.safe_load(Path(DEFAULT_POLICY_PATH).read_text(encoding="utf-8"))
    if days is not None:
        raw["prices"]["price_protection_days"] = days
    return ShopPolicy.model_validate(raw)


async def test_the_policy_silent_promises_nothing_and_passes_a_purchase_to_a_person() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus(), policy=_policy(None))
    said, opened = await harness.say("昨天刚买的卫衣今天就降价了 能退差价吗")
    assert said == harness.t("bargain.price_difference.unknown") and "5%" not in said
    [ticket] = worker.tickets
    assert ticket.reason == "discount" and "T0000001" in opened
    # the rule only asked: offered, not opened
    said, offer = await harness.say("do you do price matching?", user_id=5002, language="en")
    assert said == harness.t("bargain.price_difference.unknown", "en")
    assert offer == harness.t("bargain.price_difference.ask", "en")
    assert len(worker.tickets) == 1


async def test_the_policy_s_days_say_yes_and_a_person_refunds_it() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus(), policy=_policy(7))
    said, opened = await harness.say("买完第二天就便宜了30 能退点钱吗")
    assert said.startswith("可以，付款后 7 天内") and "T0000001" in opened
    assert [t.reason for t in worker.tickets] == ["discount"]


async def test_no_price_protection_is_a_plain_no_and_no_ticket() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus(), policy=_policy(0))
    [said] = await harness.say("the price dropped right after i paid, any refund?", language="en")
    assert said.startswith("No: once an order is paid, its price stands")
    assert worker.tickets == []


def _two_paid_orders() -> ScriptedWorker:
    now = datetime.now(UTC)
    return ScriptedWorker(
        order_view(order_no="KF26000101", paid_at=now - timedelta(days=2),
                   created_at=now - timedelta(days=2)),
        order_view(order_no="KF26000102", state="shipped", paid_at=now - timedelta(days=20),
                   created_at=now - timedelta(days=20)),
    )


async def test_several_orders_and_none_named_asks_which_then_the_policy_decides_for_it() -> None:
    """A verified customer with two paid orders names neither: which one (buttons), then yes or
    no by the policy's days for that order — the yes with a ticket naming it, the no without."""
    worker = _two_paid_orders()
    harness = Harness(worker.bus(), policy=_policy(7))
    await harness.share_contact(PHONE)
    [which] = await harness.say("前几天买的东西今天降价了 能退差价吗")
    assert which == harness.t("choose.order")
    assert worker.tickets == []  # nothing opened before the order is known
    past = await harness.press("KF26000102")
    assert past[0].startswith("不能：订单 KF26000102") and "7 天" in past[0]
    assert worker.tickets == []
    await harness.say("前几天买的东西今天降价了 能退差价吗")
    within = await harness.press("KF26000101")
    assert within[0].startswith("可以：订单 KF26000101") and "T0000001" in within[-1]
    [ticket] = worker.tickets
    assert (ticket.reason, ticket.order_no) == ("discount", "KF26000101")


async def test_the_policy_silent_says_so_and_the_ticket_names_the_order_picked() -> None:
    worker = _two_paid_orders()
    harness = Harness(worker.bus(), policy=_policy(None))
    await harness.share_contact(PHONE)
    said = await harness.say(
        "i bought something last week and now it's on sale for less, can i get the difference "
        "refunded?",
        language="en",
    )
    assert said == [
        harness.t("bargain.price_difference.unknown", "en"),
        harness.t("choose.order", "en"),
    ]
    assert worker.tickets == []
    opened = await harness.press("KF26000101")
    [ticket] = worker.tickets
    assert (ticket.reason, ticket.order_no) == ("discount", "KF26000101")
    assert "T0000001" in opened[-1]
