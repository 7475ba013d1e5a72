"""Process heartbeats: every bot and worker process says it is alive on the events exchange.

``process.heartbeat`` every ``KEFU_HEARTBEAT_S`` seconds (15 by default) with the process's
counters since it started; one with ``stopping`` when it shuts down cleanly. The workers store
the last one per process (``worker/ops.py``), so ``kefu status`` and the ops chat can tell a
process that stopped from one that died (silent for three intervals without a goodbye).

A heartbeat expires in the broker after three intervals: one nobody stored in time says nothing
about now.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from bus.contracts import ProcessHeartbeat, ProcessStats
from bus.contracts.ops import ProcessRole

logger = logging.getLogger(__name__)

Publish = Callable[[ProcessHeartbeat], Awaitable[None]]


def process_id(role: ProcessRole) -> str:
    """``bot:host-1234-ab12``: the host and pid an engineer looks for, and a random part so
    that a restarted process (same pid in a new container) is a new one."""
    host = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in socket.gethostname())
    return f"{role}:{host[:60]}-{os.getpid()}-{uuid.uuid4().hex[:4]}"


class Heartbeat:
    def __init__(
        self,
        role: ProcessRole,
        publish: Publish,
        *,
        interval: float,
        stats: Callable[[], ProcessStats] = ProcessStats,
    ) -> None:
        self.role = role
        self.process_id = process_id(role)
        self.interval = interval
        self.started_at = datetime.now(UTC)
        self._publish = publish
        self._stats = stats
        self._task: asyncio.Task[None] | None = None
        self.sent = 0

    def beat(self, *, stopping: bool = False) -> ProcessHeartbeat:
        return ProcessHeartbeat(
            occurred_at=datetime.now(UTC),
            process_id=self.process_id,
            role=self.role,
            host=socket.gethostname()[:100],
            pid=os.getpid(),
            started_at=self.started_at,
            interval_s=self.interval,
            stopping=stopping,
            stats=self._stats(),
        )

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"heartbeat-{self.role}")

    async def _run(self) -> None:
        while True:
            await self._send(self.beat())
            await asyncio.sleep(self.interval)

    async def _send(self, beat: ProcessHeartbeat) -> None:
        try:
            await self._publish(beat)
            self.sent += 1
        except Exception as exc:  # the broker is away: the next beat tries again
            logger.debug("heartbeat not sent: %s", type(exc).__name__)

    async def stop(self) -> None:
        """Stop beating and say goodbye (so the process shows as stopped, not missing)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(2):
                    await self._send(self.beat(stopping=True))
