"""The hot path's AMQP operations, one layer below aio-pika.

aio-pika keeps Kefu's connections, channels and topology (robust reconnection, queues and
bindings declared again after a reconnect). Per message, though, its conveniences cost more
than the work of a look-up: measured with py-spy on a worker serving ``orders.lookup``, the
``IncomingMessage`` built for every delivery (and a second task to run the callback in), the
``Message`` built for every reply (its ``__setattr__`` guard) and the wait for the socket
write after each publish and ack took about a fifth of the worker's time, and as much of the
client's. Here messages are consumed as aiormq's ``DeliveredMessage``, published with
pamqp ``Properties`` built directly, and acked without waiting for the write.

``publish_mandatory`` is the one confirmed, mandatory publish (the bus client's requests, the
webhook ingress's updates): it returns once the broker has taken the message and raises
``Unroutable`` (returned: no queue for it) or ``Refused`` (nacked) otherwise.

``Consumer`` registers such a consumer on a robust aio-pika channel and registers it again
whenever the channel is reopened after a reconnect (aio-pika restores only the consumers it
registered itself).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import aiormq
from aio_pika.abc import AbstractChannel, AbstractRobustChannel
from aio_pika.exceptions import AMQPError, DeliveryError, PublishError
from aiormq.abc import DeliveredMessage
from pamqp.commands import Basic

logger = logging.getLogger(__name__)

Delivery = DeliveredMessage
Properties = Basic.Properties
OnDelivery = Callable[[Delivery], Coroutine[Any, Any, None]]

# What can go wrong when the channel a message came on is gone (a reconnect): the broker has
# requeued whatever was not acked, so an ack or a reply that cannot be sent is not an error.
CHANNEL_GONE = (AMQPError, ConnectionError, RuntimeError)


class NotPublished(Exception):
    """The broker did not take a mandatory message (see :func:`publish_mandatory`)."""


class Unroutable(NotPublished):
    """Returned by the broker: no queue is bound for the routing key (nobody serves the
    method, a partition without its queue)."""


class Refused(NotPublished):
    """Nacked by the broker: it could not take the message (a queue over its limits, a
    cluster without a quorum)."""


class Consumer:
    """A consumer of ``queue`` on ``channel`` whose callback gets the raw delivery; registered
    again after every reopen of the (robust) channel. Each delivery runs in its own task, as
    aiormq runs them, so ``prefetch`` deliveries are handled concurrently."""

    def __init__(
        self,
        channel: AbstractChannel,
        queue: str,
        callback: OnDelivery,
        *,
        no_ack: bool = False,
        arguments: dict[str, Any] | None = None,
    ) -> None:
        self.channel = channel
        self.queue = queue
        self.callback = callback
        self.no_ack = no_ack
        self.arguments = arguments
        self.tag: str | None = None
        self._cancelled = False

    async def start(self) -> None:
        await self._register()
        if isinstance(self.channel, AbstractRobustChannel):
            self.channel.reopen_callbacks.add(self._on_reopen)

    async def _register(self) -> None:
        underlay = await self.channel.get_underlay_channel()
        ok = await underlay.basic_consume(
            self.queue, self.callback, no_ack=self.no_ack, arguments=self.arguments
        )
        self.tag = ok.consumer_tag

    async def _on_reopen(self, *_: Any) -> None:
        if self._cancelled:
            return
        try:
            await self._register()
        except CHANNEL_GONE:
            # The connection went again; the next reopen registers it.
            logger.warning("could not consume %s again after a reconnect", self.queue)

    def detach(self) -> None:
        """Never register again (its channel is being closed: the broker drops the consumer
        with the channel, after putting back what it held)."""
        self._cancelled = True
        if isinstance(self.channel, AbstractRobustChannel):
            self.channel.reopen_callbacks.discard(self._on_reopen)

    async def cancel(self) -> None:
        self._cancelled = True
        if isinstance(self.channel, AbstractRobustChannel):
            self.channel.reopen_callbacks.discard(self._on_reopen)
        if self.tag is None:
            return
        with contextlib.suppress(*CHANNEL_GONE):
            underlay = await self.channel.get_underlay_channel()
            await underlay.basic_cancel(self.tag)


async def ack(delivery: Delivery) -> None:
    """Ack without waiting for the socket write (the frame is queued in order)."""
    with contextlib.suppress(*CHANNEL_GONE):
        await delivery.channel.basic_ack(_tag(delivery), wait=False)


async def nack(delivery: Delivery, *, requeue: bool) -> None:
    with contextlib.suppress(*CHANNEL_GONE):
        await delivery.channel.basic_nack(_tag(delivery), requeue=requeue, wait=False)


async def reject(delivery: Delivery, *, requeue: bool) -> None:
    with contextlib.suppress(*CHANNEL_GONE):
        await delivery.channel.basic_reject(_tag(delivery), requeue=requeue, wait=False)


async def publish_reply(
    delivery: Delivery, routing_key: str, body: bytes, properties: Basic.Properties
) -> None:
    """Publish on the channel ``delivery`` came on (where a direct reply-to address is valid),
    unconfirmed, not mandatory, without waiting for the write."""
    channel = delivery.channel
    assert isinstance(channel, aiormq.Channel)
    with contextlib.suppress(*CHANNEL_GONE):
        await channel.basic_publish(
            body, routing_key=routing_key, properties=properties, mandatory=False, wait=False
        )


async def publish_mandatory(
    channel: AbstractChannel,
    body: bytes,
    *,
    exchange: str,
    routing_key: str,
    properties: Basic.Properties,
) -> None:
    """Publish ``mandatory`` on ``channel`` and return once the broker has confirmed it.

    The channel must have been opened with ``publisher_confirms=True, on_return_raises=True``:
    aiormq reports a returned message only through its confirmation. Raises
    :class:`Unroutable` when the broker returned it, :class:`Refused` when it nacked it; a
    channel or connection that went raises what aiormq raises (``CHANNEL_GONE``). Callers put
    their own deadline around it (``asyncio.timeout``).
    """
    underlay = await channel.get_underlay_channel()
    try:
        confirmation = await underlay.basic_publish(
            body,
            exchange=exchange,
            routing_key=routing_key,
            properties=properties,
            mandatory=True,
        )
    except PublishError:  # returned (a DeliveryError too: checked first)
        raise Unroutable(f"no queue for {routing_key!r} on {exchange!r}") from None
    except DeliveryError:  # aiormq raises a nack (or reject) rather than returning it
        raise Refused(f"the broker refused a message for {routing_key!r} on {exchange!r}") from None
    if not isinstance(confirmation, Basic.Ack):  # a frame that is not an ack: the same
        raise Refused(f"the broker refused a message for {routing_key!r} on {exchange!r}")


def _tag(delivery: Delivery) -> int:
    tag = getattr(delivery.delivery, "delivery_tag", None)
    assert isinstance(tag, int), "only consumed deliveries are acked"
    return tag


def redelivered(delivery: Delivery) -> bool:
    return bool(getattr(delivery.delivery, "redelivered", False))
