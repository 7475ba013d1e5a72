"""Keyboards and callback data. Callback payloads stay under Telegram's 64 bytes.

Callback data comes back from the customer's client and can be forged: every field is bounded
(ids within the database's range, order numbers by their pattern), so a made-up button fails
its filter and gets the "button no longer valid" answer instead of reaching the bus. Errors
never echo the input.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from typing import Annotated, Literal

from aiogram.exceptions import TelegramBadRequest
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    MaybeInaccessibleMessageUnion,
    Message,
    ReplyKeyboardMarkup,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder, ReplyKeyboardBuilder
from pydantic import ConfigDict, Field

from bus.contracts import MAX_ROW_ID, ORDER_NO_PATTERN
from replies.render import Replies
from shop.enums import InvoiceTitleType, ReturnCause


async def remove_buttons(message: MaybeInaccessibleMessageUnion | None) -> None:
    """Take the buttons off the message a customer pressed one of. A message without them is
    left alone, and so is one Telegram will not edit: a second tap of the same button (its
    buttons are already gone: "message is not modified"), a message too old to edit — neither
    is worth an apology to the customer (found by tests/e2e/test_fuzz_updates.py)."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    with contextlib.suppress(TelegramBadRequest):
        await message.edit_reply_markup(reply_markup=None)


# Lax on purpose (callback data arrives as text: "12" is the item 12), bounded, and silent
# about the input in errors.
CALLBACK_CONFIG = ConfigDict(hide_input_in_errors=True)
RowId = Annotated[int, Field(ge=1, le=MAX_ROW_ID)]
Token = Annotated[str, Field(min_length=1, max_length=40)]


class LangCallback(CallbackData, prefix="lang"):
    model_config = CALLBACK_CONFIG
    locale: Token


class ClarifyCallback(CallbackData, prefix="clr"):
    model_config = CALLBACK_CONFIG
    intent: Token


class HumanCallback(CallbackData, prefix="hum"):
    model_config = CALLBACK_CONFIG
    reason: Token
    accept: bool


class FeedbackCallback(CallbackData, prefix="fb"):
    model_config = CALLBACK_CONFIG
    intent: Token
    solved: bool


OrderFlow = Literal["q", "x", "r", "i", "p"]
"""Which flow an order button belongs to: a question about the order, an exchange, a return,
an invoice, a price difference asked back."""


class OrderPickCallback(CallbackData, prefix="ord"):
    model_config = CALLBACK_CONFIG
    flow: OrderFlow
    order_no: str = Field(pattern=ORDER_NO_PATTERN)


class ItemPickCallback(CallbackData, prefix="itm"):
    model_config = CALLBACK_CONFIG
    item_id: RowId


class VariantPickCallback(CallbackData, prefix="var"):
    model_config = CALLBACK_CONFIG
    size: str = Field(min_length=1, max_length=10)
    color: str = Field(min_length=1, max_length=20)


class ResaleCallback(CallbackData, prefix="rsl"):
    model_config = CALLBACK_CONFIG
    fit: bool


class ConfirmExchangeCallback(CallbackData, prefix="xcf"):
    model_config = CALLBACK_CONFIG
    confirm: bool


class ProductPickCallback(CallbackData, prefix="prd"):
    model_config = CALLBACK_CONFIG
    product_id: RowId


T = Callable[..., str]


def languages(replies: Replies, current: str) -> InlineKeyboardMarkup:
    """One button per locale the replies have, named in its own language."""
    builder = InlineKeyboardBuilder()
    for locale in replies.locales:
        mark = "✓ " if locale == current else ""
        label = replies.text("language_name", locale)
        builder.button(text=f"{mark}{label}", callback_data=LangCallback(locale=locale))
    return builder.as_markup()


KeyboardCache = dict[tuple[str, str, str], InlineKeyboardMarkup]
"""Keyboards that depend on the language and one key only (the solved / not solved pair of an
intent, the "talk to a person" offer of a reason), built so far: (kind, locale, key) → markup.
Kept per dispatcher; a keyboard is never changed once built."""

CACHE_LIMIT = 2000


def _cached(
    cache: KeyboardCache | None,
    key: tuple[str, str, str],
    build: Callable[[], InlineKeyboardMarkup],
) -> InlineKeyboardMarkup:
    if cache is None:
        return build()
    markup = cache.get(key)
    if markup is None:
        markup = build()
        if len(cache) < CACHE_LIMIT:
            cache[key] = markup
    return markup


def yes_no(
    t: T,
    factory: Callable[[bool], CallbackData],
    yes: str = "button.yes",
    no: str = "button.no",
) -> InlineKeyboardMarkup:
    """The two-button choice, side by side: ``yes`` (a reply key) sends ``factory(True)``,
    ``no`` sends ``factory(False)``. Every yes / no, confirm / cancel and solved / not solved
    pair of the bot is this one keyboard with its own labels and callback."""
    builder = InlineKeyboardBuilder()
    builder.button(text=t(yes), callback_data=factory(True))
    builder.button(text=t(no), callback_data=factory(False))
    return builder.as_markup()


def feedback(
    t: T, intent: str, cache: KeyboardCache | None = None, locale: str = ""
) -> InlineKeyboardMarkup:
    """The solved / not solved pair under an answer.

    With ``cache`` (a dict kept per dispatcher) and ``locale`` it is built once per intent
    and language: it goes under most answers, and rendering two labels and building a keyboard
    cost more than the rest of a policy turn.
    """
    return _cached(
        cache,
        ("feedback", locale, intent),
        lambda: yes_no(
            t,
            lambda solved: FeedbackCallback(intent=intent, solved=solved),
            "button.solved",
            "button.not_solved",
        ),
    )


def ask_this(title: str, intent: str) -> InlineKeyboardMarkup:
    """One button that asks the chat's pending question as ``intent`` (a job asked beside
    another question in one message)."""
    builder = InlineKeyboardBuilder()
    builder.button(text=title, callback_data=ClarifyCallback(intent=intent))
    return builder.as_markup()


def clarify(t: T, choices: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """``choices``: (intent id, title) pairs; a last row says "none of these"."""
    builder = InlineKeyboardBuilder()
    for intent, title in choices:
        builder.button(text=title, callback_data=ClarifyCallback(intent=intent))
    builder.button(text=t("button.none_of_these"), callback_data=ClarifyCallback(intent="-"))
    builder.adjust(1)
    return builder.as_markup()


def offer_human(
    t: T, reason: str, cache: KeyboardCache | None = None, locale: str = ""
) -> InlineKeyboardMarkup:
    """ "Talk to a person?" yes / no, the ticket's ``reason`` in the callback (built once per
    reason and language with ``cache``: it goes under every repeated answer, every refusal)."""
    return _cached(
        cache,
        ("human", locale, reason),
        lambda: yes_no(
            t, lambda accept: HumanCallback(reason=reason, accept=accept), "button.human"
        ),
    )


def share_contact(t: T) -> ReplyKeyboardMarkup:
    builder = ReplyKeyboardBuilder()
    builder.add(KeyboardButton(text=t("contact.button"), request_contact=True))
    return builder.as_markup(resize_keyboard=True, one_time_keyboard=True)


def orders(flow: OrderFlow, rows: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """``rows``: (order number, label) pairs."""
    builder = InlineKeyboardBuilder()
    for order_no, label in rows:
        builder.button(text=label, callback_data=OrderPickCallback(flow=flow, order_no=order_no))
    builder.adjust(1)
    return builder.as_markup()


def items(rows: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for item_id, label in rows:
        builder.button(text=label, callback_data=ItemPickCallback(item_id=item_id))
    builder.adjust(1)
    return builder.as_markup()


def variants(rows: Iterable[tuple[str, str, str]]) -> InlineKeyboardMarkup:
    """``rows``: (size, colour, label)."""
    builder = InlineKeyboardBuilder()
    for size, color, label in rows:
        builder.button(text=label, callback_data=VariantPickCallback(size=size, color=color))
    builder.adjust(2)
    return builder.as_markup()


def products(rows: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for product_id, label in rows:
        builder.button(text=label, callback_data=ProductPickCallback(product_id=product_id))
    builder.adjust(1)
    return builder.as_markup()


def confirm_exchange(t: T) -> InlineKeyboardMarkup:
    return yes_no(
        t,
        lambda confirm: ConfirmExchangeCallback(confirm=confirm),
        "button.confirm_exchange",
        "button.cancel",
    )


# ── returns, changes before shipping, orders that need attention (issue 13) ────────────────


class ReturnItemCallback(CallbackData, prefix="rti"):
    """An item to return; 0: every item of the order that can go back."""

    model_config = CALLBACK_CONFIG
    item_id: Annotated[int, Field(ge=0, le=MAX_ROW_ID)]


class ReturnCauseCallback(CallbackData, prefix="rtc"):
    model_config = CALLBACK_CONFIG
    cause: ReturnCause


class ConfirmReturnCallback(CallbackData, prefix="rtf"):
    model_config = CALLBACK_CONFIG
    confirm: bool


class ReturnPartCallback(CallbackData, prefix="rtk"):
    """The items that may go back, returned alone (the others of the return may not)."""

    model_config = CALLBACK_CONFIG
    keep: bool


class ReturnPhotoCallback(CallbackData, prefix="rtp"):
    """The return a photo she sent goes with, when she has several."""

    model_config = CALLBACK_CONFIG
    return_no: str = Field(pattern=r"^RT\d{8,20}$")


def return_photo_choice(return_numbers: Iterable[str]) -> InlineKeyboardMarkup:
    """One button per return (its number), for "which return is the photo for?"."""
    builder = InlineKeyboardBuilder()
    for return_no in return_numbers:
        builder.button(text=return_no, callback_data=ReturnPhotoCallback(return_no=return_no))
    builder.adjust(1)
    return builder.as_markup()


OrderJob = Literal["exchange", "urge", "cancel", "keep", "return", "receipt"]
"""A button about one order: start an exchange (offered when a return is refused), urge the
warehouse or the courier, cancel it (confirmed) or keep it, start a return."""


class OrderJobCallback(CallbackData, prefix="job"):
    model_config = CALLBACK_CONFIG
    job: OrderJob
    order_no: str = Field(pattern=ORDER_NO_PATTERN)


class ConfirmAddressCallback(CallbackData, prefix="adr"):
    model_config = CALLBACK_CONFIG
    confirm: bool


class ConfirmNoteCallback(CallbackData, prefix="nte"):
    """The note for the order read back, confirmed (or not) before it is written."""

    model_config = CALLBACK_CONFIG
    confirm: bool


class ConfirmSizeCallback(CallbackData, prefix="szc"):
    """The size or colour read from the customer's words, confirmed (or not): before an
    exchange's quote, or before a change to an order not shipped yet."""

    model_config = CALLBACK_CONFIG
    confirm: bool


def return_items(t: T, rows: Iterable[tuple[int, str]]) -> InlineKeyboardMarkup:
    """One button per item, and "all of them"."""
    builder = InlineKeyboardBuilder()
    for item_id, label in rows:
        builder.button(text=label, callback_data=ReturnItemCallback(item_id=item_id))
    builder.button(text=t("button.return_all"), callback_data=ReturnItemCallback(item_id=0))
    builder.adjust(1)
    return builder.as_markup()


RETURN_CAUSE_BUTTONS: tuple[ReturnCause, ...] = (
    "size",
    "changed_mind",
    "quality",
    "wrong_item",
    "not_as_described",
    "other",
)


def return_causes(t: T) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for cause in RETURN_CAUSE_BUTTONS:
        builder.button(
            text=t(f"returns.cause.{cause}"), callback_data=ReturnCauseCallback(cause=cause)
        )
    builder.adjust(2)
    return builder.as_markup()


def confirm_return(t: T) -> InlineKeyboardMarkup:
    return yes_no(
        t,
        lambda confirm: ConfirmReturnCallback(confirm=confirm),
        "button.confirm_return",
        "button.cancel",
    )


def job_or_person(
    t: T, order_no: str, job: OrderJob, label: str, reason: str
) -> InlineKeyboardMarkup:
    """An offer about one order (urge it, exchange instead…) beside the offer of a person."""
    builder = InlineKeyboardBuilder()
    builder.button(text=label, callback_data=OrderJobCallback(job=job, order_no=order_no))
    builder.button(text=t("button.human"), callback_data=HumanCallback(reason=reason, accept=True))
    builder.adjust(1)
    return builder.as_markup()


def with_receipt(t: T, markup: InlineKeyboardMarkup, order_no: str) -> InlineKeyboardMarkup:
    """``markup`` (a card's feedback pair) with "确认收货" under it: a parcel on its way or
    delivered is confirmed received in one tap (a bare yes never confirms it)."""
    button = InlineKeyboardButton(
        text=t("button.confirm_receipt"),
        callback_data=OrderJobCallback(job="receipt", order_no=order_no).pack(),
    )
    return InlineKeyboardMarkup(inline_keyboard=[*markup.inline_keyboard, [button]])


def confirm_cancel(t: T, order_no: str) -> InlineKeyboardMarkup:
    return yes_no(
        t,
        lambda cancel: OrderJobCallback(job="cancel" if cancel else "keep", order_no=order_no),
        "button.cancel_order",
        "button.keep_order",
    )


def confirm_or_edit(t: T, factory: Callable[[bool], CallbackData]) -> InlineKeyboardMarkup:
    return yes_no(t, factory, "button.confirm", "button.edit")


class InvoiceTypeCallback(CallbackData, prefix="ivt"):
    model_config = CALLBACK_CONFIG
    title_type: InvoiceTitleType


class ProductCategoryCallback(CallbackData, prefix="pcat"):
    model_config = CALLBACK_CONFIG
    category: Token


def invoice_types(t: T) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for title_type in ("personal", "company"):
        builder.button(
            text=t(f"invoice.type.{title_type}"),
            callback_data=InvoiceTypeCallback(title_type=title_type),
        )
    return builder.as_markup()


def categories(rows: Iterable[tuple[str, str]]) -> InlineKeyboardMarkup:
    """``rows``: (category, its name)."""
    builder = InlineKeyboardBuilder()
    for category, label in rows:
        builder.button(text=label, callback_data=ProductCategoryCallback(category=category))
    builder.adjust(3)
    return builder.as_markup()


def go_on_with(t: T, order_no: str, job: OrderJob) -> InlineKeyboardMarkup:
    """"Carry on with the return?": the job's one button (a bare yes typed answers it too)."""
    builder = InlineKeyboardBuilder()
    builder.button(
        text=t(f"button.go_on.{job}"), callback_data=OrderJobCallback(job=job, order_no=order_no)
    )
    return builder.as_markup()
