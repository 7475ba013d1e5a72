"""The wrong item sent, told either way round: what came then what was ordered, or what was
ordered then what came — in Chinese and in English. Each is the order's wrong-item job (a
ticket), never "did you mean" or a colour answer; a fit or a late parcel told the same way is
not."""

from __future__ import annotations

import pytest

from bot.flows.orders import order_job
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker

TOLD = [
    ("我拍的是黑色L 拆开是件灰的M", "zh-hans", "zh_CN"),
    ("寄来的是灰色M 我拍的是黑色L", "zh-hans", "zh_CN"),
    ("我买的黑色L，结果收到的是灰色M", "zh-hans", "zh_CN"),
    ("I ordered a black L but got a grey M", "en", "en"),
    ("got a grey M instead of the black L I ordered", "en", "en"),
    # the engine's story forms, read by the bot too since they share intents.wrong_item
    ("收到的是卡其色 我拍的是藏青色", "zh-hans", "zh_CN"),
    ("you sent me a size 6 instead of a size 4", "en", "en"),
    # jobs batch 12: the order's card (the engine sure of a status question) and "did you
    # mean: which size / where is my order?" (the engine unsure)
    ("opened my parcel and theres a striped shirt in it instead of my jeans??", "en", "en"),
    ("ordered jeans in L, the label on the ones that came says M. i want the L i paid for",
     "en", "en"),
]


@pytest.mark.parametrize(("text", "language", "locale"), TOLD)
async def test_the_wrong_item_told_either_way_opens_its_ticket(
    text: str, language: str, locale: str
) -> None:
    worker = ScriptedWorker(order_view(state="shipped"))
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    answers = await harness.say(text, language=language)
    assert harness.t("order.wrong_item.no_desk", locale, order_no="KF20260001") in answers
    [ticket] = worker.tickets
    assert (ticket.reason, ticket.order_no) == ("wrong_item", "KF20260001")


@pytest.mark.parametrize(
    "text",
    [
        "我买的是M码 收到感觉有点小",  # a fit: an exchange of size, not the shop's mistake
        "我买的是连衣裙 收到了 挺好看",
        "I ordered a week ago but got nothing",  # a parcel to chase
        "I ordered last week but got the parcel today",
        "it arrived on Friday instead of Monday",
        "oops I chose the wrong size, can it be L instead",  # her own pick: a change to make
        "my bad, put in the wrong colour, make it navy",
    ],
)
def test_a_fit_or_a_late_parcel_told_the_same_way_is_no_wrong_item(text: str) -> None:
    assert order_job(text) != "wrong_item"
