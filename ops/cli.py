"""``kefu``: the ops and developer door to a running Kefu — a thin layer over the packages.

kefu seed [--if-empty] [--renew-stale|--renew]
                                  build the demo shop (an empty database only; rebuild it)
kefu demo [--json]                the demo orders to try, with what each allows now
kefu followups [--all] [--json]   returns, refunds and invoices the shop has to follow up
kefu db upgrade|current           database migrations (Alembic)
kefu rpc METHOD JSON              call any bus method, print the JSON reply
kefu status [--json]              queues, consumers (workers), dead letters
kefu dlq list|replay|purge        inspect, re-send or drop dead-lettered messages
kefu broker declare|reset         declare (or, on a dev machine, delete) the topology
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from dataclasses import asdict
from datetime import timedelta
from typing import Any

import aio_pika
import aiohttp
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.exc import SQLAlchemyError

from bus.errors import BusError
from bus.protocol import METHODS
from bus.rpc import REASON_HEADER, RpcClient
from bus.settings import BusSettings
from worker.settings import WorkerSettings


class OpsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    bus: BusSettings = Field(default_factory=BusSettings)
    management_url: str = Field(
        default="http://127.0.0.1:15672/api", alias="RABBITMQ_MANAGEMENT_URL"
    )
    management_user: str = Field(default="guest", alias="RABBITMQ_MANAGEMENT_USER")
    management_password: str = Field(default="guest", alias="RABBITMQ_MANAGEMENT_PASSWORD")


# ── seed / db ────────────────────────────────────────────────────────────────────────────


async def cmd_seed(args: argparse.Namespace) -> int:
    from worker import create_worker
    from worker.seed import FRESH_FOR, N_CUSTOMERS, N_ORDERS, PRODUCTS, demo_shop_age, renew_demo

    worker = create_worker(WorkerSettings())
    _ensure_sqlite_folder(worker.settings.database_url)
    built = f"{len(PRODUCTS)} products, {N_CUSTOMERS} customers, {N_ORDERS} orders"
    try:
        if await worker.seed_demo():
            print(f"seeded the demo shop: {built}")
            return 0
        age = await demo_shop_age(worker.db)
        if age is not None and (args.renew or (args.renew_stale and age > FRESH_FOR)):
            await renew_demo(worker.db, timing=worker.timing)
            print(f"rebuilt the demo shop seeded {_age(age)} ago, its times from now: {built}")
            return 0
    finally:
        await worker.db.dispose()
    quiet = args.if_empty or args.renew_stale
    if age is not None:
        print(f"the shop already has data (the demo shop, seeded {_age(age)} ago); left as it is")
        return 0 if quiet else 1
    if args.renew:
        print("this database is not the demo shop: nothing rebuilt", file=sys.stderr)
        return 1
    if quiet:
        print("the shop already has data; left as it is")
        return 0
    print("the shop already has data; nothing seeded (use a new DATABASE_URL)")
    return 1


def _age(age: timedelta) -> str:
    hours = age.total_seconds() / 3600
    return f"{hours / 24:.0f} days" if hours >= 48 else f"{hours:.0f} hours"


async def cmd_demo(args: argparse.Namespace) -> int:
    """The demo shop's showcase orders, with what each allows now (``scripts/run.sh`` prints
    them before the console chat opens: the bot itself never reads the database)."""
    from shop.policy import load_policy
    from worker.db.session import Database
    from worker.seed import FRESH_FOR, demo_shop_age, showcase_orders

    settings = WorkerSettings()
    # What each order allows is decided by the worker's rules with the policy it enforces
    # (KEFU_SHOP_POLICY).
    policy = load_policy(settings.shop_policy)
    db = Database(settings.database_url)
    try:
        age = await demo_shop_age(db)
        found = await showcase_orders(db, policy=policy)
    except SQLAlchemyError as exc:  # no database yet, or not migrated: say so, no traceback
        print(f"no demo shop to show ({type(exc).__name__}); run: kefu seed", file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    if found is None or age is None:
        print("this database is not the demo shop (kefu seed builds one)", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps([asdict(o) for o in found], ensure_ascii=False, indent=2))
        return 0
    mine = [o for o in found if o.demo_customer]
    others = [o for o in found if not o.demo_customer]
    print(f"Demo orders to try (the demo shop was seeded {_age(age)} ago).")
    if mine:
        print(
            f"They belong to {mine[0].customer_name}: verify as them with "
            f"/contact {mine[0].customer_phone}, or give an order number and its last four "
            "digits."
        )
    for title, orders in (("", mine), ("Other customers' orders that need attention:", others)):
        if orders and title:
            print(title)
        for order in orders:
            print(
                f"  {order.order_no}  last four {order.last4}  {order.state} · "
                f"{', '.join(order.items)}"
            )
            print(f"      → {'; '.join(order.jobs)}")
    if age > FRESH_FOR:
        print("Its time rules have moved on since it was seeded; fresh cases: kefu seed --renew")
    return 0


async def cmd_followups(args: argparse.Namespace) -> int:
    """Live returns, refunds to issue, invoices to issue: the records behind every "we'll
    follow up" (for the after-sales team and finance; invoice titles and tax numbers are
    shown, phones and addresses never)."""
    from worker.db.session import Database
    from worker.followups import follow_ups

    db = Database(WorkerSettings().database_url)
    try:
        found = await follow_ups(db, include_done=args.all)
    except SQLAlchemyError as exc:
        print(f"cannot read the shop's records ({type(exc).__name__}); run: kefu db upgrade",
              file=sys.stderr)
        return 1
    finally:
        await db.dispose()
    if args.json:
        rows = [dict(asdict(f), amount=str(f.amount), since=f.since.isoformat()) for f in found]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not found:
        print("nothing to follow up")
        return 0
    for f in found:
        print(f"{f.kind:8} {f.number:16} {f.order_no}  {f.state:16} ¥{f.amount:>9}  "
              f"{f.since:%Y-%m-%d %H:%M}  {f.detail}")
    return 0


async def cmd_db(args: argparse.Namespace) -> int:
    from alembic import command

    from worker.db.migrate import alembic_config, upgrade
    from worker.db.session import Database

    settings = WorkerSettings()
    _ensure_sqlite_folder(settings.database_url)
    db = Database(settings.database_url)
    try:
        if args.action == "upgrade":
            await upgrade(db)
            print("database at the latest revision")
        else:

            def current(connection: Any) -> None:
                config = alembic_config(settings.database_url)
                config.attributes["connection"] = connection
                command.current(config, verbose=False)

            async with db.engine.connect() as connection:
                await connection.run_sync(current)
    finally:
        await db.dispose()
    return 0


def _ensure_sqlite_folder(url: str) -> None:
    if url.startswith("sqlite") and "///" in url:
        from pathlib import Path

        Path(url.split("///", 1)[1]).parent.mkdir(parents=True, exist_ok=True)


# ── rpc ──────────────────────────────────────────────────────────────────────────────────


async def cmd_rpc(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    if args.method not in METHODS:
        print(
            f"unknown method {args.method!r}; known: {', '.join(sorted(METHODS))}", file=sys.stderr
        )
        return 2
    try:
        payload = json.loads(args.json)
    except json.JSONDecodeError as exc:
        print(f"not JSON: {exc}", file=sys.stderr)
        return 2
    request_type = METHODS[args.method]
    if request_type.KIND == "command" and "idempotency_key" not in payload:
        from uuid import uuid4

        payload["idempotency_key"] = f"ops-{uuid4().hex}"
    bus = settings.bus
    client = RpcClient(bus.broker, timeout=args.timeout or bus.rpc_timeout, topology=bus.topology)
    await client.connect(wait=10)
    try:
        body = await client.call_raw(args.method, json.dumps(payload).encode())
    except BusError as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 3
    finally:
        await client.close()
    reply = json.loads(body)
    print(json.dumps(reply, ensure_ascii=False, indent=2))
    return 1 if reply.get("kind") == "error" else 0


# ── status ───────────────────────────────────────────────────────────────────────────────


async def management_get(settings: OpsSettings, path: str) -> Any:
    auth = aiohttp.BasicAuth(settings.management_user, settings.management_password)
    async with (
        aiohttp.ClientSession(auth=auth, timeout=aiohttp.ClientTimeout(total=10)) as http,
        http.get(f"{settings.management_url}{path}") as response,
    ):
        response.raise_for_status()
        return await response.json()


async def cmd_status(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    topology = settings.bus.topology
    try:
        overview = await management_get(settings, "/overview")
        queues = await management_get(settings, "/queues/%2F")
    except (aiohttp.ClientError, TimeoutError) as exc:
        print(
            f"RabbitMQ management API not reachable at {settings.management_url}: {exc}",
            file=sys.stderr,
        )
        return 2
    ours = {q["name"]: q for q in queues if q["name"] in topology.queues}
    rows = []
    for name in topology.queues:
        q = ours.get(name)
        rows.append(
            {
                "queue": name,
                "present": q is not None,
                "messages": q.get("messages", 0) if q else 0,
                "unacked": q.get("messages_unacknowledged", 0) if q else 0,
                "consumers": q.get("consumers", 0) if q else 0,
                "in_rate": round(
                    (q or {}).get("message_stats", {}).get("publish_details", {}).get("rate", 0.0),
                    1,
                ),
            }
        )
    workers = next((r["consumers"] for r in rows if r["queue"] == topology.queries_queue), 0)
    dead = sum(r["messages"] for r in rows if r["queue"].endswith(".dead"))
    summary = {
        "broker": f"RabbitMQ {overview.get('rabbitmq_version', '?')} on {overview.get('node')}",
        "workers": workers,
        "dead_letters": dead,
        "queues": rows,
    }
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(summary["broker"])
        print(f"workers serving queries: {workers}    dead letters: {dead}")
        print(f"{'queue':<32}{'messages':>10}{'unacked':>10}{'consumers':>11}{'in/s':>8}")
        for r in rows:
            name = r["queue"] if r["present"] else f"{r['queue']} (absent)"
            print(
                f"{name:<32}{r['messages']:>10}{r['unacked']:>10}{r['consumers']:>11}"
                f"{r['in_rate']:>8}"
            )
    healthy = workers > 0 and dead == 0
    return 0 if healthy or not args.check else 1


# ── dead letters ─────────────────────────────────────────────────────────────────────────


async def cmd_dlq(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    topology = settings.bus.topology
    source = {
        "commands": topology.commands_queue,
        "queries": topology.queries_queue,
        "desk": topology.desk_queue,
    }[args.queue]
    dead_name = topology.dead_letter_queue(source)
    connection = await settings.bus.broker.connect("kefu-ops")
    try:
        channel = await connection.channel()
        await topology.declare_exchanges(channel)
        queue = await channel.get_queue(dead_name)
        if args.action == "purge":
            result = await queue.purge()
            print(f"purged {result.message_count} message(s) from {dead_name}")
            return 0
        taken: list[aio_pika.abc.AbstractIncomingMessage] = []
        while len(taken) < args.limit:
            message = await queue.get(fail=False, no_ack=False)
            if message is None:
                break
            taken.append(message)
        if args.action == "list":
            for message in taken:
                headers = message.headers or {}
                body = message.body.decode("utf-8", errors="replace")
                print(
                    json.dumps(
                        {
                            "method": message.type,
                            "reason": headers.get(REASON_HEADER),
                            "message_id": message.message_id,
                            "correlation_id": message.correlation_id,
                            # Bodies can hold customer data: show only their start.
                            "body": body[:120] + ("…" if len(body) > 120 else ""),
                        },
                        ensure_ascii=False,
                    )
                )
            for message in taken:
                await message.nack(requeue=True)
            print(f"{len(taken)} message(s) in {dead_name} (shown, left in place)", file=sys.stderr)
            return 0
        # replay: back to the RPC exchange under their method, for a fixed worker to handle;
        # desk events straight back to the desk's queue.
        desk = args.queue == "desk"
        exchange = (
            channel.default_exchange if desk else await channel.get_exchange(topology.rpc_exchange)
        )
        for message in taken:
            headers = {
                k: v
                for k, v in (message.headers or {}).items()
                if not str(k).startswith("x-kefu-") or k == "x-kefu-schema"
            }
            await exchange.publish(
                aio_pika.Message(
                    message.body,
                    headers=headers,
                    type=message.type,
                    message_id=message.message_id,
                    correlation_id=message.correlation_id,
                    content_type=message.content_type,
                    delivery_mode=aio_pika.DeliveryMode.PERSISTENT,
                ),
                routing_key=topology.desk_queue if desk else message.type or "",
            )
            await message.ack()
        print(f"replayed {len(taken)} message(s) from {dead_name}")
        return 0
    finally:
        await connection.close()


# ── broker ───────────────────────────────────────────────────────────────────────────────


async def cmd_broker(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    topology = settings.bus.topology
    connection = await settings.bus.broker.connect("kefu-ops")
    try:
        channel = await connection.channel()
        if args.action == "declare":
            await topology.declare_commands(channel)
            print(f"declared exchanges and queues under {topology.prefix!r}")
        else:
            if not args.yes:
                print("this deletes every Kefu queue and its messages; add --yes", file=sys.stderr)
                return 2
            await topology.delete(channel)
            print(f"deleted the topology under {topology.prefix!r}")
    finally:
        await connection.close()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kefu", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)

    seed = sub.add_parser("seed", help="build the demo shop in an empty database")
    seed.add_argument(
        "--if-empty", action="store_true", help="succeed quietly when the shop already has data"
    )
    seed.add_argument(
        "--renew-stale",
        action="store_true",
        help="rebuild the demo shop when it was seeded more than a day ago (its time rules have "
        "moved on); any other data is left alone",
    )
    seed.add_argument(
        "--renew", action="store_true", help="rebuild the demo shop now (the demo shop only)"
    )
    seed.set_defaults(run=cmd_seed)

    demo = sub.add_parser("demo", help="the demo shop's orders to try, and what each allows")
    demo.add_argument("--json", action="store_true")
    demo.set_defaults(run=cmd_demo)

    followups = sub.add_parser(
        "followups", help="returns, refunds and invoices the shop has to follow up"
    )
    followups.add_argument("--all", action="store_true", help="done ones too")
    followups.add_argument("--json", action="store_true")
    followups.set_defaults(run=cmd_followups)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(run=cmd_db)

    rpc = sub.add_parser("rpc", help="call a bus method with a JSON request")
    rpc.add_argument("method", help=", ".join(sorted(METHODS)))
    rpc.add_argument("json", help='the request, e.g. \'{"order_no": "KF20260001", ...}\'')
    rpc.add_argument("--timeout", type=float)
    rpc.set_defaults(run=cmd_rpc)

    status = sub.add_parser("status", help="queues, workers and dead letters")
    status.add_argument("--json", action="store_true")
    status.add_argument(
        "--check",
        action="store_true",
        help="exit 1 unless a worker serves and no message is dead-lettered",
    )
    status.set_defaults(run=cmd_status)

    dlq = sub.add_parser("dlq", help="dead-lettered messages")
    dlq.add_argument("action", choices=["list", "replay", "purge"])
    dlq.add_argument("--queue", choices=["commands", "queries", "desk"], default="commands")
    dlq.add_argument("--limit", type=int, default=100)
    dlq.set_defaults(run=cmd_dlq)

    broker = sub.add_parser("broker", help="the Kefu topology on the broker")
    broker.add_argument("action", choices=["declare", "reset"])
    broker.add_argument("--yes", action="store_true")
    broker.set_defaults(run=cmd_broker)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    sys.exit(asyncio.run(args.run(args)))


if __name__ == "__main__":
    main()
