"""The languages come from the locale files the replies loaded and ``KEFU_DEFAULT_LOCALE`` is
the language of every customer whose app language we don't have; one update per chat is
handled at a time (aiogram's event isolation), other chats don't wait."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from bus.contracts import LookupOrder, OrderFound, OrderNotFound
from bus.testing import InMemoryBus
from tests.support.bot import FailingBus, Harness, engine, replies
from tests.support.views import order_view


async def test_an_app_language_we_dont_have_gets_the_default_locale() -> None:
    harness = Harness(FailingBus(RuntimeError, "unused"), KEFU_DEFAULT_LOCALE="en")
    [answer] = await harness.say("/start", language="ja")
    assert answer == harness.t("welcome", "en", shop_name="Kefu Little Shop")
    [answer] = await harness.say("/start", user_id=5002, language=None)
    assert answer == harness.t("welcome", "en", shop_name="Kefu Little Shop")
    [answer] = await harness.say("/start", user_id=5003, language="zh-hans")
    assert answer == harness.t("welcome", "zh_CN", shop_name="可芙小店")


def test_a_default_locale_without_reply_templates_stops_the_start() -> None:
    with pytest.raises(ValueError, match="KEFU_DEFAULT_LOCALE='fr' has no reply templates"):
        create_dispatcher(
            BotSettings(KEFU_DEFAULT_LOCALE="fr"),
            rpc=InMemoryBus(),
            engine=engine(),
            replies=replies(),
        )


async def test_the_language_buttons_are_the_locale_files_in_their_own_words() -> None:
    harness = Harness(FailingBus(RuntimeError, "unused"))
    await harness.say("/lang")
    markup = harness.session.sent[-1].reply_markup
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == [
        ("✓ " if locale == "zh_CN" else "") + harness.t("language_name", locale)
        for locale in replies().locales
    ]
    [switched] = await harness.press("English")
    assert switched == harness.t("language.switched", "en", language="English")


def chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


async def test_a_customer_is_answered_in_the_language_they_write() -> None:
    harness = Harness(FailingBus(RuntimeError, "unused"))
    # An English phone, Chinese words: Chinese answers, also to what says no language.
    [zh] = await harness.say("发什么快递", language="en")
    assert "中通快递" in zh
    answers = await harness.say("ok", language="en")
    assert answers and all(chinese(a) for a in answers)
    # A Chinese phone, English words: English answers.
    [en] = await harness.say("which courier do you use?", user_id=5002, language="zh-hans")
    assert "ZTO Express" in en and not chinese(en)
    # Keyboard mashing says no language: the app's.
    answers = await harness.say("asdkjh qwe", user_id=5003, language="en")
    assert answers and not any(chinese(a) for a in answers)
    # The language chosen with /lang wins over the words.
    await harness.say("/lang", user_id=5004, language="zh-hans")
    await harness.press("English", user_id=5004)
    [chosen] = await harness.say("发什么快递", user_id=5004, language="zh-hans")
    assert "ZTO Express" in chosen


async def test_a_storage_failure_apologises_in_the_default_locale() -> None:
    from aiogram.fsm.storage.memory import MemoryStorage

    class BrokenStorage(MemoryStorage):
        async def get_data(self, key):
            raise ConnectionError("storage down")

    harness = Harness(
        FailingBus(RuntimeError, "unused"), storage=BrokenStorage(), KEFU_DEFAULT_LOCALE="en"
    )
    [answer] = await harness.say("what courier do you use?", language="en")
    assert answer == harness.t("error.generic", "en")


async def test_one_update_per_chat_at_a_time_and_other_chats_do_not_wait() -> None:
    release = asyncio.Event()

    async def slow_lookup(request: LookupOrder) -> OrderFound | OrderNotFound:
        await release.wait()
        return OrderFound(order=order_view(), access="last4")

    harness = Harness(InMemoryBus(LookupOrder.served_by(slow_lookup)))
    first = asyncio.create_task(harness.say("KF20260001 尾号0001 到哪了"))
    await asyncio.sleep(0.05)  # the first update is waiting for the worker now
    second = asyncio.create_task(harness.say("发什么快递"))  # same chat: waits for the first
    [other_chat] = await harness.say("发什么快递", user_id=5009)  # another chat: at once
    assert "中通" in other_chat
    assert not second.done()
    release.set()
    await asyncio.gather(first, second)
    to_the_chat = [m.text for m in harness.session.sent if m.chat_id == 5001]
    assert "KF20260001" in to_the_chat[0] and "中通" in to_the_chat[1]
