"""The return flow (退货退款): order → item(s) → reason → fit for resale? → the worker's quote
→ confirm → the return record (its RT number, where to send the parcel, who pays the postage,
when the refund comes back).

The worker decides (``returns.quote`` reads, ``returns.create`` writes, with an idempotency key
kept in the draft, so a retry of the same confirmation never opens two returns). A refusal is
said in plain words, every reason, with the exchange or a person offered. Opening the return
takes the order's verified customer: a customer who proved the order by its digits is asked for
their contact at the confirmation, and once it is linked the quote comes back.

The order is the one the customer names, or the one the chat was just about ("KF26200341 5280",
then "这单我要退货"): the bot never asks again for an order it has just shown.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import ClassVar

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.state import State, StatesGroup
from pydantic import Field

from bot import keyboards
from bot.flows.base import OrderDraft, OrderFirstFlow
from bot.keyboards import ResaleCallback, ReturnPartCallback
from bot.services import choices, done, outcomes, return_photos
from bot.services.address_options import options_asked
from bot.services.answers import answer_from_policy
from bot.services.escalation import call_command, idempotency_key, open_ticket
from bot.services.memory import ChatMemory, HeldPhoto
from bot.services.orders import (
    FLOW_STATES,
    LISTED_ONLY_IF,
    ORDERS_KNOWN,
    Keep,
    delivered,
    item_label,
    list_orders,
    lookup,
    order_ask,
    order_mentioned,
)
from bot.services.questions import item_kind_named
from bus.contracts import (
    ContactRequired,
    CreateReturn,
    ExchangeTerms,
    OrderFound,
    OrderView,
    QuoteExchange,
    QuoteReturn,
    ReturnCreated,
    ReturnItemTerms,
    ReturnItemView,
    ReturnLine,
    ReturnPhotoKept,
    ReturnRejected,
    ReturnTerms,
)
from bus.errors import BusError, BusTimeout, BusUnavailable
from intents import Decision, Slots
from intents.garments import names_a_garment
from intents.refused_parcel import refuses_parcel
from intents.slots import order_number
from replies.render import Html
from shop.enums import SELLER_FAULT, ReturnCause

logger = logging.getLogger(__name__)

ARGUED_TURNS = 2
"""How many messages after a refused return an argument with it ("为什么不能退 我都没穿") or
"what can I do then" is about it."""

EXCHANGE_OVER: frozenset[str] = frozenset(
    {"window_expired", "already_exchanged", "custom_no_exchange", "already_returned",
     "order_closed"}
)
"""An exchange quote's reasons that no answer lifts: the exchange is not on offer."""

# "I want to return it" (a job to do) against "can I return…?" / "how do returns work?"
# (a question the shop's policy answers).
_WANT_ZH = re.compile(
    r"(我|我们)?(要|想|想要|申请|帮我|给我|准备)(办理?)?(个|一下)?退(货|款|掉|了|回)?"
    # "把T恤退了", "T恤退掉": told to, as a job (never "衣服退了", what she already did)
    r"|把[^，,。；;\s]{1,12}退(了|掉|回去|货)|[^，,。；;\s]{1,12}退掉"
    # "不想换了 直接退钱吧" (jobs batch 12: the return rules)
    r"|直接退(钱|款|货|掉)|退(钱|款)吧"
)
_WANT_EN = re.compile(
    r"\b(i|we)('d| would)? ?(want|like|need|wanna)( to)? return\b"
    r"|\breturn (this|it|the|my|them|these|those)\b"
    r"|\bstart a return\b|^\s*(pls |please )?return\b(?! (policy|polices|rules))"
    r"|\bsend(ing)? (it|this|them|these|those|that|everything|something|stuff|an item) back\b"
    # "need to send back the jeans", "send the tee back", "i want a refund on the silk shirt i
    # just got" (batch 8: "did you mean…?")
    r"|\b(need|want|wanna|like|have|going) to send (back (the|my)|(the|my) [\w-]+( [\w-]+)? back)\b"
    r"|\b(i|we)('d| would)? ?(want|need|like) (a|my) refund (on|for) (the|my|this|these|those)\b"
    # the money back, asked for now ("just give me my money back", "i want a refund")
    r"|\b(give|send) me (my|the) (money|refund)( back)?\b|\bjust refund me\b"
    r"|\b(i|we) (just )?(want|need) (my money back|a (full )?refund)\b",
    re.IGNORECASE,
)
_QUESTION = re.compile(r"[?？吗]|能不能|可不可以|怎么|如何|\b(can|could|how|do you|is it)\b", re.I)
# "the jeans I got", "我买的裤子": the customer's own item, so "can I return them?" is about it
_MINE = re.compile(
    r"我(买|收到|拿到|下单|拍)的|收到的|\bmy\b|\bi (got|bought|received|ordered)\b"
    # "牛仔裤不想要了能退吗": only an item she has can be unwanted
    r"|不想要了|不要了|买错了|\bdon'?t (want|need) (it|them) any ?more\b|changed my mind",
    re.I,
)
# "就退裤子", "那退T恤吧" with an order in view: the return said as an order, not asked
_DO_IT_ZH = re.compile(r"^(就|那就|那|还是|直接|帮我|给我)?退(掉|了)?[\u4e00-\u9fffA-Za-z]")
# "就退裤子", "只退T恤", "just the jeans", "only return the tee": which item, said again mid-way
_NAMES_THE_RETURN = re.compile(
    r"^(?:(?:算了|嗯|哦|好吧|不|那)[\s，,]*)?(?:(就|只|只要|那就|那|还是|我就|我只|我只要)?退"
    r"|(就|只|只要)(要|是)?[\u4e00-\u9fffA-Za-z])"
    r"|^(just|only)\b|\b(just|only) (return|send back|the|my)\b|^return (only )?(the|my)\b",
    re.IGNORECASE,
)
_SUPPOSED = re.compile(r"如果|要是|假如|万一|的话|\b(if|in case|suppose)\b", re.I)
_ASKS_ZH = re.compile(r"几|多久|多少|什么|啥|哪|吗|呢|么|[?？]|怎么|能不能|可不可以")
_THIS_ORDER = re.compile(r"这单|这个订单|这件|那单|刚才|this order|this one|\bit\b", re.I)
# "what's your return policy if it doesn't fit", "退货规则是什么": the rules asked for by name
_RULES = re.compile(r"\bpolic(y|ies)\b|\brules?\b|政策|规定|规则|须知", re.I)
BLOCKING = frozenset(
    {
        "order_not_paid",
        "not_delivered_yet",
        "order_closed",
        "already_returned",
        "already_exchanged",
        "quantity_too_large",
        "item_not_in_order",
    }
)
"""Reasons no cause can lift: said before the customer is asked anything more."""


def her_own_item(text: str) -> bool:
    """ "the jeans I got", "我买的裤子", "不想要了": the words speak of an item she has."""
    return _MINE.search(text) is not None


def wants_a_return(text: str, order_known: bool) -> bool:
    """A return to make now, rather than a question about the rules: the customer says they
    want to return (not "can I…?"), or names an order, or points at the order the chat is
    about ("这单能退吗" with an order shown) — unless they ask for the rules by name ("what's
    your return policy if it doesn't fit")."""
    if order_number(text) is not None:
        return True
    if _RULES.search(text):
        return False
    if order_known and _THIS_ORDER.search(text):
        return True
    if order_known and _DO_IT_ZH.match(text.strip()) and not _ASKS_ZH.search(text):
        return True
    asked = _QUESTION.search(text) is not None
    if asked:
        # "我买的牛仔裤能退吗" / "the jeans I got, can I return them?": about their own item —
        # its order answers it (the flow says yes or why not)
        return _MINE.search(text) is not None
    return bool(_WANT_ZH.search(text) or _WANT_EN.search(text))


INVITED_TURNS = 2
"""How many messages after the return rules' invitation its order number still answers it."""


def return_invited(memory: ChatMemory) -> bool:
    """The return rules invited the order number a message or two ago (``ChatMemory``)."""
    turn = memory.return_invited
    return turn is not None and memory.turns - turn <= INVITED_TURNS


# how a return is getting on, asked ("退货进度怎么样了", "how is my return going?")
_PROGRESS = re.compile(
    r"进度|进展|怎么样了|咋样了|到哪(?:一步|了)|办好了[吗没]|\bhow(?:'s| is| are)\b.{0,20}\bgoing\b"
    r"|\b(?:status|progress)\b|\bany news\b",
    re.IGNORECASE,
)
# the return insisted on, no exchange wanted: "不换了 就退", "还是退吧", "no, just a refund please"
_RETURN_KEPT = re.compile(
    r"不(?:用|要|想)?换了?|(?:就|还是|直接|只)退(?:货|款)?(?:吧|了|就行|就好)?|只要退款"
    r"|\bjust (?:a )?(?:refund|return)|\b(?:no|don'?t want an?) exchange\b"
    r"|\brather (?:return|refund)\b|\brefund (?:it|please|me)\b",
    re.IGNORECASE,
)



ANOTHER_MEANT = re.compile(
    r"\bi? ?meant\b|\bi mean\b|\b(?:my )?(?:other|another|the other) order\b"
    r"|另一[单个]|别的(?:单|订单)|说错|搞错|弄错|不是这[个件条单]|其实是",
    re.IGNORECASE,
)
"""Words that say the item named is not the one the return is of ("oh sorry i meant the jeans
from my other order"): gates the look at her other orders at "why?"."""


class ReturnRequest(StatesGroup):
    waiting_for_order = State()
    waiting_for_last4 = State()
    waiting_for_item = State()
    waiting_for_cause = State()
    waiting_for_resale = State()
    waiting_for_confirm = State()
    waiting_for_part = State()


class ReturnDraft(OrderDraft):
    item_ids: list[int] = Field(default_factory=list)
    items_title: str = ""
    item_names: dict[int, str] = Field(default_factory=dict)
    """Each item's name as the chat shows it (the quote names them by their causes)."""
    cause: ReturnCause | None = None
    causes: dict[int, ReturnCause] = Field(default_factory=dict)
    """Each item's own cause, when they differ ("裤子小了 衬衫开线了"); empty: ``cause`` is
    every item's (the common case)."""
    fit_for_resale: bool = True
    note: str = ""
    """The customer's own words when they asked (kept on the return's remark)."""
    key: str | None = None
    confirmed: bool = False
    """Confirmed, and the contact asked for to make it: once shared, it is made."""
    """The idempotency key of the confirmation (set when the quote is shown)."""
    asked: bool = False
    """Asked as a question ("能退吗？"): the answer opens with the yes, once the order says it."""
    refused_first: bool = False
    """Refused before any reason was asked (custom-made, proxy, the window passed): a fault
    told next still lifts it; anything else is not an answer to wait for."""
    photos: list[HeldPhoto] = Field(default_factory=list)
    """Photos she sent before confirming: they go on the return as it is made."""
    part: list[int] = Field(default_factory=list)
    """The items that may go back, offered alone when the others of the return may not."""
    part_at_quote: bool = False
    """The part was offered at the quote (her items' condition answered already)."""

    def lines(self) -> list[ReturnLine]:
        return [
            ReturnLine(item_id=item_id, cause=self.causes.get(item_id))
            for item_id in self.item_ids
        ]


PHOTOS_HELD = 10
"""Photos held for a return not confirmed yet (the newest kept)."""

_BY_KIND = frozenset({"custom_no_return", "proxy_no_return", "regular_no_return"})
"""Refusals by the item's kind (however new the item is)."""

ORDER_REASONS = frozenset({"order_not_paid", "not_delivered_yet", "order_closed"})
"""Reasons of the whole order: no item of it goes back, and none is offered alone."""


def split_terms(terms: ReturnTerms) -> tuple[list[int], list[int], list[str]] | None:
    """(the items that may go back, the items that may not, the reasons of those) when the
    worker refused only some of the items; ``None`` when every item goes back, none does, or
    the order itself is refused."""
    good = [i.item_id for i in terms.items if i.eligible]
    bad = [i for i in terms.items if not i.eligible]
    if not good or not bad or set(terms.reasons) & ORDER_REASONS:
        return None
    reasons: list[str] = []
    for item in bad:
        reasons.extend(r for r in item.reasons if r not in reasons)
    return good, [i.item_id for i in bad], reasons


def split_blocked(terms: ReturnTerms) -> tuple[list[int], list[int], list[str]] | None:
    """(the items no reason of ``BLOCKING`` stops, the items one does, those reasons) when only
    some items have such a reason (the jeans already on a return, the tee not); ``None`` when
    every item has one, none does, or the order itself is refused."""
    blocked = [i for i in terms.items if set(i.reasons) & BLOCKING]
    free = [i.item_id for i in terms.items if not set(i.reasons) & BLOCKING]
    if not blocked or not free or set(terms.reasons) & ORDER_REASONS:
        return None
    reasons: list[str] = []
    for item in blocked:
        reasons.extend(r for r in item.reasons if r in BLOCKING and r not in reasons)
    return free, [i.item_id for i in blocked], reasons


class ReturnFlow(OrderFirstFlow[ReturnDraft]):
    states = ReturnRequest
    keeps_waiting = True
    job_kind = "return"
    listed = "r"
    confirm_button = "button.confirm_return"
    about_the_job: ClassVar[dict[str, str]] = {"returns.refund_progress": "returns.refund_not_yet"}

    def about(self, decision: Decision, text: str) -> str | None:
        """As the flow's, and "退货进度怎么样了", "how is my return going?" in the middle of it
        (the engine hears a return asked for): this return's own state — not made yet. The
        return rules were said and the item she had named asked again (console tryout 22)."""
        said = super().about(decision, text)
        if said is None and decision.intent == "returns.return" and _PROGRESS.search(text):
            return self.conv.t("returns.refund_not_yet")
        return said

    async def draft(self) -> ReturnDraft:
        return await self.load(ReturnDraft)

    async def start(self, slots: Slots, text: str = "") -> None:
        """ "这单我要退货": the order named, or the one the chat is about, or ask for it."""
        await self.finish()
        memory = self.conv.memory
        # "收到的T恤有个洞" … photos … "想退货": the fault's item and reason go with it
        told = memory.with_fault(text)
        if told is None:
            # "牛仔裤收到了 腰那里大了一圈", then "这个能退吗": the item her message before named
            before = choices.with_item_before(text, memory.said_before())
            told = before if before != text else None
        draft = ReturnDraft(
            note=(told or text.strip())[:200], asked=_QUESTION.search(text) is not None
        )
        # The order the chat was about, unless a linked customer may mean another of theirs
        # ("I want to return something"): they pick from their list.
        implied = (
            memory.last_order if memory.linked is not True or choices.points_back(text) else None
        )
        said = told or text  # (the fault's item picks its order)
        if slots.order_no is None and await self.named_apart(draft, said):
            return
        order_no = slots.order_no or await order_mentioned(self.rpc, self.conv, said) or implied
        if order_no is not None:
            await self.open_order(draft, order_no, slots.phone_last4)
            return
        await self.offer_own_orders(draft, said)

    async def named_apart(self, draft: ReturnDraft, said: str) -> bool:
        """ "T恤和那件真丝衬衫两件都想退" — items of two of her orders, only one of which may go
        back (the silk shirt custom-made, its own order): why the other may not, said at once
        with what would lift it, and the return of the one that may goes on (the best-named
        item's order was taken alone — the refusal, and the T-shirt forgotten). ``False``:
        the chat is not verified, or the items are not so (one order, or none of them or
        both may go back: the list, as before). Only on a return's start (one look at her
        orders, and one quote of the other)."""
        conv = self.conv
        if conv.memory.linked is False or not said.strip():
            return False
        try:
            orders = await list_orders(self.rpc, conv, limit=ORDERS_KNOWN) or []
        except BusError:
            return False
        reached = [o for o in orders if o.state in FLOW_STATES[self.listed]]
        named = choices.orders_mentioned(said, reached, every=True)
        if len(named) < 2:
            return False
        still = LISTED_ONLY_IF["r"]
        may = [o for o in named if still(o)]
        if len(may) != 1:
            return False
        for other in (o for o in named if o is not may[0]):
            if not await self._say_why_not(other.order_no, said):
                return False
        # her "both" spans the two orders: of this one, only the items she named go back (the
        # order's other items were taken for "两件都" — the jeans beside the tee she named)
        found = await lookup(self.rpc, conv, may[0].order_no)
        if isinstance(found, OrderFound):
            order = found.order
            open_items = [i for i in order.items if not i.returned and not i.exchanged]
            items = choices.items_mentioned(said, open_items, every=True)
            if items:
                draft.order_no = order.order_no
                await self.with_items(draft, order, [i.item_id for i in items])
                return True
        await self.open_order(draft, may[0].order_no, None)
        return True

    async def _say_why_not(self, order_no: str, said: str) -> bool:
        """The items ``said`` names of this order, and the worker's reasons they can't go back
        (a fault told would lift a kind's rule: said so). ``False`` when that can't be told."""
        conv = self.conv
        try:
            found = await lookup(self.rpc, conv, order_no)
            if not isinstance(found, OrderFound):
                return False
            items = choices.items_mentioned(said, found.order.items, every=True)
            if not items:
                return False
            reply = await self.rpc.call(
                QuoteReturn(
                    order_no=order_no,
                    telegram_user_id=conv.user_id,
                    phone_last4=conv.memory.proof_for(order_no),
                    items=[ReturnLine(item_id=i.item_id) for i in items],
                    cause="changed_mind",
                    fit_for_resale=True,
                )
            )
        except BusError:
            return False
        if not isinstance(reply, ReturnTerms) or reply.eligible or not reply.reasons:
            return False
        names = self._join(item_label(conv, i, brackets=True) for i in items)
        what = Html(conv.t("returns.refused_items", order_no=order_no, items=names))
        text: str = conv.replies.return_refused(list(reply.reasons), conv.locale, what=what)
        if set(reply.reasons) <= _BY_KIND | {"window_expired"}:
            text += "\n" + conv.t("returns.fault_still_taken")
        await conv.say(text)
        return True

    async def rules(self, text: str, slots: Slots) -> None:
        """ "怎么退货", "定制的能退吗": the policy's rules, ending as what follows does — for a
        verified customer their orders that can be returned, to pick and go on (the only one
        taken at once), for others the order number to send."""
        kind = item_kind_named(text)
        ending = await order_ask(self.conv, self.rpc, self.listed, text=text)
        if (
            ending == "none"
            and kind is not None
            and self.conv.replies.verdict("returns.return", item_kind=kind) == "no"
            and choices.return_cause(text) not in SELLER_FAULT
        ):
            # "定制的衣服能退吗": no, for that kind — and no return started on the one order
            # that would be taken at once (her only returnable one, a T-shirt: "which item from
            # KF… to return?"). With a fault told ("定制的真丝衬衫袖子开线了 能退吗") the fault
            # lifts the rule, and with her orders to pick or a number to send the return goes
            # on as asked (jobs batches 2 and 6: she picks the custom or proxy item's order)
            await answer_from_policy(self.conv, "returns.return", text, slots, order_ask="none")
            return
        await answer_from_policy(self.conv, "returns.return", text, slots, order_ask=ending)
        # "牛仔裤才穿一次裤脚就开线了" … photo … "直接退货退款吧": the fault's item and reason go
        # with it (the return asked which item, and why, of what she had just told)
        said = (self.conv.memory.with_fault(text) or text).strip()[:200]
        if ending == "number":
            # the answer's last line invites the order number: it goes on with the return,
            # with the item and reason said here ("return tshirt pls" asked which item again)
            self.conv.memory.return_invited = self.conv.memory.turns
            self.conv.memory.return_note = said
            return
        await self.offer_own_orders(ReturnDraft(note=said, asked=True), said)

    async def own_item_asked(self, text: str) -> bool:
        """ "牛仔裤太长了能退吗" from a verified customer, without "我买的": the item named is in
        exactly one of their orders that has reached them, so it is theirs — answered by that
        order (the yes, or the refusal its terms give), as "我买的牛仔裤…" is. ``False`` — the
        policy's rules answer — when the chat is not verified or the item is in none or two
        of them (or the worker can't be asked now)."""
        if self.conv.memory.linked is False:
            return False
        try:
            order_no = await order_mentioned(self.rpc, self.conv, text, FLOW_STATES[self.listed])
        except (BusUnavailable, BusTimeout):
            return False  # the rules still answer: an order job will say the worker is away
        if order_no is None:
            return False
        await self.start(Slots(order_no=order_no), text)
        return True

    def list_keep(self, draft: ReturnDraft) -> Keep | None:
        # a fault told lifts the window and the kind's refusal
        return delivered if choices.return_cause(draft.note) in SELLER_FAULT else None

    async def invited(self, slots: Slots) -> None:
        """The order number (or the contact) the return rules' last line asked for: what this
        order allows, as "能退吗？" about it is answered (the yes first, or why not); for a
        verified customer without a number, their orders that can go back."""
        self.conv.memory.return_invited = None
        said = self.conv.memory.return_note
        # "can I return a dress if it doesn't fit?": the dress picks the item, but the reason
        # is a case asked about, not hers — asked as usual
        draft = (
            ReturnDraft(asked=True, picked_by=said[:100])
            if _SUPPOSED.search(said)
            else ReturnDraft(asked=True, note=said)
        )
        if slots.order_no is not None:
            await self.finish()
            await self.open_order(draft, slots.order_no, slots.phone_last4)
            return
        # the item named in the request picks its order ("阔腿裤不要了 退款吧")
        await self.offer_own_orders(draft, f"{draft.note} {draft.picked_by}", ask_contact=False)

    async def number_typed(self, text: str, decision: Decision | None) -> None:
        """ "牛仔裤 腰太大了", "the jeans" at "which order?": the item (and a reason said with it)
        kept for when the order comes — never a question of its own answered instead (the fit
        answer, and then "which item?" asked again of what she had said)."""
        if (
            order_number(text) is None
            and names_a_garment(text)
            and not choices.asks_a_question(text)
        ):
            draft = await self.draft()
            draft.note = f"{draft.note} {text.strip()}".strip()[:200]
            await self.keep(draft)
            decision = None  # (the order asked again, unless the item names one of hers)
        await super().number_typed(text, decision)

    async def start_for(self, order_no: str, last4: str | None = None) -> None:
        """A return offered by a button about one order (or another order named mid-job,
        ``last4`` typed with it)."""
        await self.finish()
        await self.open_order(ReturnDraft(), order_no, last4)

    async def exchange_instead(self, text: str) -> None:
        """ "还是换吧" / "actually exchange it" during the return: the exchange of the same
        item (of the same order), the return dropped."""
        from bot.flows.exchange import ExchangeFlow  # exchange uses this module's neighbours

        draft = await self.draft()
        item_id = draft.item_ids[0] if len(draft.item_ids) == 1 else None
        await self.conv.say(self.conv.t("job.switch.exchange"))
        await ExchangeFlow(self.conv, self.rpc, self.state).instead_of_return(
            draft.order_no, item_id, text
        )

    async def with_order(self, draft: ReturnDraft, order: OrderView) -> None:
        """The order is known: pick the item(s), or take the only one."""
        draft.order_no = order.order_no
        candidates = [i for i in order.items if not i.returned and not i.exchanged]
        candidates = candidates or list(order.items)
        said = f"{draft.note} {draft.picked_by}"
        named = choices.items_meant(said, candidates)
        told_apart = choices.causes_per_item(said, candidates)
        if told_apart:
            # "裤子小了 衬衫开线了": the items she gave a cause each go back, each for its own
            await self.with_items(draft, order, list(told_apart))
            return
        if len(candidates) > 1 and choices.every_one_meant(said):
            # "T恤和牛仔裤都不合适 想全部退掉": every item named, or every item (only the
            # best named one was taken)
            every = choices.items_mentioned(said, candidates, every=True)
            await self.with_items(
                draft, order, [i.item_id for i in (every if len(every) > 1 else candidates)]
            )
            return
        if len(candidates) == 1 or len(named) == 1:
            # the only one, or the one the request named ("牛仔裤想退")
            await self.with_items(draft, order, [(named or candidates)[0].item_id])
            return
        await self.wait(ReturnRequest.waiting_for_item, draft)
        await self.conv.say(
            self.conv.t("returns.choose_item", order_no=order.order_no),
            reply_markup=keyboards.return_items(
                self.conv.t,
                ((i.item_id, item_label(self.conv, i)[:60]) for i in candidates),
            ),
        )

    async def item_picked(self, item_id: int) -> None:
        """``item_id`` 0: every item that can go back."""
        draft = await self.draft()
        order = await self.drafted_order(draft)
        if order is None:
            return
        items = [i for i in order.items if not i.returned and not i.exchanged]
        ids = [i.item_id for i in items] if item_id == 0 else [item_id]
        await self.with_items(draft, order, ids or [item_id])

    async def with_items(self, draft: ReturnDraft, order: OrderView, item_ids: list[int]) -> None:
        """What can't be lifted by any reason is said at once; otherwise, why?"""
        names = {i.item_id: item_label(self.conv, i, brackets=True) for i in order.items}
        draft.item_ids = item_ids
        draft.item_names = {i: names[i] for i in item_ids if i in names}
        draft.items_title = self._join(names.get(i, "") for i in item_ids if i in names)
        draft.causes = {}
        terms = await self.ask_quote(draft, cause="changed_mind", fit=True)
        if terms is None:
            return
        blocking = [r for r in terms.reasons if r in BLOCKING]
        if blocking:
            # one item of two already on a return (or exchanged): that one said, the other
            # offered — the whole return was refused for it
            split = split_blocked(terms) if len(item_ids) > 1 else None
            if split is None or not await self.offer_part(draft, terms, at_quote=False,
                                                          split=split):
                await self.refuse(draft, terms, blocking, order=order)
            return
        in_return = [i for i in order.items if i.item_id in item_ids]
        told_apart = choices.causes_per_item(draft.note, in_return)
        if len(told_apart) == len(item_ids):
            # "裤子小了 衬衫开线了 都想退": a cause each, told already (read as one cause, the
            # shop's fault came first and was taken for both)
            await self.wait(ReturnRequest.waiting_for_cause, draft)
            await self.causes_picked(told_apart, told=True)
            return
        said = choices.return_cause(draft.note)
        if said is None and not terms.eligible and terms.reasons and split_terms(terms) is None:
            # custom-made, proxy, the window passed: no reason but a fault can lift it — said
            # first and plainly, not after "why are you returning it?" as if it might go. Only
            # some of the items so ("两件都想退", one custom-made): why is asked of all as usual
            # — a fault lifts the rule, her own reason offers the others alone (cause_picked);
            # the whole return was refused before the reason was asked
            draft.refused_first = True
            await self.wait(ReturnRequest.waiting_for_cause, draft)
            await self.refuse(draft, terms, terms.reasons, fault_lifts=True)
            return
        await self.wait(ReturnRequest.waiting_for_cause, draft)
        if said is not None:  # "太长了能退吗": the reason is told already
            await self.cause_picked(said, told=True)
            return
        question = self.conv.t("returns.ask_cause", items=draft.items_title)
        if len(item_ids) > 1:
            question += self.conv.t("returns.ask_cause_each")
        if draft.asked and not terms.reasons:
            # "能退吗？": yes — for any reason, as the worker's terms say
            question = self.conv.t("returns.yes_it_can") + "\n" + question
            draft.asked = False
            await self.keep(draft)
        await self.conv.say(question, reply_markup=keyboards.return_causes(self.conv.t))

    async def cause_picked(self, cause: ReturnCause, *, told: bool = False) -> None:
        """``told``: the reason came with the request ("the jeans are too long, I want to send
        them back"), so nothing has named the item and order the return is about yet: the
        next question does."""
        draft = await self.draft()
        draft.cause = cause
        draft.causes = {}  # one cause, every item's
        if cause in SELLER_FAULT:
            # The shop's fault: the condition of the item is not asked (it is checked on
            # arrival); the quote at once.
            draft.fit_for_resale = True
            await self.quote(draft)
            return
        terms = await self.ask_quote(draft, cause=cause, fit=True)
        if terms is None:
            return
        if not terms.eligible and draft.refused_first:
            # the reason told after the refusal, and no fault: the refusal and its options are
            # just above — said once (it was said again in full); a fault told next still
            # lifts it
            await self.keep(draft)
            await self.conv.say(self.conv.t("returns.refused_reason_no_change"))
            return
        if not terms.eligible:
            if not await self.offer_part(draft, terms, at_quote=False):
                await self.refuse(draft, terms, terms.reasons)
            return
        question = self.conv.t("returns.fit_question")
        if draft.asked:  # "能退吗？" with the reason in it: yes, for this reason
            said = self.conv.t("returns.yes_for_this_reason", items=draft.items_title)
            question = said + "\n" + question
            draft.asked = False
        elif told:
            taken = self.conv.t("returns.taking", items=draft.items_title, order_no=draft.order_no)
            question = taken + "\n" + question
        await self.wait(ReturnRequest.waiting_for_resale, draft)
        await self.conv.say(
            question,
            reply_markup=keyboards.yes_no(self.conv.t, lambda fit: ResaleCallback(fit=fit)),
        )

    async def causes_picked(self, causes: dict[int, ReturnCause], *, told: bool = False) -> None:
        """Each item its own cause (the trousers too small, the shirt's seam open): the shop's
        items need no answer about their condition, hers are asked about (named); every item
        the shop's fault, the quote at once."""
        draft = await self.draft()
        draft.causes = {i: causes[i] for i in draft.item_ids if i in causes}
        draft.cause = draft.causes[draft.item_ids[0]]
        hers = [i for i in draft.item_ids if draft.causes[i] not in SELLER_FAULT]
        if not hers:
            draft.fit_for_resale = True
            await self.quote(draft)
            return
        terms = await self.ask_quote(draft, cause=draft.cause, fit=True)
        if terms is None:
            return
        if not terms.eligible:
            if not await self.offer_part(draft, terms, at_quote=False):
                await self.refuse(draft, terms, terms.reasons)
            return
        question = self.conv.t("returns.fit_question_for", items=self._named(draft, hers))
        if told:
            taken = self.conv.t(
                "returns.taking", items=self._with_causes(draft), order_no=draft.order_no
            )
            question = taken + "\n" + question
        await self.wait(ReturnRequest.waiting_for_resale, draft)
        await self.conv.say(
            question,
            reply_markup=keyboards.yes_no(self.conv.t, lambda fit: ResaleCallback(fit=fit)),
        )

    async def causes_typed(self, text: str) -> bool:
        """ "裤子小了，衬衫开线了" to "why?" with several items: a cause each (``False``: one
        cause for all, or none — read as before)."""
        draft = await self.draft()
        if len(draft.item_ids) < 2 or draft.order_no is None:
            return False
        order = await self.drafted_order(draft)
        if order is None:
            return True  # the step ended (said, or paused for the contact)
        in_return = [i for i in order.items if i.item_id in draft.item_ids]
        told_apart = choices.causes_per_item(text, in_return)
        if len(told_apart) != len(draft.item_ids):
            return False
        # each item said back with the cause taken for it: a misread one is seen at once
        await self.causes_picked(told_apart, told=True)
        return True

    def _postage_split(
        self, draft: ReturnDraft, items: Sequence[ReturnItemTerms | ReturnItemView]
    ) -> tuple[str, str] | None:
        """(her items, the shop's items) when the worker put the postage back on each by its
        own cause and both kinds are in the return; ``None``: one payer for all."""
        hers = [i.item_id for i in items if i.return_postage_payer == "customer"]
        ours = [i.item_id for i in items if i.return_postage_payer == "seller"]
        if not hers or not ours:
            return None
        return self._named(draft, hers), self._named(draft, ours)

    def _named(self, draft: ReturnDraft, item_ids: Sequence[int]) -> str:
        """These items' names, as the chat joins them."""
        return self._join(draft.item_names[i] for i in item_ids if i in draft.item_names)

    def _join(self, names: Iterable[str]) -> str:
        separator = "、" if self.conv.locale.startswith("zh") else ", "
        return separator.join(names)

    def _with_causes(self, draft: ReturnDraft) -> str:
        """ "亚麻阔腿裤（M/白色，尺码不合适）、条纹长袖衬衫（M/酒红色，质量问题）": the items with
        their own causes, when they differ; else the items' names."""
        if not draft.causes:
            return draft.items_title
        zh = self.conv.locale.startswith("zh")
        comma, closed = ("，", "）") if zh else (", ", ")")
        named = []
        for item_id in draft.item_ids:
            label = draft.item_names.get(item_id, "")
            cause = self.conv.t(f"returns.cause.{draft.causes[item_id]}")
            if label.endswith(closed):  # inside the label's own brackets
                named.append(f"{label[: -len(closed)]}{comma}{cause}{closed}")
            else:
                opened = "（" if zh else " ("
                named.append(f"{label}{opened}{cause}{closed}")
        return self._join(named)

    # -- typed instead of pressed (bot/services/choices.py) ------------------------------------
    async def item_typed(self, text: str, decision: Decision | None) -> None:
        """ "牛仔裤" / "第二件" / "都退" to "退哪一件？"."""
        draft = await self.draft()
        order = await self.drafted_order(draft)
        if order is None:
            return
        candidates = [i for i in order.items if not i.returned and not i.exchanged]
        if choices.wants_all(text) and candidates:
            await self.with_items(draft, order, [i.item_id for i in candidates])
            return
        slots = decision.slots if decision is not None else Slots()
        item = await choices.pick_item(self.rpc, text, candidates, slots)
        if item is None:
            await self.ask_again_or_step_aside(decision, "choice.again.item")
            return
        await self.with_items(draft, order, [item.item_id])

    async def cause_typed(self, text: str, decision: Decision | None) -> None:
        """ "太大了" / "有个洞" / "发错货了" to "为什么退？"; or a cause for each item
        ("裤子小了，衬衫开线了")."""
        if await self.causes_typed(text):
            return
        if await self.other_item_named(text):
            return
        cause = choices.return_cause(text)
        if cause is None and (await self.draft()).refused_first:
            # after the refusal nothing is asked: whatever it is, it is not a reason
            await self.finish()
            if await self.pushed_back(text):
                return
            raise SkipHandler
        condition = choices.condition_told(text) if cause is None else None
        if condition is not None:
            # "unworn, tags still on" to "why?": the next question answered first. A return in
            # its window needs no reason; asking "why?" until one came kept her there for good
            draft = await self.draft()
            draft.cause, draft.fit_for_resale = "other", condition
            await self.quote(draft)
            return
        if cause is None:  # (a Literal: read_typed's T would widen it to str)
            await self.ask_again_or_step_aside(decision, "returns.ask_cause_again")
            return
        await self.cause_picked(cause)

    async def other_item_named(self, text: str) -> bool:
        """ "啊等下 T恤留着吧 是牛仔裤要退 裤腿太长了" at "why?" for the T-shirt: the return is of
        the item she names now (and her reason with it, when she gives one) — it went on with
        the T-shirt she said she keeps (jobs batch 12). ``False`` when the message names no
        other item of the order."""
        if not names_a_garment(text):
            return False
        draft = await self.draft()
        if draft.order_no is None or not draft.item_ids or draft.refused_first:
            return False
        order = await self.drafted_order(draft)
        if order is None:
            return True  # the step ended (said, or paused for the contact)
        candidates = [i for i in order.items if not i.returned and not i.exchanged]
        ids = [i.item_id for i in choices.items_meant(text, candidates)]
        if (
            not ids
            and ANOTHER_MEANT.search(text)
            and not choices.items_meant(text, list(order.items))
        ):
            # "oh sorry i meant the jeans from my other order": an item of another of her
            # orders (that one, when one order holds it) — it was read as the reason
            other = await order_mentioned(self.rpc, self.conv, text, ("shipped", "completed"))
            if other is None or other == draft.order_no:
                return False
            await self.finish()
            await self.open_order(ReturnDraft(note=text[:200]), other, None)
            return True
        if not ids or set(ids) == set(draft.item_ids):
            return False
        draft.note = text[:200]
        cause = choices.return_cause(choices.without_kept(text))
        if cause is None:
            await self.with_items(draft, order, ids)  # (why? asked of them)
            return True
        names = {i.item_id: item_label(self.conv, i, brackets=True) for i in order.items}
        draft.item_ids = ids
        draft.item_names = {i: names[i] for i in ids if i in names}
        draft.items_title = self._join(names.get(i, "") for i in ids if i in names)
        draft.causes = {}
        draft.key = None
        await self.keep(draft)
        await self.cause_picked(cause, told=True)
        return True

    async def resale_typed(self, text: str, decision: Decision | None) -> None:
        """ "没穿过" / "是的" to "tags on?"; or the item named again ("就退裤子"): the return
        is of it, the reason she gave stands, and the question is asked again."""
        if await self.item_named(text, at_quote=False):
            return
        if _RETURN_KEPT.search(text) and choices.condition_told(text) is None:
            # "不换了，就退", "no, just a refund please" at "tags on?": the return she insists on
            # (no exchange), not the tags' answer — its "不"/"no" refused the return, or the
            # engine's return rules took her away and the jeans she named were asked again
            # (console tryout 22); the return kept, the question asked again
            await self.conv.say(
                self.conv.t("returns.return_kept") + "\n" + self.conv.t("returns.fit_question")
            )
            return
        cause = choices.return_cause(text) if choices.fit_for_resale(text) is None else None
        if cause is not None:
            # the reason (again, or another) at "tags on?": taken, and the question asked again
            await self.cause_picked(cause)
            return
        await super().resale_typed(text, decision)

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "确认" to the quote; or the item named ("只退T恤" with both quoted): the quote for
        it, what she said before standing."""
        if await self.item_named(text, at_quote=True):
            return
        await super().confirm_typed(text, decision)

    async def item_named(self, text: str, *, at_quote: bool) -> bool:
        """ "就退裤子" after the reason was given (at "tags on?", or at the quote): the items
        are the ones named, the reason and what she said of the condition stand, and the flow
        goes on from there — it asked for the reason again. ``False`` when the message names
        no item of the order, or reads as the answer itself."""
        if not _NAMES_THE_RETURN.search(text.strip()) or choices.fit_for_resale(text) is not None:
            return False
        draft = await self.draft()
        if draft.cause is None or draft.order_no is None:
            return False
        order = await self.drafted_order(draft)
        if order is None:
            return True  # the step ended (said, or paused for the contact)
        candidates = [i for i in order.items if not i.returned and not i.exchanged]
        named = choices.items_meant(text, candidates or list(order.items))
        if not named:
            return False
        ids = [i.item_id for i in named]
        if ids != draft.item_ids:
            names = {i.item_id: item_label(self.conv, i, brackets=True) for i in order.items}
            draft.item_names = {i: names[i] for i in ids}
            # each item keeps the cause she gave it ("只退衬衫": the seam, not the size)
            self._keep_items(draft, ids)
            draft.key = None  # another return than the one quoted
        said = choices.return_cause(text)
        if said is not None:
            draft.causes = {}  # a cause said with it: the named items'
        cause = said or draft.cause
        draft.cause = cause
        await self.keep(draft)
        if at_quote:
            await self.quote(draft)
        elif draft.causes:
            await self.causes_picked(draft.causes, told=True)
        else:
            await self.cause_picked(cause, told=True)
        return True

    async def resale_answered(self, fit: bool) -> None:
        draft = await self.draft()
        draft.fit_for_resale = fit
        await self.quote(draft)

    # -- the worker's answer ---------------------------------------------------------------------
    async def ask_quote(
        self, draft: ReturnDraft, *, cause: ReturnCause, fit: bool
    ) -> ReturnTerms | None:
        """The worker's terms for the draft's items with this cause; ``None`` when the step has
        ended (said, or paused for the contact)."""
        conv = self.conv
        assert draft.order_no is not None
        reply = await self.rpc.call(
            QuoteReturn(
                order_no=draft.order_no,
                telegram_user_id=conv.user_id,
                phone_last4=conv.memory.proof_for(draft.order_no),
                items=draft.lines(),
                cause=cause,
                fit_for_resale=fit,
                note=draft.note,
            )
        )
        if isinstance(reply, ContactRequired):
            await self.pause_for_contact(draft, reply.reason, ReturnRequest.waiting_for_last4)
            return None
        if not isinstance(reply, ReturnTerms):
            await self.finish()
            await outcomes.explain(conv, reply)
            return None
        return reply

    async def quote(self, draft: ReturnDraft) -> None:
        """The terms, and the confirmation button."""
        conv = self.conv
        assert draft.cause is not None
        terms = await self.ask_quote(draft, cause=draft.cause, fit=draft.fit_for_resale)
        if terms is None:
            return
        if not terms.eligible:
            if not await self.offer_part(draft, terms, at_quote=True):
                await self.refuse(draft, terms, terms.reasons)
            return
        draft.key = draft.key or idempotency_key(conv.user_id)
        await self.wait(ReturnRequest.waiting_for_confirm, draft)
        await conv.say(
            conv.replies.return_quote(
                conv.locale,
                items=self._with_causes(draft),
                split=self._postage_split(draft, terms.items),
                refund=terms.refund_amount,
                postage_refund=terms.postage_refund,
                postage_payer=terms.return_postage_payer,
                seller_postage=terms.seller_postage,
                address=terms.return_address,
                process_days=(terms.refund_process_days.min, terms.refund_process_days.max),
                arrival_days=(terms.refund_arrival_days.min, terms.refund_arrival_days.max),
                deadline=terms.deadline,
            ),
            reply_markup=keyboards.confirm_return(conv.t),
        )

    async def refuse(
        self,
        draft: ReturnDraft,
        terms: ReturnTerms | ReturnRejected,
        reasons: Sequence[str],
        *,
        fault_lifts: bool = False,
        order: OrderView | None = None,
        lead: str | None = None,
    ) -> None:
        """Every reason in plain words, for the item's own kind; the exchange offered where it
        may help (a custom-made item), the cancel where the order has not shipped, else a
        person. ``fault_lifts``: refused before a reason was asked — a fault told next still
        makes the return (the flow waits for it, and says so). ``lead``: the reasons were just
        said (the items that could go back were offered, and declined): this reply key instead,
        naming them."""
        conv = self.conv
        logger.info("return refused for chat %s: %s", conv.chat_id, ",".join(reasons))
        if not fault_lifts:
            await self.finish()
        kinds = {i.kind for i in terms.items if i.kind is not None}
        exchange_may_help = (
            "custom_no_return" in reasons
            and "custom" in kinds
            and draft.order_no is not None
            and await self.exchange_still_open(draft.order_no, terms)
        )
        window_passed = "custom_no_return" in reasons and "custom" in kinds and not (
            exchange_may_help
        )
        key = "returns.refused_items" if draft.items_title else "returns.refused_order"
        what = Html(conv.t(key, order_no=draft.order_no or "", items=draft.items_title))
        text: str = (
            conv.replies.return_refused(reasons, conv.locale, what=what)
            if lead is None
            else conv.t(lead, what=what)
        )
        conv.memory.return_refused = (conv.memory.turns, str(what), list(reasons))
        if set(reasons) == {"already_returned"} and draft.order_no is not None:
            # "KF… 你们收到我退的货了吗" heard as a return asked again: the item is in a return
            # already — where that return is now (received, refunded, refused on its
            # check…), from its own state, rather than a plain no
            if await self.said_return_status(draft.order_no):
                return
        if fault_lifts:
            text += "\n" + conv.t("returns.fault_still_taken")
        if exchange_may_help and draft.order_no is not None:
            markup = keyboards.job_or_person(
                conv.t, draft.order_no, "exchange", conv.t("button.exchange_instead"), "ineligible"
            )
            hours = conv.replies.policy.returns.custom.exchange_window_hours
            if fault_lifts and hours:
                text += "\n" + conv.t("returns.offer_custom_exchange", hours=str(hours))
            else:
                text += "\n" + conv.t("returns.offer_exchange")
        elif order is not None and order.state == "shipped" and set(reasons) == {
            "not_delivered_yet"
        } and refuses_parcel(draft.note):
            # "还在路上 我直接拒收可以吗": the policy says nothing of a parcel refused at the
            # door — said plainly, nothing promised, and a person with the order
            await conv.say(conv.t("returns.refuse_at_door", order_no=order.order_no))
            await open_ticket(conv, self.rpc, reason="other", intent="returns.return",
                              order_no=order.order_no)
            return
        elif order is not None and order.state == "paid" and set(reasons) == {"not_delivered_yet"}:
            # "阔腿裤不要了 退款吧" before it ships: the money back is a cancel — asked back
            # at once (a supervisor was offered)
            from bot.flows.orders import OrderChangeFlow  # (orders uses this module's kin)

            await conv.say(text)
            await OrderChangeFlow(conv, self.rpc, self.state).offer_cancel(order)
            return
        else:
            if window_passed:
                # the custom-made item's exchange is over too: what the policy still allows
                hours = conv.replies.policy.returns.custom.exchange_window_hours or 0
                text += "\n" + conv.t("returns.custom_exchange_over", hours=str(hours))
            markup = conv.offer_human("ineligible")
            text += "\n" + conv.t("returns.offer_human")
        await conv.say(text, reply_markup=markup)

    async def said_return_status(self, order_no: str) -> bool:
        """The order's newest return (under way, refunded, or refused on its check) said as
        "退款到哪了" says it; False when there is none, or the order cannot be read now."""
        from bot.flows.orders import OrderQueryFlow  # (orders uses this module's kin)

        try:
            found = await lookup(self.rpc, self.conv, order_no, with_returns=True)
        except BusError:
            return False
        if not isinstance(found, OrderFound):
            return False
        records = [
            r for r in found.order.returns if r.state != "cancelled" or r.refusal is not None
        ]
        if not records:
            return False
        await OrderQueryFlow(self.conv, self.rpc, self.state).refund_status(
            found.order, records[0]
        )
        return True

    async def offer_part(
        self,
        draft: ReturnDraft,
        terms: ReturnTerms,
        *,
        at_quote: bool,
        split: tuple[list[int], list[int], list[str]] | None = None,
    ) -> bool:
        """Some items may go back and some not (a custom-made shirt beside regular trousers, a
        faulty item beside one past its window): which can't and why, and the others offered
        at once (yes / no). ``False``: not such a refusal (every item refused, or the order).
        ``split``: the items and reasons, when not those of ``split_terms`` (a reason no cause
        lifts, found before the reason was asked: ``split_blocked``)."""
        split = split or split_terms(terms)
        if split is None or draft.order_no is None:
            return False
        good, bad, reasons = split
        conv = self.conv
        logger.info("return refused in part for chat %s: %s", conv.chat_id, ",".join(reasons))
        what = Html(
            conv.t("returns.refused_items", order_no=draft.order_no, items=self._named(draft, bad))
        )
        conv.memory.return_refused = (conv.memory.turns, str(what), list(reasons))
        text: str = conv.replies.return_refused(reasons, conv.locale, what=what)
        text += "\n" + conv.t("returns.offer_part", items=self._named(draft, good))
        draft.part = good
        draft.part_at_quote = at_quote
        await self.wait(ReturnRequest.waiting_for_part, draft)
        await conv.say(
            text,
            reply_markup=keyboards.yes_no(
                conv.t, lambda keep: ReturnPartCallback(keep=keep),
                "button.return_part", "button.no_thanks",
            ),
        )
        return True

    async def part_answered(self, keep: bool) -> None:
        """Yes: the return of the items that may go back, from the step it stood at (their
        condition asked for her own-choice items, the quote for the shop's-fault ones). No:
        the refusal's options for the items that may not (the exchange, or a person)."""
        draft = await self.draft()
        if not draft.part or draft.order_no is None:
            await self.finish()
            return
        part, draft.part = draft.part, []
        if not keep:
            refused = [i for i in draft.item_ids if i not in part]
            self._keep_items(draft, refused)
            terms = await self.ask_quote(
                draft, cause=draft.cause or "changed_mind", fit=draft.fit_for_resale
            )
            if terms is None:
                return
            await self.refuse(
                draft, terms, terms.reasons or ["unknown"], lead="returns.part_declined"
            )
            return
        self._keep_items(draft, part)
        draft.key = None  # another return than the one quoted
        await self.keep(draft)
        if draft.cause is None:
            # offered before any reason was asked (the other item already on a return): the
            # items kept go on from the start — their reason asked
            order = await self.drafted_order(draft)
            if order is not None:
                await self.with_items(draft, order, part)
            return
        if draft.part_at_quote:
            await self.quote(draft)
        elif draft.causes:
            await self.causes_picked(draft.causes, told=True)
        else:
            assert draft.cause is not None
            await self.cause_picked(draft.cause, told=True)

    def _keep_items(self, draft: ReturnDraft, item_ids: list[int]) -> None:
        """The draft narrowed to these items, each with the cause she gave it."""
        draft.item_ids = item_ids
        draft.item_names = {i: draft.item_names[i] for i in item_ids if i in draft.item_names}
        draft.items_title = self._named(draft, item_ids)
        kept = {i: draft.causes[i] for i in item_ids if i in draft.causes}
        draft.cause = kept.get(item_ids[0], draft.cause)
        # a cause each only where every item has one and they differ (an item named anew has
        # none: the return's one cause is every item's)
        draft.causes = kept if len(kept) == len(item_ids) and len(set(kept.values())) > 1 else {}

    async def part_typed(self, text: str, decision: Decision | None) -> None:
        """ "好的" / "不用了" / "yes please" to "return the trousers alone?"."""
        await self.read_typed(
            choices.yes_or_no(text), self.part_answered, decision, "choice.again.yes_no"
        )

    async def another_meant(self, text: str) -> bool:
        """ "oh sorry i meant the jeans from my other order, theyre too short" right after a
        return was refused (of the hoodie she tapped, not shipped yet): the return of the item
        she meant, in her order that holds it (it was read as a size question). ``False``: no
        other item meant, or no one order of hers holds it."""
        refused = self.conv.memory.return_refused
        if refused is None or self.conv.memory.turns - refused[0] > ARGUED_TURNS:
            return False
        if not ANOTHER_MEANT.search(text) or not names_a_garment(text):
            return False
        other = await order_mentioned(self.rpc, self.conv, text, ("shipped", "completed"))
        if other is None:
            return False
        self.conv.memory.return_refused = None
        await self.finish()
        await self.open_order(ReturnDraft(note=text[:200]), other, None)
        return True

    async def pushed_back(self, text: str) -> bool:
        """ "为什么不能退 我都没穿" a message or two after a return was refused (and no fault
        told), or "so what can I do then": why again, that its being unworn doesn't change it,
        and a supervisor offered —
        not the rules and the items of another order. False when nothing was refused just
        now, or the message is no argument with it."""
        conv = self.conv
        refused = conv.memory.return_refused
        if (
            refused is None
            or conv.memory.turns - refused[0] > ARGUED_TURNS
            or choices.return_cause(text) in ("quality", "wrong_item")
            or not (choices.pushes_back(text) or options_asked(text))
        ):
            return False
        _, what, reasons = refused
        # kept (from this turn): "so what can i do then" after "but it's never been worn" is
        # the same refusal's
        conv.memory.return_refused = (conv.memory.turns, what, reasons)
        lines = conv.replies.return_reason_lines(reasons, conv.locale)
        # the item's kind decides, not its being unworn: said so (a window passed, or an item
        # worn, is said as it is)
        key = "kind" if set(reasons) <= _BY_KIND else "other"
        await conv.say(
            conv.t(f"returns.refusal_again.{key}", what=Html(what), reasons=lines),
            reply_markup=conv.offer_human("ineligible"),
        )
        return True

    async def exchange_still_open(self, order_no: str, terms: ReturnTerms | ReturnRejected) -> bool:
        """Whether a custom-made item refused a refund can still be exchanged (the worker's
        terms for it as it is): the 48 hours since delivery may be over, and it may have been
        exchanged once already. Unknown (the worker unreachable, the contact needed): offered,
        as the exchange checks it again."""
        custom = next((i for i in terms.items if i.kind == "custom"), None)
        if custom is None:
            return False
        conv = self.conv
        probe = QuoteExchange(
            order_no=order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(order_no),
            item_id=custom.item_id,
            fit_for_resale=True,
        )
        try:
            reply = await self.rpc.call(probe)
        except BusError:
            return True
        if not isinstance(reply, ExchangeTerms):
            return True
        return not (set(reply.reasons) & EXCHANGE_OVER)

    async def photo_sent(self, photo: HeldPhoto) -> bool:
        """A photo before the return is confirmed ("这是那个洞" at any step): held in the draft,
        it goes on the return as it is made; she is told so, and the step still waits."""
        draft = await self.draft()
        if all(p.file_unique_id != photo.file_unique_id for p in draft.photos):
            draft.photos = [*draft.photos[-(PHOTOS_HELD - 1) :], photo]
            await self.keep(draft)
        await self.conv.say(self.conv.t("return_photo.held"))
        return True

    async def keep_photos(self, draft: ReturnDraft, return_no: str) -> str | None:
        """The photos she sent before confirming, on the return just made; the line that says
        so (``None``: there were none, or none could be kept — they stay with the chat for a
        ticket, as any photo). Photos sent just before the return was asked, with no return
        in view then ("看 这里开线了" + photo, "我要退货"), go on it too."""
        photos = list(draft.photos)
        for loose in self.conv.memory.take_loose_photos():
            if all(p.file_unique_id != loose.file_unique_id for p in photos):
                photos.append(loose)
        kept = 0
        for photo in photos:
            try:
                reply = await return_photos.keep(self.conv, self.rpc, photo, return_no)
            except BusError:
                logger.warning("%s: a photo could not be kept with it", return_no)
                continue
            kept += isinstance(reply, ReturnPhotoKept)
        if not kept:
            return None
        if kept == 1:
            return self.conv.t("return_photo.with_created", return_no=return_no)
        return self.conv.t("return_photo.with_created_many", return_no=return_no, count=str(kept))

    async def confirmed(self, confirm: bool) -> None:
        conv = self.conv
        if not confirm:
            await self.finish()
            await conv.say(conv.t("cancelled"))
            return
        draft = await self.draft()
        assert draft.order_no is not None and draft.cause is not None
        key = draft.key or idempotency_key(conv.user_id)
        request = CreateReturn(
            idempotency_key=key,
            order_no=draft.order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(draft.order_no),
            items=draft.lines(),
            cause=draft.cause,
            fit_for_resale=draft.fit_for_resale,
            note=draft.note,
        )
        reply = await call_command(conv, self.rpc, request)
        if isinstance(reply, ContactRequired):
            # Once linked, the return she confirmed goes on under a fresh key (this one stands
            # for the refused request now)
            draft.key = None
            draft.confirmed = True
            await self.pause_for_contact(draft, reply.reason, ReturnRequest.waiting_for_confirm)
            return
        if isinstance(reply, ReturnRejected):
            await self.refuse(draft, reply, list(reply.reasons))
            return
        await self.finish()
        if isinstance(reply, ReturnCreated):
            record = reply.record
            logger.info("return %s created for chat %s", record.return_no, conv.chat_id)
            created = conv.replies.return_created(
                conv.locale,
                return_no=record.return_no,
                split=self._postage_split(draft, record.items),
                refund=record.refund_amount,
                postage_payer=record.return_postage_payer,
                seller_postage=record.seller_postage,
                address=reply.return_address,
                process_days=(reply.refund_process_days.min, reply.refund_process_days.max),
                arrival_days=(reply.refund_arrival_days.min, reply.refund_arrival_days.max),
            )
            photos_line = await self.keep_photos(draft, record.return_no)
            if photos_line is not None:
                created = Html(f"{created}\n{photos_line}")
            await done.say(
                conv, "return", created, order_no=draft.order_no, reference=record.return_no
            )
        else:
            await outcomes.explain(conv, reply)

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == ReturnRequest.waiting_for_confirm.state and draft.cause is not None:
            if draft.confirmed:
                # confirmed before the contact was asked: made now, as "no need to repeat
                # anything" promised (the terms came back, to confirm a second time; the
                # worker checks them again as it makes it)
                draft.confirmed = False
                await self.keep(draft)
                await self.confirmed(True)
                return
            await self.quote(draft)  # the terms again, for the customer it is now
        elif draft.order_no is not None:
            await self.open_order(draft, draft.order_no, None)
        else:
            # the item named before the contact was shared picks its order now
            if await self.named_apart(draft, draft.note):
                return
            await self.offer_own_orders(draft, draft.note, ask_contact=False)
