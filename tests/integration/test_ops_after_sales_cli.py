"""`kefu returns receive`, `kefu refunds issue`, `kefu exchanges receive|ship` against a
running worker, as the after-sales team uses them; `kefu followups` shows what they moved."""

from __future__ import annotations

import json
from datetime import timedelta
from uuid import uuid4

import pytest

from bus.contracts import CreateReturn, ExchangeCreated, ReturnCreated, ReturnLine
from tests.integration.conftest import exchange_request
from tests.integration.test_ops_cli import kefu

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def a_return(shop, make_order) -> tuple[str, str]:
    order = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    created = await shop.rpc.call(
        CreateReturn(
            idempotency_key=f"t-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
            items=[ReturnLine(item_id=order.item_id)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert isinstance(created, ReturnCreated)
    return order.order_no, created.record.return_no


def followup(out: str, number: str) -> dict | None:
    return next((row for row in json.loads(out) if row["number"] == number), None)


async def test_receive_then_refund_moves_the_return_through_followups(shop, make_order):
    order_no, return_no = await a_return(shop, make_order)
    code, out, err = await kefu(shop, "returns", "receive", return_no, "--by", "小王")
    assert code == 0, err
    assert f"{return_no} (order {order_no}) received and accepted" in out
    refund_no = out.split("refund ")[1].split()[0]
    assert refund_no.startswith("RF")
    code, out, _ = await kefu(shop, "followups", "--json")
    assert followup(out, return_no)["state"] == "received"
    assert followup(out, refund_no)["state"] == "pending"
    # received twice: refused, said why, nothing applied again
    code, _, err = await kefu(shop, "returns", "receive", return_no)
    assert code == 1 and "received already" in err and "(it is received)" in err
    # a wrong amount is refused, the right one pays
    code, _, err = await kefu(shop, "refunds", "issue", return_no, "--amount", "299")
    assert code == 1 and "not the refund's" in err
    code, out, err = await kefu(shop, "refunds", "issue", refund_no, "--amount", "¥300")
    assert code == 0, err
    assert f"refund {refund_no} of ¥300.00 for return {return_no} issued" in out
    code, out, _ = await kefu(shop, "followups", "--json")
    assert followup(out, return_no) is None and followup(out, refund_no) is None
    code, out, _ = await kefu(shop, "followups", "--all", "--json")
    assert followup(out, return_no)["state"] == "refunded"
    assert followup(out, refund_no)["state"] == "issued"
    code, _, err = await kefu(shop, "returns", "receive", return_no)
    assert code == 1 and "refunded already" in err


async def test_a_refused_parcel_from_the_command_line(shop, make_order):
    _, return_no = await a_return(shop, make_order)
    code, out, err = await kefu(
        shop, "returns", "receive", return_no, "--refuse", "washed", "--note", "缩水明显"
    )
    assert code == 0, err
    assert "received and refused (washed): closed without a refund" in out
    code, _, err = await kefu(shop, "refunds", "issue", return_no)
    assert code == 1 and "return is cancelled" in err
    code, out, _ = await kefu(shop, "followups", "--json")
    assert followup(out, return_no) is None  # nothing left to follow up


async def test_wrong_input_is_said_and_nothing_sent(shop):
    code, _, err = await kefu(shop, "returns", "receive", "KF12345678")
    assert code == 2 and "return_no" in err
    code, _, err = await kefu(shop, "returns", "receive", "RT2026010100001", "--refuse", "ugly")
    assert code == 2 and "invalid choice" in err
    code, _, err = await kefu(shop, "refunds", "issue", "RF2099010199999")
    assert code == 1 and "no such record" in err


async def test_an_exchange_received_and_shipped_from_the_command_line(shop, make_order):
    order = await make_order(kind="custom", target_stock=2)
    created = await shop.rpc.call(exchange_request(order))
    assert isinstance(created, ExchangeCreated)
    rma_no = created.exchange.rma_no
    code, _, err = await kefu(shop, "exchanges", "ship", rma_no, "--tracking", "SF1234567890")
    assert code == 1 and "not been received yet" in err
    code, out, err = await kefu(shop, "exchanges", "receive", rma_no)
    assert code == 0 and "parcel received" in out, err
    code, out, err = await kefu(
        shop, "exchanges", "ship", rma_no, "--courier", "sf", "--tracking", "sf1234567890"
    )
    assert code == 0, err
    assert f"{rma_no} (order {order.order_no}) replacement shipped: sf SF1234567890" in out
