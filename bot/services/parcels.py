"""A return's parcel sent back, in the customer's words: "退货寄回去了 顺丰 SF1234567890",
"sent the jeans back, tracking YT20493810". The number goes on their return
(``returns.record_tracking``), as the return's address answer asks ("寄出后可以把快递单号发到
这里")."""

from __future__ import annotations

import re

from bot import keyboards
from bot.services.conversation import Conversation
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import is_linked
from bus import Bus
from bus.contracts import RecordReturnTracking, ReturnTrackingRecorded

_TRACKING = re.compile(
    r"(?<![A-Za-z0-9])((?:[A-Za-z]{2,5})?\d{9,20}|[A-Za-z]{2}\d{9}[A-Za-z]{2})(?![A-Za-z0-9])"
)
_NOT_TRACKING = re.compile(r"^(?:KF\d+|RT\d+|RMA\d+|1[3-9]\d{9})$")
"""An order number (KF…), a return's or an exchange's number (RT…, RMA…) or a mobile phone
number."""
_RETURN_NO = re.compile(r"(?<![A-Za-z0-9])((?:RT|RMA)\d{8,20})(?![0-9])", re.IGNORECASE)
_SENT_BACK = re.compile(
    r"寄回|退回|寄出|寄走|发回|退货|退的|退了|退掉|换货|"
    r"\b(?:sent|send|shipped|ship|mailed|posted|returned|dropped)\b.*\b(?:back|return|it|them|off)\b"
    r"|\breturn(?:ed|ing)?\b",
    re.IGNORECASE,
)
_TRACKING_WORDS = re.compile(r"单号|运单|快递号|物流号|\btracking\b|\bwaybill\b", re.IGNORECASE)


def tracking_number(text: str) -> str | None:
    """A courier's tracking number in the text (letters and 9–20 digits, or an international
    one like EE123456789CN), upper-cased; never an order or return number or a phone."""
    for m in _TRACKING.finditer(text):
        number = m.group(1).upper()
        if not _NOT_TRACKING.match(number):
            return number
    return None


def return_parcel(text: str, about_returns: bool = False) -> str | None:
    """The tracking number of a return sent back: a tracking number with words of sending it
    back ("退货寄出了"), or — in a chat about a return (``about_returns``) — with a tracking
    word ("单号 SF…"). ``None`` otherwise ("KF… 到哪了" is an order question)."""
    number = tracking_number(text)
    if number is None:
        return None
    if _SENT_BACK.search(text) or (about_returns and _TRACKING_WORDS.search(text)):
        return number
    return None


def return_number(text: str) -> str | None:
    """A return's number (RT…) or an exchange's (RMA…) named with it."""
    m = _RETURN_NO.search(text)
    return m.group(1).upper() if m else None


_SAID_SENT_BACK = re.compile(
    r"寄回|退回(?!来)|寄过去|寄走了|退回去|寄给你们|发回去|"
    r"\b(?:sent|shipped|mailed|posted|dropped)\b.{0,40}\bback\b|\b(?:already )?returned\b",
    re.IGNORECASE,
)


def says_sent_back(text: str) -> bool:
    """The customer says the parcel already went back ("东西已经寄回去了", "I sent the jeans
    back last week")."""
    return _SAID_SENT_BACK.search(text) is not None


_A_RETURN_MADE = re.compile(
    r"(?:上次|上回|之前|以前|前几天|前两天|刚才|刚刚|已经|早就|昨天|前天|上周|那天|今天早上)"
    r"(?:申请|办|提交)?(?:了)?(?:的)?退(?:了|掉|回|货|回去|款)?的"
    r"|申请(?:了)?退(?:货|款)?的(?:那|这)"
    r"|退(?:回去|掉|了|过)的(?:那|这|衣服|东西|商品|货)|退过的|退货的那(?:件|单|个)"
    r"|\b(?:the )?(?:one|item|thing|stuff|order)s? (?:that )?I (?:already )?"
    r"(?:returned|sent back)\b|\bwhat I (?:already )?(?:returned|sent back)\b"
    r"|\bmy (?:earlier |last |previous )?return\b(?! polic| rule| address| window| label)"
    r"|\breturn (?:request )?(?:that |which )?I (?:already )?"
    r"(?:asked for|requested|filed|made|opened|started|submitted|put in|did)\b"
    # the shop asked whether it got her parcel ("你们收到我的包裹了吗", "did you get my parcel
    # yet?"): the only parcel the shop receives from her is her return (jobs batch 12: her
    # list of orders)
    r"|你们(?:那边|仓库)?(?:已经)?收到(?:我(?:寄|退)?的)?(?:包裹|快递|东西|退货|衣服)?了?(?:吗|没|没有|嘛)"
    r"|\b(?:did|have|has) (?:you|you guys|your (?:warehouse|team)) (?:got|get|gotten|received?)"
    r" (?:my|the) (?:parcel|package|return|box|stuff)\b",
    re.IGNORECASE,
)


def points_at_a_return(text: str) -> bool:
    """The customer means an item already returned ("就是上次退的那件", "the one I returned"):
    a question about that return, not a new one."""
    return _A_RETURN_MADE.search(text) is not None


async def record_return_parcel(
    conv: Conversation, rpc: Bus, tracking_no: str, return_no: str | None = None
) -> None:
    """The number on the customer's own return or exchange waiting for it (the one named, or
    their only one); said plainly when there is none or which one is unclear. A customer not
    verified is asked to share their contact first: the number is kept and recorded once the
    contact is linked (``bot.flows.identity``)."""
    if not await is_linked(rpc, conv):
        conv.memory.parcel = (tracking_no, return_no)
        await conv.say(conv.t("return_parcel.verify"), reply_markup=keyboards.share_contact(conv.t))
        return
    conv.memory.parcel = None
    request = RecordReturnTracking(
        idempotency_key=idempotency_key(conv.user_id),
        telegram_user_id=conv.user_id,
        tracking_no=tracking_no,
        return_no=return_no,
    )
    reply = await call_command(conv, rpc, request)
    if isinstance(reply, ReturnTrackingRecorded):
        key = (
            "return_parcel.replaced"
            if reply.replaced
            else ("return_parcel.recorded_exchange" if reply.exchange else "return_parcel.recorded")
        )
        await conv.say(
            conv.t(
                key,
                tracking_no=reply.tracking_no,
                return_no=reply.return_no,
                order_no=reply.order_no,
                before=reply.replaced or "",
            )
        )
        return
    if reply.reason == "which_return":
        await conv.say(
            conv.t(
                "return_parcel.which_return",
                returns=conv.replies.join(reply.open_returns, conv.locale),
                example=reply.open_returns[0],
                tracking_no=tracking_no,
            )
        )
        return
    if reply.reason == "not_linked":
        conv.memory.linked = False
        conv.memory.parcel = (tracking_no, return_no)
        await conv.say(conv.t("return_parcel.verify"), reply_markup=keyboards.share_contact(conv.t))
        return
    await conv.say(
        conv.t("return_parcel.no_open_return", tracking_no=tracking_no),
        reply_markup=conv.offer_human("customer_asked"),
    )
