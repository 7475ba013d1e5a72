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
    (
        "custom",
        (
            "定制",
            "订制",
            "私人订制",
            "自有品牌",
            "custom",
            "made-to-measure",
            "made to measure",
            "tailor-made",
            "tailored",
            "bespoke",
        ),
    ),
    (
        "proxy",
        ("代购", "海外购", "国外买", "proxy", "bought abroad", "daigou", "overseas purchase"),
    ),
    (
        "regular",
        (
            "常规",
            "普通款",
            "普通的",
            "现货",
            "regular",
            "normal item",
            "ordinary item",
            "in-stock item",
        ),
    ),
)
"""How customers name an item kind in a "can I return / exchange…?" question; the first kind
named wins in this order (定制 before 现货: "现货的定制款" is custom)."""


def _any_of(words: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern found in a text exactly where one of ``words`` is in it (``any(word in text
    for word in words)`` as one search, not a Python step per word: these run every turn)."""
    return re.compile("|".join(re.escape(word) for word in words))


_ITEM_KINDS = tuple((kind, _any_of(words)) for kind, words in ITEM_KIND_WORDS)


def item_kind_named(text: str) -> ItemKind | None:
    """The item kind a question is about, when it names one ("定制的衣服能退吗" → custom)."""
    lowered = text.lower()
    for kind, words in _ITEM_KINDS:
        if words.search(lowered):
            return kind
    return None


_KIND_ONLY = re.compile(
    r"[\s,，.。!！?？、]|那(?:么)?|还有|的|呢|吗|么|商品|衣服|东西|款|"
    r"\b(?:and|what|about|how|items?|ones?|the|for|then|those|clothes|products?|stuff|ok|so)\b",
    re.IGNORECASE,
)


def kind_follow_up(text: str) -> ItemKind | None:
    """The item kind a bare follow-up names, nothing else said ("代购的呢", "and proxy
    items?", "那定制款呢"): the rule just given, asked again for that kind."""
    kind = item_kind_named(text)
    if kind is None:
        return None
    pattern = next(words for named, words in _ITEM_KINDS if named == kind)
    rest = _KIND_ONLY.sub("", pattern.sub("", text.lower()))
    return kind if len(rest) <= 2 else None


_MISFIT = re.compile(
    r"(?:尺码|尺寸|大小)?(?:不合适|不合身|不对)|太大|太小|偏大|偏小|穿不了|穿不下|穿着(?:大|小)"
    r"|\b(?:doesn'?t|does not|don'?t|do not|didn'?t|won'?t) fit\b|\btoo (?:big|small|tight|loose)\b"
    r"|\bwrong size\b",
    re.IGNORECASE,
)
_WHAT_THEN = re.compile(
    r"怎么办|咋办|怎么处理|怎么弄|能换|可以换|能退|可以退|行吗|呢|[?？]"
    r"|\bwhat (?:then|now|can|do|should|are)\b|\bcan i\b|\boptions?\b",
    re.IGNORECASE,
)


def misfit_asked(text: str) -> bool:
    """ "那尺码不合适怎么办" / "what if it doesn't fit?": what happens to an item that doesn't
    fit — asked, not told with a body to advise on."""
    return _MISFIT.search(text) is not None and _WHAT_THEN.search(text) is not None


GIFT_WORDS = ("礼物", "赠品", "小礼品", "送点", "送个", "送一", "gift", "freebie", "something free")


GIFT_WRAP_WORDS = ("包装", "礼盒", "礼品袋", "礼袋", "贺卡", "送人", "gift wrap", "gift-wrap",
                   "wrap it", "wrapped", "gift box", "gift bag", "gift card", "greeting card",
                   "as a gift", "for a gift")  # fmt: skip


_GIFT_WRAP = _any_of(GIFT_WRAP_WORDS)
_GIFT = _any_of(GIFT_WORDS)


def asks_for_gift_wrap(text: str) -> bool:
    """The customer wants their item made a present ("可以帮我包装成礼物吗", "can you gift wrap
    it?"): a wish about the parcel, not a request for a free gift."""
    return _GIFT_WRAP.search(text.lower()) is not None


def asks_for_gift(text: str) -> bool:
    """The customer asks for a gift ("可以送个小礼物吗", "any free gift?"), not gift wrapping."""
    return _GIFT.search(text.lower()) is not None and not asks_for_gift_wrap(text)


COUPON_WORDS = (
    "优惠券", "优惠卷", "优惠码", "折扣码", "代金券", "满减券", "券", "红包", "coupon", "voucher",
    "discount code", "promo code", "promo", "promotion code",
)  # fmt: skip


_COUPONS = _any_of(COUPON_WORDS)


def asks_about_coupons(text: str) -> bool:
    """The customer asks about coupons or discount codes ("有优惠券吗", "any promo code?")."""
    return _COUPONS.search(text.lower()) is not None


_COUPON_BACK = re.compile(
    r"退回|返还|返回|退还|还给|还回|回来|恢复|还能用|还可以用|作废|失效|"
    r"\bback\b|\breturned\b|\brestored\b|\brefunded\b|\breissued?\b|\bvalid\b",
    re.IGNORECASE,
)


def asks_coupon_back(text: str) -> bool:
    """Whether a coupon she used comes back when the order is cancelled or refunded ("取消以后
    券还能退回来吗", "do i get the coupon back?"): a question about the coupon, not a return of
    goods (jobs batch 6: "退回来" started a return of another order)."""
    return asks_about_coupons(text) and _COUPON_BACK.search(text) is not None


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


_DISPATCH_WHEN: tuple[tuple[re.Pattern[str], int], ...] = (
    (re.compile(r"今天|今日|当天|马上|立刻|today|same day|right away"), 0),
    (re.compile(r"明天|明日|tomorrow"), 1),
    (re.compile(r"后天|day after tomorrow"), 2),
)
_DISPATCH_WITHIN = re.compile(
    r"(\d{1,2})\s*(?:天|日)\s*(?:内|之内|以内)|within\s*(\d{1,2})\s*days?", re.IGNORECASE
)
_PREORDER = re.compile(r"预售|pre-?order", re.IGNORECASE)


def dispatch_days_asked(text: str) -> int | None:
    """How soon a "can it ship by…?" question asks for dispatch, in days from now ("明天能发吗" →
    1, "3天内能发货吗" → 3, "will it ship today?" → 0); ``None`` when it asks no yes/no of a
    time, or is about a pre-order item (the rules answer that)."""
    if not _YES_NO_SHAPE.search(text) or _PREORDER.search(text):
        return None
    lowered = text.lower()
    if m := _DISPATCH_WITHIN.search(lowered):
        return int(m.group(1) or m.group(2))
    for pattern, days in sorted(_DISPATCH_WHEN, key=lambda pair: -pair[1]):
        if pattern.search(lowered):
            return days
    return None


