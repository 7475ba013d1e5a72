"""A question the shop's policy answers: the answer for an intent, filled with what the message
and the chat say (region, body, item kind), opening with the yes or no the policy decides for a
"can I…?" question (``replies.verdicts``), said briefly when given in this chat already."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from bot.services import outcomes
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.orders import lookup, offer_orders, order_mentioned
from bot.services.questions import (
    asks_about_coupons,
    asks_coupon_back,
    asks_for_gift,
    asks_for_gift_wrap,
    couriers_asked,
    dispatch_days_asked,
    item_kind_named,
    payments_asked,
)
from bot.services.repeats import say_answer
from bus import Bus
from bus.contracts import ContactRequired, OrderFound, OrderView
from bus.errors import BusError
from intents import Slots
from intents.buying import asks_about_sales, asks_how_to_order, asks_price_difference
from intents.slots import order_number
from replies.render import OrderAsk
from replies.verdicts import YES_NO_INTENTS
from shop.enums import ItemKind, OrderState
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)

NO_FEEDBACK = frozenset({"greeting.hello", "thanks.bye"})
"""Answers without the "did this help?" buttons."""


async def _said_goodbye_already(conv: Conversation) -> bool:
    """A goodbye after the bot's goodbye ("谢谢", then "拜拜"; or "thanks" again after another
    question): a short one, said here (``True``) — never the long one again, nor "I answered
    this above"; the first goodbye's turn is noted and the full one follows (``False``)."""
    memory = conv.memory
    again = memory.farewell_turn is not None
    memory.farewell_turn = memory.turns
    if again:
        await conv.say(conv.t("thanks.bye_again"))
    return again


KIND_RULES = frozenset({"returns.return", "returns.exchange"})
"""The rules that differ by item kind: a follow-up may ask one for another kind."""


async def answer_from_policy(
    conv: Conversation, intent: str, text: str, slots: Slots, *, order_ask: OrderAsk = "number"
) -> None:
    """Say the policy's answer for ``intent`` to the message ``text`` (its ``slots``);
    ``order_ask``: how an answer asking for the order ends (what follows it)."""
    if intent == "thanks.bye" and await _said_goodbye_already(conv):
        return
    values = slots.model_dump(exclude_none=True)
    region = values.pop("region", None) or conv.memory.region
    kind = item_kind_named(text) if intent in YES_NO_INTENTS else None
    payments = payments_asked(text) if intent == "payment.methods" else frozenset()
    if intent == "payment.methods" and not payments and asks_how_to_order(text):
        # "怎么下单", "can I buy it here?": this chat takes no orders; where and how to order
        await say_answer(conv, "how_to_order", conv.t("how_to_order"), conv.feedback(intent))
        return
    couriers = couriers_asked(text) if intent == "shipping.courier" else frozenset()
    days = dispatch_days_asked(text) if intent == "shipping.dispatch_time" else None
    try:
        answer = conv.replies.answer(
            intent,
            conv.locale,
            region=region,
            item_kind=kind,
            payments=payments,
            couriers=couriers,
            days=days,
            order_ask=order_ask,
            **values,
        )
    except KeyError:
        # The catalogue knows an intent the shop has not written an answer for yet.
        logger.warning("no answer template for intent %s", intent)
        await conv.say(
            conv.t("clarify.offer_human"),
            reply_markup=conv.offer_human("low_confidence"),
        )
        return
    if intent in KIND_RULES:
        conv.memory.rule_asked = (conv.memory.turns, intent, kind)
    markup = None if intent in NO_FEEDBACK else conv.feedback(intent)
    # the same long answer asked again in this chat: briefly, pointing back to it
    decided = intent in YES_NO_INTENTS and (
        conv.replies.verdict(
            intent,
            item_kind=kind,
            region=region,
            payments=payments,
            couriers=couriers,
            days=days,
        )
        is not None
    )
    await say_answer(conv, intent, answer, markup, decided=decided)


async def answer_misfit(conv: Conversation, kind: ItemKind) -> None:
    """ "那尺码不合适怎么办" right after the rule for one kind ("定制的衣服能退吗": no): what
    the policy allows that kind's item that doesn't fit — refunded or not, and the exchange
    for another size (the kind's window, stock, condition, postage) — never a return of
    another item nor size advice."""
    rule = conv.replies.policy.kind_rule(kind)
    key = "returns.misfit.returnable" if rule.return_allowed else "returns.misfit.no_return"
    line = conv.t(key, item=rule.label.get(conv.locale))
    body = conv.replies.answer("returns.exchange", conv.locale, item_kind=kind, order_ask="none")
    conv.memory.rule_asked = (conv.memory.turns, "returns.exchange", kind)
    await conv.say(f"{line}\n{body}", reply_markup=conv.feedback("returns.exchange"))


async def answer_bargain(conv: Conversation, rpc: Bus, policy: ShopPolicy, text: str) -> None:
    """What the policy gives (member tiers, special prices). Asking for a gift opens a ticket
    with that reason at once (only a person may add one) and says its number; any other
    discount is the supervisor's: a button opens a ticket for them (reason ``discount``).
    Nothing is promised that no record backs."""
    if asks_for_gift_wrap(text):
        # a present for someone ("包装成礼物"): nothing in the policy says; a person can tell
        await conv.say(conv.t("bargain.gift_wrap"), reply_markup=conv.offer_human("other"))
        return
    if asks_price_difference(text):
        await answer_price_difference(conv, rpc, policy, text)
        return
    if asks_coupon_back(text):
        # a coupon used on an order cancelled or sent back: the policy says nothing of it —
        # said plainly, a person offered (not the member tiers, which answer nothing here)
        await conv.say(
            conv.t("bargain.coupon_back_unknown"), reply_markup=conv.offer_human("discount")
        )
        return
    coupon = asks_about_coupons(text)
    answer: str = conv.replies.answer("bargain.discount", conv.locale, coupon=coupon)
    unknown = coupon and policy.prices.coupons is None
    sale = not coupon and asks_about_sales(text)
    if unknown:
        # the policy doesn't say: said plainly, never guessed (and a person offered below)
        answer = conv.t("bargain.coupons_unknown") + "\n\n" + answer
    elif sale:
        # "双十一有活动吗": the policy has no calendar of sales — said so, with what it does give
        answer = conv.t("bargain.sales_unknown") + "\n\n" + answer
    if policy.prices.gift_possible and asks_for_gift(text):
        await conv.say(answer)  # the ticket's own words follow: never cut short
        await open_ticket(conv, rpc, reason="gift", intent="bargain.discount")
        return
    if not await say_answer(
        conv, "bargain.discount", answer, decided=coupon and not unknown, reason="discount"
    ):
        return  # asked again: said briefly, with the offer of a person (for the discount)
    await conv.say(
        conv.t(
            "bargain.ask_coupons" if unknown else "bargain.ask_sales" if sale
            else "bargain.ask_supervisor"
        ),
        reply_markup=conv.offer_human("discount"),
    )


# She tells of her own purchase ("刚买就降价了", "i bought it last week"), not only asks the rule.
_BOUGHT = re.compile(
    r"买|拍|付(?:了|完|款)|下(?:了)?单|入手"
    r"|\b(?:bought|ordered|paid|purchased|got (?:it|mine|one))\b",
    re.IGNORECASE,
)


async def _order_of(conv: Conversation, rpc: Bus, text: str) -> str | None:
    """The order a price difference is about: the one she names (its number, or its item
    among her orders: "我前两天买的T恤"), else the chat's; the ticket names it for after-sales,
    who otherwise had to ask which of her orders (and it is kept as the chat's order, so a
    person offered and taken later names it too)."""
    named = order_number(text)
    if named is None:
        try:
            named = await order_mentioned(rpc, conv, text)
        except BusError:
            named = None
    if named is not None:
        conv.memory.last_order = named
    return named or conv.memory.last_order


PRICE_STATES: frozenset[OrderState] = frozenset({"paid", "shipped", "completed"})
"""The orders a price difference can be about: paid ones (before payment the price is
changed on the order itself, DOMAIN)."""


async def answer_price_difference(
    conv: Conversation, rpc: Bus, policy: ShopPolicy, text: str
) -> None:
    """The difference asked back after a price drop ("刚买就降价了 能退差价吗"): the policy's
    plain no (no order needed); otherwise for her order — the one she names, or the chat's, or,
    a verified customer naming none, her only paid order or the one she picks from her list
    (buttons, ``OrderFlow`` "p"): within the policy's days of its payment the yes (a person
    checks and refunds it: a ticket with the order), past them the no (no ticket); the policy
    silent, after-sales decides for the order: never promised, passed to a person with the
    order when she bought, offered when she only asks the rule."""
    days = policy.prices.price_protection_days
    if days == 0:
        await conv.say(conv.t("bargain.price_difference.none"))
        return
    bought = _BOUGHT.search(text) is not None
    order_no = await _order_of(conv, rpc, text)
    if order_no is None and (bought or days is not None) and conv.memory.linked is not False:
        if days is None:
            await conv.say(conv.t("bargain.price_difference.unknown"))
        try:
            found = await offer_orders(conv, rpc, "p", states=PRICE_STATES, text=text)
        except BusError:
            found = None  # (said: the worker is away) — the rule stands as said
        if found is not None:
            conv.memory.last_order = found.order.order_no
            await price_difference_for(conv, rpc, policy, found.order, said_rule=True)
        return
    if order_no is not None and (bought or days is not None):
        try:
            looked = await lookup(rpc, conv, order_no)
        except BusError:
            looked = None
        if isinstance(looked, OrderFound):
            await price_difference_for(conv, rpc, policy, looked.order)
            return
    if days is not None:
        await conv.say(conv.t("bargain.price_difference.days", days=days))
        await open_ticket(conv, rpc, reason="discount", intent="bargain.discount",
                          order_no=order_no)
        return
    await conv.say(conv.t("bargain.price_difference.unknown"))
    if bought:
        await open_ticket(conv, rpc, reason="discount", intent="bargain.discount",
                          order_no=order_no)
        return
    await conv.say(conv.t("bargain.price_difference.ask"),
                   reply_markup=conv.offer_human("discount"))


async def price_difference_for(
    conv: Conversation,
    rpc: Bus,
    policy: ShopPolicy,
    order: OrderView,
    *,
    said_rule: bool = False,
    now: datetime | None = None,
) -> None:
    """The difference for this order, yes or no by the policy first: within its days of the
    payment yes, and a ticket for a person to check and refund it; past them no, nothing
    opened; not paid yet, its price can still change before payment (a person). The policy
    silent: after-sales decides (said, unless ``said_rule``), a ticket with the order."""
    days = policy.prices.price_protection_days
    order_no = order.order_no
    if days is None:
        if not said_rule:
            await conv.say(conv.t("bargain.price_difference.unknown"))
        await open_ticket(conv, rpc, reason="discount", intent="bargain.discount",
                          order_no=order_no)
        return
    if days == 0:
        await conv.say(conv.t("bargain.price_difference.none"))
        return
    if order.paid_at is None:
        await conv.say(conv.t("bargain.price_difference.not_paid", order_no=order_no),
                       reply_markup=conv.offer_human("discount"))
        return
    now = now or datetime.now(UTC)
    paid = conv.replies.format_datetime(order.paid_at, conv.locale)
    if now - order.paid_at > timedelta(days=days):
        await conv.say(conv.t("bargain.price_difference.days_past", order_no=order_no,
                              paid=paid, days=days))
        return
    await conv.say(conv.t("bargain.price_difference.days_within", order_no=order_no,
                          paid=paid, days=days))
    await open_ticket(conv, rpc, reason="discount", intent="bargain.discount", order_no=order_no)


async def price_difference_picked(conv: Conversation, rpc: Bus, order_no: str) -> None:
    """The order she picked from her list for the price difference."""
    conv.memory.last_order = order_no
    found = await lookup(rpc, conv, order_no)
    if isinstance(found, ContactRequired):
        await outcomes.ask_for_contact(conv, found.reason)
        return
    if not isinstance(found, OrderFound):
        await outcomes.explain(conv, found)
        return
    policy = conv.replies.policy
    await price_difference_for(conv, rpc, policy, found.order, said_rule=True)
