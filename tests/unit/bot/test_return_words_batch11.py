"""Words of jobs batch 11 a return did not read (each failed before): "没上身 标签还在" at "tags
on?" (the order's card came instead), "dont really like them" as her reason (asked why again),
and "actually can i just get them in M instead" at "why?" (the return went on)."""

from __future__ import annotations

import pytest

from bot.services.choices import condition_told, return_cause, switched_to
from tests.support.bot import Harness
from tests.support.worker import PHONE
from tests.unit.bot.test_return_flow import ReturningWorker


@pytest.mark.parametrize(
    ("text", "fit"),
    [
        ("没上身 标签还在", True),
        ("没上过身", True),
        ("标签都在的", True),
        ("标签剪了", False),
        ("上身效果不好", None),
    ],
)
def test_the_condition_in_her_words(text: str, fit: bool | None) -> None:
    assert condition_told(text) is fit


@pytest.mark.parametrize(
    "text", ["dont really like them", "i do not really like it", "not a fan of it tbh"]
)
def test_not_liking_it_is_a_change_of_mind(text: str) -> None:
    assert return_cause(text) == "changed_mind"


@pytest.mark.parametrize(
    ("text", "to"),
    [
        ("actually can i just get them in M instead", "exchange"),
        ("can i get it in M", None),  # no change of mind: not a switch by itself
        ("actually i'd rather have them in a large", "exchange"),
    ],
)
def test_another_size_asked_instead_is_the_exchange(text: str, to: str | None) -> None:
    assert switched_to(text) == to


async def test_not_put_on_and_the_label_on_answers_tags_on() -> None:
    worker = ReturningWorker()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [fit] = await harness.say("KF20260001 牛仔裤腰太松了 想退")
    assert harness.t("returns.fit_question") in fit, fit
    [quote] = await harness.say("没上身 标签还在")
    assert "确认退货" in quote, quote
    assert worker.quotes[-1].fit_for_resale is True


async def test_dont_really_like_them_is_her_reason_en() -> None:
    worker = ReturningWorker()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [fit] = await harness.say(
        "KF20260001 want to send back both the jeans and the tee, dont really like them",
        language="en",
    )
    assert harness.t("returns.fit_question", "en") in fit, fit
    [quote] = await harness.say("unworn", language="en")
    assert worker.quotes[-1].cause == "changed_mind", quote


async def test_another_size_instead_at_why_is_the_exchange_en() -> None:
    worker = ReturningWorker()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 i want to return the jeans", language="en")
    said = await harness.say("actually can i just get them in M instead", language="en")
    assert harness.t("job.switch.exchange", "en") in said[0], said
