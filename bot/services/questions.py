"""What a customer's question is about, read from its words where the intent engine's slots
don't say: the item kind of a "can I return / exchange…?" question, a request for a gift, the
ways to pay a "can I pay with…?" question names, a question about coupons, the couriers a "can
you ship with…?" question names."""

from __future__ import annotations

import re

from shop.couriers import couriers_named
from shop.enums import ItemKind
from shop.payments import payments_named

ITEM_KIND_WORDS: tuple[tuple[ItemKind, tuple[str, ...]], ...] = (
    ("custom", ("定制", "订制", "私人订制", "自有品牌", "custom", "made-to-measure",
                "made to measure", "tailor-made", "tailored", "bespoke")),
    ("proxy", ("代购", "海外购", "国外买", "proxy", "bought abroad", "daigou",
               "overseas purchase")),
    ("regular", ("常规", "普通款", "普通的", "现货", "regular", "normal item", "ordinary item",
                 "in-stock item")),
)
"""How customers name an item kind in a "can I return / exchange…?" question; the first kind
named wins in this order (定制 before 现货: "现货的定制款" is custom)."""


def item_kind_named(text: str) -> ItemKind | None:
    """The item kind a question is about, when it names one ("定制的衣服能退吗" → custom)."""
    lowered = text.lower()
    for kind, words in ITEM_KIND_WORDS:
        if any(word in lowered for word in words):
            return kind
    return None


GIFT_WORDS = ("礼物", "赠品", "小礼品", "送点", "送个", "送一", "gift", "freebie", "something free")


def asks_for_gift(text: str) -> bool:
    """The customer asks for a gift ("可以送个小礼物吗", "any free gift?")."""
    lowered = text.lower()
    return any(word in lowered for word in GIFT_WORDS)


COUPON_WORDS = (
    "优惠券", "优惠卷", "优惠码", "折扣码", "代金券", "满减券", "券", "红包", "coupon", "voucher",
    "discount code", "promo code", "promo", "promotion code",
)  # fmt: skip


def asks_about_coupons(text: str) -> bool:
    """The customer asks about coupons or discount codes ("有优惠券吗", "any promo code?")."""
    lowered = text.lower()
    return any(word in lowered for word in COUPON_WORDS)


_YES_NO_SHAPE = re.compile(
    r"吗|么|嘛|能不能|可不可以|可以不|支不支持|支持不|行不行|收不收|能用|可以用|[?？]"
    r"|\b(?:can|could|do|does|is|are|will|accept|accepted|take|support)\b",
    re.IGNORECASE,
)
_TROUBLE = re.compile(
    r"失败|不了|付不|扣了|扣钱|扣款|没反应|打不开|报错|不成功|怎么办|fail|declin|error|charged"
    r"|won'?t|doesn'?t work|not working|can'?t|cannot|problem|issue",
    re.IGNORECASE,
)


def payments_asked(text: str) -> frozenset[str]:
    """The ways to pay a "can I pay with…?" question names ("支持花呗吗", "do you take PayPal?",
    by ``shop.payments`` key); empty for a question that names none, isn't asked as a yes/no
    question, or reports a payment in trouble ("支付宝付不了": that needs help, not a yes)."""
    if not _YES_NO_SHAPE.search(text) or _TROUBLE.search(text):
        return frozenset()
    return payments_named(text)


def couriers_asked(text: str) -> frozenset[str]:
    """The couriers a "can you ship with…?" question names ("能发顺丰吗", "do you use YTO?",
    by ``shop.couriers`` key); empty for a question that names none or isn't asked as a yes/no
    question ("顺丰到哪了" is about a parcel)."""
    if not _YES_NO_SHAPE.search(text):
        return frozenset()
    return couriers_named(text)
