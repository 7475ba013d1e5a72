"""What a customer's question is about, read from its words where the intent engine's slots
don't say: the item kind of a "can I return / exchange…?" question, a request for a gift."""

from __future__ import annotations

from shop.enums import ItemKind

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
