"""Outer middlewares on the update observer, in order: the chat context (memory, language, the
reply helper, the transcript), flood control, and the intent match — once per message, before
any handler or filter runs.

They sit on ``dp.update`` (after aiogram's own user-context and FSM middlewares) so that what
they put in the data is also there for the error handlers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.fsm.storage.base import BaseStorage, StorageKey
from aiogram.types import Chat, Message, TelegramObject, Update, User
from prometheus_client import Counter

from bot import keyboards
from bot.flood import FloodCounter, MemoryFlood
from bot.flows.base import Flows
from bot.flows.orders import order_job, waited_too_long
from bot.flows.products import FLOW_INTENTS as PRODUCT_INTENTS
from bot.flows.products import ProductFacts
from bot.flows.returns import wants_a_return
from bot.flows.shipping import REGIONAL, ShippingFlow
from bot.services import topic
from bot.services.answers import answer_bargain, answer_from_policy
from bot.services.conversation import Conversation
from bot.services.memory import MEMORY_DESTINY, ChatMemory
from bot.services.several import Parts, read_parts
from intents import Decision, IntentEngine
from intents.address import parse_address
from replies.render import Replies, writes_a_sentence_in, written_language

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

INTENTS_MATCHED = Counter(
    "kefu_bot_intents_total",
    "Customer messages by matched intent and outcome.",
    ["intent", "outcome"],
)
FLOOD_DROPPED = Counter("kefu_bot_flood_dropped_total", "Updates dropped by flood control.")


class FloodMiddleware(BaseMiddleware):
    """At most ``rate`` updates per ``window`` seconds per user in private chats; the first
    update over the limit gets a polite "slow down", the rest are dropped until the window has
    room again. Groups are not counted: the bot never speaks up in one, and in the agents'
    group every line an agent writes must reach the customer.

    The counting is ``counter``'s: in this process by default (:class:`bot.flood.MemoryFlood`),
    in Redis when several bot processes share the customers (:class:`bot.flood.RedisFlood`)."""

    def __init__(
        self,
        rate: int,
        window: float,
        *,
        max_users: int = 100_000,
        counter: FloodCounter | None = None,
    ) -> None:
        self.counter = counter or MemoryFlood(rate, window, max_users=max_users)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or (chat is not None and chat.type != "private"):
            # Groups: the bot answers nobody there, and in the agents' group an agent pasting
            # a few lines at once must not lose any of them.
            return await handler(event, data)
        verdict = await self.counter.hit(user.id)
        if verdict == "ok":
            return await handler(event, data)
        FLOOD_DROPPED.inc()
        conversation: Conversation | None = data.get("conv")
        if verdict == "warn" and conversation is not None:
            await conversation.say(conversation.t("flood"), aside=True)
            return None
        logger.info("flood control: dropped an update from user %s", user.id)
        return None


def describe_message(message: Message) -> str:
    """What the customer sent, for the transcript (a contact's number is never kept)."""
    if message.text:
        return message.text
    caption = f" {message.caption}" if message.caption else ""
    for kind in ("photo", "video", "voice", "audio", "document", "sticker", "video_note"):
        if getattr(message, kind):
            if kind == "sticker" and message.sticker and message.sticker.emoji:
                return f"[sticker {message.sticker.emoji}]"
            return f"[{kind}]{caption}"
    if message.contact:
        return "[contact shared]"
    if message.location:
        return "[location]"
    return "[message]"


class ChatContextMiddleware(BaseMiddleware):
    """Loads the chat's memory, picks the language, builds the :class:`Conversation` and writes
    the memory back once the update is handled (also when a handler failed).

    It runs inside aiogram's event isolation (``create_dispatcher``), or behind the update
    partitions' per-chat lanes (``bot/partitions.py``): one update per chat at a time, so
    answers keep the customer's order and the memory is never written by two at once.

    Updates from bot accounts stop here: bots do not talk to the shop, and answering one (or
    apologising to it) could start two bots talking to each other."""

    def __init__(
        self, storage: BaseStorage, replies: Replies, *, transcript_lines: int, default_locale: str
    ) -> None:
        self.storage = storage
        self.replies = replies
        self.transcript_lines = transcript_lines
        self.default_locale = default_locale
        self.ui_cache: keyboards.KeyboardCache = {}  # built once per language and key

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is not None and user.is_bot:
            logger.debug("ignored an update from bot account %s", user.id)
            return None
        if user is None or chat is None or chat.type != "private":
            # Groups (the agents' desk among them) are nobody's customer conversation.
            return await handler(event, data)
        bot: Bot = data["bot"]
        key = StorageKey(bot_id=bot.id, chat_id=chat.id, user_id=user.id, destiny=MEMORY_DESTINY)
        memory = await ChatMemory.load(self.storage, key)
        conversation = Conversation(
            bot=bot,
            chat_id=chat.id,
            user_id=user.id,
            user_name=user.full_name,
            locale=self._locale_of(user, memory, event),
            memory=memory,
            replies=self.replies,
            transcript_limit=self.transcript_lines,
            ui_cache=self.ui_cache,
        )
        data["memory"] = memory
        data["conv"] = conversation
        data["flows"] = Flows(conversation, data)
        assert isinstance(event, Update)
        if event.message is not None:
            conversation.heard(describe_message(event.message))
        try:
            return await handler(event, data)
        finally:
            await memory.save()

    def _locale_of(self, user: User, memory: ChatMemory, event: TelegramObject) -> str:
        """The language chosen with /lang; else the one the customer plainly writes in (this
        message, or the last that was plain); else the Telegram app's (remembered for updates
        that come without one); else the bot's default."""
        if user.language_code:
            memory.app_locale = self.replies.normalize_locale(
                user.language_code, self.default_locale
            )
        message = event.message if isinstance(event, Update) else None
        text = (message.text or message.caption or "") if message else ""
        written = written_language(text) if message else None
        if written is not None:
            locale = self.replies.normalize_locale(written, "")
            # "上海市静安区南京西路1266号…" pasted by an English-speaking customer: a Chinese
            # address is no Chinese chat (the read-back came in Chinese). Read only when the
            # message would change the chat's language: the address parser is off the hot path
            switches = (
                bool(locale) and bool(memory.written_locale) and (locale != memory.written_locale)
            )
            # and a chat's language changes only for a sentence of the other one, not for its
            # names, places or products: "oops typo, its 西湖区 not 西胡区" in an English chat,
            # "Oversized Hoodie in Grey" in a Chinese one keep the chat's language
            if locale and not (
                switches and (not writes_a_sentence_in(text, written) or only_an_address(text))
            ):
                memory.written_locale = locale
        return memory.locale or memory.written_locale or memory.app_locale or self.default_locale


# words that say something beside an address ("地址改成…", "寄到…吧"): the customer writes it
_MORE_THAN_AN_ADDRESS = re.compile(r"改|换|地址|寄|送|帮|请|麻烦|吗|呢|吧|要|想|[我你]")


def only_an_address(text: str) -> bool:
    """The message is a Chinese address and nothing else (a name and phone may go with it)."""
    if _MORE_THAN_AN_ADDRESS.search(text):
        return False
    return parse_address(text).has_address


QUEUED_TURNS = 8
"""Messages after which a second job asked is no longer taken up by itself."""


_VARIANT_JOBS: frozenset[str] = frozenset({"exchange", "modify"})
"""Jobs that change an item's size or colour."""
_VARIANT_QUESTIONS: frozenset[str] = frozenset({"color", "size"})
"""Questions such a job answers once done ("有黑色吗", "有L吗" beside "有的话就换")."""


def _only_looked_up(text: str, decision: Decision) -> bool:
    """A status question the order's card answers by itself ("has my hoodie shipped yet?"):
    no other order named, no job in it (an urge, a note, a wrong item…), no wait complained of
    (a late order's apology and its chase are more than the card)."""
    return (
        decision.slots.order_no is None
        and order_job(text) is None
        and not waited_too_long(text)
    )


class IntentMiddleware(BaseMiddleware):
    """Matches a text message's intent once and puts the ``Decision`` in ``data["decision"]``.

    The message is read in the conversation's topic (the flow the chat is in, the last intent
    the bot answered, how long and how many turns ago, its slots: ``bot.services.topic``); a
    follow-up's decision carries the topic's slots, merged here for every handler, and an
    accepted decision becomes the new topic. Commands (``/start``) are not matched. The
    matched intent is counted by outcome.
    """

    def __init__(self, engine: IntentEngine) -> None:
        self.engine = engine
        self._counted: dict[tuple[str, str], Any] = {}  # the counter's child per label pair
        self.answerable: frozenset[str] = frozenset()
        """Intents answered outright from the policy (``create_dispatcher`` sets them from the
        routes): what a second question in the same message may be answered as."""
        self.titles: dict[str, dict[str, str]] = {}
        """Each intent's title per locale, for the button that asks a job asked beside."""
        self.order_jobs: frozenset[str] = frozenset()
        """Intents that are a job about an order (the catalogue's ``lookup`` and ``exchange``
        actions): asked beside a question, the job leads the turn."""

    def _leads(self, part: str, read: Decision) -> bool:
        """A part of the message that is a job about an order ("我要退货", not "能退货吗")."""
        return read.intent in self.order_jobs or (
            read.intent == "returns.return" and wants_a_return(part, False)
        )

    def _count(self, intent: str, outcome: str) -> None:
        child = self._counted.get((intent, outcome))
        if child is None:
            child = self._counted[(intent, outcome)] = INTENTS_MATCHED.labels(intent, outcome)
        child.inc()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        assert isinstance(event, Update)
        message = event.message
        parts: Parts | None = None
        if (
            message is not None
            and message.text
            and not message.text.startswith("/")
            and message.chat.type == "private"
        ):
            memory: ChatMemory | None = data.get("memory")
            if memory is None:
                decision = self.engine.match(message.text)
            else:
                memory.turns += 1
                context = topic.context_for(memory, data.get("raw_state"))
                decision = topic.follow_up(self.engine.match(message.text, context=context), memory)
                if self.answerable:
                    # several questions in one message
                    parts = read_parts(
                        self.engine, message.text, decision, self.answerable, self._leads
                    )
                    decision = parts.primary
                    if parts.lead is not None:
                        data["lead_part"] = parts.lead  # what its handler and filter read
                topic.remember(decision, memory)
            data["decision"] = decision
            self._count(decision.intent or "-", decision.outcome)
            if memory is not None:
                # For a ticket: what the bot made of the last message, and how sure it was.
                memory.last_match = (decision.intent, round(float(decision.confidence), 3))
                if decision.outcome == "accept" and memory.misses:
                    memory.misses = 0  # "two misses in a row" counts unclear messages only
            logger.debug(
                "intent %s (%s, %.2f)", decision.intent, decision.outcome, decision.confidence
            )
        if parts is None or not parts.more:
            result = await handler(event, data)
        else:
            await self._answer_also(parts.before, data)
            chat: ChatMemory = data["memory"]
            ticket = chat.ticket
            result = await handler(event, data)
            await self._answer_also(parts.after, data)
            if chat.ticket == ticket:  # (a chat just handed to a person gets no job's button)
                await self._offer_also(parts.offered, data, queued=parts.queued)
        conversation: Conversation | None = data.get("conv")
        if conversation is not None and conversation.waiting_aside is not None:
            await self._back_to_the_job(conversation, data)
        await self._next_job(event, data)
        return result

    async def _next_job(self, event: Update, data: dict[str, Any]) -> None:
        """The second job of a message ("取消碎花裙那单 还有卫衣那单开个发票"), once a job was
        done after it was asked and no step of another waits: said so, then asked again in
        her words, as if she had just written them. A failure here never takes back what was
        done."""
        memory: ChatMemory | None = data.get("memory")
        conversation = self._ours(data)
        if memory is None or conversation is None or memory.queued is None:
            return
        if memory.turns - memory.queued_turn > QUEUED_TURNS:
            memory.queued = memory.queued_at = None  # she went on to other things
            return
        done = memory.done
        if memory.queued_at is None:
            return
        # a job done since it was asked, or an order's card shown ("has my hoodie shipped? if
        # not cancel it": the card, then the cancel — she was told it would go on, and it
        # waited for a job that never came)
        # (not when the last words offered something to answer: "Cancel order KF…?" waits)
        looked_up = (
            memory.card is not None
            and memory.card[2] > memory.queued_at.timestamp()
            and memory.offer is None
        )
        if not looked_up and (done is None or done.at <= memory.queued_at):
            return
        state = data.get("state")
        if state is not None and await state.get_state() is not None:
            return  # a step still waits for her (the first job's last, another's)
        card_since = memory.card is not None and memory.card[2] > memory.queued_at.timestamp()
        changed_since = (
            done is not None and done.kind in _VARIANT_JOBS and done.at > memory.queued_at
        )
        asked, memory.queued, memory.queued_at = memory.queued, None, None
        memory.pending_text = None  # (its button is this)
        matched = self.engine.match(asked)
        if card_since and matched.intent == "order.status" and _only_looked_up(asked, matched):
            return  # "has my hoodie shipped?" beside the job: the order's card above answered it
        if changed_since and matched.group in _VARIANT_QUESTIONS:
            # "有黑色吗 有的话就换黑色" beside an exchange: the exchange to black, done, answered
            # it (it was asked again after the exchange, as if the shirt were not changed)
            return
        if event.message is not None:
            source = event.message
            replay = source.model_copy(update={"text": asked, "contact": None})
        elif event.callback_query is not None and isinstance(event.callback_query.message, Message):
            replay = event.callback_query.message.model_copy(
                update={"text": asked, "from_user": event.callback_query.from_user}
            )
        else:
            return
        try:
            await conversation.say(conversation.t("also.next", asked=asked))
            decision = topic.follow_up(matched, memory)
            topic.remember(decision, memory)
            memory.last_match = (decision.intent, round(float(decision.confidence), 3))
            self._count(decision.intent or "-", "queued")
            dispatcher = data["dispatcher"]
            rest = {k: v for k, v in data.items() if k not in ("decision", "lead_part")}
            # no step waits (checked above): the turn's state as read before the job was done
            # would take the replay into the finished job's step
            rest["raw_state"] = None
            await dispatcher.propagate_event("message", replay, decision=decision, **rest)
        except Exception:
            logger.exception("the second job of a message failed")

    async def _back_to_the_job(self, conversation: Conversation, data: dict[str, Any]) -> None:
        """A question asked aside while a job waited was answered (``Flow.step_aside``): the
        job still waits at its question, and the customer is pointed back to it (a reply to
        that message) — unless the answer moved the chat on (another flow, a person)."""
        state = data.get("state")
        if state is None or await state.get_state() != data.get("raw_state"):
            return
        if self._ours(data) is None:
            return
        quoted = conversation.waiting_aside or None  # (a memory from before it was kept)
        key = "flow.kept_waiting" if quoted else "flow.kept_waiting.above"
        await conversation.say(conversation.t(key), reply_to=quoted, aside=True)
        if quoted:  # the answer said before it was no question: the job's stays the one
            conversation.memory.last_said = quoted

    def _ours(self, data: dict[str, Any]) -> Conversation | None:
        """The conversation, unless a person has the chat (the desk's handoff middleware runs
        before this one: ``create_dispatcher``)."""
        if getattr(data.get("handoff"), "live", False):
            return None
        conversation: Conversation | None = data.get("conv")
        return conversation

    async def _answer_also(self, also: list[tuple[str, Decision]], data: dict[str, Any]) -> None:
        """Other questions of the message: answered from the policy (a regional one when the
        region is known). A failure here never takes back what was said."""
        conversation = self._ours(data)
        if conversation is None:
            return
        for part, read in also:
            intent = read.intent or ""
            self._count(intent, "also")
            try:
                if intent in REGIONAL:
                    region = read.slots.region or conversation.memory.region
                    if region is not None:
                        await (
                            data["flows"]
                            .get(ShippingFlow)
                            .answer(intent, region, read.slots.spend_yuan)
                        )
                    continue
                if intent == "bargain.discount":
                    await answer_bargain(conversation, data["rpc"], data["policy"], part)
                    continue
                await answer_from_policy(conversation, intent, part, read.slots)
            except Exception:
                logger.exception("a second question's answer failed (%s)", intent)

    async def _offer_also(
        self, offered: list[tuple[str, Decision]], data: dict[str, Any], queued: str | None = None
    ) -> None:
        """A job asked beside the turn's question: a button that asks the part as that question
        (the "did you mean" button); ``queued``, beside a job: it goes on by itself once the
        first is done (``_next_job``), and she is told so."""
        conversation = self._ours(data)
        if not offered or conversation is None:
            return
        if queued is not None:
            memory = conversation.memory
            memory.queued, memory.queued_turn = queued, memory.turns
            memory.queued_at = datetime.now(UTC)
        part, read = offered[0]  # one button: the chat replays one pending question
        intent = read.intent or ""
        memory = conversation.memory
        if (
            queued is None
            and intent in PRODUCT_INTENTS
            and memory.product is not None
            and memory.topic is not None
            and memory.topic.turn == memory.turns
        ):
            # "is the tshirt true to size? also do u have it in red": the turn's answer put the
            # T-shirt in view — the colour asked of "it" is answered for it, not offered as
            # a button that asked it again without the T-shirt
            self._count(intent, "also")
            aspect = "stock" if intent == "color.options" else None
            await data["flows"].get(ProductFacts).start(part, read.slots, aspect=aspect)
            return
        titles = self.titles.get(intent)
        if not titles:
            return
        self._count(intent, "offered")
        conversation.memory.pend(part)
        title = titles.get(conversation.locale) or next(iter(titles.values()))
        await conversation.say(
            conversation.t("also.queued" if queued is not None else "also.offer", title=title),
            reply_markup=keyboards.ask_this(title, intent),
        )
