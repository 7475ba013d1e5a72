"""``kefu``: the ops and developer door to a running Kefu — a thin layer over the packages.

kefu seed [--if-empty] [--renew-stale|--renew]
                                  build the demo shop (an empty database only; rebuild it)
kefu demo [--json]                the demo orders to try, with what each allows now
kefu followups [--all] [--json]   returns, refunds and invoices the shop has to follow up
kefu returns receive RT… [--refuse REASON] [--note TEXT]
                                  a returned parcel arrived and was checked (or refused)
kefu refunds issue RF…|RT… [--amount X]
                                  a refund paid back (the return refunded)
kefu exchanges receive|ship RMA… [--courier sf --tracking NO]
                                  an exchange's parcel back; its replacement on its way
kefu db upgrade|current           database migrations (Alembic)
kefu rpc METHOD JSON              call any bus method, print the JSON reply
kefu status [--json] [--check] [--watch]
                                  queues, workers, tickets, processes and alerts at a glance
kefu report [--since 7d] [--png FILE] [--json]
                                  verified containment, volumes, rates, handoffs, ratings,
                                  what customers ask that the bot does not know
kefu intents unmatched [--since 7d]
                                  the messages the bot could not place, grouped and counted
kefu intents teach "phrase" INTENT | kefu intents train
                                  teach the engine a phrase; refit the model
kefu tickets [--json] | kefu tickets show T…|CHAT_ID [--lines N]
                                  the agents' desk: open tickets; one ticket's conversation
kefu tickets reply T… "text" [--close] | kefu tickets close T…
                                  without a desk: answer a customer in her chat (docs/desk.md)
kefu dlq list|show|replay|purge [ID…] [--queue Q] [--yes] [--force]
                                  inspect, re-send or drop dead-lettered messages
kefu jobs eval FILE [--show-failed]
                                  scripted customer jobs, end to end, scored
kefu broker declare|reset         declare (or, on a dev machine, delete) the topology

Exit codes: 0 done; 1 the command failed (it says why); 2 used wrongly; 3 a bus call failed;
69 the broker cannot be reached (RabbitMQ down, or AMQP_URL wrong).
"""

from __future__ import annotations

import argparse
import asyncio
import difflib
import json
import logging
import re
import sys
from dataclasses import asdict
from datetime import timedelta
from typing import Any, NoReturn

from sqlalchemy.exc import SQLAlchemyError

from bus.errors import BusError
from bus.protocol import METHODS
from bus.rpc import RpcClient
from ops import aftersales as aftersales_cli
from ops import dlq as dlq_cli
from ops import intents as intents_cli
from ops import jobs as jobs_cli
from ops import report as report_cli
from ops import status as status_cli
from ops import tickets as tickets_cli
from ops.broker import (
    EXIT_BROKER_DOWN,
    UNREACHABLE,
    BrokerDown,
    broker_down_message,
    no_worker_hint,
    require_broker,
)
from ops.settings import OpsSettings
from worker.settings import WorkerSettings

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
    if db.missing:
        print("no demo shop to show (no database file); run: kefu seed", file=sys.stderr)
        return 1
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
    print("Without an order: product facts from the catalogue (\"T恤是纯棉的吗\", \"is the hoodie "
          "cotton?\", \"牛仔裤有L码吗\"), yes/no policy questions (\"定制的衣服能退吗\", \"Can I "
          "return a proxy purchase?\"), delivery to a region (\"发货到新疆要多久\"), a gift "
          "request (\"可以送个小礼物吗\", opens a ticket); after /contact: \"我要开发票\" records "
          "an invoice request for a paid order (kefu followups lists it).")
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
    if db.missing:
        print("no shop database here (no database file); run: kefu seed", file=sys.stderr)
        return 1
    try:
        found = await follow_ups(db, include_done=args.all)
    except SQLAlchemyError as exc:
        print(
            f"cannot read the shop's records ({type(exc).__name__}); run: kefu db upgrade",
            file=sys.stderr,
        )
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
        print(
            f"{f.kind:8} {f.number:16} {f.order_no}  {f.state:16} ¥{f.amount:>9}  "
            f"{f.since:%Y-%m-%d %H:%M}  {f.detail}"
        )
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
    await require_broker(bus.broker)
    client = RpcClient(bus.broker, timeout=args.timeout or bus.rpc_timeout, topology=bus.topology)
    await client.connect(wait=10)
    try:
        body = await client.call_raw(args.method, json.dumps(payload).encode())
    except BusError as exc:
        print(f"{type(exc).__name__}: {exc}{no_worker_hint(exc)}", file=sys.stderr)
        return 3
    finally:
        await client.close()
    reply = json.loads(body)
    print(json.dumps(reply, ensure_ascii=False, indent=2))
    return 1 if reply.get("kind") == "error" else 0


# ── broker ───────────────────────────────────────────────────────────────────────────────


async def cmd_broker(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    topology = settings.bus.topology
    await require_broker(settings.bus.broker)
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


class KefuParser(argparse.ArgumentParser):
    """argparse, with a guess for a mistyped command or action: ``kefu stats`` names
    ``status``, ``kefu dlq replya`` names ``replay`` (the subcommands' parsers are this class
    too)."""

    def error(self, message: str) -> NoReturn:
        found = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if found:
            choices = re.findall(r"'([^']*)'", found.group(2))
            close = difflib.get_close_matches(found.group(1), choices, n=2, cutoff=0.6)
            if close:
                message += "\ndid you mean: " + " or ".join(close) + "?"
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = KefuParser(
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
    aftersales_cli.add_parsers(sub)

    db = sub.add_parser("db", help="database migrations")
    db.add_argument("action", choices=["upgrade", "current"])
    db.set_defaults(run=cmd_db)

    rpc = sub.add_parser("rpc", help="call a bus method with a JSON request")
    rpc.add_argument("method", help=", ".join(sorted(METHODS)))
    rpc.add_argument("json", help='the request, e.g. \'{"order_no": "KF20260001", ...}\'')
    rpc.add_argument("--timeout", type=float)
    rpc.set_defaults(run=cmd_rpc, uses_broker=True)

    status_cli.add_parser(sub)
    dlq_cli.add_parser(sub)
    report_cli.add_parser(sub)
    intents_cli.add_parser(sub)
    jobs_cli.add_parser(sub)
    tickets_cli.add_parser(sub)

    broker = sub.add_parser("broker", help="the Kefu topology on the broker")
    broker.add_argument("action", choices=["declare", "reset"])
    broker.add_argument("--yes", action="store_true")
    broker.set_defaults(run=cmd_broker, uses_broker=True)
    return parser


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = asyncio.run(args.run(args))
    except BrokerDown as exc:
        print(broker_down_message(exc), file=sys.stderr)
        sys.exit(EXIT_BROKER_DOWN)
    except UNREACHABLE as exc:  # the broker went away in the middle of the command
        if not getattr(args, "uses_broker", False):
            raise
        print(broker_down_message(exc, OpsSettings().bus.broker), file=sys.stderr)
        sys.exit(EXIT_BROKER_DOWN)
    sys.exit(code)


if __name__ == "__main__":
    main()
