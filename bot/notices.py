"""Telling the customer, in her own chat, what the shop did with her return, refund or
exchange: the worker's after-sales events (``returns.receive``, ``refunds.issue``,
``exchanges.receive``, ``exchanges.ship``, taken by the shop's people with ``kefu``) become a
message in her chat's language, in our own words.

```
kefu returns receive RT… ─► worker ─return.received─► {p}.notices ─► one bot process ─► her chat
```

Every bot process consumes ``{p}.notices`` (competing consumers: each event is told once by
one of them). Her chat's language is the one the chat memory holds (what she chose with
/lang, else what she writes in, else her app's; a chat forgotten since: the bot's default);
the memory is only read, and written once — a parcel refused on its check is noted in it, for
her dispute of it — under the chat's own lock, so a notice never races her turn. A customer who
blocked the bot, or whose chat is gone, is not told (logged, dropped); any other failure to
send is retried by the consumer and, in the end, dead-lettered (``kefu dlq list --queue
notices``). Nothing of it runs per customer turn.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, StorageKey
from aiogram.fsm.storage.memory import DisabledEventIsolation

from bot.services.memory import MEMORY_DESTINY, ChatMemory
from bot.settings import BotSettings
from bot.storage import ExpiringMemoryStorage
from bot.worker_events import WorkerEvents
from bus.contracts import (
    Event,
    ExchangeReceivedEvent,
    ExchangeShippedEvent,
    RefundIssuedEvent,
    ReturnReceivedEvent,
)
from bus.events import EventHandler
from replies.render import Html, Replies

logger = logging.getLogger(__name__)


class Notices(WorkerEvents):
    """The notices consumer of one bot process, and the words of each notice."""

    def __init__(
        self,
        settings: BotSettings,
        replies: Replies,
        storage: BaseStorage,
        isolation: BaseEventIsolation | None = None,
    ) -> None:
        topology = settings.bus.topology
        super().__init__(
            settings, queue=topology.notices_queue, declare=topology.declare_notices,
            name="notices",
        )  # fmt: skip
        self.replies = replies
        self.storage = storage
        self.isolation = isolation or DisabledEventIsolation()

    def handlers(self, bot: Bot) -> Mapping[type[Event], EventHandler]:
        return {
            ReturnReceivedEvent: self.on_return_received,
            RefundIssuedEvent: self.on_refund_issued,
            ExchangeReceivedEvent: self.on_exchange_received,
            ExchangeShippedEvent: self.on_exchange_shipped,
        }

    # ── the events ───────────────────────────────────────────────────────────────────────

    async def on_return_received(self, event: ReturnReceivedEvent) -> None:
        if event.telegram_user_id is None:
            return
        user = event.telegram_user_id
        locale = await self.locale_of(user)
        values = self._refund_values(locale, event.refund_amount)
        if event.outcome == "accepted":
            text = self.replies.text(
                "notice.return_received",
                locale,
                return_no=event.return_no,
                order_no=event.order_no,
                **values,
            )
        else:
            why = self.replies.text(f"returns.refusal.{event.refusal or 'other'}", locale)
            text = self.replies.text(
                "notice.return_refused",
                locale,
                return_no=event.return_no,
                order_no=event.order_no,
                why=why,
            )
            if await self.tell(user, text, event.return_no):
                await self.note_refusal(user, event.return_no, text)
            return
        await self.tell(user, text, event.return_no)

    async def on_refund_issued(self, event: RefundIssuedEvent) -> None:
        if event.telegram_user_id is None:
            return
        user = event.telegram_user_id
        locale = await self.locale_of(user)
        values = self._refund_values(locale, event.amount)
        key = "notice.refund_issued" if event.return_no else "notice.refund_issued_order"
        text = self.replies.text(
            key,
            locale,
            refund_no=event.refund_no,
            return_no=event.return_no or "",
            order_no=event.order_no,
            **values,
        )
        await self.tell(user, text, event.refund_no)

    async def on_exchange_received(self, event: ExchangeReceivedEvent) -> None:
        if event.telegram_user_id is None:
            return
        user = event.telegram_user_id
        locale = await self.locale_of(user)
        text = self.replies.text(
            "notice.exchange_received", locale, rma_no=event.rma_no, order_no=event.order_no
        )
        await self.tell(user, text, event.rma_no)

    async def on_exchange_shipped(self, event: ExchangeShippedEvent) -> None:
        if event.telegram_user_id is None:
            return
        user = event.telegram_user_id
        locale = await self.locale_of(user)
        text = self.replies.text(
            "notice.exchange_shipped",
            locale,
            rma_no=event.rma_no,
            order_no=event.order_no,
            courier=self.replies.text(f"notice.courier.{event.courier}", locale),
            tracking_no=event.tracking_no,
        )
        await self.tell(user, text, event.rma_no)

    # ── helpers ──────────────────────────────────────────────────────────────────────────

    def _refund_values(self, locale: str, amount: Any) -> dict[str, str]:
        refund = self.replies.policy.returns.refund
        return {
            "amount": self.replies.format_money(amount, locale),
            "process": str(refund.process_days),
            "arrival": str(refund.arrival_days),
        }

    async def locale_of(self, user_id: int) -> str:
        """Her chat's language, read from the chat memory without writing it (a private
        chat's id is her user id)."""
        assert self.bot is not None
        key = StorageKey(
            bot_id=self.bot.id, chat_id=user_id, user_id=user_id, destiny=MEMORY_DESTINY
        )
        memory: ChatMemory | None
        if isinstance(self.storage, ExpiringMemoryStorage):
            kept = self.storage.kept(key)  # (never makes a record for a chat it doesn't hold)
            memory = kept if isinstance(kept, ChatMemory) else None
        else:
            memory = ChatMemory.from_stored(await self.storage.get_data(key))
        default = self.settings.default_locale
        if memory is None:
            return default
        return memory.locale or memory.written_locale or memory.app_locale or default

    async def tell(self, user_id: int, text: Html, record: str) -> bool:
        """Send the notice; False when there is nobody to tell."""
        assert self.bot is not None
        try:
            await self.bot.send_message(user_id, text)
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            # she blocked the bot, or there is no such chat: nobody to tell (the record
            # stands; she hears it when she asks)
            logger.info("notice of %s not delivered: %s", record, type(exc).__name__)
            return False
        logger.info("notice of %s sent", record)
        return True

    async def note_refusal(self, user_id: int, return_no: str, text: str) -> None:
        """Her parcel's refusal in her chat memory (``ChatMemory.check_refused``) and its
        words in her transcript (the ticket of her dispute shows what she was told), under the
        chat's lock (the one her updates take: aiogram's FSM key of a private chat)."""
        assert self.bot is not None
        chat = StorageKey(bot_id=self.bot.id, chat_id=user_id, user_id=user_id)
        async with self.isolation.lock(chat):
            memory = await ChatMemory.load(self.storage, replace(chat, destiny=MEMORY_DESTINY))
            memory.check_refused = (memory.turns, return_no)
            memory.record("bot", text, self.settings.transcript_lines)
            await memory.save()


def install_notices(
    dp: Dispatcher, settings: BotSettings, *, replies: Replies, storage: BaseStorage
) -> Notices:
    """Start and stop the notices consumer with the dispatcher (``dp["notices"]``)."""
    notices = Notices(settings, replies, storage, dp.fsm.events_isolation)
    notices.install(dp, "notices")
    return notices
