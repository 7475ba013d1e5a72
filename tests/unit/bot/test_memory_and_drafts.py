"""The chat memory and the flows' drafts are typed records stored JSON-native: what an older
version stored still loads, and a round trip through JSON (as Redis does) changes nothing."""

from __future__ import annotations

import json

from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from bot.flows.exchange import ExchangeDraft, ExchangeFlow, ExchangeRequest
from bot.flows.size import SizeDraft, SizeFlow
from bot.services.memory import CARD_FRESH_S, MEMORY_DESTINY, ChatMemory
from bot.services.outcomes import retry_minutes
from bot.storage import ExpiringMemoryStorage
from bus.contracts import Attachment

KEY = StorageKey(bot_id=1, chat_id=42, user_id=42, destiny=MEMORY_DESTINY)

# What the bot stored before the memory was typed (a dict of string keys).
OLDER_MEMORY = {
    "locale": "en",
    "app_locale": "zh_CN",
    "linked": True,
    "proofs": {"KF20260001": "0001"},
    "last_order": "KF20260001",
    "region": "江苏",
    "transcript": [{"role": "customer", "text": "到哪了", "at": "2026-03-01T10:00:00+00:00"}],
    "attachments": [{"kind": "photo", "file_id": "AgAD", "caption": None}],
    "ticket_key": "tg:42:0123456789abcdef",
    "misses": 1,
    "pending_text": "那个快递的事",
    "evidence_for": "color",
    "resume": {"flow": "exchange"},  # a key that is gone
}


async def test_a_memory_stored_by_the_older_version_loads() -> None:
    storage = MemoryStorage()
    await storage.set_data(KEY, OLDER_MEMORY)
    memory = await ChatMemory.load(storage, KEY)
    assert (memory.locale, memory.app_locale, memory.linked) == ("en", "zh_CN", True)
    assert memory.proof_for("KF20260001") == "0001"
    assert memory.ticket_key == "tg:42:0123456789abcdef"
    assert memory.evidence_for == "color" and memory.misses == 1
    [line] = memory.transcript_lines()
    assert (line.role, line.text, line.at.hour) == ("customer", "到哪了", 10)
    assert memory.attachments == [Attachment(kind="photo", file_id="AgAD")]
    await memory.save()  # written back in the new form, once
    stored = await storage.get_data(KEY)
    assert "resume" not in stored
    assert stored["transcript"] == ["customer 2026-03-01T10:00:00+00:00 到哪了"]


async def test_a_value_that_no_longer_fits_is_reset_not_fatal() -> None:
    storage = MemoryStorage()
    await storage.set_data(KEY, {"locale": "en", "misses": "many", "transcript": "?"})
    memory = await ChatMemory.load(storage, KEY)
    assert (memory.locale, memory.misses, memory.transcript) == ("en", 0, [])


async def test_the_memory_survives_json_as_redis_stores_it() -> None:
    memory = ChatMemory.from_stored(OLDER_MEMORY)
    memory.record("bot", "您好", limit=3)
    memory.record("customer", "谢谢", limit=3)
    memory.record("bot", "不客气", limit=3)
    assert [line.text for line in memory.transcript_lines()] == ["您好", "谢谢", "不客气"]
    again = ChatMemory.from_stored(json.loads(json.dumps(memory.stored())))
    assert again == memory


async def test_an_unchanged_memory_is_not_written_again() -> None:
    class CountingStorage(MemoryStorage):
        writes = 0

        async def set_data(self, key, data):
            CountingStorage.writes += 1
            await super().set_data(key, data)

    storage = CountingStorage()
    memory = await ChatMemory.load(storage, KEY)
    memory.region = "上海"
    await memory.save()
    await memory.save()
    await (await ChatMemory.load(storage, KEY)).save()
    assert CountingStorage.writes == 1


async def test_the_in_process_storage_keeps_the_memory_live() -> None:
    """One process: the same object every turn, changed in place, never validated or dumped
    again; what is asked of the storage as data is still its current stored form, and data
    written over it (an older record, an operator's fix) is what the next turn reads."""
    storage = ExpiringMemoryStorage(3600)
    await storage.set_data(KEY, OLDER_MEMORY)
    memory = await ChatMemory.load(storage, KEY)
    assert memory.locale == "en" and memory.misses == 1  # the older form read once
    memory.region = "上海"
    memory.record("customer", "在吗", limit=5)
    await memory.save()
    again = await ChatMemory.load(storage, KEY)
    assert again is memory
    stored = await storage.get_data(KEY)
    assert stored["region"] == "上海" and stored["transcript"][-1].endswith(" 在吗")
    assert ChatMemory.from_stored(stored) == memory
    await storage.set_data(KEY, {"locale": "zh_CN"})
    fresh = await ChatMemory.load(storage, KEY)
    assert fresh is not memory and (fresh.locale, fresh.region) == ("zh_CN", None)
    assert await ChatMemory.load(storage, KEY) is fresh


async def test_a_kept_memory_expires_with_its_chat() -> None:
    now = [0.0]
    storage = ExpiringMemoryStorage(100, clock=lambda: now[0])
    memory = await ChatMemory.load(storage, KEY)
    memory.region = "上海"
    now[0] = 50.0
    assert await ChatMemory.load(storage, KEY) is memory  # used: its idle time starts again
    now[0] = 149.0
    assert await ChatMemory.load(storage, KEY) is memory
    now[0] = 250.0
    assert (await ChatMemory.load(storage, KEY)).region is None  # idle past the TTL: forgotten


def test_retry_minutes_round_up_so_the_customer_never_comes_back_too_early() -> None:
    assert [retry_minutes(s) for s in (0, 1, 59, 60, 61, 90, 899, 900)] == [
        1,
        1,
        1,
        1,
        2,
        2,
        15,
        15,
    ]


async def test_drafts_stored_by_the_older_version_load() -> None:
    storage = MemoryStorage()
    key = StorageKey(bot_id=1, chat_id=42, user_id=42)
    state = FSMContext(storage, key)
    # The exchange flow's dict of string keys, as the older version kept it.
    await state.set_data(
        {
            "order_no": "KF20260001",
            "item_id": 7,
            "item_title": "纯棉圆领T恤 M/黑色",
            "old_size": "M",
            "old_color": "黑色",
            "new_size": "L",
            "new_color": "黑色",
            "fit_for_resale": True,
            "key": "tg:42:abc12345",
            "resume": {"flow": "exchange"},
        }
    )
    draft = await ExchangeFlow(None, None, state).draft()  # type: ignore[arg-type]
    assert draft == ExchangeDraft(
        order_no="KF20260001",
        item_id=7,
        item_title="纯棉圆领T恤 M/黑色",
        old_size="M",
        old_color="黑色",
        new_size="L",
        new_color="黑色",
        fit_for_resale=True,
        key="tg:42:abc12345",
    )
    await state.set_data({"height_cm": 170, "choices": [[1, "纯棉圆领T恤"], [2, "牛仔裤"]]})
    size = await SizeFlow(None, None, state).draft()  # type: ignore[arg-type]
    assert [c.name for c in size.choices] == ["纯棉圆领T恤", "牛仔裤"]
    assert size == SizeDraft.model_validate(json.loads(json.dumps(size.model_dump(mode="json"))))
    await state.set_state(ExchangeRequest.waiting_for_confirm)
    await state.set_data({"item_id": "not a number", "order_no": "KF20260001"})
    reset = await ExchangeFlow(None, None, state).draft()  # type: ignore[arg-type]
    assert (reset.item_id, reset.order_no) == (None, "KF20260001")


def test_the_bots_lines_reach_the_ticket_as_plain_text() -> None:
    """The bot's messages are sent in Telegram's HTML; the agents' card showed their tags
    ("🤖 <b>Order KF…</b> Status: <b>shipped</b>"). The customer's own words are kept as typed."""
    memory = ChatMemory()
    memory.record("customer", "is 1<2 & why <b>", 20)
    memory.record(
        "bot", "<b>Order KF26200341</b>\nCourier: ZTO, tracking <code>7519</code> &amp; more", 20
    )
    customer, bot = memory.transcript_lines()
    assert customer.text == "is 1<2 & why <b>"
    assert bot.text == "Order KF26200341\nCourier: ZTO, tracking 7519 & more"


def test_an_orders_card_is_fresh_a_few_minutes_unchanged_and_survives_json() -> None:
    """The card once: the same order's card, as it reads now, shown minutes ago is fresh; a
    longer while, another order, or a card that reads otherwise (the order changed) is not —
    and what was shown survives the JSON round trip Redis makes."""
    memory = ChatMemory()
    assert not memory.card_fresh("KF20260001", "card", at=1000.0)
    memory.card_shown("KF20260001", "状态：已付款", at=1000.0)
    memory = ChatMemory.model_validate(json.loads(memory.model_dump_json()))
    assert memory.card_fresh("KF20260001", "状态：已付款", at=1000.0 + 60)
    assert memory.card_fresh("KF20260001", "状态：已付款", at=1000.0 + CARD_FRESH_S)
    assert not memory.card_fresh("KF20260001", "状态：已付款", at=1000.0 + CARD_FRESH_S + 1)
    assert not memory.card_fresh("KF20260002", "状态：已付款", at=1000.0 + 60)
    assert not memory.card_fresh("KF20260001", "状态：已发货", at=1000.0 + 60)
