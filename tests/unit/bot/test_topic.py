"""The conversation's topic (bot/services/topic.py): what the engine reads a message in, and
the one place where a follow-up's slots are merged."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import topic
from bot.services.memory import ChatMemory
from intents import Decision, Slots

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def decision(intent: str, outcome: str = "accept", used_context: bool = False, **slots) -> Decision:
    return Decision(
        intent=intent,
        group=intent.split(".")[0],
        action="answer",
        confidence=0.95,
        outcome=outcome,
        candidates=[],
        slots=Slots(**slots),
        used_context=used_context,
    )


def test_an_accepted_answer_becomes_the_topic_and_the_context_says_when() -> None:
    memory = ChatMemory()
    memory.turns = 3
    topic.remember(decision("shipping.fee", region="上海", quantity=2), memory, NOW)
    assert memory.topic is not None and memory.topic.intent == "shipping.fee"
    assert memory.topic.slots.quantity is None  # a quantity is never carried over
    memory.turns += 1
    context = topic.context_for(memory, None, NOW + timedelta(seconds=30))
    assert context.last_intent == "shipping.fee" and context.turns_ago == 1
    assert context.seconds_ago == 30 and context.slots.region == "上海"
    assert context.flow is None


def test_the_flow_the_chat_is_in_is_its_topic() -> None:
    assert topic.flow_topic("SizeAdvice:waiting_for_body") == "size.recommend"
    assert topic.flow_topic("ShippingQuestion:waiting_for_region") == "shipping.fee"
    assert topic.flow_topic("ExchangeRequest:waiting_for_item") == "returns.exchange"
    assert topic.flow_topic("ReturnRequest:waiting_for_cause") == "returns.return"
    assert topic.flow_topic(None) is None and topic.flow_topic("Unknown:step") is None
    assert topic.context_for(ChatMemory(), "SizeAdvice:waiting_for_body").flow == "size.recommend"


def test_greetings_complaints_and_unclear_messages_leave_the_topic() -> None:
    memory = ChatMemory()
    topic.remember(decision("returns.return"), memory, NOW)
    for other in (decision("greeting.hello"), decision("complaint.general"),
                  decision("other.unknown"), decision("shipping.fee", outcome="clarify")):
        topic.remember(other, memory, NOW)
    assert memory.topic is not None and memory.topic.intent == "returns.return"


def test_a_follow_up_keeps_what_the_chat_knows_unless_it_says_otherwise() -> None:
    memory = ChatMemory()
    topic.remember(decision("size.recommend", height_cm=170, weight_kg=60.0, size="M"), memory, NOW)
    topic.note(memory, product="连帽卫衣")  # the flow learned which product
    memory.turns += 1
    xl = topic.follow_up(decision("size.recommend", used_context=True, size="XL"), memory, NOW)
    assert xl.slots.size == "XL"  # the message's own size wins
    assert (xl.slots.height_cm, xl.slots.weight_kg, xl.slots.product) == (170, 60.0, "连帽卫衣")
    # the same group without the engine's context: still the topic's business
    fit = topic.follow_up(decision("size.fit"), memory, NOW)
    assert fit.slots.product == "连帽卫衣"


def test_a_new_question_or_an_old_topic_carries_nothing() -> None:
    memory = ChatMemory()
    topic.remember(decision("shipping.fee", region="上海"), memory, NOW)
    memory.turns += 1
    other = decision("returns.return")
    assert topic.follow_up(other, memory, NOW) is other
    late = decision("shipping.fee", used_context=True)
    assert topic.follow_up(late, memory, NOW + timedelta(hours=1)) is late  # too long ago
    memory.turns += topic.MAX_TURNS
    assert topic.follow_up(late, memory, NOW) is late  # too many turns ago
    unplaced = decision("shipping.fee", outcome="fallback")
    assert topic.follow_up(unplaced, memory, NOW).slots == Slots()


def test_the_topic_survives_the_stored_form() -> None:
    memory = ChatMemory()
    topic.remember(decision("size.recommend", height_cm=165, weight_kg=52.5), memory, NOW)
    topic.note(memory, product="纯棉圆领T恤")
    again = ChatMemory.from_stored(memory.stored())
    assert again.topic == memory.topic
    broken = {**memory.stored(), "topic": {"intent": 3}}
    assert ChatMemory.from_stored(broken).topic is None  # an older form resets, never fails
