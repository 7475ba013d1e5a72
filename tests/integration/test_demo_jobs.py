"""Every job ``kefu demo`` offers on the demo customer's showcase orders really exists: done
through the bus as the verified demo customer, it succeeds; what it says is refused is."""

from __future__ import annotations

from uuid import uuid4

import pytest

from bus.contracts import (
    CancelOrder,
    CreateExchange,
    CreateReturn,
    CustomerLinked,
    ItemModified,
    LinkCustomer,
    LookupOrder,
    ModifyItem,
    OrderCancelled,
    OrderFound,
    OrderUrged,
    QuoteReturn,
    RequestCourier,
    ReturnCreated,
    ReturnLine,
    UrgeOrder,
)
from worker.seed import showcase_orders

pytestmark = pytest.mark.asyncio(loop_scope="session")

USER = 424_242


def key() -> str:
    return f"demo-{uuid4().hex}"


async def test_the_showcase_jobs_are_real(shop):
    showcase = [o for o in await showcase_orders(shop.db) if o.demo_customer]
    roles = {o.role: o for o in showcase}
    linked = await shop.rpc.call(
        LinkCustomer(telegram_user_id=USER, phone=showcase[0].customer_phone)
    )
    assert isinstance(linked, CustomerLinked)

    async def view(role: str):
        found = await shop.rpc.call(
            LookupOrder(order_no=roles[role].order_no, telegram_user_id=USER)
        )
        assert isinstance(found, OrderFound) and found.access == "owner"
        return found.order

    mine = dict(order_no="", telegram_user_id=USER)

    # A regular item delivered two days ago comes back with a number.
    order = await view("returnable")
    mine["order_no"] = order.order_no
    lines = [ReturnLine(item_id=order.items[0].item_id)]
    created = await shop.rpc.call(
        CreateReturn(idempotency_key=key(), items=lines, cause="size", fit_for_resale=True, **mine)
    )
    assert isinstance(created, ReturnCreated)

    # The custom-made item is exchanged, never refunded; the proxy purchase neither.
    order = await view("exchangeable_custom")
    item = order.items[0]
    bigger = {"S": "M", "M": "L", "L": "XL"}[item.size]
    exchanged = await shop.rpc.call(
        CreateExchange(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=USER,
            item_id=item.item_id,
            new_size=bigger,
            fit_for_resale=True,
        )
    )
    assert exchanged.kind == "created", exchanged
    refused = await shop.rpc.call(
        QuoteReturn(
            order_no=order.order_no,
            telegram_user_id=USER,
            items=[ReturnLine(item_id=item.item_id)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert "custom_no_return" in refused.reasons
    order = await view("proxy")
    refused = await shop.rpc.call(
        QuoteReturn(
            order_no=order.order_no,
            telegram_user_id=USER,
            items=[ReturnLine(item_id=order.items[0].item_id)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert refused.reasons == ["proxy_no_return"]

    # The unshipped order: another size, SF requested, then cancelled with a refund.
    order = await view("unshipped")
    item = order.items[0]
    changed = await shop.rpc.call(
        ModifyItem(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=USER,
            item_id=item.item_id,
            new_size="L" if item.size != "L" else "M",
        )
    )
    assert isinstance(changed, ItemModified), changed
    courier = await shop.rpc.call(
        RequestCourier(
            idempotency_key=key(), order_no=order.order_no, telegram_user_id=USER, courier="sf"
        )
    )
    assert courier.kind == "courier_requested"
    cancelled = await shop.rpc.call(
        CancelOrder(idempotency_key=key(), order_no=order.order_no, telegram_user_id=USER)
    )
    assert isinstance(cancelled, OrderCancelled) and cancelled.refund is not None
    assert cancelled.refund.amount == order.total + order.postage

    # The unpaid one is cancelled without a refund.
    order = await view("unpaid")
    cancelled = await shop.rpc.call(
        CancelOrder(idempotency_key=key(), order_no=order.order_no, telegram_user_id=USER)
    )
    assert isinstance(cancelled, OrderCancelled) and cancelled.refund is None

    # The overdue and the long-in-transit orders are flagged and can be urged.
    for role, code in (
        ("dispatch_overdue", "dispatch_overdue"),
        ("long_in_transit", "transit_overdue"),
    ):
        order = await view(role)
        assert [flag.code for flag in order.attention] == [code]
        urged = await shop.rpc.call(
            UrgeOrder(idempotency_key=key(), order_no=order.order_no, telegram_user_id=USER)
        )
        assert isinstance(urged, OrderUrged) and urged.overdue

    # kefu demo now tells what happened.
    after = {o.role: o for o in await showcase_orders(shop.db) if o.demo_customer}
    assert any("return is under way" in job for job in after["returnable"].jobs)
    assert after["unshipped"].state == "closed"
