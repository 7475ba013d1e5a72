"""A customer asking for a person or a phone call ("能给个电话吗 打字说不清楚", "转人工", "can I
just call you?"): at any step, also while a flow waits for an order number or a contact, the
request is the turn — the wait ends and the chat goes to a person with a ticket an agent sees.

The shop's policy has no phone line to give (``shop.yaml`` names none), so a call asked for is
answered honestly: the bot can neither give a number nor call, and a colleague answers here.
"""

from __future__ import annotations

import re

from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bus import Bus
from intents import Decision
from intents.person import Asked, asks_if_bot, carries_phone_number, person_declined
from intents.person import person_asked as words_ask_for_person
from shop.enums import TicketReason

# Someone above the bot, or an exception asked for: a yes to "shall I pass you to a
# colleague?" when said right after it ("can a supervisor make an exception?"), not on its own
_SOMEONE_SENIOR = re.compile(
    r"主管|经理|领导|上级|负责人|店长|老板|通融|破例|特殊处理|特批|例外"
    r"|\b(supervisor|manager|boss|someone (senior|in charge)|the owner)\b"
    r"|\b(make|making) an exception\b|\bexception\b",
    re.IGNORECASE,
)


# "personal" (an invoice's kind, "a personal one", "personal use") is no person asked for: the
# engine, sure of ``human.agent`` on it, took "personal" at "personal or company?" to a ticket
_PERSONAL = re.compile(r"\bpersonal(ly)?\b", re.IGNORECASE)


def person_asked(text: str, decision: Decision | None = None) -> Asked | None:
    """ "call": a phone call or the shop's number asked for; "person": a person (or the engine
    sure it is ``human.agent``); ``None`` otherwise — a person declined, or a message with a
    phone number in it (an address, a contact), never (``intents.person`` reads the words)."""
    if carries_phone_number(text) or person_declined(text) or asks_if_bot(text):
        return None  # "是真人吗" is asked, not a person asked for (bot.handlers.person answers)
    asked = words_ask_for_person(text)
    if (
        asked is None
        and _PERSONAL.search(text) is None
        and decision is not None
        and decision.outcome == "accept"
        and (decision.intent == "human.agent")
    ):
        return "person"
    return asked


async def hand_to_person(
    conv: Conversation,
    rpc: Bus,
    asked: Asked,
    *,
    about: str = "human.agent",
    reason: TicketReason = "customer_asked",
) -> None:
    """The request answered: a call asked for hears plainly that the bot has no number to give
    and cannot call; then the chat's ticket (``open_ticket``: a person answers here), with
    what the message was ``about`` (an intent) for the agent."""
    if asked == "call":
        await conv.say(conv.t_person("person.no_call"))
    await open_ticket(conv, rpc, reason=reason, intent=about)


def someone_senior_asked(text: str) -> bool:
    """ "can a supervisor make an exception?", "让你们主管看看": said to a person offered, the
    customer takes the offer."""
    return _SOMEONE_SENIOR.search(text) is not None
