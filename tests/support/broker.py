"""A private RabbitMQ node for one test (its own node name, ports, data directory and Erlang
cookie), driven through ``scripts/broker.sh``: for tests that stop and start a broker, never
the shared one on 5672."""

from __future__ import annotations

import asyncio
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from tests.support.processes import ROOT
from tests.support.redis import free_port


@dataclass
class PrivateBroker:
    base: Path
    node: str
    amqp_port: int
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:{self.amqp_port}/"

    @classmethod
    def create(cls, directory: Path) -> PrivateBroker:
        node = f"kefutest{uuid.uuid4().hex[:8]}@localhost"
        amqp_port = free_port()
        env = dict(os.environ)
        env.update(
            KEFU_NODENAME=node,
            KEFU_AMQP_PORT=str(amqp_port),
            KEFU_MGMT_PORT=str(free_port()),
            KEFU_PROM_PORT=str(free_port()),
            KEFU_DIST_PORT=str(free_port()),
            KEFU_BROKER_BASE=str(directory),
            KEFU_BROKER_WAIT="90",
        )
        # No plugins: the node starts and stops in a few seconds (the tests need AMQP only).
        node_dir = directory / node.split("@")[0]
        node_dir.mkdir(parents=True, exist_ok=True)
        (node_dir / "enabled_plugins").write_text("[].\n")
        return cls(directory, node, amqp_port, env)

    async def _script(self, command: str) -> None:
        process = await asyncio.create_subprocess_exec(
            "bash", str(ROOT / "scripts" / "broker.sh"), command,
            env=self.env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        output, _ = await asyncio.wait_for(process.communicate(), 120)
        if process.returncode != 0:
            raise RuntimeError(f"broker.sh {command} failed: {output.decode()[-2000:]}")

    async def start(self) -> None:
        await self._script("start")

    async def stop(self) -> None:
        await self._script("stop")
