"""``kefu jobs eval FILE``: scripted customer jobs, end to end, scored.

A job is what one customer types, line by line, and what must be true when the chat ends: a
return recorded for the T-shirt, the hoodie's size changed, the address changed, a ticket an
agent can see, words the bot must have said. Each job runs on its own freshly seeded demo shop
(a SQLite file in a temporary directory): a real worker on the real RabbitMQ (its own bus
prefix), the bot's real dispatcher, the console's customer (typed lines, buttons tapped,
``/contact``). The score is the share of jobs whose every expectation held — the intent
engine's ``python -m intents eval`` for whole jobs.

The file is YAML, a list of jobs::

    - name: return-tshirt-zh
      language: en                      # the customer's Telegram language (default: none)
      says:
        - 你好 我想退个货
        - /contact 18364805280
        - (tap) {returnable}            # tap the button whose label holds the words, if any
      expect:
        return: {order: returnable, item: T恤}

``{role}`` is a showcase order's number (``kefu demo``: returnable, unshipped, in_transit…).
Expectations: ``return`` / ``exchange`` / ``item_changed`` / ``address`` / ``invoice`` (on an
order, with ``item``, ``size``, ``color``, ``contains``, ``title``, ``tax_no``; a return's
``tracking``: the number of the parcel she sent back, recorded on the return; its ``causes``:
``{T恤: quality, 牛仔裤: size}``, each item named on the return for that cause; an address's
``receiver``: the words the receiver's name holds),
``note`` (a
customer's note written on the order as a remark, with ``contains``), ``no_return`` /
``no_exchange`` / ``cancelled`` / ``not_cancelled`` / ``urged`` (an order's
role), ``ticket`` (``{reason: …}`` or ``{}``), ``said`` / ``not_said`` (regular expressions over
everything the bot said, case aside), ``any_record`` (a list of expectations, one of which must
hold; a bare name is that expectation with no details: ``ticket``; the others name their order,
and ``address`` the words the new one contains — a file that doesn't is refused before it runs).
Lines and values are read as text. Every
job also fails if the bot ever shows a traceback or leaves a line unanswered.

Write a batch before running it, and report its first score untouched: the jobs are a blind
measure only while nobody has tuned the bot to them.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import itertools
import json
import re
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import uuid4

import yaml
from sqlalchemy import select

_user_ids = itertools.count(880_001)
TAP = "(tap)"
_ROLE = re.compile(r"\{([a-z_]+)\}")
_TRACEBACK = re.compile(r"Traceback \(most recent call last\)|\bException\b|Error:")
KNOWN = {
    "return", "no_return", "exchange", "no_exchange", "item_changed", "address", "invoice",
    "cancelled", "not_cancelled", "urged", "ticket", "said", "not_said", "any_record", "note",
}  # fmt: skip


class JobFileError(ValueError):
    """The jobs file cannot be read as jobs."""


@dataclass(frozen=True)
class Job:
    name: str
    says: list[str]
    expect: dict[str, Any]
    language: str | None = None


@dataclass
class JobResult:
    name: str
    failures: list[str] = field(default_factory=list)
    transcript: str = ""
    bus_prefix: str = ""
    """The job's own bus prefix (its queues and exchanges are deleted when it ends)."""

    @property
    def passed(self) -> bool:
        return not self.failures


def load_jobs(path: Path) -> list[Job]:
    try:
        # every scalar a string: a customer's "yes" or "5280" is what she types, not a bool or int
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise JobFileError(f"{path}: {exc}") from exc
    if not isinstance(raw, list):
        raise JobFileError(f"{path}: a list of jobs expected")
    jobs = []
    for number, entry in enumerate(raw, 1):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("says"):
            raise JobFileError(f"{path}: job {number} needs a name and the lines it says")
        expect = entry.get("expect") or {}
        unknown = set(expect) - KNOWN
        if not expect or unknown:
            raise JobFileError(
                f"{path}: job {entry['name']!r}: "
                + (f"unknown expectations {sorted(unknown)}" if unknown else "nothing expected")
            )
        for kind, want in expect.items():
            problem = _shape_problem(kind, want)
            if problem:
                raise JobFileError(f"{path}: job {entry['name']!r}: {problem}")
        jobs.append(
            Job(
                name=str(entry["name"]),
                says=[str(line) for line in entry["says"]],
                expect=expect,
                language=entry.get("language"),
            )
        )
    names = [job.name for job in jobs]
    if len(set(names)) != len(names):
        raise JobFileError(f"{path}: job names must be unique")
    return jobs


_ON_AN_ORDER = KNOWN - {"ticket", "said", "not_said", "any_record"}


def _shape_problem(kind: str, want: Any) -> str | None:
    """What makes an expectation uncheckable (it failed the job with a KeyError as it ran)."""
    if kind == "any_record":
        if not isinstance(want, list) or not want:
            return "any_record needs a list of expectations"
        for option in want:
            pairs = option.items() if isinstance(option, dict) else [(option, {})]
            for k, v in pairs:
                if k not in KNOWN:
                    return f"unknown expectation {k!r} in any_record"
                problem = _shape_problem(k, v)
                if problem:
                    return problem
        return None
    if kind in _ON_AN_ORDER and not (
        isinstance(want, str) or (isinstance(want, dict) and want.get("order"))
    ):
        return f"{kind} needs its order ({kind}: {{order: <role>, ...}} or {kind}: <role>)"
    if kind == "address" and not (isinstance(want, dict) and want.get("contains")):
        return "address needs the words the new address contains (contains: ...)"
    if kind == "item_changed" and not (isinstance(want, dict) and want.get("item")):
        return "item_changed needs the item (item: ...)"
    if kind in ("said", "not_said") and not isinstance(want, list):
        return f"{kind} needs a list of patterns"
    return None


def fill(text: str, roles: dict[str, str]) -> str:
    """``{role}`` → that showcase order's number."""

    def one(match: re.Match[str]) -> str:
        role = match.group(1)
        if role not in roles:
            raise JobFileError(f"no showcase order {role!r} (known: {', '.join(sorted(roles))})")
        return roles[role]

    return _ROLE.sub(one, text)


# --------------------------------------------------------------------------- the checks


@dataclass
class Facts:
    """What the job's shop holds when the chat has ended, read once."""

    roles: dict[str, str]
    orders: dict[str, Any]  # order_no -> Order with its items
    returns: dict[str, list[Any]]  # order_no -> live Return rows (items loaded)
    exchanges: dict[str, list[Any]]
    invoices: dict[str, list[Any]]
    urged: set[str]
    tickets: list[Any]
    said: str
    notes: dict[str, list[str]] = field(default_factory=dict)  # order_no -> customer notes


def _named(variant: Any, words: str) -> bool:
    product = variant.product
    return words in product.name or words.lower() in (product.name_en or "").lower()


def _returns_item(record: Any, words: str) -> bool:
    return any(_named(line.order_item.variant, words) for line in record.items if line.live)


def _returns_for(record: Any, causes: dict[str, str]) -> bool:
    """Each item named goes back on this return for its own cause (``{T恤: quality, 牛仔裤:
    size}``); an item's cause is its line's, or the return's where lines have none."""
    for words, cause in causes.items():
        lines = [line for line in record.items if _named(line.order_item.variant, words)]
        own = [getattr(line, "cause", None) or record.cause for line in lines]
        if not own or any(c != cause for c in own):
            return False
    return True


def check(expect: dict[str, Any], facts: Facts) -> list[str]:
    """Every expectation that does not hold, in words."""
    failures: list[str] = []
    for kind, want in expect.items():
        failures.extend(_check_one(kind, want, facts))
    return failures


def _order_no(want: Any, facts: Facts) -> str:
    role = want["order"] if isinstance(want, dict) else want
    return facts.roles[role]


def _check_one(kind: str, want: Any, facts: Facts) -> list[str]:
    if kind == "any_record":
        options = [
            _check_one(k, v, facts)
            for option in want
            for k, v in (option.items() if isinstance(option, dict) else [(option, {})])
        ]
        return [] if any(not o for o in options) else [f"none of {want} holds"]
    if kind in ("said", "not_said"):
        out = []
        for pattern in want:
            found = re.search(fill(pattern, facts.roles), facts.said, re.IGNORECASE) is not None
            if found != (kind == "said"):
                out.append(f"{kind}: {pattern!r}")
        return out
    if kind == "ticket":
        reason = (want or {}).get("reason")
        held = [t for t in facts.tickets if reason is None or t.reason == reason]
        return [] if held else [f"no ticket{' for ' + reason if reason else ''}"]
    order_no = _order_no(want, facts)
    order = facts.orders[order_no]
    if kind in ("return", "no_return"):
        records = facts.returns.get(order_no, [])
        if isinstance(want, dict) and want.get("item"):
            records = [r for r in records if _returns_item(r, want["item"])]
        if isinstance(want, dict) and want.get("tracking"):
            records = [r for r in records if r.return_tracking_no == want["tracking"]]
        if isinstance(want, dict) and want.get("causes"):
            records = [r for r in records if _returns_for(r, want["causes"])]
        if (kind == "return") != bool(records):
            return [f"{kind} {want}: {len(records)} return(s) recorded"]
        return []
    if kind in ("exchange", "no_exchange"):
        records = facts.exchanges.get(order_no, [])
        if isinstance(want, dict):
            records = [
                e for e in records
                if (not want.get("item") or _named(e.old_variant, want["item"]))
                and (not want.get("size") or e.new_variant.size == str(want["size"]))
                and (not want.get("color") or e.new_variant.color == want["color"])
            ]  # fmt: skip
        if (kind == "exchange") != bool(records):
            got = [f"{e.new_variant.size}/{e.new_variant.color}" for e in facts.exchanges.get(
                order_no, [])]  # fmt: skip
            return [f"{kind} {want}: recorded {got or 'none'}"]
        return []
    if kind == "item_changed":
        items = [i for i in order.items if _named(i.variant, want["item"])]
        ok = any(
            (not want.get("size") or i.variant.size == str(want["size"]))
            and (not want.get("color") or i.variant.color == want["color"])
            for i in items
        )
        now = [f"{i.variant.size}/{i.variant.color}" for i in items]
        return [] if ok else [f"item_changed {want}: the item is {now}"]
    if kind == "address":
        if want["contains"] not in order.address:
            return [f"address {want}: not changed"]
        receiver = want.get("receiver")
        if receiver and receiver not in order.receiver_name:
            return [f"address {want}: the receiver is {order.receiver_name}"]
        return []
    if kind in ("cancelled", "not_cancelled"):
        closed = order.state == "closed" or order.closed_at is not None
        return [] if closed == (kind == "cancelled") else [f"{kind} {want}: state {order.state}"]
    if kind == "note":
        notes = facts.notes.get(order_no, [])
        words = want.get("contains") if isinstance(want, dict) else None
        held = [n for n in notes if not words or words.lower() in n.lower()]
        return [] if held else [f"note {want}: {len(notes)} note(s) on the order"]
    if kind == "urged":
        return [] if order_no in facts.urged else [f"urged {want}: no urge recorded"]
    if kind == "invoice":
        records = facts.invoices.get(order_no, [])
        records = [
            r for r in records
            if (not want.get("title") or want["title"] in r.title)
            and (not want.get("tax_no") or r.tax_no == want["tax_no"])
        ]  # fmt: skip
        return [] if records else [f"invoice {want}: none recorded"]
    raise JobFileError(f"unknown expectation {kind!r}")


async def read_facts(worker: Any, roles: dict[str, str], chat_id: int, said: str) -> Facts:
    from sqlalchemy.orm import selectinload

    from worker.db.models import (
        Exchange,
        InvoiceRequest,
        Order,
        OrderItem,
        OrderUrge,
        Remark,
        Return,
        ReturnItem,
        Ticket,
        Variant,
    )
    from worker.order_notes import NOTE_PREFIX

    numbers = list(roles.values())
    async with worker.db.read() as session:
        orders = {
            o.order_no: o
            for o in (
                await session.scalars(
                    select(Order)
                    .where(Order.order_no.in_(numbers))
                    .options(
                        selectinload(Order.items)
                        .joinedload(OrderItem.variant)
                        .joinedload(Variant.product)
                    )
                )
            ).unique()
        }
        by_id = {o.id: o.order_no for o in orders.values()}
        returns: dict[str, list[Any]] = {}
        for record in (
            await session.scalars(
                select(Return)
                .where(Return.order_id.in_(by_id), Return.state != "cancelled")
                .options(selectinload(Return.items).joinedload(ReturnItem.order_item))
            )
        ).unique():
            returns.setdefault(by_id[record.order_id], []).append(record)
        exchanges: dict[str, list[Any]] = {}
        for exchange in (
            await session.scalars(select(Exchange).where(Exchange.order_id.in_(by_id)))
        ).unique():
            exchanges.setdefault(by_id[exchange.order_id], []).append(exchange)
        invoices: dict[str, list[Any]] = {}
        for invoice in (
            await session.scalars(select(InvoiceRequest).where(InvoiceRequest.order_id.in_(by_id)))
        ).unique():
            invoices.setdefault(by_id[invoice.order_id], []).append(invoice)
        urged = {
            by_id[o]
            for o in await session.scalars(
                select(OrderUrge.order_id).where(OrderUrge.order_id.in_(by_id))
            )
        }
        tickets = list(await session.scalars(select(Ticket).where(Ticket.chat_id == chat_id)))
        notes: dict[str, list[str]] = {}
        for remark in await session.scalars(
            select(Remark).where(Remark.order_id.in_(by_id), Remark.content.like(NOTE_PREFIX + "%"))
        ):
            notes.setdefault(by_id[remark.order_id], []).append(remark.content)
    return Facts(roles, orders, returns, exchanges, invoices, urged, tickets, said, notes)


# --------------------------------------------------------------------------- running


_CUSTOMER = "你 › "
_BOT = "客服 › "
_DESK = "工作台"  # the agents' group, as the console shows it


def customer_side(transcript: str) -> str:
    """What the bot said to the customer in a console transcript: its lines (and the lines
    that go on from them: buttons, a long answer), not hers, not the agents' desk's."""
    said, speaking = [], False
    for line in transcript.splitlines():
        if line.startswith(_BOT):
            speaking = True
        elif line.startswith((_CUSTOMER, _DESK)):
            speaking = False
        if speaking:
            said.append(line)
    return "\n".join(said)


def _tap(line: str, choices: Iterable[Any]) -> str | None:
    """``(tap) words``: the number of the button whose label holds the words; None when no
    button does (the bot went on without asking: the customer has nothing to tap)."""
    words = line.removeprefix(TAP).strip()
    for number, choice in enumerate(choices, 1):
        if words and words.lower() in choice.label.lower():
            return str(number)
    return None


async def run_job(
    job: Job, *, amqp_url: str, engine: Any, replies: Any, directory: Path
) -> JobResult:
    from bot.console import CONSOLE_AGENTS_CHAT, ConsoleCustomer, ConsoleSession
    from bot.dispatcher import create_dispatcher
    from bot.local import local_bot
    from bot.settings import BotSettings
    from bus.rpc import RpcClient
    from bus.settings import BusSettings
    from worker.app import create_worker
    from worker.seed import showcase_orders
    from worker.settings import WorkerSettings

    result = JobResult(job.name, bus_prefix=f"jobs{uuid4().hex[:10]}")
    bus = BusSettings(amqp_url=amqp_url, prefix=result.bus_prefix)
    worker = create_worker(
        WorkerSettings(database_url=f"sqlite+aiosqlite:///{directory / 'shop.db'}", bus=bus)
    )
    await worker.seed_demo()
    await worker.start()
    rpc = RpcClient(amqp_url, timeout=10, topology=worker.topology)
    out = io.StringIO()
    try:
        await rpc.connect(wait=10)
        showcase = await showcase_orders(worker.db) or []
        roles = {o.role: o.order_no for o in showcase if o.demo_customer}
        overrides: dict[str, Any] = {
            "KEFU_FLOOD_RATE": 1000, "AGENTS_CHAT_ID": CONSOLE_AGENTS_CHAT, "bus": bus
        }  # fmt: skip
        settings = BotSettings(**overrides)
        dp = create_dispatcher(settings, rpc=rpc, engine=engine, replies=replies)
        session = ConsoleSession(out, desk_chat=CONSOLE_AGENTS_CHAT)
        bot = local_bot(session)
        user_id = next(_user_ids)
        customer = ConsoleCustomer(bot, session, user_id=user_id, language=job.language)
        await dp.emit_startup(bot=bot, **dp.workflow_data)
        try:
            for line in job.says:
                text = fill(line, roles)
                if text.startswith(TAP):
                    tapped = _tap(text, customer.choices)
                    if tapped is None:
                        out.write(f"   (no button {text.removeprefix(TAP).strip()!r} to tap)\n")
                        continue
                    text = tapped
                out.write(f"{_CUSTOMER}{text}\n")
                before = len(out.getvalue())
                update = customer.update_for(text)
                if update is not None:
                    await dp.feed_update(bot, update)
                if not customer_side(out.getvalue()[before:]).strip():
                    result.failures.append(f"no answer to {text!r}")
            await asyncio.sleep(0.3)  # anything the bot sends after the turn
        finally:
            await dp.emit_shutdown(bot=bot, **dp.workflow_data)
            await bot.session.close()
        result.transcript = out.getvalue()
        said = customer_side(result.transcript)
        if _TRACEBACK.search(said):
            result.failures.append("the bot showed an error")
        facts = await read_facts(worker, roles, user_id, said)
        result.failures.extend(check(job.expect, facts))
    except JobFileError:
        raise
    except Exception as exc:  # a job that cannot run is a failed job, with why
        result.failures.append(f"the job could not run: {type(exc).__name__}: {exc}")
        result.transcript = out.getvalue()
    finally:
        await rpc.close()
        await worker.stop()
        await _drop_topology(amqp_url, worker.topology)
    return result


async def _drop_topology(amqp_url: str, topology: Any) -> None:
    """The job's queues and exchanges, deleted: every job declares its own (a prefix of its
    own), and an eval against a long-lived broker left them all behind (24,824 queues on a
    developer's broker after a day of evals)."""
    import aio_pika

    try:
        connection = await aio_pika.connect(amqp_url, timeout=10)
        async with connection:
            await topology.delete(await connection.channel())
    except Exception as exc:  # the job's verdict stands; the leftovers are only named
        print(f"kefu jobs: could not delete {topology.prefix}'s queues: {exc}", file=sys.stderr)


async def run_jobs(
    jobs: list[Job],
    *,
    amqp_url: str,
    progress: Callable[[JobResult], None] | None = None,
) -> list[JobResult]:
    from intents import IntentEngine
    from replies.render import Replies
    from shop.policy import load_policy

    engine = IntentEngine.load()
    replies = Replies(load_policy())
    results = []
    for job in jobs:
        with tempfile.TemporaryDirectory(prefix="kefu-job-") as directory:
            result = await run_job(
                job, amqp_url=amqp_url, engine=engine, replies=replies, directory=Path(directory)
            )
        results.append(result)
        if progress is not None:
            progress(result)
    return results


async def cmd_eval(args: argparse.Namespace) -> int:
    import logging

    from bus.settings import BusSettings

    logging.getLogger().setLevel(logging.CRITICAL)  # the transcript tells; logs would drown it
    try:
        jobs = load_jobs(Path(args.file))
    except JobFileError as exc:
        print(f"kefu jobs: {exc}", file=sys.stderr)
        return 2
    if args.only:
        jobs = [job for job in jobs if any(word in job.name for word in args.only)]
        if not jobs:
            print(f"kefu jobs: no job named like {args.only}", file=sys.stderr)
            return 2

    def progress(result: JobResult) -> None:
        if args.json:
            return
        mark = "ok  " if result.passed else "FAIL"
        print(f"{mark} {result.name}", flush=True)
        for failure in result.failures:
            print(f"       {failure}")
        if args.show or (args.show_failed and not result.passed):
            print(result.transcript.rstrip())
            print()

    from ops.broker import require_broker

    await require_broker(BusSettings().broker)  # every job runs on the real bus
    try:
        results = await run_jobs(jobs, amqp_url=BusSettings().amqp_url, progress=progress)
    except JobFileError as exc:
        print(f"kefu jobs: {exc}", file=sys.stderr)
        return 2
    passed = sum(result.passed for result in results)
    if args.json:
        print(json.dumps(
            {"jobs": len(results), "passed": passed, "score": round(passed / len(results), 3),
             "failed": {r.name: r.failures for r in results if not r.passed}},
            ensure_ascii=False, indent=2,
        ))  # fmt: skip
    else:
        print(f"\n{passed}/{len(results)} jobs finished: {passed / len(results):.3f}")
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    jobs = sub.add_parser("jobs", help="scripted customer jobs, end to end, scored")
    actions = jobs.add_subparsers(dest="jobs_action", required=True)
    run = actions.add_parser(
        "eval", help="run each job on a freshly seeded demo shop and score the jobs finished"
    )
    run.add_argument("file", help="the jobs (YAML), e.g. tests/data/jobs_blind1.yaml")
    run.add_argument("--only", nargs="+", help="only the jobs whose names hold these words")
    run.add_argument("--show", action="store_true", help="print every job's transcript")
    run.add_argument("--show-failed", action="store_true", help="print the failed transcripts")
    run.add_argument("--json", action="store_true")
    run.set_defaults(run=cmd_eval, uses_broker=True)
