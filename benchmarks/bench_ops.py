"""What ops cost the customer, in one run, each against the bare thing doing the same work.

* **turn events**: a policy turn through Kefu's dispatcher with the turn middleware (event
  built, anonymiser not needed, offered to the outbox) against the same dispatcher without it,
  measured in alternating blocks (``bench_bot``'s null session: no network).
* **outbox**: turn events published through ``bus.outbox.EventOutbox`` (bounded buffer,
  background task, confirmed) against bare aio-pika confirmed publishes of the same bodies, on
  the RabbitMQ at ``AMQP_URL``.
* **anonymiser**: ``intents.anonymize`` per unplaced message against one bare ``re.sub``.
* **report**: ``worker.reports.build_report`` on a synthetic week (``--report-turns`` turns).

A report: the exit code is 0 whatever the figures.

```
.venv/bin/python benchmarks/bench_ops.py
.venv/bin/python benchmarks/bench_ops.py --turns 1000 --events 2000 --json
```
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_bot import (  # noqa: E402
    POLICY_QUESTIONS,
    feed,
    interleaved_p50,
    kefu_dispatcher,
    make_bot,
    updates,
)

from bot.ops.turns import TurnMiddleware  # noqa: E402
from bus.contracts import TurnRecorded  # noqa: E402
from intents.anonymize import anonymize  # noqa: E402
from worker.reports import ReportData, TurnRow, build_report  # noqa: E402

UNPLACED = [
    "我叫王小明，KF26200341 寄到杭州市西湖区文三路90号，电话13812345678",
    "尾号5280的那单能开专票吗",
    "my name is John Smith and my parcel 12345678 never came",
    "能不能便宜点包邮啊亲",
    "阳光小区3栋2单元501能送吗",
]


class NoBus:
    async def call(self, request: Any, **_: Any) -> Any:
        raise AssertionError("a policy turn must not call the bus")


def without_turns(dp: Any) -> Any:
    """The same dispatcher minus the turn middleware (what the bot cost before)."""
    manager = dp.update.outer_middleware
    manager._middlewares = [m for m in manager._middlewares if not isinstance(m, TurnMiddleware)]
    return dp


async def turn_rows(args: argparse.Namespace) -> dict[str, float]:
    with_bot, _ = make_bot()
    with_dp = kefu_dispatcher(NoBus())
    bare_bot, _ = make_bot()
    bare_dp = without_turns(kefu_dispatcher(NoBus()))
    for dp, bot in ((with_dp, with_bot), (bare_dp, bare_bot)):  # warm-up
        for update in updates(bot, POLICY_QUESTIONS, 200, args.users):
            await feed(dp, bot, update)
    bare, recorded = await interleaved_p50(
        [
            (bare_dp, bare_bot, lambda n: updates(bare_bot, POLICY_QUESTIONS, n, args.users)),
            (with_dp, with_bot, lambda n: updates(with_bot, POLICY_QUESTIONS, n, args.users)),
        ],
        args.turns,
    )
    events = with_dp["ops"].outbox
    return {
        "policy_turn_p50_ms_without_events": statistics.median(bare) * 1000,
        "policy_turn_p50_ms_with_events": statistics.median(recorded) * 1000,
        "turn_event_cost_us": (statistics.median(recorded) - statistics.median(bare)) * 1e6,
        "ratio": statistics.median(recorded) / statistics.median(bare),
        "events_buffered": events.pending,
    }


def turn_event(i: int) -> TurnRecorded:
    return TurnRecorded(
        occurred_at=datetime.now(UTC),
        event_id=uuid.uuid4().hex,
        conversation=uuid.uuid4().hex,
        locale="zh_CN",
        outcome="answered",
        intent="shipping.dispatch_time",
        group="shipping",
        confidence=0.9,
    )


async def outbox_rows(args: argparse.Namespace) -> dict[str, float]:
    import aio_pika

    from bus.outbox import EventOutbox
    from bus.rpc import event_message
    from bus.topology import Topology

    url = os.environ.get("AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/")
    topology = Topology(prefix=f"bench{uuid.uuid4().hex[:10]}")
    connection = await aio_pika.connect_robust(url)
    channel = await connection.channel(publisher_confirms=True)
    try:
        _, exchange, _ = await topology.declare_exchanges(channel)
        sink = await channel.declare_queue(exclusive=True)
        await sink.bind(exchange, routing_key="conversation.*")
        events = [turn_event(i) for i in range(args.events)]
        started = time.perf_counter()
        for event in events:
            await exchange.publish(event_message(event), routing_key=event.ROUTING_KEY)
        bare_s = time.perf_counter() - started

        outbox = EventOutbox(url, topology, capacity=args.events * 2, name="bench-outbox")
        outbox.start()
        offer = []
        started = time.perf_counter()
        for event in events:
            t0 = time.perf_counter()
            outbox.offer(event)
            offer.append(time.perf_counter() - t0)
        await outbox.stop(grace=120)
        outbox_s = time.perf_counter() - started
        return {
            "bare_confirmed_publish_per_s": args.events / bare_s,
            "outbox_publish_per_s": args.events / outbox_s,
            "outbox_offer_p50_us": statistics.median(offer) * 1e6,
            "outbox_published": outbox.stats.published,
            "outbox_dropped": outbox.stats.dropped,
        }
    finally:
        await topology.delete(channel)
        await connection.close()


def anonymiser_rows(args: argparse.Namespace) -> dict[str, float]:
    bare = re.compile(r"\d{4,}")
    times_bare, times_ours = [], []
    for i in range(args.turns):
        text = UNPLACED[i % len(UNPLACED)]
        t0 = time.perf_counter()
        bare.sub("<num>", text)
        t1 = time.perf_counter()
        anonymize(text)
        t2 = time.perf_counter()
        times_bare.append(t1 - t0)
        times_ours.append(t2 - t1)
    return {
        "bare_re_sub_p50_us": statistics.median(times_bare) * 1e6,
        "anonymize_p50_us": statistics.median(times_ours) * 1e6,
        "ratio": statistics.median(times_ours) / statistics.median(times_bare),
    }


def report_rows(args: argparse.Namespace) -> dict[str, float]:
    now = datetime.now(UTC)
    rng = random.Random(7)
    groups = ["shipping", "size", "returns", "order", "color", "payment", "greeting"]
    chats = [uuid.uuid4().hex for _ in range(max(1, args.report_turns // 4))]
    turns = []
    for _ in range(args.report_turns):
        outcome = rng.choices(["answered", "clarified", "fallback", "escalated"], [85, 6, 6, 3])[0]
        turns.append(
            TurnRow(
                rng.choice(chats),
                now - timedelta(seconds=rng.uniform(0, 7 * 86400)),
                outcome,
                None if outcome == "fallback" else rng.choice(groups),
                None,
                "能便宜点吗" if outcome in ("fallback", "clarified") else None,
            )
        )
    started = time.perf_counter()
    report = build_report(ReportData(now - timedelta(days=7), now, tuple(turns), (), ()), sla_s=120)
    elapsed = time.perf_counter() - started
    return {
        "turns": args.report_turns,
        "conversations": report.conversations,
        "build_report_s": elapsed,
        "turns_per_s": args.report_turns / elapsed,
    }


async def main_async(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    results = {"turn events": await turn_rows(args)}
    if args.outbox:
        results["outbox"] = await outbox_rows(args)
    results["anonymiser"] = anonymiser_rows(args)
    results["report"] = report_rows(args)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--report-turns", type=int, default=100_000)
    parser.add_argument("--no-outbox", dest="outbox", action="store_false")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for section, figures in results.items():
        print(section)
        for name, value in figures.items():
            shown = f"{value:,.3f}" if isinstance(value, float) else f"{value:,}"
            print(f"  {name:<36} {shown}")


if __name__ == "__main__":
    main()
