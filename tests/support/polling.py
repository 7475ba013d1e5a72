"""Waiting for something another process does (a worker storing an event, a queue filling):
there is no event to await across processes, so the test polls, bounded."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(check: Callable[[], Awaitable[T]], within: float = 10.0) -> T:
    """``await check()`` until it returns something true (returned); TimeoutError after
    ``within`` seconds."""
    async with asyncio.timeout(within):
        while not (result := await check()):  # noqa: ASYNC110 (another process changes it)
            await asyncio.sleep(0.05)
    return result
