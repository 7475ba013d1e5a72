""" "改好了吗", "did it go through?" right after the bot said a job was done: that job, said
again as a reply to the message that confirmed it (``bot.services.done``)."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot.services import done
from bot.services.conversation import Conversation


class AsksIfDone(Filter):
    """The chat's last job was done not long ago and the message asks whether it was."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        return conv is not None and done.asked(conv, message.text)


class AsksWhatNext(Filter):
    """The chat's last job was done not long ago and the message asks what comes next."""

    async def __call__(self, message: Message, conv: Conversation | None = None) -> bool:
        return conv is not None and done.asked_next(conv, message.text)


PARCEL_JOBS = frozenset({"return", "exchange"})
"""Jobs that still wait on her parcel; after the others nothing more is needed from her."""


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(AsksIfDone())
    async def handle_done_asked(message: Message, conv: Conversation) -> None:
        job = conv.memory.done
        assert job is not None
        what = conv.t(
            f"done.what.{job.kind}", order_no=job.order_no or "", reference=job.reference or ""
        )
        when = conv.replies.format_datetime(job.at, conv.locale)
        await conv.say(conv.t("done.again", what=what, time=when), reply_to=job.message_id)

    @router.message(AsksWhatNext())
    async def handle_what_next(message: Message, conv: Conversation) -> None:
        """"so what happens now?" right after a return or an exchange was logged: the parcel is
        hers to send, with the number inside (as a reply to the message with the address);
        after any other job, nothing more is needed from her."""
        job = conv.memory.done
        assert job is not None
        what = conv.t(
            f"done.what.{job.kind}", order_no=job.order_no or "", reference=job.reference or ""
        )
        key = "done.next.parcel" if job.kind in PARCEL_JOBS else "done.next.nothing"
        await conv.say(
            conv.t(key, what=what, reference=job.reference or ""), reply_to=job.message_id
        )

    return router
