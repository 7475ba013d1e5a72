"""Wiring: the database, the shop service and the RPC server, started and stopped as one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING

from aio_pika.abc import AbstractRobustConnection

from bus import contracts as c
from bus.events import EventConsumer
from bus.heartbeat import Heartbeat
from bus.protocol import Handlers
from bus.rpc import RpcServer
from shop.policy import load_policy
from worker.aftersales import AfterSales
from worker.db.migrate import upgrade
from worker.db.session import Database, unavailable
from worker.ops import OpsRecorder
from worker.order_changes import OrderChanges
from worker.order_notes import OrderNotes
from worker.returns import Returns
from worker.service import ShopService
from worker.settings import WorkerSettings
from worker.tickets import TicketDesk

if TYPE_CHECKING:
    from worker.seed import ShopTiming

logger = logging.getLogger(__name__)


class Worker:
    def __init__(self, settings: WorkerSettings) -> None:
        self.settings = settings
        # The same file the bot quotes (KEFU_SHOP_POLICY): the worker enforces what it says.
        self.policy = load_policy(settings.shop_policy)
        self.db = Database(settings.database_url, busy_timeout=settings.sqlite_busy_timeout_s)
        self.topology = settings.bus.topology
        self.service = ShopService(self.db, settings, self.policy, publish=self._publish)
        self.returns = Returns(self.service)
        self.after_sales = AfterSales(self.service)
        self.changes = OrderChanges(self.service)
        self.notes = OrderNotes(self.service)
        self.tickets = TicketDesk(self.service)
        self.ops = OpsRecorder(self.db)
        # Checked now, not at the first request: every method served, each by its handler.
        self.handlers = Handlers(self.routes(), complete=True)
        self._connection: AbstractRobustConnection | None = None
        self._server: RpcServer | None = None
        self._ops_events: EventConsumer | None = None
        self.heartbeat: Heartbeat | None = None

    def routes(self) -> list[c.Route]:
        """Every bus method the worker serves, with its handler."""
        return [
            *self.service.routes(),
            *self.returns.routes(),
            *self.after_sales.routes(),
            *self.changes.routes(),
            *self.notes.routes(),
            *self.tickets.routes(),
            *self.ops.routes(),
        ]

    async def migrate(self) -> None:
        await upgrade(self.db)

    async def start(self) -> None:
        await self.migrate()
        await self.service.catalogue(force=True)  # loaded before the first question
        self._connection = await self.settings.bus.broker.connect(
            f"kefu-worker:{self.topology.prefix}"
        )
        self._server = RpcServer(
            self._connection,
            self.handlers,
            topology=self.topology,
            prefetch=self.settings.prefetch,
            max_body=self.settings.bus.max_message_bytes,
            unavailable=unavailable,
            retry_delay=self.settings.retry_delay_s,
            retry_for=self.settings.retry_for_s,
        )
        await self._server.start()
        # Turns, ratings and heartbeats off the events exchange (workers compete for them).
        self._ops_events = EventConsumer(
            self.settings.bus.broker,
            self.topology,
            self.topology.ops_queue,
            self.ops.event_handlers(),
            declare=self.topology.declare_ops_events,
            prefetch=64,
            name="worker-ops",
            max_body=self.settings.bus.max_message_bytes,
        )
        self._ops_events.start()
        # The broker is there (the server just started on it): from here on, no turn
        # published is lost for want of the queue.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(10):
                await self._ops_events.ready.wait()
        self.heartbeat = Heartbeat(
            "worker",
            self._publish_heartbeat,
            interval=self.settings.bus.heartbeat_s,
            stats=self._stats,
        )
        self.heartbeat.start()

    def _stats(self) -> c.ProcessStats:
        served = self._server.stats if self._server is not None else None
        return c.ProcessStats(
            requests=served.calls if served else 0,
            request_errors=served.failed if served else 0,
        )

    async def _publish_heartbeat(self, beat: c.ProcessHeartbeat) -> None:
        """Publish this worker's heartbeat, and refresh the ticket gauges with it."""
        if self._server is not None:
            await self._server.publish_event(beat, expiration=3 * beat.interval_s)
        try:
            await self.ops.update_gauges()
        except Exception as exc:  # the database is briefly away: the next beat tries again
            logger.warning("ticket gauges not updated: %s", type(exc).__name__)

    @property
    def timing(self) -> ShopTiming:
        """The policy's figures the demo shop is laid out by."""
        from worker.seed import ShopTiming

        return ShopTiming.from_policy(self.policy)

    async def seed_demo(self) -> bool:
        """Seed the demo shop if the database has no products; True when it seeded."""
        from worker.seed import seed_demo

        await self.migrate()
        return await seed_demo(self.db, timing=self.timing)

    async def _publish(self, event: c.Event) -> None:
        if self._server is None:
            return
        try:
            await self._server.publish_event(event)
        except Exception:
            # The change is committed; a lost event is logged, never a failed command.
            logger.exception("could not publish %s", event.ROUTING_KEY)

    async def stop(self) -> None:
        if self.heartbeat is not None:
            await self.heartbeat.stop()
            self.heartbeat = None
        if self._ops_events is not None:
            await self._ops_events.stop()
            self._ops_events = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
        await self.db.dispose()


def create_worker(settings: WorkerSettings) -> Worker:
    return Worker(settings)
