"""The shop's data, owned by the worker. ORM models never leave ``worker/``."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    literal_column,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.elements import ColumnElement

from bus.contracts.ops import TURN_OUTCOMES
from shop.enums import (
    INVOICE_STATES,
    INVOICE_TITLE_TYPES,
    ITEM_KINDS,
    ORDER_STATES,
    PRODUCT_CATEGORIES,
    REFUND_CAUSES,
    REFUND_STATES,
    REMARK_FLAGS,
    RETURN_CAUSES,
    RETURN_POSTAGE_PAYERS,
    RETURN_REFUSALS,
    RETURN_STATES,
    TICKET_STATES,
    URGE_STAGES,
    ClosedBy,
    ExchangeState,
    InvoiceState,
    InvoiceTitleType,
    ItemKind,
    OrderState,
    PostagePayer,
    ProductCategory,
    RefundCause,
    RefundState,
    RemarkFlag,
    ReturnCause,
    ReturnPostagePayer,
    ReturnRefusal,
    ReturnState,
    TicketReason,
    TicketState,
    UrgeStage,
)

Money = Numeric(10, 2)


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """``column IN (...)`` from one of the shop's enumerations (``shop.enums``)."""
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: DateTime(timezone=True),
        dict[str, Any]: JSON,
    }


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    telegram_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    linked_at: Mapped[datetime | None]
    created_at: Mapped[datetime]

    orders: Mapped[list[Order]] = relationship(back_populates="customer")


class Product(Base):
    """A product. Every change to this table bumps ``catalogue_state.version`` (database
    triggers, migration 0002), which is how workers know to reload their search catalogue."""

    __tablename__ = "products"
    __table_args__ = (
        one_of("kind", ITEM_KINDS, "product_kind"),
        one_of("category", PRODUCT_CATEGORIES, "product_category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), index=True)
    name_en: Mapped[str] = mapped_column(String(100), default="")
    aliases: Mapped[list[str]] = mapped_column(
        JSON, default=list, doc="Other names customers use, in any language (卫衣, hoodie)."
    )
    kind: Mapped[ItemKind] = mapped_column(String(10))
    category: Mapped[ProductCategory] = mapped_column(String(20))
    price: Mapped[Decimal] = mapped_column(Money)
    special_price: Mapped[bool] = mapped_column(default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    material: Mapped[str] = mapped_column(String(100), default="")
    composition: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, doc='[{"fibre": "cotton", "percent": 100}], the main fabric.'
    )
    care: Mapped[list[str]] = mapped_column(JSON, default=list, doc="Care instruction codes.")
    size_chart: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, doc="Rows of the category's chart (bus.contracts.SizeChartRow)."
    )

    variants: Mapped[list[Variant]] = relationship(
        back_populates="product", order_by="Variant.id", lazy="selectin"
    )


class Variant(Base):
    __tablename__ = "variants"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("held >= 0", name="held_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(40), unique=True)
    size: Mapped[str] = mapped_column(String(10))
    color: Mapped[str] = mapped_column(String(20))
    stock: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(
        Integer, default=0, doc="Units taken off sale for customers (exchanges)."
    )

    product: Mapped[Product] = relationship(back_populates="variants", lazy="joined")


def _placed_with_receiver_phone(context: Any) -> str:
    """An order is placed with its receiver's phone unless it says otherwise."""
    return context.get_current_parameters()["receiver_phone"]


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (one_of("state", ORDER_STATES, "order_state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_no: Mapped[str] = mapped_column(String(20), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    state: Mapped[OrderState] = mapped_column(String(20))
    created_at: Mapped[datetime]
    paid_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    close_reason: Mapped[str | None] = mapped_column(String(40))
    total: Mapped[Decimal] = mapped_column(Money)
    postage: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    receiver_name: Mapped[str] = mapped_column(String(50))
    receiver_phone: Mapped[str] = mapped_column(String(20))
    placed_phone: Mapped[str] = mapped_column(
        String(20),
        default=_placed_with_receiver_phone,
        doc="The phone the order was placed with: its last four digits prove the order, and it "
        "never changes (an address change changes only the receiver's phone).",
    )
    province: Mapped[str] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(
        String(30), doc="Known for addresses given in parts (orders.change_address)."
    )
    district: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str] = mapped_column(
        String(200), doc="Everything after the province: city, district, street, as one line."
    )
    courier: Mapped[str | None] = mapped_column(String(20))
    tracking_no: Mapped[str | None] = mapped_column(String(40))
    buyer_message: Mapped[str | None] = mapped_column(String(500))

    customer: Mapped[Customer] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", order_by="OrderItem.id", lazy="selectin"
    )
    remarks: Mapped[list[Remark]] = relationship(order_by="Remark.id", viewonly=True)


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    price: Mapped[Decimal] = mapped_column(Money)
    quantity: Mapped[int] = mapped_column(Integer, default=1)

    order: Mapped[Order] = relationship(back_populates="items")
    variant: Mapped[Variant] = relationship(lazy="joined", innerjoin=True)
    exchanges: Mapped[list[Exchange]] = relationship(
        lazy="selectin", viewonly=True, foreign_keys="Exchange.order_item_id"
    )


class Remark(Base):
    """Append-only seller remark (备注): ``content — author — time`` with a flag colour."""

    __tablename__ = "remarks"
    __table_args__ = (one_of("flag", REMARK_FLAGS, "remark_flag"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    content: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(50))
    flag: Mapped[RemarkFlag] = mapped_column(String(10))
    created_at: Mapped[datetime]

    def __str__(self) -> str:
        return f"{self.content} — {self.author} — {self.created_at:%Y-%m-%d %H:%M}"


# The partial unique index below, and the predicate every query on live exchanges uses: a
# literal, not a bound parameter. With a parameter the database cannot tell from the statement
# alone that the index covers the query: SQLite re-prepares the statement on every execution
# (about 4x the cost of the look-up itself), and PostgreSQL's generic plan for a prepared
# statement cannot use the index at all.
LIVE_EXCHANGE_SQL = "state != 'cancelled'"


class Exchange(Base):
    __tablename__ = "exchanges"
    __table_args__ = (
        # One exchange per item: the database keeps it true under any concurrency.
        Index(
            "one_live_exchange_per_item",
            "order_item_id",
            unique=True,
            sqlite_where=text(LIVE_EXCHANGE_SQL),
            postgresql_where=text(LIVE_EXCHANGE_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rma_no: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"))
    old_variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    new_variant_id: Mapped[int] = mapped_column(ForeignKey("variants.id"))
    reason: Mapped[str] = mapped_column(String(500), default="")
    quality_problem: Mapped[bool] = mapped_column(default=False)
    postage_payer: Mapped[PostagePayer] = mapped_column(String(10))
    state: Mapped[ExchangeState] = mapped_column(String(20), default="awaiting_return")
    return_tracking_no: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    received_at: Mapped[datetime | None] = mapped_column(
        doc="When the exchanged item came back (``exchanges.receive``)."
    )
    shipped_at: Mapped[datetime | None]
    replacement_courier: Mapped[str | None] = mapped_column(String(20))
    replacement_tracking_no: Mapped[str | None] = mapped_column(
        String(40), doc="The replacement's parcel (``exchanges.ship``)."
    )

    order: Mapped[Order] = relationship(lazy="joined")
    old_variant: Mapped[Variant] = relationship(foreign_keys=[old_variant_id], lazy="joined")
    new_variant: Mapped[Variant] = relationship(foreign_keys=[new_variant_id], lazy="joined")


class Return(Base):
    """A return for a refund (退货退款): its own number, the items coming back, the refund and
    who pays the postage back. Live while ``awaiting_return`` or ``received``."""

    __tablename__ = "returns"
    __table_args__ = (
        one_of("state", RETURN_STATES, "return_state"),
        one_of("cause", RETURN_CAUSES, "return_cause"),
        one_of("return_postage_payer", RETURN_POSTAGE_PAYERS, "return_postage_payer"),
        one_of("refusal", RETURN_REFUSALS, "return_refusal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_no: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    cause: Mapped[ReturnCause] = mapped_column(
        String(20), doc="The return's cause; each item's own is on ``ReturnItem.cause``."
    )
    note: Mapped[str] = mapped_column(String(500), default="")
    fit_for_resale: Mapped[bool]
    state: Mapped[ReturnState] = mapped_column(String(20), default="awaiting_return")
    items_amount: Mapped[Decimal] = mapped_column(Money)
    postage_refund: Mapped[Decimal] = mapped_column(Money, default=Decimal(0))
    refund_amount: Mapped[Decimal] = mapped_column(Money)
    refund_to: Mapped[str] = mapped_column(String(20), default="original_payment")
    return_postage_payer: Mapped[ReturnPostagePayer] = mapped_column(String(10))
    seller_postage: Mapped[str | None] = mapped_column(
        String(20), doc="reimbursed | freight_collect, when the shop pays the postage back."
    )
    return_tracking_no: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime]
    received_at: Mapped[datetime | None]
    refunded_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    refusal: Mapped[ReturnRefusal | None] = mapped_column(
        String(20),
        doc="The parcel failed its check on arrival (``returns.receive``): why. The return is "
        "then ``cancelled`` without a refund; its units are not returned again.",
    )

    items: Mapped[list[ReturnItem]] = relationship(
        back_populates="record", order_by="ReturnItem.id", lazy="selectin"
    )


class ReturnItem(Base):
    """An item of a return and its units, why it goes back and who pays its postage back (two
    items of one return may go back for two causes). ``live`` until its return is refunded or
    cancelled: the database keeps one live return per order item."""

    __tablename__ = "return_items"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="return_quantity_positive"),
        one_of("cause", RETURN_CAUSES, "return_item_cause"),
        one_of("return_postage_payer", RETURN_POSTAGE_PAYERS, "return_item_postage_payer"),
        Index(
            "one_live_return_per_item",
            "order_item_id",
            unique=True,
            sqlite_where=text("live"),
            postgresql_where=text("live"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    order_item_id: Mapped[int] = mapped_column(ForeignKey("order_items.id"), index=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[Decimal] = mapped_column(Money)
    amount: Mapped[Decimal] = mapped_column(Money)
    cause: Mapped[ReturnCause] = mapped_column(String(20))
    return_postage_payer: Mapped[ReturnPostagePayer] = mapped_column(String(10))
    live: Mapped[bool] = mapped_column(default=True)

    record: Mapped[Return] = relationship(back_populates="items")
    order_item: Mapped[OrderItem] = relationship(lazy="joined")


class ReturnPhoto(Base):
    """A photo the customer sent for her return (the item as it is, the fault, the parcel):
    Telegram's reference to it, never the image. ``file_id`` resends it (the desk shows it to
    the agent); ``file_unique_id`` is the same photo however often it is sent or forwarded,
    so the same photo is kept once per return."""

    __tablename__ = "return_photos"
    __table_args__ = (
        Index("one_photo_per_return", "return_id", "file_unique_id", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    return_id: Mapped[int] = mapped_column(ForeignKey("returns.id"), index=True)
    file_id: Mapped[str] = mapped_column(String(200))
    file_unique_id: Mapped[str] = mapped_column(String(100))
    caption: Mapped[str | None] = mapped_column(String(1024))
    received_at: Mapped[datetime]


class Refund(Base):
    """Money going back to the customer, to the original payment method: for an order
    cancelled after payment (before shipping), or a return once its parcel is checked."""

    __tablename__ = "refunds"
    __table_args__ = (
        one_of("cause", REFUND_CAUSES, "refund_cause"),
        one_of("state", REFUND_STATES, "refund_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    refund_no: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    return_id: Mapped[int | None] = mapped_column(ForeignKey("returns.id"))
    amount: Mapped[Decimal] = mapped_column(Money)
    refund_to: Mapped[str] = mapped_column(String(20), default="original_payment")
    cause: Mapped[RefundCause] = mapped_column(String(20))
    state: Mapped[RefundState] = mapped_column(String(10), default="pending")
    created_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]


class OrderUrge(Base):
    """A customer urged the order (the warehouse to ship, the courier to deliver): one row per
    order per day in the shop's time zone, so urging again the same day writes nothing new."""

    __tablename__ = "order_urges"
    __table_args__ = (one_of("stage", URGE_STAGES, "urge_stage"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    stage: Mapped[UrgeStage] = mapped_column(String(10))
    urged_at: Mapped[datetime]


class InvoiceRequest(Base):
    """An invoice the customer asked for, with its title (a person's or a company's name) and
    the company's taxpayer number, for the shop's finance to issue (``kefu invoices``). One
    live request per order."""

    __tablename__ = "invoice_requests"
    __table_args__ = (
        one_of("title_type", INVOICE_TITLE_TYPES, "invoice_title_type"),
        one_of("state", INVOICE_STATES, "invoice_state"),
        Index(
            "one_live_invoice_per_order",
            "order_id",
            unique=True,
            sqlite_where=text("state != 'cancelled'"),
            postgresql_where=text("state != 'cancelled'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    invoice_no: Mapped[str] = mapped_column(String(30), unique=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger)
    title_type: Mapped[InvoiceTitleType] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(100))
    tax_no: Mapped[str | None] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Money)
    state: Mapped[InvoiceState] = mapped_column(String(10), default="requested")
    requested_at: Mapped[datetime]
    issued_at: Mapped[datetime | None]

    order: Mapped[Order] = relationship(lazy="joined")


class Ticket(Base):
    """An escalated chat: waiting for a person, with an agent, or closed (the state machine in
    ``worker/tickets.py``). The database keeps one live ticket per customer chat and one ticket
    per forum topic, whatever the concurrency."""

    __tablename__ = "tickets"
    __table_args__ = (
        CheckConstraint(f"state IN {TICKET_STATES}", name="ticket_state"),
        CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="ticket_rating"),
        Index(
            "one_live_ticket_per_chat",
            "chat_id",
            unique=True,
            sqlite_where=text("state != 'closed'"),
            postgresql_where=text("state != 'closed'"),
        ),
        Index(
            "one_ticket_per_topic",
            "desk_chat_id",
            "topic_id",
            unique=True,
            sqlite_where=text("topic_id IS NOT NULL"),
            postgresql_where=text("topic_id IS NOT NULL"),
        ),
        Index("tickets_by_state", "state", "opened_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_no: Mapped[str] = mapped_column(String(30), unique=True)
    telegram_user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    customer_name: Mapped[str] = mapped_column(String(100), default="")
    locale: Mapped[str] = mapped_column(String(10), default="zh_CN")
    reason: Mapped[TicketReason] = mapped_column(String(30))
    intent: Mapped[str | None] = mapped_column(String(60))
    confidence: Mapped[float | None] = mapped_column(Float)
    order_no: Mapped[str | None] = mapped_column(String(20))
    state: Mapped[TicketState] = mapped_column(String(10), default="waiting")
    opened_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[ClosedBy | None] = mapped_column(String(10))
    transcript: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    attachments: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    # the desk: who has it, where it is discussed
    agent_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    agent_name: Mapped[str | None] = mapped_column(String(100))
    desk_chat_id: Mapped[int | None] = mapped_column(BigInteger)
    topic_id: Mapped[int | None] = mapped_column(Integer)
    card_message_id: Mapped[int | None] = mapped_column(Integer)

    # service levels, stored for reports
    taken_at: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    first_response_s: Mapped[int | None] = mapped_column(
        Integer, doc="From opening to the first agent message the customer received."
    )
    handling_s: Mapped[int | None] = mapped_column(Integer, doc="From taken to closed.")
    last_agent_at: Mapped[datetime | None]
    last_customer_at: Mapped[datetime | None]
    sla_alerts: Mapped[int] = mapped_column(Integer, default=0)
    sla_alerted_at: Mapped[datetime | None]
    idle_reminders: Mapped[int] = mapped_column(Integer, default=0)
    idle_reminded_at: Mapped[datetime | None]
    told_position: Mapped[int | None] = mapped_column(
        Integer, doc="The queue place the customer was last told."
    )
    told_wait_s: Mapped[int | None] = mapped_column(
        Integer, doc="The expected wait the customer was last told (None: none given)."
    )
    told_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(SmallInteger)
    rating_comment: Mapped[str | None] = mapped_column(String(500))
    rated_at: Mapped[datetime | None]


class TicketReveal(Base):
    """Audit log of ``/reveal``: who saw a customer's full phone and address, when, for which
    ticket. Append-only; the details themselves are never stored here."""

    __tablename__ = "ticket_reveals"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    agent_id: Mapped[int] = mapped_column(BigInteger)
    agent_name: Mapped[str] = mapped_column(String(100))
    fields: Mapped[str] = mapped_column(String(100), doc="What was shown: phone, address…")
    revealed_at: Mapped[datetime]


class ProcessedCommand(Base):
    """Commands applied, by idempotency key, with the reply they got: a redelivery or a
    retry answers the same without applying twice."""

    __tablename__ = "processed_commands"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    method: Mapped[str] = mapped_column(String(40))
    request_hash: Mapped[str | None] = mapped_column(
        String(64),
        doc="sha256 of the method and the canonical request without its key: the same key "
        "with another request is refused (idempotency_conflict). NULL for rows older than it.",
    )
    reply: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class ProofFailure(Base):
    """Wrong last-four answers in the current window, per Telegram user (``scope`` "user",
    ``subject`` the user id) and per order number (``scope`` "order", ``subject`` the order
    number, existing or not). An order number with too many is ``locked_until`` then: its
    last-four route is closed and only a verified contact opens it."""

    __tablename__ = "proof_failures"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject: Mapped[str] = mapped_column(String(30), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime]
    locked_until: Mapped[datetime | None]


class OrderProof(Base):
    """A Telegram user who answered an order's last four digits right: their later look-ups of
    it are never counted or throttled (reading only; changes need a verified contact)."""

    __tablename__ = "order_proofs"

    telegram_user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_no: Mapped[str] = mapped_column(String(20), primary_key=True)
    proven_at: Mapped[datetime]


class CatalogueState(Base):
    """One row: a counter the database bumps on every change to ``products`` (triggers in
    migration 0002), so a worker checks one primary-key read to know its catalogue is current."""

    __tablename__ = "catalogue_state"
    __table_args__ = (CheckConstraint("id = 1", name="one_catalogue_state"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)


class DemoShop(Base):
    """Present only in a database ``kefu seed`` built: when, from which seed, and the
    showcase orders a newcomer can try (``kefu demo``)."""

    __tablename__ = "demo_shop"
    __table_args__ = (CheckConstraint("id = 1", name="one_demo_shop"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    seed: Mapped[int] = mapped_column(Integer)
    seeded_at: Mapped[datetime]
    showcase: Mapped[list[dict[str, Any]]] = mapped_column(
        JSON, default=list, doc='[{"role": "returnable", "order_no": "KF…"}, …]'
    )


def live_exchange() -> ColumnElement[bool]:
    """``exchanges.state != 'cancelled'`` as a literal (see ``LIVE_EXCHANGE_SQL``)."""
    return Exchange.__table__.c.state != literal_column("'cancelled'")


# ── what ops read (worker/ops.py, kefu report): turns, ratings, processes ────────────────


class ConversationTurn(Base):
    """One customer turn as the bot published it (``conversation.turn``): no chat or user id,
    the conversation's pseudonymous key; words only for fallback and clarify turns, anonymised
    by the bot."""

    __tablename__ = "turns"
    __table_args__ = (
        one_of("outcome", TURN_OUTCOMES, "turn_outcome"),
        Index("turns_by_conversation", "conversation", "at"),
        Index("turns_by_outcome", "outcome", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    conversation: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)
    locale: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str] = mapped_column(String(10))
    intent: Mapped[str | None] = mapped_column(String(60))
    intent_group: Mapped[str | None] = mapped_column(String(20))
    confidence: Mapped[float | None] = mapped_column(Float)
    flow: Mapped[str | None] = mapped_column(String(40))
    candidates: Mapped[list[str]] = mapped_column(JSON, default=list)
    text: Mapped[str | None] = mapped_column(Text)


class AnswerRating(Base):
    """A customer's "solved" / "not solved" under an answer (``conversation.rated``)."""

    __tablename__ = "answer_ratings"
    __table_args__ = (Index("ratings_by_conversation", "conversation", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(32), unique=True)
    conversation: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(index=True)
    solved: Mapped[bool] = mapped_column(Boolean)
    intent: Mapped[str | None] = mapped_column(String(60))
    intent_group: Mapped[str | None] = mapped_column(String(20))


class ProcessRecord(Base):
    """A bot or worker process as its heartbeats (``process.heartbeat``) tell: the last one
    seen and its counters; ``stopped_at`` when it said it was shutting down."""

    __tablename__ = "processes"

    process_id: Mapped[str] = mapped_column(String(90), primary_key=True)
    role: Mapped[str] = mapped_column(String(10))
    host: Mapped[str] = mapped_column(String(100))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime]
    last_seen_at: Mapped[datetime] = mapped_column(index=True)
    interval_s: Mapped[float] = mapped_column(Float)
    stopped_at: Mapped[datetime | None]
    stats: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ProcessBeat(Base):
    """The bots' bus-call counters at each heartbeat, for the error rate over a window (kept
    for a day)."""

    __tablename__ = "process_beats"
    __table_args__ = (Index("beats_by_process", "process_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(90))
    at: Mapped[datetime] = mapped_column(index=True)
    rpc_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    rpc_failed: Mapped[int] = mapped_column(BigInteger, default=0)
    rpc_timeouts: Mapped[int] = mapped_column(BigInteger, default=0)
