"""The bot's two-button choices are one keyboard (``keyboards.yes_no``) with their own labels
and callbacks: one row, the "yes" button first, each button's data unpacking to its callback
with the choice it stands for."""

from collections.abc import Callable

import pytest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup

from bot import keyboards
from bot.keyboards import (
    ConfirmAddressCallback,
    ConfirmExchangeCallback,
    ConfirmReturnCallback,
    FeedbackCallback,
    HumanCallback,
    OrderJobCallback,
    ResaleCallback,
)
from replies.render import Replies
from shop.policy import load_policy


def label(key: str, **_: object) -> str:
    return f"<{key}>"


CHOICES: list[tuple[str, Callable[[], InlineKeyboardMarkup], tuple[str, str], tuple]] = [
    (
        "yes_no",
        lambda: keyboards.yes_no(label, lambda fit: ResaleCallback(fit=fit)),
        ("button.yes", "button.no"),
        (ResaleCallback(fit=True), ResaleCallback(fit=False)),
    ),
    (
        "offer_human",
        lambda: keyboards.offer_human(label, "quality"),
        ("button.human", "button.no"),
        (
            HumanCallback(reason="quality", accept=True),
            HumanCallback(reason="quality", accept=False),
        ),
    ),
    (
        "feedback",
        lambda: keyboards.feedback(label, "shipping.fee"),
        ("button.solved", "button.not_solved"),
        (
            FeedbackCallback(intent="shipping.fee", solved=True),
            FeedbackCallback(intent="shipping.fee", solved=False),
        ),
    ),
    (
        "confirm_exchange",
        lambda: keyboards.confirm_exchange(label),
        ("button.confirm_exchange", "button.cancel"),
        (ConfirmExchangeCallback(confirm=True), ConfirmExchangeCallback(confirm=False)),
    ),
    (
        "confirm_return",
        lambda: keyboards.confirm_return(label),
        ("button.confirm_return", "button.cancel"),
        (ConfirmReturnCallback(confirm=True), ConfirmReturnCallback(confirm=False)),
    ),
    (
        "confirm_cancel",
        lambda: keyboards.confirm_cancel(label, "KF20250101"),
        ("button.cancel_order", "button.keep_order"),
        (
            OrderJobCallback(job="cancel", order_no="KF20250101"),
            OrderJobCallback(job="keep", order_no="KF20250101"),
        ),
    ),
    (
        "confirm_or_edit",
        lambda: keyboards.confirm_or_edit(label, lambda ok: ConfirmAddressCallback(confirm=ok)),
        ("button.confirm", "button.edit"),
        (ConfirmAddressCallback(confirm=True), ConfirmAddressCallback(confirm=False)),
    ),
]


@pytest.mark.parametrize(("name", "build", "labels", "data"), CHOICES, ids=[c[0] for c in CHOICES])
def test_a_choice_is_one_row_of_two_buttons(
    name: str,
    build: Callable[[], InlineKeyboardMarkup],
    labels: tuple[str, str],
    data: tuple[CallbackData, CallbackData],
) -> None:
    [row] = build().inline_keyboard
    assert [button.text for button in row] == [f"<{key}>" for key in labels]
    assert [button.callback_data for button in row] == [d.pack() for d in data]
    for button, expected in zip(row, data, strict=True):
        assert type(expected).unpack(button.callback_data or "") == expected


def test_every_label_of_the_choices_is_written_in_every_language() -> None:
    replies = Replies(load_policy())
    keys = {key for _, _, labels, _ in CHOICES for key in labels}
    for locale in replies.locales:
        for key in keys:
            assert replies.text(key, locale).strip(), (locale, key)


def test_feedback_is_built_once_per_intent_and_language() -> None:
    cache: keyboards.KeyboardCache = {}
    first = keyboards.feedback(label, "shipping.fee", cache, "zh_CN")
    assert keyboards.feedback(label, "shipping.fee", cache, "zh_CN") is first
    assert keyboards.feedback(label, "shipping.fee", cache, "en") is not first
    assert len(cache) == 2


def test_the_offer_of_a_person_is_built_once_per_reason_and_language() -> None:
    cache: keyboards.KeyboardCache = {}
    first = keyboards.offer_human(label, "other", cache, "zh_CN")
    assert keyboards.offer_human(label, "other", cache, "zh_CN") is first
    assert keyboards.offer_human(label, "discount", cache, "zh_CN") is not first
    assert keyboards.offer_human(label, "other", cache, "en") is not first
    # one cache for both kinds: the feedback pair of an intent named like a reason is its own
    assert keyboards.feedback(label, "other", cache, "zh_CN") is not first
    assert len(cache) == 4
    reason = HumanCallback.unpack(first.inline_keyboard[0][0].callback_data or "").reason
    assert reason == "other"
