""" "改好了吗" right after the bot said it was done: the job the chat last got done, said again.

A customer who has just been told "地址已改好" and asks "改好了吗", "地址改了没" or "did it
go through?" heard "did you mean…?" or — worse — a new address change was started. The chat
memory keeps the last job the worker confirmed (``ChatMemory.done``: what, which order, its
number, when, and the message that said so); such a question within ``DONE_TTL_S`` is
answered by that job, as a reply to the message that confirmed it. A question naming another
kind of job ("退款到了吗" after an address change) is not this one's: the intents take it. Nor
is a question about the money after a return ("钱退了吗", "退款到了没"): the return was made, but
the money comes once the shop has her parcel (``kefu returns receive``, ``kefu refunds
issue``) — the refund's own state answers it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.services.memory import DoneJob, JobKind

if TYPE_CHECKING:
    from bot.services.conversation import Conversation

DONE_TTL_S = 24 * 3600
"""How long "is it done?" is read as about the chat's last job."""

_ZH_ASKED = re.compile(
    r"(改|换|退|取消|弄|办|处理|登记|催|提交)(好|完|成|掉)?了?(吗|没|没有|嘛|么|不)"
    r"|(好|完|成功|搞定)了?(吗|没|没有|嘛|么)"
)
_EN_ASKED = re.compile(
    r"\b(did (it|that|this) (go through|work|happen)|is (it|that|this) (done|changed|sorted|"
    r"cancell?ed|through|updated)|has (it|that|this) been (done|changed|cancell?ed|updated|"
    r"sorted)|did you (change|cancel|update|do|sort) (it|that)|all (done|set)\?)",
    re.I,
)
ZH_LONGEST = 12
"""Longer Chinese messages carry more than "is it done?" (a new request, a story)."""

NOUNS: dict[JobKind, tuple[str, ...]] = {
    "address": ("地址", "address"),
    "cancel": ("取消", "cancel"),
    "modify": ("尺码", "颜色", "size", "colour", "color"),
    "courier": ("快递", "顺丰", "courier"),
    "urge": ("催",),
    "return": ("退", "return", "refund"),
    "exchange": ("换", "exchange"),
    "receipt": ("收货", "receiv", "receipt"),
    "note": ("备注", "note", "remark"),
}
"""The words that name each kind of job (a question naming another kind is not about it)."""

_MONEY = re.compile(r"钱|款|到账|money|refund", re.I)
"""The money of a return: asked after one, the refund's question, not "is the return made?"."""


def done_asked(text: str) -> bool:
    """The message asks whether something was done ("改好了吗", "did it go through?")."""
    stripped = text.strip()
    if _EN_ASKED.search(stripped):
        return True
    return len(stripped) <= ZH_LONGEST and _ZH_ASKED.search(stripped) is not None


# what she does now, asked right after a job was done ("so what happens now?", "接下来怎么办")
_ZH_NEXT = re.compile(
    r"接下来|下一步|然后(?:呢|怎么|我|要|需要)|(?:现在|那)(?:怎么办|怎么弄|该怎么|要怎么|咋办|咋弄)"
    r"|我(?:现在|还)?(?:要|需要|该|得)(?:做|干|弄)?(?:什么|啥|些什么)"
)
_EN_NEXT = re.compile(
    r"\bwhat (?:happens|now|next|do i (?:do|need to do|have to do)|should i do|else do i need)\b"
    r"|\bwhat'?s next\b|\bnext steps?\b|\bnow what\b|\bwhat do i need to do\b",
    re.I,
)
ZH_NEXT_LONGEST = 16


def next_asked(text: str) -> bool:
    """The message asks what happens now, or what she has to do ("so what happens now?",
    "接下来怎么办", "我要做什么")."""
    stripped = text.strip()
    if _EN_NEXT.search(stripped):
        return True
    return len(stripped) <= ZH_NEXT_LONGEST and _ZH_NEXT.search(stripped) is not None


def about_next(done: DoneJob, text: str, now: datetime | None = None) -> bool:
    """``text`` asks what comes after the chat's last job: recent, and asked so."""
    now = now or datetime.now(UTC)
    return now - done.at <= timedelta(seconds=DONE_TTL_S) and next_asked(text)


def asked_next(conv: Conversation, text: str | None) -> bool:
    """The chat has a job done and ``text`` asks what comes next (:func:`about_next`)."""
    job = conv.memory.done
    return job is not None and text is not None and about_next(job, text)


def about(done: DoneJob, text: str, now: datetime | None = None) -> bool:
    """``text`` asks whether the chat's last job was done: recent, asked so, and naming no
    other kind of job."""
    now = now or datetime.now(UTC)
    if now - done.at > timedelta(seconds=DONE_TTL_S) or not done_asked(text):
        return False
    if done.kind == "return" and _MONEY.search(text):
        return False
    lowered = text.lower()
    named = {kind for kind, words in NOUNS.items() if any(w in lowered for w in words)}
    return not named or done.kind in named


def asked(conv: Conversation, text: str | None) -> bool:
    """The chat has a job done and ``text`` asks whether it was (:func:`about`)."""
    job = conv.memory.done
    return job is not None and text is not None and about(job, text)


async def say(
    conv: Conversation,
    kind: JobKind,
    text: str,
    *,
    order_no: str | None = None,
    reference: str | None = None,
) -> None:
    """Say that the worker confirmed a job, and keep it as the chat's last job done (with the
    message that said so: "改好了吗" is answered as a reply to it)."""
    said = await conv.say(text)
    if order_no is not None:
        # the order the job was done on is the one in view ("那现在到哪了" right after)
        conv.memory.last_order, conv.memory.order_turn = order_no, conv.memory.turns
    conv.memory.done = DoneJob(
        kind=kind,
        order_no=order_no,
        reference=reference,
        message_id=said.message_id,
        at=datetime.now(UTC),
    )
