"""A Telegram bot without AGENTS_CHAT_ID says once, at start-up, what that means for
customers (nobody answers in their chat; tickets only in the worker's database) and how to
set the desk up."""

from __future__ import annotations

import logging

import pytest

from bot.dispatcher import create_dispatcher
from bot.settings import BotSettings
from bus.testing import InMemoryBus
from tests.support.bot import engine, replies


def warnings_of(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "bot.dispatcher" and r.levelno == logging.WARNING
    ]


def test_no_desk_is_one_clear_warning_at_start_up(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.dispatcher"):
        create_dispatcher(BotSettings(), rpc=InMemoryBus(), engine=engine(), replies=replies())
    [warning] = warnings_of(caplog)
    assert "AGENTS_CHAT_ID is not set" in warning
    assert "nobody is live in her chat" in warning and "kefu tickets" in warning
    assert "supergroup with topics" in warning and "docs/desk.md" in warning


def test_with_a_desk_no_such_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.dispatcher"):
        create_dispatcher(
            BotSettings(AGENTS_CHAT_ID=-1001234567890),
            rpc=InMemoryBus(),
            engine=engine(),
            replies=replies(),
        )
    assert warnings_of(caplog) == []
