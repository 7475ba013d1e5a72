"""Private RabbitMQ nodes on this machine, started with scripts/broker.sh under a temporary
folder with names and ports of their own (never the shared broker on 5672): a three-node
cluster for the quorum-queue tests, or a single node a test may stop and start again."""

from __future__ import annotations

import asyncio
import base64
import os
import signal
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from tests.support.processes import ROOT

BROKER_SH = ROOT / "scripts" / "broker.sh"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Node:
    name: str
    amqp_port: int
    mgmt_port: int
    prom_port: int
    dist_port: int
    base: Path

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.mgmt_port}/api"

    def env(self) -> dict[str, str]:
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("KEFU_", "RABBITMQ_"))
        }
        env.update(
            KEFU_NODENAME=self.name,
            KEFU_AMQP_PORT=str(self.amqp_port),
            KEFU_MGMT_PORT=str(self.mgmt_port),
            KEFU_PROM_PORT=str(self.prom_port),
            KEFU_DIST_PORT=str(self.dist_port),
            KEFU_BROKER_BASE=str(self.base),
        )
        return env

    async def run(self, *args: str, limit: float = 180) -> str:
        process = await asyncio.create_subprocess_exec(
            "bash",
            str(BROKER_SH),
            *args,
            env=self.env(),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        output, _ = await asyncio.wait_for(process.communicate(), limit)
        text = output.decode(errors="replace")
        if process.returncode != 0:
            raise RuntimeError(f"broker.sh {' '.join(args)} for {self.name} failed:\n{text}")
        return text

    async def start(self) -> None:
        await self.run("start")

    async def stop(self) -> None:
        await self.run("stop")

    @property
    def pid_file(self) -> Path:
        return self.base / self.name.split("@")[0] / "rabbitmq.pid"

    async def kill(self) -> None:
        """kill -9 the node's Erlang VM (a machine lost, not a clean shutdown), and wait until
        it is gone."""
        pid = int(self.pid_file.read_text().strip())
        os.kill(pid, signal.SIGKILL)
        async with asyncio.timeout(30):
            while True:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                await asyncio.sleep(0.05)

    async def get(self, path: str) -> object:
        token = base64.b64encode(b"guest:guest").decode()
        async with (
            aiohttp.ClientSession(headers={"Authorization": f"Basic {token}"}) as http,
            http.get(f"{self.api}{path}") as response,
        ):
            response.raise_for_status()
            return await response.json()


def make_nodes(base: Path, count: int) -> list[Node]:
    run = uuid.uuid4().hex[:6]
    return [
        Node(
            name=f"kefu-{run}-{n}@localhost",
            amqp_port=free_port(),
            mgmt_port=free_port(),
            prom_port=free_port(),
            dist_port=free_port(),
            base=base,
        )
        for n in range(1, count + 1)
    ]


async def start_cluster(base: Path, count: int = 3) -> list[Node]:
    """``count`` nodes started side by side, the others joined to the first."""
    nodes = make_nodes(base, count)
    try:
        await asyncio.gather(*(node.start() for node in nodes))
        for node in nodes[1:]:
            await node.run("join", nodes[0].name)
    except BaseException:
        await stop_nodes(nodes)
        raise
    return nodes


async def stop_nodes(nodes: list[Node]) -> None:
    await asyncio.gather(*(node.stop() for node in nodes), return_exceptions=True)
