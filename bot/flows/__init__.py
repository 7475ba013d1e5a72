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
from bot.services import choices
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
        # "裤子小了 衬衫开线了 都想退": sorry for the faulty one — the postage of the other is
        # hers (the return takes a cause per item)
        mixed = choices.own_choice_too(told)
        await flows.conv.say(flows.conv.t("quality.sorry_one" if mixed else "quality.sorry"))
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
