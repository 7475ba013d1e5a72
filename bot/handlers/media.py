"""Photos, documents, stickers, voice: answered politely and kept for the agent; and the last
word on anything no other handler took (a message of another kind, a button that is stale or
forged).

Attachments are remembered with the chat; they go into the ticket when the chat is escalated,
and refresh the open ticket when it already is.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Literal

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from bot.middlewares import describe_message
from bot.services import return_photos
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.settings import BotSettings
from bus import Bus
from bus.contracts import AppendToTicket, Attachment, TranscriptLine
from replies.render import Replies

logger = logging.getLogger(__name__)


AttachmentKind = Literal["photo", "video", "voice", "document", "sticker"]


def attachment_of(message: Message) -> tuple[AttachmentKind, str] | None:
    """(kind, file_id) of what the customer sent, in the ticket's kinds."""
    if message.photo:
        return "photo", message.photo[-1].file_id  # the largest size
    if message.video:
        return "video", message.video.file_id
    if message.voice:
        return "voice", message.voice.file_id
    if message.audio:
        return "voice", message.audio.file_id
    if message.document:
        return "document", message.document.file_id
    if message.sticker:
        return "sticker", message.sticker.file_id
    if message.video_note:
        return "video", message.video_note.file_id
    return None


def her_message_appended(message: Message, *, ticket_no: str | None = None) -> AppendToTicket:
    """Her message for her ticket's transcript — its words (or what she sent) and its file — on
    ``ticket_no``, else on her chat's open ticket. Keyed by the message: a redelivered update
    is appended once."""
    chat_id = message.chat.id
    found = attachment_of(message)
    return AppendToTicket(
        idempotency_key=f"in:{chat_id}:{message.message_id}",
        **({"ticket_no": ticket_no} if ticket_no is not None else {"chat_id": chat_id}),
        role="customer",
        lines=[
            TranscriptLine(
                role="customer",
                text=describe_message(message)[:4096],
                at=datetime.now(UTC),
                message_id=message.message_id,
            )
        ],
        attachments=[
            Attachment(
                kind=found[0], file_id=found[1], caption=(message.caption or "")[:1000] or None
            )
        ]
        if found is not None
        else [],
    )


class HasAttachment(Filter):
    """A photo, video, voice message, document or sticker: the handler gets it as
    ``attachment``."""

    async def __call__(self, message: Message) -> dict[str, Attachment] | bool:
        found = attachment_of(message)
        if found is None:
            return False
        caption = (message.caption or "")[:1000] or None
        return {"attachment": Attachment(kind=found[0], file_id=found[1], caption=caption)}


REPLY_KEY: dict[str, str] = {
    "photo": "media.photo",
    "video": "media.document",
    "document": "media.document",
    "voice": "media.voice",
    "sticker": "media.sticker",
}


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(HasAttachment())
    async def handle_attachment(
        message: Message, attachment: Attachment, conv: Conversation, rpc: Bus, state: FSMContext
    ) -> None:
        kind = attachment.kind
        conv.memory.add_attachment(attachment)
        escalated = conv.desk is None and bool(conv.memory.ticket)
        if (
            kind == "photo"
            and not escalated
            and await return_photos.handle_photo(conv, rpc, state, message)
        ):
            return  # kept with her return (or held for the one being made), and said so
        if kind == "photo" and (loose := return_photos.photo_of(message)) is not None:
            conv.memory.hold_loose_photo(loose)  # for a return she may ask next
        markup = None
        key = REPLY_KEY[kind]
        if escalated and kind != "sticker":
            # Already escalated: the new attachment joins the open ticket.
            await open_ticket(conv, rpc, reason="other", announce=False)
        elif kind in ("photo", "video", "document"):
            # No ticket holds it yet: kept for one, and a person is one button away (never
            # "passed to a colleague" while nothing was passed).
            key = "media.photo_kept" if kind == "photo" else "media.document_kept"
            # evidence for a colour or quality question goes to after-sales as such
            reason = "quality" if conv.memory.evidence_for else "other"
            markup = conv.offer_human(reason)
        await conv.say(conv.t(key), reply_markup=markup)

    @router.message()
    async def handle_other_message(message: Message, conv: Conversation) -> None:
        await conv.say(conv.t("media.other"))

    @router.callback_query(flags={"callback_answer": {"pre": False}})
    async def on_stale_button(
        query: CallbackQuery, callback_answer: CallbackAnswer, conv: Conversation | None = None
    ) -> None:
        """A button of a flow that has moved on, or callback data no filter accepts (made up,
        or out of range): a short answer on the button itself, nothing else happens."""
        logger.info("a button nobody handles was pressed (chat %s)", conv.chat_id if conv else "-")
        if conv is not None:
            callback_answer.text = conv.t("button.stale")

    return router


def get_stray_buttons_router() -> Router:
    """A button pressed outside a private chat: under a message in a group that is not the
    agents' (forged: the bot never writes there), or under an inline-mode message (no message,
    no chat). Its spinner is stopped with the stale-button note; nothing else happens."""
    router = Router(name=f"{__name__}.strays")

    @router.callback_query(flags={"callback_answer": {"pre": False}})
    async def on_stray_button(
        query: CallbackQuery,
        callback_answer: CallbackAnswer,
        replies: Replies,
        settings: BotSettings,
    ) -> None:
        logger.info("a button outside a private chat was pressed; answered, nothing done")
        callback_answer.text = replies.text("button.stale", settings.default_locale)

    return router
