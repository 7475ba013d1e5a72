"""Changing the size or colour of an order ("order.modify"): the customer sees their order, and
either a person gets the request as a ticket or the bot says plainly why it can't be done —
never "please rephrase", never a promise without a record."""

from __future__ import annotations

import pytest

from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker

ASK = "我要改订单里的尺码 KF20260001，M码换成L码"


async def test_a_paid_order_goes_to_a_person_with_the_request_recorded() -> None:
    worker = ScriptedWorker(order_view(state="paid", address_refusal=None))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    card, explained, opened = await harness.say(ASK)
    assert "KF20260001" in card
    assert explained == harness.t("order.modify.by_agent")
    [ticket] = worker.tickets
    assert (ticket.intent, ticket.order_no, ticket.reason) == (
        "order.modify",
        "KF20260001",
        "customer_asked",
    )
    assert any(line.text == ASK for line in ticket.transcript)  # what to change, in their words
    assert "T0000001" in opened


@pytest.mark.parametrize(
    ("state", "refusal", "key", "values"),
    [
        ("awaiting_payment", "not_paid", "order.modify.unpaid", {"hours": 72}),
        ("shipped", "already_shipped", "order.modify.shipped", {}),
        ("closed", "closed", "order.modify.closed", {}),
    ],
)
async def test_an_order_that_cannot_change_says_so_plainly(state, refusal, key, values) -> None:
    worker = ScriptedWorker(order_view(state=state, address_refusal=refusal))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    card, answer = await harness.say(ASK)
    assert "KF20260001" in card
    assert answer == harness.t(key, **values)
    assert worker.tickets == []


async def test_a_change_request_proven_by_digits_asks_for_the_contact_then_goes_on() -> None:
    worker = ScriptedWorker(order_view(state="paid", address_refusal=None))
    harness = Harness(worker.bus())
    card, verify = await harness.say(ASK + " 尾号" + PHONE[-4:])
    assert "KF20260001" in card
    assert verify == harness.t("contact.needed_for_change")
    assert worker.tickets == []
    linked, card, explained, opened = await harness.share_contact(PHONE)
    assert "KF20260001" in card and "T0000001" in opened
    assert linked == harness.t("contact.linked")
    assert explained == harness.t("order.modify.by_agent")
    assert [t.intent for t in worker.tickets] == ["order.modify"]


async def test_the_ticket_a_flow_opens_makes_the_turn_escalated() -> None:
    """Flows call the bus the handler data holds when they are made: the ops turn middleware's
    noting bus, which sees the ticket."""
    from bus.contracts import TurnRecorded

    worker = ScriptedWorker(order_view(state="paid", address_refusal=None))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say(ASK)
    turns = [e for e in harness.dp["ops"].outbox.buffered() if isinstance(e, TurnRecorded)]
    assert (turns[-1].intent, turns[-1].outcome) == ("order.modify", "escalated")
