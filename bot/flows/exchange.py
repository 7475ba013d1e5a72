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

from aiogram.fsm.state import State, StatesGroup

from bot import keyboards
from bot.flows.base import Draft, Flow
from bot.keyboards import ResaleCallback
from bot.services import outcomes
from bot.services.escalation import call_command, idempotency_key
from bot.services.orders import lookup, offer_orders
from bus.contracts import (
    ContactRequired,
    CreateExchange,
    ExchangeCreated,
    ExchangeTerms,
    GetProduct,
    OrderFound,
    OrderView,
    ProductFound,
    QuoteExchange,
)
from intents import Decision, Slots
from intents.slots import answered_last4, order_number

logger = logging.getLogger(__name__)


class ExchangeRequest(StatesGroup):
    waiting_for_order = State()
    waiting_for_last4 = State()
    waiting_for_item = State()
    waiting_for_variant = State()
    waiting_for_resale = State()
    waiting_for_confirm = State()


class ExchangeDraft(Draft):
    order_no: str | None = None
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

    def quote(self, user_id: int, proof: str | None) -> QuoteExchange:
        assert self.order_no is not None and self.item_id is not None
        return QuoteExchange(
            order_no=self.order_no,
            telegram_user_id=user_id,
            phone_last4=proof,
            item_id=self.item_id,
            new_size=self.new_size,
            new_color=self.new_color,
            fit_for_resale=self.fit_for_resale,
        )


class ExchangeFlow(Flow):
    states = ExchangeRequest

    async def draft(self) -> ExchangeDraft:
        return await self.load(ExchangeDraft)

    async def start(self, slots: Slots) -> None:
        """ "I want another size": the size or colour they named is kept for later."""
        await self.finish()
        draft = ExchangeDraft(new_size=slots.size, new_color=slots.color)
        if slots.order_no is not None:
            await self.open_order(draft, slots.order_no, slots.phone_last4)
            return
        await self.conv.say(self.conv.replies.answer("returns.exchange", self.conv.locale))
        await self.wait(ExchangeRequest.waiting_for_order, draft)
        found = await offer_orders(self.conv, self.rpc, "x")
        if found is not None:
            await self.with_order(draft, found.order)

    async def number_typed(self, text: str, decision: Decision | None) -> None:
        order_no = order_number(text)
        if order_no is None:
            await self.ask_again_or_step_aside(decision, "ask.order_no")
            return
        await self.open_order(await self.draft(), order_no, answered_last4(text))

    async def last4_typed(self, text: str, decision: Decision | None) -> None:
        last4 = answered_last4(text)
        draft = await self.draft()
        if last4 is None or draft.order_no is None:
            await self.ask_again_or_step_aside(decision, "ask.phone_last4")
            return
        await self.open_order(draft, draft.order_no, last4)

    async def order_picked(self, order_no: str) -> None:
        await self.open_order(await self.draft(), order_no, None)

    async def open_order(self, draft: ExchangeDraft, order_no: str, last4: str | None) -> None:
        result = await lookup(self.rpc, self.conv, order_no, last4)
        draft.order_no = order_no
        if isinstance(result, OrderFound):
            await self.with_order(draft, result.order)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, ExchangeRequest.waiting_for_last4)
        else:
            await self.not_found(
                result,
                draft,
                waiting_for_order=ExchangeRequest.waiting_for_order,
                waiting_for_last4=ExchangeRequest.waiting_for_last4,
            )

    async def with_order(self, draft: ExchangeDraft, order: OrderView) -> None:
        """The order is known: pick the item (or take the only one)."""
        candidates = [i for i in order.items if not i.exchanged] or list(order.items)
        draft.order_no = order.order_no
        if len(candidates) == 1:
            await self.with_item(draft, order, candidates[0].item_id)
            return
        await self.wait(ExchangeRequest.waiting_for_item, draft)
        await self.conv.say(
            self.conv.t("choose.item"),
            reply_markup=keyboards.items(
                (i.item_id, f"{i.product_name} {i.size}/{i.color}"[:60]) for i in candidates
            ),
        )

    async def item_picked(self, item_id: int) -> None:
        draft = await self.draft()
        if draft.order_no is None:
            await self.finish()
            return
        result = await lookup(self.rpc, self.conv, draft.order_no)
        if isinstance(result, OrderFound):
            await self.with_item(draft, result.order, item_id)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, ExchangeRequest.waiting_for_last4)
        else:
            await self.finish()
            await outcomes.explain(self.conv, result)

    async def with_item(self, draft: ExchangeDraft, order: OrderView, item_id: int) -> None:
        item = next((i for i in order.items if i.item_id == item_id), None)
        if item is None:
            await self.finish()
            await outcomes.exchange_refused(self.conv, ["item_not_in_order"])
            return
        draft.item_id = item.item_id
        draft.item_title = f"{item.product_name} {item.size}/{item.color}"
        draft.old_size, draft.old_color = item.size, item.color
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
            self.conv.t("choose.size"),
            reply_markup=keyboards.variants(
                (v.size, v.color, f"{v.size} / {v.color}") for v in options
            ),
        )

    async def variant_picked(self, size: str, color: str) -> None:
        draft = await self.draft()
        draft.new_size, draft.new_color = size, color
        await self.ask_resale(draft)

    async def variant_typed(self, slots: Slots) -> None:
        if not (slots.size or slots.color):
            await self.conv.say(self.conv.t("choose.size"))
            return
        draft = await self.draft()
        draft.new_size = slots.size or draft.old_size
        draft.new_color = slots.color or draft.old_color
        await self.ask_resale(draft)

    async def ask_resale(self, draft: ExchangeDraft) -> None:
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
            await outcomes.exchange_refused(conv, reply.reasons)
            return
        draft.key = draft.key or idempotency_key(conv.user_id)
        await self.wait(ExchangeRequest.waiting_for_confirm, draft)
        await conv.say(
            conv.replies.exchange_quote(
                conv.locale,
                item=draft.item_title,
                new_variant=f"{draft.new_size} / {draft.new_color}",
                postage_payer=reply.postage_payer,
                deadline=reply.deadline,
            ),
            reply_markup=keyboards.confirm_exchange(conv.t),
        )

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
            await conv.say(
                conv.replies.exchange_created(
                    conv.locale, rma_no=reply.exchange.rma_no, postage_payer=reply.postage_payer
                )
            )
        else:
            await outcomes.explain(conv, reply)

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == ExchangeRequest.waiting_for_confirm.state:
            await self.quote(draft)  # the terms again, for the customer it is now
        elif at == ExchangeRequest.waiting_for_resale.state:
            await self.ask_resale(draft)
        elif draft.order_no is not None and at != ExchangeRequest.waiting_for_order.state:
            await self.open_order(draft, draft.order_no, None)
        else:
            await self.wait(ExchangeRequest.waiting_for_order, draft)
            found = await offer_orders(self.conv, self.rpc, "x", ask_contact=False)
            if found is not None:
                await self.with_order(draft, found.order)
