"""What the engine returns (``Decision``, ``Candidate``) and what it may be told (``Context``).

All three are frozen pydantic models, safe to keep in a chat's memory and to log as JSON.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from intents.slots import Slots

Outcome = Literal["accept", "clarify", "fallback"]
Source = Literal["model", "semantic", "context", "override", "heuristic", "rule"]


class Candidate(BaseModel):
    model_config = ConfigDict(frozen=True)
    intent: str
    group: str
    confidence: float = Field(ge=0, le=1)


class Decision(BaseModel):
    """What the engine decided.

    ``intent`` is ``other.unknown`` on fallback; on clarify it is the best candidate.
    ``candidates`` holds at most ``max_candidates`` answerable intents, best first.
    ``confidence`` is calibrated: of the decisions made with confidence 0.8, about eight in ten
    are right (docs/intents.md has the table)."""

    model_config = ConfigDict(frozen=True)
    intent: str
    group: str
    action: str
    confidence: float = Field(ge=0, le=1)
    outcome: Outcome
    candidates: list[Candidate]
    slots: Slots
    acknowledgement: bool = Field(
        default=False,
        description="The whole message is a bare acknowledgement (好的, 嗯嗯, ok): a fallback "
        "that asks nothing, which a chat answers briefly rather than as a miss.",
    )
    source: Source = Field(
        default="model",
        description="What decided: the lexical head of the fitted model ('model'), its "
        "semantic head with the sentence encoder ('semantic'), the conversation's context "
        "('context'), an example the shop taught ('override'), a rule for bare "
        "acknowledgements and empty text ('rule'), or the hand-set "
        "scorer of a catalogue without a fitted model ('heuristic').",
    )
    used_context: bool = Field(
        default=False,
        description="The chat's context changed the decision (a fragment read as part of the "
        "topic the chat is on).",
    )

    def as_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape."""
        return {
            "intent": self.intent,
            "group": self.group,
            "confidence": round(self.confidence, 4),
            "outcome": self.outcome,
            "candidates": [
                {"intent": c.intent, "group": c.group, "confidence": round(c.confidence, 4)}
                for c in self.candidates
            ],
            "slots": self.slots.model_dump(exclude_none=True),
        }


class Context(BaseModel):
    """What the chat is about, as the bot knows it from its memory; every field is optional.

    ``flow``: the conversation the bot is in the middle of, as a catalogue intent id or group
    (``"size.recommend"`` while it waits for height and weight, ``"returns"``), or ``None``.
    ``last_intent``: the last intent the bot accepted and answered in this chat;
    ``seconds_ago`` and ``turns_ago`` (customer messages since): how long ago. A topic older than
    ``MatcherConfig.context_max_age_s`` or ``context_max_turns`` no longer counts.
    ``slots``: what the chat already knows (the region asked about, the customer's size).

    A fragment ("XL行不", "那运费呢", "what about Beijing?") is read as part of this topic; a clear
    new question is never overridden by it.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    flow: str | None = None
    last_intent: str | None = None
    seconds_ago: float | None = Field(default=None, ge=0)
    turns_ago: int | None = Field(default=None, ge=0)
    slots: Slots = Field(default_factory=Slots)
