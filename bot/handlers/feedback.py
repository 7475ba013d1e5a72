"""The "solved / not solved" buttons under answers: the containment figure.

Every press counts in ``kefu_answer_feedback_total{intent,solved}``; a containment line
(solved / rated, for this process) goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Collection

from aiogram import Router
from aiogram.types import CallbackQuery
from prometheus_client import Counter

from bot import keyboards
from bot.keyboards import FeedbackCallback
from bot.services.conversation import Conversation

logger = logging.getLogger(__name__)

ANSWER_FEEDBACK = Counter(
    "kefu_answer_feedback_total",
    "Customers' verdicts on the bot's answers.",
    ["intent", "solved"],
)


class Containment:
    """Answers rated solved out of all rated, since this process started."""

    def __init__(self) -> None:
        self.rated = 0
        self.solved = 0

    def add(self, solved: bool) -> float:
        self.rated += 1
        self.solved += int(solved)
        return self.solved / self.rated


def get_router(known_intents: Collection[str]) -> Router:
    router = Router(name=__name__)
    containment = Containment()

    @router.callback_query(FeedbackCallback.filter())
    async def on_feedback(
        query: CallbackQuery, callback_data: FeedbackCallback, conv: Conversation
    ) -> None:
        # The label is checked against the catalogue: callback data comes from the client.
        intent = callback_data.intent if callback_data.intent in known_intents else "other"
        ANSWER_FEEDBACK.labels(intent, "yes" if callback_data.solved else "no").inc()
        rate = containment.add(callback_data.solved)
        logger.info(
            "containment %.1f%% (%d of %d answers solved); %s rated %s",
            rate * 100,
            containment.solved,
            containment.rated,
            intent,
            "solved" if callback_data.solved else "not solved",
        )
        await keyboards.remove_buttons(query.message)
        if callback_data.solved:
            await conv.say(conv.t("feedback.thanks"))
        else:
            await conv.say(conv.t("feedback.sorry"), reply_markup=conv.offer_human("other"))

    return router
