"""/start, /help, /lang, /cancel, /human, /orders, /contact."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandStart, Filter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, ReplyKeyboardRemove

from bot import keyboards
from bot.filters import IsCommand
from bot.keyboards import LangCallback
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.orders import list_orders, order_button_label
from bus import Bus
from replies.render import Replies
from shop.policy import ShopPolicy

logger = logging.getLogger(__name__)


class OfferedLocale(Filter):
    """The language button names a locale the replies have (callback data can be forged)."""

    async def __call__(
        self, query: CallbackQuery, callback_data: LangCallback, replies: Replies
    ) -> bool:
        return callback_data.locale in replies.locales


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(IsCommand())  # plain text skips every command check at once

    @router.message(CommandStart())
    async def cmd_start(
        message: Message, conv: Conversation, state: FSMContext, policy: ShopPolicy
    ) -> None:
        await state.clear()
        await conv.say(conv.t("welcome", shop_name=policy.shop_name.get(conv.locale)))

    @router.message(Command("help"))
    async def cmd_help(message: Message, conv: Conversation) -> None:
        await conv.say(conv.t("help"))

    @router.message(Command("lang", "language"))
    async def cmd_lang(message: Message, conv: Conversation) -> None:
        await conv.say(
            conv.t("language.choose"), reply_markup=keyboards.languages(conv.replies, conv.locale)
        )

    @router.callback_query(LangCallback.filter(), OfferedLocale())
    async def on_language_chosen(
        query: CallbackQuery, callback_data: LangCallback, conv: Conversation
    ) -> None:
        conv.memory.locale = conv.locale = callback_data.locale
        await conv.say(conv.t("language.switched", language=conv.t("language_name")))

    @router.message(Command("cancel"))
    async def cmd_cancel(message: Message, conv: Conversation, state: FSMContext) -> None:
        await state.clear()
        await conv.say(conv.t("cancelled"), reply_markup=ReplyKeyboardRemove())

    @router.message(Command("human"))
    async def cmd_human(message: Message, conv: Conversation, rpc: Bus) -> None:
        await open_ticket(conv, rpc, reason="customer_asked", intent="human.agent")

    @router.message(Command("contact", "verify"))
    async def cmd_contact(message: Message, conv: Conversation) -> None:
        """The share button. A flow in progress keeps its state: the contact, once shared,
        lets it go on (``bot.flows.base.resume``)."""
        await conv.say(conv.t("contact.prompt"), reply_markup=keyboards.share_contact(conv.t))

    @router.message(Command("orders"))
    async def cmd_orders(message: Message, conv: Conversation, rpc: Bus) -> None:
        orders = await list_orders(rpc, conv)
        if orders is None:
            await conv.say(conv.t("contact.prompt"), reply_markup=keyboards.share_contact(conv.t))
            return
        if not orders:
            await conv.say(conv.t("order.list.empty"))
            return
        await conv.say(
            conv.t("order.list.header", count=len(orders)),
            reply_markup=keyboards.orders(
                "q", ((o.order_no, order_button_label(conv, o)) for o in orders)
            ),
        )

    return router
