"""A person or a phone call asked for while a flow waits ("能给个电话吗 打字说不清楚" at "please
send your order number"): the wait ends and the request is handled — the call answered honestly
(the shop's policy has no number to give), a ticket an agent sees — never the wait's question
again. An address with a phone number in it is still an address."""

from __future__ import annotations

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.flows.address import AddressChange
from bot.services.person import person_asked
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


async def state_of(harness: Harness, user_id: int = 5001) -> str | None:
    key = StorageKey(bot_id=harness.bot.id, chat_id=user_id, user_id=user_id)
    return await harness.dp.storage.get_state(key)


async def test_a_call_asked_for_while_the_order_number_is_awaited_goes_to_a_person() -> None:
    worker = ScriptedWorker(order_view(state="shipped"))
    harness = Harness(worker.bus())
    assert await harness.say("我的快递到哪了") == [harness.t("ask.order_no")]
    answers = await harness.say("能给个电话吗 打字说不清楚")
    assert answers[0] == harness.t("person.no_call.no_desk")
    [ticket] = worker.tickets
    assert (ticket.reason, ticket.intent) == ("customer_asked", "human.agent")
    assert "T0000001" in answers[1]
    assert len(answers) == 2  # no "did you mean" button for the same request beside it
    assert await state_of(harness) is None


async def test_in_english_a_call_asked_for_at_the_returns_order_wait() -> None:
    worker = ScriptedWorker(order_view(state="shipped"))
    harness = Harness(worker.bus())
    await harness.say("I want to return something", language="en")
    answers = await harness.say("can I just call you? typing is too slow", language="en")
    assert answers[0] == harness.t("person.no_call.no_desk", "en")
    assert len(worker.tickets) == 1
    assert await state_of(harness) is None


async def test_someone_to_take_over_from_the_auto_replies_at_the_order_wait() -> None:
    # round 20's words of a person asked for (intents.person): the wait ends, an agent's ticket
    worker = ScriptedWorker(order_view(state="shipped"))
    harness = Harness(worker.bus())
    await harness.say("where is my parcel", language="en")
    await harness.say("can a staff member take this over, not the auto replies", language="en")
    [ticket] = worker.tickets
    assert (ticket.reason, ticket.intent) == ("customer_asked", "human.agent")
    assert await state_of(harness) is None


async def test_a_person_asked_for_at_the_new_address_step_gets_one() -> None:
    worker = ScriptedWorker(order_view())
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("我要改地址")
    assert answers[-1] == harness.t("address.ask_new")
    assert await state_of(harness) == AddressChange.waiting_for_address.state
    answers = await harness.say("能给个电话吗 打字说不清楚")
    assert answers[0] == harness.t("person.no_call.no_desk")
    assert len(worker.tickets) == 1
    assert await state_of(harness) is None


async def test_an_address_with_its_phone_number_is_still_the_address() -> None:
    worker = ScriptedWorker(order_view())
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("我要改地址")
    await harness.say("收件人李四 电话13812345678 江苏省南京市鼓楼区中山路100号")
    assert worker.tickets == []
    assert await state_of(harness) == AddressChange.waiting_for_confirm.state


async def test_a_call_asked_for_outside_a_flow_is_no_did_you_mean() -> None:
    worker = ScriptedWorker(order_view())
    harness = Harness(worker.bus())
    answers = await harness.say("能给个电话吗 打字说不清楚")
    assert answers[0] == harness.t("person.no_call.no_desk")
    assert harness.t("clarify.header") not in answers
    assert len(answers) == 2 and len(worker.tickets) == 1


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("能给个电话吗 打字说不清楚", "call"),
        ("你们客服电话多少", "call"),
        ("can I just call you?", "call"),
        ("I want to speak to a real person", "person"),
        ("转人工", "person"),
        ("快递电话多少", None),  # the courier's: about the parcel
        ("收件人李四 电话13812345678", None),  # an address
        ("能改地址吗", None),
        ("能不能换个人来 你没懂我意思", "person"),  # round 20
        ("我想跟真的客服说", "person"),  # round 20
        ("换个颜色行吗", None),
    ],
)
def test_what_asks_for_a_person_or_a_call(text: str, asked: str | None) -> None:
    assert person_asked(text) == asked


async def test_a_number_to_call_asked_with_a_complaint_beside_gets_no_button_after() -> None:
    """Found holding the console: "is there a number I can call? this is taking forever" at the
    exchange's question was handed to a person without a word on the call, and then offered a
    "Complaint" button under the ticket."""
    worker = ScriptedWorker(order_view(state="shipped"))
    harness = Harness(worker.bus())
    await harness.say("where is my parcel?", language="en")
    answers = await harness.say(
        "is there a number I can call? this is taking forever", language="en"
    )
    assert answers[0] == harness.t("person.no_call.no_desk", "en")
    assert len(answers) == 2 and len(worker.tickets) == 1


@pytest.mark.parametrize(
    ("text", "senior"),
    [
        ("ok can a supervisor make an exception then?", True),
        ("could your manager take a look", True),
        ("那能让你们主管通融一下吗", True),
        ("找你们经理特殊处理一下", True),
        ("ok thanks", False),
        ("这件衣服的袖子太长了", False),
        ("what's the exchange policy", False),
    ],
)
def test_someone_senior_asked_reads_the_exception_asked_for(text: str, senior: bool) -> None:
    """Said right after "shall I pass you to a colleague?", these take the offer
    (``bot.handlers.offers``); on their own they decide nothing."""
    from bot.services.person import someone_senior_asked

    assert someone_senior_asked(text) is senior


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("我要找人工 我的订单一直没发货", True),
        ("let me talk to a real person please", True),
        ("不用转人工 你直接告诉我", False),
        ("别转人工了，我自己看", False),
        ("no need for a human, just tell me the size", False),
        ("i don't want to talk to a person, just answer", False),
        ("人工客服 13800138000", False),  # a phone number: a contact or an address
        ("这件衣服是人工缝的吗", False),
    ],
)
def test_person_words_are_a_person_asked_for_not_declined(text: str, wanted: bool) -> None:
    from intents.person import person_words

    assert person_words(text) is wanted
    assert (person_asked(text) == "person") is wanted
