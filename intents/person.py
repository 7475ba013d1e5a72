"""A customer asking for a person or a phone call with the shop ("能给个电话吗 打字说不清楚",
"转人工", "can I just call you?"): one reader for the engine (a person asked for with a reason
is the handover, not a complaint: ``engine._wants_person``) and the bot (the request is the
turn, at any step: ``bot.services.person``). The standard library only.
"""

from __future__ import annotations

import re
from typing import Literal

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
    r"|热线|电话客服"
    # a voice call asked for ("能打个语音吗 说不清"; round 26): not a voice message sent
    r"|(可以|能|方便)(打个?|打一下)?语音(通话|电话)?(吗|么|不|嘛|呗)"
    # a landline or a number to ring given ("能留个座机吗 我打过去说"; round 23)
    r"|(给|留)(个|一个|我)?(你们的?|客服的?|店里的?)?(座机|电话号|手机号)|打过去(聊|说|问|沟通)",
    re.IGNORECASE,
)
# A person: 转人工, 找个人工, a real person
_PERSON = re.compile(
    r"转(个|一下|一个|给)?人工|人工客服|人工服务|有没有人工|[找要叫换接](个|一个|一下|下)?人工|人工来|真人|活人|不要机器人|别用机器人"
    # someone in charge ("我要跟管事的说", "叫你们店长来"; "I want to speak to a manager" is
    # mostly the grievance itself, left to the model)
    r"|(找|叫|请|让)(你们)?(的)?(管事的|负责人|主管|经理|店长|领导|上级)"
    r"|(我要|我想|让我)(跟|和|找)(你们)?(的)?(管事的|负责人|主管|经理|店长|领导|上级)"
    # another or a real one asked for ("能不能换个人来", "我想跟真的客服聊"; round 20)
    r"|换(个|一个)(人|客服)(来|吧|跟|和|回|处理|说)|(跟|和|找)真(的|正的)(客服|人)"
    # a live one, someone in charge fetched, the agent she had before ("我要跟活的客服对话",
    # "把你们主管叫来", "能转给昨天那个客服吗"; round 22)
    r"|(跟|和|找|要)活的(客服|人)"
    r"|(把|让)(你们)?(的)?(管事的|负责人|主管|经理|店长|领导|上级)(叫|喊|请)(来|出来|过来)"
    r"|(转|交)(给|到|回)(昨天|之前|上次|刚才|早上|前天|原来)?(的)?(那个|那位)(客服|小姐姐|小哥哥|人)"
    r"|找(昨天|之前|上次|刚才|早上|前天|原来)(的)?(那个|那位)?(客服|小姐姐|小哥哥)"
    r"|\b(talk|speak|chat) (to|with) (a |an |some |the )?(real |actual |live )?"
    r"(person|human|agent|people|someone|somebody|staff)\b"
    r"|\breal person\b|\bhuman (agent|being)\b|\blive agent\b"
    # a human asked for in two words ("human pls, long story"; round 26)
    r"|^\W*(a )?human,? (please|pls|plz)\b|\b(please|pls|plz),? (a )?human\W*$"
    # someone fetched ("get me someone who can actually help", "find me a real person")
    r"|\b(get|give|find|fetch|bring) me (a |an |some )?(real |actual |live )?"
    r"(person|human|agent|someone|somebody|staff|manager|supervisor)\b"
    r"|\bsomeone (who|that) can (actually |really |properly )?help\b"
    # someone wanted to look at it ("i want a person to look into it", "have someone check
    # it"; session 16)
    r"|\b(i|we) (want|need|would like|'d like) (a |an |some )?(real |actual |live )?"
    r"(person|human|agent|someone|somebody|staff member) to (look|check|handle|sort|deal|help)\b"
    r"|\b(have|get) (a |an )?(real |actual )?(person|human|someone|somebody|agent|staff member) "
    r"(to )?(look into|look at|check|handle|sort out|deal with)\b"
    # someone put on the chat ("put a real staff member on pls")
    r"|\bput (a |an |some )?(real |actual |live )?(person|human|agent|staff member|staff"
    r"|someone|somebody) on\b"
    r"|\b(transfer|put|pass|hand|connect) me (over |through )?(to|on to|onto|with) "
    r"(a |an |the |some |your )?"
    r"(real |actual |live )?(person|human|agent|staff|someone|somebody|customer service|support"
    r"|team|rep|representative)\b"
    # someone to take the chat over, not the machine ("could a staff member pick this up pls,
    # not the auto replies"; round 20)
    r"|\b(a |some )?(real |actual |live )?(staff member|staff|human|person|agent) (to )?"
    r"(pick|take) (this|it|me) (up|over)\b"
    r"|\bnot (the |an |these |this |your )?auto(matic|mated)?[- ]?(replies|reply|responses?"
    r"|answers?|messages?)\b"
    # any humans about, it escalated to someone above ("any real people around?", "could you
    # escalate this to your manager please"; round 23)
    r"|\bany (real |actual |live )?(humans?|real people|actual people) (working|around|on|there"
    r"|here|available|online|in)\b"
    r"|\bescalate (this|it|me|my case|my issue)? ?to (a |an |the |your |some )?(supervisor|manager"
    r"|human|person|someone|somebody|senior|team lead|boss)\b|\bwhoever is (above|over) you\b",
    re.IGNORECASE,
)
# "不用转人工，你直接告诉我", "no need for a human": a person declined, not asked for
_DECLINED = re.compile(
    r"(不要|不用|别|无需|不需要|没必要)(帮我|给我)?(转|找|叫)?(人工|真人)"
    r"|\b(no need (for|to)|don'?t (need|want)|do not (need|want)|without)( to)?"
    r"( talk to| speak to| speak with| talk with)? (a |an |any )?(real )?(person|human|agent)\b",
    re.IGNORECASE,
)
# Looser words the engine reads as well (``mentions_person``): a bare 打电话 or "phone number"
# can be the courier's or a grievance ("打电话没人接"), which the bot's reading must not hand over
_LOOSE = re.compile(r"打电话|打过去|\ba human\b|\bphone number\b", re.IGNORECASE)
_ABOUT_THE_PARCEL = re.compile(r"快递|物流|骑手|派送|驿站|courier|driver", re.IGNORECASE)
_A_PHONE_NUMBER = re.compile(r"1\d{10}|\d{3,4}[- ]?\d{7,8}")


# "你是机器人吗", "是真人吗", "am i talking to a real person": a question about who answers,
# not a request for a person (answered honestly, a person offered: ``bot.handlers.person``)
_BOT_QUESTION = re.compile(
    r"(?:你|您|这|对面)?(?:们)?(?<!我)是(?:不是)?(?:个)?(?:真人|活人|人工|机器人|机器|人|AI|ai|程序|自动回复)"
    r"(?:客服)?(?:还是(?:真人|活人|机器人|机器|人工|人|AI|ai|程序|自动回复))?(?:在回(?:复|消息)?)?"
    r"(?:吗|嘛|么|呢|啊|吧|[?？]|$)"
    r"|真人吗|机器人吗|真人回复吗|有真人吗"
    r"|\b(?:are|r) (?:you|u|these|the replies) (?:a |an )?(?:real |actual |live )?"
    r"(?:bot|robot|human|person|ai|a\.i\.|machine|automated|real)\b"
    r"|\bam i (?:talking|speaking|chatting|texting) (?:to|with) (?:a |an )?(?:real |actual |live )?"
    r"(?:bot|robot|human|person|machine|ai|someone real|a real person)\b"
    r"|\bis (?:this|it|that) (?:a |an )?(?:real |actual )?(?:bot|robot|real person|human|person|ai"
    r"|machine|automated|auto[- ]?reply|chatbot)\b",
    re.IGNORECASE,
)


def asks_if_bot(text: str) -> bool:
    """ "你是机器人吗", "是真人吗", "am i talking to a real person?": who is answering, asked —
    not a person asked for ("我要跟真人说话", "let me talk to a real person")."""
    found = _BOT_QUESTION.search(text)
    if found is None:
        return False
    rest = text[: found.start()] + " " + text[found.end() :]
    return not (_PERSON.search(rest) or _CALL.search(rest) or _WANTS_ONE.search(rest))


# beside the question, someone asked for in plain words ("你是机器人吧 叫个人来", "are you a
# bot? get me someone"): the request
_WANTS_ONE = re.compile(
    r"[叫找换接来要](个|一个)?(人|真人|活人|同事)|别(再)?(自动)?回|不要(再)?(自动)?回"
    r"|\b(get|give|find) me\b|\bi (want|need)\b|\bput me\b|\bconnect me\b",
    re.IGNORECASE,
)


def carries_phone_number(text: str) -> bool:
    """A mobile or landline number in the message (an address or a contact, not a request)."""
    return _A_PHONE_NUMBER.search(text) is not None


def person_declined(text: str) -> bool:
    """ "不用转人工", "no need for a human": the customer does not want one."""
    return _DECLINED.search(text) is not None


def person_asked(text: str) -> Asked | None:
    """ "call": a phone call or the shop's number asked for; "person": a person; ``None``
    otherwise — a person declined, or a message with a phone number in it (an address or a
    contact), is never a request."""
    if carries_phone_number(text) or person_declined(text) or asks_if_bot(text):
        return None
    if _CALL.search(text) and not _ABOUT_THE_PARCEL.search(text):
        return "call"
    if _PERSON.search(text):
        return "person"
    return None


def person_words(text: str) -> bool:
    """A person asked for in so many words ("我要找人工", "let me talk to a real person"), not
    declined and not a phone number given: the customer's wish, whatever else the message
    is about ("我要找人工 我的订单一直没发货")."""
    return (
        _PERSON.search(text) is not None
        and not person_declined(text)
        and not carries_phone_number(text)
        and not asks_if_bot(text)
    )


def mentions_person(text: str) -> bool:
    """Any words of a person or a call, without ``person_asked``'s exclusions (a phone number,
    the courier's line): the engine weighs them against the rest of the message itself."""
    return bool(_CALL.search(text) or _PERSON.search(text) or _LOOSE.search(text))
