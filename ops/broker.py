"""The broker, as every ``kefu`` command that needs it first checks: reachable, or a clear
error and a distinct exit code (``EXIT_BROKER_DOWN``), never a traceback."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aio_pika.exceptions import AMQPConnectionError

from bus.connection import Broker
from bus.contracts import Contract, Request
from bus.errors import BusError, BusTimeout, BusUnavailable
from bus.rpc import RpcClient
from bus.settings import BusSettings

EXIT_BROKER_DOWN = 69
"""``kefu``'s exit code when the broker cannot be reached (sysexits' EX_UNAVAILABLE): scripts
tell "RabbitMQ is down" from "the command failed" (1) and "used wrongly" (2)."""
CHECK_S = 5.0

UNREACHABLE = (AMQPConnectionError, ConnectionError, OSError, TimeoutError, BusUnavailable)
"""What failing to reach the broker raises, wherever in a command it happens."""


class BrokerDown(Exception):
    """The broker did not accept a connection."""

    def __init__(self, broker: Broker, reason: str) -> None:
        super().__init__(f"cannot reach the broker at {broker}: {reason}")
        self.broker = broker
        self.reason = reason


async def require_broker(broker: Broker, wait: float = CHECK_S) -> None:
    """One connection, opened and closed: raises :class:`BrokerDown` when it cannot be had."""
    quiet = logging.getLogger("aiormq.connection")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # its own "error when creating transport" line
    try:
        async with asyncio.timeout(wait):
            connection = await broker.connect("kefu-check")
        await connection.close()
    except UNREACHABLE as exc:
        raise BrokerDown(broker, _reason(exc)) from None
    finally:
        quiet.setLevel(level)


async def call_worker(bus: BusSettings, request: Request[Any]) -> Contract:
    """One bus call from a terminal: the broker checked (:class:`BrokerDown`), a client for
    this call alone, closed after it. Raises what the call raised (:class:`BusError`)."""
    await require_broker(bus.broker)
    client = RpcClient(bus.broker, timeout=bus.rpc_timeout, topology=bus.topology)
    await client.connect(wait=5)
    try:
        return await client.call(request)
    finally:
        await client.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer"
    text = str(exc.args[-1] if exc.args else exc) or type(exc).__name__
    return text[:200]


def broker_down_message(exc: BaseException, broker: Broker | None = None) -> str:
    head = str(exc) if isinstance(exc, BrokerDown) else (
        f"cannot reach the broker{f' at {broker}' if broker else ''}: {_reason(exc)}"
    )
    return (
        f"kefu: {head}\n"
        "Is RabbitMQ running? Start it with `bash scripts/broker.sh start`, or point AMQP_URL "
        "at it."
    )


def no_worker_hint(exc: BusError) -> str:
    """What to do when a bus call found no worker, or none in time: empty for other errors
    (an error reply says its own why)."""
    if isinstance(exc, BusUnavailable):
        return (
            "\nNo worker is running on this prefix. Start one: python -m worker (bash "
            "scripts/run.sh starts one with the bot); kefu status shows the workers."
        )
    if isinstance(exc, BusTimeout):
        return (
            "\nNo worker answered in time: it may be stopped, stuck or overloaded; kefu status "
            "shows the workers and the queues."
        )
    return ""
