"""The shared fixtures reach the real broker: AMQP round trip, management API, Prometheus."""

import os
from urllib.parse import quote

import aio_pika
import aiohttp

PROMETHEUS_URL = "http://127.0.0.1:{port}/metrics".format(
    port=os.environ.get("KEFU_PROM_PORT", "15692")
)


async def test_message_round_trip(amqp_connection, unique_name):
    async with amqp_connection.channel() as channel:
        queue = await channel.declare_queue(unique_name, auto_delete=True)
        try:
            body = "我的订单到哪了？".encode()
            await channel.default_exchange.publish(
                aio_pika.Message(body, message_id=unique_name, content_type="text/plain"),
                routing_key=unique_name,
            )
            message = await queue.get(timeout=5, fail=True)
            await message.ack()
            assert message.body == body
            assert message.message_id == unique_name
            assert message.content_type == "text/plain"
            assert await queue.get(fail=False) is None
        finally:
            await queue.delete(if_unused=False, if_empty=False)


async def test_management_api_lists_the_queue(amqp_connection, unique_name, management_api):
    base, auth = management_api
    async with amqp_connection.channel() as channel:
        queue = await channel.declare_queue(unique_name, auto_delete=True)
        try:
            async with aiohttp.ClientSession(headers=auth) as http:
                url = f"{base}/queues/{quote('/', safe='')}/{quote(unique_name, safe='')}"
                async with http.get(url) as response:
                    assert response.status == 200, await response.text()
                    info = await response.json()
                async with http.get(f"{base}/queues") as response:
                    assert response.status == 200
                    names = {q["name"] for q in await response.json()}
        finally:
            await queue.delete(if_unused=False, if_empty=False)
    assert info["name"] == unique_name
    assert info["auto_delete"] is True
    assert unique_name in names


async def test_prometheus_endpoint_answers():
    async with aiohttp.ClientSession() as http, http.get(PROMETHEUS_URL) as response:
        assert response.status == 200
        text = await response.text()
    assert "rabbitmq_build_info" in text or "rabbitmq_identity_info" in text
    assert "rabbitmq_queues" in text
