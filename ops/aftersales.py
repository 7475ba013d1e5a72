"""``kefu returns receive``, ``kefu refunds issue``, ``kefu exchanges receive|ship``: the
shop's after-sales steps from a terminal, sent over the bus to the worker like every command
(``returns.receive``, ``refunds.issue``, ``exchanges.receive``, ``exchanges.ship``; see
worker/aftersales.py). Each call is one command with a fresh idempotency key: run again
after a success, it is refused as done already (``already_received``…), never applied twice.
The customer hears of each step in her chat (bot/notices.py)."""

from __future__ import annotations

import argparse
import json
import sys
from decimal import Decimal, InvalidOperation
from uuid import uuid4

from pydantic import ValidationError

from bus.contracts import (
    AfterSalesRefused,
    Contract,
    ExchangeStep,
    IssueRefund,
    ReceiveExchangeParcel,
    ReceiveReturn,
    RefundIssued,
    ReturnReceived,
    ShipExchange,
)
from bus.errors import BusError, BusTimeout
from ops.broker import call_worker, no_worker_hint
from ops.settings import OpsSettings
from shop.enums import COURIER_CODES, RETURN_REFUSALS

REFUSED: dict[str, str] = {
    "not_found": "no such record",
    "already_received": "its parcel was received already",
    "not_received_yet": "its parcel has not been received yet (kefu returns receive / "
    "kefu exchanges receive first)",
    "already_refunded": "it was refunded already",
    "return_cancelled": "the return is cancelled (or was refused on its check): no refund",
    "amount_mismatch": "the amount given is not the refund's",
    "not_awaiting_parcel": "it is not waiting for a parcel",
    "not_shipped_yet": "its replacement has not shipped",
    "already_shipped": "its replacement was shipped already",
    "exchange_cancelled": "the exchange is cancelled",
}


def _key(action: str) -> str:
    return f"ops-{action}-{uuid4().hex}"


def _said(reply: Contract) -> str:
    if isinstance(reply, ReturnReceived):
        if reply.outcome == "accepted":
            return (
                f"{reply.return_no} (order {reply.order_no}) received and accepted: refund "
                f"{reply.refund_no} of ¥{reply.refund_amount} pending (kefu refunds issue "
                f"{reply.refund_no})"
            )
        return (
            f"{reply.return_no} (order {reply.order_no}) received and refused "
            f"({reply.refusal}): closed without a refund"
        )
    if isinstance(reply, RefundIssued):
        what = f"return {reply.return_no}" if reply.return_no else f"order {reply.order_no}"
        closed = f"; order {reply.order_no} closed (all refunded)" if reply.order_closed else ""
        return f"refund {reply.refund_no} of ¥{reply.amount} for {what} issued{closed}"
    if isinstance(reply, ExchangeStep):
        if reply.state == "shipped":
            return (
                f"{reply.rma_no} (order {reply.order_no}) replacement shipped: "
                f"{reply.courier} {reply.tracking_no}"
            )
        return f"{reply.rma_no} (order {reply.order_no}) parcel received: replacement to ship"
    return reply.model_dump_json()


async def send(
    command: ReceiveReturn | IssueRefund | ReceiveExchangeParcel | ShipExchange, *, as_json: bool
) -> int:
    """Send one command and say what came of it: 0 done, 1 refused, 3 the bus call failed."""
    try:
        reply = await call_worker(OpsSettings().bus, command)
    except BusTimeout as exc:
        print(
            f"kefu: no answer in time ({exc}); the command waits in the durable queue and may "
            "still be applied — check `kefu followups --all` before running it again",
            file=sys.stderr,
        )
        return 3
    except BusError as exc:
        print(f"kefu: {type(exc).__name__}: {exc}{no_worker_hint(exc)}", file=sys.stderr)
        return 3
    if as_json:
        print(json.dumps(reply.model_dump(mode="json"), ensure_ascii=False, indent=2))
    if isinstance(reply, AfterSalesRefused):
        if not as_json:
            state = f" (it is {reply.state})" if reply.state else ""
            print(f"refused: {REFUSED.get(reply.reason, reply.reason)}{state}", file=sys.stderr)
        return 1
    if not as_json:
        print(_said(reply))
    return 0


def _bad(exc: ValidationError) -> int:
    """Wrong input (a number of the wrong shape…): said per field, exit 2, nothing sent."""
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "input"
        print(f"kefu: {field}: {error['msg']}", file=sys.stderr)
    return 2


async def cmd_returns(args: argparse.Namespace) -> int:
    try:
        return await _receive(args)
    except ValidationError as exc:
        return _bad(exc)


async def _receive(args: argparse.Namespace) -> int:
    refused = args.refuse is not None
    command = ReceiveReturn(
        idempotency_key=_key("receive"),
        return_no=args.number.upper(),
        outcome="refused" if refused else "accepted",
        refusal=args.refuse,
        note=args.note or "",
        by=args.by,
    )
    return await send(command, as_json=args.json)


async def cmd_refunds(args: argparse.Namespace) -> int:
    try:
        return await _issue(args)
    except ValidationError as exc:
        return _bad(exc)


async def _issue(args: argparse.Namespace) -> int:
    amount: Decimal | None = None
    if args.amount is not None:
        try:
            amount = Decimal(args.amount.lstrip("¥"))
        except InvalidOperation:
            print(f"not an amount: {args.amount!r}", file=sys.stderr)
            return 2
    command = IssueRefund(
        idempotency_key=_key("refund"), number=args.number.upper(), amount=amount, by=args.by
    )
    return await send(command, as_json=args.json)


async def cmd_exchanges(args: argparse.Namespace) -> int:
    try:
        return await _exchange(args)
    except ValidationError as exc:
        return _bad(exc)


async def _exchange(args: argparse.Namespace) -> int:
    command: ReceiveExchangeParcel | ShipExchange
    if args.action == "receive":
        command = ReceiveExchangeParcel(
            idempotency_key=_key("exchange"), rma_no=args.number.upper(), by=args.by
        )
    else:
        if not args.tracking:
            print("kefu exchanges ship needs --tracking NUMBER", file=sys.stderr)
            return 2
        command = ShipExchange(
            idempotency_key=_key("ship"),
            rma_no=args.number.upper(),
            courier=args.courier,
            tracking_no=args.tracking.upper(),
            by=args.by,
        )
    return await send(command, as_json=args.json)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--by", default="售后", help="who takes the step (the remark's author)")
    parser.add_argument("--json", action="store_true")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    returns = sub.add_parser("returns", help="a returned parcel received (checked or refused)")
    returns.add_argument("action", choices=["receive"])
    returns.add_argument("number", metavar="RETURN_NO", help="RT…")
    returns.add_argument(
        "--refuse",
        choices=RETURN_REFUSALS,
        metavar="REASON",
        help=f"the parcel failed its check: {', '.join(RETURN_REFUSALS)} (no refund)",
    )
    returns.add_argument("--note", help="what the check found (kept in the order's remark)")
    _common(returns)
    returns.set_defaults(run=cmd_returns, uses_broker=True)

    refunds = sub.add_parser("refunds", help="a refund paid back to the original payment")
    refunds.add_argument("action", choices=["issue"])
    refunds.add_argument("number", metavar="RETURN_NO|REFUND_NO", help="RT… or RF…")
    refunds.add_argument("--amount", help="the amount paid; refused unless it is the refund's")
    _common(refunds)
    refunds.set_defaults(run=cmd_refunds, uses_broker=True)

    exchanges = sub.add_parser(
        "exchanges", help="an exchange's parcel received; its replacement shipped"
    )
    exchanges.add_argument("action", choices=["receive", "ship"])
    exchanges.add_argument("number", metavar="RMA_NO", help="RMA…")
    exchanges.add_argument("--courier", choices=COURIER_CODES, default="default")
    exchanges.add_argument("--tracking", help="ship: the replacement's tracking number")
    _common(exchanges)
    exchanges.set_defaults(run=cmd_exchanges, uses_broker=True)
