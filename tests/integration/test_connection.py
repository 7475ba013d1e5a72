"""Several broker nodes in AMQP_URL (bus/connection.py): a connection tries them in turn and,
when its node goes away, moves to the next one that answers and picks up where it was (its
robust channels, queues and consumers restored there)."""

from __future__ import annotations

import asyncio
from uuid import uuid4

import aio_pika
import pytest
from yarl import URL

from bus.connection import Broker
from tests.support.tls import tcp_proxy

pytestmark = pytest.mark.asyncio(loop_scope="session")


def via(amqp_url: str, port: int) -> str:
    return str(URL(amqp_url).with_port(port))


async def test_a_dead_node_in_the_list_is_skipped(amqp_url):
    for urls in ([via(amqp_url, 1), amqp_url], [amqp_url, via(amqp_url, 1)]):
        connection = await Broker(tuple(urls)).connect("test-failover", timeout=5)
        try:
            channel = await connection.channel()
            assert (await channel.declare_queue(exclusive=True)).name
        finally:
            await connection.close()


async def test_when_its_node_goes_the_connection_moves_to_the_next(amqp_url, amqp_connection):
    upstream = URL(amqp_url).port or 5672
    name = f"test.{uuid4().hex}"
    received: list[bytes] = []
    async with tcp_proxy(upstream) as a, tcp_proxy(upstream) as b:
        broker = Broker((via(amqp_url, a.port), via(amqp_url, b.port)))
        connection = await broker.connect("test-failover", reconnect_interval=0.2, timeout=5)
        try:
            channel = await connection.channel()
            queue = await channel.declare_queue(name, auto_delete=True)

            async def on_message(message: aio_pika.abc.AbstractIncomingMessage) -> None:
                received.append(message.body)
                await message.ack()

            await queue.consume(on_message)
            first, second = (a, b) if a.handshakes else (b, a)
            assert (first.handshakes, second.handshakes) == (1, 0)
            assert first.stop is not None
            await first.stop()  # its node is gone: listener closed, connections cut
            async with asyncio.timeout(20):
                while second.handshakes == 0:  # noqa: ASYNC110 (a counter, not an event)
                    await asyncio.sleep(0.05)
                await connection.connected.wait()
            publisher = await amqp_connection.channel()
            async with asyncio.timeout(20):
                while not received:
                    # The consumer comes back with the channel; until then the queue holds it.
                    await publisher.default_exchange.publish(
                        aio_pika.Message(b"after"), routing_key=name
                    )
                    await asyncio.sleep(0.2)
            await publisher.close()
            assert received[0] == b"after"
        finally:
            await connection.close()
