"""A parcel marked delivered that never came: one reader for the engine (told as a grievance it
is the order's, not a complaint: ``engine._reread``) and the bot (the order's job
``not_received``: ``bot.flows.orders.order_job``). The standard library only.

"显示已签收但是我没收到", "没收到 却显示签收了", "tracking says delivered but I never got it",
"app says dropped at door at 2pm, nobody came" — the courier's record says it arrived, the
customer says it did not.
"""

from __future__ import annotations

import re

_SAID_SIGNED_ZH = re.compile(
    r"(显示|说|写着?|提示)?(已经?)?签收.{0,12}(没|未)(有)?(收到|拿到|见到)"
    r"|没收到.{0,8}(显示|却|但|可).{0,4}签收"
)
_SAID_DELIVERED_EN = re.compile(
    r"(says|shows|marked|showing)( as)? delivered.{0,40}(never|not|didn't|did not|haven't)"
    r"|\b(says|shows|marked|showing|status)\b.{0,30}\bdelivered\b.{0,40}"
    r"\b(never|not|didn'?t|did not|haven'?t|hasn'?t|nothing)\b"
    r"|\bdelivered\b.{0,6}\b(but|yet)\b.{0,20}\b(never|didn'?t|did not|haven'?t|not)\b"
    r".{0,12}\b(got|get|receive[d]?|arrived?|here|see)\b"
    r"|(never|didn't|did not|haven't) (got|get|received?)"
    r".{0,30}(says|shows|marked) ?(as )?delivered",
    re.IGNORECASE,
)
# the record in other words ("app says dropped at door", "tracking: left at front") and nobody
# there to take it
_MARKED = re.compile(
    r"\b(?:says|said|shows|showed|showing|marked|tracking)\b.{0,20}"
    r"\b(?:delivered|dropped|left|signed)\b",
    re.IGNORECASE,
)
_NOT_HERE = re.compile(
    r"\b(?:nobody came|no one came|not here|never came|never arrived|never got"
    r"|nothing (?:here|there)|didn'?t (?:get|receive|come)|wasn'?t there|isn'?t here)\b",
    re.IGNORECASE,
)


def not_received(text: str) -> bool:
    """The courier's record says delivered (or signed, dropped, left), the customer says it
    never came."""
    return bool(
        _SAID_SIGNED_ZH.search(text)
        or _SAID_DELIVERED_EN.search(text)
        or (_MARKED.search(text) and _NOT_HERE.search(text))
    )
