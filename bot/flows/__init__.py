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
    orders,
    products,
    returns,
    shipping,
    size,
)
from bot.flows.base import Flow

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
)

__all__ = [
    "FLOWS",
    "Flow",
    "address",
    "exchange",
    "identity",
    "invoice",
    "orders",
    "products",
    "returns",
    "shipping",
    "size",
]
