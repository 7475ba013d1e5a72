"""The same long answer asked again in a chat is not repeated in full.

A good agent asked the same thing twice doesn't paste the same paragraph again: they point back
to it, give the one line that matters, and ask which part is still unclear — offering a
colleague. :func:`say_answer` does that for the policy answers: a long answer (several lines,
or more than ``LONG_CHARS`` characters) given in this chat is noted in the chat memory
(``ChatMemory.answered``: its key → the message it went out in; the chat memory's expiry
applies), and the same answer again is said briefly, as a reply to that message, with the offer
of a person. A different answer to the same intent (another region, another item kind) is a
different answer: said in full.
"""

from __future__ import annotations

import zlib

from bot.services.conversation import Conversation, Markup

LONG_CHARS = 120
LONG_LINES = 3
KEPT = 8
"""Long answers remembered per chat (the oldest go first)."""


def is_long(text: str) -> bool:
    return len(text) > LONG_CHARS or text.count("\n") + 1 >= LONG_LINES


def answer_key(intent: str, text: str) -> str:
    return f"{intent}:{zlib.crc32(text.encode()):08x}"


async def say_answer(
    conv: Conversation,
    intent: str,
    text: str,
    reply_markup: Markup | None = None,
    *,
    decided: bool = False,
    reason: str = "other",
) -> bool:
    """Say a policy answer for ``intent``; ``True`` when it was said in full, ``False`` when
    it had been given in this chat already and was said briefly (``decided``: the answer opens
    with the policy's yes or no, which the brief keeps; ``reason``: of the ticket offered)."""
    if not is_long(text):
        await conv.say(text, reply_markup=reply_markup)
        return True
    key = answer_key(intent, text)
    memory = conv.memory
    earlier = memory.answered.get(key)
    if earlier is None:
        message = await conv.say(text, reply_markup=reply_markup)
        kept = {k: v for k, v in memory.answered.items() if k != key}
        kept[key] = message.message_id
        memory.answered = dict(list(kept.items())[-KEPT:])
        return True
    key_line = conv.replies.brief(intent, conv.locale, text, decided=decided)
    await conv.say(
        conv.t("repeat.brief", brief=key_line),
        reply_markup=conv.offer_human(reason),
        reply_to=earlier,
    )
    return False
