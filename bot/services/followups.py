"""A short follow-up about the order whose card was just shown ("ok那什么时候到", "where is it
now?", "still not moving?", "cool, eta?"): with nothing else named, it is about that order —
its short answer (state, courier, the time it is paid, shipped or due by), not the shop's
general times, "did you mean…?" or "I didn't get that".

The shape, not a list of sentences: a card in view (``ChatMemory.card_in_view``), a question
of when, where or how it goes, short, and no other subject — no place, courier, item, size,
price, return or person named, no other order, nothing asked "as a rule" (those keep their own
answers: "发顺丰到新疆一般要几天" is the shop's times)."""

from __future__ import annotations

import re

from bot.flows.orders import order_job
from bot.services import choices
from intents import Decision
from intents.garments import names_a_garment
from intents.person import person_asked
from intents.slots import extract_slots, order_number

# when, where, how long, still not / yet, moving, the time to pay by
_ASKS_STATE = re.compile(
    r"什么时候|啥时候|哪天|几号|几天|多久|多长时间|要等|等多久|到哪|在哪|哪儿|哪里了|到了[吗没]|到没到|能到|会到"
    r"|送到|收到|拿到|发了[吗没]?|发没|发出|寄出|还没[发到动寄]|没动|不动|没更新|没有更新|物流|路上|卡住|最晚|最迟"
    r"|\bwhen\b|\bwhere\b|\beta\b|\bhow long\b|\bhow many (?:more )?days\b|\barriv|\bget here\b"
    r"|\bget (?:it|to me)\b|\bship|\bsent\b|\bsend it\b|\bdispatch|\bmov(?:ing|ed|e)\b|\bstuck\b"
    r"|\bupdates?\b|\btracking\b|\bpay by\b|\b(?:till|until) when\b|\bdeadline\b",
    re.IGNORECASE,
)
# another subject than the order's state: a place or courier, money, a return or exchange,
# a size or colour, the address, cancelling, a product or stock question
_ELSEWHERE = re.compile(
    r"顺丰|\bSF\b|EMS|邮政|中通|圆通|申通|韵达|京东|退|换|钱|价|优惠|券|运费|邮费|包邮|尺码|码|颜色|色|发票|地址|取消|改|"
    r"[省市区县]|香港|澳门|台湾|国外|海外|有货|库存|预售|补货|上新|活动|打折|促销|营业|上班|客服"
    r"|你们.{0,3}在哪|店.{0,2}在哪|实体店"
    r"|\b(?:refunds?|return(?:s|ed)?|exchange|money|price|coupon|postage|fee|cost|size|colou?r"
    r"|invoice|address|cancel|change|stock|restock|pre-?order|abroad|overseas|hong kong|macau"
    r"|taiwan|beijing|shanghai|province|city|sale|discount|open|hours|online|located|based)\b"
    r"|\bwhere (?:are|r) (?:you|u)\b",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z']+")

STATE_INTENTS: frozenset[str] = frozenset(
    {"order.status", "shipping.dispatch_time", "shipping.delivery_time"}
)
"""What such a follow-up reads as, alone: where an order is, when it ships, when it comes."""
_LIGHT: frozenset[str] = frozenset(
    {"other.unknown", "greeting.hello", "thanks.bye", "complaint.general", "payment.methods"}
)
"""Intents a short follow-up's small words lean to ("thx 那现在在哪", "till when can i pay"),
which its question of when or where outweighs: nothing of theirs is asked."""


def short(text: str) -> bool:
    """A follow-up's length: a clause or two, not a story."""
    return len(_CJK.findall(text)) <= 14 and len(_WORD.findall(text)) <= 8


def about_the_order_in_view(text: str, decision: Decision | None) -> bool:
    """Whether ``text``, said with an order's card in view, asks where that order is or when it
    ships, comes or is to be paid — and nothing else (the caller checks the card is in view)."""
    if not text.strip() or not short(text) or _ASKS_STATE.search(text) is None:
        return False
    if _ELSEWHERE.search(text) or names_a_garment(text) or choices.other_order(text):
        return False
    # "发货一般几天", "usually": the shop's times (a rough "大概" is still her order's)
    if choices.asks_in_general(text.replace("大概", "")):
        return False
    if order_number(text) or person_asked(text) or order_job(text) is not None:
        return False  # (the number, a person, a job: their own handlers)
    # its own words' (a decision's slots may carry the topic's: a region asked about before)
    slots = extract_slots(text)
    if slots.region or slots.size or slots.height_cm:
        return False  # ("寄到新疆要几天": the shop's times there)
    if decision is None:
        return True
    if decision.outcome == "accept":
        return decision.intent in STATE_INTENTS or decision.intent in _LIGHT
    return True
