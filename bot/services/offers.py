"""Offers the bot makes with buttons, answered by typing a bare yes or no.

"要我帮您催一下吗？ [帮我催一下] [转人工客服]", "要我帮您转人工客服吗？ [转人工客服] [不是]",
"确定要取消订单吗？ [取消订单] [保留订单]": a customer who types "好的" / "yes please" or
"不用了" / "no thanks" instead of pressing means the offer. What an offer is comes from the
buttons themselves (:func:`offer_in`: a job about one order, else a person), so every message
sent with such buttons is answerable, wherever it is said. :meth:`Conversation.say` keeps the
offer in the chat memory (``ChatMemory.offer``); the next update takes it out, whatever that
update is, so an offer is answered by the very next message or not at all — and not after
``OFFER_TTL_S`` (a "yes" typed the next day means something else).
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import InlineKeyboardMarkup

from bot.keyboards import HumanCallback, OrderJobCallback
from bot.services.memory import Offer

OFFER_TTL_S = 900
"""How long an offer can be answered with a bare yes (as long as the chat's topic counts)."""

_JOB = f"{OrderJobCallback.__prefix__}{OrderJobCallback.__separator__}"
_HUMAN = f"{HumanCallback.__prefix__}{HumanCallback.__separator__}"
ANSWERED_JOBS = frozenset({"urge", "exchange", "return", "cancel"})
"""The jobs a yes starts (``keep`` is the "no" of a cancel)."""


def offer_in(markup: object) -> Offer | None:
    """The offer a message's buttons make: its job about one order when it has one (the
    first such button: urge, exchange instead, cancel…), else a person; ``None`` for buttons
    that offer nothing (feedback, choices, a flow's own questions)."""
    if not isinstance(markup, InlineKeyboardMarkup):
        return None
    human: Offer | None = None
    for row in markup.inline_keyboard:
        for button in row:
            data = button.callback_data
            if not data:
                continue
            if data.startswith(_JOB):
                job = OrderJobCallback.unpack(data)
                if job.job in ANSWERED_JOBS:
                    return Offer(
                        kind="job", job=job.job, order_no=job.order_no, at=datetime.now(UTC)
                    )
            elif human is None and data.startswith(_HUMAN):
                person = HumanCallback.unpack(data)
                if person.accept:
                    human = Offer(kind="human", reason=person.reason, at=datetime.now(UTC))
    return human


def fresh(offer: Offer, now: datetime | None = None) -> bool:
    """Still answerable: made less than ``OFFER_TTL_S`` ago."""
    now = now or datetime.now(UTC)
    return now - offer.at <= timedelta(seconds=OFFER_TTL_S)


async def take_buttons_off(bot: Bot, chat_id: int, offer: Offer) -> None:
    """The offer was answered in words: its buttons go (a message Telegram won't edit any
    more keeps them; pressing one then is the same answer again)."""
    if offer.message_id is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await bot.edit_message_reply_markup(
            chat_id=chat_id, message_id=offer.message_id, reply_markup=None
        )
