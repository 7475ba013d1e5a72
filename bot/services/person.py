"""A customer asking for a person or a phone call ("能给个电话吗 打字说不清楚", "转人工", "can I
just call you?"): at any step, also while a flow waits for an order number or a contact, the
request is the turn — the wait ends and the chat goes to a person with a ticket an agent sees.

The shop's policy has no phone line to give (``shop.yaml`` names none), so a call asked for is
answered honestly: the bot can neither give a number nor call, and a colleague answers here.
"""

from __future__ import annotations

import re
from typing import Literal

from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bus import Bus
from intents import Decision

Asked = Literal["call", "person"]

# A call with the shop (not the courier's number: "快递电话多少" is about the parcel).
_CALL = re.compile(
    r"(给|留)(个|一个|我)?(你们的?|客服的?|店里的?)?电话|(客服|你们|店里|店铺|商家)的?(联系)?电话"
    r"|电话(号码)?(是)?多少|有(没有)?(客服)?电话|打(个)?电话(给|跟|问)(你们|客服|商家|店)"
    r"|(给我|跟我)打(个)?电话|电话(沟通|联系|说|聊|里说)|(语音|视频)(通话|聊|说)"
    r"|\b(call|phone|ring) (me|you|you guys|the shop|customer service)\b"
    r"|\bcan (i|we) (just )?(call|phone|ring)\b"
    r"|\b(your|a|the shop'?s?|customer service|service) (tele)?phone (number|line)\b"
    r"|\bphone number (for|of|to reach) (you|the shop|customer service)\b"
    r"|\b(talk|speak) (to you |with you )?(on|over|by) the phone\b"
    r"|\bnumber (i|we) (can|could) (call|ring)\b|\bnumber to (call|ring)\b|hotline|helpline"
    r"|热线|电话客服",
    re.IGNORECASE,
)
_PERSON = re.compile(
    r"转人工|人工客服|人工服务|找人工|要人工|真人|活人|不要机器人|别用机器人"
    r"|\b(talk|speak|chat) (to|with) (a |an |some |the )?(real |actual |live )?"
    r"(person|human|agent|people|someone|somebody|staff)\b"
    r"|\breal person\b|\bhuman (agent|being)\b|\blive agent\b",
    re.IGNORECASE,
)
# Someone above the bot, or an exception asked for: a yes to "shall I pass you to a
# colleague?" when said right after it ("can a supervisor make an exception?"), not on its own
_SOMEONE_SENIOR = re.compile(
    r"主管|经理|领导|上级|负责人|店长|老板|通融|破例|特殊处理|特批|例外"
    r"|\b(supervisor|manager|boss|someone (senior|in charge)|the owner)\b"
    r"|\b(make|making) an exception\b|\bexception\b",
    re.IGNORECASE,
)
# "不用转人工，你直接告诉我", "no need for a human": a person declined, not asked for
_DECLINED = re.compile(
    r"(不要|不用|别|无需|不需要|没必要)(帮我|给我)?(转|找|叫)?(人工|真人)"
    r"|\b(no need (for|to)|don'?t (need|want)|do not (need|want)|without)( to)?"
    r"( talk to| speak to| speak with| talk with)? (a |an |any )?(real )?(person|human|agent)\b",
    re.IGNORECASE,
)
_ABOUT_THE_PARCEL = re.compile(r"快递|物流|骑手|派送|驿站|courier|driver", re.IGNORECASE)
_A_PHONE_NUMBER = re.compile(r"1\d{10}|\d{3,4}[- ]?\d{7,8}")


def person_asked(text: str, decision: Decision | None = None) -> Asked | None:
    """ "call": a phone call or the shop's number asked for; "person": a person (or the engine
    sure it is ``human.agent``); ``None`` otherwise — a message with a phone number in it is an
    address or a contact, never a request for a call."""
    if _A_PHONE_NUMBER.search(text) or _DECLINED.search(text):
        return None
    if _CALL.search(text) and not _ABOUT_THE_PARCEL.search(text):
        return "call"
    if _PERSON.search(text):
        return "person"
    if decision is not None and decision.outcome == "accept" and decision.intent == "human.agent":
        return "person"
    return None


def person_words(text: str) -> bool:
    """A person asked for in so many words ("我要找人工", "let me talk to a real person"), not
    declined and not a phone number given: the customer's wish, whatever else the message
    is about ("我要找人工 我的订单一直没发货")."""
    return (
        _PERSON.search(text) is not None
        and _DECLINED.search(text) is None
        and _A_PHONE_NUMBER.search(text) is None
    )


async def hand_to_person(
    conv: Conversation, rpc: Bus, asked: Asked, *, about: str = "human.agent"
) -> None:
    """The request answered: a call asked for hears plainly that the bot has no number to give
    and cannot call; then the chat's ticket (``open_ticket``: a person answers here), with
    what the message was ``about`` (an intent) for the agent."""
    if asked == "call":
        await conv.say(conv.t("person.no_call"))
    await open_ticket(conv, rpc, reason="customer_asked", intent=about)


def someone_senior_asked(text: str) -> bool:
    """ "can a supervisor make an exception?", "让你们主管看看": said to a person offered, the
    customer takes the offer."""
    return _SOMEONE_SENIOR.search(text) is not None

