"""Answers from the shop's policy: shipping, size fit, colour, returns, quality, payment,
bargaining (never an invented discount), greetings and goodbyes — and the intents that go
to a person (a real request for one, complaints, quality problems)."""

from __future__ import annotations

import logging
import re
from typing import Any

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot import keyboards
from bot.filters import HasText
from bot.flows import start_remedy
from bot.flows.base import Flows
from bot.flows.orders import OrderQueryFlow
from bot.flows.products import SHEER, ProductFacts
from bot.flows.returns import ReturnFlow
from bot.keyboards import OrderPickCallback
from bot.routing import IntentRoute
from bot.services import choices
from bot.services.answers import (
    answer_bargain,
    answer_from_policy,
    answer_misfit,
    price_difference_picked,
)
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.orders import ORDERS_KNOWN, is_linked, list_orders, lookup, order_mentioned
from bot.services.person import hand_to_person, person_asked
from bot.services.questions import (
    asks_coupon_back,
    asks_for_gift,
    asks_for_gift_wrap,
    kind_follow_up,
    misfit_asked,
)
from bus import Bus
from bus.contracts import OrderFound
from intents import Decision, Slots
from intents.garments import names_a_garment
from intents.paying import payment_failing
from intents.slots import extract_slots
from shop.enums import ItemKind, OrderState, TicketReason
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)

HAS_THE_ITEM = re.compile(
    r"收到|到手|拿到|到货|穿上|洗了|洗过|我买的|买回来|寄来|发来|received|arrived|\bgot\b|came"
    r"|i bought",
    re.I,
)
"""The customer has the item (a colour to photograph in daylight), not asking before buying."""


async def order_terms(
    conv: Conversation, rpc: Bus, policy: ShopPolicy, text: str = ""
) -> str | None:
    """The return/exchange terms of the order the customer means — the one whose item they
    name ("the dress I got"), the chat's, or their latest — by its first item's kind; only for
    an order that has reached them (an unpaid or unshipped one has no such terms yet)."""
    order_no = conv.memory.last_order
    if conv.memory.linked is True:  # (no bus call just to find out)
        orders = await list_orders(rpc, conv, limit=ORDERS_KNOWN) or []
        named = choices.orders_mentioned(text, orders)
        if named:  # the item they name is the one: its order, or none if two have it
            order_no = named[0].order_no if len(named) == 1 else None
        elif order_no is None and orders:
            order_no = orders[0].order_no
    if order_no is None:
        return None
    result = await lookup(rpc, conv, order_no)
    if not isinstance(result, OrderFound) or not result.order.items:
        return None
    if result.order.state not in ("shipped", "completed"):
        return None
    kind = result.order.items[0].kind
    rule = policy.kind_rule(kind)
    return conv.t(
        f"color.order_terms.{kind}",
        order_no=order_no,
        return_days=rule.return_days or 0,
        exchange_hours=rule.exchange_window_hours or 0,
    )


OWN_ORDER_STATES: dict[str, tuple[OrderState, ...]] = {
    "shipping.dispatch_time": ("paid",),
    "shipping.delivery_time": ("paid", "shipped"),
}
"""When an item ships or arrives, asked of an item she has ordered: the orders it may be in."""


async def own_order_timing(
    conv: Conversation, rpc: Bus, flows: Flows, intent: str, text: str
) -> bool:
    """ "阔腿裤啥时候发货" from a verified customer with the wide-leg trousers ordered and not
    shipped: when *her* order ships (its card, its lateness, the chase) — not the shop's
    general dispatch times. ``False`` when it is no item of an order of hers (asked before
    buying), or she is not verified."""
    if not names_a_garment(text) or not await is_linked(rpc, conv):
        return False
    order_no = await order_mentioned(rpc, conv, text, OWN_ORDER_STATES[intent])
    if order_no is None:
        return False
    await flows.get(OrderQueryFlow).ask("order.status", order_no, None, text)
    return True


BARE_PRICE = re.compile(
    r"^\s*(?:(?:and|so|ok|okay|what'?s|what is|the|its|it'?s)\s+)*(?:price|cost)"
    r"(?:\s+(?:of (?:it|this|that|them)|pls|please|plz))*\s*[?？!.。]*\s*$"
    r"|^\s*(?:那|这件|这个|那件|那个|它)?\s*(?:价格|价钱|售价|什么价|啥价|多少钱)(?:一件|多少|是多少|呢|咧)?"
    r"\s*[?？!.。]*\s*$",
    re.I,
)
"""Only what it costs ("price?", "whats the price", "价格呢"), no haggling word: with an item
in view the engine's "bargain" reading of it is the item's price, not the discount speech."""


async def handle_bargain(
    message: Message,
    conv: Conversation,
    rpc: Bus,
    policy: ShopPolicy,
    flows: Flows,
    decision: Decision | None = None,
) -> None:
    text = message.text or ""
    if conv.memory.product is not None and BARE_PRICE.search(text):
        # "price?" after the T-shirt: the T-shirt's price (found in the console, session 19)
        slots = decision.slots if decision is not None else None
        await flows.get(ProductFacts).start(text, slots or Slots(), aspect="price")
        return
    await answer_bargain(conv, rpc, policy, text)


class GiftRequest(Filter):
    """A message the engine could not place that asks for a gift ("can I have a gift with
    it") or gift wrapping: answered as the bargaining question it is (the wrapping: said
    plainly the bot can't arrange it, a person offered)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        return (
            decision is not None
            and decision.outcome != "accept"
            and (asks_for_gift(message.text or "") or asks_for_gift_wrap(message.text or ""))
        )


class CouponBack(Filter):
    """ "取消以后券还能退回来吗" / "do i get the coupon back?": the coupon's question, whatever
    the engine made of it (a return, a cancel, a discount) and whatever waits."""

    async def __call__(self, message: Message) -> bool:
        return asks_coupon_back(message.text or "")


RULE_FOLLOW_UP_TURNS = 2
"""How many messages after a return or exchange rule a bare follow-up still asks about it."""


class RuleForKind(Filter):
    """ "代购的呢" / "and proxy items?" right after a return or exchange rule: that rule for the
    kind named (it was "did you mean…?", or read as the item of a return under way); "那尺码不合适
    怎么办" right after the rule for one kind: what that kind's item that doesn't fit may do (it
    was size advice, or a return of another of her items). Most turns fail the first check."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None
    ) -> bool | dict[str, Any]:
        if conv is None or conv.memory.rule_asked is None:
            return False
        turn, rule, kind_before = conv.memory.rule_asked
        if conv.memory.turns - turn > RULE_FOLLOW_UP_TURNS:
            return False
        text = message.text or ""
        kind = kind_follow_up(text)
        if kind is not None:
            return {"rule": rule, "kind": kind, "misfit": False}
        if kind_before is not None and misfit_asked(text) and not extract_slots(text).height_cm:
            return {"rule": rule, "kind": kind_before, "misfit": True}
        return False


def get_rule_for_kind_router() -> Router:
    """A return or exchange rule asked again for another kind, or for an item that doesn't fit
    (before the flows: a list left waiting after the rule keeps waiting, pointed back to)."""
    router = Router(name=f"{__name__}.rule_for_kind")

    @router.message(HasText(), RuleForKind())
    async def handle_rule_for_kind(
        message: Message,
        conv: Conversation,
        rule: str,
        kind: ItemKind,
        misfit: bool,
        raw_state: str | None = None,
        decision: Decision | None = None,
    ) -> None:
        if raw_state is not None:
            conv.waiting_aside = conv.memory.last_said or 0  # the step waits on, pointed back to
        if misfit:
            await answer_misfit(conv, kind)
            return
        slots = decision.slots if decision is not None else Slots()
        # (the rule in general: no order asked for, nor a list — "那定制款呢" asks the rule)
        await answer_from_policy(conv, rule, message.text or "", slots, order_ask="none")

    return router


def get_coupon_router() -> Router:
    """The coupon used on an order asked back (before the intents and the jobs they start)."""
    router = Router(name=f"{__name__}.coupon_back")
    router.message.register(handle_bargain, CouponBack())
    return router


def get_fallback_router() -> Router:
    """Questions the engine could not place that the policy still answers (before "did you
    mean…?")."""
    router = Router(name=f"{__name__}.fallback")
    router.message.register(handle_bargain, GiftRequest())
    return router


def get_router(router: Router | None = None) -> Router:
    """The policy answers' handlers, on ``router`` when given: ``bot.handlers`` makes them the
    intents router's own handlers (checked before its sub-routers), one router level fewer for
    the most frequent turn."""
    if router is None:
        router = Router(name=__name__)

    @router.callback_query(OrderPickCallback.filter(F.flow == "p"))
    async def on_price_difference_order(
        query: CallbackQuery, callback_data: OrderPickCallback, conv: Conversation, rpc: Bus
    ) -> None:
        """The order a price difference is about, picked from her list."""
        await price_difference_picked(conv, rpc, callback_data.order_no)

    # The most frequent first: every intent has one handler (bot/routing.py), so the order
    # only saves filter checks.
    @router.message(IntentRoute(action="answer"))
    async def handle_policy_question(
        message: Message, conv: Conversation, decision: Decision, flows: Flows, rpc: Bus
    ) -> None:
        if decision.intent == "payment.methods" and payment_failing(message.text or ""):
            # (money taken twice, or for an order still unpaid, went to a person before this:
            # bot.handlers.person's PaymentProblem)
            await conv.say(conv.t("payment.failing"), reply_markup=conv.offer_human("other"))
            return
        if decision.intent == "returns.return":
            returns = flows.get(ReturnFlow)
            if await returns.pushed_back(message.text or ""):
                return  # "为什么不能退 我都没穿" right after a refusal: about that refusal
            if not await returns.own_item_asked(message.text or ""):
                # the rules, then (for a verified customer) the orders they may return
                await returns.rules(message.text or "", decision.slots)
            return  # "牛仔裤太长了能退吗" of a verified customer's jeans: answered by their order
        if decision.intent in OWN_ORDER_STATES and await own_order_timing(
            conv, rpc, flows, decision.intent, message.text or ""
        ):
            return
        await answer_from_policy(conv, decision.intent or "", message.text or "", decision.slots)
        if decision.intent in OWN_ORDER_STATES and names_a_garment(message.text or ""):
            # not verified: the shop's times, and her own order once she is ("阔腿裤啥时候发货"
            # of an order late already got the general times, and after the contact nothing)
            conv.memory.pend(message.text or "")
            await conv.say(
                conv.t("timing.own_order_contact"), reply_markup=keyboards.share_contact(conv.t)
            )

    @router.message(IntentRoute("color.difference", "color.real_color"))
    async def handle_color_difference(
        message: Message,
        conv: Conversation,
        rpc: Bus,
        policy: ShopPolicy,
        decision: Decision,
        flows: Flows,
    ) -> None:
        text = message.text or ""
        if SHEER.search(text):
            # "白色的透不透": the item's fabric, and honestly what its page doesn't record
            await flows.get(ProductFacts).start(text, decision.slots, aspect="sheer")
            return
        parts: list[str] = [conv.replies.answer(decision.intent, conv.locale)]
        if HAS_THE_ITEM.search(text):
            # a photo of the colour only from someone who has the item (not "一样吗" before
            # buying)
            parts.append(conv.t("color.ask_daylight_photo"))
            conv.memory.evidence_for = "color"
        terms = await order_terms(conv, rpc, policy, text)
        if terms:
            parts.append(terms)
        await conv.say("\n\n".join(parts), reply_markup=conv.feedback(decision.intent))

    router.message.register(handle_bargain, IntentRoute("bargain.discount"))

    @router.message(IntentRoute("quality.problem"))
    async def handle_quality_problem(
        message: Message, conv: Conversation, rpc: Bus, decision: Decision, flows: Flows
    ) -> None:
        conv.memory.evidence_for = "quality"
        conv.memory.fault_told = (conv.memory.turns, (message.text or "")[:200])
        asked = person_asked(message.text or "")
        if asked is not None:
            # "裤子有个洞 想找人工处理": the person asked for, not offered — the photos go to
            # the ticket (a call asked for is answered too)
            await conv.say(conv.t("quality.problem_to_person"))
            await hand_to_person(conv, rpc, asked, about="quality.problem", reason="quality")
            return
        text = message.text or ""
        remedy = choices.remedy_asked(text)
        if remedy is not None:
            # "衣服有个洞 给我换一件", "the zip broke, i want a refund": the return or the new
            # one the policy allows for a fault (the shop pays the postage), made here
            await start_remedy(flows, remedy, decision.slots, text)
            return
        await conv.say(
            conv.replies.answer("quality.problem", conv.locale),
            reply_markup=conv.offer_human("quality"),
        )
        if conv.memory.offer is not None:
            conv.memory.offer.about = text[:200]  # for a return or a new one asked instead

    @router.message(IntentRoute("human.agent"))
    async def handle_human_request(
        message: Message, conv: Conversation, rpc: Bus, decision: Decision
    ) -> None:
        # "能给个电话吗": the call asked for is answered too, before the ticket
        await hand_to_person(conv, rpc, person_asked(message.text or "", decision) or "person")

    @router.message(IntentRoute(action="escalate"))
    async def handle_escalation(
        message: Message, conv: Conversation, rpc: Bus, decision: Decision
    ) -> None:
        """A complaint (or any intent the catalogue sends to a person): the shop's answer, then
        a ticket."""
        text: str = conv.replies.answer(decision.intent, conv.locale)
        # the order named in the complaint itself ("什么破店 … KF26200341") or the chat's
        order_no = decision.slots.order_no or conv.memory.last_order
        if order_no:  # the ticket names the order: not asked for again
            without_ask = conv.replies.answer(decision.intent, conv.locale, order_ask="none")
            if without_ask != text:
                text = without_ask + "\n" + conv.t("complaint.order_attached", order_no=order_no)
        await conv.say(text)
        reason: TicketReason = "complaint" if decision.group == "complaint" else "customer_asked"
        await open_ticket(conv, rpc, reason=reason, intent=decision.intent, order_no=order_no)

    return router
