"""Compensation asked for instead of a return ("我不想退 能不能补偿点", "can i keep it and get
a partial refund?"): only a person may grant it (DOMAIN: never improvise a discount), so the
bot says so plainly and hands the chat over with a ticket — it used to start the return she
had just said she didn't want."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot.filters import HasText
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bus import Bus
from intents import Decision

# money back or something in kind for what went wrong, without sending it back
_COMPENSATION = re.compile(
    r"补偿|赔偿|赔(?:点|些|一点|我)|退(?:点|一点|些|一些|部分)(?:钱|款|差价)?|部分退款|返(?:点|些|一点)(?:钱|现)"
    r"|\bcompensat\w*|\bpartial refund\b|\brefund (?:part|some|a bit)\b"
    r"|\bsome (?:money|of my money) back\b"
    r"|\b(?:a |some )?(?:discount|refund|credit) (?:and|to|if i) keep\b"
    r"|\bkeep (?:it|them) (?:for|with|and get) (?:a |some )?"
    r"(?:discount|refund|partial refund|credit)\b",
    re.IGNORECASE,
)
# the return itself declined ("我不想退", "instead of returning it")
_NO_RETURN = re.compile(
    r"(?:不想|不要|不用|不打算|懒得|不)(?:退|寄回)|\binstead of (?:return|send)\w*|\brather keep\b"
    r"|\b(?:don'?t|do not) (?:want|wanna) to (?:return|send)\b|\bkeep (?:it|them)\b",
    re.IGNORECASE,
)
_FAULT_TURNS = 4
"""A fault told at most this many messages ago makes a bare "能补偿点吗" about it."""


def compensation_asked(text: str, *, fault_just_told: bool = False) -> bool:
    """Compensation asked for in place of a return: with the return declined in the same
    message, or right after a fault was told. "能不能便宜点" before buying is haggling (the
    bargain answer), not this."""
    if _COMPENSATION.search(text) is None:
        return False
    return fault_just_told or _NO_RETURN.search(text) is not None


class CompensationAsked(Filter):
    async def __call__(
        self, message: Message, conv: Conversation | None = None, raw_state: str | None = None
    ) -> bool:
        if conv is None or raw_state is not None:
            return False
        told = conv.memory.fault_told
        recent = told is not None and conv.memory.turns - told[0] <= _FAULT_TURNS
        return compensation_asked(message.text or "", fault_just_told=recent)


async def handle_compensation(
    message: Message, conv: Conversation, rpc: Bus, decision: Decision | None = None
) -> None:
    memory = conv.memory
    fault = memory.fault_told is not None and memory.turns - memory.fault_told[0] <= _FAULT_TURNS
    order_no = (decision.slots.order_no if decision is not None else None) or memory.last_order
    await conv.say(conv.t("compensation.to_person"))
    await open_ticket(
        conv,
        rpc,
        reason="quality" if fault else "discount",
        intent=decision.intent if decision is not None else None,
        order_no=order_no,
    )


def get_router() -> Router:
    """Compensation asked the engine could not place ("我不退了 给我补偿"), after the intents."""
    router = Router(name=__name__)
    register(router)
    return router


def register(router: Router) -> None:
    """On the router of confidently placed messages, before its other handlers (the engine
    reads a return, a discount or a complaint in it)."""
    router.message.register(handle_compensation, HasText(), CompensationAsked())
