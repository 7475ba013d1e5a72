"""Telegram updates as the bus carries them (webhook mode: ``python -m bot.ingress`` publishes
each update to its chat's partition, the bot processes consume the partitions).

Both sides read an update the same way, here, from its JSON and without building aiogram
objects (``bus`` never imports aiogram): the body must be a JSON object with an integer
``update_id``, and its *lane* — the chat it belongs to, or the user for updates without a chat,
or the update itself for the few with neither — decides its partition (the ingress) and the
order it is handled in (the bot process: one lane's updates one after another).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

UPDATE_TYPE = "telegram.update"
"""The ``type`` property of an update on the bus."""


class MalformedUpdate(ValueError):
    """Not an update the partitions can carry; the message is the reason (``not JSON``, ``no
    update_id``), never the content."""


@dataclass(frozen=True, slots=True)
class RawUpdate:
    """An update's JSON with what the bus needs of it read once."""

    update_id: int
    data: dict[str, Any]
    chat: int | None
    """The chat it belongs to (the user, for updates without a chat); ``None``: neither."""

    @property
    def lane(self) -> int:
        """What orders it: its chat, or its own ``update_id`` when it has none (a poll's
        state, say, belongs to nobody's conversation)."""
        return self.chat if self.chat is not None else self.update_id


def parse(body: bytes | str) -> RawUpdate:
    """The update in ``body``; raises :class:`MalformedUpdate` with the reason."""
    try:
        data = json.loads(body)
    except ValueError:
        raise MalformedUpdate("not JSON") from None
    update_id = data.get("update_id") if isinstance(data, dict) else None
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        raise MalformedUpdate("no update_id")
    return RawUpdate(update_id, data, chat_of(data))


def chat_of(update: dict[str, Any]) -> int | None:
    """The chat an update belongs to (the user, for updates without a chat): every update of
    one customer lands in one partition, messages and button presses alike."""
    for key, value in update.items():
        if key == "update_id" or not isinstance(value, dict):
            continue
        for holder in (value, value.get("message")):
            if isinstance(holder, dict):
                chat = holder.get("chat")
                if isinstance(chat, dict) and _is_id(chat.get("id")):
                    return int(chat["id"])
        for field in ("from", "user", "voter_chat"):
            who = value.get(field)
            if isinstance(who, dict) and _is_id(who.get("id")):
                return int(who["id"])
    return None


def _is_id(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
