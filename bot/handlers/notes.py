"""A note for the order (备注): the steps of ``bot.flows.notes`` — its words typed, and the note
read back confirmed by its buttons or in words. The request itself comes in as the order job
``note`` (``bot.handlers.orders``: the order is found first)."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.filters import HasText, InState
from bot.flows.base import Flows
from bot.flows.notes import OrderNote, OrderNoteFlow
from bot.keyboards import ConfirmNoteCallback
from intents import Decision


def get_router() -> Router:
    """The note flow's state and button handlers (under the flows router)."""
    router = Router(name=__name__)
    router.message.filter(InState(OrderNote))

    @router.message(OrderNote.waiting_for_text, HasText())
    async def on_note_text(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderNoteFlow).text_typed(message.text or "", decision)

    @router.message(OrderNote.waiting_for_confirm, HasText())
    async def on_note_confirm_typed(
        message: Message, flows: Flows, decision: Decision | None = None
    ) -> None:
        await flows.get(OrderNoteFlow).confirm_typed(message.text or "", decision)

    @router.callback_query(OrderNote.waiting_for_confirm, ConfirmNoteCallback.filter())
    async def on_note_confirmed(
        query: CallbackQuery, callback_data: ConfirmNoteCallback, flows: Flows
    ) -> None:
        await flows.get(OrderNoteFlow).confirmed(callback_data.confirm)

    return router
