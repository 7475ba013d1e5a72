"""The agents' group: one topic per ticket, agents' commands and replies.

Who may act: the sender is checked against the group's members with ``getChatMember`` for
every update (briefly cached), never by the chat id alone; updates from any other chat never
reach these handlers; a forwarded message is neither relayed nor run as a command; bots and
anonymous admins are dropped before (bot/middlewares.py). An agent's message reaches only the
customer of the topic it was written in: the worker maps the topic to its ticket.

In a topic: ``/take``, ``/release`` (back to the queue), ``/close``, ``/order KF…``,
``/note [KF…] [flag] text``, ``/reveal``, ``/canned``; any other message is relayed to the
customer, ``//`` notes stay in the group.
Anywhere in the group: ``/queue``, ``/mine``, ``/open``, ``/history``, ``/help``; a mistyped
command gets the list of commands. Messages of one topic are handled in
order (a lock per topic in this process).
"""

from __future__ import annotations

import asyncio
import logging
import re
import weakref
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Router
from aiogram.filters import Command, CommandObject, Filter
from aiogram.types import CallbackQuery, ErrorEvent, Message, TelegramObject, User

from bot.desk import keyboards, texts, topics
from bot.desk.keyboards import CannedCallback, DeskCallback
from bot.desk.service import Agent, Desk
from bot.services.orders import order_view_of
from bus.contracts import (
    AddRemark,
    GetTicket,
    ListLive,
    ListMine,
    ListQueue,
    LookupTicketOrder,
    NoOrder,
    NothingToReveal,
    OrderFound,
    ReleaseRefused,
    RemarkAdded,
    RevealContact,
    Revealed,
    TakeRefused,
    TicketFound,
    TicketHistory,
    TicketList,
    TicketTaken,
    TicketView,
)
from bus.errors import BusError
from replies.render import Html
from shop.enums import RemarkFlag

logger = logging.getLogger(__name__)

ORDER_NO = re.compile(r"^KF\d{8}$", re.IGNORECASE)
TICKET_NO = re.compile(r"^T\d{8,16}$")
CHAT_ID = re.compile(r"^-?\d{1,15}$")
LIST_LIMIT = 50
FLAGS: dict[str, RemarkFlag] = {
    "red": "red", "红": "red", "红旗": "red",
    "blue": "blue", "蓝": "blue", "蓝旗": "blue",
    "purple": "purple", "紫": "purple", "紫旗": "purple",
    "green": "green", "绿": "green", "绿旗": "green",
}  # fmt: skip
CONTENT = (
    "text", "photo", "document", "voice", "video", "sticker", "audio", "animation",
    "video_note", "location", "contact",
)  # fmt: skip


class InChat(Filter):
    """The update comes from this chat (messages, and presses on its messages)."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id

    async def __call__(self, event: TelegramObject) -> bool:
        if isinstance(event, CallbackQuery):
            message = event.message
            return message is not None and message.chat.id == self.chat_id
        return isinstance(event, Message) and event.chat.id == self.chat_id


class ErrorInChat(Filter):
    """An error while handling an update from this chat."""

    def __init__(self, chat_id: int) -> None:
        self.chat_id = chat_id

    async def __call__(self, event: ErrorEvent) -> bool:
        update = event.update
        if update.message is not None:
            return update.message.chat.id == self.chat_id
        query = update.callback_query
        return (
            query is not None
            and query.message is not None
            and (query.message.chat.id == self.chat_id)
        )


class IsCommand(Filter):
    """A message that reads as a bot command ("/word…"); not a "//" note."""

    async def __call__(self, message: Message) -> bool:
        text = message.text or ""
        return text.startswith("/") and not text.startswith("//")


class InTopic(Filter):
    async def __call__(self, message: Message) -> bool:
        return message.message_thread_id is not None and bool(message.is_topic_message)


class HasContent(Filter):
    """A message someone wrote (not a service message such as "topic renamed")."""

    async def __call__(self, message: Message) -> bool:
        return any(getattr(message, kind) is not None for kind in CONTENT)


Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AgentGate(BaseMiddleware):
    """Runs only for handlers of this router (after its filters): lets through members of the
    agents' group, as ``data["agent"]``, and nothing forwarded."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = weakref.WeakValueDictionary()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        bot: Bot = data["bot"]
        if user is None or user.is_bot:
            return None
        if not await self.desk.members.is_agent(bot, user.id):
            logger.info(
                "ignored an update from user %s, not a member of the agents' group", user.id
            )
            return None  # a button was answered already (CallbackAnswerMiddleware)
        if isinstance(event, Message) and (
            event.forward_origin is not None or event.is_automatic_forward
        ):
            await self.desk.post(
                bot,
                self.desk.t("desk.forwarded"),
                event.message_thread_id,
                reply_to=event.message_id,
            )
            return None
        data["agent"] = Agent(user.id, user.full_name[:50] or str(user.id))
        thread = event.message_thread_id if isinstance(event, Message) else None
        if thread is None:
            return await handler(event, data)
        lock = self._locks.get(thread)
        if lock is None:
            lock = self._locks[thread] = asyncio.Lock()
        async with lock:  # one topic's messages in the order they came
            return await handler(event, data)


async def _ticket_of(desk: Desk, bot: Bot, message: Message) -> TicketView | None:
    """The ticket of the topic the command was written in."""
    if message.message_thread_id is None or not message.is_topic_message:
        await desk.post(
            bot,
            desk.t("desk.in_topic_only"),
            message.message_thread_id,
            reply_to=message.message_id,
        )
        return None
    found = await desk.rpc.call(
        GetTicket(desk_chat_id=desk.chat_id, topic_id=message.message_thread_id)
    )
    if not isinstance(found, TicketFound):
        await desk.post(
            bot,
            desk.t("desk.not_a_ticket"),
            message.message_thread_id,
            reply_to=message.message_id,
        )
        return None
    return found.ticket


def _key(verb: str, message: Message) -> str:
    return f"{verb}:{message.chat.id}:{message.message_id}"


def get_router(desk: Desk) -> Router:
    router = Router(name="bot.desk.agents")
    router.message.filter(InChat(desk.chat_id))
    router.callback_query.filter(InChat(desk.chat_id))
    gate = AgentGate(desk)
    router.message.middleware(gate)
    router.callback_query.middleware(gate)

    async def answer_take(bot: Bot, reply: Any, thread: int | None, reply_to: int | None) -> None:
        if isinstance(reply, TakeRefused):
            if reply.reason == "closed":
                await desk.post(bot, desk.t("desk.ticket_closed"), thread, reply_to=reply_to)
        elif isinstance(reply, TicketTaken) and reply.already:
            await desk.post(bot, desk.t("desk.take.yours"), thread, reply_to=reply_to)

    @router.message(Command("take"))
    async def cmd_take(message: Message, bot: Bot, agent: Agent) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        reply = await desk.take(bot, ticket.ticket_no, agent, _key("take", message))
        if isinstance(reply, TakeRefused) and reply.reason == "held":
            await desk.post(
                bot,
                desk.t("desk.take.held", agent=reply.agent_name or ""),
                message.message_thread_id,
                markup=keyboards.takeover(desk.replies, desk.locale, ticket.ticket_no),
                reply_to=message.message_id,
            )
            return
        await answer_take(bot, reply, message.message_thread_id, message.message_id)

    @router.message(Command("release"))
    async def cmd_release(message: Message, bot: Bot, agent: Agent) -> None:
        """Hand the customer back to the queue (end of a shift, not the right person)."""
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        reply = await desk.release(bot, ticket.ticket_no, agent, _key("release", message))
        if isinstance(reply, ReleaseRefused):
            key = {
                "closed": "desk.ticket_closed",
                "waiting": "desk.release.waiting",
                "held": "desk.release.held",
            }[reply.reason]
            await desk.post(
                bot,
                desk.t(key, agent=reply.agent_name or ""),
                message.message_thread_id,
                reply_to=message.message_id,
            )

    @router.message(Command("close"))
    async def cmd_close(message: Message, bot: Bot, agent: Agent) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        if ticket.state == "closed":
            await desk.post(bot, desk.t("desk.ticket_closed"), message.message_thread_id)
            return
        await desk.close(bot, ticket.ticket_no, agent, _key("close", message))

    @router.message(Command("order"))
    async def cmd_order(message: Message, bot: Bot, command: CommandObject) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        thread = message.message_thread_id
        order_no = (command.args or "").strip().upper()
        if not ORDER_NO.match(order_no):
            order_no = ticket.order_no or ""
            if not order_no:
                await desk.post(
                    bot, desk.t("desk.order.usage"), thread, reply_to=message.message_id
                )
                return
        found = await desk.rpc.call(
            LookupTicketOrder(ticket_no=ticket.ticket_no, order_no=order_no)
        )
        if isinstance(found, OrderFound):
            card = desk.replies.order_card(order_view_of(found.order, desk.locale), desk.locale)
            # the order's returns under it, with the photos she sent for them
            returns = texts.order_returns(desk.replies, desk.locale, found.order.returns)
            if returns is not None:
                card = Html(f"{card}\n\n{returns}")
            await desk.post(bot, card, thread, reply_to=message.message_id)
            await topics.post_return_photos(desk, bot, thread, found.order.returns)
        else:
            await desk.post(
                bot,
                desk.t("desk.order.not_found", order_no=order_no),
                thread,
                reply_to=message.message_id,
            )

    @router.message(Command("note"))
    async def cmd_note(message: Message, bot: Bot, agent: Agent, command: CommandObject) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        thread = message.message_thread_id
        words = (command.args or "").split()
        order_no: str | None = None
        flag: RemarkFlag | None = None
        while words and (order_no is None or flag is None):
            word = words[0]
            if order_no is None and ORDER_NO.match(word):
                order_no = word.upper()
            elif flag is None and word.lower() in FLAGS:
                flag = FLAGS[word.lower()]
            else:
                break
            words.pop(0)
        text = " ".join(words)[:300]
        if not text:
            await desk.post(bot, desk.t("desk.note.usage"), thread, reply_to=message.message_id)
            return
        reply = await desk.rpc.call(
            AddRemark(
                idempotency_key=_key("note", message),
                ticket_no=ticket.ticket_no,
                order_no=order_no,
                agent_name=agent.name,
                text=text,
                flag=flag or "blue",
            )
        )
        if isinstance(reply, RemarkAdded):
            note = desk.t(
                "desk.note.added",
                order_no=reply.order_no,
                flag=desk.t(f"desk.flag.{reply.flag}"),
                line=reply.line,
            )
        elif isinstance(reply, NoOrder):
            note = desk.t("desk.note.no_order")
        else:
            note = desk.t("desk.note.not_found", order_no=order_no or ticket.order_no or "")
        await desk.post(bot, note, thread, reply_to=message.message_id)

    @router.message(Command("reveal"))
    async def cmd_reveal(message: Message, bot: Bot, agent: Agent) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        reply = await desk.rpc.call(
            RevealContact(
                idempotency_key=_key("reveal", message),
                ticket_no=ticket.ticket_no,
                agent_id=agent.id,
                agent_name=agent.name,
            )
        )
        thread = message.message_thread_id
        if isinstance(reply, NothingToReveal):
            await desk.post(bot, desk.t("desk.reveal.nothing"), thread, reply_to=message.message_id)
            return
        if not isinstance(reply, Revealed):
            return
        # Shown here, in the agents' group, and nowhere else: never logged.
        lines = [desk.t("desk.reveal.head", agent=agent.name)]
        if reply.customer_phone:
            lines.append(desk.t("desk.reveal.phone", phone=reply.customer_phone))
        if reply.order_no:
            lines.append(
                desk.t(
                    "desk.reveal.receiver",
                    order_no=reply.order_no,
                    name=reply.receiver_name or "",
                    phone=reply.receiver_phone or "",
                )
            )
            lines.append(desk.t("desk.reveal.address", address=reply.address or ""))
        await desk.post(bot, "\n".join(lines), thread, reply_to=message.message_id)

    @router.message(Command("canned"))
    async def cmd_canned(message: Message, bot: Bot) -> None:
        ticket = await _ticket_of(desk, bot, message)
        if ticket is None:
            return
        choices = [(c.key, c.title.get(desk.locale)) for c in desk.policy.canned_replies]
        if not choices:
            await desk.post(bot, desk.t("desk.canned.none"), message.message_thread_id)
            return
        await desk.post(
            bot,
            desk.t("desk.canned.header"),
            message.message_thread_id,
            markup=keyboards.canned(ticket.ticket_no, choices),
        )

    async def post_tickets(
        bot: Bot, thread: int | None, kind: str, reply: object, line: Callable[[TicketView], str]
    ) -> None:
        """/queue, /mine, /open: the header and a line per ticket (long lists split), or that
        there are none."""
        assert isinstance(reply, TicketList)
        if not reply.tickets:
            await desk.post(bot, desk.t(f"desk.{kind}.empty"), thread)
            return
        header = desk.t(f"desk.{kind}.header", count=len(reply.tickets))
        await desk.post_long(bot, [header, *map(line, reply.tickets)], thread)

    def reason(ticket: TicketView) -> str:
        return texts.label(desk.replies, desk.locale, ticket, desk.titles)

    def waited(ticket: TicketView) -> str:
        return texts.duration(desk.replies, desk.locale, texts.waited(ticket))

    @router.message(Command("queue"))
    async def cmd_queue(message: Message, bot: Bot) -> None:
        def line(ticket: TicketView) -> str:
            return desk.t(
                "desk.queue.line",
                position=ticket.place.position if ticket.place else "?",
                ticket_no=ticket.ticket_no,
                customer=texts.mask_name(ticket.customer_name),
                reason=reason(ticket),
                waited=waited(ticket),
            )

        reply = await desk.rpc.call(ListQueue())
        await post_tickets(bot, message.message_thread_id, "queue", reply, line)

    @router.message(Command("mine"))
    async def cmd_mine(message: Message, bot: Bot, agent: Agent) -> None:
        def line(ticket: TicketView) -> str:
            since = ticket.taken_at or ticket.opened_at
            return desk.t(
                "desk.mine.line",
                ticket_no=ticket.ticket_no,
                customer=texts.mask_name(ticket.customer_name),
                reason=reason(ticket),
                since=desk.replies.format_datetime(since, desk.locale),
            )

        reply = await desk.rpc.call(ListMine(agent_id=agent.id))
        await post_tickets(bot, message.message_thread_id, "mine", reply, line)

    @router.message(Command("open"))
    async def cmd_open(message: Message, bot: Bot) -> None:
        def line(ticket: TicketView) -> str:
            values = {
                "ticket_no": ticket.ticket_no,
                "customer": texts.mask_name(ticket.customer_name),
                "reason": reason(ticket),
            }
            if ticket.state == "waiting":
                position = ticket.place.position if ticket.place else "?"
                return desk.t(
                    "desk.open.waiting", position=position, waited=waited(ticket), **values
                )
            return desk.t("desk.open.with_agent", agent=ticket.agent_name or "?", **values)

        reply = await desk.rpc.call(ListLive(limit=LIST_LIMIT))
        await post_tickets(bot, message.message_thread_id, "open", reply, line)

    @router.message(Command("history"))
    async def cmd_history(message: Message, bot: Bot, command: CommandObject) -> None:
        thread = message.message_thread_id
        target = (command.args or "").strip()
        request: TicketHistory | None = None
        if TICKET_NO.match(target.upper()):
            request = TicketHistory(ticket_no=target.upper(), tickets=1)
        elif CHAT_ID.match(target):
            request = TicketHistory(chat_id=int(target))
        elif not target and thread is not None and message.is_topic_message:
            found = await desk.rpc.call(GetTicket(desk_chat_id=desk.chat_id, topic_id=thread))
            if isinstance(found, TicketFound):
                target = found.ticket.ticket_no
                request = TicketHistory(chat_id=found.ticket.chat_id)
        if request is None:
            await desk.post(bot, desk.t("desk.history.usage"), thread, reply_to=message.message_id)
            return
        reply = await desk.rpc.call(request)
        assert isinstance(reply, TicketList)
        if not reply.tickets:
            await desk.post(
                bot, desk.t("desk.history.none", target=target), thread,
                reply_to=message.message_id,
            )
            return
        await desk.post_long(
            bot,
            texts.history(
                desk.replies, desk.locale, desk.policy.service_hours.zone, reply.tickets
            ),
            thread,
        )

    @router.message(Command("help", "start"))
    async def cmd_desk_help(message: Message, bot: Bot) -> None:
        await desk.post(bot, desk.t("desk.help"), message.message_thread_id)

    @router.message(IsCommand())
    async def unknown_command(message: Message, bot: Bot) -> None:
        """A mistyped command of an agent (ours, or addressed to no bot): never sent to the
        customer; the agent gets the list of commands. Another bot's command is left alone."""
        word = (message.text or "").split(maxsplit=1)[0]
        name, _, addressee = word.partition("@")
        if addressee and addressee.lower() != ((await bot.me()).username or "").lower():
            return  # someone else's bot
        await desk.post(
            bot,
            desk.t("desk.unknown_command", command=name[:40]) + "\n" + desk.t("desk.help"),
            message.message_thread_id,
            reply_to=message.message_id,
        )

    @router.message(InTopic(), HasContent())
    async def relay_to_customer(message: Message, bot: Bot, agent: Agent) -> None:
        await desk.relay_from_agent(bot, message, agent)

    @router.callback_query(DeskCallback.filter())
    async def on_card_button(
        query: CallbackQuery, callback_data: DeskCallback, bot: Bot, agent: Agent
    ) -> None:
        message = query.message
        thread = message.message_thread_id if isinstance(message, Message) else None
        key = f"{callback_data.action}:cb:{query.id}"
        if callback_data.action == "close":
            await desk.close(bot, callback_data.ticket_no, agent, key)
            return
        reply = await desk.take(
            bot, callback_data.ticket_no, agent, key, force=callback_data.action == "takeover"
        )
        if isinstance(reply, TakeRefused) and reply.reason == "held":
            await desk.post(
                bot,
                desk.t("desk.take.held", agent=reply.agent_name or ""),
                thread,
                markup=keyboards.takeover(desk.replies, desk.locale, callback_data.ticket_no),
            )
            return
        await answer_take(bot, reply, thread, None)

    @router.errors(ErrorInChat(desk.chat_id))
    async def on_desk_error(event: ErrorEvent, bot: Bot) -> None:
        """The agent's action did not complete: say so where they acted, never silence."""
        update = event.update
        message = update.message or (
            update.callback_query.message if update.callback_query else None
        )
        thread = message.message_thread_id if isinstance(message, Message) else None
        if isinstance(event.exception, BusError):
            logger.warning("desk: the worker did not answer (%s)", type(event.exception).__name__)
            note = desk.t("desk.unavailable")
        else:
            logger.error(
                "desk: error handling update %s",
                update.update_id,
                exc_info=(type(event.exception), event.exception, event.exception.__traceback__),
            )
            note = desk.t("desk.error")
        await desk.post(bot, note, thread)  # a button was answered before its handler ran

    @router.callback_query(CannedCallback.filter())
    async def on_canned(
        query: CallbackQuery, callback_data: CannedCallback, bot: Bot, agent: Agent
    ) -> None:
        await desk.send_canned(
            bot, callback_data.ticket_no, callback_data.key, agent, f"canned:{query.id}"
        )

    return router
