"""Reading "is it done?" after a job (bot/services/done.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services.done import about, done_asked
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
