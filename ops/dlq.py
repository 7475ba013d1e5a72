"""``kefu dlq list|show|replay|purge``: dead-lettered messages, with their reasons.

Each dead letter gets a short id (a hash of its message id, correlation id or body: stable
across listings, and it says nothing about the customer). ``show ID`` prints the message, its
headers and reason with personal data masked (phones, names, addresses, free text through
``intents.anonymize``). ``replay`` sends messages back where they came from — commands to the
RPC exchange under their method, events (desk, ops) back to their consumers' queue — keeping
their message id and body, so that a command the worker applied before (by its idempotency
key) is answered from its record, never applied again, and an event already stored (by its
event id) is not stored twice. A message is taken off the dead-letter queue only after the
broker confirmed the re-publish.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import UTC, datetime
from typing import Any

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractIncomingMessage

from bus.rpc import REASON_HEADER
from bus.topology import Topology
from intents.anonymize import anonymize
from ops.settings import OpsSettings

QUEUES = ("commands", "queries", "desk", "ops")
EVENT_QUEUES = ("desk", "ops")
"""Queues of events (replayed straight back to their queue, not to the RPC exchange)."""

MASKED_KEYS = frozenset(
    {
        "phone",
        "receiver_phone",
        "receiver_name",
        "customer_name",
        "name",
        "street",
        "address",
        "title",
        "tax_no",
    }
)
"""Fields whose value is a person's data: shown as their length only."""
FREE_TEXT_KEYS = frozenset({"text", "caption", "note", "reason_text", "comment"})


def source_queue(topology: Topology, queue: str) -> str:
    return {
        "commands": topology.commands_queue,
        "queries": topology.queries_queue,
        "desk": topology.desk_queue,
        "ops": topology.ops_queue,
    }[queue]


def letter_id(message: AbstractIncomingMessage) -> str:
    seed = message.message_id or message.correlation_id or ""
    digest = hashlib.sha256(seed.encode() if seed else message.body).hexdigest()
    return digest[:12]


def mask(value: Any, key: str | None = None) -> Any:
    """A copy of a JSON value with personal data masked (see the module docstring)."""
    if isinstance(value, dict):
        return {k: mask(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v, key) for v in value]
    if isinstance(value, str):
        if key in MASKED_KEYS and value:
            return f"<masked, {len(value)} chars>"
        return anonymize(value)
    return value


def masked_body(body: bytes) -> Any:
    try:
        return mask(json.loads(body))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return anonymize(body.decode("utf-8", errors="replace"))[:2000]


def describe(message: AbstractIncomingMessage, *, full: bool = False) -> dict[str, Any]:
    headers = dict(message.headers or {})
    dead_at = headers.get("x-kefu-dead-at")
    shown: dict[str, Any] = {
        "id": letter_id(message),
        "method": message.type,
        "reason": headers.get(REASON_HEADER),
        "dead_at": (
            datetime.fromtimestamp(dead_at, UTC).isoformat()
            if isinstance(dead_at, int | float)
            else None
        ),
        "source": headers.get("x-kefu-source-queue"),
        "size": len(message.body),
    }
    if full:
        shown["headers"] = {
            str(k): (anonymize(v) if isinstance(v, str) else v)
            for k, v in headers.items()
            if k != REASON_HEADER
        }
        shown["properties"] = {
            "content_type": message.content_type,
            "delivery_mode": int(message.delivery_mode or 0),
            "redelivered": bool(message.redelivered),
            "timestamp": message.timestamp.isoformat() if message.timestamp else None,
        }
        shown["body"] = masked_body(message.body)
    return shown


async def _take(channel: AbstractChannel, name: str, limit: int) -> list[AbstractIncomingMessage]:
    queue = await channel.get_queue(name)
    taken: list[AbstractIncomingMessage] = []
    while len(taken) < limit:
        message = await queue.get(fail=False, no_ack=False)
        if message is None:
            break
        taken.append(message)
    return taken


async def _put_back(taken: list[AbstractIncomingMessage]) -> None:
    for message in taken:
        await message.nack(requeue=True)


async def cmd_dlq(args: argparse.Namespace) -> int:
    settings = OpsSettings()
    topology = settings.bus.topology
    source = source_queue(topology, args.queue)
    dead_name = topology.dead_letter_queue(source)
    connection = await settings.bus.broker.connect("kefu-ops")
    try:
        channel = await connection.channel(publisher_confirms=True)
        await topology.declare_exchanges(channel)
        if args.queue == "ops":
            await topology.declare_ops_events(channel)
        elif args.queue == "desk":
            await topology.declare_desk(channel)
        if args.action == "purge":
            result = await (await channel.get_queue(dead_name)).purge()
            print(f"purged {result.message_count} message(s) from {dead_name}")
            return 0
        taken = await _take(channel, dead_name, args.limit)
        wanted = set(args.ids or ())
        chosen = [m for m in taken if not wanted or letter_id(m) in wanted]
        if args.action in ("list", "show"):
            try:
                return _print(args, dead_name, taken, chosen, wanted)
            finally:
                await _put_back(taken)
        # replay
        exchange = (
            channel.default_exchange
            if args.queue in EVENT_QUEUES
            else await channel.get_exchange(topology.rpc_exchange)
        )
        replayed = 0
        for message in taken:
            if message not in chosen:
                continue
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
                    timestamp=message.timestamp,
                ),
                routing_key=source if args.queue in EVENT_QUEUES else (message.type or ""),
            )
            await message.ack()  # only after the broker confirmed the re-publish
            replayed += 1
        await _put_back([m for m in taken if m not in chosen])
        missing = wanted - {letter_id(m) for m in chosen}
        print(f"replayed {replayed} message(s) from {dead_name}")
        if missing:
            print(f"not found: {', '.join(sorted(missing))}", file=sys.stderr)
            return 1
        return 0
    finally:
        await connection.close()


def _print(
    args: argparse.Namespace,
    dead_name: str,
    taken: list[AbstractIncomingMessage],
    chosen: list[AbstractIncomingMessage],
    wanted: set[str],
) -> int:
    if args.action == "show":
        if not wanted:
            print("kefu dlq show needs an ID (kefu dlq list shows them)", file=sys.stderr)
            return 2
        if not chosen:
            print(f"no dead letter {', '.join(sorted(wanted))} in {dead_name}", file=sys.stderr)
            return 1
        for message in chosen:
            print(json.dumps(describe(message, full=True), ensure_ascii=False, indent=2))
        return 0
    for message in chosen:
        print(json.dumps(describe(message), ensure_ascii=False))
    print(f"{len(taken)} message(s) in {dead_name} (shown, left in place)", file=sys.stderr)
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    dlq = sub.add_parser("dlq", help="dead-lettered messages: list, show, replay, purge")
    dlq.add_argument("action", choices=["list", "show", "replay", "purge"])
    dlq.add_argument("ids", nargs="*", help="dead letter ids (kefu dlq list): show or replay these")
    dlq.add_argument("--queue", choices=QUEUES, default="commands")
    dlq.add_argument("--limit", type=int, default=1000)
    dlq.set_defaults(run=cmd_dlq)
