"""Requests know their replies: the registry of a server and the in-memory bus hold every
handler to them, as mypy does statically."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bus.contracts import (
    REQUESTS,
    ChangeAddress,
    ContactRequired,
    CustomerLinked,
    CustomerUnknown,
    LinkCustomer,
    LookupOrder,
    OrderFound,
    OrderNotFound,
    ProductList,
    Throttled,
    TicketOpened,
    reply_adapter,
)
from bus.errors import BusRemoteError, BusTimeout, BusUnavailable
from bus.protocol import Handlers
from bus.testing import InMemoryBus
from tests.support.views import order_view

ORDER = order_view()


async def found(request: LookupOrder) -> OrderFound | OrderNotFound | Throttled:
    return OrderFound(order=ORDER)


def test_replies_are_derived_from_the_type_parameter():
    assert LookupOrder.REPLIES == (OrderFound, OrderNotFound, Throttled, ContactRequired)
    assert LinkCustomer.REPLIES == (CustomerLinked, CustomerUnknown)
    assert all(request.REPLIES for request in REQUESTS)
    adapter = reply_adapter(LookupOrder)
    assert adapter is reply_adapter(LookupOrder)  # built once per request type
    assert isinstance(adapter.validate_json('{"kind": "throttled", "retry_after_s": 5}'), Throttled)
    with pytest.raises(ValidationError):
        adapter.validate_json('{"kind": "products", "products": []}')  # not a lookup's reply


def test_a_handler_for_another_request_is_refused_at_start():
    async def wrong_request(request: ChangeAddress) -> OrderNotFound:
        return OrderNotFound()

    with pytest.raises(TypeError, match=r"takes ChangeAddress, but serves orders\.lookup"):
        Handlers([LookupOrder.served_by(wrong_request)])  # mypy refuses it too (arg-type)


def test_a_handler_returning_an_undeclared_reply_is_refused_at_start():
    async def wrong_reply(request: LookupOrder) -> OrderFound | ProductList:
        return OrderFound(order=ORDER)

    with pytest.raises(TypeError, match="may return ProductList"):
        Handlers([LookupOrder.served_by(wrong_reply)])  # mypy refuses it too (arg-type)


def test_a_method_served_twice_or_left_unserved_is_refused():
    with pytest.raises(ValueError, match="served twice"):
        Handlers([LookupOrder.served_by(found), LookupOrder.served_by(found)])
    with pytest.raises(ValueError, match="no handler for"):
        Handlers([LookupOrder.served_by(found)], complete=True)


async def test_in_memory_bus_round_trips_request_and_reply_through_json():
    bus = InMemoryBus(LookupOrder.served_by(found))
    request = LookupOrder(order_no="KF20260001", telegram_user_id=7, phone_last4="0001")
    reply = await bus.call(request)
    assert reply == OrderFound(order=ORDER)
    assert bus.calls == [request]
    assert bus.calls[0] is not request  # what the handler saw was parsed from the wire form


async def test_in_memory_bus_refuses_what_the_wire_would():
    bus = InMemoryBus(LookupOrder.served_by(found))
    # A request built without validation (as a bug would) is refused like on the server.
    bad = LookupOrder.model_construct(order_no="KF1", telegram_user_id=7, phone_last4=None)
    with pytest.raises(BusRemoteError) as error:
        await bus.call(bad)
    assert error.value.code == "bad_request"
    with pytest.raises(BusUnavailable, match=r"nobody serves customers\.link"):
        await bus.call(LinkCustomer(telegram_user_id=7, phone="13900000001"))

    async def undeclared(request: LookupOrder):  # no annotation: only the wire can tell
        return TicketOpened(ticket_no="T1", opened_at=datetime(2026, 3, 1, tzinfo=UTC))

    with pytest.raises(ValidationError):
        await InMemoryBus(LookupOrder.served_by(undeclared)).call(
            LookupOrder(order_no="KF20260001", telegram_user_id=7)
        )


async def test_in_memory_bus_handler_failures_look_like_the_servers():
    async def crashing(request: LookupOrder) -> OrderFound:
        raise RuntimeError("database on fire")

    async def slow(request: LookupOrder) -> OrderFound:
        raise BusTimeout("no reply within 5.0s")

    request = LookupOrder(order_no="KF20260001", telegram_user_id=7)
    with pytest.raises(BusRemoteError) as error:
        await InMemoryBus(LookupOrder.served_by(crashing)).call(request)
    assert error.value.code == "internal" and "fire" not in error.value.message
    with pytest.raises(BusTimeout):
        await InMemoryBus(LookupOrder.served_by(slow)).call(request)
