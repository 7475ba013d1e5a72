"""A thanks while a job waits for the customer ("谢谢" at "share your contact and I'll go on",
"thanks" at "which order?"): acknowledged, and the job keeps waiting — it heard the goodbye
that ends a chat, and the job it was in the middle of looked dropped. With a goodbye in it
("谢谢 先这样吧", "thanks, bye"), the customer hears how to pick the job up again."""

from __future__ import annotations

import re

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot import keyboards
from bot.filters import HasText, InState
from bot.flows import FLOWS
from bot.flows.base import Identity
from bot.services import choices
from bot.services.conversation import Conversation
from intents import Decision
from intents.garments import names_a_garment

LEAVING = re.compile(r"再见|拜拜|回头|下次|改天|先这样|晚点|\bbye\b|\blater\b|for now", re.I)
"""A goodbye said with the thanks: the job is left for now."""


_THANKS = re.compile(r"谢|感谢|多谢|\bthanks?\b|\bthx\b|\bty\b|\bcheers\b", re.I)


class ThanksOnly(Filter):
    """The message is a thanks (or thanks and goodbye), nothing more: not an answer that says
    no thanks ("好的确认" at "确认退货?", read as a thanks by the engine, is the yes)."""

    async def __call__(self, message: Message, decision: Decision | None = None) -> bool:
        text = message.text or ""
        return (
            decision is not None
            and decision.outcome == "accept"
            and decision.intent == "thanks.bye"
            and decision.slots.order_no is None
            and (choices.yes_or_no(text) is None or _THANKS.search(text) is not None)
            # "好的 那就羽绒服吧" at "which order?": the answer, its "ok" read as a thanks
            and (_THANKS.search(text) is not None or not names_a_garment(text))
        )


def get_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(
        InState(Identity.waiting_for_contact, *(flow.states for flow in FLOWS)), HasText()
    )

    @router.message(ThanksOnly())
    async def on_thanks_mid_job(
        message: Message, conv: Conversation, raw_state: str | None = None
    ) -> None:
        later = LEAVING.search(message.text or "") is not None
        if raw_state == Identity.waiting_for_contact.state:
            key = "thanks.mid_job.contact_later" if later else "thanks.mid_job.contact"
            await conv.say(conv.t(key), reply_markup=keyboards.share_contact(conv.t), aside=True)
            return
        # (aside: the job's question stays the one a question asked next points back to)
        await conv.say(conv.t("thanks.mid_job.later" if later else "thanks.mid_job"), aside=True)

    return router
