"""Every exchange and queue Kefu uses, declared in one place.

```
{p}.rpc      direct   ─ query methods ──► {p}.queries   (classic, auto-delete: no worker, no queue)
                      └ command methods ► {p}.commands  (durable; classic or quorum)
{p}.dlx      direct   ─ "{p}.queries" ──► {p}.queries.dead
                      └ "{p}.commands" ─► {p}.commands.dead
                      └ "{p}.updates" ──► {p}.updates.dead
{p}.retry    fanout   ─► {p}.commands.retry (durable; each message expires after the worker's
                         retry delay and is dead-lettered back to {p}.rpc with its method as
                         routing key: a command whose database was unavailable, tried again)
{p}.events   topic    ─ exchange.created, order.address_changed, ticket.opened … (listeners bind)
                      ├ ticket.opened ─► {p}.desk.tickets (durable: the bot processes' desk
                      │                   consumers compete for it; dead letters to
                      │                   {p}.desk.tickets.dead through {p}.dlx)
                      ├ ticket.staff_replied ─► {p}.tickets.staff_replies (durable: the bot
                      │                   processes of a shop without the desk compete for it
                      │                   and send the staff's answer to the customer)
                      ├ return.received, refund.issued, exchange.received, exchange.shipped
                      │                ─► {p}.notices (durable: the bot processes compete for it
                      │                   and tell the customer in her chat; dead letters to
                      │                   {p}.notices.dead)
                      └ conversation.*, process.*, ticket.taken ─► {p}.ops.events (the workers
                                          compete for it and store turns, ratings and
                                          heartbeats; dead letters to {p}.ops.events.dead)
{p}.ops.alerts        (single active consumer: of the bots' alert loops exactly one evaluates)
{p}.ops.alert-state   (at most one message: the open incidents, for whichever loop is active)
{p}.updates  direct   ─ "0" … "N-1" ──► {p}.updates.0 … {p}.updates.{N-1} (durable, single
                                         active consumer; classic or quorum)
```

Queries live in an auto-delete queue on purpose: when no worker consumes, the queue is gone,
the mandatory request comes straight back and the caller learns "unavailable" at once
instead of waiting out its deadline. Commands wait in a durable queue for a worker.

Telegram updates (webhook mode, ``python -m bot.ingress``) go to one of N partition queues by
their chat (``partition_of``). Every bot process consumes every partition, but the broker
delivers each queue to one of them at a time (single active consumer): a chat's updates are
handled one at a time and in order, and when that process dies the broker hands the queue,
with what it had not acked, to another. ``{p}`` is ``BusSettings.prefix`` ("kefu"); tests use
a unique prefix each.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import aio_pika
from aio_pika.abc import AbstractChannel, AbstractExchange, AbstractQueue
from pamqp.common import FieldValue

from bus.contracts import CUSTOMER_NOTICES, REQUESTS

OPS_ROUTING_KEYS = ("conversation.*", "process.*", "ticket.taken")
"""What the workers' ops queue takes from the events exchange (``ticket.taken``: the handoff
wait, for the worker's metrics)."""


NOTICE_ROUTING_KEYS = tuple(event.ROUTING_KEY for event in CUSTOMER_NOTICES)
"""What the bots' notices queue takes: the after-sales steps the customer is told of."""


@dataclass(frozen=True)
class Topology:
    prefix: str = "kefu"
    queue_type: str = "classic"
    partitions: int = 16
    """How many partition queues Telegram updates are spread over (KEFU_UPDATE_PARTITIONS):
    the ingress and every bot process must agree; more partitions than bot processes, so that
    each process gets several."""

    @property
    def rpc_exchange(self) -> str:
        return f"{self.prefix}.rpc"

    @property
    def events_exchange(self) -> str:
        return f"{self.prefix}.events"

    @property
    def dead_letter_exchange(self) -> str:
        return f"{self.prefix}.dlx"

    @property
    def retry_exchange(self) -> str:
        return f"{self.prefix}.retry"

    @property
    def retry_queue(self) -> str:
        """Commands waiting to be tried again (their database was unavailable)."""
        return f"{self.prefix}.commands.retry"

    @property
    def queries_queue(self) -> str:
        return f"{self.prefix}.queries"

    @property
    def commands_queue(self) -> str:
        return f"{self.prefix}.commands"

    @property
    def desk_queue(self) -> str:
        """Where the agents' desk takes new tickets from (to open their forum topics)."""
        return f"{self.prefix}.desk.tickets"

    @property
    def staff_replies_queue(self) -> str:
        """Where the bots of a shop without the desk take the staff's answers to tickets from
        (``kefu tickets reply``), to send them into the customers' chats."""
        return f"{self.prefix}.tickets.staff_replies"

    @property
    def notices_queue(self) -> str:
        """Where the bots take the worker's after-sales events from, to tell the customer in
        her chat (``bot/notices.py``)."""
        return f"{self.prefix}.notices"

    def dead_letter_queue(self, source_queue: str) -> str:
        return f"{source_queue}.dead"

    @property
    def updates_exchange(self) -> str:
        return f"{self.prefix}.updates"

    def update_queue(self, partition: int) -> str:
        return f"{self.prefix}.updates.{partition}"

    @property
    def update_queues(self) -> tuple[str, ...]:
        return tuple(self.update_queue(n) for n in range(self.partitions))

    @property
    def updates_dead_letters(self) -> str:
        return self.dead_letter_queue(self.updates_exchange)

    def partition_of(self, chat_id: int) -> int:
        """The partition of a chat's updates: the same for every process, spread evenly."""
        return zlib.crc32(str(chat_id).encode()) % self.partitions

    @property
    def ops_queue(self) -> str:
        """Where the workers take turns, ratings and heartbeats from (to store them)."""
        return f"{self.prefix}.ops.events"

    @property
    def alerts_queue(self) -> str:
        """The bots' alert loops' ticks; single active consumer (``bot/ops/alerts.py``)."""
        return f"{self.prefix}.ops.alerts"

    @property
    def alert_state_queue(self) -> str:
        """The open incidents, as one retained message (``bot/ops/alerts.py``)."""
        return f"{self.prefix}.ops.alert-state"

    @property
    def queues(self) -> tuple[str, ...]:
        """The queues ``kefu status`` watches (work queues first, then their dead letters)."""
        return (
            self.queries_queue,
            self.commands_queue,
            self.desk_queue,
            self.ops_queue,
            self.staff_replies_queue,
            self.notices_queue,
            self.dead_letter_queue(self.queries_queue),
            self.dead_letter_queue(self.commands_queue),
            self.dead_letter_queue(self.desk_queue),
            self.dead_letter_queue(self.ops_queue),
            self.dead_letter_queue(self.staff_replies_queue),
            self.dead_letter_queue(self.notices_queue),
            self.retry_queue,
            *self.update_queues,
            self.updates_dead_letters,
        )

    async def declare_exchanges(
        self, channel: AbstractChannel
    ) -> tuple[AbstractExchange, AbstractExchange, AbstractExchange]:
        """The exchanges and the dead-letter queues: safe for any side to call."""
        rpc = await channel.declare_exchange(
            self.rpc_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        events = await channel.declare_exchange(
            self.events_exchange, aio_pika.ExchangeType.TOPIC, durable=True
        )
        dlx = await channel.declare_exchange(
            self.dead_letter_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        for source in (self.queries_queue, self.commands_queue):
            dead = await channel.declare_queue(
                self.dead_letter_queue(source),
                durable=True,
                arguments={"x-queue-type": self.queue_type},
            )
            await dead.bind(dlx, routing_key=source)
        return rpc, events, dlx

    async def declare_queries(self, channel: AbstractChannel) -> AbstractQueue:
        rpc, _, _ = await self.declare_exchanges(channel)
        queue = await channel.declare_queue(
            self.queries_queue,
            durable=False,
            auto_delete=True,
            arguments={
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.queries_queue,
            },
        )
        for request in REQUESTS:
            if request.KIND == "query":
                await queue.bind(rpc, routing_key=request.METHOD)
        return queue

    async def declare_commands(self, channel: AbstractChannel) -> AbstractQueue:
        rpc, _, _ = await self.declare_exchanges(channel)
        arguments: dict[str, FieldValue] = {
            "x-queue-type": self.queue_type,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": self.commands_queue,
        }
        if self.queue_type == "quorum":
            # The broker itself dead-letters a command redelivered this often (a poison
            # message that crashes workers before they can ack or reject it).
            arguments["x-delivery-limit"] = 5
        queue = await channel.declare_queue(self.commands_queue, durable=True, arguments=arguments)
        for request in REQUESTS:
            if request.KIND == "command":
                await queue.bind(rpc, routing_key=request.METHOD)
        return queue

    async def declare_retries(self, channel: AbstractChannel) -> AbstractExchange:
        """The retry exchange and queue: what is published there (with a per-message
        ``expiration``) comes back to the rpc exchange under its own routing key."""
        retry = await channel.declare_exchange(
            self.retry_exchange, aio_pika.ExchangeType.FANOUT, durable=True
        )
        arguments: dict[str, FieldValue] = {
            "x-queue-type": self.queue_type,
            "x-dead-letter-exchange": self.rpc_exchange,
        }
        if self.queue_type == "quorum":
            # Dead-lettered back at least once (never lost between the two queues).
            arguments["x-dead-letter-strategy"] = "at-least-once"
            arguments["x-overflow"] = "reject-publish"
        queue = await channel.declare_queue(self.retry_queue, durable=True, arguments=arguments)
        await queue.bind(retry)
        return retry

    async def declare_updates(self, channel: AbstractChannel) -> AbstractExchange:
        """The updates exchange, its partition queues and their dead-letter queue."""
        _, _, dlx = await self.declare_exchanges(channel)
        dead = await channel.declare_queue(
            self.updates_dead_letters, durable=True, arguments={"x-queue-type": self.queue_type}
        )
        await dead.bind(dlx, routing_key=self.updates_exchange)
        updates = await channel.declare_exchange(
            self.updates_exchange, aio_pika.ExchangeType.DIRECT, durable=True
        )
        arguments: dict[str, FieldValue] = {
            "x-queue-type": self.queue_type,
            "x-single-active-consumer": True,
            "x-dead-letter-exchange": self.dead_letter_exchange,
            "x-dead-letter-routing-key": self.updates_exchange,
        }
        if self.queue_type == "quorum":
            # An update that takes its bot process down every time stops after five tries.
            arguments["x-delivery-limit"] = 5
        for partition in range(self.partitions):
            queue = await channel.declare_queue(
                self.update_queue(partition), durable=True, arguments=arguments
            )
            await queue.bind(updates, routing_key=str(partition))
        return updates

    async def declare_desk(
        self, channel: AbstractChannel, routing_keys: tuple[str, ...] = ("ticket.opened",)
    ) -> AbstractQueue:
        """The desk's durable queue on the events exchange, with its dead-letter queue."""
        _, events, dlx = await self.declare_exchanges(channel)
        dead = await channel.declare_queue(
            self.dead_letter_queue(self.desk_queue),
            durable=True,
            arguments={"x-queue-type": self.queue_type},
        )
        await dead.bind(dlx, routing_key=self.desk_queue)
        queue = await channel.declare_queue(
            self.desk_queue,
            durable=True,
            arguments={
                "x-queue-type": self.queue_type,
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.desk_queue,
                # The desk's sweep finds a ticket without a topic anyway; a day-old event
                # (a desk switched off) is dead-lettered, not kept for ever.
                "x-message-ttl": 86_400_000,
            },
        )
        for routing_key in routing_keys:
            await queue.bind(events, routing_key=routing_key)
        return queue

    async def declare_staff_replies(self, channel: AbstractChannel) -> AbstractQueue:
        """The staff's answers to tickets for the bots of a shop without the desk (durable:
        an answer given while every bot is down waits for one), with its dead-letter queue."""
        _, events, dlx = await self.declare_exchanges(channel)
        dead = await channel.declare_queue(
            self.dead_letter_queue(self.staff_replies_queue),
            durable=True,
            arguments={"x-queue-type": self.queue_type},
        )
        await dead.bind(dlx, routing_key=self.staff_replies_queue)
        queue = await channel.declare_queue(
            self.staff_replies_queue,
            durable=True,
            arguments={
                "x-queue-type": self.queue_type,
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.staff_replies_queue,
            },
        )
        await queue.bind(events, routing_key="ticket.staff_replied")
        return queue

    async def declare_notices(
        self, channel: AbstractChannel, routing_keys: tuple[str, ...] = NOTICE_ROUTING_KEYS
    ) -> AbstractQueue:
        """The bots' durable queue of the events a customer is told of, with its dead letters."""
        _, events, dlx = await self.declare_exchanges(channel)
        dead = await channel.declare_queue(
            self.dead_letter_queue(self.notices_queue),
            durable=True,
            arguments={"x-queue-type": self.queue_type},
        )
        await dead.bind(dlx, routing_key=self.notices_queue)
        queue = await channel.declare_queue(
            self.notices_queue,
            durable=True,
            arguments={
                "x-queue-type": self.queue_type,
                "x-dead-letter-exchange": self.dead_letter_exchange,
                "x-dead-letter-routing-key": self.notices_queue,
                # a notice nobody could send for a day (no bot running) is a dead letter to
                # look at, not news to send her late
                "x-message-ttl": 86_400_000,
            },
        )
        for routing_key in routing_keys:
            await queue.bind(events, routing_key=routing_key)
        return queue

    async def declare_ops_events(
        self,
        channel: AbstractChannel,
        routing_keys: tuple[str, ...] = OPS_ROUTING_KEYS,
    ) -> AbstractQueue:
        """The workers' durable queue of turns, ratings and heartbeats, with its dead letters.

        Heartbeats expire on their own (their ``expiration``), so a long outage of every
        worker leaves turns waiting, not a pile of stale heartbeats."""
        _, events, dlx = await self.declare_exchanges(channel)
        dead = await channel.declare_queue(
            self.dead_letter_queue(self.ops_queue),
            durable=True,
            arguments={"x-queue-type": self.queue_type},
        )
        await dead.bind(dlx, routing_key=self.ops_queue)
        # No queue-level dead-lettering: a heartbeat that expired while no worker ran is
        # dropped, not a dead letter (the consumer parks bad events itself, with a reason).
        queue = await channel.declare_queue(
            self.ops_queue, durable=True, arguments={"x-queue-type": self.queue_type}
        )
        for routing_key in routing_keys:
            await queue.bind(events, routing_key=routing_key)
        return queue

    async def declare_alerts(self, channel: AbstractChannel) -> tuple[AbstractQueue, AbstractQueue]:
        """The alert loops' tick queue (single active consumer: whichever bot process the
        broker picks evaluates and posts; another takes over when it goes) and the retained
        incident state (one message; a newer one pushes the older out)."""
        ticks = await channel.declare_queue(
            self.alerts_queue,
            durable=False,
            auto_delete=True,
            arguments={"x-single-active-consumer": True, "x-max-length": 100},
        )
        state = await channel.declare_queue(
            self.alert_state_queue,
            durable=True,
            arguments={"x-max-length": 1, "x-queue-type": "classic"},
        )
        return ticks, state

    async def delete(self, channel: AbstractChannel) -> None:
        """Remove everything (tests, and `kefu broker reset` on a dev machine)."""
        for queue in (*self.queues, self.alerts_queue, self.alert_state_queue):
            await channel.queue_delete(queue)
        for exchange in (
            self.rpc_exchange,
            self.events_exchange,
            self.dead_letter_exchange,
            self.retry_exchange,
            self.updates_exchange,
        ):
            await channel.exchange_delete(exchange)
