"""Order questions (status, refund progress, address change, cancelling, changing items): the
customer's own orders only. The steps are ``bot.flows.orders`` and ``bot.flows.address``."""

from __future__ import annotations

import re

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.address import AddressChange, AddressFlow, address_in, receiver_told
from bot.flows.base import Flows
from bot.flows.orders import (
    ChangeJob,
    OrderChange,
    OrderChangeFlow,
    OrderQuery,
    OrderQueryFlow,
    cancel_asked,
    names_her_item,
    order_job,
    postage_together,
    received_said,
    status_asked,
    waited_too_long,
)
from bot.keyboards import (
    ConfirmAddressCallback,
    ConfirmSizeCallback,
    ItemPickCallback,
    OrderJobCallback,
    OrderPickCallback,
    VariantPickCallback,
)
from bot.routing import IntentRoute
from bot.services import choices
from bot.services.answers import answer_from_policy
from bot.services.choices import asks_a_question
from bot.services.conversation import Conversation
from bot.services.followups import about_the_order_in_view
from bot.services.orders import ORDERS_KNOWN, is_linked, list_orders, lookup, order_mentioned
from bus import Bus
from bus.contracts import OrderFound
from intents import Decision
from intents.garments import names_a_garment
from intents.paying import unpaid_closing_said
from intents.person import person_asked
from shop.regions import canonical_region, region_display_name

_WILL = re.compile(r"\b(will|does|would|do)\b", re.IGNORECASE)


def unpaid_close_asked(text: str) -> bool:
    """Whether an unpaid order is cancelled if it isn't paid ("不付款的话订单会自动取消吗", "if i
    can't pay today will the order get cancelled?"): a question about the rule, not a cancel."""
    return unpaid_closing_said(text) and (
        asks_a_question(text) or _WILL.search(text) is not None
    )


# how long a refund takes as a rule ("退款一般多久到账", "how long do refunds usually take?"),
# not where hers is: nothing of her own named
_REFUNDS_TAKE = re.compile(
    r"\bhow long (?:does|do|will) (?:a |the )?refunds? (?:usually )?take\b", re.IGNORECASE
)
_OWN = re.compile(r"我的|我那|我这|我退|单号|订单|\b(?:my|mine|i returned|i sent)\b|KF\d", re.I)


def refund_time_in_general(text: str) -> bool:
    in_general = choices.asks_in_general(text) or _REFUNDS_TAKE.search(text) is not None
    return in_general and _OWN.search(text) is None


async def province_of_her_order(conv: Conversation, rpc: Bus, text: str) -> str | None:
    """The province a verified customer's order goes to: the order her words name ("昨天那单卫
    衣"), else her latest not yet shipped; ``None`` when she is not verified or has none."""
    if conv.memory.linked is False:
        return None
    orders = await list_orders(rpc, conv, limit=ORDERS_KNOWN)
    if not orders:
        return None
    order_no = await order_mentioned(rpc, conv, text) or next(
        (o.order_no for o in orders if o.state in ("awaiting_payment", "paid")), None
    )
    if order_no is None:
        return None
    found = await lookup(rpc, conv, order_no)
    if not isinstance(found, OrderFound):
        return None
    return canonical_region(found.order.province)


class OrderJobWords(Filter):
    """A job about an order said in words the engine could not place ("it's been ages, can
    you chase it?", "改发顺丰", "显示签收了但我没收到"): not a confident intent (those have
    their handler), but the words name the job."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is not None and decision.outcome == "accept":
            return False
        return order_job(message.text or "") is not None


class NewAddressTold(Filter):
    """A new address, or a new receiver with a phone, told before anything was asked ("receiver
    is Wang Lei, phone 186…", "new address 广东省…"), the engine unsure: an address change, its
    order asked next (it was "did you mean…?", and the address was lost)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is not None and decision.outcome == "accept":
            return False
        text = message.text or ""
        if address_in(text) is not None:
            return True
        name, phone = receiver_told(text)
        return name is not None and phone is not None


_GIVEN_UP = re.compile(r"不要了|不想要了|不买了|\b(?:don'?t|do not) want (?:it|them)\b", re.I)


class CancelWords(Filter):
    """Not a confident intent, but the cancel among the engine's choices and the words plainly
    asking for it ("卫衣那单不要了 取消 钱几天能退回来": the refund's time asked beside it, read
    as a return or a refund's progress; it was "did you mean…?")."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is None or decision.outcome == "accept":
            return False
        text = message.text or ""
        considered = {decision.intent, *(c.intent for c in decision.candidates[:3])}
        return (
            "order.cancel" in considered
            and cancel_asked(text)
            and _GIVEN_UP.search(text) is not None
        )


class WaitAboutOrderInView(Filter):
    """ "怎么这么慢", "why is it so slow" under an order's card (shown a message or two ago),
    the engine unsure: a complaint of that order's wait, not "did you mean…?"."""

    async def __call__(
        self, message: Message, conv: Conversation, decision: Decision | None = None
    ) -> bool:
        if decision is not None and decision.outcome == "accept":
            return False
        return waited_too_long(message.text or "") and conv.memory.order_in_view() is not None


_STATE_ASKED: frozenset[str] = frozenset(
    {"order.status", "shipping.dispatch_time", "shipping.delivery_time"}
)
"""What "is it shipped yet?" is unsure between: where an order is, when it ships, when it comes."""


class StateOfOrderInView(Filter):
    """ "is it shipped yet?" under an order's card, the engine unsure between where the order
    is and when it ships or comes: the order in view's answer (the short one, its card just
    shown), not "did you mean…?" — unless she asks how it goes as a rule."""

    async def __call__(
        self, message: Message, conv: Conversation, decision: Decision | None = None
    ) -> bool:
        if decision is None or decision.outcome != "clarify":
            return False
        text = message.text or ""
        unsure = {c.intent for c in decision.candidates[:2]}
        return (
            "order.status" in unsure
            and unsure <= _STATE_ASKED
            and conv.memory.order_in_view() is not None
            and not choices.asks_in_general(text)
            and order_job(text) is None
        )


_NOT_COME = re.compile(
    r"还没(?:有)?(?:到|收到|来|寄到|送到)|没收到"
    r"|\b(?:has|have)n'?t (?:arrived|come)|\bstill (?:not|hasn'?t|havent|haven'?t) "
    r"(?:here|arrived|come)|\bnot (?:arrived|here) yet\b",
    re.IGNORECASE,
)
"""The item said not to have come yet ("西装外套都快一个月了还没到"): where it is, asked as a
complaint."""


class WhereIsMyItem(Filter):
    """ "where is my down jacket", "那另一单呢 卫衣那个": where her order of a garment named is,
    or her other order, the engine unsure (jobs batch 6: "did you mean…?", and the other order
    asked after one was shown was a size question). Her order is found by the item, among her
    own once she is verified."""

    async def __call__(
        self, message: Message, conv: Conversation, decision: Decision | None = None
    ) -> bool | dict[str, str]:
        if decision is not None and decision.outcome == "accept":
            return False
        text = message.text or ""
        if not names_a_garment(text) and choices.where_is_it(text):
            # "my down jacket", then "sorry got distracted. where is it now?": the item her
            # message before named (jobs batch 10: "I couldn't work out what you need")
            joined = choices.with_item_before(text, conv.memory.said_before())
            if joined != text and conv.memory.card_in_view() is None:
                return {"item_text": joined}
            return False
        if not names_a_garment(text) or person_asked(text):
            # "the coat is taking ages, can i have someone look into it": the person asked for
            return False
        if choices.other_order(text) and conv.memory.last_order is not None:
            return True
        considered = (
            [decision.intent, *(c.intent for c in decision.candidates[:2])]
            if (decision is not None)
            else []
        )
        # "西装外套都快一个月了还没到 你们怎么回事": the engine torn between where it is and a
        # complaint heard "did you mean…?" — where it is (a late parcel is chased at once)
        asked = choices.where_is_it(text) or _NOT_COME.search(text) is not None
        if asked and "order.status" in considered:
            return True
        # "阔腿裤那单怎么样了", "did my puffer jacket ship yet" (read as a fit or quality
        # question), "羽绒服收到了" (her parcel reported come): her order of that item
        return names_her_item(text) and (status_asked(text) or received_said(text))


class FollowUpOnOrderInView(Filter):
    """ "ok那什么时候到", "where is it now?", "still not moving?" right after an order's card
    (whichever path showed it), nothing else named: that order's short answer — not the
    shop's general times, "did you mean…?" or "I didn't get that"
    (``bot.services.followups``)."""

    async def __call__(
        self, message: Message, conv: Conversation, decision: Decision | None = None
    ) -> bool:
        return conv.memory.card_in_view() is not None and about_the_order_in_view(
            message.text or "", decision
        )


class HerItemCame(Filter):
    """ "衬衫收到了 谢谢", "got my down jacket, thanks" from a verified customer: her parcel
    reported come, with thanks (the engine's goodbye, which told her when in-stock items ship):
    glad it came, and the receipt one tap away (``OrderQueryFlow.answer``). Read only when the
    engine heard thanks."""

    async def __call__(
        self, message: Message, conv: Conversation, rpc: Bus, decision: Decision | None = None
    ) -> bool:
        if decision is None or decision.group != "thanks" or conv.memory.linked is False:
            return False
        text = message.text or ""
        # (whether she is verified asked last: a thanks that names no item come asks nothing)
        return received_said(text) and names_her_item(text) and await is_linked(rpc, conv)


def get_in_view_router() -> Router:
    """A short follow-up about the order whose card was just shown, before the intents (which
    would answer "那什么时候到" with the shop's times), and her item reported come with thanks
    (the goodbye): outside any flow."""
    router = Router(name=f"{__name__}.in_view")
    router.message.filter(InState(None), HasText())

    @router.message(HerItemCame())
    async def handle_her_item_came(message: Message, flows: Flows) -> None:
        await flows.get(OrderQueryFlow).ask("order.status", None, None, message.text or "")

    @router.message(FollowUpOnOrderInView())
    async def handle_follow_up_on_order_in_view(
        message: Message, flows: Flows, conv: Conversation
    ) -> None:
        await flows.get(OrderQueryFlow).ask(
            "order.status", conv.memory.card_in_view(), None, message.text or ""
        )

    return router


def get_routers() -> tuple[Router, Router, Router]:
    """(the flow's state and button handlers, the intent handlers, jobs said in words the
    engine could not place — after the intents, before "did you mean"): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(InState(OrderQuery, AddressChange, OrderChange))
    router = Router(name=__name__)

    @flows.message(OrderQuery.waiting_for_order, HasText())
    async def on_order_number(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderQueryFlow).number_typed(message.text or "", decision)

    @flows.message(OrderQuery.waiting_for_last4, HasText())
    async def on_phone_last4(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderQueryFlow).last4_typed(message.text or "", decision)

    @flows.callback_query(OrderPickCallback.filter(F.flow == "q"))
    async def on_order_picked(
        query: CallbackQuery, callback_data: OrderPickCallback, flows: Flows
    ) -> None:
        await flows.get(OrderQueryFlow).picked(callback_data.order_no)

    @flows.message(AddressChange.waiting_for_address, HasText())
    async def on_new_address(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(AddressFlow).address_typed(message.text or "", decision)

    @flows.message(AddressChange.waiting_for_confirm, HasText())
    async def on_address_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(AddressFlow).confirm_typed(message.text or "", decision)

    @flows.callback_query(AddressChange.waiting_for_confirm, ConfirmAddressCallback.filter())
    async def on_address_confirmed(
        query: CallbackQuery, callback_data: ConfirmAddressCallback, flows: Flows
    ) -> None:
        await flows.get(AddressFlow).confirmed(callback_data.confirm)

    # -- changes before shipping, urging -------------------------------------------------------
    @flows.callback_query(OrderChange.waiting_for_item, ItemPickCallback.filter())
    async def on_change_item(
        query: CallbackQuery, callback_data: ItemPickCallback, flows: Flows
    ) -> None:
        await flows.get(OrderChangeFlow).item_picked(callback_data.item_id)

    @flows.message(OrderChange.waiting_for_item, HasText())
    async def on_change_item_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderChangeFlow).item_typed(message.text or "", decision)

    @flows.callback_query(OrderChange.waiting_for_variant, VariantPickCallback.filter())
    async def on_change_variant(
        query: CallbackQuery, callback_data: VariantPickCallback, flows: Flows
    ) -> None:
        await flows.get(OrderChangeFlow).variant_picked(callback_data.size, callback_data.color)

    @flows.message(OrderChange.waiting_for_variant, HasText())
    async def on_change_variant_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderChangeFlow).variant_typed(message.text or "", decision)

    @flows.callback_query(OrderChange.waiting_for_confirm, ConfirmSizeCallback.filter())
    async def on_change_confirmed(
        query: CallbackQuery, callback_data: ConfirmSizeCallback, flows: Flows
    ) -> None:
        await flows.get(OrderChangeFlow).change_confirmed(callback_data.confirm)

    @flows.message(OrderChange.waiting_for_confirm, HasText())
    async def on_change_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderChangeFlow).confirm_typed(message.text or "", decision)

    @flows.callback_query(OrderJobCallback.filter(F.job.in_({"urge", "cancel", "receipt"})))
    async def on_order_job(
        query: CallbackQuery, callback_data: OrderJobCallback, flows: Flows
    ) -> None:
        pressed = callback_data.job
        job: ChangeJob = pressed if pressed in ("urge", "receipt") else "cancel"
        await flows.get(OrderChangeFlow).pressed(job, callback_data.order_no)

    @flows.callback_query(OrderJobCallback.filter(F.job == "keep"))
    async def on_order_kept(query: CallbackQuery, conv: Conversation) -> None:
        await conv.say(conv.t("order.cancel.kept"))

    @router.message(IntentRoute(action="lookup"))
    async def handle_order_question(
        message: Message,
        flows: Flows,
        conv: Conversation,
        rpc: Bus,
        decision: Decision,
        lead_part: str | None = None,
    ) -> None:
        text = message.text or ""
        if decision.intent == "order.cancel" and unpaid_close_asked(text):
            # "if i can't pay today will the order get cancelled?": the policy's answer, not
            # "send me your order number" to cancel it
            hours = conv.replies.policy.orders.unpaid_close_hours
            await conv.say(conv.t("order.unpaid_closes", hours=hours))
            return
        if (
            decision.intent == "returns.refund_progress"
            and decision.slots.order_no is None
            and refund_time_in_general(text)
        ):
            # "how long do refunds usually take?": the shop's times, then where hers is offered
            # (it was only "send me your order number", or "none under way" without the times)
            await answer_from_policy(conv, decision.intent, text, decision.slots)
            return
        if decision.intent == "order.modify" and postage_together(text):
            # "能跟昨天那单一起寄吗 省一份运费": the combine rule (the policy's days within which
            # orders count together), not a change or a note (jobs batch 9) — for the province
            # her order goes to, when she is verified (it asked her province, which the order
            # has)
            slots = decision.slots
            if slots.region is None and conv.memory.region is None:
                province = await province_of_her_order(conv, rpc, text)
                if province is not None:
                    slots = slots.model_copy(update={"region": province})
            await answer_from_policy(conv, "shipping.fee", text, slots)
            region = slots.region or conv.memory.region
            policy = conv.replies.policy
            if region is not None and policy.free_shipping_rule(region).combine_orders_days is None:
                # her province has no combine rule: the question she asked, answered no
                joiner = "、" if conv.locale.startswith("zh") else ", "
                await conv.say(conv.t(
                    "shipping.combine_not_here",
                    region=region_display_name(region, conv.locale),
                    regions=joiner.join(
                        region_display_name(r, conv.locale)
                        for r in policy.free_shipping.jzhw_regions
                    ),
                    days=policy.free_shipping.combine_orders_days,
                ))
            return
        # asked beside a question, the job's own words (bot.services.several): "改地址 另外
        # 发顺丰吗" changes the address and records no courier
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            decision.intent, slots.order_no, slots.phone_last4, lead_part or message.text or ""
        )

    words = Router(name=f"{__name__}.words")

    @words.message(HasText(), OrderJobWords())
    async def handle_order_job_words(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        slots = decision.slots if decision is not None else None
        await flows.get(OrderQueryFlow).ask(
            "order.status",
            slots.order_no if slots else None,
            slots.phone_last4 if slots else None,
            message.text or "",
        )

    @words.message(HasText(), CancelWords())
    async def handle_cancel_words(message: Message, flows: Flows, decision: Decision) -> None:
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            "order.cancel", slots.order_no, slots.phone_last4, message.text or ""
        )

    @words.message(HasText(), NewAddressTold())
    async def handle_new_address_told(message: Message, flows: Flows) -> None:
        await flows.get(OrderQueryFlow).ask("order.change_address", None, None, message.text or "")

    @words.message(HasText(), WhereIsMyItem())
    async def handle_where_is_my_item(
        message: Message, flows: Flows, item_text: str | None = None
    ) -> None:
        text = item_text or message.text or ""
        await flows.get(OrderQueryFlow).ask("order.status", None, None, text)

    @words.message(HasText(), StateOfOrderInView())
    async def handle_state_of_order_in_view(
        message: Message, flows: Flows, conv: Conversation
    ) -> None:
        await flows.get(OrderQueryFlow).ask(
            "order.status", conv.memory.order_in_view(), None, message.text or ""
        )

    @words.message(HasText(), WaitAboutOrderInView())
    async def handle_wait_about_order_in_view(
        message: Message, flows: Flows, conv: Conversation
    ) -> None:
        await flows.get(OrderQueryFlow).ask(
            "order.status", conv.memory.order_in_view(), None, message.text or ""
        )

    return flows, router, words
