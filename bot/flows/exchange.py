"""The exchange flow: order → item → new size/colour → fit for resale? → terms → RMA.

The worker decides eligibility (``exchanges.quote``) and creates the exchange
(``exchanges.create``, a command whose idempotency key is kept in the draft, so a retry of the
same confirmation never creates two). An ineligible item gets every reason in plain words and
an offer of a person. Creating one takes the order's verified customer: a customer who proved
the order by its phone digits is asked for their contact at the confirmation, and once it is
linked the terms and the confirmation come back.
"""

from __future__ import annotations

import logging
import re
from typing import ClassVar

from aiogram.fsm.state import State, StatesGroup
from pydantic import Field

from bot import keyboards
from bot.flows.base import OrderDraft, OrderFirstFlow
from bot.keyboards import ConfirmSizeCallback, ResaleCallback
from bot.services import choices, done, outcomes
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import Keep, delivered, item_label, order_ask, order_mentioned
from bot.services.questions import item_kind_named
from bot.services.repeats import say_answer
from bot.services.sizes import (
    SizeWish,
    in_stock_others,
    not_made_in,
    size_wish,
    sold_out,
    wanted_color,
    wanted_size,
)
from bus.contracts import (
    ContactRequired,
    CreateExchange,
    ExchangeCreated,
    ExchangeTerms,
    GetProduct,
    OrderView,
    ProductFound,
    QuoteExchange,
)
from bus.errors import BusError
from intents import Decision, Slots
from intents.garments import names_a_garment, sizes_per_item
from intents.slots import extract_slots
from shop.colours import colour_name
from shop.enums import SIZE_LADDER

logger = logging.getLogger(__name__)

LIFTED_BY_ANSWERS = frozenset(
    {
        "same_variant",
        "variant_not_found",
        "out_of_stock",
        "not_fit_for_resale",
        "size_change_not_allowed",
        "color_change_not_allowed",
        "style_change_not_allowed",
    }
)
"""Refusals of the worker's quote that depend on what the flow has not asked yet (the new size
or colour, the item's condition): every other reason refuses the item as it is."""


_WHEN_NEW = re.compile(r"什么时候|多久|几天|寄出|发出|寄回来|when|how long|send|ship", re.I)
"""A question of when the new one comes (during an exchange)."""


_RECOMMENDED = re.compile(
    r"(?:你|您)?(?:推荐|建议|说)的(?:那个|那款|那件|尺码|码|号)?|(?:推荐|建议)(?:的)?(?:尺码|码)"
    r"|\b(?:the )?(?:one|size) you (?:recommended|suggested|advised|said)\b"
    r"|\b(?:your|the) (?:recommended|suggested) (?:one|size)\b"
    r"|\bwhat you (?:recommended|suggested)\b"
    # "帮我改成合适的码" right after the advice (jobs batch 11): the size that fits is the one
    # advised
    r"|(?:合适|适合)(?:我)?的(?:那个|尺码|码|号)"
    # "行 就换这个码" to the swap offered after the advice (jobs batch 13)
    r"|(?:换|改)成?(?:这个|那个)(?:尺码|码|号)"
    r"|\b(?:to|for) (?:that(?: size| one)?|the right (?:size|one))\s*(?:then|please|pls|$)",
    re.IGNORECASE,
)
"""The size the bot advised, pointed at ("换成你推荐的", "swap it for the one you suggested")."""


_NOT_THIS = re.compile(
    r"不是(?:这件|那件|这个|那个)?[^\s，,。；;！!？?是]{1,8}(?=[\s，,。；;]|是)"
    r"|\bnot (?:the|my) [a-z-]+(?: [a-z-]+)?(?=[,.;]| but\b| i\b)",
    re.IGNORECASE,
)
"""The item she does not mean, said before the one she does ("不是T恤 是那件真丝衬衫")."""


_CANCELLED = re.compile(r"取消|不换了|算了|不要了|\bcancel|\bnever ?mind|\bforget it", re.I)
"""A "no" at the confirmation that drops the exchange (not one that says the size is wrong)."""


_DENIED = re.compile(r"不|别|\bnot?\b|\bdon'?t\b|wrong", re.I)
# "尺码不变 还是M", "size stays the same": the size kept, no denial (jobs batch 10: read as
# "no", then as a size question)
_UNCHANGED = re.compile(
    r"(?:尺码|码数|码|大小|颜色|其他|别的)?(?:不变|没变|不用变|不改|照旧|一样)"
    r"|\b(?:stays?|keep(?:ing)?|remains?) (?:the )?same\b|\bno change\b|\bunchanged\b",
    re.I,
)


def _one_step(wish: SizeWish, old: str | None, new: str | None) -> bool:
    """``wish`` is one size up or down from ``old`` (or from the size it names), and ``new`` is
    that size on the ladder (S, M, L…)."""
    if wish.step == 0 or old is None or new is None:
        return False
    base = (wish.base or old).upper()
    if base not in SIZE_LADDER or new.upper() not in SIZE_LADDER:
        return False
    return SIZE_LADDER.index(new.upper()) - SIZE_LADDER.index(base) == wish.step


class ExchangeRequest(StatesGroup):
    waiting_for_order = State()
    waiting_for_last4 = State()
    waiting_for_item = State()
    waiting_for_variant = State()
    waiting_for_resale = State()
    waiting_for_confirm = State()
    waiting_for_size_confirm = State()


class ExchangeDraft(OrderDraft):
    item_id: int | None = None
    item_title: str = ""
    old_size: str | None = None
    old_color: str | None = None
    new_size: str | None = None
    new_color: str | None = None
    fit_for_resale: bool = False
    """The customer says: tags on, unworn, unwashed."""
    key: str | None = None
    """The idempotency key of the confirmation (set when the terms are shown)."""
    size_step: int = 0
    """+1 / -1: one size up / down from ``size_base`` (or the item's), said in words."""
    size_base: str | None = None
    size_confirmed: bool = False
    condition_said: bool = False
    """The item's condition was told before it was asked (``fit_for_resale`` holds it)."""
    read_back: bool = False
    """The new size was read from the customer's words (not picked): the one confirmation says
    it back, and a "no" to it asks which size instead of cancelling."""
    kind: str | None = None
    """The item's kind (regular, custom, proxy): refusals name its own rules."""
    product_id: int | None = None
    """The item's product (the sizes and colours it comes in)."""
    request: str = ""
    """The customer's words that asked for the exchange (the item they name is the one)."""
    quality: bool = False
    """A quality problem told with it ("有个洞 给我换一件"): the shop's fault — a new one of the
    same unless another size or colour is named, postage both ways the shop's, the item's
    condition not asked (it is checked on arrival), the kind's window and rule lifted."""
    then: list[str] = Field(default_factory=list)
    """The words that asked for the exchange of each further item of the same message ("T恤换L
    裤子换M": "裤子换M"), exchanged one after the other once this one is done."""

    def quote(self, user_id: int, proof: str | None) -> QuoteExchange:
        assert self.order_no is not None and self.item_id is not None
        return QuoteExchange(
            order_no=self.order_no,
            telegram_user_id=user_id,
            phone_last4=proof,
            item_id=self.item_id,
            new_size=self.new_size,
            new_color=self.new_color,
            fit_for_resale=self.fit_for_resale or self.quality,
            quality_problem=self.quality,
        )


class ExchangeFlow(OrderFirstFlow[ExchangeDraft]):
    states = ExchangeRequest
    keeps_waiting = True
    job_kind = "exchange"
    about_the_job: ClassVar[dict[str, str]] = {"returns.exchange": "exchange.how_it_goes"}
    listed = "x"
    confirm_button = "button.confirm_exchange"

    async def draft(self) -> ExchangeDraft:
        return await self.load(ExchangeDraft)

    def variant(self, size: str | None, color: str | None) -> str:
        """ "L / 白色" — "L / white": the colour in the customer's language."""
        return f"{size} / {colour_name(color or '', self.conv.locale)}"

    async def start(self, slots: Slots, text: str = "") -> None:
        """ "I want another size": the size or colour they named is kept for later — the size
        they want, read from their words ("M码太小了" is bigger than M, "想换L" is L), never
        the size they complain about."""
        await self.finish()
        # "收到的T恤有个洞" … photos … "换一件新的": the fault's item and reason go with it
        text = self.conv.memory.with_fault(text) or text
        # "能给我换一件灰色的L码吗" beside the complaint's ticket: the item the complaint named
        text = self.conv.memory.beside_ticket_words(text)
        # "牛仔裤收到了 腰那里大了一圈", then "这个能换吗": the item her message before named
        text = choices.with_item_before(text, self.conv.memory.said_before())
        wish = size_wish(text)
        advised = self.conv.memory.product
        if advised is not None and _RECOMMENDED.search(text):
            # "换成你推荐的" after size advice: that item, in the size advised (between two
            # sizes: the one her words point to — "M是不是小了" is one up — or she picks)
            if not wish.said and advised.advised:
                wish = SizeWish(target=advised.advised)
            text = f"{text} {advised.name}"
        elif advised is not None and advised.advised and not names_a_garment(text):
            # "so the M I bought is too small. can I exchange it for an XL?" right after the
            # size advice for the cotton tee: "it" is the tee (the item was lost, and she was
            # asked which of her order's two)
            text = f"{text} {advised.name}"
        several = sizes_per_item(text)
        then: list[str] = []
        asked = text
        if len(several) > 1:
            # "T恤换L 裤子换M", "tee in L and jeans in XL": one after the other, each with its
            # own confirmation, and said so (the second was lost, or neither was read)
            asked, then = several[0][0], [words for words, _ in several[1:]]
            wish = size_wish(asked)
            await self.conv.say(self.conv.t("exchange.one_then_other", count=len(several)))
        draft = ExchangeDraft(
            new_size=wish.target if wish.target else (None if wish.step else slots.size),
            new_color=(wanted_color(asked) if asked else None) or slots.color,
            size_step=wish.step,
            size_base=wish.base,
            request=asked.strip()[:200],
            quality=choices.return_cause(text) == "quality",
            then=then,
        )
        # the order named, or whose item is named ("change the hoodie to XL"), or the one the
        # chat is about — for a size said, a customer who proved that order by its digits (the
        # only order the chat knows), or "这单" — as a return takes it
        memory = self.conv.memory
        implied = (
            memory.last_order
            if wish.said or memory.linked is not True or choices.points_back(text)
            else None
        )
        order_no = slots.order_no or await order_mentioned(self.rpc, self.conv, text) or implied
        if order_no is not None:
            await self.open_order(draft, order_no, slots.phone_last4)
            return
        if draft.quality:  # a fault told: its remedy, not the rules — which order
            await self.offer_own_orders(draft, text)
            return
        # "Can I exchange a custom-made one?" opens with the yes or no the policy decides
        # (the rules asked again in this chat: briefly)
        kind = item_kind_named(text)
        # ending as what follows does: the order number, their list below, or nothing
        ending = await order_ask(self.conv, self.rpc, "x", text=text)
        asks = ending == "number"
        said_in_full = await say_answer(
            self.conv,
            "returns.exchange",
            self.conv.replies.answer(
                "returns.exchange", self.conv.locale, item_kind=kind, order_ask=ending
            ),
            # the rules end asking for the order number: the contact button goes with them
            keyboards.share_contact(self.conv.t) if asks and memory.linked is not True else None,
            decided=kind is not None,
        )
        if asks and said_in_full:
            # asked once, by the rules' last line: the number (or the contact) is awaited
            await self.wait(self.waiting_for_order, draft)
            return
        await self.offer_own_orders(draft, text)

    def about(self, decision: Decision, text: str) -> str | None:
        """ "换的那件什么时候寄出来" during the exchange: how it goes — not the rules asked again
        ("换货规则是什么", answered briefly by the intents)."""
        if decision.intent == "returns.exchange" and not _WHEN_NEW.search(text):
            return None
        return super().about(decision, text)

    def list_keep(self, draft: ExchangeDraft) -> Keep | None:
        return delivered if draft.quality else None  # a fault lifts the window

    async def start_for(self, order_no: str, last4: str | None = None) -> None:
        """The exchange offered by a button about one order (a return refused), or another
        order named mid-job (``last4`` typed with it)."""
        await self.finish()
        await self.open_order(ExchangeDraft(), order_no, last4)

    async def instead_of_return(self, order_no: str | None, item_id: int | None, text: str) -> None:
        """The return in progress becomes this exchange: the same order, the same item when
        one was picked (the size or colour wanted asked next, or read from ``text``)."""
        await self.finish()
        wish = size_wish(text)
        draft = ExchangeDraft(
            order_no=order_no,
            new_size=wish.target,
            new_color=wanted_color(text) if text else None,  # "那换个黑色的吧"
            size_step=wish.step,
            size_base=wish.base,
            request=text.strip()[:200],
        )
        if order_no is None:
            await self.offer_own_orders(draft, text)
            return
        order = await self.drafted_order(draft)
        if order is None:
            return
        if item_id is not None:
            await self.with_item(draft, order, item_id)
        else:
            await self.with_order(draft, order)

    async def return_instead(self, text: str) -> None:
        """ "还是退了吧" during the exchange: the return of the same item."""
        from bot.flows.returns import ReturnDraft, ReturnFlow

        draft = await self.draft()
        await self.conv.say(self.conv.t("job.switch.return"))
        flow = ReturnFlow(self.conv, self.rpc, self.state)
        await flow.finish()
        ret = ReturnDraft(order_no=draft.order_no, note=text.strip()[:200])
        if draft.order_no is None:
            await flow.offer_own_orders(ret, text)
            return
        order = await flow.drafted_order(ret)
        if order is None:
            return
        if draft.item_id is not None:
            await flow.with_items(ret, order, [draft.item_id])
        else:
            await flow.with_order(ret, order)

    async def with_order(self, draft: ExchangeDraft, order: OrderView) -> None:
        """The order is known: pick the item (or take the only one). An order that has not
        shipped yet has nothing to exchange: the size it asks for is changed on the order
        itself (``orders.modify_item``)."""
        if order.state in ("awaiting_payment", "paid"):
            # also with nothing named yet ("裙子能换个颜色吗" of an order not shipped): the
            # change asks which size or colour — an exchange would be refused "not delivered"
            from bot.flows.orders import ChangeDraft, OrderChangeFlow  # orders uses this module

            await self.finish()
            change = ChangeDraft(
                job="modify",
                order_no=order.order_no,
                new_size=draft.new_size,
                new_color=draft.new_color,
                size_step=draft.size_step,
                size_base=draft.size_base,
                request=draft.request,
            )
            await OrderChangeFlow(self.conv, self.rpc, self.state).modify_draft(order, change)
            return
        candidates = [i for i in order.items if not i.exchanged] or list(order.items)
        draft.order_no = order.order_no
        named = choices.items_mentioned(f"{draft.request} {draft.picked_by}", candidates)
        advised = self.conv.memory.product
        if not named and advised is not None and advised.advised:
            # the exchange asked after the size advice for an item of this order: that item
            named = choices.items_mentioned(advised.name, candidates)
        if len(candidates) == 1 or len(named) == 1:
            # the only one, or the one the request named ("T恤太小了想换大一号")
            await self.with_item(draft, order, (named or candidates)[0].item_id)
            return
        await self.wait(ExchangeRequest.waiting_for_item, draft)
        await self.conv.say(
            self.conv.t("choose.item"),
            reply_markup=keyboards.items(
                (i.item_id, item_label(self.conv, i)[:60]) for i in candidates
            ),
        )

    async def item_picked(self, item_id: int) -> None:
        draft = await self.draft()
        order = await self.drafted_order(draft)
        if order is not None:
            await self.with_item(draft, order, item_id)

    async def with_item(self, draft: ExchangeDraft, order: OrderView, item_id: int) -> None:
        item = next((i for i in order.items if i.item_id == item_id), None)
        if item is None:
            await self.finish()
            await outcomes.exchange_refused(self.conv, ["item_not_in_order"])
            return
        draft.item_id = item.item_id
        draft.item_title = item_label(self.conv, item)
        draft.old_size, draft.old_color = item.size, item.color
        draft.kind = item.kind
        draft.product_id = item.product_id
        if not await self.may_go_on(draft):
            return
        if draft.size_step and not draft.new_size:
            base = draft.size_base or item.size
            wish = SizeWish(step=draft.size_step, base=draft.size_base)
            draft.new_size = await wanted_size(self.rpc, item.product_id, wish, item.size)
            if draft.new_size is None:
                await self.finish()
                key = "exchange.no_bigger" if draft.size_step > 0 else "exchange.no_smaller"
                await self.conv.say(
                    self.conv.t(key, size=base),
                    reply_markup=self.conv.offer_human("ineligible"),
                )
                return
        # (after the step is read as a size: "one size up" may be the one sold out)
        if await self.lacks_the_variant(draft):
            return
        if draft.new_size and not draft.size_confirmed and draft.new_size != draft.old_size:
            # Read from their words: said back in the one confirmation (item, size, condition,
            # price, postage) — not asked on its own first
            draft.read_back = True
        if draft.quality and not (draft.new_size or draft.new_color):
            # a quality problem: a new one of the same, unless they name another
            draft.new_size, draft.new_color = item.size, item.color
        if draft.new_size or draft.new_color:
            # They said what they want: the rest stays as it is.
            draft.new_size = draft.new_size or item.size
            draft.new_color = draft.new_color or item.color
            await self.ask_resale(draft)
            return
        reply = await self.rpc.call(GetProduct(product_id=item.product_id))
        variants = reply.product.variants if isinstance(reply, ProductFound) else []
        options = [
            v for v in variants if v.stock > 0 and (v.size, v.color) != (item.size, item.color)
        ]
        if not options:
            await self.finish()
            await outcomes.exchange_refused(self.conv, ["out_of_stock"])
            return
        await self.wait(ExchangeRequest.waiting_for_variant, draft)
        await self.conv.say(
            # which item of which order: the customer may not have picked it themselves
            self.conv.t("choose.size_for", order_no=draft.order_no, item=draft.item_title),
            reply_markup=keyboards.variants(
                (v.size, v.color, self.variant(v.size, v.color)) for v in options
            ),
        )

    async def may_go_on(self, draft: ExchangeDraft) -> bool:
        """Before the new size and the item's condition are asked: the worker's terms for the
        item as it is (``exchanges.quote`` with no change named). A refusal no answer can lift
        — the window passed, the order not delivered, the item exchanged or returned already,
        a kind the shop doesn't exchange — is said now, with what the customer can do instead;
        ``False`` when the flow ended here (refused, the contact asked for, a setback said)."""
        conv = self.conv
        assert draft.order_no is not None and draft.item_id is not None
        probe = QuoteExchange(
            order_no=draft.order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(draft.order_no),
            item_id=draft.item_id,
            fit_for_resale=True,
            quality_problem=draft.quality,
        )
        reply = await self.rpc.call(probe)
        if isinstance(reply, ContactRequired):
            await self.pause_for_contact(draft, reply.reason, ExchangeRequest.waiting_for_item)
            return False
        if not isinstance(reply, ExchangeTerms):
            await self.finish()
            await outcomes.explain(conv, reply)
            return False
        final = [code for code in reply.reasons if code not in LIFTED_BY_ANSWERS]
        if not final:
            return True
        logger.info("exchange refused for chat %s: %s", conv.chat_id, ",".join(final))
        await self.finish()
        await outcomes.exchange_refused(conv, final, draft.kind)
        return False

    async def ask_size_confirm(self, draft: ExchangeDraft, opening: str = "") -> None:
        """ "换成 L，对吗？" (``opening``: a line before it)."""
        question = self.conv.t(  # which item of which order, what to: nothing left to guess
            "exchange.confirm_size",
            order_no=draft.order_no,
            item=draft.item_title,
            new_variant=self.variant(draft.new_size, draft.new_color),
        )
        await self.conv.say(
            f"{opening}\n{question}" if opening else question,
            reply_markup=keyboards.yes_no(
                self.conv.t, lambda yes: ConfirmSizeCallback(confirm=yes)
            ),
        )

    async def size_confirmed(self, yes: bool) -> None:
        """ "换成 L，对吗？" answered: on to the condition question, or pick from what's there."""
        draft = await self.draft()
        if yes:
            draft.size_confirmed = True
            await self.ask_resale(draft)
            return
        draft.new_size, draft.new_color, draft.size_step = None, None, 0
        draft.read_back = False
        if draft.item_id is None:
            await self.finish()
            return
        # (a contact now needed is asked for: before, the flow ended in silence)
        order = await self.drafted_order(draft)
        if order is not None:
            await self.with_item(draft, order, draft.item_id)

    # -- typed instead of pressed (bot/services/choices.py) ------------------------------------
    async def item_typed(self, text: str, decision: Decision | None) -> None:
        """ "T恤" / "第一件" / "牛仔裤小了" to "换哪一件？" (a size wish in it is kept)."""
        draft = await self.draft()
        order = await self.drafted_order(draft)
        if order is None:
            return
        candidates = [i for i in order.items if not i.exchanged] or list(order.items)
        slots = decision.slots if decision is not None else Slots()
        item = await choices.pick_item(self.rpc, text, candidates, slots)
        wish = size_wish(text)
        if item is None and wish.said and not (draft.new_size or draft.size_step) and not (
            names_a_garment(text)
        ):
            # "换小一码的" to "换哪一件？": the size wanted, told before the item — kept for the
            # item she picks, and the question asked again (it left the job, and the exchange
            # began again at the same question)
            draft.new_size = wish.target
            draft.size_step, draft.size_base = wish.step, wish.base
            await self.keep(draft)
            await self.conv.say(
                self.conv.t("exchange.size_noted") + "\n" + self.conv.t("choice.again.one_item")
            )
            return
        if item is None:
            await self.ask_again_or_step_aside(decision, "choice.again.one_item")
            return
        if not (draft.new_size or draft.size_step) and wish.said:
            draft.new_size = wish.target
            draft.size_step, draft.size_base = wish.step, wish.base
        await self.with_item(draft, order, item.item_id)

    async def size_confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "对" / "不对" to "换成 L，对吗？"; a size or colour named instead is the one wanted."""
        slots = decision.slots if decision is not None else Slots()
        draft = await self.draft()
        other_size = slots.size is not None and slots.size != draft.new_size
        other_color = slots.color is not None and slots.color != draft.new_color
        if other_size or other_color:
            await self.variant_typed(slots, text)
            return
        yes = choices.yes_or_no(text)
        if yes is None and self._said_again(text, extract_slots(text), draft):
            yes = True  # "换L" to "换成 L，对吗？": the same size said back is the yes
        condition = choices.fit_for_resale(text) if yes is None else None
        if condition is not None:
            # "没穿过 吊牌还在": the next question answered first — kept, this one asked again.
            draft.fit_for_resale, draft.condition_said = condition, True
            await self.keep(draft)
            await self.ask_size_confirm(draft, self.conv.t("exchange.condition_noted"))
            return
        await self.read_typed(yes, self.size_confirmed, decision, "choice.again.yes_no")

    @staticmethod
    def _said_again(text: str, slots: Slots, draft: ExchangeDraft) -> bool:
        """The size (or colour) the read-back named, said again and not denied. ``slots``: this
        message's own (the turn's may hold the topic's size: "换货运费谁出啊 能用微信付吗" was
        taken for the "M" said back, and the question never answered)."""
        if _DENIED.search(_UNCHANGED.sub(" ", text)):
            return False
        wish = size_wish(text)
        size = wish.target or slots.size
        if size is None and slots.color in (None, draft.new_color) and _one_step(
            wish, draft.old_size, draft.new_size
        ):
            return True  # "换小一码的" to L → M: the size quoted, said as its step
        return (size is not None and size == draft.new_size and slots.color in (None,
                draft.new_color)) or (size is None and slots.color is not None
                                      and slots.color == draft.new_color)  # fmt: skip

    def _corrected(self, text: str, draft: ExchangeDraft) -> bool:
        """ "不对不对 我说错了 要XL" after the size was settled: the draft takes the size (or
        colour) now named; ``False`` when nothing new is named. ("颜色还是白的吧 我就换大一码 L":
        the L named beside the step, read as a step alone, kept the old size: "the same as
        the one you have"). Only what the message itself names: the decision's slots may hold
        the chat's topic's (a colour named turns before, sold out since: "没穿 吊牌在" under
        the grey one's terms went back to the beige)."""
        wish = size_wish(text)
        own = extract_slots(text)
        size = wish.target or (own.size if wish.step else None)
        color = own.color if own.color not in (None, draft.new_color) else None
        if color is None and own.color is not None:
            # the colour she wants of those named: "白的容易脏 还是换灰色的L吧" is grey (the
            # white she has, named first, was taken as the same colour again: the change lost)
            wanted = wanted_color(text)
            color = wanted if wanted not in (None, draft.new_color) else None
        if (size is None or size == draft.new_size) and color is None:
            return False
        draft.new_size = size or draft.new_size
        draft.new_color = color or draft.new_color
        draft.size_confirmed = True
        return True

    async def resale_typed(self, text: str, decision: Decision | None) -> None:
        """The condition asked, and a size corrected instead ("不对 我说错了 要XL"): the new
        size is taken and the condition asked again (it went on with the old size)."""
        draft = await self.draft()
        if choices.fit_for_resale(text) is None and self._corrected(text, draft):
            await self.conv.say(
                self.conv.t("exchange.corrected", size=draft.new_size, color=draft.new_color)
            )
            await self.ask_resale(draft)
            return
        await super().resale_typed(text, decision)

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """At the one confirmation: a size corrected ("actually XL please") is quoted again for
        it; the item's condition told ("没洗过 吊牌在") is noted — the confirmation asked again,
        or, told otherwise ("穿过一次"), quoted as told (refused in plain words); the size said
        back ("换L") asks again; a "no" to a size read from her words asks which size."""
        draft = await self.draft()
        yes = choices.yes_or_no(text)
        if names_a_garment(text) and await self._other_item(text, draft):
            return
        if self._corrected(text, draft):  # "不对 我说错了 要XL": that size quoted
            await self.quote(draft)
            return
        # (a bare yes or no is the confirmation's answer, not the item's condition)
        condition = choices.fit_for_resale(text) if yes is None and not draft.quality else None
        if condition is not None:
            draft.fit_for_resale, draft.condition_said = condition, True
            if condition is False:
                await self.quote(draft)  # the worker's word on a worn or washed item
                return
            await self.keep(draft)
            await self.conv.say(self.conv.t("exchange.condition_noted_confirm"))
            return
        if yes is None and self._said_again(text, extract_slots(text), draft):
            await self.conv.say(self.conv.t("exchange.condition_noted_confirm"))
            return
        if yes is False and draft.read_back and not _CANCELLED.search(text):
            await self.size_confirmed(False)  # "不对" to the size read back: which one, then
            return
        await super().confirm_typed(text, decision)

    async def _other_item(self, text: str, draft: ExchangeDraft) -> bool:
        """ "actually not the jeans, they're fine. the tee, i need it in L" at the confirmation:
        another item of the order is the one, with the size or colour now named (jobs batch 10:
        the L went on the jeans, refused as the same size); ``False`` when only the item in
        the confirmation, or none, is named."""
        wish = size_wish(text)
        own = extract_slots(text)
        if not (wish.said or own.size or own.color):
            return False  # (an item named with no size or colour for it: "把T恤退了")
        order = await self.drafted_order(draft)
        if order is None:
            return True  # (the order couldn't be read again: said, or the contact asked)
        others = [
            i
            # (not one she keeps: "the tee is fine, ill keep it. just the jeans to XL")
            for i in choices.items_mentioned(choices.without_kept(text), order.items, every=True)
            if i.item_id != draft.item_id
        ]
        if len(others) != 1:
            return False
        fresh = ExchangeDraft(
            order_no=draft.order_no,
            request=text[:300],
            new_size=wish.target or own.size,
            new_color=wanted_color(text) or own.color,
            size_step=wish.step,
            size_base=wish.base,
            then=draft.then,
        )
        await self.with_item(fresh, order, others[0].item_id)
        return True

    async def variant_picked(self, size: str, color: str) -> None:
        draft = await self.draft()
        draft.new_size, draft.new_color = size, color
        await self.ask_resale(draft)

    async def variant_typed(self, slots: Slots, text: str = "") -> None:
        """A size or colour typed instead of tapped; of two colours named, the one wanted ("黑的
        没了 那白色L行吗" is white: the slot is the first named). Another item named instead of
        this one ("哦不对 不是T恤 是那件真丝衬衫 M码小了要换L"): the exchange starts again for
        it, in whichever of her orders it is (jobs batch 12: M was read as the T-shirt's new
        size, "the same as before")."""
        instead = _NOT_THIS.sub(" ", text)
        if instead != text and names_a_garment(instead):
            await self.finish()
            await self.start(extract_slots(instead), instead.strip())
            return
        color = wanted_color(text) or slots.color
        if not (slots.size or color):
            await self.conv.say(self.conv.t("choose.size"))
            return
        draft = await self.draft()
        draft.new_size = slots.size or draft.old_size
        draft.new_color = color or draft.old_color
        if await self.lacks_the_variant(draft):
            return
        await self.ask_resale(draft)

    async def lacks_the_variant(self, draft: ExchangeDraft) -> bool:
        """A size or colour named that the item doesn't come in ("换成紫色的", "3XL"), or has
        none left of ("米色的XXL" sold out): said plainly, with the sizes and colours it does
        come in (or what is in stock in that size and colour), and what is in stock now to pick
        from, nearest first (the flow waits for the pick): never the quote's "out of stock"
        and a supervisor offered. ``False`` when it comes in what was named (or
        nothing was, or the product can't be read now)."""
        if draft.product_id is None or not (draft.new_size or draft.new_color):
            return False
        try:
            reply = await self.rpc.call(GetProduct(product_id=draft.product_id))
        except BusError:
            return False  # the quote will say what the worker makes of it
        if not isinstance(reply, ProductFound) or not reply.product.variants:
            return False
        variants = reply.product.variants
        size = draft.new_size or draft.old_size
        color = draft.new_color or draft.old_color
        said = not_made_in(
            self.conv, variants, draft.item_title, draft.new_size, draft.new_color
        ) or sold_out(self.conv, variants, size, color, own=(draft.old_size, draft.old_color))
        if said is None:
            return False
        options = in_stock_others(variants, draft.old_size, draft.old_color, near=(size, color))
        draft.new_size, draft.new_color, draft.size_confirmed = None, None, False
        draft.size_step, draft.size_base = 0, None
        if not options:
            await self.finish()
            await self.conv.say(said)
            await outcomes.exchange_refused(self.conv, ["out_of_stock"])
            return True
        await self.wait(ExchangeRequest.waiting_for_variant, draft)
        await self.conv.say(
            said + "\n" + self.conv.t("exchange.pick_in_stock"),
            reply_markup=keyboards.variants(
                (v.size, v.color, self.variant(v.size, v.color)) for v in options
            ),
        )
        return True

    async def ask_resale(self, draft: ExchangeDraft) -> None:
        """The size and colour known: on to the one confirmation. The item's condition is not
        asked on its own: the confirmation states the rule (tags on, unworn, unwashed; checked
        when it arrives), and confirming says it holds — a condition told otherwise ("穿过一次")
        goes to the worker as told and is refused in plain words."""
        await self.quote(draft)

    async def ask_condition(self, draft: ExchangeDraft) -> None:
        """ "tags on, unworn?" on its own (a chat waiting at it from before)."""
        await self.wait(ExchangeRequest.waiting_for_resale, draft)
        await self.conv.say(
            self.conv.t("exchange.fit_question"),
            reply_markup=keyboards.yes_no(self.conv.t, lambda fit: ResaleCallback(fit=fit)),
        )

    async def resale_answered(self, fit: bool) -> None:
        draft = await self.draft()
        draft.fit_for_resale = fit
        await self.quote(draft)

    async def quote(self, draft: ExchangeDraft) -> None:
        """The worker's terms, and the confirmation button."""
        conv = self.conv
        assert draft.order_no is not None
        by_confirming = not (draft.condition_said or draft.quality)
        if by_confirming:
            draft.fit_for_resale = True  # what pressing "confirm" under the rule says
        request = draft.quote(conv.user_id, conv.memory.proof_for(draft.order_no))
        reply = await self.rpc.call(request)
        if isinstance(reply, ContactRequired):
            await self.pause_for_contact(draft, reply.reason, ExchangeRequest.waiting_for_confirm)
            return
        if not isinstance(reply, ExchangeTerms):
            await self.finish()
            await outcomes.explain(conv, reply)
            return
        if not reply.eligible:
            logger.info("exchange refused for chat %s: %s", conv.chat_id, ",".join(reply.reasons))
            await self.finish()
            await outcomes.exchange_refused(conv, reply.reasons, draft.kind)
            await self.next_item(draft)
            return
        draft.key = draft.key or idempotency_key(conv.user_id)
        await self.wait(ExchangeRequest.waiting_for_confirm, draft)
        variant = self.variant(draft.new_size, draft.new_color)
        same = (draft.new_size, draft.new_color) == (draft.old_size, draft.old_color)
        terms = conv.replies.exchange_quote(
            conv.locale,
            item=draft.item_title,
            new_variant=conv.t("exchange.same_new", variant=variant) if same else variant,
            postage_payer=reply.postage_payer,
            # a faulty item's window is lifted: no date to confirm by
            deadline=None if draft.quality else reply.deadline,
        )
        # one confirmation: which order, the condition it must be in, the price (the same item
        # in another size or colour costs the same)
        head, _, rest = terms.partition("\n")
        lines = [conv.t("exchange.confirm_order", order_no=draft.order_no) + head]
        if by_confirming:
            lines.append(conv.t("exchange.condition_rule"))
        lines += [conv.t("exchange.no_price_difference"), rest]
        await conv.say("\n".join(lines), reply_markup=keyboards.confirm_exchange(conv.t))

    async def confirmed(self, confirm: bool) -> None:
        conv = self.conv
        if not confirm:
            await self.finish()
            await conv.say(conv.t("cancelled"))
            return
        draft = await self.draft()
        assert draft.order_no is not None
        key = draft.key or idempotency_key(conv.user_id)
        quote = draft.quote(conv.user_id, conv.memory.proof_for(draft.order_no))
        request = CreateExchange(idempotency_key=key, **quote.model_dump())
        reply = await call_command(conv, self.rpc, request)
        if isinstance(reply, ContactRequired):
            # Once the contact is linked, the terms come back under a fresh key (this one
            # stands for the refused request now).
            draft.key = None
            await self.pause_for_contact(draft, reply.reason, ExchangeRequest.waiting_for_confirm)
            return
        await self.finish()
        if isinstance(reply, ExchangeCreated):
            logger.info("exchange %s created for chat %s", reply.exchange.rma_no, conv.chat_id)
            created = conv.replies.exchange_created(
                conv.locale, rma_no=reply.exchange.rma_no, postage_payer=reply.postage_payer
            )
            await done.say(
                conv, "exchange", created, order_no=draft.order_no, reference=reply.exchange.rma_no
            )
        else:
            await outcomes.explain(conv, reply)
        await self.next_item(draft)

    async def next_item(self, draft: ExchangeDraft) -> None:
        """The next item the same message asked to exchange ("裤子换M" of "T恤换L 裤子换M"),
        once this one is done or refused: of the same order, its condition as told for both."""
        if not draft.then or draft.order_no is None:
            return
        asked, *rest = draft.then
        wish = size_wish(asked)
        following = ExchangeDraft(
            new_size=wish.target,
            new_color=wanted_color(asked),
            size_step=wish.step,
            size_base=wish.base,
            request=asked,
            quality=draft.quality,
            fit_for_resale=draft.fit_for_resale,
            condition_said=draft.condition_said,
            then=rest,
        )
        await self.conv.say(self.conv.t("exchange.next_item"))
        await self.open_order(following, draft.order_no, None)

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == ExchangeRequest.waiting_for_confirm.state:
            await self.quote(draft)  # the terms again, for the customer it is now
        elif at == ExchangeRequest.waiting_for_resale.state:
            await self.ask_condition(draft)
        elif draft.order_no is not None and at != ExchangeRequest.waiting_for_order.state:
            await self.open_order(draft, draft.order_no, None)
        else:
            # the item named before the contact was shared picks its order now
            await self.offer_own_orders(draft, draft.request, ask_contact=False)
