"""One event per customer turn (bot/ops/turns.py), on a scripted conversation through the real
dispatcher: what each turn says, that only unplaced turns carry words and those are anonymised,
that the conversation is named by a key that does not contain the chat, and that a bus that
fails the turn's reply still leaves its turn recorded."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

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


async def test_a_clarified_turn_resolved_by_a_choice_records_the_chosen_intent() -> None:
    """"Did you mean…?" is one turn (clarified, with its candidates and masked words); the
    customer's tap is the next (answered, as the intent they chose); "none of these" is a
    turn not placed."""
    harness = Harness(worker())
    user = USER + 7
    [question] = await harness.say("能不能晚点再寄", user_id=user)
    assert question == harness.t("clarify.header")
    clarified = turns(harness)[-1]
    assert clarified.outcome == "clarified" and clarified.text == "能不能晚点再寄"
    assert len(clarified.candidates) >= 2
    chosen = clarified.candidates[1]  # not the engine's first guess: the customer's own choice
    title = harness.dp["engine"].catalog.get(chosen).title.zh
    answer = await harness.press(title, user_id=user)
    assert answer and answer[0] != harness.t("clarify.rephrase")
    resolved = turns(harness)[-1]
    assert (resolved.outcome, resolved.intent, resolved.confidence) == ("answered", chosen, 1.0)
    assert resolved.group == chosen.split(".")[0]
    assert resolved.conversation == clarified.conversation
    assert resolved.text is None  # words only on unplaced turns

    await harness.say("能不能晚点再寄", user_id=user)
    [rephrase] = await harness.press(harness.t("button.none_of_these"), user_id=user)
    assert rephrase == harness.t("clarify.rephrase")
    none_of_these = turns(harness)[-1]
    assert none_of_these.outcome == "fallback" and none_of_these.intent is None


class CountingStorage(MemoryStorage):
    """Counts the reads of a chat's state (with Redis, each is a round trip)."""

    def __init__(self) -> None:
        super().__init__()
        self.state_reads = 0

    async def get_state(self, key: StorageKey) -> str | None:
        self.state_reads += 1
        return await super().get_state(key)


async def test_a_turn_records_the_flow_it_entered_or_left_without_reading_the_state_again() -> (
    None
):
    storage = CountingStorage()
    harness = Harness(worker(), storage=storage)
    await harness.say("我该穿什么码", user_id=USER)  # the size advice asks for height and weight
    entered = storage.state_reads
    await harness.say("可以货到付款吗", user_id=USER)  # another question: the flow left
    left = storage.state_reads - entered
    await harness.say("发什么快递", user_id=USER)
    recorded = turns(harness)
    assert [t.flow for t in recorded] == ["size_advice", "size_advice", None]
    assert entered == 1 and left == 1  # aiogram's own read before the handlers, no other
