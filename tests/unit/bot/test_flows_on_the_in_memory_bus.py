"""Bot flows against ``bus.testing.InMemoryBus``: the worker's replies are scripted, but every
request and reply crosses JSON as on the wire, so a flow that sends what the contract refuses
fails here too."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

import pytest

from bus.contracts import (
    AddressChanged,
    AddressChangeRefused,
    ChangeAddress,
    LookupOrder,
    OrderFound,
    OrderNotFound,
    OrderView,
    Throttled,
)
from bus.testing import InMemoryBus
from shop.enums import AddressChangeReason, OrderState
from tests.support.bot import Harness
from tests.support.views import order_view


def order(state: OrderState, refusal: AddressChangeReason | None) -> OrderView:
    return order_view(state=state, address_refusal=refusal)


def worker(view: OrderView, access: Literal["owner", "last4"] = "last4") -> InMemoryBus:
    async def lookup(request: LookupOrder) -> OrderFound | OrderNotFound | Throttled:
        return OrderFound(order=view, access=access)

    async def change(
        request: ChangeAddress,
    ) -> AddressChanged | AddressChangeRefused | OrderNotFound | Throttled:
        return AddressChanged(order=view.model_copy(update={"province": request.province}))

    return InMemoryBus(LookupOrder.served_by(lookup), ChangeAddress.served_by(change))


ASK = "订单KF20260001要改地址 尾号0001"


@pytest.mark.parametrize(
    ("state", "refusal"),
    [("closed", "closed"), ("shipped", "already_shipped"), ("completed", "already_shipped")],
)
async def test_address_refusal_is_the_workers_reason(state, refusal) -> None:
    harness = Harness(worker(order(state, refusal)))
    answers = await harness.say(ASK)
    assert answers[-1] == harness.replies.address_refused(refusal, "zh_CN")


async def test_a_delivered_order_says_when_it_was_signed_for_and_offers_a_person() -> None:
    """Found holding the console: a parcel signed for two days ago heard "the courier may be
    able to redirect it"."""
    delivered = datetime(2026, 11, 30, 10, 19, tzinfo=UTC)
    view = order_view(state="shipped", address_refusal="already_shipped", delivered_at=delivered)
    harness = Harness(worker(view))
    answers = await harness.say(ASK)
    when = harness.replies.format_datetime(delivered, "zh_CN")
    assert answers[-1] == harness.t("address.refused_delivered", delivered_at=when)
    message, _ = harness.last_message_with("转人工客服")
    assert message.text == answers[-1]  # the person offered under it


async def test_a_changeable_address_is_asked_for_and_sent_as_the_contract_wants() -> None:
    bus = worker(order("paid", None), access="owner")  # the verified customer may change it
    harness = Harness(bus)
    answers = await harness.say(ASK)
    assert answers[-1] == harness.replies.text("address.ask_new", "zh_CN")
    [shown] = await harness.say("李雷 上海市浦东新区世纪大道100号8楼 13800001111")
    # Shown to the customer before anything is written, with Confirm / Edit: the address in
    # full, the phone masked as the order's own receiver's is
    assert "李雷" in shown and "138****1111" in shown and "世纪大道100号8楼" in shown
    assert "13800001111" not in shown
    assert [c for c in bus.calls if isinstance(c, ChangeAddress)] == []
    [done] = await harness.press("✅")
    assert "138****1111" in done and "13800001111" not in done
    [lookup, change] = bus.calls
    assert isinstance(lookup, LookupOrder) and lookup.phone_last4 == "0001"
    assert isinstance(change, ChangeAddress)
    assert (change.province, change.receiver_phone) == ("上海", "13800001111")
    assert (change.receiver_name, change.district) == ("李雷", "浦东新区")
    assert change.street == "世纪大道100号8楼"
    assert change.phone_last4 == "0001"  # the proof the customer gave, carried to the command


async def test_an_address_the_worker_cannot_place_is_asked_for_again() -> None:
    view = order("paid", None)
    refusals = [AddressChangeRefused(reason="unknown_region")]

    async def lookup(request: LookupOrder) -> OrderFound | OrderNotFound | Throttled:
        return OrderFound(order=view, access="owner")

    async def change(
        request: ChangeAddress,
    ) -> AddressChanged | AddressChangeRefused | OrderNotFound | Throttled:
        if refusals:
            return refusals.pop()
        return AddressChanged(order=view.model_copy(update={"province": request.province}))

    bus = InMemoryBus(LookupOrder.served_by(lookup), ChangeAddress.served_by(change))
    harness = Harness(bus)
    await harness.say(ASK)
    await harness.say("上海市浦东新区世纪大道100号8楼")
    [again] = await harness.press("✅")
    assert again == harness.replies.address_refused("unknown_region", "zh_CN")
    assert harness.session.sent[-1].reply_markup is None  # sending it again is enough
    await harness.say("上海市浦东新区世纪大道100号8楼")
    [done] = await harness.press("✅")
    # no new receiver given: the order's own, masked as the worker sends it (was "（不变）")
    assert done == harness.t(
        "address.done_full", name=view.receiver_name_masked, phone=view.phone_masked,
        region="上海 浦东新区",
        street="世纪大道100号8楼",
    )
    first, second = [c for c in bus.calls if isinstance(c, ChangeAddress)]
    assert first.idempotency_key != second.idempotency_key  # a new request, not a retry
