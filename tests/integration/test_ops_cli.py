"""The `kefu` command against a running worker, as an ops engineer uses it."""

import asyncio
import json
import os
import sys

import aio_pika
import pytest

from tests.support.cli import run_kefu

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def kefu(shop, *args: str) -> tuple[int, str, str]:
    return await run_kefu(
        *args,
        AMQP_URL=shop.worker.settings.bus.url,
        KEFU_BUS_PREFIX=shop.worker.topology.prefix,
        DATABASE_URL=shop.worker.settings.database_url,
    )


async def test_rpc_prints_the_reply_as_json(shop, make_order):
    order = await make_order()
    request = {"order_no": order.order_no, "telegram_user_id": 1, "phone_last4": order.phone[-4:]}
    code, out, _ = await kefu(shop, "rpc", "orders.lookup", json.dumps(request))
    assert code == 0
    reply = json.loads(out)
    assert reply["kind"] == "found"
    assert reply["order"]["order_no"] == order.order_no


async def test_rpc_reports_bad_requests_and_unknown_methods(shop):
    code, out, _ = await kefu(shop, "rpc", "orders.lookup", '{"order_no": "nope"}')
    assert code == 1
    assert json.loads(out)["code"] == "bad_request"
    code, _, err = await kefu(shop, "rpc", "orders.delete", "{}")
    assert code == 2 and "unknown method" in err


async def test_seed_refuses_a_shop_with_data_unless_if_empty(shop):
    assert (await kefu(shop, "seed"))[0] == 1
    code, out, _ = await kefu(shop, "seed", "--if-empty")
    assert code == 0 and "already has data" in out
    # Seeded a moment ago: nothing to renew yet.
    code, out, _ = await kefu(shop, "seed", "--if-empty", "--renew-stale")
    assert code == 0 and "left as it is" in out


async def test_demo_lists_the_orders_to_try_with_what_each_allows(shop):
    from worker.seed import SHOWCASE, showcase_orders

    code, out, err = await kefu(shop, "demo")
    assert code == 0, err
    showcase = await showcase_orders(shop.db)
    mine = [o for o in showcase if o.demo_customer]
    assert f"/contact {mine[0].customer_phone}" in out
    for order in showcase:
        assert f"{order.order_no}  last four {order.last4}  {order.state}" in out
    assert "DISPATCH OVERDUE" in out and "LONG IN TRANSIT" in out
    code, out, _ = await kefu(shop, "demo", "--json")
    assert code == 0
    assert [entry["role"] for entry in json.loads(out)] == [s.role for s in SHOWCASE]


@pytest.mark.parametrize(
    ("command", "where"),
    [
        ("demo", "missing/none.db"),  # no folder: aiosqlite's connect itself would fail
        ("demo", "empty.db"),  # a file with no tables
        ("followups", "missing/none.db"),
    ],
)
async def test_a_read_only_command_on_a_database_that_is_not_the_shop(
    shop, tmp_path, command, where
):
    path = tmp_path / where
    if where == "empty.db":
        path.touch()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ops.cli",
        command,
        env=dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{path}"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    assert "kefu " in err.decode() and "Traceback" not in err.decode()
    # Asking created nothing: no file where there was none.
    assert path.exists() == (where == "empty.db")


async def test_dead_letters_can_be_listed_and_replayed(shop, amqp_connection, make_order):
    topology = shop.worker.topology
    channel = await amqp_connection.channel()
    exchange = await channel.get_exchange(topology.rpc_exchange)
    await exchange.publish(
        aio_pika.Message(b'{"broken": true}', type="tickets.open"), routing_key="tickets.open"
    )
    dead = await channel.get_queue(topology.dead_letter_queue(topology.commands_queue))
    for _ in range(100):
        if (await channel.declare_queue(dead.name, passive=True)).declaration_result.message_count:
            break
        await asyncio.sleep(0.05)
    code, out, _ = await kefu(shop, "dlq", "list")
    assert code == 0
    [line] = [json.loads(x) for x in out.splitlines()]
    assert line["method"] == "tickets.open"
    assert line["reason"].startswith("bad_request")
    # Listing leaves it in place; replaying sends it back (and, still broken, it returns).
    code, out, _ = await kefu(shop, "dlq", "replay")
    assert code == 0 and "replayed 1" in out
    code, out, _ = await kefu(shop, "dlq", "purge")
    assert code == 0
    await channel.close()


async def test_status_shows_the_worker_and_queues(shop):
    code, out, _ = await kefu(shop, "status", "--json")
    assert code == 0
    status = json.loads(out)
    topology = shop.worker.topology
    assert {q["queue"] for q in status["queues"]} == set(topology.queues)
    # The desk's queues appear once a bot with AGENTS_CHAT_ID has started, the update
    # partitions once the webhook ingress has; neither runs here.
    bots = {topology.desk_queue, topology.dead_letter_queue(topology.desk_queue)}
    bots |= {*topology.update_queues, topology.updates_dead_letters}
    assert all(q["present"] for q in status["queues"] if q["queue"] not in bots)
    assert not any(q["present"] for q in status["queues"] if q["queue"] in topology.update_queues)


async def test_followups_list_returns_refunds_and_invoices_to_handle(shop, make_order):
    from datetime import timedelta
    from uuid import uuid4

    from bus.contracts import CancelOrder, CreateReturn, RequestInvoice, ReturnLine

    def fields(order):
        return dict(
            idempotency_key=f"t-{uuid4().hex}",
            order_no=order.order_no,
            telegram_user_id=order.telegram_user_id,
        )

    returned = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    created = await shop.rpc.call(
        CreateReturn(
            **fields(returned),
            items=[ReturnLine(item_id=returned.item_id)],
            cause="quality",
            fit_for_resale=False,
        )
    )
    unshipped = await make_order(kind="regular", state="paid", delivered_ago=None)
    cancelled = await shop.rpc.call(CancelOrder(**fields(unshipped)))
    invoiced = await make_order(kind="regular", delivered_ago=timedelta(days=1))
    invoice = await shop.rpc.call(
        RequestInvoice(
            **fields(invoiced),
            title_type="company",
            title="杭州可芙贸易有限公司",
            tax_no="91350100M000100Y43",
        )
    )
    code, out, err = await kefu(shop, "followups")
    assert code == 0, err
    assert created.record.return_no in out and "shop pays postage back" in out
    assert cancelled.refund.refund_no in out
    assert invoice.invoice.invoice_no in out and "91350100M000100Y43" in out
    assert returned.phone not in out  # never a phone
    code, out, _ = await kefu(shop, "followups", "--json")
    kinds = {row["kind"] for row in json.loads(out)}
    assert kinds == {"return", "refund", "invoice"}
