"""Paying, read in one vocabulary: an order not paid yet, and a payment gone wrong.

Not paid yet ("那个连衣裙的单子还没付款", "i haven't paid yet"): ``says_unpaid`` picks, of two
orders with the item, the one awaiting payment; ``asks_if_unpaid_still_open`` is whether it is
still open to pay ("还没付款 现在付还来得及吗": her unpaid order's card, and until when);
``unpaid_closing_said`` is the rule ("不付款的话订单会自动取消吗": a question, not a cancel).

A payment gone wrong: ``payment_taken_wrongly`` is money taken twice, or taken while the order
still shows unpaid ("扣了两次钱", "钱都扣了 订单怎么还显示待付款") — only the payment records tell,
so a person, with a ticket; ``payment_failing`` is a payment that doesn't go through ("付款一直
失败", "my card keeps getting declined") — what to try, and a person offered.

The engine reads the first (an order's status), the bot all of them."""

from __future__ import annotations

import re

from intents.gate import gate

__all__ = [
    "asks_if_order_still_open",
    "asks_if_unpaid_still_open",
    "payment_failing",
    "payment_taken_wrongly",
    "says_unpaid",
    "unpaid_closing_said",
]

# -- the vocabulary -------------------------------------------------------------------------
# paying, as a verb ("付款", "付钱", "支付", "交钱"; a bare "付" last)
_PAY = r"(?:付款|付钱|支付|交钱|给钱|付)"
# not paid (yet): "没付款", "还没支付", "未付"
_NOT_PAID_ZH = r"(?:没|未|没有|还没)" + _PAY
# the order's unpaid state as the shop shows it ("待付款", "未支付")
_SHOWN_UNPAID_ZH = r"(?:待付款?|等待付款|待支付|未付|没付|未支付|没支付|没有付)"
_NOT_PAID_EN = r"\b(?:haven'?t|have not|didn'?t|did not|not yet|not) (?:paid|pay)\b"
_SHOWN_UNPAID_EN = r"\b(?:unpaid|not paid|awaiting payment)\b"
# money taken from her ("扣了钱", "钱都扣了", "付过款", "charged", "debited")
_MONEY_TAKEN_ZH = (
    r"(?:扣了?钱|钱(?:都|也|已经|已)?(?:被)?扣(?:了|掉了?)?|付了?钱|付过款|已经付款?了?)"
)
_TWICE_ZH = (
    r"扣了?(?:两|2|二)次|(?:重复|多)扣|扣(?:款|钱)?(?:两|2)次|多(?:付|交)了(?:一|1)次|付了两次"
)


# -- not paid yet ---------------------------------------------------------------------------
_UNPAID_SAID = re.compile(
    _NOT_PAID_ZH + r"|待付款|等待付款|" + _NOT_PAID_EN + r"|\bunpaid\b", re.IGNORECASE
)

# not paid, and whether it is still open to pay (the lead's console round, session 13:
# "我那个连衣裙的单子还没付款 现在付还来得及吗" was read as when it ships)
_UNPAID_STILL_OPEN = re.compile(
    _NOT_PAID_ZH
    + r".{0,16}(?:来得及|还能付|还可以付|能不能付|关闭|关掉|被关|被取消|自动取消|失效|过期"
    r"|还在不在|还在吗|还有效|有效吗)"
    r"|\b(?:haven'?t|have not|didn'?t|did not|not) (?:paid|pay)\b.{0,40}"
    r"\b(?:still open|still pay|in time|expire|closed?|(?:be|get) cancell?ed|still there"
    r"|still valid|too late)\b",
    re.IGNORECASE,
)

# whether an unpaid order is cancelled if it isn't paid ("不付款的话订单会自动取消吗", "if i
# can't pay today will the order get cancelled?"): a question about the rule, not a cancel
_UNPAID_CLOSES = re.compile(
    r"(?:不|没|未|付不了|还没)" + _PAY + r"[^。！？?!]{0,12}(?:会|自动|就)[^。！？?!]{0,6}"
    r"(?:取消|关闭|关掉|失效|作废)"
    r"|\b(?:don'?t|can'?t|cannot|do not|didn'?t|not|never) (?:pay|paying)\b.{0,40}"
    r"\b(?:cancel(?:l?ed)?|close[sd]?|expire[sd]?)\b"
    r"|\bunpaid orders?\b.{0,30}\b(?:cancel(?:l?ed)?|close[sd]?|expire[sd]?)\b",
    re.IGNORECASE,
)


def says_unpaid(text: str) -> bool:
    """The message says its order isn't paid yet ("那个连衣裙的单子还没付款", "it's unpaid")."""
    return _UNPAID_SAID.search(text) is not None


# whether her order is still open ("订单还有效吗", "is the order still open?"): a yes or no, with
# the order's card (an unpaid one says until when it can be paid)
_ORDER_STILL_OPEN = re.compile(
    r"(?:订单|单子|这单|那单|这个单|那个单)[^。！？?!]{0,16}"
    r"(?:还有效|有效吗|还在吗|还在不在|还在么|失效了[吗么没]|过期了[吗么没]|关闭了[吗么没]|被关了[吗么没]"
    r"|被取消了[吗么没]|还能付(?:款|钱)?[吗么])"
    r"|\border\b(?: [\w']+){0,5} still (?:open|valid|active|there|good|on(?=\s*[?!.]*$))\b"
    r"|\b(?:has|did|is) (?:my |the |that )?order (?:expired?|closed|been (?:closed|cancell?ed))\b",
    re.IGNORECASE,
)


_STILL_OPEN_GATE = gate(_ORDER_STILL_OPEN, _UNPAID_STILL_OPEN)


def asks_if_order_still_open(text: str) -> bool:
    """Whether her order is still open ("订单还有效吗", "is the order still open?", "has my
    order expired?"), or — not paid yet — still open to pay (``asks_if_unpaid_still_open``)."""
    if _STILL_OPEN_GATE.search(text) is None:
        return False  # (neither can match: ``intents.gate``)
    return _ORDER_STILL_OPEN.search(text) is not None or asks_if_unpaid_still_open(text)


# the close asked for, not asked about ("我还没付款 不想要了 帮我把订单关掉": a cancel, which
# heard "it's still open, pay before…" — jobs batch 5)
_CLOSE_ASKED = re.compile(
    r"(?:帮我|给我|麻烦|请)[^。！？?!]{0,6}(?:关掉|关闭|关了|取消)(?!了[吗么没])"
    r"|(?:关掉|关了|取消)(?:吧|掉吧|得了)|不想要了|不要了"
    r"|\b(?:please|pls|plz) (?:cancel|close)\b|\b(?:cancel|close) it\b",
    re.IGNORECASE,
)


def asks_if_unpaid_still_open(text: str) -> bool:
    """Not paid yet, and whether it can still be paid ("还没付款 现在付还来得及吗", "i haven't
    paid yet, will it expire?") — not when the close itself is asked for."""
    return _UNPAID_STILL_OPEN.search(text) is not None and _CLOSE_ASKED.search(text) is None


def unpaid_closing_said(text: str) -> bool:
    """An order left unpaid, and its closing ("不付款的话订单会自动取消吗"): asked as a question
    (the caller's reading), the rule, not a cancel."""
    return _UNPAID_CLOSES.search(text) is not None


# -- a payment gone wrong -------------------------------------------------------------------
_TAKEN_WRONGLY = re.compile(
    _TWICE_ZH
    + r"|" + _MONEY_TAKEN_ZH
    + r"[^。！？?!]{0,12}(?:显示|还是|却|但)[^。！？?!]{0,6}" + _SHOWN_UNPAID_ZH
    + r"|\b(?:charged|billed|paid|debited) (?:me |my (?:credit |debit )?(?:card|account) )?"
    r"(?:twice|two times|double)\b|\bdouble[- ]charged\b"
    r"|\b(?:money|payment) (?:was |got |has been )?(?:taken|deducted|debited)\b.{0,40}"
    + _SHOWN_UNPAID_EN,
    re.IGNORECASE,
)

_FAILING = re.compile(
    r"付款失败|支付失败|拍不了|下不了单|付不了|付款不了|支付不了|付不上|付不进去|扣款失败"
    r"|(?:银行)?卡.{0,4}异常|支付.{0,4}异常|付款.{0,6}(?:失败|不成功|报错)|declined"
    r"|payment (?:failed|error|fails|keeps failing|won'?t go|(?:is )?not going through)"
    r"|(?:can'?t|cannot|unable to) (?:i |we )?(?:pay|complete (?:the )?payment)",
    re.IGNORECASE,
)


def payment_taken_wrongly(text: str) -> bool:
    """Money taken twice, or taken for an order that still shows unpaid ("扣了两次钱", "付了钱订单
    还显示待付款", "i was charged twice"): only the payment records tell."""
    return _TAKEN_WRONGLY.search(text) is not None


def payment_failing(text: str) -> bool:
    """A payment that doesn't go through ("付款一直失败", "my card keeps getting declined")."""
    return _FAILING.search(text) is not None
