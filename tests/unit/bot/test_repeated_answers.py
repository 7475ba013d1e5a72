"""The same long answer asked again in a chat is said briefly: pointing back to the first one
(a reply to it), with the key line, asking what is still unclear and offering a person."""

from __future__ import annotations

from aiogram.methods import SendMessage

from bot.services.memory import ChatMemory
from bot.services.repeats import KEPT, answer_key, is_long
from tests.support.bot import Harness
from tests.support.worker import ScriptedWorker


def sent(harness: Harness) -> list[SendMessage]:
    return harness.session.sent


def test_what_counts_as_long() -> None:
    assert not is_long("默认发中通快递，一般 2–5 天到。")
    assert is_long("一\n二\n三")
    assert is_long("x" * 121)
    assert answer_key("shipping.fee", "a") != answer_key("shipping.fee", "b")


async def test_the_return_address_asked_twice_is_answered_briefly_the_second_time() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    [full] = await harness.say("退货寄到哪里")
    first = sent(harness)[-1]
    assert "包裹里请放一张" in full and first.reply_parameters is None
    [brief] = await harness.say("退货地址发我一下")
    again = sent(harness)[-1]
    assert brief.startswith("这个刚才回答过了") and "包裹里请放一张" not in brief
    assert "简单说：寄到 浙江省杭州市余杭区示范路 88 号" in brief  # the key line
    assert again.reply_parameters is not None
    first_id = next(m for m in harness.session.messages.values() if m.text == full).message_id
    assert again.reply_parameters.message_id == first_id
    # the brief offers a person, answerable with a bare yes (bot.services.offers)
    [opened] = await harness.say("好的")
    assert "T0000001" in opened and worker.tickets[0].reason == "other"


async def test_a_yes_or_no_answer_keeps_its_verdict_in_the_brief_in_english() -> None:
    harness = Harness(ScriptedWorker().bus())
    [full] = await harness.say("Can I return a custom-made item?", language="en")
    [brief] = await harness.say("can i return a custom made item", language="en")
    assert full.startswith("No.") and brief.startswith("I answered this just above")
    assert full.split("\n")[0] in brief


async def test_a_different_answer_to_the_same_intent_is_said_in_full() -> None:
    harness = Harness(ScriptedWorker().bus())
    [custom] = await harness.say("定制的衣服能退吗")
    [proxy] = await harness.say("代购的能退吗")
    assert not proxy.startswith("这个刚才回答过了") and proxy != custom


async def test_the_discount_answer_twice_offers_the_supervisor_once_briefly() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    _answer, ask = await harness.say("能便宜点吗")
    assert ask == harness.t("bargain.ask_supervisor")
    [brief] = await harness.say("能不能便宜点")
    assert brief.startswith("这个刚才回答过了") and "会员折扣" in brief
    await harness.say("好的")
    assert worker.tickets[0].reason == "discount"


def test_a_handful_of_answers_is_remembered_newest_last() -> None:
    memory = ChatMemory(answered={f"k{i}": i for i in range(KEPT)})
    assert ChatMemory.from_stored(memory.stored()).answered == memory.answered


async def test_the_postage_rules_asked_again_are_brief_and_the_region_still_asked() -> None:
    harness = Harness(ScriptedWorker().bus())
    rules, ask = await harness.say("包邮吗")
    assert "首先" in rules and ask == harness.t("ask.region")
    await harness.say("发什么快递")  # another question: the region is not asked any more
    brief, ask = await harness.say("你们包邮吗")
    assert brief.startswith("这个刚才回答过了") and "首先" not in brief
    assert "简单说：江苏、浙江、上海、安徽满 500 元包邮" in brief
    assert ask == harness.t("ask.region")
    [answer] = await harness.say("北京")  # the region makes it precise, as before
    assert "北京" in answer


async def test_the_exchange_rules_asked_again_are_brief_and_the_order_still_asked() -> None:
    harness = Harness(ScriptedWorker().bus())
    [rules] = await harness.say("可以换货吗")
    assert "首先" in rules and "订单号" in rules.splitlines()[-1]  # the order asked once, by it
    brief, again = await harness.say("换货规则是什么")
    assert brief.startswith("这个刚才回答过了") and "48 小时内" in brief and "首先" not in brief
    assert "订单号" in again  # the brief answer doesn't ask: the order is asked after it
