"""An item named at a return's "which order?" ("牛仔裤 腰太大了", "the jeans") is the return's
item, kept for when the order comes (jobs batch 10, session 20: it was answered as a fit
question, and "which item?" was asked again after the order)."""

from __future__ import annotations

from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import ScriptedWorker


async def test_an_item_named_at_which_order_asks_for_the_order_again() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    [asked] = await harness.say("我想退货")
    assert asked == harness.t("ask.order_no")
    # (before: the fit answer, "how sizes run", and the order asked as a job left waiting)
    assert await harness.say("牛仔裤 腰太大了") == [harness.t("ask.order_no")]
    english = 5002
    [asked] = await harness.say("i want to return something", user_id=english, language="en")
    assert await harness.say("the jeans", user_id=english, language="en") == [asked]


async def test_a_question_at_which_order_is_still_answered() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    await harness.say("我想退货")
    replies = await harness.say("牛仔裤有S码吗")
    assert replies != [harness.t("ask.order_no")]
