"""Masking personal data out of a customer's message before it leaves the bot.

The bot keeps the words of a message it could not place (a fallback or a "did you mean…?")
so that the shop can see what customers ask that the catalogue does not know yet
(``kefu intents unmatched``, ``kefu report``). Those words travel on the bus and are stored by
the worker; what identifies a person is masked here first, in the bot, with placeholders that
keep the shape of the question::

    >>> anonymize("我叫王小明，KF26200341 寄到杭州市西湖区文三路90号，电话13812345678")
    '我叫<name>，<order> 寄到杭州市西湖区<address>，电话<phone>'

What is masked: order numbers (``KF`` and eight digits, or a labelled 订单号/order number),
phone numbers (mainland mobiles with or without +86 and separators, landlines, Hong Kong and
Macau numbers, any long run of digits), e-mail addresses, names after the words that
introduce them (我叫, 收件人, my name is…) and a surname with 先生/女士/小姐, and the street
part of an address (the province, city and district stay: they say where, not who). Any
remaining run of four or more digits (the last four of a phone, a tracking number) becomes
``<num>``. Heights, weights, sizes and prices of up to three digits stay: they are what a
size or postage question is about. Dates stay whole, the year with them (``2026-11-28 10:30``,
``2026年11月28日``, ``Dec 3, 2026``; a timestamp in a dead letter), and so do the desk's ticket
numbers (``T2026120400006``): they say when and which request, not who — without this, a date
with its time read as a phone number and every year as ``<num>``.

Pure: the standard library only, no catalogue, no I/O.
"""

from __future__ import annotations

import re
import unicodedata

ORDER = "<order>"
PHONE = "<phone>"
EMAIL = "<email>"
NAME = "<name>"
ADDRESS = "<address>"
NUMBER = "<num>"
PLACEHOLDERS = (ORDER, PHONE, EMAIL, NAME, ADDRESS, NUMBER)

MAX_CHARS = 1000
"""Longer messages are cut before masking (what is kept is at most this long)."""

_DIGIT = r"[0-9]"
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
_ORDER_NO = re.compile(r"(?<![A-Za-z0-9])KF[\s-]?\d{8}(?!\d)", re.IGNORECASE)
_ORDER_LABELLED = re.compile(
    r"((?:订单号|订单编号|单号|运单号|快递单号|物流单号|order\s*(?:no\.?|number|#|id)|"
    r"tracking\s*(?:no\.?|number|#)?)\s*(?:是|为|:|：|#)?\s*)([A-Za-z]{0,4}[\s-]?\d[\d\s-]{4,}\d)",
    re.IGNORECASE,
)
_MOBILE = re.compile(r"(?<![\d+])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d){8}(?!\d)")
_LANDLINE = re.compile(r"(?<![\d+])0\d{2,3}[\s-]?\d{7,8}(?:[\s-]?转\d{1,4})?(?!\d)")
_HK_MO = re.compile(r"(?<!\d)\+?85[23][\s-]?\d{4}[\s-]?\d{4}(?!\d)")
_INTERNATIONAL = re.compile(r"(?<![\w+])\+\d{1,3}[\s-]?(?:\d[\s-]?){6,13}\d(?!\d)")
_SPACED_DIGITS = re.compile(r"(?<!\d)\d(?:[\s-]?\d){8,}(?!\d)")
_LONG_DIGITS = re.compile(r"\d{4,}")

# Names: the words that introduce them, then two to four Chinese characters (a middle dot for
# transliterated names) or one to three capitalised English words.
_CJK_NAME = r"[\u4e00-\u9fff]{2,4}(?:·[\u4e00-\u9fff]{1,6})?"
_NAME_CUE_ZH = re.compile(
    r"(我叫(?![了过的你他她人们])|我的名字(?:是|叫)|名字(?:是|叫|:|：)|姓名(?:是|为|:|：)?|"
    r"(?:收件人|收货人|联系人|寄件人)(?:是|为|:|：)?)\s*(" + _CJK_NAME + r")"
)
_NAME_CUE_EN = re.compile(
    r"\b((?i:my name is|my name's|name\s*:|receiver\s*:|recipient\s*:|signed,?|regards,?)\s*)"
    r"((?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})"
)
_NOT_NAMES_EN = frozenset(
    "I Im Not Very So Really Just Still Here Trying Going Looking Waiting Asking Sorry "
    "Happy Unhappy Disappointed Confused Interested Writing Calling Hoping Unable".split()
)
# The commonest surnames (single and double), for 王先生 / 李女士 / 张小姐 — written here, not
# copied from any dataset.
_SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 皇甫 尉迟 公孙 慕容 令狐 "
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 "
    "曹 彭 曾 肖 田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 "
    "金 石 廖 贾 夏 韦 付 方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 "
    "邵 万 钱 严 覃 武 戴 莫 孔 向 汤"
).split()
_TITLED = re.compile(
    r"(" + "|".join(sorted(_SURNAMES, key=len, reverse=True)) + r")(先生|女士|小姐)"
)

# Addresses: the street part, from a road, lane, estate or building word with its number on
# to where the sentence breaks. Province, city and district names before it are kept.
_STREET_ZH = re.compile(
    # the road or estate's own name: never across a province, city or district word, or the
    # verb before an address (寄到, 发往, 送去, 在)
    r"[^\s\d省市区县州盟旗到寄发送往在给从的是，,。.!！?？;；:：、()（）<>]{0,8}?"
    r"(?:大道|大街|路|街|巷|弄|胡同|村|镇|乡|小区|花园|公寓|大厦|广场|社区|新村|家园|苑)"
    r"[\u4e00-\u9fff]{0,6}?"
    r"\d[0-9A-Za-z#\-－号栋幢楼单元室层座弄期]*"
)
_BUILDING_ZH = re.compile(
    r"\d+\s*(?:号楼|栋|幢|座)\s*(?:\d+\s*单元)?\s*\d*\s*(?:室|号|层)?|\d+\s*单元\s*\d+\s*(?:室|号)?"
)
_STREET_EN = re.compile(
    r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][A-Za-z'’-]*\s+){1,4}"
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl|"
    r"Terrace|Crescent|Close|Highway|Hwy)\b\.?(?:,?\s*(?:Apt|Apartment|Unit|Suite|Flat|#)\s*"
    r"[\w-]+)?",
    re.IGNORECASE,
)
_POSTCODE_EN = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b")  # UK style; US ZIPs are digits

# What is kept whole (set aside before the masking, put back after): dates, with a time and a
# zone when they have them, and the shop's own record numbers: tickets (worker/tickets.py: T, the
# day, the ticket's number), returns RT…, refunds RF…, exchanges RMA… (the same shape). A month
# and day must be real ones, so a run of digits is never taken for
# a date; a year alone is kept only where it reads as one (before 年, or in an English date).
_YEAR = r"(?:19|20)\d{2}"
_MONTH_EN = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_KEPT = re.compile(
    r"(?<![\d+])" + _YEAR + r"([-/.])(?:1[0-2]|0?[1-9])\1(?:3[01]|[12]\d|0?[1-9])(?!\d)"
    r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}:?\d{2})?(?!\d))?"
    r"|(?<!\d)" + _YEAR + r"(?=\s?年)"
    r"|\b" + _MONTH_EN + r"\s\d{1,2}(?:st|nd|rd|th)?,?\s" + _YEAR + r"(?!\d)"
    r"|\b\d{1,2}(?:st|nd|rd|th)?\s" + _MONTH_EN + r",?\s" + _YEAR + r"(?!\d)"
    r"|(?<![A-Za-z0-9])(?:T|RT|RF|RMA)" + _YEAR
    + r"(?:1[0-2]|0[1-9])(?:3[01]|[12]\d|0[1-9])\d{5,8}(?!\d)"
)
_SET_ASIDE = 0xF0000  # a private-use plane: one character stands for each kept span
_YEARISH = re.compile(_YEAR)
_ASIDE = re.compile("[\U000F0000-\U000FFFFD]")


def _fold_digits(text: str) -> str:
    """Full-width digits and letters as ASCII (NFKC on those only), so that ０１３８ is seen."""
    return "".join(
        unicodedata.normalize("NFKC", ch) if ch.isalnum() and "\uff10" <= ch <= "\uff5a" else ch
        for ch in text
    )


def anonymize(text: str) -> str:
    """The message with personal data replaced by placeholders (see the module docstring)."""
    out = _fold_digits(text[:MAX_CHARS])
    kept: list[str] = []

    def set_aside(match: re.Match[str]) -> str:
        kept.append(match.group(0))
        return chr(_SET_ASIDE + len(kept) - 1)

    if _YEARISH.search(out):  # every kept span has a year in it: most messages have none
        out = _KEPT.sub(set_aside, out)
    out = _EMAIL.sub(EMAIL, out)
    out = _ORDER_NO.sub(ORDER, out)
    out = _ORDER_LABELLED.sub(lambda m: m.group(1) + ORDER, out)
    for pattern in (_HK_MO, _INTERNATIONAL, _MOBILE, _LANDLINE, _SPACED_DIGITS):
        out = pattern.sub(PHONE, out)
    out = _NAME_CUE_ZH.sub(lambda m: m.group(1) + NAME, out)
    out = _NAME_CUE_EN.sub(_english_name, out)
    out = _TITLED.sub(_titled_name, out)
    out = _STREET_EN.sub(ADDRESS, out)
    out = _POSTCODE_EN.sub(ADDRESS, out)
    out = _STREET_ZH.sub(ADDRESS, out)
    out = _BUILDING_ZH.sub(ADDRESS, out)
    out = _LONG_DIGITS.sub(NUMBER, out)
    out = _collapse(out)
    if kept:  # put back what was set aside (a span swallowed by a mask stays masked)
        out = _ASIDE.sub(lambda m: _put_back(m.group(0), kept), out)
    return out


def _put_back(ch: str, kept: list[str]) -> str:
    index = ord(ch) - _SET_ASIDE
    return kept[index] if index < len(kept) else ch


def _english_name(match: re.Match[str]) -> str:
    words = match.group(2).split()
    if words[0] in _NOT_NAMES_EN:
        return match.group(0)
    return match.group(1) + NAME


def _titled_name(match: re.Match[str]) -> str:
    return NAME + match.group(2)


_REPEATED = re.compile(r"(<(?:order|phone|email|name|address|num)>)(?:[\s,，-]*\1)+")


def _collapse(text: str) -> str:
    """``<address><address>`` (a street and its building masked one after the other) → one."""
    text = re.sub(r"<address>[\s#\-－]*<(?:address|num)>", ADDRESS, text)
    return _REPEATED.sub(r"\1", text)


def is_anonymized(text: str) -> bool:
    """``True`` when masking ``text`` again changes nothing: nothing identifying is left that
    this module knows how to find (a check for what the worker receives)."""
    return anonymize(text) == text
