"""The bot's routers, composed in order: commands → flows → intents → fallback.

Routers are built inside functions because a router can be attached to one dispatcher only,
and tests build several. Private chats only: the scope is set once per router (an async filter:
sync ones cost a thread-pool hop per update).
"""

from __future__ import annotations

from aiogram import Router

from bot.filters import PrivateChat
from bot.handlers import (
    clarify,
    commands,
    errors,
    exchange,
    feedback,
    identity,
    media,
    orders,
    policy,
    shipping,
    size,
)


def get_routers(
    titles: dict[str, dict[str, str]], actions: dict[str, tuple[str, str]]
) -> list[Router]:
    """``titles``: intent id → {locale: title}; ``actions``: intent id → (group, action)."""
    exchange_flow, exchange_intents = exchange.get_routers()
    orders_flow, orders_intents = orders.get_routers()
    size_flow, size_intents = size.get_routers()
    shipping_flow, shipping_intents = shipping.get_routers()
    routers = [
        commands.get_router(),
        identity.get_router(),
        # flows: what a conversation in progress is waiting for
        exchange_flow,
        orders_flow,
        size_flow,
        shipping_flow,
        # intents: a new question
        exchange_intents,
        orders_intents,
        size_intents,
        shipping_intents,
        policy.get_router(),
        # buttons that work at any time, then everything else
        feedback.get_router(set(actions)),
        clarify.get_router(titles, actions),
        media.get_router(),
    ]
    for router in routers:
        router.message.filter(PrivateChat())
    routers.append(errors.get_router())
    return routers
