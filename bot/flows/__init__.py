"""The bot's multi-step conversations, one module per flow: its states (a ``StatesGroup``), its
draft (a pydantic model kept in the FSM data) and its steps (a ``Flow`` subclass). Handlers in
``bot/handlers/`` read the event and call a step. ``base`` has what they share; docs/bot.md
says how to add a flow.
"""

from bot.flows import (
    address,
    exchange,
    identity,
    invoice,
    notes,
    orders,
    products,
    returns,
    shipping,
    size,
)
from bot.flows.base import Flow, Flows
from intents import Slots

FLOWS: tuple[type[Flow], ...] = (
    orders.OrderQueryFlow,
    orders.OrderChangeFlow,
    returns.ReturnFlow,
    address.AddressFlow,
    exchange.ExchangeFlow,
    size.SizeFlow,
    shipping.ShippingFlow,
    invoice.InvoiceFlow,
    products.ProductFacts,
    notes.OrderNoteFlow,
)


async def start_remedy(
    flows: Flows, remedy: str, slots: Slots, told: str, *, sorry: bool = True
) -> None:
    """A faulty item's remedy asked for ("衣服有个洞 退了吧", "the zip broke, send me a new
    one"): the apology (unless ``sorry`` is False: said already), then the return, or the
    exchange for a new one, with the fault told (``told``: it names the item and makes it the
    shop's fault — postage both ways the shop's, no condition asked)."""
    if sorry:
        await flows.conv.say(flows.conv.t("quality.sorry"))
    if remedy == "exchange":
        await flows.get(exchange.ExchangeFlow).start(slots, told)
    else:
        await flows.get(returns.ReturnFlow).start(slots, told)


__all__ = [
    "FLOWS",
    "Flow",
    "address",
    "exchange",
    "identity",
    "invoice",
    "notes",
    "orders",
    "products",
    "returns",
    "shipping",
    "size",
    "start_remedy",
]
