"""Invoice requests: the steps are ``bot.flows.invoice``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText
from bot.flows.base import Flows
from bot.flows.invoice import InvoiceFlow, InvoiceRequest
from bot.keyboards import InvoiceTypeCallback, OrderPickCallback
from bot.routing import IntentRoute
from intents import Decision


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    flows.message.filter(StateFilter(InvoiceRequest))
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
        StateFilter(
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
