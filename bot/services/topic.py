"""The conversation's topic: what the intent engine reads a message in, and what a follow-up
carries over.

The chat memory keeps the last intent the bot accepted and answered, when, and its slots
(``ChatMemory.topic``). For each customer message the intent middleware

1. builds the engine's :class:`intents.Context` from it and from the flow the chat is in
   (:func:`context_for`), so that a fragment is read in the topic ("那运费呢" after a returns
   answer is ``returns.postage``; "What about Beijing?" after a free-shipping answer is
   ``shipping.fee``), while a clear new question stays what it is (the engine decides that);
2. merges the topic's slots into the decision's, here and nowhere else
   (:func:`follow_up`): a message that continues the topic keeps what the chat already knows
   (the product, the height and weight, the region) unless it says otherwise itself ("XL行不"
   after size advice for a hoodie is XL of that hoodie, for that body);
3. makes the decision the new topic when it was accepted (:func:`remember`).

Handlers read the merged slots from ``decision.slots`` like any other; a flow that learns more
about the topic (the product the customer picked) adds it with :func:`note`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.flows.base import Flow
from bot.services.memory import ChatMemory, Topic
from intents import Context, Decision, MatcherConfig, Slots

MAX_AGE_S = MatcherConfig().context_max_age_s
MAX_TURNS = MatcherConfig().context_max_turns

NOT_TOPICS = frozenset({"greeting", "thanks", "human", "complaint", "other"})
"""Groups that are no topic to follow up on (a greeting, a complaint, "something else")."""

CARRIED = ("product", "height_cm", "weight_kg", "fit", "size", "color", "region", "order_no")
"""The slots a follow-up inherits from the topic when it does not say them itself (never the
phone digits, a quantity, or a complaint's topic)."""

FLOW_TOPICS: dict[str, str] = {
    "SizeAdvice": "size.recommend",
    # waiting for the region of a postage question: a bare region is that question's answer
    "ShippingQuestion": "shipping.fee",
    "ExchangeRequest": "returns.exchange",
    "ReturnRequest": "returns.return",
    "AddressChange": "order.change_address",
    "OrderQuery": "order.status",
    "OrderChange": "order.modify",
}
"""The intent (or group) a flow's conversation is about, by its FSM state group; a flow class
may say it instead with a ``topic`` class attribute."""


def flow_topic(state: str | None) -> str | None:
    """``"SizeAdvice:waiting_for_body"`` → ``"size.recommend"``; ``None`` outside a flow."""
    if not state:
        return None
    flow = Flow.for_state(state)
    declared = getattr(flow, "topic", None) if flow is not None else None
    if isinstance(declared, str):
        return declared
    return FLOW_TOPICS.get(state.split(":", 1)[0])


def _age(topic: Topic, now: datetime) -> float:
    return max(0.0, (now - topic.at).total_seconds())


def fresh(memory: ChatMemory, now: datetime | None = None) -> Topic | None:
    """The chat's topic while it still counts (as recent as the engine reads context)."""
    topic = memory.topic
    if topic is None:
        return None
    now = now or datetime.now(UTC)
    if _age(topic, now) > MAX_AGE_S or memory.turns - topic.turn > MAX_TURNS:
        return None
    return topic


def context_for(memory: ChatMemory, state: str | None, now: datetime | None = None) -> Context:
    """The engine's context for the chat's next message (call after counting the message)."""
    flow = flow_topic(state)
    topic = memory.topic
    if topic is None:
        return Context(flow=flow)
    now = now or datetime.now(UTC)
    # Built from the memory's validated fields (ages clamped at zero): not validated again on
    # every message.
    return Context.model_construct(
        flow=flow,
        last_intent=topic.intent,
        seconds_ago=_age(topic, now),
        turns_ago=max(0, memory.turns - topic.turn),
        slots=topic.slots,
    )


def _group(intent: str | None) -> str | None:
    return intent.split(".", 1)[0] if intent else None


def continues(decision: Decision, topic: Topic | None) -> bool:
    """The message goes on with the topic: the engine read it in the topic's context, or it
    asks about the topic's own group ("这件偏大吗" after size advice)."""
    if topic is None or decision.outcome == "fallback":
        return False
    if decision.used_context:
        return True
    return decision.group == _group(topic.intent) and decision.group not in NOT_TOPICS


def merged_slots(own: Slots, carried: Slots) -> Slots:
    """The message's own slots, with what it does not say taken from the topic."""
    update: dict[str, Any] = {}
    for name in CARRIED:
        if getattr(own, name) is None and getattr(carried, name) is not None:
            update[name] = getattr(carried, name)
    return own.model_copy(update=update) if update else own


def follow_up(decision: Decision, memory: ChatMemory, now: datetime | None = None) -> Decision:
    """The decision with the topic's slots merged in, when the message continues the topic."""
    topic = fresh(memory, now)
    if topic is None or not continues(decision, topic):
        return decision
    slots = merged_slots(decision.slots, topic.slots)
    return decision if slots is decision.slots else decision.model_copy(update={"slots": slots})


def remember(decision: Decision, memory: ChatMemory, now: datetime | None = None) -> None:
    """An accepted decision becomes the chat's topic (greetings, thanks, complaints and
    "something else" leave the topic as it was)."""
    if decision.outcome != "accept" or decision.group in NOT_TOPICS:
        return
    slots = decision.slots  # (frozen: shared as it is when there is nothing to leave out)
    if slots.topic is not None or slots.quantity is not None:
        slots = slots.model_copy(update={"topic": None, "quantity": None})
    # the decision's fields, validated when it was made
    memory.topic = Topic.model_construct(
        intent=decision.intent, at=now or datetime.now(UTC), turn=memory.turns, slots=slots
    )


def forget(memory: ChatMemory) -> None:
    """The accepted intent went unanswered (no handler took it): no topic to follow up on."""
    memory.topic = None


def note(memory: ChatMemory, **slots: Any) -> None:
    """A flow learned more about the topic (``note(memory, product="连帽卫衣")``)."""
    topic = memory.topic
    if topic is None:
        return
    memory.topic = topic.model_copy(update={"slots": topic.slots.model_copy(update=slots)})
