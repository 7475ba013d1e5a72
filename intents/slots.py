"""Slot extraction: order number, phone last four, height, weight, size, colour, region, quantity,
fit, waist and hip, and how much the customer spends (for free shipping).
``extract_slots(text)`` works on any message (or a follow-up answer) on its own.

Chinese numerals are read (一百二十斤, 一米六五, 两件), weight in 斤 is halved into kg, pounds are
converted, metres become centimetres, a waist in 尺 (二尺二) or inches (28寸, 29 inch) becomes
centimetres. Values outside a plausible human range are dropped rather
than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from intents.gate import gate
from intents.normalize import prepare
from shop.regions import region_aliases

__all__ = ["NO_SLOTS", "Slots", "chinese_numerals_to_digits", "extract_slots", "slot_text"]


class Slots(BaseModel):
    """Values found in a message; every field is optional."""

    model_config = ConfigDict(frozen=True)

    order_no: str | None = None
    phone_last4: str | None = None
    height_cm: int | None = None
    weight_kg: float | None = None
    size: str | None = None
    color: str | None = None
    region: str | None = None
    quantity: int | None = None
    fit: str | None = None
    waist_cm: float | None = None
    hip_cm: float | None = None
    # a bust or chest the customer measured ("胸围88"): dresses and tops go by it
    bust_cm: float | None = None
    # how much the customer spends or spent, in yuan ("买1200包邮吗", "if i spend 600"): several
    # orders said to count together ("昨天买了300 今天又买了250") are added up
    spend_yuan: int | None = None
    # set by the engine, not read from the text: for a complaint, the intent it complains about
    # (``order.status`` for "two weeks and still no parcel, great service"), so the bot can answer
    # that topic and offer a person
    topic: str | None = None
    # set by the bot, not read from the text: the product the chat is about (its name), carried
    # over from an earlier turn ("那L呢" after size advice for 连帽卫衣)
    product: str | None = None


NO_SLOTS = Slots()
"""A message without slots (most of them): one shared value (frozen), not validated anew."""

# --------------------------------------------------------------------------- Chinese numerals

_CN_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
             "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = re.compile(r"[零〇一二两三四五六七八九十百千]+")


def _cn_to_int(run: str) -> int | None:
    """一百二十 -> 120, 一百二 -> 120 (colloquial), 一百零五 -> 105, 一千零五十 -> 1050,
    十五 -> 15, 三 -> 3, 一六五 -> 165."""
    if not any(c in _CN_UNIT for c in run):
        # digit by digit (一六五), only for runs of plain digits
        return int("".join(str(_CN_DIGIT[c]) for c in run)) if run else None
    total, current, last_unit = 0, None, None
    gap = False  # 零 after a unit: the next digit stands for itself (一百零五), not for tens
    for c in run:
        if c in "零〇" and last_unit is not None and current is None:
            gap = True
            continue
        if c in _CN_DIGIT:
            if current is not None:
                return None  # two digits in a row inside a unit number: not a number we read
            current = _CN_DIGIT[c]
        else:
            unit = _CN_UNIT[c]
            if last_unit is not None and unit >= last_unit:
                return None
            total += (1 if current is None else current) * unit
            current, last_unit = None, unit
    if current is not None:
        # 一百二 means 120, 三千五 3500: a trailing digit takes the next smaller unit
        colloquial = last_unit is not None and last_unit >= 100 and not gap
        total += current * (last_unit // 10 if colloquial and last_unit else 1)
    return total


def chinese_numerals_to_digits(text: str) -> str:
    """Replace runs of Chinese numerals by Arabic digits; 一米六五 becomes 1米65."""

    def repl(m: re.Match[str]) -> str:
        value = _cn_to_int(m.group(0))
        return m.group(0) if value is None else str(value)

    return _CN_RUN.sub(repl, text)


# --------------------------------------------------------------------------- patterns

_ORDER = re.compile(r"(?<![a-z0-9])k\s*f[\s#:：-]*((?:\d[\s-]*){8})(?!\d)")
_PHONE = re.compile(
    r"(?:(?:手机|电话)(?:号码?)?)?(?:尾号|后四位|后4位|末四位|末4位|last\s*(?:four|4)(?:\s*digits?)?|ending\s*(?:in|with))"
    r"\D{0,6}?(\d{4})(?!\d)"
)
_HEIGHT_M = re.compile(r"(?<![\d.])([12])\s*(?:\.\s*(\d{1,2})\s*(?:m|米)(?![a-z])|米\s*(\d{1,2}))")
_HEIGHT_CM = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d)?)\s*(?:cm|厘米|公分)")
_HEIGHT_WORD = re.compile(
    r"(?:身高|高|height|tall|i am|i'm|im)\s*(?:是|有|:|：)?\s*(\d{3})(?![\d.])"
)
_HEIGHT_FT = re.compile(r"(?<!\d)([4-7])\s*(?:'|′|ft|feet|foot)\s*(\d{1,2})?\s*(?:\"|″|in|inch)?")
_WEIGHT_KG = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:kg|kgs|公斤|千克|kilo)")
_WEIGHT_JIN = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:斤|jin)")
_WEIGHT_LB = re.compile(r"(?<![\d.])(\d{2,3}(?:\.\d+)?)\s*(?:lbs?|pounds?|磅)")
_WEIGHT_WORD = re.compile(
    r"(?:体重|重|weigh(?:t)?)\s*(?:是|有|:|：)?\s*(\d{2,3}(?:\.\d+)?)(?![\d.])"
)
_BARE_NUM = re.compile(
    r"(?<![\d.a-z])(\d{2,3}(?:\.\d)?)"
    r"(?![\d.]|\s*(?:元|块|rmb|yuan|天|号|码|件|个|岁|年|月|日|%|点|分|小时|cm|厘米|公分|kg|公斤|千克|斤"
    r"|lb|磅|m|米))"
)

_SIZE_LETTER = re.compile(
    r"(?<![a-z0-9.'’])(xxxxl|xxxl|xxl|xl|xs|4xl|3xl|2xl|s|m|l)(?![a-z'’])"
)
# xl, xxl/2xl, xxxl/3xl, xxxxl/4xl: n x's, or the digit n, before "l"
_SIZE_MAP = {"xs": "XS", "s": "S", "m": "M", "l": "L"} | {
    spelled: "X" * n + "L" for n in range(1, 5) for spelled in ("x" * n + "l", f"{n}xl")
}
_SIZE_FREE = re.compile(r"均码|均碼|free\s*size|one\s*size")
_SIZE_CN = re.compile(r"(?<![一半大小])(加大|特大|大|中|小)号")
_SIZE_CN_MAP = {"加大": "XL", "特大": "XXL", "大": "L", "中": "M", "小": "S"}
_SHOE = re.compile(
    r"(?<![\d.])(3[4-9]|4[0-7])(?:\.5)?\s*(?:码|号|yards?|的脚|的鞋|eu\b)"
    r"|(?:eu|size|尺码|码数|穿|wear|wearing|take|order|get|拍|买|选|要|the)\s*(?:a\s+|an\s+|the\s+|an?\s+eu\s+|eu\s+)?"
    r"(3[4-9]|4[0-7])(?![\d.]|\s*(?:kg|公斤|斤|lbs?|cm|元|块|天|件|个))"
)
# a shoe size (34-47) anywhere, once the message speaks of shoes or sizes
_SHOE_NUMBER = re.compile(
    r"(?<![\d.])(3[4-9]|4[0-7])(?![\d.]|\s*(?:kg|公斤|斤|lbs?|cm|元|块|天|件|个|岁|%))"
)
_SHOE_CONTEXT = re.compile(r"鞋|码|号|脚|穿|拍|shoe|sneaker|boot|size|eu\b|wear")
_AFTER_HEIGHT = re.compile(r"1[4-9]\d\s*(?:cm|厘米)?\s*[/,，、\s的]\s*$")
# the whole message is one size: "38可以吗", "41?", "XL行不" (letters are read anyway)
_LONE_SHOE = re.compile(
    r"^\s*(3[4-9]|4[0-7])(?:\.5)?\s*(?:码|号)?\s*(?:的)?\s*(?:可以吗|可以不|行吗|行不|呢|吗|够吗|合适吗|ok|okay|\?|？)*\s*$"
)
# two bare numbers, a height and a weight: "175/140", "160 45", "170,130"
_BODY_PAIR = re.compile(
    r"^\D{0,6}?(1[4-9]\d)\s*(?:cm|厘米)?\s*[/,，、\s的]\s*(\d{2,3}(?:\.\d)?)\s*(?:斤|kg|公斤)?\D{0,8}$"
)

def _words_pattern(words: Iterable[str], *more: str) -> re.Pattern[str]:
    """A search for the first of ``words`` in a text (then the ``more`` patterns), the longest
    word first where several start at one place; a latin word only as a whole word.

    The same matches as one alternation of the words sorted longest first, but cheap: a failed
    search of ~180 region words took 10-40 µs a message. A lookahead of the characters a word can
    start with skips a place at once, and the Chinese words and the latin ones are two
    alternations (only one of them can match at a place: a word starts with a latin letter or
    not), the latin ones under one word-boundary check."""
    ordered = sorted(words, key=len, reverse=True)
    cjk = "|".join(re.escape(w) for w in ordered if not w.isascii())
    latin = "|".join(re.escape(w) for w in ordered if w.isascii())
    starts = "".join(sorted({w[0] for w in ordered}))
    alternatives = [cjk] if cjk else []
    if latin:
        alternatives.append(rf"(?<![a-z])(?:{latin})(?![a-z])")
    pattern = f"(?=[{re.escape(starts)}])(?:{'|'.join(alternatives)})"
    return re.compile("|".join((pattern, *more)))


_COLOR_WORDS: dict[str, str] = {
    "酒红": "酒红色", "枣红": "酒红色", "大红": "红色", "玫红": "玫红色", "藏青": "藏青色",
    "藏蓝": "藏青色", "深蓝": "深蓝色", "浅蓝": "浅蓝色", "天蓝": "浅蓝色", "宝蓝": "蓝色",
    "雾霾蓝": "蓝色", "军绿": "军绿色", "墨绿": "墨绿色", "浅绿": "绿色", "卡其": "卡其色",
    "咖啡": "咖啡色", "焦糖": "焦糖色", "驼色": "驼色", "杏色": "杏色", "米白": "米白色",
    "奶白": "米白色", "米色": "米色", "米黄": "米黄色", "银色": "银色", "金色": "金色",
    "香槟": "香槟色", "浅灰": "浅灰色", "深灰": "深灰色", "花灰": "灰色", "橘色": "橙色",
    "橙色": "橙色", "姜黄": "黄色", "奶茶色": "奶茶色", "透明": "透明",
    "黑色": "黑色", "白色": "白色", "红色": "红色", "蓝色": "蓝色", "绿色": "绿色",
    "黄色": "黄色", "灰色": "灰色", "粉色": "粉色", "粉红": "粉色", "紫色": "紫色",
    "棕色": "棕色", "褐色": "棕色", "橘": "橙色",
    "black": "黑色", "white": "白色", "red": "红色", "blue": "蓝色", "green": "绿色",
    "yellow": "黄色", "grey": "灰色", "gray": "灰色", "pink": "粉色", "purple": "紫色",
    "brown": "棕色", "beige": "米色", "khaki": "卡其色", "navy": "藏青色", "orange": "橙色",
    "silver": "银色", "gold": "金色", "burgundy": "酒红色", "wine": "酒红色",
    "ivory": "米白色", "cream": "米白色", "apricot": "杏色", "camel": "驼色",
    # two words ("light blue" was read as blue: a colour the shop didn't have, or lost)
    "light blue": "浅蓝色", "sky blue": "浅蓝色", "baby blue": "浅蓝色", "pale blue": "浅蓝色",
    "dark blue": "深蓝色", "navy blue": "藏青色", "light grey": "浅灰色", "light gray": "浅灰色",
    "dark grey": "深灰色", "dark gray": "深灰色", "wine red": "酒红色", "army green": "军绿色",
    "dark green": "墨绿色", "off white": "米白色", "off-white": "米白色", "rose red": "玫红色",
    "light-blue": "浅蓝色", "sky-blue": "浅蓝色", "dark-blue": "深蓝色", "navy-blue": "藏青色",
    "light-grey": "浅灰色", "light-gray": "浅灰色", "dark-grey": "深灰色", "dark-gray": "深灰色",
}
_COLOR_SINGLE = {"黑": "黑色", "白": "白色", "红": "红色", "蓝": "蓝色", "绿": "绿色", "黄": "黄色",
                 "灰": "灰色", "粉": "粉色", "紫": "紫色", "棕": "棕色"}
_COLOR_RE = _words_pattern(_COLOR_WORDS, r"([黑白红蓝绿黄灰粉紫棕])(?=[的款个件码]|$|\s)")
_COLOR_STOP = re.compile(r"明白|白天|红包|黑店|黑名单|白色污染")

# Provinces, their big cities, HK/Macau/Taiwan, countries (→ 海外): the shop's one region table.
_REGION_ALIASES: dict[str, str] = region_aliases()
_REGION_RE = _words_pattern(_REGION_ALIASES)

_QTY = re.compile(
    r"(?<![\d.a-z])(\d{1,3})\s*(?:件|个|条|双|套|份|只|盒|瓶|包|台|顶|副|pcs|pieces?|items?|units?)"
    r"|(?:买|拿|要|拍|订|buy|order|quantity|qty|x)\s*(1\d|20|[1-9])"
    r"(?![\d.]|\s*(?:元|块|号|码|天|斤|kg|cm|米|岁|年|月|点))"
)
# An amount of money: with its currency ("300块", "¥450", "600 rmb"), or after a word of buying
# or spending ("买1200", "满600", "花了300", "spend 600", "its 450") and not followed by a unit that
# makes it something else (2件, 160cm, 41码).
_SPEND = re.compile(
    r"(?:[¥￥]|\brmb\s*|\bcny\s*)(\d{2,6})(?![\d.])"
    r"|(?<![\d.])(\d{2,6})\s*(?:块钱|块|元|rmb\b|yuan\b|cny\b|kuai\b|dollars?\b|bucks?\b)"
    r"|(?:买了?|拍了?|拿了?|订了?|满|花了?|消费了?|付了?|下单了?|凑到?|凑够|单|够|达到|超过"
    r"|金额|总价|合计|总额|spend|spent|spending|buy|bought|order of|orders? of|orders? worth"
    r"|worth|total of|it'?s|its)\s*(?:了\s*)?(\d{2,6})"
    r"(?![\d.]|\s*(?:件|个|条|双|套|号|码|斤|公斤|kg|cm|厘米|米|岁|天|days?|pcs|pieces|items?))"
)
# another amount joined to one ("120 and 400", "300加250")
_SPEND_MORE = re.compile(r"(?:\band\b|和|加上?|\+|\bplus\b)\s*(\d{2,6})(?![\d.])")
# several amounts said to count together
_SPEND_TOGETHER = re.compile(
    r"加起来|一起|合并|总共|一共|加|和|又|再|\+|together|combined|in total|plus|another|both"
    r"|\band\b"
)
_QTY_EN = re.compile(
    r"(?<![a-z])(two|three|four|five|six|seven|eight|nine|ten)"
    r"\s+(?:pieces?|items?|of them|pairs?|units?)"
)
_EN_NUM = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
           "nine": 9, "ten": 10}

_FIT = (
    (re.compile(r"宽松|宽大|oversize|loose|baggy|relaxed"), "loose"),
    (re.compile(r"修身|紧身|贴身|显身材|slim|tight|fitted|skinny"), "tight"),
    (re.compile(r"合身|正常版|标准版|regular|normal fit|standard fit"), "regular"),
)


# a free size, a quantity in English words and a fit each need one of these literals
# (``intents.gate``): most messages have none, and one search stands for five
_RARE_SLOTS = gate(_SIZE_FREE, _QTY_EN, *(pattern for pattern, _ in _FIT))


def _plausible_height(cm: float) -> int | None:
    return round(cm) if 80 <= cm <= 230 else None


def _plausible_weight(kg: float) -> float | None:
    return round(kg, 1) if 10 <= kg <= 250 else None


def _height(text: str) -> tuple[int | None, list[tuple[int, int]]]:
    """Height in cm and the spans it used (so they are not read again as a weight)."""
    m = _HEIGHT_M.search(text)
    if m:
        metres = int(m.group(1))
        frac = m.group(2) if m.group(2) is not None else m.group(3)
        if frac is not None:
            cm = metres * 100 + (int(frac) * 10 if len(frac) == 1 else int(frac))
            value = _plausible_height(cm)
            if value:
                return value, [m.span()]
    m = _HEIGHT_CM.search(text)
    if m:
        value = _plausible_height(float(m.group(1)))
        if value:
            return value, [m.span()]
    m = _HEIGHT_WORD.search(text)
    if m:
        value = _plausible_height(float(m.group(1)))
        if value:
            return value, [m.span(1)]
    m = _HEIGHT_FT.search(text)
    if m:
        inches = int(m.group(1)) * 12 + int(m.group(2) or 0)
        value = _plausible_height(inches * 2.54)
        if value:
            return value, [m.span()]
    return None, []


def _weight(text: str) -> tuple[float | None, list[tuple[int, int]]]:
    for pattern, factor in ((_WEIGHT_KG, 1.0), (_WEIGHT_JIN, 0.5), (_WEIGHT_LB, 0.45359237)):
        m = pattern.search(text)
        if m:
            value = _plausible_weight(float(m.group(1)) * factor)
            if value:
                return value, [m.span()]
    m = _WEIGHT_WORD.search(text)
    if m:
        n = float(m.group(1))
        value = _plausible_weight(n / 2 if n >= 80 else n)  # a bare weight of 80+ is in 斤
        if value:
            return value, [m.span(1)]
    return None, []


def _overlaps(span: tuple[int, int], used: list[tuple[int, int]]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in used)


def _bare_body_numbers(
    text: str, height: int | None, weight: float | None, used: list[tuple[int, int]]
) -> tuple[int | None, float | None]:
    """"160 100" / "170的130" with no units: in a size context a number 140-200 is a height
    and one 30-300 a weight (80 and above in 斤)."""
    for m in _BARE_NUM.finditer(text):
        if _overlaps(m.span(), used):
            continue
        n = float(m.group(1))
        if height is None and 140 <= n <= 200 and n == int(n):
            height = int(n)
            used.append(m.span())
        elif weight is None and 30 <= n <= 300:
            weight = _plausible_weight(n / 2 if n >= 80 else n)
            used.append(m.span())
    return height, weight


# Waist and hip: labelled ("腰围74", "臀围 96cm", "waist 29 inches", "30\" waist") or a waist in
# 尺 on its own ("2尺2穿什么码": 尺 is how a waist is told). 1 尺 = 10 寸 = 33.3 cm; a bare
# 20-48 (or 寸) is inches, as jeans are sized; 50-160 is centimetres.
_GIRTH_VALUE = (
    r"(?:(?P<chi>[12])\s*尺\s*(?P<cun>\d)?\s*寸?"
    r"|(?P<num>\d{2,3}(?:\.\d)?)\s*(?P<unit>cm|厘米|公分|英寸|寸|inch(?:es)?|in\b|\"|″)?)"
)
_GIRTH_LABELLED = re.compile(
    r"(?P<label>腰围|腰|臀围|臀|屁股|waist|hips?)\s*(?:是|有|大概|差不多|约|size|is|of|:|：)?\s*"
    + _GIRTH_VALUE
)
_GIRTH_AFTER = re.compile(
    r"(?<![\d.])(?P<num>\d{2,3}(?:\.\d)?)\s*(?P<unit>cm|inch(?:es)?|in|\"|″)?\s*(?P<label>waist|hips?)"
)
_CHI_ALONE = re.compile(r"(?<![\d.])(?P<chi>[12])\s*尺\s*(?P<cun>\d)?(?!\d)")


_BUST_VALUE = r"(?P<num>\d{2,3}(?:\.\d)?)\s*(?P<unit>cm|厘米|公分|inch(?:es)?|in\b|\"|″)?"
_BUST_LABELLED = re.compile(
    r"(?P<label>上胸围|下胸围|胸围|胸|肩宽|肩|bust|chest|shoulders?)\s*"
    r"(?:是|有|大概|差不多|约|is|of|:|：)?\s*" + _BUST_VALUE,
    re.IGNORECASE,
)
_BUST_AFTER = re.compile(
    r"(?<![\d.])(?P<num>\d{2,3}(?:\.\d)?)\s*(?P<unit>cm|inch(?:es)?|in|\"|″)?\s*(?P<label>bust|chest)",
    re.IGNORECASE,
)
_BUST_LABELS = frozenset({"上胸围", "胸围", "胸", "bust", "chest"})
"""The labels that are the bust ("下胸围" is the underbust, 肩 the shoulders: kept out only)."""


def _bust(text: str, used: list[tuple[int, int]]) -> tuple[float | None, list[tuple[int, int]]]:
    """A bust or chest measure in cm ("胸围92", "bust 34 inches", "88cm chest") and the spans of
    every chest-like measure (kept out of the height and weight)."""
    bust: float | None = None
    spans: list[tuple[int, int]] = []
    for m in [*_BUST_LABELLED.finditer(text), *_BUST_AFTER.finditer(text)]:
        if _overlaps(m.span(), used) or _overlaps(m.span(), spans):
            continue
        spans.append(m.span())
        if bust is not None or m.group("label").lower() not in _BUST_LABELS:
            continue
        n, unit = float(m.group("num")), (m.group("unit") or "").lower()
        cm = n if unit in ("cm", "厘米", "公分") or (not unit and n > 48) else n * 2.54
        bust = round(cm, 1) if 60 <= cm <= 150 else None
    return bust, spans


def _girth_cm(m: re.Match[str]) -> float | None:
    groups = m.groupdict()
    if groups.get("chi"):
        cm = (int(groups["chi"]) * 10 + int(groups.get("cun") or 0)) * 10 / 3
    elif groups.get("num"):
        n, unit = float(groups["num"]), (groups.get("unit") or "").lower()
        if unit in ("cm", "厘米", "公分"):
            cm = n
        elif unit or n <= 48:
            cm = n * 2.54  # inches (28寸, 29", a bare jeans size)
        else:
            cm = n
    else:
        return None
    return round(cm, 1) if 45 <= cm <= 160 else None


def _girth(text: str, used: list[tuple[int, int]]) -> dict[str, float]:
    """Waist and hip in cm, the spans they used added to ``used`` (never a height or weight)."""
    found: dict[str, float] = {}
    matches = [*_GIRTH_LABELLED.finditer(text), *_GIRTH_AFTER.finditer(text)]
    for m in matches:
        if _overlaps(m.span(), used):
            continue
        label = m.group("label")
        hip = label in ("臀围", "臀", "屁股") or label.startswith("hip")
        slot = "hip_cm" if hip else "waist_cm"
        cm = _girth_cm(m)
        if cm is not None and slot not in found:
            found[slot] = cm
            used.append(m.span())
    alone = _CHI_ALONE.search(text) if "waist_cm" not in found else None
    if alone and not _overlaps(alone.span(), used) and (cm := _girth_cm(alone)) is not None:
        found["waist_cm"] = cm
        used.append(alone.span())
    return found


_SIZE_CONTEXT = re.compile(r"码|尺|穿|身高|体重|斤|kg|cm|size|wear|fit|tall|weigh")


_BARE_4 = re.compile(r"(?<!\d)(\d{4})(?!\d)")


def _prepared(text: str) -> str:
    raw = prepare(text) if text else ""
    return chinese_numerals_to_digits(raw) if raw else ""


_AFTER_ORDER = re.compile(r"[\s,，、/]+(\d{4})(?!\d|\s*(?:年|元|块|件|个|号|码|rmb|yuan))")


def order_number(text: str) -> str | None:
    """The demo shop's order number (KF + 8 digits) in any case, width or spacing."""
    m = _ORDER.search(_prepared(text))
    return "KF" + re.sub(r"\D", "", m.group(1)) if m else None


def answered_last4(text: str) -> str | None:
    """Four digits given as the answer to "the last four digits of your phone?": with a cue
    (尾号1234) or bare (1234), never the digits of an order number. ``extract_slots`` takes
    only cued ones, since a bare number in a question can be anything."""
    t = _ORDER.sub(" ", _prepared(text))
    m = _PHONE.search(t) or _BARE_4.search(t)
    return m.group(1) if m else None


_LAST4_WORDS = re.compile(
    r"手机|电话|号码|尾号|后四位|后4位|末四位|末4位|是|的|\b(?:my|phone|number|the|last|four|4"
    r"|digits?|ending|in|with|is|are|it'?s|of)\b|[:：,，。.\s]",
    re.IGNORECASE,
)


def only_last4(text: str) -> bool:
    """The message is the last four digits of her phone and the words that say so ("手机尾号
    5280", "last four digits 5280"), nothing else."""
    digits = extract_slots(text).phone_last4
    if digits is None:
        return False
    return not _LAST4_WORDS.sub("", text.replace(digits, " ", 1)).strip()


_DIGIT = re.compile(r"\d")


def _numbers(
    t: str, found: dict[str, object], used: list[tuple[int, int]]
) -> re.Match[str] | None:
    """The slots read from numbers (the order number and its last four digits, height, weight,
    a shoe size kept out of them): every pattern here needs a digit, so ``extract_slots`` calls
    this only for a text that has one. Fills ``found`` and ``used``; returns the shoe size's
    match, if any."""
    m = _ORDER.search(t)
    if m:
        found["order_no"] = "KF" + re.sub(r"\D", "", m.group(1))
        used.append(m.span())
    order_end = m.end() if m else None
    m = _PHONE.search(t)
    if m and not _overlaps(m.span(1), used):
        found["phone_last4"] = m.group(1)
        used.append(m.span(1))
    elif order_end is not None and (m := _AFTER_ORDER.match(t, order_end)):
        # "KF26200341 5280": four digits right after the order number are its last four
        found["phone_last4"] = m.group(1)
        used.append(m.span(1))

    # a bust or chest measure ("胸围92", "bust 88cm", "a 34 inch bust") is no shoe size, weight or
    # height: read first and kept out of them
    bust, bust_spans = _bust(t, used)
    used += bust_spans
    if bust is not None:
        found["bust_cm"] = bust

    shoe = _SHOE.search(t) or _LONE_SHOE.search(t)
    if shoe and not _overlaps(shoe.span(), used):
        used.append(shoe.span())  # 穿41 / size 41 is a shoe size, not a weight
    else:
        shoe = None
    if _SHOE_CONTEXT.search(t):
        # "I wear 41, should I order 42": every shoe-size number is a size, never a weight
        for m in _SHOE_NUMBER.finditer(t):
            if _AFTER_HEIGHT.search(t[max(0, m.start() - 10):m.start()]):
                continue  # "155 45 穿什么码": a height, then a weight in kg
            if not _overlaps(m.span(), used):
                used.append(m.span())

    girth_spans: list[tuple[int, int]] = []
    found.update(_girth(t, girth_spans))
    used += girth_spans
    girth_spans += bust_spans
    body = t
    for a, b in girth_spans:  # "臀围 100cm" is no height: blanked, positions kept
        body = body[:a] + " " * (b - a) + body[b:]
    height, spans = _height(body)
    used += spans
    weight, spans = _weight(body)
    used += spans
    if (height is None or weight is None) and _SIZE_CONTEXT.search(t):
        height, weight = _bare_body_numbers(t, height, weight, used)
    if height is None and weight is None:
        m = _BODY_PAIR.match(t)
        if m and not _overlaps(m.span(1), used) and not _overlaps(m.span(2), used):
            h = _plausible_height(float(m.group(1)))
            n = float(m.group(2))
            w = _plausible_weight(n / 2 if n >= 80 and not re.search(r"kg|公斤", t) else n)
            if h and w:
                height, weight = h, w
                used += [m.span(1), m.span(2)]
    if height is not None:
        found["height_cm"] = height
    if weight is not None:
        found["weight_kg"] = weight
    return shoe


def colors_named(text: str) -> list[tuple[str, str]]:
    """Every colour the text names, in order: (the colour, the few characters before it) —
    "swap the white tee for a black one" names white and then black, "for a" before it."""
    raw = prepare(text) if text else ""
    if not raw:
        return []
    color_text = _COLOR_STOP.sub(" ", chinese_numerals_to_digits(raw))
    return [
        (
            _COLOR_SINGLE[m.group(1)] if m.group(1) else _COLOR_WORDS[m.group(0)],
            color_text[max(0, m.start() - 12) : m.start()],
        )
        for m in _COLOR_RE.finditer(color_text)
    ]


COLOR_MARK = "〔色〕"
"""What ``colors_marked`` puts where a colour was named."""


def colors_marked(text: str) -> str:
    """The text (prepared, as ``colors_named`` reads it) with each colour it names replaced by
    ``COLOR_MARK``: what is said right after a colour can be read ("in light blue XL")."""
    raw = prepare(text) if text else ""
    if not raw:
        return ""
    return _COLOR_RE.sub(
        f" {COLOR_MARK} ", _COLOR_STOP.sub(" ", chinese_numerals_to_digits(raw))
    )


def extract_slots(text: str) -> Slots:
    """Read every slot the text carries. Never raises; unknown or implausible values stay None."""
    if not text:
        return NO_SLOTS
    raw = prepare(text)
    if not raw:
        return NO_SLOTS
    t = chinese_numerals_to_digits(raw)
    found: dict[str, object] = {}
    used: list[tuple[int, int]] = []

    digits = _DIGIT.search(t) is not None
    shoe = _numbers(t, found, used) if digits else None
    rare = _RARE_SLOTS.search(t) is not None

    m: re.Match[str] | None
    size = None
    if rare and _SIZE_FREE.search(t):
        size = "FREE"
    if size is None:
        for m in _SIZE_LETTER.finditer(t):
            if not _overlaps(m.span(), used):
                size = _SIZE_MAP[m.group(1)]
                break
    if size is None and shoe is not None:
        size = next(g for g in shoe.groups() if g)
    if size is None and "号" in t:  # (the search tries every place: it starts with a lookbehind)
        m = _SIZE_CN.search(t)
        if m:
            size = _SIZE_CN_MAP[m.group(1)]
    if size is not None:
        found["size"] = size

    color_text = _COLOR_STOP.sub(" ", t)
    m = _COLOR_RE.search(color_text)
    if m:
        found["color"] = _COLOR_SINGLE[m.group(1)] if m.group(1) else _COLOR_WORDS[m.group(0)]

    m = _REGION_RE.search(t)
    if m:
        found["region"] = _REGION_ALIASES[m.group(0)]

    qty = None
    for source in (raw, t) if digits else ():
        # digits the customer typed first (2件, 买3, x2); then numerals read from Chinese, where
        # 一件/一个 is usually an article rather than a quantity
        for m in _QTY.finditer(source):
            value = int(m.group(1) or m.group(2))
            if source is t and value < 2:
                continue
            qty = value
            break
        if qty is not None:
            break
    if qty is None and rare:
        m = _QTY_EN.search(t)
        if m:
            qty = _EN_NUM[m.group(1)]
    if qty is not None and 1 <= qty <= 999:
        found["quantity"] = qty

    for pattern, fit in _FIT if rare else ():
        if pattern.search(t):
            found["fit"] = fit
            break
    if digits:
        spend = _spend(t, used)
        if spend is not None:
            found["spend_yuan"] = spend
    return Slots.model_validate(found) if found else NO_SLOTS


def _spend(t: str, used: list[tuple[int, int]]) -> int | None:
    """How much the text says is spent: the amount named (the last, when several are), or their
    sum when they are said to count together; none outside 10–999,999 yuan."""
    found: dict[int, int] = {}  # where each amount's digits start -> the amount
    for m in _SPEND.finditer(t):
        if not _overlaps(m.span(), used):
            group = next(i for i in (1, 2, 3) if m.group(i))
            found[m.start(group)] = int(m.group(group))
    if found:
        for m in _SPEND_MORE.finditer(t):
            if not _overlaps(m.span(), used):
                found.setdefault(m.start(1), int(m.group(1)))
    amounts = [found[at] for at in sorted(found) if 10 <= found[at] <= 999_999]
    if not amounts:
        return None
    if len(amounts) > 1 and _SPEND_TOGETHER.search(t):
        return sum(amounts)
    return amounts[-1]


_SPAN_PATTERNS: tuple[re.Pattern[str], ...] = ()


def slot_text(text: str) -> str:
    """The prepared text (numerals as digits) with every slot value blanked out: what is left of
    "XL行不" is "行不", of "what about Beijing?" "what about ?". The engine reads a follow-up
    made of nothing but slot values in the chat's context."""
    t = chinese_numerals_to_digits(prepare(text)) if text else ""
    for pattern in _span_patterns():
        t = pattern.sub(lambda m: " " * len(m.group(0)), t)
    return t


def _span_patterns() -> tuple[re.Pattern[str], ...]:
    global _SPAN_PATTERNS
    if not _SPAN_PATTERNS:
        _SPAN_PATTERNS = (
            _ORDER, _PHONE, _GIRTH_LABELLED, _GIRTH_AFTER, _CHI_ALONE, _SHOE, _HEIGHT_M,
            _HEIGHT_CM, _HEIGHT_FT, _WEIGHT_KG, _WEIGHT_JIN,
            _WEIGHT_LB, _SIZE_FREE, _SIZE_CN, _SIZE_LETTER, _COLOR_RE, _REGION_RE, _SPEND,
            re.compile(r"(?<![\d.])\d{2,3}(?:\.\d)?(?![\d.])"),
            *(pattern for pattern, _ in _FIT),
        )
    return _SPAN_PATTERNS
