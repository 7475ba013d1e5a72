"""One forum topic per ticket, created exactly once whatever the concurrency.

Who creates it: the desk consumer of ``ticket.opened`` (a durable queue all bot processes
compete for, acked only after the topic is bound), and the desk's sweep for tickets that have
waited ``TOPICLESS_S`` without a topic (an event lost between the worker's commit and its
publish). Both call :func:`ensure_topic`:

1. ``tickets.get`` — nothing to do if the ticket has a topic or is closed;
2. ``createForumTopic``;
3. ``tickets.set_topic``, a compare-and-set in the worker: the first topic bound wins; a loser
   (another process, a redelivered event) deletes its own topic;
4. the context card, from the ticket as of the bind (everything the customer said until then;
   from then on their messages are copied into the bound topic as they come), recorded with
   a second ``tickets.set_topic`` of the same topic, then the customer's files.

A process that dies between 2 and 3 leaves an empty topic behind (the Bot API cannot list
topics to clean it up later); the redelivered event still ends with exactly one bound topic,
and a process that dies between 3 and 4 leaves the card to the redelivery.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramRetryAfter
from aiogram.types import InputMediaPhoto, InputMediaVideo
from prometheus_client import Counter

from bot.desk import keyboards, texts
from bus.contracts import (
    Attachment,
    BindTopic,
    GetTicket,
    OrderReturnView,
    TicketFound,
    TicketView,
    TopicBound,
    TopicTaken,
)
from bus.errors import BusRemoteError

if TYPE_CHECKING:
    from bot.desk.service import Desk

logger = logging.getLogger(__name__)

TOPICLESS_S = 20
TOPICS = Counter(
    "kefu_desk_topics_total", "Forum topics the desk created, by outcome.", ["outcome"]
)
# (a wrong item is the shop's mistake like a quality problem: the same colour)
ICONS = {
    "complaint": 0xFB6F5F,
    "quality": 0xFFD67E,
    "wrong_item": 0xFFD67E,
    "ineligible": 0xCB86DB,
}
DEFAULT_ICON = 0x6FB9F0


async def ensure_topic(desk: Desk, bot: Bot, ticket_no: str) -> None:
    """Make sure the ticket has its topic and card (see the module docstring). Raises what
    Telegram or the bus raised, for the caller to retry."""
    found = await desk.rpc.call(GetTicket(ticket_no=ticket_no))
    if not isinstance(found, TicketFound):
        logger.warning("ticket %s is not known to the worker; no topic", ticket_no)
        return
    ticket = found.ticket
    if ticket.state == "closed" or ticket.card_message_id is not None:
        return
    if ticket.topic_id is not None and ticket.desk_chat_id == desk.chat_id:
        # Bound by a process that died before the card: this one posts it.
        await _post_card(desk, bot, ticket.ticket_no, ticket.topic_id)
        return
    if ticket.topic_id is not None:
        return  # bound in another agents' group (AGENTS_CHAT_ID changed): left alone
    name = texts.topic_name(desk.replies, desk.locale, ticket, desk.titles)
    try:
        topic = await bot.create_forum_topic(
            desk.chat_id, name, icon_color=ICONS.get(ticket.reason, DEFAULT_ICON)
        )
    except TelegramRetryAfter as exc:
        await asyncio.sleep(min(exc.retry_after, 30))
        raise
    thread = topic.message_thread_id
    reply = await desk.rpc.call(
        BindTopic(
            idempotency_key=f"bind:{ticket.ticket_no}:{thread}",
            ticket_no=ticket.ticket_no,
            desk_chat_id=desk.chat_id,
            topic_id=thread,
        )
    )
    if isinstance(reply, TopicTaken):
        TOPICS.labels("lost_race").inc()
        logger.info("ticket %s already has a topic: deleting ours (%d)", ticket_no, thread)
        try:
            await bot.delete_forum_topic(desk.chat_id, thread)
        except TelegramAPIError as exc:
            logger.warning("could not delete the extra topic %d: %s", thread, exc)
        return
    if not isinstance(reply, TopicBound):
        logger.warning("ticket %s vanished while its topic was made", ticket_no)
        return
    TOPICS.labels("created").inc()
    logger.info("ticket %s has topic %d", ticket_no, thread)
    await _post_card(desk, bot, ticket.ticket_no, thread, reply.ticket)


async def _post_card(
    desk: Desk, bot: Bot, ticket_no: str, thread: int, ticket: TicketView | None = None
) -> None:
    """The card (as of the bind: everything said before it) and the customer's files."""
    if ticket is None:
        bound = await desk.rpc.call(
            BindTopic(
                idempotency_key=f"bind:{ticket_no}:{thread}",
                ticket_no=ticket_no,
                desk_chat_id=desk.chat_id,
                topic_id=thread,
            )
        )
        if not isinstance(bound, TopicBound):
            return
        ticket = bound.ticket
    card = await bot.send_message(
        desk.chat_id,
        texts.card(desk.replies, desk.locale, ticket, desk.titles),
        message_thread_id=thread,
        reply_markup=keyboards.card(
            desk.replies, desk.locale, ticket.ticket_no, taken=ticket.state == "with_agent"
        ),
    )
    try:
        await desk.rpc.call(
            BindTopic(
                idempotency_key=f"card:{ticket.ticket_no}:{thread}",
                ticket_no=ticket.ticket_no,
                desk_chat_id=desk.chat_id,
                topic_id=thread,
                card_message_id=card.message_id,
            )
        )
    except BusRemoteError as exc:
        if exc.code != "idempotency_conflict":
            raise
        # Another process took the topic's card first (it read the ticket bound and cardless
        # at the same moment as this one): its card stays, this one goes.
        TOPICS.labels("lost_race").inc()
        logger.info("ticket %s already has its card: deleting ours", ticket.ticket_no)
        try:
            await bot.delete_message(desk.chat_id, card.message_id)
        except TelegramAPIError as error:
            logger.warning("could not delete the extra card %d: %s", card.message_id, error)
        return
    await _post_attachments(desk, bot, thread, ticket)


async def _post_attachments(desk: Desk, bot: Bot, thread: int, ticket: TicketView) -> None:
    """The files the customer sent before the escalation, by file id: photos and videos as
    albums of up to ten, the rest one by one."""
    if not ticket.attachments:
        return
    await desk.post(bot, desk.t("desk.attachments"), thread)
    visual = [a for a in ticket.attachments if a.kind in ("photo", "video")]
    for start in range(0, len(visual), 10):
        chunk = visual[start : start + 10]
        try:
            if len(chunk) == 1:
                await _send_one(desk, bot, thread, chunk[0])
            else:
                await bot.send_media_group(
                    desk.chat_id,
                    [_media(a) for a in chunk],
                    message_thread_id=thread,
                )
        except TelegramAPIError as exc:
            logger.warning("attachments of %s could not be posted: %s", ticket.ticket_no, exc)
    for attachment in ticket.attachments:
        if attachment.kind in ("photo", "video"):
            continue
        try:
            await _send_one(desk, bot, thread, attachment)
        except TelegramAPIError as exc:
            logger.warning("an attachment of %s could not be posted: %s", ticket.ticket_no, exc)


async def post_return_photos(
    desk: Desk, bot: Bot, thread: int | None, returns: Sequence[OrderReturnView]
) -> None:
    """The photos the customer sent for each return (``/order``), by file id: one, or albums
    of up to ten, after a line naming the return."""
    for record in returns:
        if not record.photos:
            continue
        await desk.post(bot, desk.t("desk.order.photos_follow", return_no=record.return_no), thread)
        photos = [
            Attachment(kind="photo", file_id=p.file_id, caption=p.caption) for p in record.photos
        ]
        for start in range(0, len(photos), 10):
            chunk = photos[start : start + 10]
            try:
                if len(chunk) == 1:
                    await _send_one(desk, bot, thread, chunk[0])
                else:
                    await bot.send_media_group(
                        desk.chat_id, [_media(a) for a in chunk], message_thread_id=thread
                    )
            except TelegramAPIError as exc:
                logger.warning("photos of %s could not be posted: %s", record.return_no, exc)


def _media(a: Attachment) -> InputMediaPhoto | InputMediaVideo:
    caption = texts.escape_caption(a.caption)
    if a.kind == "video":
        return InputMediaVideo(media=a.file_id, caption=caption)
    return InputMediaPhoto(media=a.file_id, caption=caption)


async def _send_one(desk: Desk, bot: Bot, thread: int | None, a: Attachment) -> None:
    caption = texts.escape_caption(a.caption)
    chat = desk.chat_id
    if a.kind == "photo":
        await bot.send_photo(chat, a.file_id, caption=caption, message_thread_id=thread)
    elif a.kind == "video":
        await bot.send_video(chat, a.file_id, caption=caption, message_thread_id=thread)
    elif a.kind == "voice":
        await bot.send_voice(chat, a.file_id, caption=caption, message_thread_id=thread)
    elif a.kind == "sticker":
        await bot.send_sticker(chat, a.file_id, message_thread_id=thread)
    else:
        await bot.send_document(chat, a.file_id, caption=caption, message_thread_id=thread)
