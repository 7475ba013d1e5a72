"""Offers answered by a bare yes or no (``bot.services.offers``): what the bot's buttons offered
is kept in the chat memory for the next message only; "好的" / "yes please" takes it, "不用了" /
"no thanks" leaves it, anything else drops it, and a yes with nothing offered is read as
before."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import EditMessageReplyMarkup

from bot import keyboards
from bot.services.choices import bare_yes_or_no
from bot.services.memory import ChatMemory, Offer
from bot.services.offers import fresh, offer_in
from tests.support.bot import Harness, replies
from tests.support.worker import ScriptedWorker


def t(key: str, **values: object) -> str:
    return replies().text(key, "zh_CN", **values)


def test_the_offer_is_read_from_the_buttons() -> None:
    person = offer_in(keyboards.offer_human(t, "discount"))
    assert person is not None and (person.kind, person.reason) == ("human", "discount")
    urge = offer_in(keyboards.job_or_person(t, "KF20260001", "urge", "催", "other"))
    assert urge is not None and (urge.kind, urge.job, urge.order_no) == (
        "job", "urge", "KF20260001"
    )
    cancel = offer_in(keyboards.confirm_cancel(t, "KF20260001"))
    assert cancel is not None and cancel.job == "cancel"
    # buttons that offer nothing: feedback, "did you mean", a flow's own yes/no
    assert offer_in(keyboards.feedback(t, "shipping.fee", None, "zh_CN")) is None
    assert offer_in(keyboards.clarify(t, [("shipping.fee", "运费")])) is None
    assert offer_in(keyboards.yes_no(t, lambda yes: keyboards.ResaleCallback(fit=yes))) is None
    assert offer_in(None) is None


def test_an_offer_is_answerable_for_a_quarter_of_an_hour() -> None:
    now = datetime.now(UTC)
    assert fresh(Offer(kind="human", at=now - timedelta(minutes=14)), now)
    assert not fresh(Offer(kind="human", at=now - timedelta(minutes=16)), now)


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("好的", True), ("嗯", True), ("要", True), ("要的，谢谢", True), ("好的好的", True),
        ("可以啊", True), ("yes please", True), ("ok sure", True), ("Sure, go ahead!", True),
        ("不用了", False), ("不用了谢谢", False), ("算了吧", False), ("no thanks", False),
        ("no need", False),
        # not bare: a yes or no with something else in it
        ("好的，那运费多少", None), ("yes but what about shipping", None), ("不确定", None),
        ("谢谢", None), ("好不好看", None),
    ],
)  # fmt: skip
def test_bare_yes_or_no(text: str, answer: bool | None) -> None:
    assert bare_yes_or_no(text) is answer


def test_an_offer_in_memory_loads_and_an_older_record_without_one_too() -> None:
    memory = ChatMemory(offer=Offer(kind="job", job="urge", order_no="KF1", at=datetime.now(UTC)))
    again = ChatMemory.from_stored(memory.stored())
    assert again.offer == memory.offer
    assert ChatMemory.from_stored({"locale": "en"}).offer is None


async def test_yes_to_the_supervisor_offer_opens_the_discount_ticket() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    _, offer = await harness.say("能便宜点吗")
    assert offer == harness.t("bargain.ask_supervisor")
    [opened] = await harness.say("好的")
    [ticket] = worker.tickets
    assert ticket.reason == "discount" and "T0000001" in opened
    # the offer was answered: another yes is not a second ticket
    await harness.say("好的")
    assert len(worker.tickets) == 1


async def test_no_thanks_leaves_the_offer_in_english() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    _, offer = await harness.say("can you give me a discount?", language="en")
    assert offer == harness.t("bargain.ask_supervisor", "en")
    assert await harness.say("no thanks", language="en") == [harness.t("offer.declined", "en")]
    assert worker.tickets == []


async def test_any_other_turn_drops_the_offer_and_a_yes_without_one_is_as_before() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    before = await harness.say("好的")  # nothing offered: as today
    await harness.say("能便宜点吗")
    await harness.say("你们用什么快递")
    assert await harness.say("好的") == before
    assert worker.tickets == []


async def test_the_buttons_go_once_the_offer_is_answered_in_words() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    await harness.say("能便宜点吗")
    offered, _ = harness.last_message_with("转人工")
    await harness.say("好的")
    [edit] = [r for r in harness.session.requests if isinstance(r, EditMessageReplyMarkup)]
    assert (edit.message_id, edit.reply_markup) == (offered.message_id, None)
