"""Routing an event through the router tree with aiogram's rules, without its per-level copies.

aiogram hands the handler data (~23 keys for a customer's message) on as ``**kwargs`` at every
step of its walk: each router level copies it about six times (``propagate_event``, its outer
middleware wrapper, ``_propagate_event``, the root filters' ``check`` and ``call``, the
``trigger``), and each handler about three times per filter (``check``, ``call``, a
``functools.partial``). A plain question passes four router levels and checks fifteen job
handlers before its policy answer: a fifth of the policy turn went to those copies.

:class:`LeanDispatcher` walks the same tree in the same order with the same results: the same
filters are called with the same arguments in the same order, a filter's dict is added to the
data the way aiogram adds it (for the handler's later filters and, when they all pass, for the
handler; a router's root filters for everything under it), a router level's data never leaks
to its siblings, ``SkipHandler`` moves on to the next handler, sync callbacks still run in a
thread, ``event_router`` and ``handler`` are what aiogram sets. Only the copies that no
callback can see are left out, and the filters of a handler that a filter's ``admits`` rules out
(a plain check of the ``decision`` that its own call makes first: ``_gates``) are not called.
A router whose observer has outer middlewares, and a handler
with inner middlewares, go through aiogram's own code (their middlewares see what they always
saw). ``tests/unit/bot/test_propagation.py`` holds the walk to aiogram's on every rule above.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import Any

from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.bases import REJECTED, UNHANDLED, SkipHandler
from aiogram.dispatcher.event.handler import CallableObject, HandlerObject
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.types import TelegramObject


async def _call(target: CallableObject, event: TelegramObject, data: dict[str, Any]) -> Any:
    """``CallableObject.call(event, **data)``: the callback with the data it names."""
    kwargs = data if target.varkw else {k: data[k] for k in target.params if k in data}
    if target.awaitable:
        return await target.callback(event, **kwargs)
    return await asyncio.to_thread(partial(target.callback, event, **kwargs))


async def _trigger(
    observer: TelegramEventObserver, event: TelegramObject, kwargs: dict[str, Any]
) -> Any:
    """``TelegramEventObserver.trigger``: the first handler whose filters all pass. ``kwargs``
    becomes the trigger's own ("handler" and a handler's filter data stay in it)."""
    for handler in observer.handlers:
        gates = handler.__dict__.get(_GATES)
        if gates is None:
            gates = handler.__dict__[_GATES] = _gates(handler)
        if gates and not _admitted(gates, kwargs.get("decision")):
            continue  # a filter would say no: said without calling the filters
        kwargs["handler"] = handler
        checked = kwargs
        passed = True
        for event_filter in handler.filters or ():
            if event_filter.awaitable:  # _call's work, without a coroutine of its own
                check = await event_filter.callback(
                    event,
                    **(checked if event_filter.varkw
                       else {k: checked[k] for k in event_filter.params if k in checked}),
                )  # fmt: skip
            else:
                check = await _call(event_filter, event, checked)
            if not check:
                passed = False
                break
            if isinstance(check, dict):
                if checked is kwargs:
                    checked = dict(kwargs)  # a failing handler's filter data is dropped
                checked.update(check)
        if not passed:
            continue
        if checked is not kwargs:
            kwargs.update(checked)
        try:
            middlewares = _inner_middlewares(observer)
            if middlewares:
                wrapped = observer.outer_middleware.wrap_middlewares(middlewares, handler.call)
                return await wrapped(event, kwargs)
            return await _call(handler, event, kwargs)
        except SkipHandler:
            continue
    return UNHANDLED


_GATES = "_kefu_gates"


def _gates(handler: HandlerObject) -> tuple[Callable[[Any], bool], ...]:
    """The ``admits`` of the handler's filters that have one: a filter's plain check of the
    message's ``decision`` that must hold for the filter to pass (``bot.routing.IntentRoute``,
    the jobs' ``Job``: the intents they take). A policy question skips the job handlers by a
    set look-up each instead of an awaited call of their filters. The filter's own call checks
    the same first, so the handler is chosen as aiogram would choose it."""
    found = (getattr(f.callback, "admits", None) for f in handler.filters or ())
    return tuple(admits for admits in found if callable(admits))


def _admitted(gates: tuple[Callable[[Any], bool], ...], decision: Any) -> bool:
    for admits in gates:
        if not admits(decision):
            return False
    return True


def _inner_middlewares(observer: TelegramEventObserver) -> list[Any]:
    """``TelegramEventObserver._resolve_middlewares()``: the inner middlewares of the observer's
    event on every router from the root down to the observer's own, in that order. aiogram walks
    a generator of the routers into a tuple and extends by each ``MiddlewareManager`` as a
    ``Sequence`` (an item at a time, ended by an ``IndexError``): ~10 µs on Kefu's tree, for a
    list that is empty there."""
    chain = []
    router: Router | None = observer.router
    while router is not None:
        chain.append(router)
        router = router.parent_router
    middlewares: list[Any] = []
    for router in reversed(chain):
        found = router.observers.get(observer.event_name)
        if found:
            middlewares.extend(found.middleware._middlewares)
    return middlewares


_ROUTERS_OWN = Router.propagate_event


async def propagate(
    router: Router, update_type: str, event: TelegramObject, data: dict[str, Any]
) -> Any:
    """``Router.propagate_event(update_type, event, **data)``; ``data`` becomes this level's
    own (callers pass a copy)."""
    observer = router.observers.get(update_type)
    if observer is not None and (
        observer.outer_middleware._middlewares or type(observer) not in _PLAIN
    ):
        return await Router.propagate_event(router, update_type, event, **data)
    data["event_router"] = router
    if observer is not None:
        for event_filter in observer._handler.filters or ():  # the router's own filters
            check = await _call(event_filter, event, data)
            if not check:
                return UNHANDLED
            if isinstance(check, dict):
                data.update(check)
        if observer.handlers:  # (a router of routers has none: nothing to copy the data for)
            response = await _trigger(observer, event, dict(data))
            if response is REJECTED:  # pragma: no cover (as in aiogram)
                return UNHANDLED
            if response is not UNHANDLED:
                return response
    response = UNHANDLED
    for sub_router in router.sub_routers:
        if type(sub_router).propagate_event is _ROUTERS_OWN:
            response = await propagate(sub_router, update_type, event, dict(data))
        else:  # a router with a walk of its own
            response = await sub_router.propagate_event(update_type, event, **data)
        if response is not UNHANDLED:
            break
    return response


class _LeanObserver(TelegramEventObserver):
    """The dispatcher's update observer: its trigger (the one handler that splits an update
    into its event) without the copies either."""

    async def trigger(self, event: TelegramObject, **kwargs: Any) -> Any:
        return await _trigger(self, event, kwargs)

    def wrap_outer_middleware(
        self, callback: Any, event: TelegramObject, data: dict[str, Any]
    ) -> Any:
        """``TelegramEventObserver.wrap_outer_middleware``: the update's outer middlewares (Kefu's
        and aiogram's, eight) chained around ``callback`` and called, as aiogram chains them —
        without ``functools.wraps`` on the innermost wrapper (its name and docstring copied onto
        it: no middleware reads them) and with the list walked backwards as a list (the manager
        is reversed as a ``Sequence``: a call per item). Once per update."""

        def handler_wrapper(event: TelegramObject, kwargs: dict[str, Any]) -> Any:
            return callback(event, **kwargs)

        middleware: Any = handler_wrapper
        for outer in reversed(self.outer_middleware._middlewares):
            middleware = partial(outer, middleware)
        return middleware(event, data)


_PLAIN = (TelegramEventObserver, _LeanObserver)


class LeanDispatcher(Dispatcher):
    """aiogram's dispatcher, propagating events with :func:`propagate` (see the module)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # the observer aiogram made, with its handler and middlewares: only its trigger differs
        self.update.__class__ = _LeanObserver

    async def propagate_event(self, update_type: str, event: TelegramObject, **kwargs: Any) -> Any:
        return await propagate(self, update_type, event, kwargs)
