"""``kefu dlq list|show|replay|purge``: dead-lettered messages, with their reasons.

Each dead letter gets a short id (a hash of its message id, correlation id or body: stable
across listings, and it says nothing about the customer). ``show ID`` prints the message, its
headers and reason with personal data masked (phones, names, addresses, free text through
``intents.anonymize``). ``replay`` sends messages back where they came from — commands to the
RPC exchange under their method, events (desk, ops) back to their consumers' queue — keeping
their message id and body, so that a command the worker applied before (by its idempotency
key) is answered from its record, never applied again, and an event already stored (by its
event id) is not stored twice. A message is taken off the dead-letter queue only after the
broker confirmed the re-publish (mandatory: a message nothing would take is returned, not
lost); one that cannot be replayed stays, and ``replay`` exits 1 naming it and why. A message
dead-lettered as ``bad_request`` (its body failed validation) is kept too: the same bytes would be
refused again and be back in a second. ``--force`` replays it all the same (after deploying a
worker that accepts it).
``purge`` asks first (``--yes`` does not), and purges only the ids given, if any. ``list``,
``show`` and ``purge`` declare nothing on the broker (a passive declare of the dead-letter
queue); ``replay`` declares the topology it sends to.
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
from aio_pika.exceptions import ChannelNotFoundEntity
from aiormq.exceptions import DeliveryError, PublishError

from bus.rpc import ERROR_CODE_HEADER, REASON_HEADER
from bus.topology import Topology
from intents.anonymize import anonymize
from ops.broker import require_broker
from ops.settings import OpsSettings

QUEUES = ("commands", "queries", "desk", "ops", "notices")
EVENT_QUEUES = ("desk", "ops", "notices")
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
        "notices": topology.notices_queue,
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
    await require_broker(settings.bus.broker)
    connection = await settings.bus.broker.connect("kefu-ops")
    try:
        channel = await connection.channel(publisher_confirms=True, on_return_raises=True)
        if args.action == "replay":  # where the messages go back to must exist
            await topology.declare_exchanges(channel)
            if args.queue == "ops":
                await topology.declare_ops_events(channel)
            elif args.queue == "desk":
                await topology.declare_desk(channel)
            elif args.queue == "notices":
                await topology.declare_notices(channel)
        try:  # a passive declare: list, show and purge create nothing on the broker
            dead = await channel.get_queue(dead_name, ensure=True)
        except ChannelNotFoundEntity:
            print(
                f"no queue {dead_name} on the broker: nothing was ever dead-lettered there "
                "(or this is not the prefix you meant: KEFU_BUS_PREFIX)",
                file=sys.stderr,
            )
            return 0 if args.action == "list" else 1
        wanted = set(args.ids or ())
        if args.action == "purge" and not wanted:
            return await _purge_all(args, dead, dead_name)
        taken = await _take(channel, dead_name, args.limit)
        chosen = [m for m in taken if not wanted or letter_id(m) in wanted]
        missing = wanted - {letter_id(m) for m in chosen}
        if args.action in ("list", "show"):
            try:
                return _print(args, dead_name, taken, chosen, wanted)
            finally:
                await _put_back(taken)
        if args.action == "purge":
            return await _purge_some(args, dead_name, taken, chosen, missing)
        return await _replay(args, channel, topology, source, dead_name, taken, chosen, missing)
    finally:
        await connection.close()


def _confirm(question: str) -> bool:
    """Ask on the terminal; no answer (no terminal, end of input) is a no."""
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline()
    except (OSError, ValueError):
        answer = ""
    return answer.strip().lower() in ("y", "yes")


async def _purge_all(args: argparse.Namespace, dead: Any, dead_name: str) -> int:
    count = dead.declaration_result.message_count
    if count == 0:
        print(f"{dead_name} is empty: nothing to purge")
        return 0
    if not args.yes and not _confirm(f"delete all {count} message(s) in {dead_name} for good?"):
        print("nothing purged", file=sys.stderr)
        return 1
    result = await dead.purge()
    print(f"purged {result.message_count} message(s) from {dead_name}")
    return 0


async def _purge_some(
    args: argparse.Namespace,
    dead_name: str,
    taken: list[AbstractIncomingMessage],
    chosen: list[AbstractIncomingMessage],
    missing: set[str],
) -> int:
    others = [m for m in taken if m not in chosen]
    question = f"delete {len(chosen)} message(s) from {dead_name} for good?"
    if chosen and not args.yes and not _confirm(question):
        await _put_back(taken)
        print("nothing purged", file=sys.stderr)
        return 1
    for message in chosen:
        await message.ack()
    await _put_back(others)
    print(f"purged {len(chosen)} message(s) from {dead_name}")
    if missing:
        print(f"not found: {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    return 0


async def _replay(
    args: argparse.Namespace,
    channel: AbstractChannel,
    topology: Topology,
    source: str,
    dead_name: str,
    taken: list[AbstractIncomingMessage],
    chosen: list[AbstractIncomingMessage],
    missing: set[str],
) -> int:
    """Each chosen message back where it came from; one that cannot go back (no method to
    route a command by, nothing bound to take it, refused by the broker) stays in the
    dead-letter queue, and the command says which and why."""
    events = args.queue in EVENT_QUEUES
    exchange = (
        channel.default_exchange if events else await channel.get_exchange(topology.rpc_exchange)
    )
    replayed = 0
    kept: list[tuple[str, str]] = []
    for message in chosen:
        routing_key = source if events else (message.type or "")
        if not routing_key:
            kept.append((letter_id(message), "it names no method to route it by"))
            continue
        if not args.force and (message.headers or {}).get(ERROR_CODE_HEADER) == "bad_request":
            letter = letter_id(message)
            kept.append((letter, malformed(letter, message)))
            continue
        headers = {
            k: v
            for k, v in (message.headers or {}).items()
            if not str(k).startswith("x-kefu-") or k == "x-kefu-schema"
        }
        try:
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
                routing_key=routing_key,
                mandatory=True,
            )
        except PublishError:  # returned: nothing is bound for it
            kept.append(
                (letter_id(message), f"nothing takes {routing_key!r} (no queue bound for it)")
            )
            continue
        except DeliveryError:
            kept.append((letter_id(message), "the broker refused it"))
            continue
        await message.ack()  # only after the broker confirmed the re-publish
        replayed += 1
    await _put_back([m for m in taken if m not in chosen or letter_id(m) in dict(kept)])
    print(f"replayed {replayed} message(s) from {dead_name}")
    for letter, why in kept:
        print(f"kept {letter} in {dead_name}: {why}", file=sys.stderr)
    if missing:
        print(f"not found: {', '.join(sorted(missing))}", file=sys.stderr)
    return 1 if kept or missing else 0


def malformed(letter: str, message: AbstractIncomingMessage) -> str:
    """Why a letter whose body failed validation is not replayed, and what to do instead."""
    reason = str((message.headers or {}).get(REASON_HEADER) or "bad_request")
    return (
        f"its body was refused as malformed ({reason}); sent again unchanged it would be "
        f"refused the same way. Read it (kefu dlq show {letter}), then drop it (kefu dlq purge "
        f"{letter}); or, once a worker that accepts it runs, kefu dlq replay {letter} --force"
    )


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
    dlq.add_argument(
        "ids", nargs="*", help="dead letter ids (kefu dlq list): show, replay or purge these"
    )
    dlq.add_argument("--queue", choices=QUEUES, default="commands")
    dlq.add_argument("--limit", type=int, default=1000)
    dlq.add_argument("--yes", action="store_true", help="purge without asking")
    dlq.add_argument(
        "--force",
        action="store_true",
        help="replay also letters refused as malformed (bad_request), which are kept otherwise",
    )
    dlq.set_defaults(run=cmd_dlq, uses_broker=True)
