"""Events on the topic exchange (``{prefix}.events``), for whoever listens."""

from __future__ import annotations

from typing import ClassVar

from bus.contracts.base import Event
from bus.contracts.exchanges import ExchangeView
from shop.enums import AlertKind, ClosedBy, TicketReason


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


class TicketTakenEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.taken"
    ticket_no: str
    agent_id: int
    waited_s: int
    previous_agent_id: int | None = None


class TicketClosedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.closed"
    ticket_no: str
    closed_by: ClosedBy
    first_response_s: int | None
    handling_s: int | None


class TicketRatedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.rated"
    ticket_no: str
    rating: int | None


class TicketAlertEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.alert"
    ticket_no: str
    alert: AlertKind
    count: int


class TicketRevealedEvent(Event):
    """Who saw a customer's contact details (never the details)."""

    ROUTING_KEY: ClassVar[str] = "ticket.revealed"
    ticket_no: str
    agent_id: int
