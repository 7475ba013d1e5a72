"""A parcel the customer means to refuse at the door: one reader for the engine (her wish is the
money back without keeping the item: the return, ``engine._reread``) and the bot (the return
of an order still on its way: ``bot.flows.returns.ReturnFlow.refuse``). The standard library
only.

"我直接拒收可以吗", "快递来了我不签收", "I'll just refuse the parcel at the door", "can I reject
the delivery" — what she will do, not what the courier's record says ("显示已拒收", "被拒收",
"returned to sender": the parcel going back, ``bot.flows.orders``' ``returned``).
"""

from __future__ import annotations

import re

_REFUSE_ZH = re.compile(
    r"(?<![被已没未])(?<!没有)拒(?:收|签)|不签收|不(?:签|收)(?:了|这个|这件)?(?:包裹|快递)"
)
_RECORD_ZH = re.compile(r"(?:显示|写着|提示|状态|物流)[^，,。？?]{0,6}拒(?:收|签)")
_REFUSE_EN = re.compile(
    r"\b(?:refuse|refusing|reject|rejecting|decline|declining|not accept|won'?t accept"
    r"|send back|turn away)\b(?: \w+){0,2} \b(?:parcel|package|delivery|courier|box|shipment)\b"
    r"|\brefuse (?:it|to accept it|to sign)\b|\breturn to sender\b.{0,20}\b(?:myself|i)\b",
    re.IGNORECASE,
)


# "我没拒收啊", "i never refused it": the refusal denied (a parcel gone back unasked)
_DENIED_EN = re.compile(
    r"\b(?:didn'?t|did not|never|not|wasn'?t)\b.{0,10}\b(?:refuse|reject)", re.IGNORECASE
)


def refuses_parcel(text: str) -> bool:
    """ "我直接拒收可以吗", "i'll refuse the package when it comes": she will refuse the
    delivery (not the courier's record of a refusal, nor a refusal denied: "我没拒收")."""
    if _DENIED_EN.search(text):
        return False
    if _REFUSE_ZH.search(text):
        return _RECORD_ZH.search(text) is None
    return _REFUSE_EN.search(text) is not None
