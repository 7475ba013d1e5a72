"""Couriers customers ask for by name ("能发顺丰吗", "do you ship with YTO?"), each with the
words customers use for it and its name in each language.

Whether the shop ships with one is the policy's: :func:`policy_code` finds which of the
policy's couriers (``default``, ``sf``, ``ems``: ``shop.policy.ShippingPolicy``) a named one
is, by the courier names the policy file gives; a courier named here that is none of them is a
plain "no" (``replies.verdicts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from shop.names import NameBook

if TYPE_CHECKING:
    from shop.enums import CourierCode
    from shop.policy import ShippingPolicy

COURIER_BRANDS: Final[dict[str, tuple[dict[str, str], tuple[str, ...]]]] = {
    # key: ({locale: name}, words customers use for it — lower case; ASCII ones matched as words)
    "zto": ({"zh_CN": "中通快递", "en": "ZTO Express"}, ("中通", "zto")),
    "sf": ({"zh_CN": "顺丰速运", "en": "SF Express"}, ("顺丰", "sf express", "sf")),
    "ems": ({"zh_CN": "邮政 EMS", "en": "China Post EMS"}, ("ems", "邮政", "china post")),
    "yto": ({"zh_CN": "圆通速递", "en": "YTO Express"}, ("圆通", "yto")),
    "sto": ({"zh_CN": "申通快递", "en": "STO Express"}, ("申通", "sto express")),
    "yunda": ({"zh_CN": "韵达快递", "en": "Yunda Express"}, ("韵达", "yunda")),
    "jt": ({"zh_CN": "极兔速递", "en": "J&T Express"}, ("极兔", "j&t", "jt express")),
    "jd": ({"zh_CN": "京东快递", "en": "JD Logistics"}, ("京东快递", "京东物流", "jd logistics")),
    "deppon": ({"zh_CN": "德邦快递", "en": "Deppon Express"}, ("德邦", "deppon")),
    "best": ({"zh_CN": "百世快递", "en": "Best Express"}, ("百世", "best express")),
}
"""Every courier the bot recognises by name."""

_BOOK = NameBook(COURIER_BRANDS)


def couriers_named(text: str) -> frozenset[str]:
    """The couriers ``text`` names, by key ("能发顺丰吗" → {"sf"})."""
    return _BOOK.named(text)


def courier_brand_name(key: str, locale: str) -> str:
    return _BOOK.name(key, locale)


def policy_code(shipping: ShippingPolicy, key: str) -> CourierCode | None:
    """Which of the policy's couriers the named one is (``None``: the shop doesn't use it)."""
    names, words = COURIER_BRANDS[key]
    for word in (*words, *names.values()):
        code = shipping.courier_code(word)
        if code is not None:
            return code
    return None
