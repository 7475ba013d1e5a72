"""Invoice requests: the steps are ``bot.flows.invoice``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.invoice import InvoiceFlow, InvoiceRequest
from bot.keyboards import InvoiceTypeCallback, OrderPickCallback
from bot.routing import IntentRoute
from intents import Decision


class InvoiceOnNamedOrder(Filter):
    """A message naming an order whose likeliest reading, short of sure, is the invoice."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        return (
            decision is not None
            and decision.outcome == "clarify"
            and decision.intent == "payment.invoice"
            and decision.slots.order_no is not None
        )


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    flows.message.filter(InState(InvoiceRequest))
    router = Router(name=__name__)

    @router.message(IntentRoute("payment.invoice"))
    async def handle_invoice_request(message: Message, flows: Flows, decision: Decision) -> None:
        await flows.get(InvoiceFlow).start(message.text or "", decision.slots)


    @flows.message(InvoiceRequest.waiting_for_order, HasText())
    async def on_invoice_order(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(InvoiceFlow).order_typed(message.text or "", decision)

    @flows.message(
        InState(
            InvoiceRequest.waiting_for_type,
            InvoiceRequest.waiting_for_title,
            InvoiceRequest.waiting_for_tax_no,
        ),
        HasText(),
    )
    async def on_invoice_details(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(InvoiceFlow).details_typed(message.text or "", decision)

    @flows.callback_query(OrderPickCallback.filter(F.flow == "i"))
    async def on_invoice_order_picked(
        query: CallbackQuery, callback_data: OrderPickCallback, flows: Flows
    ) -> None:
        await flows.get(InvoiceFlow).order_picked(callback_data.order_no)

    @flows.callback_query(InvoiceRequest.waiting_for_type, InvoiceTypeCallback.filter())
    async def on_invoice_type(
        query: CallbackQuery, callback_data: InvoiceTypeCallback, flows: Flows
    ) -> None:
        await flows.get(InvoiceFlow).type_picked(callback_data.title_type)

    return flows, router


def get_named_order_router() -> Router:
    """The invoice asked on an order named, the engine short of sure (after the intents,
    before an order number typed is read as the order's status)."""
    router = Router(name=f"{__name__}.named_order")

    @router.message(HasText(), InvoiceOnNamedOrder())
    async def handle_invoice_on_named_order(
        message: Message, flows: Flows, decision: Decision
    ) -> None:
        """ "KF-2620-0341 这个订单帮我开张发票": the engine unsure between the invoice and the
        order's status (the number reads as the order's), the invoice first — the order named
        is the one to invoice, not a card to show (it asked the last four digits, showed the
        card, and the invoice was lost)."""
        await flows.get(InvoiceFlow).start(message.text or "", decision.slots)

    return router
