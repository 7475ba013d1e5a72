"""Events on the topic exchange (``{prefix}.events``), for whoever listens.

Events carry numbers and codes, never a phone, an address, an invoice title or the customer's
words: whoever needs those asks the worker with the order number."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from bus.contracts.base import Event
from bus.contracts.changes import RefundView
from bus.contracts.exchanges import ExchangeView
from bus.contracts.returns import ReturnView
from shop.enums import (
    AlertKind,
    ClosedBy,
    CourierCode,
    InspectionOutcome,
    InvoiceTitleType,
    RefundCause,
    RemarkFlag,
    ReturnRefusal,
    TicketReason,
    UrgeStage,
)


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


class TicketReleasedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "ticket.released"
    ticket_no: str
    agent_id: int


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


class TicketStaffRepliedEvent(Event):
    """The shop's staff answered a ticket without the desk (``tickets.staff_reply``): the bot
    sends the answer into the customer's chat. The answer's words are not carried: the bot
    reads transcript line ``line`` of the ticket from the worker (``tickets.get``)."""

    ROUTING_KEY: ClassVar[str] = "ticket.staff_replied"
    ticket_no: str
    chat_id: int
    locale: str
    line: int | None = None
    closed: bool = False


class TicketRevealedEvent(Event):
    """Who saw a customer's contact details (never the details)."""

    ROUTING_KEY: ClassVar[str] = "ticket.revealed"
    ticket_no: str
    agent_id: int
class ReturnCreatedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "return.created"
    SCHEMA_VERSION: ClassVar[int] = 3  # 3: the items' own causes and postage payers
    record: ReturnView


class ItemModifiedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "order.item_modified"
    order_no: str
    item_id: int
    old_sku: str
    new_sku: str


class OrderCancelledEvent(Event):
    ROUTING_KEY: ClassVar[str] = "order.cancelled"
    order_no: str
    close_reason: str
    refund: RefundView | None = None


class CourierRequestedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "order.courier_requested"
    order_no: str
    courier: CourierCode


class OrderUrgedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "order.urged"
    order_no: str
    stage: UrgeStage
    overdue: bool


class OrderNoteAddedEvent(Event):
    """A customer's note written on her order (``orders.add_note``): its flag (red: the
    warehouse must not miss it), never its words — they may hold a phone or an address."""

    ROUTING_KEY: ClassVar[str] = "order.note_added"
    order_no: str
    flag: RemarkFlag


class InvoiceRequestedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "invoice.requested"
    invoice_no: str
    order_no: str
    title_type: InvoiceTitleType
    amount: Decimal


# ── the shop's after-sales steps (bus/contracts/aftersales.py): told to the customer ──────


class ReturnReceivedEvent(Event):
    """A return's parcel arrived and was checked. ``telegram_user_id``: the customer's linked
    account (none: nobody to tell in a chat)."""

    ROUTING_KEY: ClassVar[str] = "return.received"
    return_no: str
    order_no: str
    telegram_user_id: int | None
    outcome: InspectionOutcome
    refusal: ReturnRefusal | None = None
    refund_no: str | None = None
    refund_amount: Decimal


class RefundIssuedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "refund.issued"
    refund_no: str
    return_no: str | None = None
    order_no: str
    telegram_user_id: int | None
    cause: RefundCause
    amount: Decimal


class ExchangeReceivedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "exchange.received"
    rma_no: str
    order_no: str
    telegram_user_id: int | None


class ExchangeShippedEvent(Event):
    ROUTING_KEY: ClassVar[str] = "exchange.shipped"
    rma_no: str
    order_no: str
    telegram_user_id: int | None
    courier: CourierCode
    tracking_no: str


CUSTOMER_NOTICES: tuple[type[Event], ...] = (
    ReturnReceivedEvent,
    RefundIssuedEvent,
    ExchangeReceivedEvent,
    ExchangeShippedEvent,
)
"""The events the bot tells the customer of in her chat (``bot/notices.py``)."""
