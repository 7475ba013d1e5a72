"""Returns, and the jobs customers come to get done about an order that the catalogue's intent
names only by its topic: "这单我要退货" (``returns.return``, whose questions the policy
answers), "改发顺丰" asked as a courier question, "M码太小了" about the order just shown, and
an order number typed alone. The steps are ``bot.flows.returns``, ``bot.flows.orders`` and
``bot.flows.exchange``.

The job filters narrow an intent the catalogue routes elsewhere (they are not intent routes:
when a job's words are not there, the intent's own handler answers as before).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows import start_remedy
from bot.flows.base import Flows
from bot.flows.exchange import ExchangeFlow
from bot.flows.orders import OrderQueryFlow, courier_asked, order_job
from bot.flows.products import ProductFacts, chosen
from bot.flows.returns import ReturnFlow, ReturnRequest, return_invited, wants_a_return
from bot.flows.size import SizeFlow
from bot.keyboards import (
    ConfirmReturnCallback,
    OrderJobCallback,
    OrderPickCallback,
    ResaleCallback,
    ReturnCauseCallback,
    ReturnItemCallback,
    ReturnPartCallback,
    ReturnPhotoCallback,
)
from bot.services import choices, return_photos, topic
from bot.services.conversation import Conversation
from bot.services.orders import lookup
from bot.services.parcels import (
    points_at_a_return,
    record_return_parcel,
    return_number,
    return_parcel,
)
from bot.services.sizes import size_wish
from bus import Bus
from bus.contracts import OrderFound
from intents import Decision, Slots
from intents.garments import names_a_garment
from intents.slots import answered_last4, extract_slots, order_number

# English asks with the verb first ("does it run small", "my girl is 8, would an L fit");
# "the quality is fine, it's just too small" tells.
_QUESTION = re.compile(
    r"[?？吗]|会不会|是不是|大还是(偏)?小|小还是(偏)?大|(^|[,.;!]\s*)(does|do|is|will|would)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(r"改|换|instead|switch|change|差价", re.IGNORECASE)
_ORDER_REFERENCE_NOISE = re.compile(
    r"KF\d{8}|\d{4}|尾号|手机|后四位|订单号?|单号|order|no\.?|last|four|digits|phone|[\s,，。.:：#]",
    re.IGNORECASE,
)


class Job(Filter):
    """A confident match of one of ``intents`` whose text (and chat) ``test`` says is a job to
    do rather than a question about the rules."""

    __slots__ = ("intents", "test")

    def __init__(self, intents: frozenset[str], test: Callable[[str, Conversation], bool]) -> None:
        self.intents = intents
        self.test = test

    def admits(self, decision: Decision | None) -> bool:
        """Its intent matched (``bot.propagation`` asks this first)."""
        return decision is not None and decision.intent in self.intents

    async def __call__(
        self,
        message: Message,
        decision: Decision | None = None,
        conv: Conversation | None = None,
        lead_part: str | None = None,
    ) -> bool:
        if conv is None or not self.admits(decision):
            return False
        # a job asked beside a question leads the turn: its own words say it is one
        # (bot.services.several)
        return self.test(message.text or message.caption or "", conv) or (
            lead_part is not None and self.test(lead_part, conv)
        )


ORDER_TIMES = frozenset({"shipping.dispatch_time", "shipping.delivery_time"})
"""When it ships, when it arrives: with an order number in the message, that order's dates."""
JOB_INTENTS = frozenset({"returns.return", "shipping.courier", "size.fit", *ORDER_TIMES})


class AnyOf(Filter):
    """The message was matched to one of these intents (with any confidence: the job filters
    check the rest)."""

    __slots__ = ("intents",)

    def __init__(self, intents: frozenset[str]) -> None:
        self.intents = intents

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        return decision is not None and decision.intent in self.intents


class ReturnWords(Filter):
    """Not a confident intent, but a return among the engine's choices and the words plainly
    asking to make one ("我想退货 但是忘了订单号")."""

    async def __call__(
        self, message: Message, decision: Decision | None = None, conv: Conversation | None = None
    ) -> bool:
        if decision is None or conv is None or decision.outcome == "accept":
            return False
        considered = {decision.intent, *(c.intent for c in decision.candidates)}
        return "returns.return" in considered and _return_job(message.text or "", conv)


class ChangeWords(Filter):
    """Not a confident intent, but a change of an order's item among the engine's first two
    choices and the words plainly asking for another size instead ("the hoodie I ordered, can
    I get it in L instead": did you mean, before)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is None or decision.outcome == "accept":
            return False
        text = message.text or ""
        first = {decision.intent, *(c.intent for c in decision.candidates[:2])}
        return (
            bool(first & {"order.modify", "returns.exchange"})
            and (decision.slots.size is not None or size_wish(text).said)
            and _CHANGE.search(text) is not None
        )


class FaultRemedy(Filter):
    """Not a confident intent, but a fault told and its remedy asked for in one message
    ("牛仔裤拉链坏了 给我换一条新的吧", "the seam ripped, i want my money back"): the engine torn
    between the quality problem and the exchange or return. The remedy goes to the handler."""

    async def __call__(
        self, message: Message, decision: Decision | None = None
    ) -> bool | dict[str, str]:
        if decision is None or decision.outcome == "accept":
            return False
        text = message.text or ""
        cause = choices.return_cause(text)
        if cause != "quality" and not (cause == "wrong_item" and _two_causes_returned(text)):
            return False
        remedy = choices.remedy_asked(text)
        return {"remedy": remedy} if remedy is not None else False


def _two_causes_returned(text: str) -> bool:
    """ "the tee you sent is the wrong colour and the jeans are too tight, returning both": a
    wrong item beside an item of her own choice, both sent back — a return of two items for
    two causes, not the wrong item's ticket alone."""
    return choices.own_choice_too(text) and choices.remedy_asked(text) == "return"


def _known_order(text: str, conv: Conversation) -> bool:
    return order_number(text) is not None or conv.memory.last_order is not None


def _names_an_order(text: str, conv: Conversation) -> bool:
    """An order number, or "它什么时候发货" / "when will it ship?" pointing back at the order
    the chat was just about (its card or a job on it, a turn or two ago)."""
    if order_number(text) is not None:
        return True
    memory = conv.memory
    about = memory.topic
    return (
        memory.last_order is not None
        and about is not None
        and (about.intent.startswith("order.") or about.intent in ORDER_TIMES)
        and memory.turns - about.turn <= 2
        and choices.points_back(text)
        and not _times_in_general(text)
    )


def _times_in_general(text: str) -> bool:
    """ "how long does it usually take to beijing?" right after her order's card: the shop's
    times (to that region), not her order — the words ask how it goes in general, or name a
    place to send to."""
    return choices.asks_in_general(text) or extract_slots(text).region is not None


class InvitedNumber(Filter):
    """The order number alone (with its last four digits, perhaps), sent a message or two
    after the return rules ended inviting it: the return goes on with that order."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        text = message.text or ""
        return (
            conv is not None
            and return_invited(conv.memory)
            and order_number(text) is not None
            and len(_ORDER_REFERENCE_NOISE.sub("", text)) <= 2
        )


def _return_job(text: str, conv: Conversation) -> bool:
    return wants_a_return(text, conv.memory.last_order is not None)


_WHEN = re.compile(
    r"多久|几天|什么时候|啥时候|到账|\bwhen\b|how long|how soon|arrive", re.IGNORECASE
)


def _remedy_after_fault(text: str, conv: Conversation) -> bool:
    """ "refund please" / "退了吧" a message or three after a fault was told ("my cardigan came
    with a hole" … photo): the faulty item's refund asked for — not where a refund already
    under way is (that order had none), nor the return rules in general."""
    return (
        conv.memory.fault_told is not None
        and conv.memory.with_fault(text) is not None
        and choices.remedy_asked(text) == "return"
        and _WHEN.search(text) is None
        and not points_at_a_return(text)
    )


def _courier_job(text: str, conv: Conversation) -> bool:
    return (
        _known_order(text, conv)
        and courier_asked(text) is not None
        and _CHANGE.search(text) is not None
    )


PARCEL_READINGS: dict[str, frozenset[str]] = {
    # "寄来的是灰色M 我拍的是黑色L": read by its colour and size words
    "wrong_item": frozenset(
        {
            "color.difference",
            "color.real_color",
            "color.options",
            "quality.problem",
            "size.fit",
            "size.chart",
            "size.recommend",
        }
    ),
    # "tracking says returned to sender": read as a return the customer makes
    "returned": frozenset({"returns.return", "returns.address", "returns.postage"}),
}
"""A job about an order's parcel, said in words the engine reads as another topic."""
_PARCEL_READ_AS = frozenset().union(*PARCEL_READINGS.values())


class ParcelJob(Filter):
    """A confident match of a topic that ``PARCEL_READINGS`` says the words of a parcel's job
    (``order_job``) are read as: the job, not the topic's answer."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is None or decision.intent not in _PARCEL_READ_AS:
            return False
        text = message.text or ""
        job = order_job(text)
        if job == "wrong_item" and _two_causes_returned(text):
            return False  # a return of two items for two causes (``FaultRemedy``)
        return job is not None and decision.intent in PARCEL_READINGS.get(job, frozenset())


def _order_in_view(conv: Conversation) -> bool:
    """The chat is about one order right now: its card or a job on it, a turn or two ago."""
    memory = conv.memory
    about = memory.topic
    return memory.order_in_view() is not None or (
        memory.last_order is not None
        and about is not None
        and (about.intent.startswith(("order.", "returns.")) or about.intent in ORDER_TIMES)
        and memory.turns - about.turn <= 2
    )


def _courier_of_order(text: str, conv: Conversation) -> bool:
    """ "哪个快递" / "which courier?" with an order named or in view: that order's courier
    (not the shop's couriers in general, nor a change of courier)."""
    if _CHANGE.search(text) is not None or courier_asked(text) is not None:
        return False  # "能发顺丰吗": SF asked for her order, not which courier it goes with
    if order_number(text) is not None:
        return True
    # "发货一般用什么快递": the shop's couriers, asked as a rule, even under her order's card
    return _order_in_view(conv) and not choices.asks_in_general(text)


def _item_fit_asked(text: str, conv: Conversation) -> bool:
    """ "偏大吗" / "true to size?" asked (no height or weight: those are advice) with an
    order's card or a product in view: about that item."""
    if not (_QUESTION.search(text) or choices.asks_a_question(text)):
        return False
    if extract_slots(text).height_cm is not None:
        return False
    return (
        conv.memory.order_in_view() is not None
        or _product_in_view(conv)
        or names_a_garment(text)  # "is the tshirt true to size?": that product's sizing
    )


def _product_in_view(conv: Conversation) -> bool:
    memory = conv.memory
    current = topic.fresh(memory)
    return (
        memory.product is not None
        and current is not None
        and memory.turns - current.turn <= 2
        and current.intent.startswith(("product", "size.", "color.", "stock", "material"))
    )


def _a_return_made(text: str, conv: Conversation) -> bool:
    """ "就是上次退的那件": an item already returned (its return's state is asked about)."""
    return points_at_a_return(text)


def _fit_complaint(text: str, conv: Conversation) -> bool:
    """ "M码太小了" about the order the chat is about: an exchange, one size up."""
    return (
        conv.memory.last_order is not None
        and size_wish(text).said
        and _QUESTION.search(text) is None
    )


class OrderReference(Filter):
    """An order number typed alone (with its last four digits, perhaps), or with words the
    engine is unsure of between questions about an order ("KF26200341 where is it", "KF…
    什么时候发货"): the customer wants that order. Never a confident intent (those have their
    handler)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        if decision is not None and decision.outcome == "accept":
            return False
        text = message.text or ""
        if order_number(text) is None:
            return False
        if decision is not None and decision.outcome == "clarify":
            # "KF… 尾号… 什么时候发货": unsure between the shop's times and the order's
            return any(
                c.group == "order" or c.intent in ORDER_TIMES for c in decision.candidates[:2]
            )
        return len(_ORDER_REFERENCE_NOISE.sub("", text)) <= 2


def get_routers(jobs: Router | None = None) -> tuple[Router, Router, Router]:
    """(the flow's state and button handlers, the job handlers — before the intents' own —,
    the order reference — after the intents, before "did you mean").

    ``jobs``: the router the job handlers go on; ``bot.handlers`` passes the intents router,
    whose own handlers are checked before its sub-routers (each job filter checks its intent
    first, so a policy question passes them cheaply). By default they get a router of their
    own."""
    flows = Router(name=f"{__name__}.flows")
    flows.message.filter(InState(ReturnRequest))
    if jobs is None:
        jobs = Router(name=f"{__name__}.jobs")
        # One check for the whole router: most turns (policy answers) skip it at once.
        jobs.message.filter(AnyOf(JOB_INTENTS))
    references = Router(name=f"{__name__}.references")

    # -- the return flow -------------------------------------------------------------------------
    @flows.message(ReturnRequest.waiting_for_order, HasText())
    async def on_return_order(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        text = message.text or ""
        if points_at_a_return(text) and order_number(text) is None:
            # "就是上次退的那件" at "which order?": the return already made, not a new one
            await flows.get(ReturnFlow).finish()
            await flows.get(OrderQueryFlow).ask("returns.refund_progress", None, None, text)
            return
        await flows.get(ReturnFlow).number_typed(text, decision)

    @flows.message(ReturnRequest.waiting_for_last4, HasText())
    async def on_return_last4(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).last4_typed(message.text or "", decision)

    # typed instead of pressed: read as the button would be, else asked again
    @flows.message(ReturnRequest.waiting_for_item, HasText())
    async def on_return_item_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).item_typed(message.text or "", decision)

    @flows.message(ReturnRequest.waiting_for_cause, HasText())
    async def on_return_cause_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).cause_typed(message.text or "", decision)

    @flows.message(ReturnRequest.waiting_for_resale, HasText())
    async def on_return_resale_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).resale_typed(message.text or "", decision)

    @flows.message(ReturnRequest.waiting_for_confirm, HasText())
    async def on_return_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).confirm_typed(message.text or "", decision)

    @flows.message(ReturnRequest.waiting_for_part, HasText())
    async def on_return_part_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(ReturnFlow).part_typed(message.text or "", decision)

    @flows.callback_query(OrderPickCallback.filter(F.flow == "r"))
    async def on_return_order_picked(
        query: CallbackQuery, callback_data: OrderPickCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).order_picked(callback_data.order_no)

    @flows.callback_query(ReturnRequest.waiting_for_item, ReturnItemCallback.filter())
    async def on_return_item(
        query: CallbackQuery, callback_data: ReturnItemCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).item_picked(callback_data.item_id)

    @flows.callback_query(ReturnRequest.waiting_for_cause, ReturnCauseCallback.filter())
    async def on_return_cause(
        query: CallbackQuery, callback_data: ReturnCauseCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).cause_picked(callback_data.cause)

    @flows.callback_query(ReturnRequest.waiting_for_resale, ResaleCallback.filter())
    async def on_return_resale(
        query: CallbackQuery, callback_data: ResaleCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).resale_answered(callback_data.fit)

    @flows.callback_query(ReturnRequest.waiting_for_confirm, ConfirmReturnCallback.filter())
    async def on_return_confirm(
        query: CallbackQuery, callback_data: ConfirmReturnCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).confirmed(callback_data.confirm)

    @flows.callback_query(ReturnRequest.waiting_for_part, ReturnPartCallback.filter())
    async def on_return_part(
        query: CallbackQuery, callback_data: ReturnPartCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).part_answered(callback_data.keep)

    @flows.callback_query(OrderJobCallback.filter(F.job == "exchange"))
    async def on_exchange_instead(
        query: CallbackQuery, callback_data: OrderJobCallback, flows: Flows
    ) -> None:
        await flows.get(ExchangeFlow).start_for(callback_data.order_no)

    @flows.callback_query(ReturnPhotoCallback.filter())
    async def on_return_photo_picked(
        query: CallbackQuery, callback_data: ReturnPhotoCallback, conv: Conversation, rpc: Bus
    ) -> None:
        """The return the photo she sent is for, of her several."""
        await return_photos.return_picked(conv, rpc, callback_data.return_no)

    @flows.callback_query(OrderJobCallback.filter(F.job == "return"))
    async def on_return_offered(
        query: CallbackQuery, callback_data: OrderJobCallback, flows: Flows
    ) -> None:
        await flows.get(ReturnFlow).start_for(callback_data.order_no)

    # -- jobs the intent names only by its topic ---------------------------------------------------
    @jobs.message(HasText(), InvitedNumber())
    @references.message(HasText(), InvitedNumber())
    async def handle_invited_number(message: Message, flows: Flows) -> None:
        text = message.text or ""
        slots = Slots(order_no=order_number(text), phone_last4=answered_last4(text))
        await flows.get(ReturnFlow).invited(slots)

    @jobs.message(Job(frozenset({"returns.return"}), _a_return_made))
    async def handle_return_made(message: Message, flows: Flows, decision: Decision) -> None:
        """ "就是上次退的那件" / "the one I returned": that return's state, not a new return."""
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            "returns.refund_progress", slots.order_no, slots.phone_last4, message.text or ""
        )

    @jobs.message(
        Job(frozenset({"returns.refund_progress", "returns.return"}), _remedy_after_fault)
    )
    async def handle_remedy_after_fault(
        message: Message, flows: Flows, conv: Conversation, decision: Decision
    ) -> None:
        """The faulty item's return, with the fault told (it names the item; the shop's fault:
        postage both ways ours, no condition asked). "refund please" after "my cardigan came
        with a hole" + a photo showed the order's card and "no refund on its way", and the
        cardigan was lost."""
        text = message.text or ""
        conv.memory.evidence_for = "quality"
        told = conv.memory.with_fault(text) or text
        await start_remedy(flows, "return", decision.slots, told, sorry=False)

    @jobs.message(Job(frozenset({"returns.return"}), _return_job))
    async def handle_return(
        message: Message, flows: Flows, decision: Decision, lead_part: str | None = None
    ) -> None:
        asked = lead_part or message.text or ""
        # "just give me my money back" beside the complaint's ticket ("the zip on the jeans
        # broke…"): the item and the fault the complaint told
        text = flows.conv.memory.beside_ticket_words(asked)
        if choices.return_cause(text) == "quality":
            # "洗了一次就缩水了 这质量我要退货": a fault, read as the return it asks — the
            # apology first, as for a fault told (the complaint's answer said it already), and
            # a photo sent next is its evidence
            flows.conv.memory.evidence_for = "quality"
            await start_remedy(flows, "return", decision.slots, text, sorry=text == asked)
            return
        if choices.return_cause(text) == "wrong_item":
            # "T恤收到是XL的 我买的是M 直接退钱吧": our mistake, said so before the return
            # (jobs batch 12: the rules, then "why?" asked of what she had told)
            await flows.conv.say(flows.conv.t("returns.sorry_wrong_item"))
        await flows.get(ReturnFlow).start(decision.slots, text)

    @jobs.message(Job(frozenset({"shipping.courier"}), _courier_job))
    async def handle_courier_change(message: Message, flows: Flows, decision: Decision) -> None:
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            "order.modify", slots.order_no, slots.phone_last4, message.text or ""
        )

    @jobs.message(Job(frozenset({"shipping.courier"}), _courier_of_order))
    async def handle_courier_of_order(
        message: Message, flows: Flows, conv: Conversation, decision: Decision
    ) -> None:
        """ "哪个快递" with an order in view: its courier, and the tracking number once it is
        out (it told the shop's default courier, whatever the order said)."""
        text = message.text or ""
        order_no = order_number(text) or conv.memory.last_order
        await flows.get(OrderQueryFlow).courier_of(order_no, decision.slots.phone_last4, text)

    @jobs.message(Job(ORDER_TIMES, _names_an_order))
    async def handle_order_times(message: Message, flows: Flows, decision: Decision) -> None:
        """ "KF26653483 什么时候发货": that order's card, with when it ships or arrives."""
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            "order.status", slots.order_no, slots.phone_last4, message.text or ""
        )

    @jobs.message(ParcelJob())
    # the engine unsure ("ordered jeans in L, the label on the ones that came says M": "did you
    # mean: which size / where is my order?", jobs batch 12): the job all the same
    @references.message(HasText(), ParcelJob())
    async def handle_parcel_job(message: Message, flows: Flows, decision: Decision) -> None:
        """ "寄来的是灰色M 我拍的是黑色L" (not a colour question: the wrong item sent),
        "tracking says returned to sender" (not a return of theirs): the order's job (the flow
        finds the order and opens the ticket)."""
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(
            "order.status", slots.order_no, slots.phone_last4, message.text or ""
        )

    @jobs.message(Job(frozenset({"size.fit"}), _fit_complaint))
    async def handle_fit_complaint(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(ExchangeFlow).start(decision.slots, message.text or "")

    @jobs.message(Job(frozenset({"size.fit"}), _item_fit_asked))
    async def handle_item_fit(
        message: Message, flows: Flows, conv: Conversation, rpc: Bus, decision: Decision
    ) -> None:
        """ "偏大吗" after an order's or a product's card: about that item's size (it was the
        shop's sizing in general)."""
        text = message.text or ""
        items: list[tuple[int, str | None]] = []
        order_no = conv.memory.order_in_view()
        if order_no is not None:
            found = await lookup(rpc, conv, order_no)
            if isinstance(found, OrderFound):
                named = choices.items_mentioned(text, found.order.items) or found.order.items
                items = [(i.product_id, i.size) for i in named]
        if not items and names_a_garment(text):
            # "is the tshirt true to size?" with nothing in view: the product it names
            _query, searched = await flows.get(ProductFacts).named(text, decision.slots)
            product = chosen(searched)
            if product is not None:
                items = [(product.product_id, decision.slots.size)]
        if not items and conv.memory.product is not None and _product_in_view(conv):
            items = [(conv.memory.product.product_id, conv.memory.product.size)]
        if items and await flows.get(SizeFlow).true_to_size(items):
            return
        raise SkipHandler  # the shop's sizing in general, as before

    # -- an order number alone ---------------------------------------------------------------------
    @references.message(HasText(), FaultRemedy())
    async def handle_fault_remedy(
        message: Message, flows: Flows, decision: Decision, remedy: str
    ) -> None:
        """A faulty item's return or new one asked for: made here, the shop's fault (postage
        both ways ours, no condition asked). It asked "did you mean…?" before."""
        await start_remedy(flows, remedy, decision.slots, message.text or "")

    @references.message(HasText(), ReturnWords())
    async def handle_return_words(message: Message, flows: Flows, decision: Decision) -> None:
        """ "我想退货 但是忘了订单号": the engine torn between a return and an order question,
        the words plainly want the return — it starts (its order found as any return's is)."""
        await flows.get(ReturnFlow).start(decision.slots, message.text or "")

    @references.message(HasText(), ChangeWords())
    async def handle_change_words(message: Message, flows: Flows, decision: Decision) -> None:
        """Another size of an item instead, the engine unsure between changing the order and
        exchanging: the exchange starts — an item not shipped yet is changed on its order,
        one that has arrived exchanged (its order found as any exchange's is)."""
        await flows.get(ExchangeFlow).start(decision.slots, message.text or "")

    @references.message(HasText(), OrderReference())
    async def handle_order_reference(message: Message, flows: Flows) -> None:
        text = message.text or ""
        await flows.get(OrderQueryFlow).ask(
            "order.status", order_number(text), answered_last4(text), text
        )

    return flows, jobs, references


def _about_returns(conv: Conversation, raw_state: str | None) -> bool:
    current = topic.fresh(conv.memory)
    return (current is not None and current.intent.startswith("returns.")) or (
        raw_state is not None and raw_state.startswith(("ReturnRequest:", "ExchangeRequest:"))
    )


class ReturnParcel(Filter):
    """ "退货寄回去了 顺丰 SF1234567890": a return's parcel sent back, its tracking number in
    the message (whatever the engine made of it: a return, a refund's progress, an order)."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None, raw_state: str | None = None
    ) -> bool | dict[str, str]:
        text = message.text or ""
        if conv is None or not any(ch.isdigit() for ch in text):
            return False
        number = return_parcel(text, _about_returns(conv, raw_state))
        return {"tracking_no": number} if number is not None else False


def get_parcel_router() -> Router:
    """A return's tracking number (before the flows' typed answers and the intents)."""
    router = Router(name=f"{__name__}.parcels")

    @router.message(HasText(), ReturnParcel())
    async def handle_return_parcel(
        message: Message, conv: Conversation, rpc: Bus, tracking_no: str
    ) -> None:
        """On the customer's own return waiting for it (the one named, or their only one);
        said plainly when there is none or which one is unclear; a customer not verified is
        asked to share their contact first."""
        await record_return_parcel(conv, rpc, tracking_no, return_number(message.text or ""))

    return router
