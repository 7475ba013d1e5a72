"""``kefu tickets``: the agents' desk from a terminal — the open tickets, and one ticket's (or
one customer chat's) conversation. Asked of the worker over the bus (``tickets.live``,
``tickets.history``): names masked as in the desk's topics, and what customers typed through
the anonymiser (phones, addresses, order numbers), as ``kefu dlq show`` does."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime

from bus.contracts import ListLive, TicketHistory, TicketList, TicketView
from bus.errors import BusError
from bus.rpc import RpcClient
from intents.anonymize import anonymize
from ops.broker import no_worker_hint, require_broker
from ops.settings import OpsSettings

TICKET_NO = re.compile(r"^T\d{8,16}$")
CHAT_ID = re.compile(r"^-?\d{1,15}$")


def _mask(name: str) -> str:
    name = name.strip()
    return f"{name[:1]}**" if name else "**"


def _ago(at: datetime, now: datetime) -> str:
    """``7m``, ``2h05m``, ``33d02h`` (not ``794h05m``)."""
    seconds = max(0, int((now - at).total_seconds()))
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def ticket_line(ticket: TicketView, now: datetime) -> str:
    if ticket.state == "waiting":
        where = f"waiting #{ticket.place.position if ticket.place else '?'}"
    elif ticket.state == "with_agent":
        where = f"with {ticket.agent_name or ticket.agent_id}"
    else:
        where = f"closed by {ticket.closed_by or '?'}"
    return (
        f"{ticket.ticket_no}  {where:<20} {_mask(ticket.customer_name):<6} "
        f"{ticket.reason:<14} opened {_ago(ticket.opened_at, now)} ago  chat {ticket.chat_id}"
    )


def _json(ticket: TicketView) -> dict[str, object]:
    data = ticket.model_dump(mode="json")
    data["customer_name"] = _mask(ticket.customer_name)
    return data


async def cmd_tickets(args: argparse.Namespace) -> int:
    request: ListLive | TicketHistory
    lines = max(1, min(args.lines, 200))
    if args.action == "show":
        target = (args.target or "").strip()
        if TICKET_NO.match(target.upper()):
            request = TicketHistory(ticket_no=target.upper(), tickets=1, lines=lines)
        elif CHAT_ID.match(target):
            request = TicketHistory(chat_id=int(target), tickets=min(args.limit, 20), lines=lines)
        else:
            print("kefu tickets show needs a ticket number (T…) or a chat id", file=sys.stderr)
            return 2
    elif args.target:
        print("kefu tickets lists the open tickets; `kefu tickets show ID` shows one",
              file=sys.stderr)
        return 2
    else:
        request = ListLive(limit=max(1, min(args.limit, 200)))
    settings = OpsSettings()
    bus = settings.bus
    await require_broker(bus.broker)
    client = RpcClient(bus.broker, timeout=bus.rpc_timeout, topology=bus.topology)
    await client.connect(wait=5)
    try:
        reply = await client.call(request)
    except BusError as exc:
        print(f"kefu tickets: the worker did not answer ({type(exc).__name__}: {exc})"
              + no_worker_hint(exc), file=sys.stderr)
        return 3
    finally:
        await client.close()
    assert isinstance(reply, TicketList)
    if args.json:
        print(json.dumps([_json(t) for t in reply.tickets], ensure_ascii=False, indent=2))
        return 0 if reply.tickets or args.action != "show" else 1
    now = datetime.now(UTC)
    if args.action != "show":
        for ticket in reply.tickets:
            print(ticket_line(ticket, now))
        print(f"{len(reply.tickets)} open ticket(s)", file=sys.stderr)
        return 0
    if not reply.tickets:
        print(f"no ticket {args.target}", file=sys.stderr)
        return 1
    for ticket in reversed(reply.tickets):  # oldest first
        print(ticket_line(ticket, now))
        hidden = ticket.transcript_length - len(ticket.transcript)
        if hidden > 0:
            print(f"  … {hidden} earlier line(s) (--lines to see more)")
        for line in ticket.transcript:
            who = line.role + (" (note)" if line.internal else "")
            text = anonymize(line.text).replace("\n", " ⏎ ")  # a terminal: no phones
            # with the year: `show CHAT_ID` lists a chat's tickets of any age
            print(f"  {line.at.astimezone(UTC):%Y-%m-%d %H:%M} {who:<14} {text}")
        if ticket.rating is not None:
            print(f"  rated {ticket.rating}/5" + (f": {ticket.rating_comment}"
                                                 if ticket.rating_comment else ""))
        print()
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tickets = sub.add_parser(
        "tickets", help="the agents' desk: open tickets; `show ID` one ticket's conversation"
    )
    tickets.add_argument("action", nargs="?", choices=["list", "show"], default="list")
    tickets.add_argument("target", nargs="?", help="show: a ticket number (T…) or a chat id")
    tickets.add_argument("--limit", type=int, default=50, help="tickets at most (list: 1–200)")
    tickets.add_argument("--lines", type=int, default=50, help="show: transcript lines (1–200)")
    tickets.add_argument("--json", action="store_true")
    tickets.set_defaults(run=cmd_tickets, uses_broker=True)
