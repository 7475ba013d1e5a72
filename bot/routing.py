"""Intents reach their handlers by the catalogue's data.

Each intent in ``intents/data/*.yaml`` has an ``action`` (answer, lookup, exchange, escalate,
ask-slot) and a group (the part of its id before the dot). A handler says which intents it
takes with an :class:`IntentRoute` filter, from the most general to the most specific:

* ``IntentRoute(action="lookup")``: every intent whose action is ``lookup``;
* ``IntentRoute(group="shipping")``: every intent of a group;
* ``IntentRoute(group="size", action="ask-slot")``: both at once;
* ``IntentRoute("shipping.fee", "shipping.region")``: these intents by id — an explicit
  override, which takes them from the handler their group or action would give them.

The most specific claim wins (id, then group and action, then group, then action).
:func:`bind_routes` resolves every filter against the catalogue when the dispatcher is built
and refuses to start, naming what is wrong, when an intent has no handler, when two handlers
claim one at the same level, or when a filter names an intent, group or action the catalogue
does not have. A new intent in the catalogue therefore either reaches a handler or stops the
bot at start — it never ends in "please rephrase".

At run time a route is one set look-up: the matched intent is in the ids resolved for it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from intents import Action, Catalog, Decision, Intent

# How specific a claim is: a lower level wins.
BY_ID, BY_GROUP_AND_ACTION, BY_GROUP, BY_ACTION = range(4)
LEVEL_NAMES = ("by id", "by group and action", "by group", "by action")


class RoutingError(ValueError):
    """The handlers do not cover the intent catalogue exactly once (the message says where)."""


class IntentRoute(Filter):
    """The message was matched with confidence to one of the intents this route resolved to
    (see the module's docstring for how a route names them)."""

    __slots__ = ("action", "group", "ids", "intents")

    def __init__(self, *intents: str, group: str | None = None, action: str | None = None) -> None:
        if not intents and group is None and action is None:
            raise ValueError("a route names intents, a group or an action")
        if intents and (group is not None or action is not None):
            raise ValueError("a route names intents by id, or by group and action, not both")
        self.intents = frozenset(intents)
        self.group = group
        self.action = action
        self.ids: frozenset[str] = frozenset()  # filled by bind_routes

    @property
    def level(self) -> int:
        if self.intents:
            return BY_ID
        if self.group is not None and self.action is not None:
            return BY_GROUP_AND_ACTION
        return BY_GROUP if self.group is not None else BY_ACTION

    def claims(self, intent: Intent) -> bool:
        if self.intents:
            return intent.id in self.intents
        if self.group is not None and intent.group != self.group:
            return False
        return self.action is None or str(intent.action) == self.action

    def __str__(self) -> str:
        if self.intents:
            return f"IntentRoute({', '.join(sorted(self.intents))})"
        named = [f"group={self.group}"] * (self.group is not None)
        named += [f"action={self.action}"] * (self.action is not None)
        return f"IntentRoute({', '.join(named)})"

    def admits(self, decision: Decision | None) -> bool:
        """The whole check, without the message (``bot.propagation`` asks it first)."""
        return decision is not None and decision.outcome == "accept" and decision.intent in self.ids

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        return self.admits(decision)


@dataclass(frozen=True)
class _Claim:
    route: IntentRoute
    handler: str


def _claims(routers: Iterable[Router]) -> Iterator[_Claim]:
    """Every intent route on a message handler of these routers and their sub-routers."""
    for router in routers:
        for handler in router.message.handlers:
            for filter_object in handler.filters or ():
                if isinstance(filter_object.callback, IntentRoute):
                    callback = handler.callback
                    name = f"{callback.__module__}.{getattr(callback, '__name__', callback)}"
                    yield _Claim(filter_object.callback, name)
        yield from _claims(router.sub_routers)


def bind_routes(routers: Iterable[Router], catalog: Catalog) -> dict[str, str]:
    """Resolve every :class:`IntentRoute` against ``catalog``; returns intent id → handler.

    Raises :class:`RoutingError` listing every intent without a handler, every intent two
    handlers claim at the same level, and every intent id, group or action a route names that
    the catalogue does not have.
    """
    claims = list(_claims(routers))
    known_ids = {intent.id for intent in catalog.intents}
    known_groups = {intent.group for intent in catalog.intents}
    known_actions = {str(action) for action in Action}
    problems: list[str] = []
    for claim in claims:
        route = claim.route
        unknown = sorted(route.intents - known_ids)
        if unknown:
            problems.append(
                f"{claim.handler}: {route} names intents the catalogue does not "
                f"have: {', '.join(unknown)}"
            )
        if route.group is not None and route.group not in known_groups:
            problems.append(f"{claim.handler}: {route}: no intent of group {route.group!r}")
        if route.action is not None and route.action not in known_actions:
            problems.append(
                f"{claim.handler}: {route}: {route.action!r} is not a catalogue "
                f"action ({', '.join(sorted(known_actions))})"
            )

    handled: dict[str, str] = {}
    ids: dict[int, set[str]] = defaultdict(set)  # id(route) -> the intents it takes
    for intent in catalog.intents:
        by_level: dict[int, list[_Claim]] = defaultdict(list)
        for claim in claims:
            if claim.route.claims(intent):
                by_level[claim.route.level].append(claim)
        if not by_level:
            problems.append(
                f"intent {intent.id} (group {intent.group}, action {intent.action}) has no "
                "handler: add it to a route (bot/routing.py explains how)"
            )
            continue
        level = min(by_level)
        winners = by_level[level]
        if len(winners) > 1:
            problems.append(
                f"intent {intent.id} is handled twice ({LEVEL_NAMES[level]}): "
                + ", ".join(f"{c.handler} [{c.route}]" for c in winners)
            )
            continue
        handled[intent.id] = winners[0].handler
        ids[id(winners[0].route)].add(intent.id)
    if problems:
        raise RoutingError(
            "the handlers do not cover the intent catalogue:\n  " + "\n  ".join(problems)
        )
    for claim in claims:
        claim.route.ids = frozenset(ids.get(id(claim.route), ()))
    return handled
