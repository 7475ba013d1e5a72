"""An exchange the item can't have is refused before the bot asks for the new size and the
item's condition: the worker's terms for the item as it is come first (``exchanges.quote`` with
no change named), and the refusal says why and what can be done instead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bus.contracts import OrderItemView
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


def hoodie(kind: str = "custom") -> OrderItemView:
    return OrderItemView(
        item_id=7, product_id=3, product_name="定制刺绣卫衣", kind=kind, sku="EH-M-BK",
        size="M", color="黑色", price=Decimal(299), quantity=1,
    )  # fmt: skip


def delivered(days_ago: float, kind: str = "custom") -> ScriptedWorker:
    return ScriptedWorker(
        order_view(
            state="completed",
            items=[hoodie(kind)],
            delivered_at=datetime.now(UTC) - timedelta(days=days_ago),
        )
    )


async def test_past_the_window_the_refusal_comes_before_the_size_and_condition_zh() -> None:
    worker = delivered(days_ago=5)
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [refused] = await harness.say("KF20260001 M码太小了，想换大一码")
    assert "48" in refused  # the custom-made item's own window, in plain words
    assert "质量问题" in refused  # what can still be done
    assert harness.t(
        "exchange.confirm_size",
        order_no="KF20260001",
        item="定制刺绣卫衣 M/黑色",
        new_variant="L / 黑色",
    ) not in refused
    assert harness.t("exchange.fit_question") not in refused
    [probe] = worker.quotes  # asked once, before anything else, with no change named
    assert (probe.new_size, probe.new_color) == (None, None)
    # the flow is over: a size named now is not read as the exchange's
    [again] = await harness.say("L")
    assert harness.t("exchange.fit_question") not in again


async def test_past_the_window_in_english_names_the_quality_route() -> None:
    worker = delivered(days_ago=10, kind="regular")
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    replies = await harness.say("I want to exchange KF20260001 for a bigger size", language="en")
    refused = replies[-1]
    assert "7 days" in refused and "quality problem" in refused
    assert "tags on" not in refused


async def test_within_the_window_the_size_is_asked_as_before() -> None:
    worker = delivered(days_ago=1)
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [confirm] = await harness.say("KF20260001 M码太小了，想换L")
    # the one confirmation: the order, the item, the size, the condition it must be in
    assert confirm.startswith(harness.t("exchange.confirm_order", order_no="KF20260001"))
    assert "定制刺绣卫衣 M/黑色" in confirm and "L / 黑色" in confirm
    assert harness.t("exchange.condition_rule") in confirm
    assert len(worker.quotes) == 2  # the item as it is, then the terms for L
