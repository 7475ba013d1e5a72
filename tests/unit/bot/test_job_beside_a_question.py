"""A job about an order asked in the same message as a policy question: the job leads (its flow
starts and asks what it needs), and the question is answered too, in the order asked — never the
job left as a "did you mean" button under the policy's answer."""

from __future__ import annotations

from aiogram.fsm.storage.base import StorageKey

from bot.flows.address import AddressChange
from bot.flows.exchange import ExchangeRequest
from bot.flows.orders import OrderQuery
from bot.flows.returns import ReturnRequest
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker

OTHER = 5999  # a second customer, who asks the policy question alone


async def state_of(harness: Harness, user_id: int = 5001) -> str | None:
    key = StorageKey(bot_id=harness.bot.id, chat_id=user_id, user_id=user_id)
    return await harness.dp.storage.get_state(key)


def offered(harness: Harness, answers: list[str], locale: str) -> bool:
    """Whether a job was offered as a "did you mean" button among the answers."""
    prefix = harness.t("also.offer", locale, title="\x00").split("\x00")[0]
    return any(answer.startswith(prefix) for answer in answers)


async def test_address_to_change_leads_and_the_coupon_question_is_answered_before_its_ask() -> None:
    """The job's question is the last thing said (the one the customer answers next): found
    holding the console, the order list came first and a long coupon answer with buttons of its
    own under it."""
    harness = Harness(ScriptedWorker(order_view()).bus())
    answers = await harness.say("付完款才看见地址选错了，顺便问下优惠券能不能叠加？")
    alone = await harness.say("顺便问下优惠券能不能叠加？", user_id=OTHER)
    assert answers[-1] == harness.t("ask.order_no")
    assert answers[:-1] == alone
    assert not offered(harness, answers, "zh_CN")
    assert await state_of(harness) == OrderQuery.waiting_for_order.state


async def test_a_return_wanted_beside_a_payment_question_starts_the_return() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    answers = await harness.say("能货到付款吗？另外我要退货")
    alone = await harness.say("能货到付款吗？", user_id=OTHER)
    assert answers == [*alone, harness.t("ask.order_no")]
    assert await state_of(harness) == ReturnRequest.waiting_for_order.state


async def test_an_exchange_leads_the_courier_question_said_before_its_ask() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    answers = await harness.say("我想换个尺码 顺便问下发什么快递")
    alone = await harness.say("顺便问下发什么快递", user_id=OTHER)
    assert answers[: len(alone)] == alone
    assert not offered(harness, answers, "zh_CN")
    assert await state_of(harness) == ExchangeRequest.waiting_for_order.state


async def test_in_english_the_cancel_leads_after_the_courier_answer() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    answers = await harness.say(
        "which courier do you use? also I want to cancel my order", language="en"
    )
    alone = await harness.say("which courier do you use?", user_id=OTHER, language="en")
    assert answers == [*alone, harness.t("ask.order_no", "en")]
    assert not offered(harness, answers, "en")
    assert await state_of(harness) == OrderQuery.waiting_for_order.state


async def test_a_chase_asked_after_the_delivery_time_leads() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    answers = await harness.say("多久能到？帮我催一下")
    alone = await harness.say("多久能到？", user_id=OTHER)
    assert answers == [*alone, harness.t("ask.order_no")]
    assert await state_of(harness) == OrderQuery.waiting_for_order.state


async def test_the_job_reads_its_own_words_not_the_question_beside_it() -> None:
    """Found holding the console: "…the address is wrong, can you change it? also do you ship
    with SF?" recorded an SF request on the order (the courier question's words read as the
    job) and the address typed next was never asked for."""
    worker = ScriptedWorker(order_view())
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say(
        "hi, I paid and then noticed the address is wrong, can you change it? also do you ship"
        " with SF?",
        language="en",
    )
    assert harness.t("address.ask_new", "en") in answers
    assert await state_of(harness) == AddressChange.waiting_for_address.state


async def test_a_job_named_without_an_order_skips_the_chats_order_it_cannot_be_about() -> None:
    """Found holding the console: right after her shipped parcel was shown, "付完款才看见地址
    选错了" was refused for that shipped order ("已经发货，地址改不了了") though she had a paid
    one; the order the job can be about is the one meant."""
    shipped = order_view(state="shipped", address_refusal="already_shipped")
    paid = order_view(order_no="KF20260002", state="paid")
    worker = ScriptedWorker(shipped, paid)
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 到哪了")
    answers = await harness.say("付完款才看见地址选错了")
    assert "KF20260002" in answers[0]
    assert answers[-1] == harness.t("address.ask_new")
