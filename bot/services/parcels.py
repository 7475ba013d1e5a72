"""A return's parcel sent back, in the customer's words: "退货寄回去了 顺丰 SF1234567890",
"sent the jeans back, tracking YT20493810". The number goes on their return
(``returns.record_tracking``), as the return's address answer asks ("寄出后可以把快递单号发到
这里")."""

from __future__ import annotations

import re

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
    r"寄回|退回|寄过去|寄走了|退回去|寄给你们|发回去|"
    r"\b(?:sent|shipped|mailed|posted|dropped)\b.{0,40}\bback\b|\b(?:already )?returned\b",
    re.IGNORECASE,
)


def says_sent_back(text: str) -> bool:
    """The customer says the parcel already went back ("东西已经寄回去了", "I sent the jeans
    back last week")."""
    return _SAID_SENT_BACK.search(text) is not None
