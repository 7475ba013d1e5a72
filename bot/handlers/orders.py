"""Order questions (status, refund progress, address change, cancelling, changing items): the
customer's own orders only. The steps are ``bot.flows.orders`` and ``bot.flows.address``."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import StateFilter
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText
from bot.flows.address import AddressChange, AddressFlow
from bot.flows.base import Flows
from bot.flows.orders import OrderQuery, OrderQueryFlow
from bot.keyboards import OrderPickCallback
from bot.routing import IntentRoute
from intents import Decision


def get_routers() -> tuple[Router, Router]:
    """(the flow's state and button handlers, the intent handlers): flows go first."""
    flows = Router(name=f"{__name__}.flows")
    # One state check for the whole router: text outside these flows skips it at once.
    flows.message.filter(StateFilter(OrderQuery, AddressChange))
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

    @router.message(IntentRoute(action="lookup"))
    async def handle_order_question(message: Message, flows: Flows, decision: Decision) -> None:
        slots = decision.slots
        await flows.get(OrderQueryFlow).ask(decision.intent, slots.order_no, slots.phone_last4)

    return flows, router
