"""Intents reach handlers by the catalogue's action and group; ``create_dispatcher`` refuses to
start when an intent has no handler, has two, or a route names an intent that doesn't exist."""

from __future__ import annotations

import pytest
from aiogram import Router

import bot.dispatcher
from bot.dispatcher import create_dispatcher
from bot.routing import IntentRoute, RoutingError, bind_routes
from bot.settings import BotSettings
from bus.testing import InMemoryBus
from intents import Action, Catalog
from tests.support.bot import engine, replies


class CatalogueOnly:
    """An engine with another catalogue: create_dispatcher reads only ``catalog`` at start."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog


def start(catalog: Catalog | None = None) -> None:
    create_dispatcher(
        BotSettings(),
        rpc=InMemoryBus(),
        engine=CatalogueOnly(catalog) if catalog is not None else engine(),
        replies=replies(),
    )


def with_extra_router(monkeypatch, *routes: IntentRoute) -> None:
    """Routers as the bot builds them, plus one more with a handler per route."""
    original = bot.dispatcher.get_routers

    def get_routers(*args, **kwargs):
        extra = Router(name="tests.extra")
        for route in routes:

            @extra.message(route)
            async def handle_again() -> None:
                pass

        return [*original(*args, **kwargs), extra]

    monkeypatch.setattr(bot.dispatcher, "get_routers", get_routers)


def test_every_catalogue_intent_reaches_exactly_one_handler() -> None:
    dp = create_dispatcher(BotSettings(), rpc=InMemoryBus(), engine=engine(), replies=replies())
    routed = bind_routes(dp.sub_routers, engine().catalog)
    assert sorted(routed) == sorted(engine().catalog.ids)
    # Overrides by id win over the action: the regional shipping questions, the order changes.
    assert routed["shipping.fee"].endswith("handle_regional_question")
    assert routed["shipping.courier"].endswith("handle_policy_question")
    assert routed["order.modify"] == routed["order.status"]


def test_an_intent_without_a_handler_stops_the_start() -> None:
    real = engine().catalog
    orphan = real.get("size.recommend").model_copy(
        update={"id": "shipping.live_map", "action": Action.ASK_SLOT}
    )
    missing = r"shipping\.live_map \(group shipping, action ask-slot\) has no handler"
    with pytest.raises(RoutingError, match=missing):
        start(Catalog(intents=[*real.intents, orphan]))


def test_an_intent_handled_twice_stops_the_start(monkeypatch) -> None:
    with_extra_router(monkeypatch, IntentRoute("size.chart"))
    with pytest.raises(RoutingError, match=r"intent size\.chart is handled twice \(by id\)"):
        start()


def test_a_route_naming_an_unknown_intent_stops_the_start(monkeypatch) -> None:
    with_extra_router(monkeypatch, IntentRoute("order.teleport"), IntentRoute(group="weather"))
    with pytest.raises(RoutingError) as raised:
        start()
    assert "names intents the catalogue does not have: order.teleport" in str(raised.value)
    assert "no intent of group 'weather'" in str(raised.value)


def test_a_route_names_something() -> None:
    with pytest.raises(ValueError, match="names intents, a group or an action"):
        IntentRoute()
