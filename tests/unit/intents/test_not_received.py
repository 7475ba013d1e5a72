"""``intents.not_received``: the one reader of "marked delivered, never came", which the engine
and the bot's order jobs share (each had its own before, and each missed what the other read)."""

from __future__ import annotations

import pytest

from bot.flows.orders import order_job
from intents.not_received import not_received


@pytest.mark.parametrize(
    "text",
    [
        "显示已签收但是我没收到",
        "没收到 却显示签收了",
        "tracking says delivered but I never got it",
        "it says delivered but nothing came",
        # the engine's words before: the bot's order job did not read them
        "app says dropped at door at 2pm, nobody came",
        "tracking shows left at front door but it wasn't there",
    ],
)
def test_marked_delivered_never_came(text: str) -> None:
    assert not_received(text)
    assert order_job(text) == "not_received"


@pytest.mark.parametrize(
    "text",
    ["已经签收了 谢谢", "it says delivered, thanks!", "where is my parcel", "我还没收到货"],
)
def test_delivered_or_late_is_not_a_parcel_gone_missing(text: str) -> None:
    assert not not_received(text)
