"""One event per customer turn, published after the reply and never in its way.

A *turn* is a customer's message in a private chat, or a button that asks something on their
behalf ("did you mean…?" choices, "talk to a person"). Commands (``/start``) are not turns,
except one that hands the chat to a person (``/human``); messages relayed to the agent who has
the chat are the agent's conversation, not the bot's, and not turns either.

:class:`TurnMiddleware` (an outer middleware on updates, after the intent match) lets the
handlers answer first, then hands a :class:`bus.contracts.TurnRecorded` to the outbox
(``bus/outbox.py``: a bounded buffer, a background publisher, drops counted) — publishing never
slows or breaks an answer.

What a turn says:

- ``outcome``: ``escalated`` when a ticket was opened during the turn (the middleware gives
  the handlers a bus that notes the commands they send); ``clarified`` or ``fallback`` when the
  handler that could not place the message says so (``TurnNote.unplaced``); ``answered``
  otherwise;
- the intent and its group (from the catalogue, a closed set), the engine's confidence, the
  flow the chat was in or entered (its FSM state group, e.g. ``size_advice``), the locale;
- ``conversation``: HMAC-SHA256 of the bot and chat id with ``KEFU_CONVERSATION_SECRET`` (by
  default derived from the bot token), 32 hex digits — the same chat always has the same key,
  and the key does not lead back to the chat;
- words only for fallback and clarify turns, masked by ``intents.anonymize`` here, before the
  event leaves the bot.

"Solved" / "not solved" presses become :class:`bus.contracts.AnswerRated` events the same way.
Metrics: ``kefu_bot_messages_total{group,outcome}`` (label values from the catalogue's closed
set of groups, never message text).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StateType
from aiogram.types import TelegramObject, Update
from prometheus_client import Counter
from pydantic import ValidationError

from bot.keyboards import ClarifyCallback, FeedbackCallback, HumanCallback
from bus import Bus
from bus.contracts import AnswerRated, OpenTicket, Request, TurnOutcome, TurnRecorded
from bus.contracts.ops import MAX_TURN_TEXT
from bus.outbox import EventOutbox
from intents import Decision
from intents.anonymize import anonymize

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

MESSAGES = Counter(
    "kefu_bot_messages_total",
    "Customer turns by intent group and what the bot did (answered, clarified, fallback, "
    "escalated).",
    ["group", "outcome"],
)
NO_GROUP = "none"
HUMAN_INTENT = "human.agent"
"""A handoff asked for with a button or ``/human``: the catalogue's "talk to a person"."""
_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")
_LOCALE = re.compile(r"[a-z]{2}(?:_[A-Z]{2})?")
KEYS_KEPT = 50_000
"""Conversation keys remembered (computed once per chat, not once per turn)."""


def conversation_key(secret: bytes, bot_id: int, chat_id: int) -> str:
    """The pseudonymous key of a chat: HMAC-SHA256 with the bot's secret, 32 hex digits."""
    return hmac.new(secret, f"{bot_id}:{chat_id}".encode(), hashlib.sha256).hexdigest()[:32]


@functools.lru_cache(maxsize=256)
def flow_name(state: str | None) -> str | None:
    """``"SizeAdvice:waiting_for_height"`` → ``"size_advice"`` (the flow, not the step)."""
    if not state:
        return None
    group = state.split(":", 1)[0]
    name = _CAMEL.sub("_", group).lower()
    return name if re.fullmatch(r"[a-z][a-z0-9_]{0,39}", name) else None


@dataclass
class TurnNote:
    """What a handler says about the turn it handled (``turn`` in the handler data)."""

    outcome: TurnOutcome | None = None

    def unplaced(self, outcome: TurnOutcome) -> None:
        """The message could not be placed: ``clarified`` (choices offered) or ``fallback``."""
        self.outcome = outcome


class NotingBus:
    """The handlers' bus for one turn: forwards every call and notes the commands sent."""

    def __init__(self, bus: Bus) -> None:
        self._bus = bus
        self.methods: list[str] = []

    async def call(self, request: Request[Any], *, deadline: float | None = None) -> Any:
        self.methods.append(request.METHOD)
        if deadline is None:
            return await self._bus.call(request)
        return await self._bus.call(request, deadline=deadline)

    @property
    def escalated(self) -> bool:
        return OpenTicket.METHOD in self.methods

    @property
    def wrapped(self) -> Bus:
        """The process's bus client this turn's calls go to."""
        return self._bus

    def __getattr__(self, name: str) -> Any:  # stats, connected… of the real client
        return getattr(self._bus, name)


class NotingState(FSMContext):
    """The handlers' FSM context for one turn: the state they set is noted, so that the flow
    the turn entered or left is known without reading the storage again (with Redis, a round
    trip per turn)."""

    def __init__(self, state: FSMContext, before: str | None) -> None:
        super().__init__(state.storage, state.key)
        self.now = before

    async def set_state(self, state: StateType = None) -> None:
        await super().set_state(state)
        self.now = state.state if isinstance(state, State) else state


class TurnRecorder:
    """Builds turn and rating events and offers them to the outbox."""

    def __init__(
        self, outbox: EventOutbox, secret: bytes, groups_by_intent: dict[str, str]
    ) -> None:
        self.outbox = outbox
        self.secret = secret
        self.groups = groups_by_intent
        self.turns = 0
        self._keys: dict[tuple[int, int], str] = {}
        self._counted: dict[tuple[str, str], Any] = {}

    def key(self, bot_id: int, chat_id: int) -> str:
        found = self._keys.get((bot_id, chat_id))
        if found is None:
            if len(self._keys) >= KEYS_KEPT:
                self._keys.clear()
            found = self._keys[(bot_id, chat_id)] = conversation_key(self.secret, bot_id, chat_id)
        return found

    def _count(self, group: str, outcome: str) -> None:
        child = self._counted.get((group, outcome))
        if child is None:
            child = self._counted[(group, outcome)] = MESSAGES.labels(group, outcome)
        child.inc()

    def turn(
        self,
        *,
        bot_id: int,
        chat_id: int,
        locale: str,
        outcome: TurnOutcome,
        intent: str | None,
        confidence: float | None = None,
        flow: str | None = None,
        candidates: list[str] | None = None,
        text: str | None = None,
    ) -> TurnRecorded | None:
        known = intent if intent in self.groups else None
        group = self.groups.get(known) if known else None
        unplaced = outcome in ("fallback", "clarified")
        words = anonymize(text)[:MAX_TURN_TEXT] if unplaced and text else None
        self.turns += 1
        self._count(group or NO_GROUP, outcome)
        try:
            event = TurnRecorded(
                occurred_at=datetime.now(UTC),
                event_id=secrets.token_hex(16),
                conversation=self.key(bot_id, chat_id),
                locale=locale if _LOCALE.fullmatch(locale) else "zh_CN",
                outcome=outcome,
                intent=known,
                group=group,
                confidence=None if confidence is None else max(0.0, min(1.0, confidence)),
                flow=flow,
                candidates=[c for c in (candidates or []) if c in self.groups][:3],
                text=words or None,
            )
        except ValidationError as exc:  # a bug of ours: never the customer's problem
            logger.warning("turn event not built: %s", exc.error_count())
            return None
        self.outbox.offer(event)
        return event

    def rated(self, *, bot_id: int, chat_id: int, intent: str | None, solved: bool) -> AnswerRated:
        known = intent if intent in self.groups else None
        event = AnswerRated(
            occurred_at=datetime.now(UTC),
            event_id=secrets.token_hex(16),
            conversation=self.key(bot_id, chat_id),
            solved=solved,
            intent=known,
            group=self.groups.get(known) if known else None,
        )
        self.outbox.offer(event)
        return event


class TurnMiddleware(BaseMiddleware):
    """Outer update middleware (after the intent match): lets the update be handled, then
    records the turn it was, if it was one (see the module docstring)."""

    def __init__(self, recorder: TurnRecorder, *, default_locale: str = "zh_CN") -> None:
        self.recorder = recorder
        self.default_locale = default_locale

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        turn = _what_turn(event)
        if turn is None:
            return await handler(event, data)
        kind, payload = turn
        note = TurnNote()
        data["turn"] = note
        bus = data.get("rpc")
        noting = NotingBus(bus) if bus is not None else None
        if noting is not None:
            data["rpc"] = noting
        before: str | None = data.get("raw_state")
        state: FSMContext | None = data.get("state")
        noted = NotingState(state, before) if state is not None else None
        if noted is not None:
            data["state"] = noted
        try:
            return await handler(event, data)
        finally:
            try:
                after = noted.now if noted is not None else None
                self._record(event, data, kind, payload, note, noting, before, after)
            except Exception:  # recording must never break the customer's turn
                logger.exception("turn not recorded")

    def _record(
        self,
        event: Update,
        data: dict[str, Any],
        kind: str,
        payload: Any,
        note: TurnNote,
        noting: NotingBus | None,
        before: str | None,
        after: str | None,
    ) -> None:
        bot = data.get("bot")
        chat = data.get("event_chat")
        if bot is None or chat is None:
            return
        locale = _locale(data, self.default_locale)
        if kind == "feedback":
            self.recorder.rated(
                bot_id=bot.id, chat_id=chat.id, intent=payload.intent, solved=payload.solved
            )
            return
        escalated = noting is not None and noting.escalated
        if not escalated and getattr(data.get("handoff"), "live", False):
            return  # relayed to the agent who has the chat: theirs to answer, not a bot turn
        flow = flow_name(after) or flow_name(before)
        if kind == "command":  # /start, /help… are not questions; /human is a handoff
            if escalated:
                self._escalated_by_button(bot.id, chat.id, locale, flow)
            return
        if kind == "message":
            decision: Decision | None = data.get("decision")
            outcome: TurnOutcome = "escalated" if escalated else note.outcome or "answered"
            message = event.message
            assert message is not None
            self.recorder.turn(
                bot_id=bot.id,
                chat_id=chat.id,
                locale=locale,
                outcome=outcome,
                intent=decision.intent if decision else None,
                confidence=float(decision.confidence) if decision else None,
                flow=flow if flow else (None if message.text else "media"),
                candidates=[c.intent for c in decision.candidates] if decision else [],
                text=message.text,
            )
            return
        if kind == "clarify":
            # A "did you mean…?" choice: the question, answered as the intent the customer
            # chose (confidence 1: their word); "none of these" or a stale button: unplaced.
            outcome = "escalated" if escalated else note.outcome or "answered"
            self.recorder.turn(
                bot_id=bot.id,
                chat_id=chat.id,
                locale=locale,
                outcome=outcome,
                intent=payload.intent,
                confidence=1.0 if outcome != "fallback" else None,
                flow=flow,
            )
            return
        if escalated:  # "talk to a person" and other buttons that opened a ticket
            self._escalated_by_button(bot.id, chat.id, locale, flow)

    def _escalated_by_button(
        self, bot_id: int, chat_id: int, locale: str, flow: str | None
    ) -> None:
        self.recorder.turn(
            bot_id=bot_id,
            chat_id=chat_id,
            locale=locale,
            outcome="escalated",
            intent=HUMAN_INTENT if HUMAN_INTENT in self.recorder.groups else None,
            flow=flow,
        )


def _what_turn(event: Update) -> tuple[str, Any] | None:
    """``("message", None)``, ``("command", None)``, ``("clarify", ClarifyCallback)``,
    ``("feedback", FeedbackCallback)``, ``("button", …)`` for a private chat's update; ``None``
    otherwise."""
    message = event.message
    if message is not None:
        if message.chat.type != "private":
            return None
        if message.from_user is None or message.from_user.is_bot:
            return None
        return ("command" if (message.text or "").startswith("/") else "message"), None
    query = event.callback_query
    if query is None or query.data is None or query.from_user.is_bot:
        return None
    chat = query.message.chat if query.message is not None else None
    if chat is None or chat.type != "private":
        return None
    for kind, factory in (
        ("clarify", ClarifyCallback),
        ("feedback", FeedbackCallback),
        ("human", HumanCallback),
    ):
        try:
            return kind if kind != "human" else "button", factory.unpack(query.data)
        except (ValueError, TypeError):
            continue
    return "button", None


def _locale(data: dict[str, Any], default: str) -> str:
    conversation = data.get("conv")
    locale = getattr(conversation, "locale", None) or data.get("locale") or default
    return str(locale)
