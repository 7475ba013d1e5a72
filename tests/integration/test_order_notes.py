"""``orders.add_note`` on the bus against the real worker and database: the customer's special
request appended to her own order as a remark, before it ships; once per key (a redelivered
command, or the same words again, write one remark); refused as data once the parcel has left;
the owner only; bounded text, kept out of the logs."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import uuid4

import pytest
from pydantic import ValidationError
from sqlalchemy import select

from bus.contracts import (
    NOTE_MAX_CHARS,
    AddOrderNote,
    ContactRequired,
    OrderNoteAdded,
    OrderNoteRefused,
    OrderNotFound,
)
from worker.db.models import Order, Remark

pytestmark = pytest.mark.asyncio(loop_scope="session")

PAID = dict(state="paid", delivered_ago=None, paid_ago=timedelta(hours=3))


def note(order, text: str, *, key: str | None = None, **fields) -> AddOrderNote:
    base = dict(
        idempotency_key=key or f"test-{uuid4().hex}",
        order_no=order.order_no,
        telegram_user_id=order.telegram_user_id,
        text=text,
    )
    base.update(fields)
    return AddOrderNote(**base)


async def remarks(shop, order_no: str) -> list[Remark]:
    async with shop.db.read() as session:
        found = await session.scalars(
            select(Remark).join(Order).where(Order.order_no == order_no).order_by(Remark.id)
        )
        return list(found.all())


async def test_a_gift_note_is_appended_red_for_the_warehouse(shop, make_order) -> None:
    order = await make_order(kind="regular", **PAID)
    reply = await shop.rpc.call(note(order, "是送人的  包裹里别放价格单和发票"))
    assert isinstance(reply, OrderNoteAdded) and not reply.already
    assert reply.order_no == order.order_no and reply.flag == "red"
    [remark] = await remarks(shop, order.order_no)
    assert remark.content == "客户备注（经机器人）：是送人的 包裹里别放价格单和发票"
    assert remark.content == reply.content and remark.flag == "red"
    assert remark.author == "Kefu 机器人"
    assert str(remark).startswith(remark.content + " — Kefu 机器人 — ")


async def test_a_delivery_note_on_an_unpaid_order_is_blue(shop, make_order) -> None:
    order = await make_order(kind="regular", state="awaiting_payment", delivered_ago=None)
    reply = await shop.rpc.call(note(order, "放快递柜 别打电话"))
    assert isinstance(reply, OrderNoteAdded) and reply.flag == "blue"
    [remark] = await remarks(shop, order.order_no)
    assert remark.flag == "blue" and remark.content.endswith("放快递柜 别打电话")


async def test_notes_are_appended_never_edited(shop, make_order) -> None:
    order = await make_order(kind="regular", **PAID)
    await shop.rpc.call(note(order, "it's a gift for my mom, no receipt inside please"))
    await shop.rpc.call(note(order, "leave it in the parcel locker, no need to call"))
    first, second = await remarks(shop, order.order_no)
    assert "gift for my mom" in first.content and first.flag == "red"
    assert "parcel locker" in second.content and second.flag == "blue"


async def test_a_redelivered_note_is_written_once(shop, make_order) -> None:
    order = await make_order(kind="regular", **PAID)
    request = note(order, "帮我备注一下 周六再送")
    first = await shop.rpc.call(request)
    assert isinstance(first, OrderNoteAdded)
    # the same command again (a redelivery, a retry): the stored reply, nothing written twice
    assert await shop.rpc.call(request) == first
    # the same words with a new key (asked again in another chat): one note, said so
    again = await shop.rpc.call(note(order, "帮我备注一下  周六再送"))
    assert isinstance(again, OrderNoteAdded) and again.already
    assert again.recorded_at == first.recorded_at
    assert len(await remarks(shop, order.order_no)) == 1


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("shipped", "already_shipped"),
        ("completed", "order_completed"),
        ("closed", "order_closed"),
    ],
)
async def test_too_late_for_a_note_is_refused_with_the_reason(
    shop, make_order, state, reason
) -> None:
    order = await make_order(kind="regular", state=state, delivered_ago=None)
    reply = await shop.rpc.call(note(order, "别放发票"))
    assert isinstance(reply, OrderNoteRefused) and reply.reason == reason
    if state == "shipped":
        assert reply.tracking_no  # the parcel's number, for the courier
    else:
        assert reply.tracking_no is None
    assert await remarks(shop, order.order_no) == []


async def test_only_her_own_order(shop, make_order) -> None:
    order = await make_order(kind="regular", **PAID)
    stranger = await shop.rpc.call(
        note(order, "别放发票", telegram_user_id=order.telegram_user_id + 1)
    )
    assert isinstance(stranger, OrderNotFound)
    by_digits = await shop.rpc.call(
        note(
            order,
            "别放发票",
            telegram_user_id=order.telegram_user_id + 1,
            phone_last4=order.phone[-4:],
        )
    )
    assert isinstance(by_digits, ContactRequired)  # the digits read an order, never write on it
    assert await remarks(shop, order.order_no) == []


async def test_the_text_is_bounded() -> None:
    fields = dict(idempotency_key="test-bounded", order_no="KF20260001", telegram_user_id=1)
    AddOrderNote(**fields, text="x" * NOTE_MAX_CHARS)
    with pytest.raises(ValidationError):
        AddOrderNote(**fields, text="x" * (NOTE_MAX_CHARS + 1))
    with pytest.raises(ValidationError):
        AddOrderNote(**fields, text="   ")


async def test_the_words_stay_out_of_the_log(shop, make_order, caplog) -> None:
    order = await make_order(kind="regular", **PAID)
    words = "送货前打13912345678 放到幸福路88号门卫"
    with caplog.at_level(logging.INFO):
        reply = await shop.rpc.call(note(order, words))
    assert isinstance(reply, OrderNoteAdded)
    assert any(order.order_no in r.getMessage() for r in caplog.records)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "13912345678" not in logged and "幸福路" not in logged
