"""How to place an order, asked of a chat that cannot take one ("怎么下单", "我要买这件 怎么拍",
"how do I order", "can I buy it here?"): where ordering happens — not an order's status, not a
payment that failed. The engine reads it as the payment question (``payment.methods``: the
catalogue's 怎么买 / 怎么下单), and the bot answers it with where and how to order.

A sale event asked about ("双十一有活动吗", "any black friday sale?") is the discount question,
which the policy answers with what it gives — it has no calendar of sales.

The price difference asked back after a price drop ("刚买就降价了 能退差价吗", "it's cheaper now,
can i get the difference back?") is after-sales' to decide for her order, not haggling."""

from __future__ import annotations

import re

from intents.gate import gate

__all__ = ["asks_about_sales", "asks_how_to_order", "asks_price_difference"]


# How to buy, asked of a chat that cannot take the order ("怎么下单", "我要买这件 怎么拍", "how do
# I order", "can I buy it here?"): where ordering happens, not an order's status or a payment.
_HOW_TO_ORDER = re.compile(
    r"(?:怎么|怎样|如何|咋|在哪里?|哪里|去哪)(?:才能|可以|能)?(?:下单|拍下?|购买|订购|买(?!到|了|的))"
    r"|(?:这里|这儿|在这|直接)(?:能|可以)?(?:下单|买|购买)(?:吗|嘛|么|不)"
    r"|(?:能|可以)(?:在这里?|直接)?(?:帮我|替我|给我)(?:下单|下个单|拍)"
    r"|\bhow (?:do|can|could|would|should) (?:i|we) (?:place an? |make an? )?(?:order|buy|purchase)"
    r"(?! status| tracking)\b"
    r"|\bhow to (?:order|buy|purchase)\b|\bwhere (?:do|can) i (?:order|buy|purchase)\b"
    r"|\bcan i (?:order|buy|purchase)(?: it| this| one| them)?"
    r" (?:here|from you|through (?:you|here|the chat))"
    r"|\b(?:can|could) you (?:place|make) (?:the|an|my) order\b|\bi'?ll take (?:it|one|them)\b"
)
_NOT_BUYING = re.compile(
    r"KF\d{8}|我的(?:订单|单子)|\bmy order\b|退|换|取消|\bcancel|\breturn|\brefund"
    r"|不了|不上|失败|不成功|报错|\bfail|\berror|\bdeclin|\bcan'?t\b|\bcannot\b",
    re.IGNORECASE,
)


def asks_how_to_order(text: str) -> bool:
    """Where and how to place an order, asked before any order exists."""
    lowered = text.lower()
    return bool(_HOW_TO_ORDER.search(lowered)) and not _NOT_BUYING.search(text)


# A sale event asked about ("双十一有活动吗", "any black friday sale?"): the policy has no calendar.
_SALE_EVENT = re.compile(
    r"双十一|双11|双12|双十二|618|年货节|大促|店庆|周年庆|秒杀|清仓|(?:有|搞|做|参加)(?:什么)?活动|活动(?:吗|么|嘛|呢)"
    r"|促销|打折(?:吗|么|嘛|呢|活动)|\bblack friday\b|\bcyber monday\b"
    r"|\bsales? (?:event|on|coming|soon)\b"
    r"|\bany (?:sales?|deals|promotions?)\b|\b(?:sale|promotion)s? (?:this|next|for)\b|\bon sale\b"
)


def asks_about_sales(text: str) -> bool:
    """A sale event or promotion asked about ("双十一有活动吗", "will it go on sale?")."""
    return _SALE_EVENT.search(text.lower()) is not None


# The price gone down since she bought ("降价了", "便宜了20", "cheaper now", "price dropped") and
# the difference asked back; or price protection named ("价保", "price match").
_PRICE_DROPPED = re.compile(
    r"降价|降了|便宜了|掉价|调价|价格(?:变|调)?低了|打折了|(?:现在|今天|又)(?:在)?(?:打折|特价|促销|活动价)"
    r"|\b(?:now|today)\b[^.?!,]{0,20}\bcheaper\b(?! elsewhere)"
    r"|\bcheaper\b(?! elsewhere)[^.?!]{0,20}\b(?:now|today|since|after i)\b"
    r"|\bprice (?:has |have )?(?:dropped|drops?|went down|gone down|is lower|fell|cut)\b"
    r"|\b(?:dropped|lowered|reduced|cut) (?:the|its|their) price\b|\bon sale now\b|\bnow on sale\b"
    r"|\b(?:went|gone) on sale\b|\blower price\b|\bdiscounted (?:now|today|since)\b"
    # "i ordered it yesterday and now its on sale for less": a sale since she bought
    r"|\bon sale for less\b|\b(?:selling|sells|going|listed) for less\b"
    r"|\b(?:now|today)\b[^.?!,]{0,12}\b(?:on sale|marked down|reduced)\b"
    r"|\bprice is (?:lower|cheaper)\b"
    # "bought it at 89 and now its 59, can i get that 30 back"
    r"|\b(?:bought|paid|got)\b.{0,15}?[$£€¥]?\d+.{0,40}\bnow\b.{0,12}\d"
)
_DIFFERENCE_BACK = re.compile(
    r"差价|差额|退|补|返(?:点|些|一点)?(?:钱|现)"
    r"|\bdifference\b|\brefund\w*|\bmoney back\b|\bback\b|\bcredit\b|\badjust\w*"
)
# the difference on an exchange ("换大一码要补差价吗") is hers to pay, no price drop
_SWAP = re.compile(r"换|\b(?:exchange|swap|replace\w*)\b")
_PRICE_PROTECTION = re.compile(
    r"价保|保价|价格保护|退差价|返差价|\bprice (?:protection|match(?:ing)?|adjustment|guarantee)\b"
)

_PARCEL = re.compile(r"快递|顺丰|物流|寄|运费|邮费|包裹|丢|坏|声明价值")


_PRICE_GATE = gate(_PRICE_PROTECTION, _PRICE_DROPPED)


def asks_price_difference(text: str) -> bool:
    """The price difference asked back since a price drop, or price protection asked about."""
    lowered = text.lower()
    if _PRICE_GATE.search(lowered) is None:
        return False  # (neither the protection nor a drop can match: ``intents.gate``)
    protection = _PRICE_PROTECTION.search(lowered)
    if protection and not (protection.group() == "保价" and _PARCEL.search(lowered)):
        return True  # (a parcel's 保价 is the courier's insurance: "顺丰能保价吗")
    return (
        _PRICE_DROPPED.search(lowered) is not None
        and _DIFFERENCE_BACK.search(lowered) is not None
        and _SWAP.search(lowered) is None
    )
