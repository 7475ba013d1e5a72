"""Reading "is it done?" after a job (bot/services/done.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.done import about, about_next, done_asked, next_asked
from bot.services.memory import DoneJob

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    ["改好了吗", "地址改了没", "好了没", "弄好了吗？", "取消了吗", "退了没有", "换好了么",
     "成功了吗", "did it go through?", "Is it done?", "has it been changed", "did you cancel it?"],
)
def test_asking_whether_it_was_done(text: str) -> None:
    assert done_asked(text)


@pytest.mark.parametrize(
    "text",
    ["我要改地址", "帮我取消订单", "怎么退货", "地址改了没 我想再改成北京的那个新家地址",
     "can you change it to Beijing?", "I want to cancel", "好的", "谢谢"],
)
def test_requests_and_other_words_are_not_asking_it(text: str) -> None:
    assert not done_asked(text)


def test_it_is_about_the_last_job_only_while_recent_and_of_its_kind() -> None:
    address = DoneJob(kind="address", order_no="KF26000001", at=NOW - timedelta(minutes=3))
    assert about(address, "改好了吗", NOW) and about(address, "地址改了没", NOW)
    assert not about(address, "退款退了没", NOW)  # another kind of job named
    assert not about(address, "改好了吗", NOW + timedelta(days=2))  # long ago
    cancel = DoneJob(kind="cancel", order_no="KF26000001", at=NOW)
    assert about(cancel, "取消了吗", NOW)
    assert not about(cancel, "did the refund go through? did it go through", NOW)


def test_the_money_after_a_return_is_the_refunds_question() -> None:
    """A return made is not its money back: the refund's state answers that."""
    made = DoneJob(kind="return", order_no="KF26000001", reference="RT2026120200001", at=NOW)
    assert about(made, "退了没有", NOW) and about(made, "is it done?", NOW)
    for text in ("钱退了吗", "退款到了没", "退款好了吗", "did the refund go through?"):
        assert not about(made, text, NOW), text


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("so what happens now? what do i need to do?", True), ("what's next", True),
        ("ok now what", True), ("what should i do next?", True), ("接下来怎么办", True),
        ("然后呢 我要做什么", True), ("那我现在要干啥", True), ("下一步是什么", True),
        # not what comes next
        ("what is your return address", False), ("what sizes do you have", False),
        ("接下来的订单什么时候发货啊 我还有好几件要买", False),  # a long question of its own
        ("谢谢", False),
    ],
)  # fmt: skip
def test_asking_what_comes_next(text: str, asked: bool) -> None:
    assert next_asked(text) is asked


def test_what_next_is_about_a_recent_job_only() -> None:
    job = DoneJob(kind="exchange", order_no="KF20260001", reference="RMA1", at=NOW)
    assert about_next(job, "接下来怎么办", now=NOW + timedelta(hours=2))
    assert not about_next(job, "接下来怎么办", now=NOW + timedelta(days=2))
