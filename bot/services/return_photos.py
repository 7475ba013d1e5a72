"""A photo for her return, kept with it (``returns.keep_photo``): "here's the stain" after the
bot confirmed return RT… is not "shall I pass it to a colleague?" — the photo goes on the
return, where the after-sales team and the agents see it, and she is told so.

Which return:

- the return flow is under way (not confirmed yet): the photo waits in the draft and goes on
  the return as it is made (``ReturnFlow.confirmed``); she is told it will;
- a return the bot made in this chat recently (``ChatMemory.done``): that one;
- the chat is about returns (its topic, or the photo's caption says so): her only live
  return; several — she picks one by its number (buttons), the photo kept meanwhile.

Anything else (no return in view, not linked, none live) is left to the media handler as
before. Only Telegram's reference to the photo travels (``file_id``, ``file_unique_id``), and
no log line carries the caption.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta

from aiogram.fsm.context import FSMContext
from aiogram.types import Message

from bot import keyboards
from bot.services import topic
from bot.services.conversation import Conversation
from bot.services.escalation import call_command
from bot.services.memory import HeldPhoto
from bus import Bus
from bus.contracts import KeepReturnPhoto, ReturnPhotoKept, ReturnPhotoRefused
from bus.errors import BusError

logger = logging.getLogger(__name__)

DONE_RETURN_S = 24 * 3600
"""How long after the bot made a return a photo is taken as being for it."""

_ABOUT_A_RETURN = re.compile(
    r"退货|退款|退回|寄回|要退|\breturn|\brefund|send(ing)? (it|them) back", re.I
)


def photo_of(message: Message) -> HeldPhoto | None:
    """The photo in her message (its largest size), as Telegram's reference."""
    if not message.photo:
        return None
    largest = message.photo[-1]
    return HeldPhoto(
        file_id=largest.file_id,
        file_unique_id=largest.file_unique_id,
        caption=(message.caption or "")[:1000] or None,
        message_id=message.message_id,
    )


def photo_key(user_id: int, photo: HeldPhoto, return_no: str | None) -> str:
    """One key per photo message and return: a redelivered update keeps it once, and the same
    photo put on the return she picked after "which one?" is a request of its own."""
    return f"tg:{user_id}:photo:{photo.message_id}:{return_no or 'any'}"


def return_in_view(conv: Conversation, now: datetime | None = None) -> str | None:
    """The return the bot made in this chat lately (its number)."""
    done = conv.memory.done
    if done is None or done.kind != "return" or not done.reference:
        return None
    if not done.reference.startswith("RT"):
        return None
    now = now or datetime.now(UTC)
    return done.reference if now - done.at <= timedelta(seconds=DONE_RETURN_S) else None


def about_returns(conv: Conversation, photo: HeldPhoto) -> bool:
    """The chat is about a return (its topic), or the photo's caption says it is."""
    current = topic.fresh(conv.memory)
    if current is not None and current.intent.startswith("returns."):
        return True
    return photo.caption is not None and _ABOUT_A_RETURN.search(photo.caption) is not None


async def keep(
    conv: Conversation, rpc: Bus, photo: HeldPhoto, return_no: str | None
) -> ReturnPhotoKept | ReturnPhotoRefused:
    request = KeepReturnPhoto(
        idempotency_key=photo_key(conv.user_id, photo, return_no),
        telegram_user_id=conv.user_id,
        return_no=return_no,
        file_id=photo.file_id,
        file_unique_id=photo.file_unique_id,
        caption=photo.caption,
    )
    return await call_command(conv, rpc, request)


async def say_kept(conv: Conversation, kept: ReturnPhotoKept) -> None:
    if kept.already:
        text = conv.t("return_photo.already", return_no=kept.return_no)
    elif kept.photos > 1:
        text = conv.t(
            "return_photo.kept_many",
            return_no=kept.return_no,
            order_no=kept.order_no,
            count=str(kept.photos),
        )
    else:
        text = conv.t("return_photo.kept", return_no=kept.return_no, order_no=kept.order_no)
    await conv.say(text)


async def handle_photo(
    conv: Conversation, rpc: Bus, state: FSMContext, message: Message
) -> bool:
    """The photo kept with her return (or held for the one being made), and said so; ``False``
    when it is not for a return (the media handler answers as before)."""
    photo = photo_of(message)
    if photo is None:
        return False
    raw_state = await state.get_state()
    if raw_state is not None and raw_state.startswith("ReturnRequest:"):
        from bot.flows.returns import ReturnFlow  # the flow imports the services

        return await ReturnFlow(conv, rpc, state).photo_sent(photo)
    named = return_in_view(conv)
    if named is None and not about_returns(conv, photo):
        return False
    try:
        reply = await keep(conv, rpc, photo, named)
    except BusError:
        logger.warning("a return's photo could not be kept (chat %s)", conv.chat_id)
        return False  # kept with the chat for a ticket, as any photo
    if isinstance(reply, ReturnPhotoKept):
        logger.info("chat %s: a photo kept with %s", conv.chat_id, reply.return_no)
        await say_kept(conv, reply)
        return True
    if reply.reason == "which_return":
        conv.memory.return_photo = photo
        await conv.say(
            conv.t("return_photo.which"),
            reply_markup=keyboards.return_photo_choice(reply.open_returns),
        )
        return True
    return False


async def return_picked(conv: Conversation, rpc: Bus, return_no: str) -> None:
    """The return she picked for the photo she sent: it goes on that one."""
    photo = conv.memory.return_photo
    if photo is None:
        await conv.say(conv.t("button.stale"))
        return
    reply = await keep(conv, rpc, photo, return_no)
    if isinstance(reply, ReturnPhotoKept):
        conv.memory.return_photo = None
        await say_kept(conv, reply)
        return
    conv.memory.return_photo = None
    await conv.say(conv.t("media.photo_kept"), reply_markup=conv.offer_human("other"))
