"""Wire contracts between the bot and the worker, by domain.

Every request, reply, command and event is a frozen, strict pydantic model. Business
outcomes are data (``OrderNotFound``), never exceptions. A request is generic in its reply
(``LookupOrder(Request[OrderFound | OrderNotFound | Throttled])``, see :mod:`bus.contracts.base`);
``REQUESTS`` below is the registry both sides serve and call from.

| module | holds |
|---|---|
| ``base`` | ``Contract``, ``Request[R]``, ``Command[R]``, ``Event``, ``RemoteError``, ``Route`` |
| ``customers`` | ``customers.link`` |
| ``orders`` | order views, ``orders.lookup``, ``orders.list``, ``orders.change_address`` |
| ``changes`` | ``orders.modify_item``, ``.cancel``, ``.request_courier``, ``.urge`` |
| ``returns`` | ``returns.quote``, ``returns.create`` |
| ``invoices`` | ``invoices.request`` |
| ``products`` | ``products.search``, ``products.get``, ``products.categories``, size charts |
| ``exchanges`` | ``exchanges.quote``, ``exchanges.create`` |
| ``tickets`` | ``tickets.open`` |
| ``events`` | what the worker publishes on the topic exchange |

Import from here (``from bus.contracts import LookupOrder``); the modules are the layout. The
enumerations the contracts use (item kinds, order states, reasons) are the shop's: import them
from ``shop`` (``from shop.enums import ItemKind``).
"""

from typing import Any

from bus.contracts.base import (
    LAST4_PATTERN,
    MAX_ROW_ID,
    MAX_TELEGRAM_ID,
    ORDER_NO_PATTERN,
    PHONE_PATTERN,
    ChatId,
    Command,
    Contract,
    Event,
    RemoteError,
    Request,
    Route,
    RowId,
    TelegramUserId,
    reply_adapter,
)
from bus.contracts.changes import (
    CancelOrder,
    CancelRefused,
    CourierRequestRecorded,
    CourierRequestRefused,
    ItemModified,
    ItemModifyRefused,
    ModifyItem,
    OrderCancelled,
    OrderUrged,
    RefundView,
    RequestCourier,
    UrgeOrder,
    UrgeRefused,
)
from bus.contracts.customers import CustomerLinked, CustomerUnknown, LinkCustomer
from bus.contracts.events import (
    AddressChangedEvent,
    CourierRequestedEvent,
    ExchangeCreatedEvent,
    InvoiceRequestedEvent,
    ItemModifiedEvent,
    OrderCancelledEvent,
    OrderUrgedEvent,
    ReturnCreatedEvent,
    TicketOpenedEvent,
)
from bus.contracts.exchanges import (
    CreateExchange,
    ExchangeCreated,
    ExchangeRejected,
    ExchangeTerms,
    ExchangeView,
    QuoteExchange,
)
from bus.contracts.invoices import InvoiceRefused, InvoiceRequested, InvoiceView, RequestInvoice
from bus.contracts.orders import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    DaySpan,
    ListOrders,
    LookupOrder,
    NotLinked,
    OrderAttention,
    OrderFound,
    OrderItemView,
    OrderList,
    OrderNotFound,
    OrderSummary,
    OrderView,
    Throttled,
)
from bus.contracts.products import (
    CategoryCount,
    CategoryList,
    FibreShare,
    GetProduct,
    ListCategories,
    ProductFound,
    ProductList,
    ProductNotFound,
    ProductSummary,
    ProductView,
    SearchProducts,
    SizeChart,
    SizeChartRow,
    VariantView,
)
from bus.contracts.returns import (
    CreateReturn,
    QuoteReturn,
    ReturnCreated,
    ReturnItemTerms,
    ReturnItemView,
    ReturnLine,
    ReturnRejected,
    ReturnTerms,
    ReturnView,
)
from bus.contracts.tickets import Attachment, OpenTicket, TicketOpened, TranscriptLine

REQUESTS: tuple[type[Request[Any]], ...] = (
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
    QuoteReturn,
    CreateReturn,
    ModifyItem,
    CancelOrder,
    RequestCourier,
    UrgeOrder,
    RequestInvoice,
)
EVENTS: tuple[type[Event], ...] = (
    ExchangeCreatedEvent,
    AddressChangedEvent,
    TicketOpenedEvent,
    ReturnCreatedEvent,
    ItemModifiedEvent,
    OrderCancelledEvent,
    CourierRequestedEvent,
    OrderUrgedEvent,
    InvoiceRequestedEvent,
)

__all__ = [
    "EVENTS",
    "LAST4_PATTERN",
    "MAX_ROW_ID",
    "MAX_TELEGRAM_ID",
    "ORDER_NO_PATTERN",
    "PHONE_PATTERN",
    "REQUESTS",
    "AddressChangeRefused",
    "AddressChanged",
    "AddressChangedEvent",
    "Attachment",
    "CancelOrder",
    "CancelRefused",
    "CategoryCount",
    "CategoryList",
    "ChangeAddress",
    "ChatId",
    "Command",
    "ContactRequired",
    "Contract",
    "CourierRequestRecorded",
    "CourierRequestRefused",
    "CourierRequestedEvent",
    "CreateExchange",
    "CreateReturn",
    "CustomerLinked",
    "CustomerUnknown",
    "DaySpan",
    "Event",
    "ExchangeCreated",
    "ExchangeCreatedEvent",
    "ExchangeRejected",
    "ExchangeTerms",
    "ExchangeView",
    "FibreShare",
    "GetProduct",
    "InvoiceRefused",
    "InvoiceRequested",
    "InvoiceRequestedEvent",
    "InvoiceView",
    "ItemModified",
    "ItemModifiedEvent",
    "ItemModifyRefused",
    "LinkCustomer",
    "ListCategories",
    "ListOrders",
    "LookupOrder",
    "ModifyItem",
    "NotLinked",
    "OpenTicket",
    "OrderAttention",
    "OrderCancelled",
    "OrderCancelledEvent",
    "OrderFound",
    "OrderItemView",
    "OrderList",
    "OrderNotFound",
    "OrderSummary",
    "OrderUrged",
    "OrderUrgedEvent",
    "OrderView",
    "ProductFound",
    "ProductList",
    "ProductNotFound",
    "ProductSummary",
    "ProductView",
    "QuoteExchange",
    "QuoteReturn",
    "RefundView",
    "RemoteError",
    "Request",
    "RequestCourier",
    "RequestInvoice",
    "ReturnCreated",
    "ReturnCreatedEvent",
    "ReturnItemTerms",
    "ReturnItemView",
    "ReturnLine",
    "ReturnRejected",
    "ReturnTerms",
    "ReturnView",
    "Route",
    "RowId",
    "SearchProducts",
    "SizeChart",
    "SizeChartRow",
    "TelegramUserId",
    "Throttled",
    "TicketOpened",
    "TicketOpenedEvent",
    "TranscriptLine",
    "UrgeOrder",
    "UrgeRefused",
    "VariantView",
    "reply_adapter",
]
