"""One event per customer turn (bot/ops/turns.py), on a scripted conversation through the real
dispatcher: what each turn says, that only unplaced turns carry words and those are anonymised,
that the conversation is named by a key that does not contain the chat, and that a bus that
fails the turn's reply still leaves its turn recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.ops.turns import MESSAGES, conversation_key, flow_name
from bus.contracts import OpenTicket, TicketOpened, TurnRecorded
from bus.testing import InMemoryBus
from tests.support.bot import Harness

USER = 6_100_001


def worker() -> InMemoryBus:
    async def open_ticket(request: OpenTicket) -> TicketOpened:
        return TicketOpened(ticket_no="T2026120100001", opened_at=datetime.now(UTC))

    return InMemoryBus(OpenTicket.served_by(open_ticket))


def turns(harness: Harness) -> list[TurnRecorded]:
    return [e for e in harness.dp["ops"].outbox.buffered() if isinstance(e, TurnRecorded)]


def counted(group: str, outcome: str) -> float:
    return MESSAGES.labels(group, outcome)._value.get()


async def test_each_turn_is_one_event_saying_what_the_bot_did() -> None:
    harness = Harness(worker())
    before = {
        ("payment", "answered"): counted("payment", "answered"),
        ("other", "fallback"): counted("other", "fallback"),
        ("human", "escalated"): counted("human", "escalated"),
    }
    await harness.say("可以货到付款吗", user_id=USER)
    await harness.say("/start", user_id=USER)  # a command is not a turn
    await harness.say("我叫王小明 13812345678 今天天气怎么样", user_id=USER)
    await harness.say("转人工", user_id=USER)
    recorded = turns(harness)
    assert [(t.group, t.outcome) for t in recorded] == [
        ("payment", "answered"),
        ("other", "fallback"),
        ("human", "escalated"),
    ]
    answered, unplaced, escalated = recorded
    assert answered.text is None and escalated.text is None  # words only when unplaced
    assert unplaced.text is not None
    assert "13812345678" not in unplaced.text and "王小明" not in unplaced.text
    assert "<phone>" in unplaced.text and "<name>" in unplaced.text
    key = answered.conversation
    assert {t.conversation for t in recorded} == {key}
    assert str(USER) not in key and len(key) == 32
    assert answered.locale == "zh_CN" and answered.intent and answered.intent.startswith("payment.")
    assert counted("payment", "answered") == before[("payment", "answered")] + 1
    assert counted("other", "fallback") == before[("other", "fallback")] + 1
    assert counted("human", "escalated") == before[("human", "escalated")] + 1


async def test_another_chat_has_another_key_and_the_secret_matters() -> None:
    assert conversation_key(b"s", 1, 2) != conversation_key(b"s", 1, 3)
    assert conversation_key(b"s", 1, 2) != conversation_key(b"t", 1, 2)
    assert conversation_key(b"s", 1, 2) == conversation_key(b"s", 1, 2)


def test_flow_names_come_from_the_state_group() -> None:
    assert flow_name("SizeAdvice:waiting_for_height") == "size_advice"
    assert flow_name("ExchangeRequest:confirming") == "exchange_request"
    assert flow_name(None) is None
