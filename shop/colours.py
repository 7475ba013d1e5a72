"""Colour names: the shop writes its colours in Chinese (黑色, 酒红色); an English-speaking
customer reads them in English. One table, canonical Chinese name → English name; a colour not
in it is shown as the shop wrote it."""

from __future__ import annotations

COLOUR_EN: dict[str, str] = {
    "黑色": "black", "白色": "white", "红色": "red", "蓝色": "blue", "绿色": "green",
    "黄色": "yellow", "灰色": "grey", "粉色": "pink", "紫色": "purple", "棕色": "brown",
    "米色": "beige", "卡其色": "khaki", "藏青色": "navy", "橙色": "orange", "银色": "silver",
    "金色": "gold", "酒红色": "burgundy", "米白色": "cream", "杏色": "apricot", "驼色": "camel",
    "浅蓝色": "light blue", "深蓝色": "dark blue", "浅灰色": "light grey", "深灰色": "dark grey",
    "军绿色": "army green", "墨绿色": "dark green", "咖啡色": "coffee", "焦糖色": "caramel",
    "玫红色": "rose red", "米黄色": "light yellow", "香槟色": "champagne", "奶茶色": "milk tea",
    "透明": "clear",
}  # fmt: skip


def colour_name(colour: str, locale: str) -> str:
    """``colour`` in ``locale``'s language: the shop's own (Chinese) name for Chinese, the
    English one for any other locale when the table has it."""
    if locale.lower().startswith("zh"):
        return colour
    return COLOUR_EN.get(colour, colour)
