"""A question about an order (status, refund, address, cancelling, changing it): find the
customer's order — from their linked orders, or by its number and the last four digits of its
phone — show it, and answer what was asked about it."""

from __future__ import annotations

import logging

from aiogram.fsm.state import State, StatesGroup

from bot import keyboards
from bot.flows.address import AddressFlow
from bot.flows.base import Draft, Flow
from bot.services.escalation import open_ticket
from bot.services.orders import lookup, offer_orders, order_card
from bus.contracts import ContactRequired, OrderFound, OrderView
from intents import Decision
from intents.slots import answered_last4, order_number

logger = logging.getLogger(__name__)


class OrderQuery(StatesGroup):
    """Finding the customer's order for a question about it."""

    waiting_for_order = State()
    waiting_for_last4 = State()


class OrderQueryDraft(Draft):
    intent: str = "order.status"
    """What the customer asked about the order (a lookup intent of the catalogue)."""
    order_no: str | None = None


class OrderQueryFlow(Flow):
    states = OrderQuery

    async def draft(self) -> OrderQueryDraft:
        return await self.load(OrderQueryDraft)

    async def ask(self, intent: str, order_no: str | None, last4: str | None) -> None:
        """A question about an order: find it, by its number or among the customer's own."""
        draft = OrderQueryDraft(intent=intent, order_no=order_no)
        if order_no is not None:
            await self.find(draft, last4)
            return
        found = await offer_orders(self.conv, self.rpc, "q")
        if found is None:
            await self.wait(OrderQuery.waiting_for_order, draft)
            return
        await self.finish()
        await self.answer(found, intent)

    async def number_typed(self, text: str, decision: Decision | None) -> None:
        order_no = order_number(text)
        if order_no is None:
            await self.ask_again_or_step_aside(decision, "ask.order_no")
            return
        draft = await self.draft()
        draft.order_no = order_no
        await self.find(draft, answered_last4(text))

    async def last4_typed(self, text: str, decision: Decision | None) -> None:
        last4 = answered_last4(text)
        if last4 is None:
            await self.ask_again_or_step_aside(decision, "ask.phone_last4")
            return
        draft = await self.draft()
        draft.order_no = order_number(text) or draft.order_no
        await self.find(draft, last4)

    async def picked(self, order_no: str) -> None:
        """An order chosen from the customer's list (or from /orders)."""
        draft = await self.draft()
        draft.order_no = order_no
        await self.find(draft, None)

    async def find(self, draft: OrderQueryDraft, last4: str | None) -> None:
        assert draft.order_no is not None
        result = await lookup(self.rpc, self.conv, draft.order_no, last4)
        if isinstance(result, OrderFound):
            await self.finish()
            await self.answer(result, draft.intent)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, OrderQuery.waiting_for_last4)
        else:
            await self.not_found(
                result,
                draft,
                waiting_for_order=OrderQuery.waiting_for_order,
                waiting_for_last4=OrderQuery.waiting_for_last4,
            )

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == OrderQuery.waiting_for_last4.state and draft.order_no is not None:
            await self.find(draft, None)  # the order they were proving: theirs now, or not
            return
        found = await offer_orders(self.conv, self.rpc, "q", ask_contact=False)
        if found is None:
            await self.wait(OrderQuery.waiting_for_order, draft)
            return
        await self.finish()
        await self.answer(found, draft.intent)

    # -- the answer ----------------------------------------------------------------------------
    async def answer(self, found: OrderFound, intent: str) -> None:
        """The order card, and what the question needs on top of it. Only the order's verified
        customer (``found.access == "owner"``) may change it."""
        conv, order = self.conv, found.order
        await conv.say(order_card(conv, order), reply_markup=conv.feedback(intent))
        if intent == "order.change_address":
            await AddressFlow(conv, self.rpc, self.state).start(order, found.access)
        elif intent == "order.cancel":
            await self.cancel(order)
        elif intent == "order.modify":
            await self.change_items(order, found.access)
        elif intent == "returns.refund_progress":
            await conv.say(conv.replies.answer("returns.refund_progress", conv.locale))

    async def cancel(self, order: OrderView) -> None:
        conv = self.conv
        if order.state == "awaiting_payment":
            hours = conv.replies.policy.orders.unpaid_close_hours
            await conv.say(conv.t("order.cancel.unpaid", hours=hours))
        else:
            await conv.say(
                conv.t("order.cancel.by_agent"), reply_markup=keyboards.offer_human(conv.t, "other")
            )

    async def change_items(self, order: OrderView, access: str) -> None:
        """A size, colour or quantity change. A person makes it before the order ships (the
        worker has no command for it yet): the request goes to them as a ticket, with the chat
        that says what to change; otherwise the customer hears plainly why it can't be done.

        Items may change exactly when the address may (paid, not shipped), so the worker's
        ``address_refusal`` decides here too."""
        conv = self.conv
        refusal = order.address_refusal
        if refusal == "not_paid":
            hours = conv.replies.policy.orders.unpaid_close_hours
            await conv.say(conv.t("order.modify.unpaid", hours=hours))
        elif refusal == "already_shipped":
            await conv.say(conv.t("order.modify.shipped"))
        elif refusal == "closed":
            await conv.say(conv.t("order.modify.closed"))
        elif access != "owner":
            # Like any change, a request to change the order needs its verified customer.
            draft = OrderQueryDraft(intent="order.modify", order_no=order.order_no)
            await self.pause_for_contact(draft, "write", OrderQuery.waiting_for_last4)
        else:
            await conv.say(conv.t("order.modify.by_agent"))
            await open_ticket(
                conv,
                self.rpc,
                reason="customer_asked",
                intent="order.modify",
                order_no=order.order_no,
            )
