"""A bare yes or no typed to what the bot's last message offered (``bot.services.offers``):
"好的" to "要我帮您催一下吗？" urges the order, "yes please" to "shall I pass you to a
colleague?" opens the ticket, "不用了" leaves it. A yes with nothing offered goes on to the
intents as before."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot.flows.base import Flows
from bot.flows.exchange import ExchangeFlow
from bot.flows.orders import ChangeJob, OrderChangeFlow
from bot.flows.returns import ReturnFlow
from bot.services import offers
from bot.services.choices import bare_yes_or_no
from bot.services.conversation import Conversation
from bot.services.escalation import open_ticket
from bot.services.memory import Offer
from bus import Bus
from shop.enums import TICKET_REASONS, TicketReason


class AnswersOffer(Filter):
    """The message is a bare yes or no, and the bot's last message offered something (not
    long ago): ``yes`` and the ``offer`` go to the handler."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None
    ) -> bool | dict[str, Any]:
        offer = conv.offer if conv is not None else None
        if offer is None or message.text is None or not offers.fresh(offer):
            return False
        yes = bare_yes_or_no(message.text)
        if yes is None:
            return False
        return {"yes": yes, "offer": offer}


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(AnswersOffer())
    async def on_offer_answered(
        message: Message, conv: Conversation, rpc: Bus, flows: Flows, yes: bool, offer: Offer
    ) -> None:
        await offers.take_buttons_off(conv.bot, conv.chat_id, offer)
        if offer.kind == "job" and offer.order_no is not None:
            if yes and offer.job in ("urge", "cancel"):
                job: ChangeJob = "urge" if offer.job == "urge" else "cancel"
                await flows.get(OrderChangeFlow).pressed(job, offer.order_no)
            elif yes and offer.job == "exchange":
                await flows.get(ExchangeFlow).start_for(offer.order_no)
            elif yes and offer.job == "return":
                await flows.get(ReturnFlow).start_for(offer.order_no)
            elif offer.job == "cancel":
                await conv.say(conv.t("order.cancel.kept"))
            else:
                await conv.say(conv.t("offer.declined"))
            return
        if yes:
            reason: TicketReason = next((r for r in TICKET_REASONS if r == offer.reason), "other")
            await open_ticket(conv, rpc, reason=reason)
            return
        conv.memory.misses = 0
        await conv.say(conv.t("offer.declined"))

    return router
