"""``bus.amqp.publish_mandatory`` on the real broker: the one confirmed, mandatory publish the
bus client and the webhook ingress share — taken, returned (no queue), refused (nacked)."""

import aio_pika
import pytest

from bus import amqp


def _properties(message_id: str) -> amqp.Properties:
    return amqp.Properties(content_type="application/json", delivery_mode=2, message_id=message_id)


async def test_taken_returned_and_refused(amqp_connection, unique_name):
    channel = await amqp_connection.channel(publisher_confirms=True, on_return_raises=True)
    try:
        exchange = await channel.declare_exchange(
            unique_name, aio_pika.ExchangeType.DIRECT, auto_delete=True
        )
        # One message at most, and the broker nacks the next rather than dropping the oldest.
        queue = await channel.declare_queue(
            unique_name,
            auto_delete=True,
            arguments={"x-max-length": 1, "x-overflow": "reject-publish"},
        )
        await queue.bind(exchange, routing_key="0")

        await amqp.publish_mandatory(
            channel, b'{"n": 1}', exchange=unique_name, routing_key="0", properties=_properties("1")
        )
        with pytest.raises(amqp.Unroutable):
            await amqp.publish_mandatory(
                channel, b"{}", exchange=unique_name, routing_key="9", properties=_properties("2")
            )
        with pytest.raises(amqp.Refused):
            await amqp.publish_mandatory(
                channel, b"{}", exchange=unique_name, routing_key="0", properties=_properties("3")
            )
        # The channel is still usable after both, and only the first one is in the queue.
        assert not channel.is_closed
        first = await queue.get(timeout=5, fail=True)
        await first.ack()
        assert first.body == b'{"n": 1}' and first.message_id == "1"
        assert await queue.get(fail=False) is None
        await amqp.publish_mandatory(
            channel, b'{"n": 4}', exchange=unique_name, routing_key="0", properties=_properties("4")
        )
        fourth = await queue.get(timeout=5, fail=True)
        await fourth.ack()
        assert fourth.message_id == "4"
        await queue.delete(if_unused=False, if_empty=False)
    finally:
        await channel.close()
