"""The agents' desk: people take over escalated chats in a Telegram supergroup with topics.

```
customer ──private chat──► bot ──tickets.open──► worker ──ticket.opened──► {p}.desk.tickets
    ▲                       │ (handoff: relay, no answers of its own)          │ one bot process
    │                       ▼                                                   ▼
    └──── copyMessage ◄── topic "张** · 尺码 · T…" in AGENTS_CHAT_ID ◄── createForumTopic + card
```

| module | holds |
|---|---|
| ``service`` | :class:`Desk`: the actions both sides take, membership checks, lifecycle |
| ``state`` | the per-chat handoff record and the middleware that reads it |
| ``customer`` | the customer's routers: relay while in handoff, ``/cancel``, ``/human``, rating |
| ``agents`` | the agents' group router: commands, relay to the customer, card buttons |
| ``topics`` | one topic per ticket, created exactly once (compare-and-set in the worker) |
| ``sla`` | service-level alerts and reminders, each posted by one bot process |
| ``relay`` | albums kept together, retries after Telegram's flood control |
| ``texts``, ``keyboards`` | the card, topic names, queue wording; the desk's buttons |

:func:`install_desk` wires it into a dispatcher when ``AGENTS_CHAT_ID`` is set (docs/desk.md).
"""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Bot, Dispatcher, Router
from aiogram.fsm.storage.base import BaseStorage

from bot.desk.relay import AlbumArrivals
from bot.desk.service import Agent, Desk
from bot.desk.state import Handoff, HandoffMiddleware
from bot.settings import BotSettings
from bus import Bus
from replies.render import Replies

__all__ = ["Agent", "Desk", "Handoff", "desk_routers", "install_desk"]


def install_desk(
    dp: Dispatcher,
    settings: BotSettings,
    *,
    rpc: Bus,
    replies: Replies,
    storage: BaseStorage,
    titles: Mapping[str, Mapping[str, str]],
) -> Desk:
    """Create the desk, put it in the handlers' data (``desk``), read every private chat's
    handoff after the chat context, and start/stop it with the dispatcher."""
    desk = Desk(settings, rpc=rpc, replies=replies, storage=storage, titles=titles)
    dp["desk"] = desk
    dp.update.outer_middleware(HandoffMiddleware(desk))
    # first of all, before aiogram's own (the chat's lock is FSMContextMiddleware's): an album
    # item is on its way from its arrival (bot/desk/relay.py). aiogram registers by appending.
    dp.update.outer_middleware._middlewares.insert(0, AlbumArrivals(desk.albums))

    async def on_startup(bot: Bot) -> None:
        await desk.start(bot)

    async def on_shutdown() -> None:
        await desk.stop()

    dp.startup.register(on_startup)
    dp.shutdown.register(on_shutdown)
    return desk


def desk_routers(desk: Desk) -> tuple[Router, list[Router]]:
    """(the agents' group router, the customer's routers): both go before every other."""
    from bot.desk import agents, customer

    return agents.get_router(desk), customer.get_routers()
