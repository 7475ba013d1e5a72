"""Events on the topic exchange (``{prefix}.events``), for whoever listens."""

from __future__ import annotations

from typing import ClassVar

from bus.contracts.base import Event
from bus.contracts.exchanges import ExchangeView
from shop.enums import TicketReason


class ExchangeCreatedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "exchange.created"
    exchange: ExchangeView


class AddressChangedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "order.address_changed"
    order_no: str


class TicketOpenedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.opened"
    ticket_no: str
    telegram_user_id: int
    chat_id: int
    reason: TicketReason
