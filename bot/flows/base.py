"""What every flow is made of: a draft (its memory, a pydantic model in the FSM data), its
states (an aiogram ``StatesGroup``), and its steps (methods of a :class:`Flow`).

A flow object lives for one update: ``ExchangeFlow(conv, rpc, state)`` is built by the handler
that reads the event, one step runs, and whatever the next step needs is in the draft, saved
with the state it waits in (:meth:`Flow.wait`). Drafts are stored JSON-native (Redis), and
data stored by an older version loads (unknown keys are dropped, a value that no longer fits
is reset to its default).

A change the worker allows only the order's verified customer to make pauses the flow
(:meth:`Flow.pause_for_contact`): the state becomes ``Identity.waiting_for_contact`` and the
draft keeps where to go on (``paused_at``). Once the customer's contact is linked — or when they
share it while a flow waits for something else, say after ``/contact`` — :func:`resume` finds
the flow by its state and calls its :meth:`Flow.resume`.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Collection
from typing import Any, ClassVar, Generic, Literal, TypeVar

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel, ConfigDict, ValidationError

from bot.keyboards import OrderFlow
from bot.services import choices, outcomes
from bot.services.answers import answer_from_policy
from bot.services.conversation import Conversation
from bot.services.memory import LeftJob, PausedStep
from bot.services.orders import (
    Keep,
    is_linked,
    lookup,
    offer_alike,
    offer_orders,
    order_in_words,
)
from bus import Bus
from bus.contracts import ContactRequired, OrderFound, OrderView, Throttled
from intents import Decision
from intents.slots import answered_last4, order_number
from shop.enums import OrderState

logger = logging.getLogger(__name__)

T = TypeVar("T")


class Identity(StatesGroup):
    """A flow paused until the customer shares their own contact (its draft says where to go
    on)."""

    waiting_for_contact = State()


class Draft(BaseModel):
    """A flow's memory between two updates."""

    model_config = ConfigDict(extra="ignore")

    paused_at: str | None = None
    """The state the flow goes on from once the customer's contact is linked."""


D = TypeVar("D", bound=Draft)
F = TypeVar("F", bound="Flow")


class Flow(ABC):
    """One multi-step conversation, for one update. Subclasses set ``states`` (their
    ``StatesGroup``, which also registers them for :func:`resume`) and implement
    :meth:`resume`."""

    states: ClassVar[type[StatesGroup]]
    _by_group: ClassVar[dict[str, type[Flow]]] = {}
    keeps_waiting: ClassVar[bool] = False
    """A job about an order (a return, an address…): a question the policy answers outright,
    asked at one of its steps, is answered and the job keeps waiting (:meth:`step_aside`).
    A flow that only asks for what a question needs (which product? which region?) is left
    for the new question."""
    asides: frozenset[str] = frozenset()
    """The intents answered outright from the policy (``Flows.get`` sets them)."""
    job_kind: ClassVar[Literal["return", "exchange"] | None] = None
    """The job a bare yes goes back to when another question took the turn (``LeftJob``)."""
    about_the_job: ClassVar[dict[str, str]] = {}
    """Intent → the UI key that answers it about this job, asked during it (a return's refund:
    none yet)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "states" in cls.__dict__:  # a concrete flow (not a shared base such as OrderFirstFlow)
            Flow._by_group[cls.states.__full_group_name__] = cls

    def __init__(self, conv: Conversation, rpc: Bus, state: FSMContext) -> None:
        self.conv = conv
        self.rpc = rpc
        self.state = state

    @classmethod
    def for_state(cls, state: str | None) -> type[Flow] | None:
        """The flow a state (``"ExchangeRequest:waiting_for_item"``) belongs to."""
        if not state:
            return None
        return cls._by_group.get(state.split(":", 1)[0])

    # -- the draft -----------------------------------------------------------------------------
    async def load(self, draft_type: type[D]) -> D:
        """The draft in the FSM data (a fresh one when there is none)."""
        data = await self.state.get_data()
        try:
            return draft_type.model_validate(data)
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            logger.warning(
                "%s: reset %s (stored in another form)", draft_type.__name__, ", ".join(bad)
            )
            return draft_type.model_validate({k: v for k, v in data.items() if k not in bad})

    async def wait(self, waiting: State, draft: Draft) -> None:
        """Wait in ``waiting`` for the customer's next answer, with ``draft``."""
        await self.state.set_state(waiting)
        await self.state.set_data(draft.model_dump(mode="json"))
        self.conv.memory.left_job = None  # a job under way: none left to go back to

    async def keep(self, draft: Draft) -> None:
        """Save the draft; the state stays."""
        await self.state.set_data(draft.model_dump(mode="json"))

    async def finish(self) -> None:
        await self.state.clear()

    async def leave(self) -> None:
        """Another question takes the turn: the flow ends, and a job about an order is
        remembered (``LeftJob``) — a bare yes after the answer goes on with it. Where it stood
        is kept too, for a person asked for now and then not wanted (``PausedStep``)."""
        await pause_step(self.conv, self.state)
        if self.job_kind is not None:
            order_no = (await self.state.get_data()).get("order_no")
            memory = self.conv.memory
            memory.left_job = LeftJob(
                kind=self.job_kind,
                order_no=order_no if isinstance(order_no, str) else None,
                turn=memory.turns,
            )
        await self.finish()

    # -- answers that don't fit ----------------------------------------------------------------
    async def ask_again_or_step_aside(self, decision: Decision | None, ask_key: str) -> None:
        """The message lacks what the flow waits for. A question the policy answers, asked
        aside during a job, is answered and the job keeps waiting (:meth:`step_aside`); any
        other clear new question leaves the flow to the intent handlers (``SkipHandler``);
        anything else hears the flow's question again."""
        if decision is not None and decision.outcome == "accept":
            if await self.job_asked_about(decision):
                return
            if choices.only_condition_told(self.conv.heard_text, decision.intent):
                # "nope never wore it, tags on" at "which item?": the item's condition, told
                # before it was asked — not a complaint (it opened a ticket for a supervisor)
                said = self.conv.t("exchange.condition_noted") + "\n" + self.conv.t(ask_key)
                await self.conv.say(said)
                return
            self.step_aside(decision)
            await self.leave()
            raise SkipHandler
        if await self.aside_in_context(decision):
            return
        await self.conv.say(self.conv.t(ask_key))

    async def aside_in_context(self, decision: Decision | None) -> bool:
        """A policy question the engine read only with the job's help ("运费谁出" during a
        return: the return's postage, not the shop's delivery fee) is not sure enough to be
        accepted, yet the job's question was said again and the question ignored, though that
        question says "ask me anything else, I answer first". Answered from the policy; the
        job keeps waiting at its question."""
        if (
            decision is None
            or decision.outcome != "clarify"
            or not decision.used_context
            or not self.keeps_waiting
            or decision.intent not in self.asides
        ):
            return False
        self.keep_waiting()
        await answer_from_policy(self.conv, decision.intent, self.conv.heard_text, decision.slots)
        return True

    async def job_asked_about(self, decision: Decision) -> bool:
        """A question about this job itself, asked in the middle of it ("退款什么时候到" during a
        return, "换的那件什么时候寄出来" during an exchange): answered for this job
        (``about_the_job``), which keeps waiting at its question. The refund left the return
        for "this order has no return on record", and the return was never made."""
        said = self.about(decision, self.conv.heard_text)
        if said is None:
            return False
        self.keep_waiting()
        await self.conv.say(said)
        return True

    def keep_waiting(self) -> None:
        """The job waits on at the question the bot asked last: whatever is said this turn is
        followed by a pointer back to it (``IntentMiddleware``)."""
        self.conv.waiting_aside = self.conv.memory.last_said or 0

    def about(self, decision: Decision, text: str) -> str | None:
        """What answers ``decision`` as a question about this job (``text``: the customer's
        words), or None."""
        key = self.about_the_job.get(decision.intent)
        return self.conv.t(key) if key is not None else None

    def step_aside(self, decision: Decision | None) -> None:
        """A question the policy answers outright, asked while a job waits ("运费谁出" at
        "换成 S，对吗？", "do you ship to Canada?" at "which order?"), goes to its handler
        (``SkipHandler``) and the job keeps waiting at its question — the answer is followed by
        a pointer back to that question (``IntentMiddleware``). Returns when it is not such a
        question. The job was dropped before, and the customer had to start it over."""
        if (
            self.keeps_waiting
            and decision is not None
            and decision.outcome == "accept"
            and decision.intent in self.asides
        ):
            self.keep_waiting()
            raise SkipHandler

    async def order_named(
        self,
        text: str,
        listed: OrderFlow,
        states: Collection[OrderState] = (),
        keep: Keep | None = None,
    ) -> str | None:
        """The order number typed or, at a linked customer's order list for job ``listed``
        (of orders in ``states``, or those ``keep`` keeps), the order named in words ("T恤那单",
        "第二个", "最近那单")."""
        return order_number(text) or await order_in_words(
            self.rpc, self.conv, text, listed, states, keep
        )

    @staticmethod
    def digits_again(text: str, tried: str | None) -> str | None:
        """Four digits alone, after the lookup of order ``tried`` failed ("1234" was wrong,
        "5280" now): that order, its digits tried again — the order number was asked for
        again instead, as if it had been lost. The worker counts every wrong try as before."""
        if tried is None or order_number(text) is not None:
            return None
        return tried if answered_last4(text) is not None else None

    async def ask_order_again_or_step_aside(
        self, decision: Decision | None, text: str = ""
    ) -> None:
        """No order in the answer: a linked customer has their list above, others the number
        to type. A question of its own ("do you have the shirt in M?" at "which order?") leaves
        the flow to the other handlers, as a clear new question does."""
        if text and choices.asks_a_question(text):
            if decision is not None and await self.job_asked_about(decision):
                return
            self.step_aside(decision)
            await self.leave()
            raise SkipHandler
        await self.ask_again_or_step_aside(decision, self.order_ask_key())

    def order_ask_key(self) -> str:
        """How the order is asked for: from the list above (a verified customer), or its
        number."""
        return "ask.pick_order" if self.conv.memory.linked is True else "ask.order_no"

    async def order_of(self, draft: OrderDraft, waiting_for_contact: State) -> OrderView | None:
        """The draft's order, looked up again for the next step; ``None`` when the step has
        ended (no order in the draft, the contact asked for — the flow waits in
        ``waiting_for_contact`` — or the setback said)."""
        if draft.order_no is None:
            await self.finish()
            return None
        result = await lookup(self.rpc, self.conv, draft.order_no)
        if isinstance(result, OrderFound):
            return result.order
        if isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, waiting_for_contact)
        else:
            await self.finish()
            await outcomes.explain(self.conv, result)
        return None

    async def read_typed(
        self,
        value: T | None,
        then: Callable[[T], Awaitable[None]],
        decision: Decision | None,
        ask_key: str,
    ) -> None:
        """A typed answer read as its button would be (``value``): the step goes on with it;
        ``None`` (not an answer) asks again or steps aside."""
        if value is not None:
            await then(value)
            return
        await self.ask_again_or_step_aside(decision, ask_key)

    async def not_found(
        self,
        result: outcomes.Setback,
        draft: Draft,
        *,
        waiting_for_order: State,
        waiting_for_last4: State,
    ) -> None:
        """A lookup that did not give the order: wait for the digits (``ProofNeeded``) or for
        another number, and say why; a throttled customer stays where they were."""
        if isinstance(result, outcomes.ProofNeeded):
            await self.wait(waiting_for_last4, draft)
        elif not isinstance(result, Throttled):
            await self.wait(waiting_for_order, draft)
        await outcomes.explain(self.conv, result)

    # -- the customer's contact ----------------------------------------------------------------
    async def pause_for_contact(
        self, draft: Draft, reason: Literal["write", "last4_locked"], resume_at: State
    ) -> None:
        """The worker wants the order's verified customer (``ContactRequired``): ask for the
        customer's own contact and keep the draft, to go on at ``resume_at`` once it is
        linked. A chat linked already is linked to someone else than the order's customer:
        sharing again can't help, so a person is offered instead."""
        if await is_linked(self.rpc, self.conv):
            logger.info("chat %s is verified, but not as this order's customer", self.conv.chat_id)
            await self.finish()
            await outcomes.not_order_owner(self.conv)
            return
        draft.paused_at = resume_at.state
        await self.wait(Identity.waiting_for_contact, draft)
        await outcomes.ask_for_contact(self.conv, reason)

    @abstractmethod
    async def resume(self, at: str) -> None:
        """Go on from state ``at`` now that the chat is linked to the customer."""


class OrderDraft(Draft):
    """A draft about one of the customer's orders."""

    order_no: str | None = None
    picked_by: str = ""
    """The words that picked the order at the list ("T恤那个"): they may name the item too."""


OD = TypeVar("OD", bound=OrderDraft)


class OrderFirstFlow(Flow, Generic[OD]):
    """A flow about one of the customer's orders (an exchange, a return): the order's number is
    typed (with or then its last four digits) or picked from their list, and :meth:`open_order`
    goes on from there."""

    @abstractmethod
    async def draft(self) -> OD: ...

    listed: ClassVar[OrderFlow]
    """The job whose orders the customer's list shows (``offer_orders``)."""
    confirm_button: ClassVar[str]
    """The UI key of the confirmation's button (its words typed confirm too)."""

    def about(self, decision: Decision, text: str) -> str | None:
        """The postage asked during a return or an exchange ("who pays the postage for that"):
        sending it back (whose it is depends on the reason), not a parcel's fee to a region."""
        if decision.intent == "shipping.fee":
            return self.conv.replies.answer("returns.postage", self.conv.locale)
        return super().about(decision, text)

    async def offer_own_orders(
        self, draft: OD, text: str = "", *, ask_contact: bool = True
    ) -> None:
        """Wait for the order: a verified customer's list to pick from (their only order, or the
        one ``text`` names, goes on at once), the number asked of anyone else."""
        await self.wait(self.waiting_for_order, draft)
        found = await offer_orders(
            self.conv,
            self.rpc,
            self.listed,
            ask_contact=ask_contact,
            text=text,
            keep=self.list_keep(draft),
        )
        if found is not None:
            await self.with_order(draft, found.order)

    def list_keep(self, draft: OD) -> Keep | None:
        """The orders the list keeps for this draft, when not the job's usual ones (a faulty
        item's remedy: every delivered order, its window lifted)."""
        return None

    @property
    def waiting_for_order(self) -> State:
        """The flow's own state for the order number (its ``states`` have one)."""
        return self._own_state("waiting_for_order")

    @property
    def waiting_for_last4(self) -> State:
        return self._own_state("waiting_for_last4")

    def _own_state(self, name: str) -> State:
        state = getattr(self.states, name)
        assert isinstance(state, State), f"{self.states.__name__} has no {name}"
        return state

    @abstractmethod
    async def with_order(self, draft: OD, order: OrderView) -> None: ...

    async def open_order(self, draft: OD, order_no: str, last4: str | None) -> None:
        """The order named (with the digits typed, if any): on with it, or the contact asked
        for, or the number or digits asked again."""
        draft.order_no = order_no
        result = await lookup(self.rpc, self.conv, order_no, last4)
        if isinstance(result, OrderFound):
            await self.with_order(draft, result.order)
        elif isinstance(result, ContactRequired):
            await self.pause_for_contact(draft, result.reason, self.waiting_for_last4)
        else:
            await self.not_found(
                result,
                draft,
                waiting_for_order=self.waiting_for_order,
                waiting_for_last4=self.waiting_for_last4,
            )

    async def number_typed(self, text: str, decision: Decision | None) -> None:
        draft = await self.draft()
        order_no = self.digits_again(text, draft.order_no) or await self.order_named(
            text, self.listed, keep=self.list_keep(draft)
        )
        if order_no is None:
            keep = self.list_keep(draft)
            if not await offer_alike(self.conv, self.rpc, text, self.listed, keep=keep):
                await self.ask_order_again_or_step_aside(decision, text)
            return
        draft.picked_by = text.strip()[:100]
        await self.open_order(draft, order_no, answered_last4(text))

    async def last4_typed(self, text: str, decision: Decision | None) -> None:
        last4 = answered_last4(text)
        draft = await self.draft()
        retyped = order_number(text)
        if last4 is None and retyped is not None and retyped != draft.order_no:
            # "打错了 是KF…": another number instead of the digits asked for is the order meant
            await self.open_order(draft, retyped, None)
            return
        if last4 is None or draft.order_no is None:
            await self.ask_again_or_step_aside(decision, "ask.phone_last4")
            return
        # the number typed again with its digits is the order meant
        await self.open_order(draft, order_number(text) or draft.order_no, last4)

    async def order_picked(self, order_no: str) -> None:
        await self.open_order(await self.draft(), order_no, None)

    async def drafted_order(self, draft: OD) -> OrderView | None:
        """The draft's order, looked up again for the next step (``order_of``)."""
        return await self.order_of(draft, self.waiting_for_last4)

    @abstractmethod
    async def resale_answered(self, fit: bool) -> None: ...

    @abstractmethod
    async def confirmed(self, confirm: bool) -> None: ...

    # typed instead of pressed (bot/services/choices.py)
    async def resale_typed(self, text: str, decision: Decision | None) -> None:
        """ "没穿过，吊牌还在" / "washed once" / "是" to "tags on, unworn?"."""
        await self.read_typed(
            choices.fit_for_resale(text), self.resale_answered, decision, "choice.again.yes_no"
        )

    async def confirm_typed(self, text: str, decision: Decision | None) -> None:
        """ "确认" / "算了" / "yes please" to the confirmation of the quote — or its button's
        own words typed ("确认退货", "confirm the return": read by the engine as a new request
        for a return, they ended the flow and the return was never made)."""
        answer = choices.yes_or_no(text)
        if answer is None:
            answer = choices.button_typed(
                text, {self.conv.t(self.confirm_button): True, self.conv.t("button.cancel"): False}
            )
        if answer is None and choices.go_ahead_with(text, self.confirm_button):
            answer = True
        await self.read_typed(answer, self.confirmed, decision, "choice.again.yes_no")


async def pause_step(conv: Conversation, state: FSMContext) -> None:
    """Keep where the chat's flow stands (``ChatMemory.before_person``), before it is ended."""
    raw = await state.get_state()
    if raw is None:
        return
    memory = conv.memory
    memory.before_person = PausedStep(
        state=raw, data=await state.get_data(), question=memory.last_said, turn=memory.turns
    )


class Flows:
    """The flows of one update, for handlers: ``flows.get(ExchangeFlow)`` is that flow on this
    chat's conversation, bus and FSM state (the chat-context middleware puts it in the handler
    data as ``flows``). The bus and the state are the handler data's when the flow is made:
    a middleware after the chat context may wrap the bus for the turn (``bot.ops``)."""

    __slots__ = ("_data", "conv")

    def __init__(self, conv: Conversation, data: dict[str, Any]) -> None:
        self.conv = conv
        self._data = data

    def get(self, flow: type[F]) -> F:
        made = flow(self.conv, self._data["rpc"], self._data["state"])
        made.asides = self._data.get("asides", made.asides)
        return made


async def resume(conv: Conversation, rpc: Bus, state: FSMContext) -> bool:
    """The contact was linked: go on with the flow that paused for it, or with the flow the
    customer was in when they shared it. ``False`` when there was none."""
    current = await state.get_state()
    at = current
    if current == Identity.waiting_for_contact.state:
        at = (await state.get_data()).get("paused_at")
    flow = Flow.for_state(at)
    if flow is None or at is None:
        if current == Identity.waiting_for_contact.state:
            await state.clear()  # a pause from an older version, or for a flow gone since
        return False
    await flow(conv, rpc, state).resume(at)
    return True
