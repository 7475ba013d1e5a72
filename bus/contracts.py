"""Wire contracts between the bot and the worker.

Every request, reply, command and event is a frozen, strict pydantic model. Business
outcomes are data (``OrderNotFound``), never exceptions. Each request class names its bus
method (``METHOD``) and the replies it can get (``REPLIES``); ``bus.methods`` collects
them into the registry both sides use.

Schema versions: every model has ``SCHEMA_VERSION``; the RPC layer sends the request's version
in the ``x-kefu-schema`` header and the server refuses a version it does not speak with the
error code ``unsupported_version``. Add optional fields freely; bump the version for anything
an older peer would misread. Every request is at version 2: the products ones for categories
and per-category charts, all the others for strict models, bounded ids, the
``contact_required`` reply and the ``idempotency_conflict`` / ``wrong_route`` error codes.

Strict means what it says on the wire: ``"1"`` is not an integer and ``1.5`` is not an id;
JSON's own forms stay valid (ISO strings for datetimes, numbers or strings for decimals).
Validation errors never echo the input (``hide_input_in_errors``): a rejected phone number or
address does not reach a log through an error message. Ids that come from outside (callback
data, forged requests) are bounded, so a 20-digit id is bad input, not a database overflow.

No contract ever carries a full phone number or address back to the bot: order views hold
masked receiver data only (``138****5678``), because the bot renders and logs them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, ClassVar, Literal, Union, get_args

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

ORDER_NO_PATTERN = r"^KF\d{8}$"
MAX_ROW_ID = 2**31 - 1
"""Row ids are PostgreSQL ``integer`` columns."""
MAX_TELEGRAM_ID = 2**53 - 1
"""Telegram user and chat ids have at most 52 significant bits (chat ids may be negative)."""
PHONE_PATTERN = r"^\+?\d{6,15}$"
LAST4_PATTERN = r"^\d{4}$"

ItemKind = Literal["regular", "custom", "proxy"]
"""regular stock, custom-made (定制, the shop's own label), proxy-purchase (代购)."""

OrderState = Literal["awaiting_payment", "paid", "shipped", "completed", "closed"]
"""The five Taobao back-office states: 等待买家付款, 买家已付款, 卖家已发货, 交易成功, 交易关闭."""

PostagePayer = Literal["customer", "seller"]

ProductCategory = Literal["tops", "trousers", "skirts", "dresses", "outerwear", "accessories"]
"""What the shop sells, by kind of garment; each category has its own size-chart measurements.
Shoes are not a category: a shoe chart measures feet, not bodies (see docs/worker.md)."""

Measurement = Literal[
    "chest_cm", "waist_cm", "hip_cm", "shoulder_cm", "sleeve_cm", "length_cm", "inseam_cm"
]
"""The garment measurements a size chart may carry (laid flat and doubled where it applies)."""
MEASUREMENTS: tuple[Measurement, ...] = get_args(Measurement)

CATEGORY_MEASUREMENTS: Mapping[ProductCategory, tuple[Measurement, ...]] = MappingProxyType(
    {
        "tops": ("chest_cm", "length_cm", "shoulder_cm"),
        "trousers": ("waist_cm", "hip_cm", "length_cm", "inseam_cm"),
        "skirts": ("waist_cm", "hip_cm", "length_cm"),
        "dresses": ("chest_cm", "waist_cm", "length_cm"),
        "outerwear": ("chest_cm", "length_cm", "shoulder_cm", "sleeve_cm"),
        "accessories": (),  # one size (FREE): no chart
    }
)
"""Exactly the measurements each category's chart carries: no chest on jeans, no inseam on a
coat."""

Fibre = Literal[
    "cotton",
    "linen",
    "silk",
    "wool",
    "cashmere",
    "polyester",
    "nylon",
    "elastane",
    "acrylic",
    "modal",
    "viscose",
    "acetate",
    "leather",
]
"""Fibres of a product's main fabric (the care label's composition)."""

CareInstruction = Literal[
    "machine_wash_cold",  # machine wash at 30 °C or below
    "machine_wash_warm",  # machine wash at 40 °C or below
    "hand_wash",  # hand wash, 30 °C or below
    "dry_clean_only",
    "wash_inside_out",
    "wash_dark_separately",
    "no_bleach",
    "no_tumble_dry",
    "tumble_dry_low",
    "line_dry",
    "dry_flat",
    "dry_in_shade",
    "iron_low",
    "iron_medium",
    "iron_high",
    "no_iron",
    "leather_specialist",  # cleaned by a leather specialist only
]
"""Care instructions as codes (the care label's symbols); the bot words them per language."""

ExchangeReason = Literal[
    "order_not_paid",
    "not_delivered_yet",
    "order_closed",
    "window_expired",
    "already_exchanged",
    "proxy_no_exchange",
    "not_fit_for_resale",
    "out_of_stock",
    "same_variant",
    "style_change_not_allowed",
    "item_not_in_order",
    "variant_not_found",
]
"""Machine-readable reasons an exchange is refused (the bot words each one)."""

AddressChangeReason = Literal["not_paid", "already_shipped", "closed"]

TicketReason = Literal[
    "customer_asked", "low_confidence", "complaint", "quality", "ineligible", "unavailable", "other"
]
"""Why a chat was handed to a person."""


RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A database row id (product, order item): positive and within PostgreSQL's ``integer``."""
TelegramUserId = Annotated[int, Field(ge=1, le=MAX_TELEGRAM_ID)]
ChatId = Annotated[int, Field(ge=-MAX_TELEGRAM_ID, le=MAX_TELEGRAM_ID)]


class Contract(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        strict=True,
        hide_input_in_errors=True,
        str_strip_whitespace=True,
    )

    SCHEMA_VERSION: ClassVar[int] = 2


Replies = tuple[type[Contract], ...]


class Request(Contract):
    """A query or a command; subclasses set METHOD and Reply."""

    METHOD: ClassVar[str]
    KIND: ClassVar[Literal["query", "command"]] = "query"
    REPLIES: ClassVar[Replies]


class Command(Request):
    """A state change: persistent, confirmed, applied at most once per idempotency key."""

    KIND: ClassVar[Literal["query", "command"]] = "command"

    idempotency_key: str = Field(min_length=8, max_length=100, pattern=r"^[A-Za-z0-9:._-]+$")


# ── views ────────────────────────────────────────────────────────────────────────────────


class SizeChartRow(Contract):
    """One size: the body it suits (height and weight ranges, for size advice) and the
    garment's measurements. Which measurements a row carries is decided by its chart's
    category (``CATEGORY_MEASUREMENTS``); the others stay None."""

    size: str = Field(min_length=1, max_length=10)
    height_min: int = Field(gt=0)
    height_max: int = Field(gt=0)
    weight_min_kg: float = Field(gt=0)
    weight_max_kg: float = Field(gt=0)
    chest_cm: float | None = Field(default=None, gt=0)
    waist_cm: float | None = Field(default=None, gt=0)
    hip_cm: float | None = Field(default=None, gt=0)
    shoulder_cm: float | None = Field(default=None, gt=0)
    sleeve_cm: float | None = Field(default=None, gt=0)
    length_cm: float | None = Field(default=None, gt=0)
    inseam_cm: float | None = Field(default=None, gt=0)

    @property
    def measurements(self) -> dict[Measurement, float]:
        return {
            name: value for name in MEASUREMENTS if (value := getattr(self, name)) is not None
        }


class SizeChart(Contract):
    """A product's size chart, from the smallest size to the largest. Every row carries
    exactly its category's measurements."""

    category: ProductCategory
    rows: list[SizeChartRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _measurements_of_the_category(self) -> SizeChart:
        expected = set(CATEGORY_MEASUREMENTS[self.category])
        if not expected:
            raise ValueError(f"{self.category} are one size: they have no size chart")
        sizes = [row.size for row in self.rows]
        if len(set(sizes)) != len(sizes):
            raise ValueError("a size appears twice in the chart")
        for row in self.rows:
            present = set(row.measurements)
            if present != expected:
                missing = ", ".join(sorted(expected - present)) or "none"
                extra = ", ".join(sorted(present - expected)) or "none"
                raise ValueError(
                    f"size {row.size}: a {self.category} chart carries "
                    f"{', '.join(CATEGORY_MEASUREMENTS[self.category])} "
                    f"(missing: {missing}; not for {self.category}: {extra})"
                )
            if row.height_max < row.height_min or row.weight_max_kg < row.weight_min_kg:
                raise ValueError(f"size {row.size}: a range ends below its start")
        return self


class FibreShare(Contract):
    fibre: Fibre
    percent: int = Field(ge=1, le=100)


class VariantView(Contract):
    sku: str
    size: str
    color: str
    stock: int = Field(description="Units available for sale (held units excluded).")


class ProductSummary(Contract):
    product_id: int
    name: str = Field(description="The shop's (Chinese) name.")
    name_en: str = Field(default="", description="The English name; empty when there is none.")
    kind: ItemKind
    category: ProductCategory
    price: Decimal


class ProductView(ProductSummary):
    description: str = ""
    material: str = Field(default="", description="The fabric as the product page words it.")
    composition: list[FibreShare] = Field(
        default=[], description="The main fabric's fibres, adding up to 100 %; empty if unknown."
    )
    care: list[CareInstruction] = []
    special_price: bool = False
    colors: list[str]
    sizes: list[str]
    size_chart: SizeChart | None = Field(
        default=None, description="None for one-size items (accessories) or an unknown chart."
    )
    variants: list[VariantView]

    @model_validator(mode="after")
    def _composition_adds_up(self) -> ProductView:
        if self.composition and sum(share.percent for share in self.composition) != 100:
            raise ValueError("the composition does not add up to 100 %")
        if self.size_chart is not None and self.size_chart.category != self.category:
            raise ValueError("the size chart is for another category")
        return self


class OrderItemView(Contract):
    item_id: int
    product_id: int
    product_name: str
    kind: ItemKind
    sku: str
    size: str
    color: str
    price: Decimal
    quantity: int
    exchanged: bool = False


class OrderSummary(Contract):
    order_no: str
    state: OrderState
    created_at: datetime
    total: Decimal
    item_count: int
    first_item_name: str


class OrderView(Contract):
    order_no: str
    state: OrderState
    created_at: datetime
    paid_at: datetime | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    completed_at: datetime | None = None
    closed_at: datetime | None = None
    total: Decimal
    postage: Decimal
    items: list[OrderItemView]
    courier: str | None = None
    tracking_no: str | None = None
    receiver_name_masked: str
    phone_masked: str
    province: str
    address_masked: str
    buyer_message: str | None = None


class ExchangeView(Contract):
    rma_no: str
    order_no: str
    item_id: int
    old_sku: str
    new_sku: str
    reason: str
    postage_payer: PostagePayer
    state: Literal["awaiting_return", "received", "shipped", "done", "cancelled"]
    created_at: datetime


# ── common replies ───────────────────────────────────────────────────────────────────────


class OrderNotFound(Contract):
    """The one answer for a missing order *and* someone else's order: numbers can't be probed."""

    kind: Literal["not_found"] = "not_found"


class Throttled(Contract):
    kind: Literal["throttled"] = "throttled"
    retry_after_s: int


class NotLinked(Contract):
    kind: Literal["not_linked"] = "not_linked"


class ContactRequired(Contract):
    """Only the order's verified customer (their own Telegram contact, linked) may go on.

    ``write``: the asker proved the order with the phone's last four digits, which is enough
    to read it but never to change it (address, exchange, and every later write).
    ``last4_locked``: too many wrong answers for this order number; its last-four route is
    closed for a while, whoever asks (a missing order number answers the same).
    """

    kind: Literal["contact_required"] = "contact_required"
    reason: Literal["write", "last4_locked"]


class RemoteError(Contract):
    """What the server answers when it cannot handle a request at all."""

    kind: Literal["error"] = "error"
    code: Literal[
        "bad_request",
        "unknown_method",
        "unsupported_version",
        "wrong_route",
        "idempotency_conflict",
        "internal",
    ]
    message: str


# ── customers.link ───────────────────────────────────────────────────────────────────────


class CustomerLinked(Contract):
    kind: Literal["linked"] = "linked"
    customer_id: int
    display_name: str


class CustomerUnknown(Contract):
    kind: Literal["unknown"] = "unknown"


class LinkCustomer(Request):
    """Bind a Telegram user to the customer with this phone. The caller vouches that the
    contact was verified as the sender's own."""

    METHOD: ClassVar[str] = "customers.link"
    telegram_user_id: TelegramUserId
    phone: str = Field(pattern=PHONE_PATTERN)
    REPLIES: ClassVar[Replies] = (CustomerLinked, CustomerUnknown)


# ── orders.lookup / orders.list ──────────────────────────────────────────────────────────


class OrderFound(Contract):
    kind: Literal["found"] = "found"
    order: OrderView
    access: Literal["owner", "last4"] = Field(
        default="last4",
        description="owner: the asker is the order's verified customer and may change it; "
        "last4: proven by the phone's last four digits, enough to read it only.",
    )


class LookupOrder(Request):
    """One order, only for its own customer: linked by ``telegram_user_id``, or proven by the
    last four digits of the order's phone. Anything else answers ``OrderNotFound``."""

    METHOD: ClassVar[str] = "orders.lookup"
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    REPLIES: ClassVar[Replies] = (OrderFound, OrderNotFound, Throttled, ContactRequired)


class OrderList(Contract):
    kind: Literal["orders"] = "orders"
    orders: list[OrderSummary]


class ListOrders(Request):
    METHOD: ClassVar[str] = "orders.list"
    telegram_user_id: TelegramUserId
    limit: int = Field(default=10, ge=1, le=50)
    REPLIES: ClassVar[Replies] = (OrderList, NotLinked)


# ── products ─────────────────────────────────────────────────────────────────────────────


class ProductList(Contract):
    kind: Literal["products"] = "products"
    products: list[ProductSummary] = Field(description="Best match first.")


class SearchProducts(Request):
    """Products named in ``query`` (a name or an alias, in Chinese or English, or a sentence
    that contains one), best first; a part of a name; else a category word ("裤子", "dresses");
    else a near spelling. Nothing that merely resembles the text."""

    SCHEMA_VERSION: ClassVar[int] = 2
    METHOD: ClassVar[str] = "products.search"
    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=5, ge=1, le=20)
    REPLIES: ClassVar[Replies] = (ProductList,)


class ProductFound(Contract):
    kind: Literal["product"] = "product"
    product: ProductView


class ProductNotFound(Contract):
    kind: Literal["product_not_found"] = "product_not_found"


class GetProduct(Request):
    """One product's facts: material and composition, care, category, size chart, and its
    variants with the stock for sale now."""

    SCHEMA_VERSION: ClassVar[int] = 2
    METHOD: ClassVar[str] = "products.get"
    product_id: RowId
    REPLIES: ClassVar[Replies] = (ProductFound, ProductNotFound)


class CategoryCount(Contract):
    category: ProductCategory
    products: int = Field(ge=1)


class CategoryList(Contract):
    kind: Literal["categories"] = "categories"
    categories: list[CategoryCount] = Field(
        description="Only the categories the shop sells (no entry: the shop doesn't sell it)."
    )


class ListCategories(Request):
    """What the shop sells: decides which questions make sense (no trouser sizes in a shop
    without trousers)."""

    METHOD: ClassVar[str] = "products.categories"
    REPLIES: ClassVar[Replies] = (CategoryList,)


# ── exchanges ────────────────────────────────────────────────────────────────────────────


class ExchangeTerms(Contract):
    kind: Literal["quote"] = "quote"
    eligible: bool
    reasons: list[ExchangeReason] = []
    item_kind: ItemKind | None = Field(default=None, description="None: not an item of the order.")
    old_sku: str | None = None
    new_sku: str | None = None
    postage_payer: PostagePayer
    return_address: str
    deadline: datetime | None = Field(
        default=None, description="Until when the exchange may be requested (custom-made: 48 h)."
    )
    needs_supervisor: bool = False


class _ExchangeRequestFields(Contract):
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    item_id: RowId
    new_size: str | None = Field(default=None, max_length=10)
    new_color: str | None = Field(default=None, max_length=20)
    new_product_id: RowId | None = Field(
        default=None, description="Set for a change of style (换款): refused without a supervisor."
    )
    fit_for_resale: bool = Field(description="The customer states: tags on, unworn, unwashed.")
    quality_problem: bool = False
    reason: str = Field(default="", max_length=500)


class QuoteExchange(_ExchangeRequestFields, Request):
    """May this item be exchanged for that variant, and on what terms."""

    METHOD: ClassVar[str] = "exchanges.quote"
    REPLIES: ClassVar[Replies] = (ExchangeTerms, OrderNotFound, Throttled, ContactRequired)


class ExchangeCreated(Contract):
    kind: Literal["created"] = "created"
    exchange: ExchangeView
    return_address: str
    postage_payer: PostagePayer


class ExchangeRejected(Contract):
    kind: Literal["rejected"] = "rejected"
    reasons: list[ExchangeReason]


class CreateExchange(_ExchangeRequestFields, Command):
    """Re-check the quote, hold one unit of the new variant, create the exchange (RMA)."""

    METHOD: ClassVar[str] = "exchanges.create"
    REPLIES: ClassVar[Replies] = (
        ExchangeCreated,
        ExchangeRejected,
        OrderNotFound,
        Throttled,
        ContactRequired,
    )


# ── orders.change_address ────────────────────────────────────────────────────────────────


class AddressChanged(Contract):
    kind: Literal["address_changed"] = "address_changed"
    order: OrderView


class AddressChangeRefused(Contract):
    kind: Literal["address_refused"] = "address_refused"
    reason: AddressChangeReason


class ChangeAddress(Command):
    """A new delivery address (and receiver) for a paid, unshipped order: the order's verified
    customer only. The phone the order was placed with, which proves it, never changes."""

    METHOD: ClassVar[str] = "orders.change_address"
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    telegram_user_id: TelegramUserId
    phone_last4: str | None = Field(default=None, pattern=LAST4_PATTERN)
    receiver_name: str | None = Field(default=None, min_length=1, max_length=50)
    phone: str | None = Field(default=None, pattern=PHONE_PATTERN)
    province: str = Field(min_length=2, max_length=20)
    address: str = Field(min_length=4, max_length=200)
    REPLIES: ClassVar[Replies] = (
        AddressChanged,
        AddressChangeRefused,
        OrderNotFound,
        Throttled,
        ContactRequired,
    )


# ── tickets (escalations) and the agents' desk ───────────────────────────────────────────
#
# One state machine per customer chat, owned by the worker:
#   bot ─tickets.open─► waiting ─tickets.take (or an agent's first reply)─► with_agent
#       ─tickets.close─► closed ─► bot.     (tickets.close from waiting: the customer withdrew)
# The database keeps at most one live (not closed) ticket per chat. Every transition is a
# command with an idempotency key and publishes an event.

TicketState = Literal["waiting", "with_agent", "closed"]
ClosedBy = Literal["agent", "customer", "system"]
RemarkFlag = Literal["red", "blue", "purple", "green"]
"""The shop's remark flag colours: red needs attention, blue courier or normal, purple a
style/size/colour change, green a payment reminder (DOMAIN.md)."""
AlertKind = Literal["sla", "idle"]
LOCALE_PATTERN = r"^[a-z]{2}(_[A-Z]{2})?$"
TICKET_NO_PATTERN = r"^T\d{8,16}$"
MessageId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
"""A Telegram message or forum-topic id (positive, 32 bits)."""


class TranscriptLine(Contract):
    role: Literal["customer", "bot", "agent", "system"]
    text: str = Field(max_length=4096)
    at: datetime
    message_id: MessageId | None = Field(
        default=None,
        description="The customer's Telegram message (customer lines): the desk copies it into "
        "the ticket's topic when it arrived before the topic existed.",
    )
    internal: bool = Field(default=False, description="An agents' note (//): never relayed.")


class Attachment(Contract):
    kind: Literal["photo", "video", "voice", "document", "sticker", "other"]
    file_id: str = Field(max_length=200)
    caption: str | None = Field(default=None, max_length=1024)


class QueuePlace(Contract):
    """Where a waiting ticket stands: 1 is next."""

    position: int = Field(ge=1)
    expected_wait_s: int | None = Field(
        default=None,
        description="From recent first-response times; None: no recent history, or the ticket "
        "has already waited longer than they suggest (never a made-up figure).",
    )


class QueueUpdate(Contract):
    """A waiting customer whose place or expected wait changed enough to tell them."""

    ticket_no: str
    chat_id: ChatId
    locale: str
    place: QueuePlace
    overdue: bool = Field(
        default=False, description="They have waited longer than we said: apologise."
    )


class TicketOpened(Contract):
    kind: Literal["ticket_opened"] = "ticket_opened"
    ticket_no: str
    opened_at: datetime
    already_open: bool = False
    state: TicketState = "waiting"
    place: QueuePlace | None = Field(default=None, description="Set while the ticket waits.")
    agent_name: str | None = None


class OpenTicket(Command):
    """Escalate a chat to a person; one live ticket per customer chat (re-opening answers the
    live one, adding the new transcript and attachments to it)."""

    METHOD: ClassVar[str] = "tickets.open"
    telegram_user_id: TelegramUserId
    chat_id: ChatId
    customer_name: str = Field(default="", max_length=100)
    reason: TicketReason
    intent: str | None = Field(default=None, max_length=60)
    confidence: float | None = Field(default=None, ge=0, le=1)
    locale: str = Field(default="zh_CN", pattern=LOCALE_PATTERN)
    order_no: str | None = Field(default=None, pattern=ORDER_NO_PATTERN)
    transcript: list[TranscriptLine] = Field(default=[], max_length=200)
    attachments: list[Attachment] = Field(default=[], max_length=50)
    REPLIES: ClassVar[Replies] = (TicketOpened,)


class TicketView(Contract):
    """A ticket as the desk sees it. Customer data is masked; the detail fields (transcript,
    attachments, orders, masked name and phone) are filled only when asked for."""

    ticket_no: str
    state: TicketState
    chat_id: ChatId
    telegram_user_id: TelegramUserId
    customer_name: str = Field(description="The customer's Telegram name, as they set it.")
    locale: str
    reason: TicketReason
    intent: str | None = None
    confidence: float | None = None
    order_no: str | None = None
    opened_at: datetime
    taken_at: datetime | None = None
    first_response_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: ClosedBy | None = None
    agent_id: TelegramUserId | None = None
    agent_name: str | None = None
    desk_chat_id: int | None = None
    topic_id: int | None = None
    card_message_id: int | None = None
    place: QueuePlace | None = None
    rating: int | None = None
    rating_comment: str | None = None
    sla_alerts: int = 0
    idle_reminders: int = 0
    transcript_length: int = 0
    attachment_count: int = 0
    customer_masked: str | None = Field(
        default=None, description="The shop's customer record, name masked (张**)."
    )
    phone_masked: str | None = None
    transcript: list[TranscriptLine] = []
    attachments: list[Attachment] = []
    orders: list[OrderSummary] = []


class TicketFound(Contract):
    kind: Literal["ticket_found"] = "ticket_found"
    ticket: TicketView


class TicketNotFound(Contract):
    kind: Literal["ticket_not_found"] = "ticket_not_found"


class _TicketSelector(Contract):
    """Exactly one of: the ticket number; the customer chat (its live ticket); the topic."""

    ticket_no: str | None = Field(default=None, pattern=TICKET_NO_PATTERN)
    chat_id: ChatId | None = None
    desk_chat_id: ChatId | None = None
    topic_id: MessageId | None = None

    @model_validator(mode="after")
    def _one_selector(self) -> _TicketSelector:
        given = [
            self.ticket_no is not None,
            self.chat_id is not None,
            self.topic_id is not None or self.desk_chat_id is not None,
        ]
        if sum(given) != 1:
            raise ValueError("give exactly one of ticket_no, chat_id, desk_chat_id+topic_id")
        if (self.topic_id is None) != (self.desk_chat_id is None):
            raise ValueError("a topic is named by desk_chat_id and topic_id together")
        return self


class GetTicket(_TicketSelector, Request):
    """A ticket by number (any state), by topic (any state), or a chat's live ticket."""

    METHOD: ClassVar[str] = "tickets.get"
    detail: bool = Field(default=False, description="Transcript, attachments, orders too.")
    transcript_tail: int = Field(default=20, ge=0, le=200)
    REPLIES: ClassVar[Replies] = (TicketFound, TicketNotFound)


class TicketList(Contract):
    kind: Literal["tickets"] = "tickets"
    tickets: list[TicketView]


class ListQueue(Request):
    """Waiting tickets, oldest first, each with its place and expected wait."""

    METHOD: ClassVar[str] = "tickets.queue"
    REPLIES: ClassVar[Replies] = (TicketList,)


class ListMine(Request):
    """An agent's tickets that are with them now, oldest first."""

    METHOD: ClassVar[str] = "tickets.mine"
    agent_id: TelegramUserId
    REPLIES: ClassVar[Replies] = (TicketList,)


class DueTickets(Contract):
    kind: Literal["due"] = "due"
    sla: list[TicketView] = Field(description="Waiting longer than the SLA since the last alert.")
    idle: list[TicketView] = Field(description="A customer waits on a silent agent.")
    topicless: list[TicketView] = Field(description="Waiting without a topic (event lost?).")


class ListDue(Request):
    """What the desk's service-level loop has to act on now (by the worker's clock)."""

    METHOD: ClassVar[str] = "tickets.due"
    sla_s: int = Field(ge=1)
    idle_s: int = Field(ge=1)
    topicless_s: int = Field(default=30, ge=1)
    REPLIES: ClassVar[Replies] = (DueTickets,)


class LookupTicketOrder(Request):
    """An order of this ticket's customer (linked to their Telegram account, or the order they
    proved in the chat), for the agent's ``/order``; anything else answers not found."""

    METHOD: ClassVar[str] = "tickets.order"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    order_no: str = Field(pattern=ORDER_NO_PATTERN)
    REPLIES: ClassVar[Replies] = (OrderFound, OrderNotFound, TicketNotFound)


class TopicBound(Contract):
    kind: Literal["topic_bound"] = "topic_bound"
    ticket: TicketView = Field(
        description="With its detail, as of the bind: the card shows exactly what nobody "
        "relayed (later customer messages are copied into the bound topic as they come)."
    )


class TopicTaken(Contract):
    """Another topic was bound first (or the ticket closed meanwhile): delete yours."""

    kind: Literal["topic_taken"] = "topic_taken"
    topic_id: int | None
    state: TicketState


class BindTopic(Command):
    """Compare-and-set: bind this forum topic to a ticket that has none. Binding the topic
    the ticket already has records its card (``card_message_id``)."""

    METHOD: ClassVar[str] = "tickets.set_topic"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    desk_chat_id: ChatId
    topic_id: MessageId
    card_message_id: MessageId | None = None
    REPLIES: ClassVar[Replies] = (TopicBound, TopicTaken, TicketNotFound)


class TicketTaken(Contract):
    kind: Literal["taken"] = "taken"
    ticket: TicketView
    already: bool = Field(default=False, description="This agent had it already.")
    previous_agent: str | None = Field(default=None, description="Taken over from them.")
    queue_updates: list[QueueUpdate] = []


class TakeRefused(Contract):
    kind: Literal["take_refused"] = "take_refused"
    reason: Literal["closed", "held"]
    agent_name: str | None = Field(default=None, description="Who holds it (reason held).")


class TakeTicket(Command):
    """An agent claims a ticket; ``force`` takes it over from another agent (a handover)."""

    METHOD: ClassVar[str] = "tickets.take"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    agent_id: TelegramUserId
    agent_name: str = Field(min_length=1, max_length=100)
    force: bool = False
    REPLIES: ClassVar[Replies] = (TicketTaken, TakeRefused, TicketNotFound)


class TicketClosed(Contract):
    kind: Literal["ticket_closed"] = "ticket_closed"
    ticket: TicketView
    already: bool = False
    queue_updates: list[QueueUpdate] = []


class CloseTicket(_TicketSelector, Command):
    """Close a live ticket: an agent (by number or topic) or the customer (by chat: they
    withdrew their request). The chat goes back to the bot."""

    METHOD: ClassVar[str] = "tickets.close"
    closed_by: ClosedBy
    agent_id: TelegramUserId | None = None
    agent_name: str | None = Field(default=None, max_length=100)
    REPLIES: ClassVar[Replies] = (TicketClosed, TicketNotFound)


class Appended(Contract):
    kind: Literal["appended"] = "appended"
    ticket: TicketView
    took: bool = Field(default=False, description="An agent's first reply took the ticket.")
    queue_updates: list[QueueUpdate] = []


class AppendRefused(Contract):
    kind: Literal["append_refused"] = "append_refused"
    reason: Literal["closed", "held"]
    agent_name: str | None = None


class AppendToTicket(_TicketSelector, Command):
    """Add to a live ticket's transcript: a customer's message (by chat), an agent's message
    or note (by topic; a reply to a waiting ticket takes it, another agent's ticket refuses),
    or a system line (a failed delivery)."""

    METHOD: ClassVar[str] = "tickets.append"
    role: Literal["customer", "agent", "system"]
    agent_id: TelegramUserId | None = None
    agent_name: str | None = Field(default=None, max_length=100)
    lines: list[TranscriptLine] = Field(min_length=1, max_length=20)
    attachments: list[Attachment] = Field(default=[], max_length=10)
    REPLIES: ClassVar[Replies] = (Appended, AppendRefused, TicketNotFound)


class TicketRated(Contract):
    kind: Literal["rated"] = "rated"
    ticket_no: str
    rating: int | None
    comment: str | None


class RatingRefused(Contract):
    kind: Literal["rating_refused"] = "rating_refused"
    reason: Literal["not_closed", "not_yours"]


class RateTicket(Command):
    """The customer's 1–5 rating of a closed ticket and/or a comment (the later call wins)."""

    METHOD: ClassVar[str] = "tickets.rate"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    chat_id: ChatId = Field(description="The rating customer's chat: must be the ticket's.")
    rating: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, min_length=1, max_length=500)
    REPLIES: ClassVar[Replies] = (TicketRated, RatingRefused, TicketNotFound)


class RemarkAdded(Contract):
    kind: Literal["remark_added"] = "remark_added"
    order_no: str
    line: str = Field(description="As the shop writes remarks: content — agent — time.")
    flag: RemarkFlag


class NoOrder(Contract):
    """The ticket names no order; the agent has to give the order number."""

    kind: Literal["no_order"] = "no_order"


class AddRemark(Command):
    """Append a seller's remark (备注) to an order of the ticket's customer."""

    METHOD: ClassVar[str] = "tickets.note"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    order_no: str | None = Field(default=None, pattern=ORDER_NO_PATTERN)
    agent_name: str = Field(min_length=1, max_length=50)
    text: str = Field(min_length=1, max_length=300)
    flag: RemarkFlag = "blue"
    REPLIES: ClassVar[Replies] = (RemarkAdded, NoOrder, OrderNotFound, TicketNotFound)


class Revealed(Contract):
    """The customer's full contact details. The one reply that carries a full phone number
    and address: the desk shows it in the agents' group only, and nobody logs it."""

    kind: Literal["revealed"] = "revealed"
    customer_phone: str | None = None
    order_no: str | None = None
    receiver_name: str | None = None
    receiver_phone: str | None = None
    address: str | None = None

    def __repr_args__(self):  # never in a traceback or a debug line
        yield "kind", self.kind


class NothingToReveal(Contract):
    kind: Literal["nothing_to_reveal"] = "nothing_to_reveal"


class RevealContact(Command):
    """Show an agent the full phone and address of the ticket's customer; the worker records
    who asked, when, for which ticket (``ticket_reveals``)."""

    METHOD: ClassVar[str] = "tickets.reveal"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    agent_id: TelegramUserId
    agent_name: str = Field(min_length=1, max_length=100)
    REPLIES: ClassVar[Replies] = (Revealed, NothingToReveal, TicketNotFound)


class AlertClaimed(Contract):
    kind: Literal["alert_claimed"] = "alert_claimed"
    claimed: bool = Field(description="False: another bot process claimed this alert first.")
    count: int
    ticket: TicketView
    queue_updates: list[QueueUpdate] = []


class ClaimAlert(Command):
    """Compare-and-set: claim the next service-level alert of a ticket, so that of several bot
    processes exactly one posts it. ``seen`` is the alert count the claimer saw."""

    METHOD: ClassVar[str] = "tickets.claim_alert"
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    alert: AlertKind
    seen: int = Field(ge=0)
    REPLIES: ClassVar[Replies] = (AlertClaimed, TicketNotFound)


# ── events (topic exchange, for whoever listens) ─────────────────────────────────────────


class Event(Contract):
    ROUTING_KEY: ClassVar[str]
    occurred_at: datetime


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
    reason: str


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


REQUESTS: tuple[type[Request], ...] = (
    LinkCustomer,
    LookupOrder,
    ListOrders,
    SearchProducts,
    GetProduct,
    ListCategories,
    QuoteExchange,
    CreateExchange,
    ChangeAddress,
    OpenTicket,
    GetTicket,
    ListQueue,
    ListMine,
    ListDue,
    LookupTicketOrder,
    BindTopic,
    TakeTicket,
    CloseTicket,
    AppendToTicket,
    RateTicket,
    AddRemark,
    RevealContact,
    ClaimAlert,
)
EVENTS: tuple[type[Event], ...] = (
    ExchangeCreatedEvent,
    AddressChangedEvent,
    TicketOpenedEvent,
    TicketTakenEvent,
    TicketClosedEvent,
    TicketRatedEvent,
    TicketAlertEvent,
    TicketRevealedEvent,
)


def reply_adapter(request_type: type[Request]) -> TypeAdapter:
    """Parses any reply to this request, ``RemoteError`` included, by its ``kind``."""
    members = (*request_type.REPLIES, RemoteError)
    return TypeAdapter(Annotated[Union[members], Field(discriminator="kind")])  # noqa: UP007
