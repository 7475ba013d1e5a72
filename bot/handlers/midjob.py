"""What a customer says about the job itself while it waits for her answer, rather than the
answer: "算了" / "never mind" drops it politely; "还是换吧" / "actually exchange it" mid-return
makes it the exchange of the same item (and "还是退了吧" mid-exchange the return); another order
number typed starts the job again for that order, and says so; "why do you need that?" at the
phone's last four digits says why, and asks again. Read as answers, they were "I couldn't tell
which one", or the order number showed its card and the job was lost.

And after the job was left for another question ("这单发货了吗" at "退哪一件？": the card
answered), a bare yes ("好的", "对", "yes") asks whether to carry on with it — a yes to that
goes on (``bot.handlers.offers``). It was a "did you mean…?" before.
"""

from __future__ import annotations

import re
from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.state import StatesGroup
from aiogram.types import Message

from bot import keyboards
from bot.filters import HasText, InState
from bot.flows.address import AddressChange
from bot.flows.base import Flows, Identity
from bot.flows.exchange import ExchangeFlow, ExchangeRequest
from bot.flows.invoice import InvoiceRequest
from bot.flows.notes import OrderNote
from bot.flows.orders import OrderChange, OrderQuery, OrderQueryFlow
from bot.flows.products import ProductQuestion
from bot.flows.returns import ReturnFlow, ReturnRequest
from bot.flows.shipping import ShippingQuestion
from bot.flows.size import SizeAdvice
from bot.keyboards import OrderFlow
from bot.services import choices
from bot.services.conversation import Conversation
from bot.services.orders import FLOW_STATES, lookup
from bus import Bus
from bus.contracts import OrderFound
from intents.slots import answered_last4, order_number

LEFT_JOB_TURNS = 3
"""How many messages after a job was left a bare yes still goes back to it."""

_NOISE = re.compile(
    r"KF\d{8}|\d{4}|尾号|手机|后四位|订单号?|单号|是|这个|这单|那个|换成|改成|不是|我说的是|order"
    r"|no\.?|number|instead|it'?s|sorry|i mean|actually|the|last|four|digits|phone|[\s,，。.:：#]",
    re.IGNORECASE,
)
_ORDER_STEPS = frozenset(
    {
        ReturnRequest.waiting_for_order.state,
        ReturnRequest.waiting_for_last4.state,
        ExchangeRequest.waiting_for_order.state,
        ExchangeRequest.waiting_for_last4.state,
    }
)
_LISTED: dict[str, OrderFlow] = {"return": "r", "exchange": "x"}
NEVER_MIND: dict[type[StatesGroup], str] = {
    ReturnRequest: "job.dropped",
    ExchangeRequest: "job.dropped",
    AddressChange: "job.dropped",
    InvoiceRequest: "job.dropped",
    OrderChange: "job.dropped",
    Identity: "job.dropped",  # (its one state: the contact a job waits for)
    OrderNote: "order.note.declined",
    OrderQuery: "job.dropped_question",
    ProductQuestion: "job.dropped_question",
    ShippingQuestion: "job.dropped_question",
    SizeAdvice: "job.dropped_question",
}
"""Every state group of ``bot.flows`` and what "算了" / "never mind" says while it waits: a job
dropped (nothing submitted), a note not written, a question left. A new flow adds its group
here (``tests/unit/bot/test_midjob_coverage.py`` fails until it does)."""


class NeverMind(Filter):
    """ "算了" / "never mind" while a job waits (not at its yes-or-no confirmation, nor at
    "return only the items that can go back?", where it is the no its flow reads)."""

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        if (
            raw_state is None
            or "confirm" in raw_state
            or raw_state == ReturnRequest.waiting_for_part.state
        ):
            return False
        return choices.never_mind(message.text or "")


class Switched(Filter):
    """ "还是换吧" mid-return, "还是退了吧" mid-exchange."""

    async def __call__(
        self, message: Message, raw_state: str | None = None
    ) -> bool | dict[str, Any]:
        if raw_state is None or raw_state in _ORDER_STEPS:
            return False
        to = choices.switched_to(message.text or "")
        if to == "exchange" and raw_state.startswith("ReturnRequest:"):
            return {"to": to}
        if to == "return" and raw_state.startswith("ExchangeRequest:"):
            return {"to": to}
        return False


class OtherOrder(Filter):
    """Another order's number typed (alone, or with its digits or a few words) while a return
    or an exchange waits past its order question: that order's job, started again."""

    async def __call__(
        self, message: Message, state: Any = None, raw_state: str | None = None
    ) -> bool | dict[str, Any]:
        if raw_state is None or raw_state in _ORDER_STEPS or state is None:
            return False
        text = message.text or ""
        order_no = order_number(text)
        if order_no is None or len(_NOISE.sub("", text)) > 4:
            return False
        current = (await state.get_data()).get("order_no")
        if current == order_no:
            return False
        return {"order_no": order_no, "last4": answered_last4(text)}


class AsksWhy(Filter):
    """ "why do you need that?" at the phone's last four digits."""

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        return (
            raw_state is not None
            and raw_state.endswith(":waiting_for_last4")
            and choices.asks_why(message.text or "")
        )


URGED_TURNS = 3
"""Hurrying words this many messages apart still count as "again" (a person offered)."""


class HurriedAtList(Filter):
    """ "快点啊" / "都等半天了" / "hello?? which one" while the customer's order list waits for
    her pick: no answer, the bot hurried along (it showed the same list again, word for
    word)."""

    async def __call__(self, message: Message, raw_state: str | None = None) -> bool:
        return (
            raw_state is not None
            and raw_state.endswith(":waiting_for_order")
            and choices.urging(message.text or "")
        )


class BackToLeftJob(Filter):
    """A bare yes with nothing waiting and nothing offered, a message or two after a job was
    left for another question: the job to go back to."""

    async def __call__(
        self, message: Message, conv: Conversation | None = None, raw_state: str | None = None
    ) -> bool | dict[str, Any]:
        if conv is None or raw_state is not None or conv.offer is not None:
            return False
        left = conv.memory.left_job
        if left is None or left.offered or conv.memory.turns - left.turn > LEFT_JOB_TURNS:
            return False
        if choices.bare_yes_or_no(message.text or "") is not True:
            return False
        order_no = conv.memory.last_order or left.order_no
        return {"order_no": order_no} if order_no is not None else False


def get_router() -> Router:
    """Before the flows' own typed answers."""
    router = Router(name=__name__)
    router.message.filter(HasText())

    @router.message(InState(ReturnRequest, ExchangeRequest), Switched())
    async def on_switched(message: Message, flows: Flows, to: str) -> None:
        text = message.text or ""
        if to == "exchange":
            await flows.get(ReturnFlow).exchange_instead(text)
        else:
            await flows.get(ExchangeFlow).return_instead(text)

    @router.message(InState(ReturnRequest, ExchangeRequest), OtherOrder())
    async def on_other_order(
        message: Message,
        flows: Flows,
        conv: Conversation,
        raw_state: str,
        rpc: Bus,
        order_no: str,
        last4: str | None,
    ) -> None:
        text = message.text or ""
        job = "return" if raw_state.startswith("ReturnRequest:") else "exchange"
        found = await lookup(rpc, conv, order_no, last4)
        if isinstance(found, OrderFound) and found.order.state not in FLOW_STATES[_LISTED[job]]:
            # an order the job can't be about (not shipped yet): the number asks for its card
            # — the job is left, and a bare yes after it goes back to it
            await flows.get(ReturnFlow if job == "return" else ExchangeFlow).leave()
            await flows.get(OrderQueryFlow).ask("order.status", order_no, last4, text)
            return
        await conv.say(conv.t(f"job.other_order.{job}", order_no=order_no))
        if job == "return":
            await flows.get(ReturnFlow).start_for(order_no, last4)
        else:
            await flows.get(ExchangeFlow).start_for(order_no, last4)

    @router.message(InState(*NEVER_MIND), NeverMind())
    async def on_never_mind(
        message: Message, conv: Conversation, flows: Flows, raw_state: str
    ) -> None:
        said = next((k for g, k in NEVER_MIND.items() if raw_state in g), "job.dropped")
        await flows.get(ReturnFlow).finish()  # (any flow's finish clears the chat's state)
        conv.memory.left_job = None
        await conv.say(conv.t(said))

    @router.message(InState(ReturnRequest, ExchangeRequest, OrderQuery), AsksWhy())
    async def on_why_last4(message: Message, conv: Conversation) -> None:
        await conv.say(conv.t("ask.last4_why"))

    @router.message(HurriedAtList())
    async def on_hurried_at_list(message: Message, conv: Conversation) -> None:
        """Acknowledged in a line, the list kept (not shown again); hurried again, a person is
        offered beside it. (aside: the list stays the question a later answer points back to)"""
        memory = conv.memory
        before = memory.urged
        again = before is not None and memory.turns - before[0] <= URGED_TURNS
        count = before[1] + 1 if again and before is not None else 1
        memory.urged = (memory.turns, count)
        if count >= 2:
            await conv.say(
                conv.t("job.hurried.person"), reply_markup=conv.offer_human("other"), aside=True
            )
            return
        await conv.say(conv.t("job.hurried"), aside=True)

    @router.message(BackToLeftJob())
    async def on_back_to_left_job(message: Message, conv: Conversation, order_no: str) -> None:
        left = conv.memory.left_job
        assert left is not None
        left.offered = True
        await conv.say(
            conv.t(f"job.go_on.{left.kind}", order_no=order_no),
            reply_markup=keyboards.go_on_with(conv.t, order_no, left.kind),
        )

    return router
