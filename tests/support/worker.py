"""A scripted worker for unit tests of the bot's flows on ``bus.testing.InMemoryBus``.

It keeps one customer's orders and answers as the real worker does for the same state: an
order opens for its verified customer (``owner``) or for the last four digits of its phone
(``last4``, reading only), anyone else hears "not found"; changes need the owner
(``contact_required``); every ticket is kept. Tests that need other answers add routes of their
own (``worker.bus(GetProduct.served_by(...))``) or replace one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    ContactRequired,
    CustomerLinked,
    CustomerUnknown,
    ExchangeTerms,
    LinkCustomer,
    ListOrders,
    LookupOrder,
    NotLinked,
    OpenTicket,
    OrderFound,
    OrderList,
    OrderNotFound,
    OrderSummary,
    OrderView,
    QuoteExchange,
    Route,
    Throttled,
    TicketOpened,
)
from bus.testing import InMemoryBus
from shop.policy import load_policy
from worker.rules import ExchangeFacts, decide_exchange

PHONE = "13900000001"


class ScriptedWorker:
    def __init__(self, *orders: OrderView, phone: str = PHONE) -> None:
        self.orders = {order.order_no: order for order in orders}
        self.phone = phone
        self.linked: set[int] = set()
        self.tickets: list[OpenTicket] = []
        self.quotes: list[QuoteExchange] = []

    def owner(self, user_id: int) -> bool:
        return user_id in self.linked

    async def link(self, request: LinkCustomer) -> CustomerLinked | CustomerUnknown:
        if not request.phone.endswith(self.phone):
            return CustomerUnknown()
        self.linked.add(request.telegram_user_id)
        return CustomerLinked(customer_id=1, display_name="王小明")

    async def lookup(
        self, request: LookupOrder
    ) -> OrderFound | OrderNotFound | Throttled | ContactRequired:
        order = self.orders.get(request.order_no)
        if order is None:
            return OrderNotFound()
        if self.owner(request.telegram_user_id):
            return OrderFound(order=order, access="owner")
        if request.phone_last4 == self.phone[-4:]:
            return OrderFound(order=order, access="last4")
        return OrderNotFound()

    async def list_orders(self, request: ListOrders) -> OrderList | NotLinked:
        if not self.owner(request.telegram_user_id):
            return NotLinked()
        return OrderList(
            orders=[
                OrderSummary(
                    order_no=o.order_no,
                    state=o.state,
                    created_at=o.created_at,
                    total=o.total,
                    item_count=len(o.items),
                    first_item_name=o.items[0].product_name if o.items else "-",
                )
                for o in self.orders.values()
            ][: request.limit]
        )

    async def change_address(
        self, request: ChangeAddress
    ) -> AddressChanged | AddressChangeRefused | OrderNotFound | Throttled | ContactRequired:
        order = self.orders.get(request.order_no)
        if order is None:
            return OrderNotFound()
        if not self.owner(request.telegram_user_id):
            return ContactRequired(reason="write")
        if order.address_refusal is not None:
            return AddressChangeRefused(reason=order.address_refusal)
        changed = order.model_copy(update={"province": request.province})
        self.orders[order.order_no] = changed
        return AddressChanged(order=changed)

    async def quote_exchange(
        self, request: QuoteExchange
    ) -> ExchangeTerms | OrderNotFound | Throttled | ContactRequired:
        """The real worker's rules (``worker.rules.decide_exchange``) on the order as scripted;
        every size or colour asked for is in stock."""
        order = self.orders.get(request.order_no)
        allowed = self.owner(request.telegram_user_id) or request.phone_last4 == self.phone[-4:]
        if order is None or not allowed:
            return OrderNotFound()
        item = next((i for i in order.items if i.item_id == request.item_id), None)
        if item is None:
            return ExchangeTerms(
                eligible=False, reasons=["item_not_in_order"], postage_payer="customer",
                return_address="-",
            )
        size, color = request.new_size or item.size, request.new_color or item.color
        decision = decide_exchange(
            ExchangeFacts(
                item_kind=item.kind,
                order_state=order.state,
                delivered_at=order.delivered_at,
                now=datetime.now(UTC),
                already_exchanged=item.exchanged,
                fit_for_resale=request.fit_for_resale,
                quality_problem=request.quality_problem,
                style_change=False,
                same_variant=(size, color) == (item.size, item.color),
                new_variant_exists=True,
                new_variant_stock=1,
                size_change=size != item.size,
                color_change=color != item.color,
            ),
            load_policy().returns,
        )
        self.quotes.append(request)
        return ExchangeTerms(
            eligible=decision.eligible,
            reasons=decision.reasons,
            item_kind=item.kind,
            postage_payer=decision.postage_payer,
            return_address="-",
            deadline=decision.deadline,
            needs_supervisor=decision.needs_supervisor,
        )

    async def open_ticket(self, request: OpenTicket) -> TicketOpened:
        self.tickets.append(request)
        return TicketOpened(ticket_no=f"T{len(self.tickets):07d}", opened_at=datetime.now(UTC))

    def routes(self) -> list[Route]:
        return [
            LinkCustomer.served_by(self.link),
            LookupOrder.served_by(self.lookup),
            ListOrders.served_by(self.list_orders),
            ChangeAddress.served_by(self.change_address),
            OpenTicket.served_by(self.open_ticket),
            QuoteExchange.served_by(self.quote_exchange),
        ]

    def bus(self, *extra: Route) -> InMemoryBus:
        """The bus with these routes; ``extra`` ones replace those of the same method."""
        replaced = {route.request_type.METHOD for route in extra}
        kept = [r for r in self.routes() if r.request_type.METHOD not in replaced]
        return InMemoryBus(*kept, *extra)
