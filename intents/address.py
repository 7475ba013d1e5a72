"""Read a delivery address out of what a customer types: receiver name, phone, province, city,
district and street.

Customers paste addresses the way shops and couriers print them, in any order::

    张三 13812345678 浙江省杭州市西湖区文三路 100 号 5 幢 301
    13812345678，张三，浙江 杭州 西湖区 文三路100号
    收件人：张三
    电话：138-1234-5678
    地址：浙江省杭州市西湖区文三路 100 号
    Zhang San, +86 138 1234 5678, Room 301, 100 Century Avenue, Pudong New District, Shanghai

:func:`parse_address` returns what it read and what it could not settle (``problems``): no
phone, two different phones, two names it cannot choose between, a province that does not
match its city… The bot shows the result to the customer in full and asks about the problems;
nothing here guesses silently. Pure: the standard library and the shop's region table
(``shop.regions``), nothing else of Kefu.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from shop.regions import BY_NAME, HMT, MAINLAND, REGIONS, canonical_region, region_aliases

__all__ = ["AddressProblem", "ParsedAddress", "parse_address"]

MAX_CHARS = 400
"""Only this much of a message is read: an address is short."""

AddressProblem = Literal[
    "missing_name",
    "missing_phone",
    "missing_region",
    "missing_street",
    "ambiguous_name",
    "ambiguous_phone",
    "invalid_phone",
    "region_mismatch",
]
"""What the parser could not settle. ``missing_*``: not in the text; ``ambiguous_*``: two
different candidates; ``invalid_phone``: digits that look like a phone but are not one (an
11-digit number that is not a mainland mobile, a number a digit short); ``region_mismatch``:
the province written does not hold the city written (江苏省杭州市)."""


@dataclass(frozen=True)
class ParsedAddress:
    receiver_name: str | None
    phone: str | None
    """Digits only: 13812345678, 057188001234, or +852… for Hong Kong and Macau."""
    province: str | None
    """The region's canonical short name (浙江, 上海, 香港), as the shop's policy writes it."""
    city: str | None
    district: str | None
    street: str | None
    problems: tuple[AddressProblem, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Something was read two ways: the bot must ask, never pick one."""
        return any(
            p in ("ambiguous_name", "ambiguous_phone", "invalid_phone", "region_mismatch")
            for p in self.problems
        )

    @property
    def has_address(self) -> bool:
        """A region and a street: enough to deliver to (name and phone may stay as they were)."""
        return self.province is not None and self.street is not None

    @property
    def complete(self) -> bool:
        return not self.problems


# ── phones ───────────────────────────────────────────────────────────────────────────────

_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?(1[3-9]\d(?:[\s-]?\d){8})(?![\d])")
_LANDLINE = re.compile(r"(?<![\d+])(0\d{2,3})[\s-]?(\d{7,8})(?:[\s-]?转?\d{1,4})?(?![\d])")
_HK_MO = re.compile(r"(?<![\d])\+?(852|853)[\s-]?(\d{4}[\s-]?\d{4})(?![\d])")
# A run of 10–12 digits (spaces and dashes allowed) that is none of the above.
_LONG_DIGITS = re.compile(r"(?<![\d])(?:\+?\d[\s-]?){9,12}\d(?![\d])")


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _phones(text: str) -> tuple[list[str], list[tuple[int, int]], bool]:
    """The phones in the text (distinct, in order), their spans, and whether some run of
    digits looked like a phone without being one."""
    found: list[str] = []
    spans: list[tuple[int, int]] = []

    def take(phone: str, span: tuple[int, int]) -> None:
        if any(a < span[1] and span[0] < b for a, b in spans):
            return
        spans.append(span)
        if phone not in found:
            found.append(phone)

    for match in _HK_MO.finditer(text):
        take(f"+{match.group(1)}{_digits(match.group(2))}", match.span())
    for match in _MOBILE.finditer(text):
        take(_digits(match.group(1)), match.span())
    for match in _LANDLINE.finditer(text):
        take(match.group(1) + match.group(2), match.span())
    invalid = False
    for match in _LONG_DIGITS.finditer(text):
        if not any(a < match.end() and match.start() < b for a, b in spans):
            invalid = True
    return found, spans, invalid


# ── labels ───────────────────────────────────────────────────────────────────────────────

_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("收件人姓名", "收货人姓名", "收件人", "收货人", "联系人", "姓名", "名字", "recipient",
             "receiver", "name"),
    "phone": ("联系电话", "手机号码", "手机号", "电话号码", "手机", "电话", "phone", "mobile",
              "tel"),
    "region": ("所在地区", "所在地", "省市区", "地区", "region"),
    "address": ("收货地址", "收件地址", "详细地址", "地址", "address", "addr"),
}
_LABEL = re.compile(
    r"(?:^|(?<=[\s,;]))("
    + "|".join(
        sorted((re.escape(w) for words in _LABELS.values() for w in words), key=len, reverse=True)
    )
    + r")\s*[:=]\s*",
    re.IGNORECASE,
)
_LABEL_KIND = {word.casefold(): kind for kind, words in _LABELS.items() for word in words}


def _labelled(text: str) -> dict[str, str] | None:
    """``{kind: value}`` when the text is written with labels (收件人：… 电话：…)."""
    matches = list(_LABEL.finditer(text))
    if not matches:
        return None
    fields: dict[str, str] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        kind = _LABEL_KIND[match.group(1).casefold()]
        value = text[match.end() : end].strip(" ,;\n\t")
        if value:
            fields[kind] = f"{fields[kind]} {value}" if kind in fields else value
    return fields or None


# ── names ────────────────────────────────────────────────────────────────────────────────

# Common surnames (single and compound), for telling a name from a place at the end of an
# address ("…文三路 100 号 张三" against "…文三路 100 号 西溪花园").
_SURNAMES_2 = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "慕容", "令狐", "夏侯", "尉迟")
_SURNAMES_1 = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万"
    "钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝"
    "包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
    "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬"
    "师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
_PLACE_CHARS = set("省市区县镇乡村街路道巷弄号栋幢楼室苑园府庄组屯湾岛")
_PLACE_WORDS = (
    "大厦", "广场", "中心", "公司", "小区", "花园", "单元", "门口", "驿站", "大学", "学校",
)
_NOT_NAMES = (
    "地址", "谢谢", "麻烦", "你好", "您好", "改成", "改为", "改到", "寄到", "发到", "送到", "帮我",
    "帮忙", "请问", "一下", "电话", "手机", "收件", "收货", "快递", "号码", "姓名", "名字",
    "应该", "就是", "还是", "其他", "其它", "不变",
)
# her words beside the address, after it ("…文三路90号 收件人不变", "…8幢 我写成6幢了"): what
# stays as it was, or what she typed wrong before — never part of the street
_ASIDE = re.compile(
    r"不变|不用改|不用动|不改|别改|没变|照旧|一样|写错|写成|填错|填成|搞错|弄错|打错"
)
_ASIDE_TAIL = re.compile(
    r"\s*(?:收件人|收货人|电话|手机号?|号码|名字|姓名|其他|其它|别的|其余)(?:的)?(?:都|也)?"
    r"(?:不变|不用改|不用动|不改|别改|没变|照旧|一样)(?:了|的|哈|啊)?$"
)
_FILLER = re.compile(
    r"^(?:电话|手机|手机号|手机号码|联系电话|电话号码|号码|tel|phone|谢谢|谢谢你|谢谢啦|麻烦了|"
    r"麻烦你了|辛苦了|好的|收件人|收货人|邮编|收|\(收\)|（收）|receiver|recipient|name)[:：]?$",
    re.IGNORECASE,
)
_NAME_LABEL = re.compile(r"^(?:收件人|收货人|联系人|姓名|名字)(?:是|为)?")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?$")
_EN_NAME = re.compile(r"^[A-Za-z][A-Za-z'.-]*(?: [A-Za-z][A-Za-z'.-]*){0,3}$")
_TITLES = re.compile(r"(先生|女士|小姐)$")


# 收 / 收件 after a name marks it as the receiver's ("陈思雨收", "陈思雨(收)"): no part of it
_RECEIVES = re.compile(r"(?:收件|收货|收|\(收\)|（收）)$")


def _name_in(token: str) -> str | None:
    """The name in a token (收件人张三 → 张三, 陈思雨收 → 陈思雨), or None."""
    bare = _NAME_LABEL.sub("", token)
    marked = _RECEIVES.sub("", bare)
    if marked != bare and _is_cjk_name(marked):
        return marked  # (陈思雨收 reads as a four-character name too)
    return bare if _is_cjk_name(bare) else None


def _is_cjk_name(token: str) -> bool:
    """A Chinese personal name: a common surname and 1–3 more characters (王先生 as written),
    or a name with · (买买提·艾力); no place characters or words (西溪花园 is a place, 麻烦 a
    word)."""
    if any(word in token for word in _NOT_NAMES):
        return False
    bare = _TITLES.sub("", token)
    if len(bare) == 1 and bare != token:
        bare = token  # 王先生 is a name as written
    if not _CJK_NAME.match(bare) or any(ch in _PLACE_CHARS for ch in bare):
        return False
    if any(word in bare for word in _PLACE_WORDS):
        return False
    return "·" in bare or bare[:2] in _SURNAMES_2 or bare[0] in _SURNAMES_1


_EN_STREET = re.compile(
    r"\b(no|road|rd|street|st|avenue|ave|lane|ln|alley|building|bldg|room|rm|apt|flat|floor|"
    r"unit|block|tower|district|county|city|province|village|town|community|garden|"
    r"residence|estate|court|highway|hwy|china|prc|new area)\b\.?",
    re.IGNORECASE,
)


_EN_LEAD = re.compile(
    r"^(?:(?:please|pls)\s+)?(?:(?:send|ship|deliver|post|mail)\s+(?:it\s+|them\s+)?)?"
    r"(?:to|for)\s*:?\s+",
    re.IGNORECASE,
)
_EN_DISTRICT = re.compile(
    r"\b(?!(?:road|rd|street|st|avenue|ave|lane|alley|no)\b)[A-Za-z][A-Za-z'’-]*\s(?:New\s)?"
    r"(?:District|County|Area)\b",
    re.IGNORECASE,
)
_EN_FILLER = re.compile(r"(?:^|\s)(?:tel|phone|mobile|mob|cell)\s*[:.]?\s*$", re.IGNORECASE)


# the request around an English address ("change the delivery address for my hoodie order to
# 500 Zhangyang Road", "sorry, not Zhangyang Road. send it to my office instead, 1000 …, same
# receiver and phone"): the words before "to 500 …", and the parts that are talk — no digit, no
# street word, and words a street never holds (jobs batch 10: they went into the street)
_EN_REQUEST = re.compile(r"^.*?\b(?:address|it|them|parcel|order|one)\b.*?\bto\s+(?=\d)", re.I)
_EN_TALK = re.compile(
    r"\b(?:sorry|not|instead|same|please|pls|change|send|ship|deliver|thanks|thank|actually"
    r"|wait|oops|my|it|i|i'?m|is|was|and|the)\b",
    re.IGNORECASE,
)
_EN_NAME_LABEL = re.compile(r"^(?:receiver|recipient|addressee|contact|name)\s+(?:is\s+)?", re.I)


def _talk(part: str) -> bool:
    """A part of an English address message that is the customer talking, not the address."""
    if re.search(r"\d", part):
        return False
    # "not Zhangyang Road": the old street, said to be wrong
    return re.match(r"(?i)not\b", part) is not None or (
        not _EN_STREET.search(part) and _EN_TALK.search(part) is not None
    )


def _is_en_name(part: str) -> bool:
    return bool(_EN_NAME.match(part)) and not _EN_STREET.search(part) and _region_of(part) is None


# ── regions ──────────────────────────────────────────────────────────────────────────────

_MUNICIPALITIES = ("北京", "上海", "天津", "重庆")
_PROVINCE_NAMES = sorted(
    {
        *(f"{name}{suffix}" for name in MAINLAND for suffix in ("省", "市")),
        "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
        "香港特别行政区", "澳门特别行政区", "台湾省",
        *MAINLAND,
        *HMT,
    },
    key=len,
    reverse=True,
)
_ALIASES = {alias: name for alias, name in region_aliases().items() if alias != "江浙沪"}
_EN_CITIES = frozenset(
    alias for region in REGIONS for alias in region.aliases if alias.isascii()
)
"""The cities the region table knows by their English names (nanjing, hangzhou…)."""
_CJK_CITY_ALIASES = sorted(
    (a for a in _ALIASES if re.fullmatch(r"[\u4e00-\u9fff]{2,}", a) and a not in BY_NAME),
    key=len,
    reverse=True,
)
_CITY = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:自治州|地区|市|盟))")
_DISTRICT = re.compile(r"^([\u4e00-\u9fff]{1,7}?(?:新区|区|县|市|旗))")
_HMT_DISTRICT = re.compile(r"^(九龙|新界|香港岛|港岛|离岛|氹仔|路环|澳门半岛)")


def _region_of(text: str) -> str | None:
    """The canonical region a whole word names (Shanghai, 浙江省, 杭州), or None."""
    value = text.strip()
    if not value:
        return None
    canonical = canonical_region(value)
    if canonical in MAINLAND or canonical in HMT:
        return canonical
    return None


@dataclass(frozen=True)
class _Place:
    province: str | None
    city: str | None
    district: str | None
    street: str
    mismatch: bool


def _split_cjk_place(text: str) -> _Place | None:
    """浙江省杭州市西湖区文三路 100 号 → the parts; None when no region starts the text."""
    rest = text.strip()
    province = None
    written_province = None
    for name in _PROVINCE_NAMES:
        if rest.startswith(name) and _region_at(rest, name) == 0:
            province, written_province = canonical_region(name), name
            rest = rest[len(name) :].lstrip(" ,")
            break
    city = None
    district = None
    mismatch = False
    if province in _MUNICIPALITIES:
        # 北京市朝阳区…, 上海上海市浦东新区… (the courier's form repeats it), 北京 朝阳区…
        city = f"{province}市"
        if rest.startswith(city):
            rest = rest[len(city) :].lstrip(" ,")
        elif rest.startswith("市辖区"):
            rest = rest[3:].lstrip(" ,")
    elif province in HMT:
        found = _HMT_DISTRICT.match(rest)
        if found:
            district = found.group(1)
            rest = rest[found.end() :].lstrip(" ,")
        return _Place(province, None, district, rest, False)
    else:
        found = _CITY.match(rest)
        if found is None:
            # A city written without 市 (杭州西湖区…, 浙江 杭州 …).
            for alias in _CJK_CITY_ALIASES:
                if rest.startswith(alias):
                    found_city = alias
                    rest = rest[len(alias) :].lstrip(" ,")
                    city = f"{found_city}市"
                    break
        else:
            city = found.group(1)
            rest = rest[found.end() :].lstrip(" ,")
        if city is None and province is not None:
            # A city this table does not know, written without 市 and set apart (浙江 金华 …).
            word = re.match(r"^([\u4e00-\u9fff]{2,3}) ", rest)
            if word and word.group(1)[-1] not in "区县旗镇乡" and not _looks_like_street(
                word.group(1)
            ):
                city = f"{word.group(1)}市"
                rest = rest[word.end() :]
        if city is not None:
            city_region = _region_of(city.removesuffix("市"))
            if province is None:
                province = city_region
            elif city_region is not None and city_region != province:
                mismatch = True
    if province is None and city is None:
        return None
    found = _DISTRICT.match(rest)
    if found is not None and not _looks_like_street(found.group(1)):
        district = found.group(1)
        rest = rest[found.end() :].lstrip(" ,")
    if written_province is None and province is None:
        return None
    return _Place(province, city, district, rest.strip(" ,"), mismatch)


def _looks_like_street(part: str) -> bool:
    return any(ch in part for ch in "路街道巷弄号")


_STREET_AFTER = re.compile(r"[东南西北中]?(?:路|街|大道|巷|弄)")


def _region_at(text: str, name: str, start: int = 0) -> int | None:
    """The first place ``name`` occurs as a region, not as the start of a street name (湖南路
    in Nanjing is a road, not Hunan)."""
    index = text.find(name, start)
    while index >= 0:
        if not _STREET_AFTER.match(text, index + len(name)):
            return index
        index = text.find(name, index + 1)
    return None


_REGION_NAMES_BY_FIRST: dict[str, tuple[str, ...]] = {}
for _name in (*_PROVINCE_NAMES, *_CJK_CITY_ALIASES):
    _REGION_NAMES_BY_FIRST[_name[0]] = (*_REGION_NAMES_BY_FIRST.get(_name[0], ()), _name)
_REGION_FIRST = re.compile("[" + "".join(map(re.escape, _REGION_NAMES_BY_FIRST)) + "]")


def _find_region_start(text: str) -> int | None:
    """Where the address begins: the first province, or the first known city — the first place
    where one of their names is a region (``_region_at``): the smallest of each name's first
    place, found from the left at the characters a name can start with (not ~180 ``find``
    calls, one per name)."""
    for at in _REGION_FIRST.finditer(text):
        start = at.start()
        for name in _REGION_NAMES_BY_FIRST[text[start]]:
            if text.startswith(name, start) and not _STREET_AFTER.match(text, start + len(name)):
                return start
    return None


# ── the parser ───────────────────────────────────────────────────────────────────────────

_SEPARATORS = re.compile(r"[\n\r\t,;|]+")
_POSTCODE = re.compile(r"(?:(?<=[\s,;])|^)(?:邮编[:\s]*)?\d{6}(?=[\s,;]|$)")


def _normalise(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw[:MAX_CHARS])
    text = text.replace("、", ",").replace("。", " ")
    text = re.sub(r"[ \u3000]+", " ", text)
    return text.strip()


def parse_address(raw: str) -> ParsedAddress:
    """Receiver name, phone and address out of a customer's message; see the module docstring."""
    text = _normalise(raw)
    if not text:
        return ParsedAddress(None, None, None, None, None, None,
                             ("missing_name", "missing_phone", "missing_region", "missing_street"))
    labelled = _labelled(text)
    if labelled is not None and ("address" in labelled or "region" in labelled):
        return _from_labels(labelled, text)
    if _mostly_latin(text):
        return _parse_english(text)
    return _parse_chinese(text)


def _mostly_latin(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return False
    latin = sum(1 for ch in letters if ch.isascii())
    return latin / len(letters) > 0.6


def _phone_problems(phones: list[str], invalid: bool) -> list[AddressProblem]:
    problems: list[AddressProblem] = []
    if len(phones) > 1:
        problems.append("ambiguous_phone")
    elif not phones:
        problems.append("invalid_phone" if invalid else "missing_phone")
    return problems


def _finish(
    names: list[str],
    phones: list[str],
    invalid_phone: bool,
    place: _Place | None,
) -> ParsedAddress:
    problems: list[AddressProblem] = []
    distinct = list(dict.fromkeys(names))
    if not distinct:
        problems.append("missing_name")
    elif len(distinct) > 1:
        problems.append("ambiguous_name")
    problems += _phone_problems(phones, invalid_phone)
    if place is None or place.province is None:
        problems.append("missing_region")
    street = place.street.strip(" ,") if place is not None else ""
    if len(street) < 2:
        problems.append("missing_street")
    if place is not None and place.mismatch:
        problems.append("region_mismatch")
    return ParsedAddress(
        receiver_name=distinct[0] if len(distinct) == 1 else None,
        phone=phones[0] if len(phones) == 1 else None,
        province=place.province if place is not None else None,
        city=place.city if place is not None else None,
        district=place.district if place is not None else None,
        street=street if len(street) >= 2 else None,
        problems=tuple(problems),
    )


def _parse_chinese(text: str) -> ParsedAddress:
    phones, spans, invalid = _phones(text)
    # Take the phones out; where one stood, the text is split.
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "\n" + text[end:]
    text = _POSTCODE.sub(" ", text)
    segments = [s.strip() for s in _SEPARATORS.split(text) if s.strip()]
    names: list[str] = []
    place: _Place | None = None
    for segment in segments:
        at = _find_region_start(segment) if place is None else None
        if at is None:
            # Not the address: a name, or the rest of the address after a comma.
            for token in segment.split(" "):
                token = token.strip()
                if not token or _FILLER.match(token):
                    continue
                name = _name_in(token)
                if name is not None:
                    names.append(name)
                elif place is not None:
                    place = _Place(
                        place.province,
                        place.city,
                        place.district,
                        f"{place.street} {token}".strip(),
                        place.mismatch,
                    )
            continue
        before, address = segment[:at].strip(), segment[at:]
        for token in before.split(" "):
            name = _name_in(token) if token else None
            if name is not None:
                names.append(name)
        # After the address, after a space: words like 电话 (its number was taken out) and a
        # name, if the last word reads as one (a common surname first) rather than as the
        # street's own last word.
        tokens = _ASIDE_TAIL.sub("", address).split(" ")
        while len(tokens) > 1 and (
            _FILLER.match(tokens[-1]) or not tokens[-1] or _ASIDE.search(tokens[-1])
        ):
            tokens.pop()
        trailing = _name_in(tokens[-1]) if len(tokens) > 1 else None
        if trailing is not None:
            names.append(trailing)
            tokens.pop()
        place = _split_cjk_place(" ".join(tokens))
    return _finish(names, phones, invalid, place)


def _parse_english(text: str) -> ParsedAddress:
    phones, spans, invalid = _phones(text)
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + "\n" + text[end:]
    # A full stop ends a part ("…, Beijing. Tel …"), but not the one in "No. 1".
    text = re.sub(r"(?i)\b(no|apt|rm|bldg|blk|flat)\.\s*", "\\1\x00", text)
    parts = [
        _EN_FILLER.sub("", p).strip(" .").replace("\x00", ". ")
        for p in re.split(r"[\n\r\t,;|]+|\.\s+", text)
    ]
    parts = [p for p in parts if p]
    # Pull the district and the region out of parts written without commas
    # ("100 Century Avenue Pudong New District Shanghai").
    split_parts: list[str] = []
    for part in parts:
        part = _EN_REQUEST.sub("", _EN_LEAD.sub("", part))
        if _talk(part):
            continue
        part = _EN_NAME_LABEL.sub("", part)
        tail: list[str] = []
        words = part.split()
        for size in (2, 1):
            if len(words) > size and _region_of(" ".join(words[-size:])) is not None:
                tail.insert(0, " ".join(words[-size:]))
                words = words[:-size]
                break
        part = " ".join(words)
        found = _EN_DISTRICT.search(part)
        if found is not None and found.group(0) != part:
            tail.insert(0, found.group(0))
            part = (part[: found.start()] + part[found.end() :]).strip(" ,")
        split_parts += [p for p in (part, *tail) if p]
    parts = split_parts
    names: list[str] = []
    province: str | None = None
    city: str | None = None
    district: str | None = None
    street: list[str] = []
    mismatch = False
    for part in parts:
        bare = re.sub(r"\b\d{6}\b", "", part).strip()  # a postcode says nothing more
        if not bare or re.fullmatch(r"(?i)(p\.?r\.?\s*)?china|prc", bare):
            continue
        named = re.sub(r"(?i)\s*(city|province|shi|sheng)$", "", bare)
        region = _region_of(named)
        if region is not None:
            if province is None:
                province = region
            elif region != province:
                mismatch = True
            if city is None and (region in _MUNICIPALITIES or region in HMT):
                city = bare if region in _MUNICIPALITIES else None
            elif city is None and named.casefold() in _EN_CITIES:
                city = bare  # "Nanjing" names Jiangsu, and is the city (it was dropped)
            continue
        if re.search(r"(?i)\b(district|county|new area|qu)$", bare):
            district = bare
            continue
        if (not street or province is not None) and _is_en_name(bare):
            # Before the street, or after the region: a name ("…, Shanghai, Wang Fang").
            names.append(bare)
            continue
        street.append(bare)
    place = _Place(province, city, district, ", ".join(street), mismatch)
    return _finish(names, phones, invalid, place)


def _from_labels(fields: dict[str, str], text: str) -> ParsedAddress:
    phones, _spans, invalid = _phones(fields.get("phone", ""))
    if not phones and "phone" not in fields:
        phones, _spans, invalid = _phones(text)
    name = fields.get("name", "")
    for start, end in sorted(_phones(name)[1], reverse=True):
        name = name[:start] + name[end:]
    name = " ".join(name.split())
    names = [name] if name else []
    location = " ".join(fields[k] for k in ("region", "address") if k in fields)
    place: _Place | None
    if _mostly_latin(location):
        parsed = _parse_english(location)
        place = _Place(parsed.province, parsed.city, parsed.district, parsed.street or "",
                       "region_mismatch" in parsed.problems)
    else:
        at = _find_region_start(location)
        place = _split_cjk_place(location[at:]) if at is not None else None
    return _finish(names, phones, invalid, place)
