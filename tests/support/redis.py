"""A private redis-server for a test module (loopback, a free port, no persistence)."""

from __future__ import annotations

import asyncio
import shutil
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def private_redis(directory: Path) -> AsyncIterator[str]:
    """Start redis-server, yield its URL, stop it."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is not installed (bash scripts/redis.sh start installs it)")
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
        "--dir", str(directory),
        stdout=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    import redis.asyncio as redis

    client = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(200):
            try:
                if await client.ping():
                    break
            except redis.ConnectionError:
                await asyncio.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer")
    finally:
        await client.aclose()
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        await process.wait()
