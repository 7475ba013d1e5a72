"""Small async filters (they sit on the hot path: aiogram runs sync filters in a thread pool).

Which intents reach which handler is :mod:`bot.routing`'s business (``IntentRoute``)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from aiogram.filters import Filter, StateFilter
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.services import done
from intents import Decision

if TYPE_CHECKING:
    from bot.services.conversation import Conversation


class Outcome(Filter):
    """The matcher's outcome for the message: "accept", "clarify" or "fallback"."""

    __slots__ = ("outcomes",)

    def __init__(self, *outcomes: str) -> None:
        self.outcomes = frozenset(outcomes)

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        return decision is not None and decision.outcome in self.outcomes


class InState(StateFilter):
    """aiogram's ``StateFilter`` with its states read once: the state names it passes (a
    ``StatesGroup``'s all, nested ones too; ``None`` for no state), or any state for ``"*"``.
    aiogram's walks the states on every call and makes an instance of each group to ask it
    (~11 µs a call; the filters before the intents ask it on every message)."""

    def __init__(self, *states: Any) -> None:
        super().__init__(*states)
        self._names: frozenset[str | None] | None = None  # read at the first call: groups are
        self._any = False  # complete by then (a nested group's names take its parent's prefix)

    def _read(self) -> frozenset[str | None]:
        names: set[str | None] = set()
        for allowed in self.states:
            if isinstance(allowed, str) or allowed is None:
                self._any = self._any or allowed == "*"
                names.add(allowed)
            elif isinstance(allowed, State):
                self._any = self._any or allowed.state == "*"
                names.add(allowed.state)
            elif isinstance(allowed, StatesGroup) or (
                isinstance(allowed, type) and issubclass(allowed, StatesGroup)
            ):
                names.update(type(allowed).__all_states_names__ if isinstance(allowed, StatesGroup)
                             else allowed.__all_states_names__)  # fmt: skip
        return frozenset(names)

    async def __call__(self, obj: TelegramObject, raw_state: str | None = None) -> bool:
        names = self._names
        if names is None:
            names = self._names = self._read()
        return self._any or raw_state in names


class HasText(Filter):
    """A plain text message that is not a command."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and message.text != "" and message.text[0] != "/"


class HasContact(Filter):
    async def __call__(self, message: Message) -> bool:
        return message.contact is not None


class PrivateChat(Filter):
    """One-to-one chats with customers (groups are the agents' and ops' business); a button
    counts when the message it is under is in one (a press under an inline-mode message comes
    with no message, and no chat)."""

    async def __call__(self, event: Message | CallbackQuery) -> bool:
        if isinstance(event, CallbackQuery):
            return event.message is not None and event.message.chat.type == "private"
        return event.chat.type == "private"


class IsCommand(Filter):
    """A ``/command`` message: lets the commands router skip plain text with one check."""

    async def __call__(self, message: Message) -> bool:
        return message.text is not None and message.text.startswith("/")


_LONG_NUMBER = re.compile(r"\d{9}")
"""As many digits in a row as the shortest tracking number (``bot.services.parcels``)."""


class MayBeBeforeIntents(Filter):
    """A command, a shared contact, a message in a chat with an FSM state, one right after an
    offer or after a job was done, or one with a long number (a return's tracking number):
    what the routers before the intent handlers (a return's parcel, commands, the contact, the
    flows, the answer to an offer, "改好了吗") may take. Every other message — most turns —
    skips them all at once (each still checks its own filter)."""

    async def __call__(
        self, message: Message, raw_state: str | None = None, conv: Conversation | None = None
    ) -> bool:
        text = message.text
        return (
            raw_state is not None
            or message.contact is not None
            or (text is not None and text.startswith("/"))
            or (conv is not None and conv.offer is not None)  # a yes or no to an offer
            or (conv is not None and (done.asked(conv, text) or done.asked_next(conv, text)))
            or (conv is not None and conv.memory.left_job is not None)  # a yes to go back to it
            or (text is not None and _LONG_NUMBER.search(text) is not None)  # a tracking no.
        )
