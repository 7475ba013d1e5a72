"""The `kefu` command against a running worker, as an ops engineer uses it."""

import argparse
import asyncio
import json
import os
import sys

import aio_pika
import pytest

from tests.support.cli import run_kefu
from tests.support.topology import new_prefix

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def kefu(shop, *args: str, typed: str | None = None) -> tuple[int, str, str]:
    return await run_kefu(
        *args,
        typed=typed,
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
    # Listing leaves it in place. Replaying it unchanged would only bring it back a second
    # later ("replayed 1", exit 0, and the queue as before): it is kept, ops hear why and what
    # to do instead; --force sends it all the same (and, still broken, it returns).
    code, out, err = await kefu(shop, "dlq", "replay")
    assert code == 1 and "replayed 0" in out
    assert f"kept {line['id']}" in err and "malformed" in err
    assert f"kefu dlq purge {line['id']}" in err and "--force" in err
    assert [json.loads(x)["id"] for x in (await kefu(shop, "dlq", "list"))[1].splitlines()] == [
        line["id"]
    ]
    code, out, _ = await kefu(shop, "dlq", "replay", line["id"], "--force")
    assert code == 0 and "replayed 1" in out
    code, out, _ = await kefu(shop, "dlq", "purge", "--yes")
    assert code == 0
    await channel.close()


async def test_status_shows_the_worker_and_queues(shop):
    code, out, _ = await kefu(shop, "status", "--json")
    assert code == 0
    status = json.loads(out)
    topology = shop.worker.topology
    assert {q["queue"] for q in status["queues"]} == set(topology.queues)
    # The desk's queues appear once a bot with AGENTS_CHAT_ID has started, the staff answers'
    # once one without it has, the notices' once any bot has, the update partitions once the
    # webhook ingress has; none runs here.
    bots = {topology.desk_queue, topology.dead_letter_queue(topology.desk_queue)}
    bots |= {topology.staff_replies_queue, topology.dead_letter_queue(topology.staff_replies_queue)}
    bots |= {topology.notices_queue, topology.dead_letter_queue(topology.notices_queue)}
    bots |= {*topology.update_queues, topology.updates_dead_letters}
    assert all(q["present"] for q in status["queues"] if q["queue"] not in bots)
    assert not any(q["present"] for q in status["queues"] if q["queue"] in topology.update_queues)


async def test_status_says_first_whether_anything_is_wrong_and_what_to_do(shop, amqp_connection):
    """The tired engineer's view: a verdict line first; under each alert the next step; the
    webhook partitions a polling shop never has as one line, not seventeen "(absent)" rows.
    Then the same shop's bus with its worker gone: `kefu status` and `kefu tickets` say to
    start one, and how."""
    wide = {"COLUMNS": "200"}  # rich wraps at 80 columns without a terminal
    code, out, err = await run_kefu(
        "status", "--check", AMQP_URL=shop.worker.settings.bus.url,
        KEFU_BUS_PREFIX=shop.worker.topology.prefix, **wide,
    )
    head = out.splitlines()[:3]
    if code == 0:  # nothing active on this shop's bus (other tests may leave a dead letter)
        assert any("all well" in line for line in head), out
    else:
        assert any("problem(s)" in line for line in head), out
    topology = shop.worker.topology
    partitions = [line for line in out.splitlines() if f"{topology.prefix}.updates." in line]
    assert len(partitions) == 1 and "polling" in partitions[0], out

    from bus.topology import Topology

    prefix = new_prefix()  # a shop whose worker is not running
    env = {"AMQP_URL": shop.worker.settings.bus.url, "KEFU_BUS_PREFIX": prefix, **wide}
    try:
        assert (await run_kefu("broker", "declare", **env))[0] == 0
        code, out, err = await run_kefu("status", **env)
        assert code == 0, err
        lines = out.splitlines()
        assert "1 problem(s)" in lines[1], out
        alert = next(i for i, line in enumerate(lines) if "No worker is consuming" in line)
        assert "python -m worker" in "\n".join(lines[alert + 1 : alert + 4]), out
        code, _, err = await run_kefu("tickets", **env)
        assert code == 3 and "python -m worker" in err and "Traceback" not in err, err
    finally:
        channel = await amqp_connection.channel()
        await Topology(prefix).delete(channel)
        await channel.close()


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


# ── dead letters that cannot go back, purging with care, a broker that is not there ────────


async def _dead_letters(shop, amqp_connection, *messages: aio_pika.Message) -> list[str]:
    """Put messages straight into the commands' dead-letter queue; their `kefu dlq` ids (a
    hash of the message id)."""
    import hashlib

    topology = shop.worker.topology
    channel = await amqp_connection.channel(publisher_confirms=True)
    dead = topology.dead_letter_queue(topology.commands_queue)
    for message in messages:
        await channel.default_exchange.publish(message, routing_key=dead)
    await channel.close()
    return [hashlib.sha256(m.message_id.encode()).hexdigest()[:12] for m in messages]


async def _listed(shop) -> list[str]:
    code, out, err = await kefu(shop, "dlq", "list")
    assert code == 0, err
    return [json.loads(x)["id"] for x in out.splitlines()]


async def test_replay_keeps_what_it_cannot_replay_and_says_why(shop, amqp_connection):
    await kefu(shop, "dlq", "purge", "--yes")
    no_method, nobody = await _dead_letters(
        shop,
        amqp_connection,
        aio_pika.Message(b"{}", message_id="replay-no-method"),
        aio_pika.Message(b"{}", type="orders.nothing_serves_this", message_id="replay-nobody"),
    )
    code, out, err = await kefu(shop, "dlq", "replay")
    assert code == 1
    assert "replayed 0" in out
    assert f"kept {no_method}" in err and "names no method" in err
    assert f"kept {nobody}" in err and "orders.nothing_serves_this" in err
    assert "Traceback" not in err
    assert sorted(await _listed(shop)) == sorted([no_method, nobody])  # both still there
    await kefu(shop, "dlq", "purge", "--yes")


async def test_purge_asks_first_and_can_purge_named_ones(shop, amqp_connection):
    await kefu(shop, "dlq", "purge", "--yes")
    first, second, third = await _dead_letters(
        shop,
        amqp_connection,
        *(aio_pika.Message(b"{}", type="tickets.open", message_id=f"purge-{n}") for n in range(3)),
    )
    code, _, err = await kefu(shop, "dlq", "purge", typed="n\n")
    assert code == 1 and "3 message(s)" in err and "nothing purged" in err
    code, _, err = await kefu(shop, "dlq", "purge")  # nobody there to answer: a no
    assert code == 1 and "nothing purged" in err
    assert len(await _listed(shop)) == 3
    code, out, err = await kefu(shop, "dlq", "purge", first, "--yes")
    assert code == 0 and "purged 1" in out, err
    assert sorted(await _listed(shop)) == sorted([second, third])
    code, out, err = await kefu(shop, "dlq", "purge", second, "nosuchid0000", "--yes")
    assert code == 1 and "purged 1" in out and "not found: nosuchid0000" in err
    code, out, _ = await kefu(shop, "dlq", "purge", typed="y\n")
    assert code == 0 and "purged 1" in out
    assert await _listed(shop) == []


async def test_listing_dead_letters_declares_nothing(shop, amqp_connection):
    from aio_pika.exceptions import ChannelNotFoundEntity

    from bus.topology import Topology

    prefix = f"never{os.getpid()}x"
    code, out, err = await run_kefu(
        "dlq", "list", "--queue", "desk",
        AMQP_URL=shop.worker.settings.bus.url, KEFU_BUS_PREFIX=prefix,
    )
    assert code == 0 and out == "" and "no queue" in err
    topology = Topology(prefix)
    for check in (
        lambda ch: ch.declare_queue(topology.dead_letter_queue(topology.desk_queue), passive=True),
        lambda ch: ch.declare_queue(topology.desk_queue, passive=True),
        lambda ch: ch.declare_exchange(topology.rpc_exchange, passive=True),
    ):
        channel = await amqp_connection.channel()
        with pytest.raises(ChannelNotFoundEntity):
            await check(channel)


@pytest.mark.parametrize(
    "args",
    [
        ("status",),
        ("status", "--json"),
        ("dlq", "list"),
        ("dlq", "purge", "--yes"),
        ("dlq", "replay"),
        ("rpc", "tickets.queue", "{}"),
        ("tickets",),
        ("tickets", "show", "T2026120100001"),
        ("tickets", "reply", "T2026120100001", "您好"),
        ("broker", "declare"),
    ],
)
async def test_every_command_says_clearly_when_the_broker_is_down(args):
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    code, out, err = await run_kefu(*args, AMQP_URL=f"amqp://guest:guest@127.0.0.1:{port}/")
    assert code == 69, (code, out, err)
    assert "cannot reach the broker" in err and "scripts/broker.sh start" in err
    assert "Traceback" not in err and "guest:guest" not in err


async def test_tickets_lists_the_open_ones_and_shows_a_conversation(shop):
    opened_at = "2026-12-01T10:00:00+00:00"
    request = {
        "telegram_user_id": 8123,
        "chat_id": 8123,
        "customer_name": "王小丫",
        "reason": "customer_asked",
        "transcript": [
            {"role": "customer", "text": "裤子太长了 我电话13912345678", "at": opened_at},
            {
                "role": "customer",
                "text": "2026年11月28日买的，2026-11-28 10:30付的款，寄到杭州市西湖区文三路90号",
                "at": opened_at,
            },
            {"role": "bot", "text": "我帮您转人工客服", "at": opened_at},
        ],
    }
    code, out, err = await kefu(shop, "rpc", "tickets.open", json.dumps(request))
    assert code == 0, err
    ticket_no = json.loads(out)["ticket_no"]

    code, out, err = await kefu(shop, "tickets")
    assert code == 0, err
    [line] = [x for x in out.splitlines() if ticket_no in x]
    assert "waiting" in line and "王**" in line and "王小丫" not in line

    code, out, err = await kefu(shop, "tickets", "show", ticket_no)
    assert code == 0, err
    assert "裤子太长了" in out and "我帮您转人工客服" in out
    assert "13912345678" not in out  # what she typed, through the anonymiser
    assert "文三路90号" not in out and "杭州市西湖区<address>" in out
    # dates are not hers to hide: the year stays, and a date with its time is no phone number
    assert "2026年11月28日买的，2026-11-28 10:30付的款" in out, out
    assert "2026-12-01 10:00 customer" in out, out  # each line's own time, with its year
    code, out, _ = await kefu(shop, "tickets", "show", "8123", "--json")
    assert code == 0 and json.loads(out)[0]["ticket_no"] == ticket_no
    code, _, err = await kefu(shop, "tickets", "show", "T2099010100001")
    assert code == 1 and "no ticket" in err
    code, _, err = await kefu(shop, "tickets", "show", "nonsense")
    assert code == 2
    await kefu(shop, "rpc", "tickets.close",
               json.dumps({"ticket_no": ticket_no, "closed_by": "customer"}))


async def test_tickets_reply_answers_a_ticket_and_close_closes_it(shop):
    request = {
        "telegram_user_id": 8124, "chat_id": 8124, "customer_name": "李小花",
        "reason": "customer_asked",
        "transcript": [{"role": "customer", "text": "裤子太长 我电话13812345678",
                        "at": "2026-12-01T10:00:00+00:00"}],
    }
    code, out, err = await kefu(shop, "rpc", "tickets.open", json.dumps(request))
    assert code == 0, err
    ticket_no = json.loads(out)["ticket_no"]
    code, out, err = await kefu(shop, "tickets", "reply", ticket_no.lower(), "您好，可以免费改短",
                                "--as", "阿明")
    assert code == 0, err
    assert f"{ticket_no} answered" in out and "passes it on to the customer" in out
    code, out, err = await kefu(shop, "tickets", "show", ticket_no)
    assert code == 0, err
    assert "with 阿明" in out and "agent" in out and "您好，可以免费改短" in out
    assert "13812345678" not in out  # the show still masks what she typed
    # wrong use: said plainly, nothing sent
    for args in (("reply", ticket_no), ("reply", ticket_no, "  "), ("reply", "T1", "hi"),
                 ("close", ticket_no, "text"), ("list", "T2026120100001", "hi")):
        code, _, err = await kefu(shop, "tickets", *args)
        assert code == 2 and "Traceback" not in err, (args, err)
    code, out, err = await kefu(shop, "tickets", "close", ticket_no)
    assert code == 0 and f"{ticket_no} closed" in out, err
    code, _, err = await kefu(shop, "tickets", "reply", ticket_no, "还有一件事")
    assert code == 1 and "closed already" in err and "nothing was sent" in err
    code, _, err = await kefu(shop, "tickets", "reply", "T2099010100001", "hi")
    assert code == 1 and "no ticket T2099010100001" in err
    # a ticket in the agents' desk is answered in its topic
    request = {**request, "telegram_user_id": 8125, "chat_id": 8125}
    code, out, _ = await kefu(shop, "rpc", "tickets.open", json.dumps(request))
    desk_ticket = json.loads(out)["ticket_no"]
    bind = {"ticket_no": desk_ticket, "desk_chat_id": -100_555, "topic_id": 77}
    assert (await kefu(shop, "rpc", "tickets.set_topic", json.dumps(bind)))[0] == 0
    code, _, err = await kefu(shop, "tickets", "reply", desk_ticket, "您好", "--close")
    assert code == 1 and "agents' desk" in err and "its topic" in err
    await kefu(shop, "rpc", "tickets.close",
               json.dumps({"ticket_no": desk_ticket, "closed_by": "customer"}))


async def test_a_ticket_open_for_days_says_days() -> None:
    from datetime import UTC, datetime, timedelta

    from bus.contracts import TicketView
    from ops.tickets import ticket_line

    now = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
    ticket = TicketView(
        ticket_no="T2026110100001", state="waiting", chat_id=1, telegram_user_id=1,
        customer_name="王小丫", reason="customer_asked", locale="zh_CN",
        opened_at=now - timedelta(days=33, hours=2, minutes=5), transcript_length=0,
    )
    assert "opened 33d02h ago" in ticket_line(ticket, now)
    later = ticket.opened_at + timedelta(hours=2, minutes=5)
    assert "opened 2h05m ago" in ticket_line(ticket, later)
    assert "opened 7m ago" in ticket_line(ticket, ticket.opened_at + timedelta(minutes=7))


async def test_help_lists_every_command():
    from ops.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    code, out, _ = await run_kefu("--help")
    assert code == 0
    for name in sub.choices:
        assert f"kefu {name}" in out, f"kefu --help does not describe `kefu {name}`"
    assert "kefu jobs" in out and "kefu tickets" in out and "69" in out


@pytest.mark.parametrize(
    ("typed", "meant"),
    [(("stats",), "status"), (("ticket",), "tickets"), (("dlq", "relpay"), "replay")],
)
async def test_a_mistyped_command_names_the_one_meant(typed, meant):
    """`kefu stats` at 3 a.m.: argparse listed twelve choices; now it names the close one."""
    code, out, err = await run_kefu(*typed)
    assert code == 2 and out == ""
    assert f"did you mean: {meant}?" in err, err
    code, _, err = await run_kefu("zzzz")
    assert code == 2 and "did you mean" not in err
