"""The typed seams of the bus: what a caller needs (``Bus``) and what a server serves
(``Handlers``), independent of RabbitMQ.

``bus.rpc.RpcClient`` implements :class:`Bus` over the broker, ``bus.testing.InMemoryBus``
in process; the bot depends on the protocol only. ``Bus.call`` returns the request's own
reply type, so ``reply = await bus.call(LookupOrder(...))`` is typed
``OrderFound | OrderNotFound | Throttled`` and the checker sees a forgotten case.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeVar

from bus.contracts import REQUESTS, Contract, Event, Request, Route

R = TypeVar("R", bound=Contract)

METHODS: dict[str, type[Request[Any]]] = {request.METHOD: request for request in REQUESTS}
"""Every bus method → its request class."""


class Bus(Protocol):
    """Sends a request, returns its reply; transport failures raise ``bus.errors.BusError``."""

    async def call(self, request: Request[R], *, deadline: float | None = None) -> R: ...


class EventPublisher(Protocol):
    async def __call__(self, event: Event) -> None: ...


class Handlers(Mapping[str, Route]):
    """A server's registry: method → :class:`~bus.contracts.Route` (request type and handler).

    Built from ``Request.served_by`` pairs, which the type checker holds to the request's
    replies; here every route is also checked at start (:meth:`Route.check`), and a method
    served twice or unknown to ``REQUESTS`` is refused. ``complete=True`` also refuses a
    registry that leaves a method unserved (the worker's).
    """

    def __init__(self, routes: Iterable[Route], *, complete: bool = False) -> None:
        self._routes: dict[str, Route] = {}
        for route in routes:
            if METHODS.get(route.method) is not route.request_type:
                raise ValueError(f"{route.request_type.__name__}: not a request of bus.contracts")
            if route.method in self._routes:
                raise ValueError(f"{route.method} is served twice")
            route.check()
            self._routes[route.method] = route
        missing = sorted(set(METHODS) - set(self._routes))
        if complete and missing:
            raise ValueError(f"no handler for {', '.join(missing)}")

    def replacing(self, *routes: Route) -> Handlers:
        """A copy with these routes in place of the ones for their methods (fault injection
        in tests: a handler that crashes once, a slow one)."""
        replaced = {route.method: route for route in routes}
        return Handlers(replaced.get(method, route) for method, route in self._routes.items())

    def __getitem__(self, method: str) -> Route:
        return self._routes[method]

    def get(self, method: str, default: Route | None = None) -> Route | None:  # type: ignore[override]
        # The server's hot path: a plain dict look-up, not Mapping's try/except.
        return self._routes.get(method, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._routes)

    def __len__(self) -> int:
        return len(self._routes)
