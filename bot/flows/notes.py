"""A special request written on the customer's order (备注): "是送人的 包裹里别放价格单和发票",
"放快递柜 别打电话", "it's a gift for my mom, no receipt inside".

The order is found as for every job about an order (``bot.flows.orders.OrderQueryFlow``: the
order in view, her list, or its number and digits; the job ``note``), then :meth:`OrderNoteFlow
.start` takes it: what to write is read from her words (the asking cut,
``intents.order_note.note_words``) — or asked for when she said only "帮我备注一下" — and read
back in one confirmation; on her yes the worker's ``orders.add_note`` appends it as a remark,
and the reply says what was recorded and that the warehouse sees it when it packs.

Once the parcel has left (shipped, received, closed) no note can reach it: said plainly, with
what she can still do (tell the courier, by its tracking number; a return or a person once it
is there). Gift wrapping or a card asked beside the note is not in the shop's rules: the note
can ask for it, never promise it, and the confirmation says so. The words are never logged
(they may hold a phone number or an address).
"""

from __future__ import annotations

import logging

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel

from bot import keyboards
from bot.flows.base import Flow, OrderDraft
from bot.keyboards import ConfirmNoteCallback
from bot.services import choices, done, outcomes
from bot.services.conversation import Conversation
from bot.services.escalation import call_command, idempotency_key
from bus import Bus
from bus.contracts import (
    NOTE_MAX_CHARS,
    AddOrderNote,
    ContactRequired,
    NoteRefusal,
    OrderNoteAdded,
    OrderNoteRefused,
    OrderView,
)
from intents import Decision
from intents.order_note import note_beside_change, note_words, wants_gift_wrap

logger = logging.getLogger(__name__)

TOO_LATE: dict[str, NoteRefusal] = {
    "shipped": "already_shipped",
    "completed": "order_completed",
    "closed": "order_closed",
}
"""The order states a note can no longer reach the parcel in (the worker refuses the same)."""

MODIFY_INTENT = "order.modify"


class OrderNote(StatesGroup):
    """A note for one order waiting for its words, her yes, or her contact."""

    waiting_for_text = State()
    """ "帮我备注一下" with nothing to write yet: what should it say?"""
    waiting_for_confirm = State()
    waiting_for_contact = State()
    """Only as the place to go on from (``paused_at``): the note is sent again."""


class NoteDraft(OrderDraft):
    note: str = ""
    """What is written on the order (her words, the asking cut, at most ``NOTE_MAX_CHARS``)."""
    cut: bool = False
    """Her words were longer than a note holds: only the first part is written."""
    wrap: bool = False
    """Gift wrapping or a card asked beside it: the note asks, it can't promise."""
    key: str | None = None
    """The command's idempotency key (kept: a retry never writes the note twice)."""


class OrderNoteFlow(Flow):
    states = OrderNote
    keeps_waiting = True

    async def draft(self) -> NoteDraft:
        return await self.load(NoteDraft)

    async def start(self, order: OrderView, text: str) -> None:
        """The order found for "帮我备注…": too late said plainly, or the note read back (its
        words asked for first when none were said)."""
        refusal = TOO_LATE.get(order.state)
        if refusal is not None:
            await self.too_late(order.order_no, refusal, order.tracking_no)
            return
        draft = NoteDraft(order_no=order.order_no, wrap=wants_gift_wrap(text))
        words = note_words(text, limit=len(text) + 1)
        if words is None:
            await self.ask_text(draft)
            return
        await self.ask_confirm(draft, words)

    async def ask_text(self, draft: NoteDraft) -> None:
        await self.wait(OrderNote.waiting_for_text, draft)
        await self.conv.say(self.conv.t("order.note.ask_text", order_no=draft.order_no))

    async def text_typed(self, text: str, decision: Decision | None) -> None:
        """The words to write, typed at "what should the note say?"; a question of its own
        ("运费多少") is answered as one, never written on the order."""
        if choices.never_mind(text):  # "算了" / "never mind": no note, said so
            await self.finish()
            await self.conv.say(self.conv.t("order.note.declined"))
            return
        asks_else = (
            decision is not None
            and decision.outcome == "accept"
            and decision.intent != MODIFY_INTENT
            and choices.asks_a_question(text)
        )
        words = None if asks_else or choices.yes_or_no(text) is not None else note_words(text)
        if words is None:
            await self.ask_again_or_step_aside(decision, "order.note.ask_text_again")
            return
        draft = await self.draft()
        draft.wrap = draft.wrap or wants_gift_wrap(text)
        await self.ask_confirm(draft, words)

    async def ask_confirm(self, draft: NoteDraft, words: str) -> None:
        """ "我会在订单 KF… 上备注：「…」 这样写可以吗？" — nothing is written before her yes."""
        conv = self.conv
        draft.cut = len(words) > NOTE_MAX_CHARS
        draft.note = words[:NOTE_MAX_CHARS].rstrip()
        await self.wait(OrderNote.waiting_for_confirm, draft)
        parts = [conv.t("order.note.confirm", order_no=draft.order_no, note=draft.note)]
        if draft.cut:
            parts.append(conv.t("order.note.cut", limit=NOTE_MAX_CHARS))
        if draft.wrap:
            parts.append(conv.t("order.note.wrap_caveat"))
        parts.append(conv.t("order.note.confirm_ask"))
        await conv.say(
            "\n".join(parts),
            reply_markup=keyboards.yes_no(conv.t, lambda yes: ConfirmNoteCallback(confirm=yes)),
        )

    async def confirmed(self, yes: bool) -> None:
        if not yes:
            await self.finish()
            await self.conv.say(self.conv.t("order.note.declined"))
            return
        await self.run(await self.draft())

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "好的" / "不用了" / "yes please" to the note read back."""
        await self.read_typed(
            choices.yes_or_no(text), self.confirmed, decision, "choice.again.yes_no"
        )

    # -- the command -----------------------------------------------------------------------------
    async def run(self, draft: NoteDraft) -> None:
        conv = self.conv
        if draft.order_no is None or not draft.note:
            await self.finish()
            return
        draft.key = draft.key or idempotency_key(conv.user_id)
        await self.keep(draft)
        request = AddOrderNote(
            idempotency_key=draft.key,
            order_no=draft.order_no,
            telegram_user_id=conv.user_id,
            phone_last4=conv.memory.proof_for(draft.order_no),
            text=draft.note,
        )
        reply = await call_command(conv, self.rpc, request)
        if isinstance(reply, ContactRequired):
            draft.key = None  # this key stands for the refused request now
            await self.pause_for_contact(draft, reply.reason, OrderNote.waiting_for_contact)
            return
        await self.finish()
        if isinstance(reply, OrderNoteAdded):
            await self.recorded(draft, reply)
        elif isinstance(reply, OrderNoteRefused):
            await self.too_late(draft.order_no, reply.reason, reply.tracking_no)
        else:
            await outcomes.explain(conv, reply)

    async def recorded(self, draft: NoteDraft, reply: OrderNoteAdded) -> None:
        conv = self.conv
        conv.memory.last_order = reply.order_no
        if reply.already:
            when = conv.replies.format_datetime(reply.recorded_at, conv.locale)
            await conv.say(
                conv.t("order.note.already", order_no=reply.order_no, note=draft.note, time=when)
            )
            return
        logger.info("note recorded on order %s for chat %s", reply.order_no, conv.chat_id)
        text = conv.t("order.note.done", order_no=reply.order_no, note=draft.note)
        await done.say(conv, "note", text, order_no=reply.order_no)

    async def too_late(self, order_no: str, reason: NoteRefusal, tracking_no: str | None) -> None:
        """The parcel has left (or the order is over): no note reaches it — said plainly, with
        what she can still do."""
        conv = self.conv
        key: str = f"order.note.refused.{reason}"
        if reason == "already_shipped" and tracking_no:
            key += "_tracked"
        await conv.say(
            conv.t(key, order_no=order_no, tracking_no=tracking_no or ""),
            reply_markup=conv.offer_human("other"),
        )

    async def resume(self, at: str) -> None:
        """The contact is linked: the note she said yes to is sent, now as the order's
        customer; one still waiting for its words or its yes is asked again."""
        draft = await self.draft()
        draft.paused_at = None
        if at == OrderNote.waiting_for_text.state or not draft.note:
            await self.ask_text(draft)
            return
        if at == OrderNote.waiting_for_confirm.state:
            await self.ask_confirm(draft, draft.note)
            return
        await self.run(draft)


# -- a note asked beside another change ----------------------------------------------------------
class NoteBeside(BaseModel):
    """A note asked in the same message as another change of the order ("地址改成… 放门卫就行",
    "change my hoodie to XL, and add a note to leave it in the parcel locker": cut apart by
    ``intents.order_note.note_beside_change``). It rides in the change's draft: the change's
    confirmation shows it too, and her yes to it writes both. A change that doesn't go through
    (refused, out of stock, changed by a button without a read-back) leaves the note asked on
    its own, with its own yes."""

    words: str
    wrap: bool = False
    shown: bool = False
    """It was in the change's read-back that she said yes to."""


def note_beside(text: str) -> tuple[NoteBeside, str] | None:
    """The note asked beside a change and the change's own words, or ``None``."""
    split = note_beside_change(text)
    if split is None:
        return None
    words, rest = split
    return NoteBeside(words=words, wrap=wants_gift_wrap(words)), rest


def beside_line(conv: Conversation, note: NoteBeside) -> str:
    """The line added to the change's read-back: the note goes on with it."""
    line = conv.t("order.note.beside", note=note.words[:NOTE_MAX_CHARS].rstrip())
    if note.wrap:
        line += "\n" + conv.t("order.note.wrap_caveat")
    return line


async def after_change(
    conv: Conversation,
    rpc: Bus,
    state: FSMContext,
    order_no: str | None,
    note: NoteBeside | None,
    *,
    made: bool,
) -> None:
    """The change asked with the note has ended: made after a read-back that showed the note,
    the note is written now; otherwise (refused, declined, or made without that read-back) the
    note is read back on its own and waits for her yes."""
    if note is None or order_no is None:
        return
    flow = OrderNoteFlow(conv, rpc, state)
    draft = NoteDraft(order_no=order_no, wrap=note.wrap)
    if made and note.shown:
        draft.note = note.words[:NOTE_MAX_CHARS].rstrip()
        draft.cut = len(note.words) > NOTE_MAX_CHARS
        await flow.run(draft)
        return
    await flow.ask_confirm(draft, note.words)
