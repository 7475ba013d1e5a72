"""An in-memory :class:`bus.protocol.Bus` for unit tests of anything that calls the bus.

``InMemoryBus`` serves requests with handler functions in the same process, but every
request and every reply goes through JSON exactly as on the wire: the request is dumped and
validated against its contract as the server does, the reply is dumped and parsed with the
request's reply union as ``RpcClient`` does. A flow that sends a field the contract refuses,
or a handler that answers a reply the request does not declare, fails here as it would
against RabbitMQ, without a broker::

    async def lookup(request: LookupOrder) -> OrderFound | OrderNotFound | Throttled:
        return OrderNotFound()

    bus = InMemoryBus(LookupOrder.served_by(lookup))
    reply = await bus.call(LookupOrder(order_no="KF20260001", telegram_user_id=1))
    assert bus.calls == [LookupOrder(order_no="KF20260001", telegram_user_id=1)]

It can also serve the real worker's handlers (``InMemoryBus(service.routes())``). Like the
server: a method nobody serves raises ``BusUnavailable``, a request that fails validation
``BusRemoteError("bad_request")``, a handler's ``Refusal`` ``BusRemoteError`` with its code
(``idempotency_conflict``), any other exception ``BusRemoteError("internal")`` (the original
chained). A handler that raises a ``BusError`` itself (to stand for an outage or a timeout)
has it passed through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar, cast

from pydantic import ValidationError

from bus.contracts import Contract, RemoteError, Request, Route, reply_adapter
from bus.errors import BusError, BusRemoteError, BusUnavailable, Refusal
from bus.protocol import Handlers
from bus.rpc import describe_errors

R = TypeVar("R", bound=Contract)


class InMemoryBus:
    """A ``Bus`` backed by handler functions; ``calls`` keeps every request it served."""

    def __init__(self, *routes: Route | Iterable[Route]) -> None:
        flat: list[Route] = []
        for item in routes:
            flat.extend([item] if isinstance(item, Route) else item)
        self.handlers = Handlers(flat)
        self.calls: list[Request[Any]] = []

    async def call(self, request: Request[R], *, deadline: float | None = None) -> R:
        route = self.handlers.get(request.METHOD)
        if route is None:
            raise BusUnavailable(f"nobody serves {request.METHOD}")
        try:
            received = route.request_type.model_validate_json(request.model_dump_json())
        except ValidationError as exc:
            raise BusRemoteError("bad_request", describe_errors(exc)) from exc
        self.calls.append(received)
        try:
            answer = await route.handler(received)
        except BusError:
            raise
        except Refusal as refusal:
            raise BusRemoteError(refusal.code, refusal.message) from refusal
        except Exception as exc:
            raise BusRemoteError("internal", "the worker could not handle this request") from exc
        reply = reply_adapter(type(request)).validate_json(answer.model_dump_json())
        if isinstance(reply, RemoteError):
            raise BusRemoteError(reply.code, reply.message)
        return cast(R, reply)
