"""``/status`` in the ops chat (and in a private chat from an admin): the same summary as
``kefu status``, built by ``monitor.status``."""

from __future__ import annotations

import html
from typing import Protocol

from aio_pika.abc import AbstractRobustConnection
from aiogram import F, Router
from aiogram.filters import Command
from aiogram.types import Message

from bus import Bus
from bus.topology import Topology
from monitor.alerts import evaluate
from monitor.settings import MonitorSettings
from monitor.status import collect_status, render_text

TELEGRAM_LIMIT = 4000


class OpsConnection(Protocol):
    async def amqp(self) -> AbstractRobustConnection | None: ...


async def status_text(
    settings: MonitorSettings,
    topology: Topology,
    rpc: Bus,
    amqp: AbstractRobustConnection | None = None,
) -> str:
    summary = await collect_status(settings, topology, rpc, amqp=amqp)
    evaluation = evaluate(summary, settings)
    return render_text(summary, [f"{c.title}: {c.detail}" for c in evaluation.active.values()])


def get_router(settings: MonitorSettings, topology: Topology) -> Router:
    router = Router(name=__name__)
    allowed = F.chat.id == settings.ops_chat_id
    if settings.admin_ids:
        allowed = allowed | (
            (F.chat.type == "private") & F.from_user.id.in_(set(settings.admin_ids))
        )
    router.message.filter(allowed)

    @router.message(Command("status"))
    async def cmd_status(message: Message, rpc: Bus, ops: OpsConnection) -> None:
        text = await status_text(settings, topology, rpc, await ops.amqp())
        if len(text) > TELEGRAM_LIMIT:
            text = text[: TELEGRAM_LIMIT - 1] + "…"
        await message.answer(f"<pre>{html.escape(text)}</pre>")

    return router
