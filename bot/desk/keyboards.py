"""The desk's buttons. Callback data comes back from clients and can be forged: every field is
bounded, and whoever presses a desk button is checked as an agent first (bot/desk/agents.py);
a customer's rating is checked by the worker against the ticket's chat."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder
from pydantic import ConfigDict, Field

from bus.contracts import TICKET_NO_PATTERN
from replies.render import Replies

CALLBACK_CONFIG = ConfigDict(hide_input_in_errors=True)


class DeskCallback(CallbackData, prefix="dsk"):
    model_config = CALLBACK_CONFIG
    action: Literal["take", "close", "takeover"]
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)


class CannedCallback(CallbackData, prefix="cnd"):
    model_config = CALLBACK_CONFIG
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")


class RateCallback(CallbackData, prefix="rate"):
    model_config = CALLBACK_CONFIG
    ticket_no: str = Field(pattern=TICKET_NO_PATTERN)
    score: int = Field(ge=0, le=5)  # 0: no thanks


def card(replies: Replies, locale: str, ticket_no: str, *, taken: bool) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    if not taken:
        builder.button(
            text=replies.text("desk.button.take", locale),
            callback_data=DeskCallback(action="take", ticket_no=ticket_no),
        )
    builder.button(
        text=replies.text("desk.button.close", locale),
        callback_data=DeskCallback(action="close", ticket_no=ticket_no),
    )
    return builder.as_markup()


def takeover(replies: Replies, locale: str, ticket_no: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    builder.button(
        text=replies.text("desk.button.takeover", locale),
        callback_data=DeskCallback(action="takeover", ticket_no=ticket_no),
    )
    return builder.as_markup()


def canned(ticket_no: str, choices: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """``choices``: (key, title) pairs."""
    builder = InlineKeyboardBuilder()
    for key, title in choices:
        builder.button(text=title, callback_data=CannedCallback(ticket_no=ticket_no, key=key))
    builder.adjust(2)
    return builder.as_markup()


def rating(replies: Replies, locale: str, ticket_no: str) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for score in range(1, 6):
        builder.button(
            text="⭐" * score, callback_data=RateCallback(ticket_no=ticket_no, score=score)
        )
    builder.button(
        text=replies.text("button.rate_skip", locale),
        callback_data=RateCallback(ticket_no=ticket_no, score=0),
    )
    builder.adjust(1)
    return builder.as_markup()
