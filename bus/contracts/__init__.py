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
from bus.contracts.customers import CustomerLinked, CustomerUnknown, LinkCustomer
from bus.contracts.events import AddressChangedEvent, ExchangeCreatedEvent, TicketOpenedEvent
from bus.contracts.exchanges import (
    CreateExchange,
    ExchangeCreated,
    ExchangeRejected,
    ExchangeTerms,
    ExchangeView,
    QuoteExchange,
)
from bus.contracts.orders import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    ListOrders,
    LookupOrder,
    NotLinked,
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
)
EVENTS: tuple[type[Event], ...] = (ExchangeCreatedEvent, AddressChangedEvent, TicketOpenedEvent)

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
    "CategoryCount",
    "CategoryList",
    "ChangeAddress",
    "ChatId",
    "Command",
    "ContactRequired",
    "Contract",
    "CreateExchange",
    "CustomerLinked",
    "CustomerUnknown",
    "Event",
    "ExchangeCreated",
    "ExchangeCreatedEvent",
    "ExchangeRejected",
    "ExchangeTerms",
    "ExchangeView",
    "FibreShare",
    "GetProduct",
    "LinkCustomer",
    "ListCategories",
    "ListOrders",
    "LookupOrder",
    "NotLinked",
    "OpenTicket",
    "OrderFound",
    "OrderItemView",
    "OrderList",
    "OrderNotFound",
    "OrderSummary",
    "OrderView",
    "ProductFound",
    "ProductList",
    "ProductNotFound",
    "ProductSummary",
    "ProductView",
    "QuoteExchange",
    "RemoteError",
    "Request",
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
    "VariantView",
    "reply_adapter",
]
