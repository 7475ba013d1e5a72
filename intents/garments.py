"""Garment words typed with a slip ("tshrit", "jeens", "hoodei", "cardign"): read as the word
they miss by one letter — one dropped, added, changed or two swapped (two slips in a long
word) — so that the customer's item is found (``bot.services.choices``' item reader, the
product search's words). The standard library only.

Only a word of five letters or more that is not itself a garment or a common word near one
("short", "shift", "means", "price"…) is read, it must start with the same letter, and it is
read as the nearest garment word, not when two are as near: "shorts" stays shorts, "cost" is
no coat.
"""

from __future__ import annotations

import re
from functools import lru_cache

GARMENTS: frozenset[str] = frozenset(
    """
    tshirt tshirts shirt shirts tee tees top tops blouse blouses jeans trousers pants shorts
    sweatpants leggings skirt skirts dress dresses hoodie hoodies sweater sweaters cardigan
    cardigans jumper jumpers blazer blazers jacket jackets coat coats trench scarf scarves
    beanie beanies qipao tote socks sneakers chiffon cashmere
    """.split()
)
"""The words of the shop's items (and garments customers name) a typo is read as."""

_NEAR_WORDS: frozenset[str] = frozenset(
    """
    short shorter shift shirk skirted shorty dressed dresser dressing addresses address
    pressed means meant jeanne coast coats coach coated cost costs boat sweat sweaty sweated
    swear swearing shift shifts third thirst shine shiny shrink shrunk shrank still stirred
    stick twist trouble trousseau skirting blazing glazer jacked jacks cardinal coarse course
    price prices sheet shits short shortly hoodwink layers player players slayer denied denims
    linens linear lines silky silent sills shortage stores store scare scared scars scary
    panty panties paints points parts parents scarfs totes toted totem
    later sorts chats lined teeth
    """.split()
)
"""Common words a garment word is one letter from: never read as the garment."""

_WORD = re.compile(r"[a-z][a-z-]*[a-z]")

ZH_GARMENT_SLIPS: dict[str, str] = {"牛仔库": "牛仔裤", "连衣群": "连衣裙", "半身群": "半身裙"}
"""Chinese garment words typed by their sound (an input method's slip): "T恤和牛仔库一起买的"."""
_ZH_SLIP = re.compile("|".join(map(re.escape, ZH_GARMENT_SLIPS)))

PINYIN_GARMENTS: dict[str, str] = {
    "niu zai ku": "牛仔裤", "kuo tui ku": "阔腿裤", "zhi tong ku": "直筒裤",
    "yun dong ku": "运动裤",
    "xi zhuang ku": "西装裤", "duan ku": "短裤", "wei ku": "卫裤", "ku zi": "裤子",
    "lian yi qun": "连衣裙", "ban shen qun": "半身裙", "sui hua qun": "碎花裙",
    "bai zhe qun": "百褶裙", "ge zi qun": "格子裙", "qun zi": "裙子",
    "lian mao wei yi": "连帽卫衣", "wei yi": "卫衣", "lian mao shan": "连帽衫",
    "chen shan": "衬衫", "chen yi": "衬衣", "mao yi": "毛衣", "kai shan": "开衫",
    "da di shan": "打底衫", "wai tao": "外套", "da yi": "大衣", "feng yi": "风衣",
    "jia ke": "夹克", "pi yi": "皮衣", "yu rong fu": "羽绒服", "xi zhuang": "西装",
    "t xu": "T恤", "ti xu": "T恤",
}  # fmt: skip
"""The catalogue's garment words typed in toneless pinyin ("niuzaiku tai da le", "wei yi"):
a bounded table, read as whole words (run together or a space between syllables) — no
transliteration of anything else."""
_PINYIN = re.compile(
    r"(?<![a-z])(?:"
    + "|".join(
        r"\s?".join(map(re.escape, key.split()))
        for key in sorted(PINYIN_GARMENTS, key=len, reverse=True)
    )
    + r")(?![a-z])"
)
_PINYIN_KEY = {key.replace(" ", ""): zh for key, zh in PINYIN_GARMENTS.items()}


def _from_pinyin(text: str) -> str:
    """``text`` (lower case) with the garment words typed in pinyin written in characters."""
    if not text.isascii():
        return text  # (a message with characters in it names its garments in them)
    return _PINYIN.sub(lambda found: _PINYIN_KEY[found.group(0).replace(" ", "")], text)


def _distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a swap of two letters is one edit), ``limit + 1``
    once it is over ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                row[j] = min(row[j], previous2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        previous2, previous = previous, row
    return previous[-1]


@lru_cache(maxsize=4096)
def garment_of(word: str) -> str | None:
    """The garment word ``word`` (lower case) is a slip of, or ``None`` (a garment itself, a
    common word, too short, near none or near two)."""
    if len(word) < 5 or word in GARMENTS or word in _NEAR_WORDS:
        return None
    limit = 2 if len(word) >= 8 else 1
    near = sorted(
        (_distance(word, garment, limit), garment)
        for garment in GARMENTS
        if garment[0] == word[0]
    )
    near = [(d, garment) for d, garment in near if d <= limit]
    if not near or (len(near) > 1 and near[1][0] == near[0][0]):
        return None  # near none, or as near two ("dreses": dress or dresses)
    return near[0][1]


def mended(text: str) -> str:
    """``text`` (lower case) with every garment word typed with a slip written right (and
    the Chinese ones typed by their sound, ``ZH_GARMENT_SLIPS``)."""

    def mend(found: re.Match[str]) -> str:
        word = found.group(0)
        return garment_of(word) or garment_of(word.replace("-", "")) or word

    text = _from_pinyin(text)
    return _WORD.sub(mend, _ZH_SLIP.sub(lambda found: ZH_GARMENT_SLIPS[found.group(0)], text))


_GARMENT_ZH = re.compile(r"[衣裤裙衫套服帽巾恤鞋袜袄褂]")


def names_a_garment(text: str) -> bool:
    """ "阔腿裤啥时候发货", "when does the hoodie ship", "my tshrit": an item named (a garment's
    character, or an English garment word, typed with a slip or not) — not "it", not "the M I
    bought"."""
    if _GARMENT_ZH.search(text):
        return True
    lowered = text.lower()
    if lowered.isascii() and _PINYIN.search(lowered):
        return True  # "niuzaiku tai da le": the garment in pinyin
    return any(
        word.replace("-", "") in GARMENTS or garment_of(word.replace("-", "")) is not None
        for word in _WORD.findall(lowered)
    ) or bool(re.search(r"\bt[\s-]shirts?\b|\btees?\b", lowered))


_SIZE_AFTER = (
    r"(?:an?\s+|size\s+|the\s+)?(X{0,3}L|XS|S|M|\d{2,3}(?=\s*[码号]))(?![A-Za-z])\s*(?:码|号)?"
)
_ITEM_ZH = re.compile(
    r"((?:[Tt](?=恤)|[\u4e00-\u9fff]{0,4}?)(?:恤|裤子|裤|裙子|裙|衫|卫衣|毛衣|外套|夹克|大衣|开衫))"
    r"\s*(?:的)?\s*(?:换成|改成|换个|换|改|要)\s*" + _SIZE_AFTER,
    re.IGNORECASE,
)
_ITEM_EN = re.compile(
    r"\b(t-shirt|t shirt|[a-z]{3,12})\s*(?:in|to|for|into|->|:)?\s*" + _SIZE_AFTER,
    re.IGNORECASE,
)


def sizes_per_item(text: str) -> list[tuple[str, str]]:
    """Each item a message names with the size it wants ("T恤换L 裤子换M", "tee in L and jeans
    in XL please", "swap the tee for an L and the jeans for an XL"): (the words that asked it,
    the size), in order — two or more when several items are changed in one breath."""
    found: list[tuple[int, str, str]] = []
    for match in _ITEM_ZH.finditer(text):
        found.append((match.start(), match.group(0).strip(), match.group(2).upper()))
    for match in _ITEM_EN.finditer(text):
        word = match.group(1).lower().replace(" ", "").replace("-", "")
        if word in GARMENTS or garment_of(word) is not None:
            found.append((match.start(), match.group(0).strip(), match.group(2).upper()))
    return [(words, size) for _, words, size in sorted(found)]
