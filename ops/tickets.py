"""``kefu tickets``: the agents' desk from a terminal — the open tickets, and one ticket's (or
one customer chat's) conversation. Asked of the worker over the bus (``tickets.live``,
``tickets.history``): names masked as in the desk's topics, and what customers typed through
the anonymiser (phones, addresses, order numbers), as ``kefu dlq show`` does.

A shop without the agents' desk answers its tickets from here too: ``kefu tickets reply T…
"text" [--close]`` and ``kefu tickets close T…`` (``tickets.staff_reply``, a command with a
fresh idempotency key per call); the bot passes the answer on to the customer in her chat and
her reply lands on the ticket. A ticket in the desk (with a topic) is refused: its agents answer
in the topic (docs/desk.md)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from uuid import uuid4

from pydantic import ValidationError

from bus.contracts import (
    ListLive,
    ReplyToTicket,
    StaffReplied,
    StaffReplyRefused,
    TicketHistory,
    TicketList,
    TicketView,
)
from bus.errors import BusError
from intents.anonymize import anonymize
from ops.broker import call_worker, no_worker_hint
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


REFUSED = {
    "closed": "is closed already: nothing was sent (the customer can ask the bot again, which "
    "opens a new ticket)",
    "desk": "is in the agents' desk (it has a topic there): answer it in its topic; nothing "
    "was sent",
}


def _staff_request(args: argparse.Namespace) -> ReplyToTicket | str:
    """The command for ``reply``/``close``, or what is wrong with the arguments."""
    ticket_no = (args.target or "").strip().upper()
    if not TICKET_NO.match(ticket_no):
        return f"kefu tickets {args.action} needs a ticket number (T…)"
    text = args.text
    if args.action == "reply" and not (text or "").strip():
        return 'kefu tickets reply needs the answer: kefu tickets reply T… "text" [--close]'
    if args.action == "close" and text:
        return 'kefu tickets close takes no text: kefu tickets reply T… "text" --close'
    try:
        return ReplyToTicket(
            idempotency_key=f"ops:{uuid4().hex}",
            ticket_no=ticket_no,
            text=text.strip() if text else None,
            staff_name=args.staff_name[:100],
            close=args.close or args.action == "close",
        )
    except ValidationError as exc:
        return "kefu tickets: " + "; ".join(e["msg"] for e in exc.errors())


def _staff_outcome(request: ReplyToTicket, reply: object) -> int:
    if isinstance(reply, StaffReplied):
        done = "answered and closed" if reply.closed and request.text else (
            "closed" if reply.closed else "answered")
        print(f"{request.ticket_no} {done}; the bot passes it on to the customer in her chat")
        return 0
    if isinstance(reply, StaffReplyRefused):
        print(f"kefu tickets: {request.ticket_no} {REFUSED[reply.reason]}", file=sys.stderr)
        return 1
    print(f"no ticket {request.ticket_no}", file=sys.stderr)
    return 1


async def cmd_tickets(args: argparse.Namespace) -> int:
    request: ListLive | TicketHistory | ReplyToTicket
    lines = max(1, min(args.lines, 200))
    if args.action in ("reply", "close"):
        made = _staff_request(args)
        if isinstance(made, str):
            print(made, file=sys.stderr)
            return 2
        request = made
    elif args.text is not None:
        print("kefu tickets: unexpected text (only `reply` takes one)", file=sys.stderr)
        return 2
    elif args.action == "show":
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
    try:
        reply = await call_worker(OpsSettings().bus, request)
    except BusError as exc:
        print(f"kefu tickets: the worker did not answer ({type(exc).__name__}: {exc})"
              + no_worker_hint(exc), file=sys.stderr)
        return 3
    if isinstance(request, ReplyToTicket):
        return _staff_outcome(request, reply)
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
        "tickets",
        help="the agents' desk: open tickets; `show ID` one ticket's conversation; without a "
        'desk, `reply T… "text" [--close]` and `close T…` answer the customer in her chat',
    )
    tickets.add_argument(
        "action", nargs="?", choices=["list", "show", "reply", "close"], default="list"
    )
    tickets.add_argument(
        "target", nargs="?", help="show: a ticket number (T…) or a chat id; reply, close: T…"
    )
    tickets.add_argument("text", nargs="?", help="reply: the answer the customer receives")
    tickets.add_argument(
        "--close", action="store_true", help="reply: close the ticket with this last word"
    )
    tickets.add_argument(
        "--as", dest="staff_name", default="", metavar="NAME",
        help="reply, close: who answered (kept on the ticket; the customer hears 'the shop's "
        "staff')",
    )
    tickets.add_argument("--limit", type=int, default=50, help="tickets at most (list: 1–200)")
    tickets.add_argument("--lines", type=int, default=50, help="show: transcript lines (1–200)")
    tickets.add_argument("--json", action="store_true")
    tickets.set_defaults(run=cmd_tickets, uses_broker=True)
