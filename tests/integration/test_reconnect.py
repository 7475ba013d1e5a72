"""Connections dropped by the broker: the worker and the client reconnect by themselves."""

import asyncio
from urllib.parse import quote

import aiohttp
import pytest

from bus.contracts import LookupOrder, OrderFound
from bus.errors import BusError

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def close_connections(management_api, name_prefix: str) -> int:
    base, auth = management_api
    closed = 0
    async with aiohttp.ClientSession(headers=auth) as http:
        for _ in range(100):  # the management API lists new connections after a moment
            async with http.get(f"{base}/connections") as response:
                connections = await response.json()
            ours = [
                c
                for c in connections
                if c.get("client_properties", {}).get("connection_name", "").startswith(name_prefix)
            ]
            if ours:
                break
            await asyncio.sleep(0.1)
        for connection in ours:
            async with http.delete(
                f"{base}/connections/{quote(connection['name'], safe='')}",
                headers={"X-Reason": "test: connection dropped"},
            ) as response:
                assert response.status in (204, 404)
                closed += 1
    return closed


async def call_until_answered(shop, order, within: float = 30.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    failures = 0
    while True:
        try:
            return await shop.rpc.call(
                LookupOrder(
                    order_no=order.order_no, telegram_user_id=3, phone_last4=order.phone[-4:]
                ),
                deadline=2,
            ), failures
        except BusError:
            failures += 1
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.2)


async def test_worker_and_client_recover_from_dropped_connections(shop, make_order, management_api):
    order = await make_order()
    prefix = shop.worker.topology.prefix
    assert isinstance((await call_until_answered(shop, order))[0], OrderFound)

    assert await close_connections(management_api, f"kefu-worker:{prefix}") == 1
    reply, _ = await call_until_answered(shop, order)
    assert isinstance(reply, OrderFound)

    assert await close_connections(management_api, f"kefu-rpc:{prefix}") == 1
    reply, _ = await call_until_answered(shop, order)
    assert isinstance(reply, OrderFound)
