"""Bot processes consuming the ingress's update partitions (``bot.partitions``) on the real
broker: each chat's updates handled in order, chats side by side, a repeated ``update_id``
handled once, malformed updates dead-lettered, everything acknowledged; two consumers of the
same partitions share them (single active consumer) and hand them over when one goes; with
their members noted in a real Redis, two processes split the partitions between them while
customers talk, each chat still in order; flood control and the handled-update log in a real
Redis hold across processes."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict

import pytest
import pytest_asyncio
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import Update
from prometheus_client import REGISTRY

from bot.flood import RedisFlood
from bot.ingress import Ingress, IngressSettings
from bot.local import LocalCustomer, LocalSession, local_bot
from bot.partitions import (
    MemoryUpdateLog,
    PartitionConsumer,
    RedisMembers,
    RedisUpdateLog,
)
from bus.errors import BusUnavailable
from bus.settings import BusSettings
from tests.support.bot import FailingBus, Harness
from tests.support.redis import private_redis
from tests.support.topology import new_prefix

# kill -9, timeouts and a concurrency bound under load: run with the machine to itself
pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.exclusive]

# Policy questions with an answer each, different from the next one's: a lost, repeated or
# swapped message changes the sequence of answers a chat gets.
QUESTIONS = [
    "你们可以七天无理由退货吗", "发什么快递", "几天能发货", "支持货到付款吗", "有没有优惠券",
]  # fmt: skip
PARTITIONS = 4


def bus_settings(amqp_url: str, prefix: str) -> BusSettings:
    return BusSettings(AMQP_URL=amqp_url, KEFU_BUS_PREFIX=prefix, KEFU_UPDATE_PARTITIONS=PARTITIONS)


@pytest_asyncio.fixture(loop_scope="session")
async def ingress(amqp_url, amqp_connection):
    prefix = new_prefix()
    settings = IngressSettings(
        WEBHOOK_SECRET="s3cret-token-for-tests_0123456789", bus=bus_settings(amqp_url, prefix)
    )
    ingress = Ingress(settings, "s3cret-token-for-tests_0123456789")
    # Never the shared broker's default names: the teardown deletes the whole topology.
    assert ingress.topology.prefix == prefix and ingress.topology.partitions == PARTITIONS
    await ingress.connect(wait=10)
    assert ingress.connected
    yield ingress
    await ingress.close()
    channel = await amqp_connection.channel()
    await ingress.topology.delete(channel)
    await channel.close()


def conversations(chats: int, turns: int, first_user: int) -> dict[int, list[Update]]:
    """Each chat's updates, as Telegram would number them (one sequence across chats)."""
    bot = local_bot(LocalSession())
    customers = [LocalCustomer(bot, first_user + n) for n in range(chats)]
    updates: dict[int, list[Update]] = defaultdict(list)
    update_id = 10_000
    for turn in range(turns):
        for n, customer in enumerate(customers):
            update = customer.says(QUESTIONS[(n + turn) % len(QUESTIONS)])
            update_id += 1
            updates[customer.user.id].append(update.model_copy(update={"update_id": update_id}))
    return updates


async def expected_answers(updates: dict[int, list[Update]]) -> dict[int, list[str]]:
    """What one process handling every chat in order answers (the reference)."""
    harness = Harness(FailingBus(BusUnavailable, "no worker here"))
    for chat_updates in updates.values():
        for update in chat_updates:
            await harness.feed(update)
    return answers_by_chat(harness.session)


def answers_by_chat(session: LocalSession) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for sent in session.sent:
        found[int(sent.chat_id)].append(sent.text)
    return dict(found)


def body(update: Update) -> bytes:
    """The update as Telegram posts it (aiogram keeps its bot beside the fields)."""
    return update.model_dump_json(exclude_none=True, by_alias=True, exclude={"context"}).encode()


async def publish(ingress: Ingress, update: Update | dict, *, chat: int) -> None:
    raw = body(update) if isinstance(update, Update) else json.dumps(update).encode()
    update_id = update.update_id if isinstance(update, Update) else int(update["update_id"])
    assert await ingress.publish(raw, update_id, ingress.topology.partition_of(chat))


async def wait_for(condition, within: float = 30.0) -> None:
    async with asyncio.timeout(within):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


async def counts(amqp_connection, topology) -> tuple[int, int]:
    """Messages left in the partitions, and in their dead letters."""
    channel = await amqp_connection.channel()
    try:
        left = 0
        for name in topology.update_queues:
            left += (await channel.get_queue(name)).declaration_result.message_count or 0
        dead = await channel.get_queue(topology.updates_dead_letters)
        return left, dead.declaration_result.message_count or 0
    finally:
        await channel.close()


async def test_each_chat_in_order_a_repeat_once_and_malformed_updates_dead_lettered(
    ingress, amqp_url, amqp_connection
):
    updates = conversations(chats=24, turns=5, first_user=810_000)
    expected = await expected_answers(updates)
    harness = Harness(FailingBus(BusUnavailable, "no worker here"))
    consumer = PartitionConsumer(
        harness.dp,
        harness.bot,
        bus_settings(amqp_url, ingress.topology.prefix),
        MemoryUpdateLog(600),
        prefetch=16,
    )
    consumer.start()
    await asyncio.wait_for(consumer.ready.wait(), 20)
    try:
        # Published turn by turn (as customers type), each chat's next message before its
        # previous one is answered; a few delivered twice, as Telegram may through the ingress.
        for turn in range(5):
            for chat, chat_updates in updates.items():
                await publish(ingress, chat_updates[turn], chat=chat)
                if turn == 2 and chat % 5 == 0:
                    await publish(ingress, chat_updates[turn], chat=chat)
        await publish(ingress, {"update_id": 1, "message": "not one"}, chat=1)
        assert await ingress.publish(b"{not json", 2, 0)
        total = sum(len(v) for v in expected.values())
        await wait_for(lambda: len(harness.session.sent) >= total and consumer.in_flight == 0)
        await asyncio.sleep(0.3)  # anything more (a repeat handled twice) would show now
        assert answers_by_chat(harness.session) == expected
        await wait_for(lambda: consumer.in_flight == 0)
    finally:
        await consumer.stop()
    assert await counts(amqp_connection, ingress.topology) == (0, 2)


async def test_a_process_handles_at_most_its_concurrency_at_once_and_the_rest_in_turn(
    ingress, amqp_url, amqp_connection
):
    """KEFU_PARTITION_CONCURRENCY: 24 chats' updates taken ahead (prefetch 16 a partition),
    three handled at a time; every chat still answered in order."""
    updates = conversations(chats=24, turns=3, first_user=815_000)
    expected = await expected_answers(updates)
    harness = Harness(FailingBus(BusUnavailable, "no worker here"))
    running, most = 0, 0

    @harness.dp.update.outer_middleware()
    async def count(handler, event, data):  # type: ignore[no-untyped-def]
        nonlocal running, most
        running += 1
        most = max(most, running)
        try:
            await asyncio.sleep(0.01)  # long enough for the others to pile up
            return await handler(event, data)
        finally:
            running -= 1

    consumer = PartitionConsumer(
        harness.dp,
        harness.bot,
        bus_settings(amqp_url, ingress.topology.prefix),
        MemoryUpdateLog(600),
        prefetch=16,
        concurrency=3,
    )
    consumer.start()
    await asyncio.wait_for(consumer.ready.wait(), 20)
    try:
        for turn in range(3):
            for chat, chat_updates in updates.items():
                await publish(ingress, chat_updates[turn], chat=chat)
        total = sum(len(v) for v in expected.values())
        await wait_for(lambda: len(harness.session.sent) >= total and consumer.in_flight == 0)
        assert answers_by_chat(harness.session) == expected
        assert most == 3  # the bound was reached and never passed
        assert consumer.handling == 0
    finally:
        await consumer.stop()
    assert await counts(amqp_connection, ingress.topology) == (0, 0)


async def test_two_consumers_share_the_partitions_and_one_takes_over_from_the_other(
    ingress, amqp_url, amqp_connection
):
    updates = conversations(chats=16, turns=4, first_user=820_000)
    expected = await expected_answers(updates)
    # how many replies the first two turns make (an answer may come with a next step)
    early = await expected_answers({chat: turns[:2] for chat, turns in updates.items()})
    before = sum(len(answers) for answers in early.values())
    after = sum(len(answers) for answers in expected.values()) - before
    bus = bus_settings(amqp_url, ingress.topology.prefix)
    log = MemoryUpdateLog(600)  # shared, as Redis is between processes
    first, second = (Harness(FailingBus(BusUnavailable, "no worker here")) for _ in range(2))
    one = PartitionConsumer(first.dp, first.bot, bus, log, prefetch=4)
    two = PartitionConsumer(second.dp, second.bot, bus, log, prefetch=4)
    one.start()
    await asyncio.wait_for(one.ready.wait(), 20)
    two.start()  # registered second: waiting on every partition
    await asyncio.wait_for(two.ready.wait(), 20)
    try:
        for turn in range(2):
            for chat, chat_updates in updates.items():
                await publish(ingress, chat_updates[turn], chat=chat)
        await wait_for(lambda: len(first.session.sent) == before)
        assert second.session.sent == []  # single active consumer: the first has them all
        await one.stop()  # the partitions move to the second, in order
        for turn in range(2, 4):
            for chat, chat_updates in updates.items():
                await publish(ingress, chat_updates[turn], chat=chat)
        await wait_for(lambda: len(second.session.sent) == after)
        together = answers_by_chat(first.session)
        for chat, answers in answers_by_chat(second.session).items():
            together.setdefault(chat, []).extend(answers)
        assert together == expected
    finally:
        await one.stop()
        await two.stop()
    assert await counts(amqp_connection, ingress.topology) == (0, 0)


@pytest.mark.parametrize("concurrency", [64, 2], ids=["roomy", "two-at-a-time"])
async def test_a_second_process_takes_its_share_while_customers_talk_each_chat_in_order(
    ingress, amqp_url, amqp_connection, tmp_path, concurrency
):
    """(With two at a time, chats wait for a slot when their partition is handed over: the
    hand-over stops them without starting them and leaves their updates to the owner.)"""
    import redis.asyncio as redis

    turns = 8
    updates = conversations(chats=24, turns=turns, first_user=830_000)
    expected = await expected_answers(updates)
    bus = bus_settings(amqp_url, ingress.topology.prefix)
    log = MemoryUpdateLog(600)  # shared, as Redis is between processes
    # One chat memory for both, as Redis is between processes: what a chat was told before a
    # hand-over counts after it (a question asked again is answered briefly).
    shared = MemoryStorage()
    first, second = (
        Harness(FailingBus(BusUnavailable, "no worker here"), storage=shared) for _ in range(2)
    )
    # Both send through one recording session: one list, in the order Telegram got them.
    second_bot = local_bot(first.session)
    beat = 0.2
    # Both processes share this test's event loop: a stall on a busy machine delays both
    # beats alike, and a short memory would judge a live process gone (the split swings).
    # They leave explicitly, so nothing here waits for the memory to run out.
    memory = 15 * beat
    async with private_redis(tmp_path) as url:
        client = redis.Redis.from_url(url)

        def consumer(harness: Harness, bot, name: str) -> PartitionConsumer:
            members = RedisMembers(client, memory, prefix="t", bot_id=1)
            return PartitionConsumer(
                harness.dp, bot, bus, log, prefetch=4, members=members, member_id=name,
                rebalance_every=beat, concurrency=concurrency,
            )  # fmt: skip

        one, two = consumer(first, first.bot, "one"), consumer(second, second_bot, "two")

        async def talk(turns_: range, pause: float) -> None:
            for turn in turns_:
                for chat, chat_updates in updates.items():
                    await publish(ingress, chat_updates[turn], chat=chat)
                await asyncio.sleep(pause)

        def replies() -> int:
            return len(first.session.sent)

        try:
            one.start()
            await asyncio.wait_for(one.ready.wait(), 20)
            await talk(range(2), 0)
            early = await expected_answers({c: u[:2] for c, u in updates.items()})
            await wait_for(lambda: replies() == sum(len(a) for a in early.values()))
            assert two.handled == 0 and one.handled == 2 * len(updates)
            # The second process joins while customers keep talking: the partitions it owns
            # are handed over mid-stream, with updates waiting in them.
            two.start()
            await talk(range(2, 6), 0.1)
            await wait_for(lambda: len(one.owned) == len(two.owned) == PARTITIONS // 2)
            assert one.owned | two.owned == set(range(PARTITIONS))
            await wait_for(lambda: one.in_flight == two.in_flight == 0)
            # Settled: each process handles the chats of the partitions it owns, and only those.
            await asyncio.sleep(6 * beat)
            before, split = (one.handled, two.handled), set(two.owned)
            await talk(range(6, turns), 0)
            await wait_for(lambda: replies() == sum(len(a) for a in expected.values()))
            assert two.owned == split, "the split changed while nobody joined or left"
            owned_by_two = sum(
                1 for chat in updates if ingress.topology.partition_of(chat) in split
            )
            assert two.handled - before[1] == 2 * owned_by_two > 0
            assert one.handled - before[0] == 2 * (len(updates) - owned_by_two) > 0
            await asyncio.sleep(0.3)  # anything more (a repeat handled twice) would show now
            # Every chat got every answer once, in order, across the handovers.
            assert answers_by_chat(first.session) == expected
            # The second process leaves: the first owns everything again.
            await two.stop()
            await wait_for(lambda: len(one.owned) == PARTITIONS)
        finally:
            await one.stop()
            await two.stop()
            await client.aclose()
    assert await counts(amqp_connection, ingress.topology) == (0, 0)


class SlowSession(LocalSession):
    """Telegram taking half a second per call: the update being handled stays in hand."""

    async def make_request(self, bot, method, timeout=None):  # noqa: ASYNC109
        await asyncio.sleep(0.5)
        return await super().make_request(bot, method, timeout)


async def test_updates_waiting_when_their_channel_goes_are_left_to_the_next_process(
    ingress, amqp_url, amqp_connection
):
    bus = bus_settings(amqp_url, ingress.topology.prefix)
    log = MemoryUpdateLog(600)
    first, second = (Harness(FailingBus(BusUnavailable, "no worker here")) for _ in range(2))
    slow = local_bot(SlowSession())
    one = PartitionConsumer(first.dp, slow, bus, log, prefetch=8)
    two = PartitionConsumer(second.dp, second.bot, bus, log, prefetch=8)
    one.start()
    await asyncio.wait_for(one.ready.wait(), 20)
    two.start()  # waiting behind the first on every partition
    await asyncio.wait_for(two.ready.wait(), 20)
    customer = LocalCustomer(first.bot, 840_001)
    said = [customer.says(question) for question in QUESTIONS[:3]]
    expected = await expected_answers({840_001: said})
    put_back = (
        REGISTRY.get_sample_value("kefu_bot_partition_updates_total", {"outcome": "put_back"})
        or 0.0
    )
    try:
        for update in said:
            await publish(ingress, update, chat=840_001)
        await wait_for(lambda: one.in_flight == 3)  # one in hand, two waiting behind it
        # The channel goes under the first process (as in a broker restart): the broker puts
        # the three back and gives the partition to the second.
        partition = one._partitions[ingress.topology.partition_of(840_001)]
        assert partition.channel is not None
        await (await partition.channel.get_underlay_channel()).close()
        await wait_for(lambda: two.handled == 3 and one.in_flight == 0)
        # The first finished the one in its hands and left the two waiting ones alone.
        assert one.handled == 1
        assert (
            REGISTRY.get_sample_value("kefu_bot_partition_updates_total", {"outcome": "put_back"})
            == put_back + 2
        )
        assert [m.text for m in second.session.sent] == expected[840_001]
    finally:
        await one.stop()
        await two.stop()
    assert await counts(amqp_connection, ingress.topology) == (0, 0)


async def test_a_hand_over_stops_chats_waiting_for_a_slot_and_leaves_them_to_the_owner(
    ingress, amqp_url, amqp_connection, tmp_path
):
    """One update at a time on a slow Telegram (half a second a call): when a second process
    joins, the first hands over the partitions it no longer owns at once — their chats waiting
    for its only slot, behind chats of its own, are stopped without being started, and the
    new owner answers them while the first is still busy with its own. Every chat is answered
    once."""
    import redis.asyncio as redis

    bus = bus_settings(amqp_url, ingress.topology.prefix)
    log = MemoryUpdateLog(600)
    first, second = (Harness(FailingBus(BusUnavailable, "no worker here")) for _ in range(2))
    slow_session = SlowSession()
    slow = local_bot(slow_session)
    # "a" keeps the even partitions once "b" is there; "b" owns the odd ones.
    candidates = range(850_000, 850_400)
    kept = [c for c in candidates if ingress.topology.partition_of(c) % 2 == 0][:6]
    moving = [c for c in candidates if ingress.topology.partition_of(c) % 2][:4]
    said = {chat: [LocalCustomer(first.bot, chat).says(QUESTIONS[0])] for chat in kept + moving}
    expected = await expected_answers(said)
    beat = 0.2
    # Both processes share this test's event loop: a stall on a busy machine delays both
    # beats alike, and a short memory would judge a live process gone (the split swings).
    # They leave explicitly, so nothing here waits for the memory to run out.
    memory = 15 * beat
    async with private_redis(tmp_path) as url:
        client = redis.Redis.from_url(url)

        def consumer(harness: Harness, bot, name: str) -> PartitionConsumer:
            members = RedisMembers(client, memory, prefix="t", bot_id=1)
            return PartitionConsumer(
                harness.dp, bot, bus, log, prefetch=8, members=members, member_id=name,
                rebalance_every=beat, concurrency=1,
            )  # fmt: skip

        one, two = consumer(first, slow, "a"), consumer(second, second.bot, "b")
        try:
            one.start()
            await asyncio.wait_for(one.ready.wait(), 20)
            for chat in kept + moving:  # its own chats first: the moving ones queue behind
                await publish(ingress, said[chat][0], chat=chat)
            # All taken: one in hand, the others' lanes waiting for the slot (a lane counts its
            # task and its update).
            await wait_for(lambda: one.handling == 1 and one.in_flight == 2 * len(said) - 1)
            two.start()
            await wait_for(lambda: two.handled == len(moving), within=20)
            assert one.in_flight > 0  # the first still had its own chats to answer
            await wait_for(lambda: one.handled == len(kept) and one.in_flight == 0, within=20)
            await asyncio.sleep(0.5)  # anything more (a repeat) would show now
            together = answers_by_chat(slow_session)
            for chat, answers in answers_by_chat(second.session).items():
                together.setdefault(chat, []).extend(answers)
            assert together == expected
        finally:
            await one.stop()
            await two.stop()
            await client.aclose()
    assert await counts(amqp_connection, ingress.topology) == (0, 0)


class TwoMembers:
    """The split as Redis would give it with a second (silent) process; counts the beats."""

    def __init__(self) -> None:
        self.beats = 0

    async def beat(self, member: str) -> list[str]:
        self.beats += 1
        return sorted({member, "zz-other"})

    async def leave(self, member: str) -> None:
        pass


async def test_a_hand_over_waiting_for_a_slow_update_does_not_hold_up_the_beats(
    ingress, amqp_url
):
    """A hand-over waits for the update being handled; the beats go on meanwhile (a process
    silent for three beats is taken for gone by the others, and the split would swing)."""
    harness = Harness(FailingBus(BusUnavailable, "no worker here"))

    class Slower(LocalSession):
        async def make_request(self, bot, method, timeout=None):  # noqa: ASYNC109
            await asyncio.sleep(2.0)
            return await super().make_request(bot, method, timeout)

    members = TwoMembers()
    consumer = PartitionConsumer(
        harness.dp, local_bot(Slower()), bus_settings(amqp_url, ingress.topology.prefix),
        MemoryUpdateLog(600), members=members, member_id="aa-this", rebalance_every=0.1,
    )  # fmt: skip
    # a chat of a partition this process does not own (the odd ones are the other's)
    chat = next(c for c in range(850_000, 851_000) if ingress.topology.partition_of(c) % 2)
    consumer.start()
    try:
        await asyncio.wait_for(consumer.ready.wait(), 20)
        await publish(ingress, LocalCustomer(harness.bot, chat).says("发什么快递"), chat=chat)
        await wait_for(lambda: consumer.handling == 1)
        before = members.beats
        await asyncio.sleep(1.0)  # the hand-over of that partition waits for the update
        assert consumer.handling == 1
        assert members.beats - before >= 5
    finally:
        await consumer.stop()


async def test_flood_control_and_the_update_log_hold_across_processes(tmp_path):
    import redis.asyncio as redis

    async with private_redis(tmp_path) as url:
        client = redis.Redis.from_url(url)
        try:
            # Two processes' counters on one Redis: one customer's updates count once, together.
            a, b = (RedisFlood(client, 4, 5, prefix="t") for _ in range(2))
            verdicts = [await (a if n % 2 else b).hit(42) for n in range(7)]
            assert verdicts == ["ok", "ok", "ok", "ok", "warn", "drop", "drop"]
            assert await a.hit(43) == "ok"  # per user
            assert 0 < await client.pttl("t:flood:42") <= 5000  # forgotten with the window
            # An update one process handled is known to the other.
            one = RedisUpdateLog(client, 60, prefix="t", bot_id=1)
            two = RedisUpdateLog(client, 60, prefix="t", bot_id=1)
            assert not await two.seen(77)
            await one.done(77)
            assert await two.seen(77)
            assert 0 < await client.ttl("t:update:1:77") <= 60
        finally:
            await client.aclose()
    # Redis gone: flood control lets the customer through, the log says "not seen".
    gone = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        assert await RedisFlood(gone, 1, 5).hit(1) == "ok"
        assert not await RedisUpdateLog(gone, 60, prefix="t", bot_id=1).seen(1)
    finally:
        await gone.aclose()


async def test_a_burst_of_redis_commands_waits_for_the_pool_instead_of_failing(tmp_path):
    """The bot's Redis client (chats, flood control, handled updates) on a pool far smaller
    than the burst: every command succeeds, none with redis-py's "Too many connections"."""
    from aiogram.fsm.storage.base import StorageKey
    from aiogram.fsm.storage.redis import RedisStorage

    from bot.settings import BotSettings
    from bot.storage import make_storage

    async with private_redis(tmp_path) as url:
        storage = make_storage(BotSettings(REDIS_URL=url, KEFU_REDIS_MAX_CONNECTIONS=3))
        assert isinstance(storage, RedisStorage)
        try:
            keys = [StorageKey(bot_id=1, chat_id=n, user_id=n) for n in range(300)]
            await asyncio.gather(*(storage.set_data(k, {"n": k.chat_id}) for k in keys))
            found = await asyncio.gather(*(storage.get_data(k) for k in keys))
            assert [f["n"] for f in found] == list(range(300))
            clients = (await storage.redis.info("clients"))["connected_clients"]
            assert clients <= 3  # the pool's connections, nothing else is connected
        finally:
            await storage.close()
