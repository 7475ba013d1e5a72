"""The tracking says the parcel goes back to the sender ("物流写着退回发件人", "tracking says
returned to sender"): a verified customer is offered only the orders it can be about (shipped,
on its way) — never her unpaid or completed ones — or hears plainly she has none; the order's
job is a ticket for a person to ask the courier why, never the rules of a return."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.flows.orders import order_job
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


def orders(*states: str):
    return [
        order_view(
            order_no=f"KF2026{n:04d}", state=state, created_at=datetime(2026, 3, n, tzinfo=UTC)
        )
        for n, state in enumerate(states, 1)
    ]


def buttons(harness: Harness) -> list[str]:
    message = list(harness.session.messages.values())[-1]
    assert message.reply_markup is not None
    return [b.text for row in message.reply_markup.inline_keyboard for b in row]


async def test_only_the_orders_on_their_way_are_offered() -> None:
    worker = ScriptedWorker(*orders("awaiting_payment", "shipped", "completed", "paid", "shipped"))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("物流写着退回发件人")
    assert answers == [harness.t("choose.order")]
    offered = buttons(harness)
    assert len(offered) == 2
    assert all(("KF20260002" in b or "KF20260005" in b) for b in offered)


async def test_the_only_order_on_its_way_is_taken_and_a_person_checks_it() -> None:
    worker = ScriptedWorker(*orders("awaiting_payment", "shipped", "completed"))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("物流写着退回发件人")
    assert "KF20260002" in answers[0]  # its card
    assert answers[1] == harness.t("order.returned.checked", order_no="KF20260002")
    [ticket] = worker.tickets
    assert ticket.order_no == "KF20260002"


async def test_none_on_its_way_is_said_plainly() -> None:
    worker = ScriptedWorker(*orders("awaiting_payment", "completed", "paid"))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("物流写着退回发件人")
    assert answers == [harness.t("order.returned.none")]
    assert worker.tickets == []


async def test_in_english_it_is_the_orders_job_not_the_return_rules() -> None:
    worker = ScriptedWorker(*orders("shipped", "completed"))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("tracking says returned to sender", language="en")
    assert answers[-2] == harness.t("order.returned.checked", "en", order_no="KF20260001")
    assert len(worker.tickets) == 1


@pytest.mark.parametrize(
    ("text", "job"),
    [
        ("物流写着退回发件人", "returned"),
        ("快递被退回了", "returned"),
        ("tracking says returned to sender", "returned"),
        ("我想退货退回给你们", None),  # her own return
        ("I sent it back last week", None),
        ("退回地址是哪里", None),
    ],
)
def test_what_says_the_parcel_goes_back(text: str, job: str | None) -> None:
    assert order_job(text) == job


@pytest.mark.parametrize(
    ("text", "language"), [("我的包裹到哪了 好久了", "zh-hans"), ("where is my parcel?", "en")]
)
async def test_where_is_my_parcel_offers_the_orders_on_their_way(text: str, language: str) -> None:
    """Found holding the console: "我的包裹到哪了 好久了" listed her latest ten orders, unpaid,
    closed and completed ones, and not the blazer long on its way. Only shipped orders are about
    a parcel on its way: here one, behind eleven others — shown at once."""
    others = orders(*(["completed"] * 6 + ["awaiting_payment", "closed"] * 2 + ["paid"]))
    on_its_way = order_view(order_no="KF20269999", state="shipped")
    worker = ScriptedWorker(*others, on_its_way)
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say(text, language=language)
    assert "KF20269999" in answers[0]
