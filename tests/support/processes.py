"""Kefu's services as real processes (``python -m worker``, ``python -m bot``, ``python -m
bot.ingress``) for fault tests and the load benchmark: started with their own environment and
log file, stopped gracefully or killed with SIGKILL."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Service:
    name: str
    process: asyncio.subprocess.Process
    log: Path
    _file: IO[str] = field(repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.returncode is None

    def tail(self, chars: int = 4000) -> str:
        self._file.flush()
        return self.log.read_text(errors="replace")[-chars:]

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is acked or flushed."""
        if self.alive:
            os.kill(self.pid, signal.SIGKILL)

    async def stop(self, grace: float = 20.0) -> int:
        if self.alive:
            self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), grace)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        self._file.close()
        assert self.process.returncode is not None
        return self.process.returncode


def clean_env(**overrides: str) -> dict[str, str]:
    """This environment without Kefu's own settings (a developer's .env stays out too: the
    processes run in ROOT, so every setting they need is given here)."""
    prefixes = ("WORKER_", "KEFU_", "BOT_", "WEBHOOK_", "AMQP_", "REDIS_", "DATABASE_", "AGENTS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env.update(PYTHONUNBUFFERED="1", **overrides)
    return env


async def spawn(
    name: str, argv: Sequence[str], env: Mapping[str, str], directory: Path
) -> Service:
    log = directory / f"{name}.log"
    handle = log.open("w")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *argv,
        cwd=ROOT,
        env=dict(env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=handle,
        stderr=asyncio.subprocess.STDOUT,
    )
    return Service(name, process, log, handle)


async def stop_all(services: Sequence[Service]) -> None:
    with contextlib.suppress(Exception):
        await asyncio.gather(*(s.stop() for s in services if not s._file.closed))
