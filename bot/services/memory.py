"""One chat's memory: what the bot keeps about a customer's chat beside the FSM state.

:class:`ChatMemory` lives in aiogram's FSM storage (memory, or Redis when several bot processes
share the chats) under its own *destiny* (``MEMORY_DESTINY``), apart from the FSM state and
data, so that ``state.clear()`` at the end of a flow never forgets the customer's language,
identity or the conversation so far. The chat-context middleware loads it once per update and
saves it once, when it changed.

It is stored JSON-native (``model_dump(mode="json")``) so Redis can hold it, and a record
written by an older version still loads: unknown keys are dropped, and a value that no longer
fits its field is reset to the field's default (logged by field name, never by value).
"""

from __future__ import annotations

import hashlib
import html
import logging
import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from aiogram.fsm.storage.base import BaseStorage, StorageKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.storage import ExpiringMemoryStorage
from bus.contracts import Attachment, TranscriptLine
from intents import Slots
from intents.garments import names_a_garment

logger = logging.getLogger(__name__)

MEMORY_DESTINY = "kefu"
TEXT_LIMIT = 4096  # a transcript line, as long as a Telegram message
ATTACHMENT_LIMIT = 50
LOOSE_PHOTOS = 5
"""Photos held loose for a return not asked yet (the newest)."""
LOOSE_PHOTO_S = 30 * 60
"""How long before a return is made a loose photo still goes on it."""
PROOF_LIMIT = 10
CARD_FRESH_S = 10 * 60
"""An order's card shown this long ago is still in mind: a question about the order gets the
short answer; after it, the card again."""

Role = Literal["customer", "bot"]

Evidence = Literal["color", "quality"]


class ProductMemo(BaseModel):
    """A product the chat talked about (its facts come from the worker each time)."""

    product_id: int
    name: str
    size: str | None = None
    """The size of it the chat is about: the one advised, or the last one asked about
    ("腰围多少" after advice is that size's waist, not the whole chart)."""
    advised: str | None = None
    """The size the bot recommended for it ("换成你推荐的" exchanges to that size)."""
    measured: tuple[float | None, float | None, float | None] | None = None
    """The waist, hip and bust the advice went by, when it went by the customer's measures
    ("and if i like it a bit looser?" right after is advised again by them)."""
    worn: tuple[str, int] | None = None
    """The size she has of it and which way it misfits ("L码穿着太小了": ("L", 1)): "那XL呢"
    right after is said against the advice that moved away from it, not the chart's L."""
    swap_turn: int | None = None
    """The customer message (``ChatMemory.turns``) whose advice offered to swap hers for the
    size advised ("…what size should i swap to?"): a bare yes right after takes it."""


class Offer(BaseModel):
    """What the bot's last message offered with its buttons, so that a bare "好的" / "yes
    please" (or "不用了" / "no thanks") typed instead of pressed answers it
    (``bot.services.offers``): a person (``human``, with the ticket's reason), or a job about
    one order (``job``: urge, exchange, return, cancel)."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["human", "job"]
    reason: str = "other"
    """The ticket's reason (a person offered)."""
    job: str | None = None
    order_no: str | None = None
    message_id: int | None = None
    """The message with the buttons (taken off once the offer is answered)."""
    about: str | None = None
    """The customer's words the offer answered (a quality problem told): the item and the
    fault, for the return or exchange they may ask for instead."""
    at: datetime


JobKind = Literal[
    "address", "cancel", "modify", "courier", "urge", "return", "exchange", "receipt", "note"
]


class DoneJob(BaseModel):
    """The last job about an order the worker confirmed in this chat (``bot.services.done``):
    "改好了吗" right after is answered by it."""

    model_config = ConfigDict(extra="ignore")

    kind: JobKind
    order_no: str | None = None
    reference: str | None = None
    """The return's, exchange's or refund's number, when it has one."""
    message_id: int | None = None
    """The bot's message that said it was done."""
    at: datetime


class HeldPhoto(BaseModel):
    """A photo she sent for a return not made yet, or whose return is being asked: Telegram's
    reference to it (never the image), kept until it goes on the return."""

    model_config = ConfigDict(extra="ignore")

    file_id: str
    file_unique_id: str
    caption: str | None = None
    message_id: int
    """Her message with the photo (the command's idempotency key is made from it)."""
    at: datetime | None = None
    """When she sent it (a photo held loose, before any return: ``ChatMemory.loose_photos``)."""


_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _plain(sent: str) -> str:
    """A message the bot sent in Telegram's HTML as plain text (tags out, entities read)."""
    return html.unescape(_TAG.sub("", sent)) if "<" in sent or "&" in sent else sent


class LeftJob(BaseModel):
    """A job about an order the customer was on when another question took the turn ("这单发货
    了吗" at "退哪一件？"): a bare yes a message or two later goes on with it
    (``bot.handlers.midjob``)."""

    model_config = ConfigDict(extra="ignore")

    kind: Literal["return", "exchange"]
    order_no: str | None = None
    turn: int = 0
    """The chat's customer-message count when it was left."""
    offered: bool = False
    """"Shall I go on with it?" was asked already."""


class PausedStep(BaseModel):
    """Where a flow stood when the customer asked for a person mid-way (its FSM state and draft,
    the message id of the bot's question, the chat's turn): "never mind" to the person, while
    nobody has taken the ticket, takes her back there (``bot.desk.customer``)."""

    model_config = ConfigDict(extra="ignore")

    state: str
    data: dict[str, Any] = {}
    question: int | None = None
    turn: int = 0


class Topic(BaseModel):
    """What the chat is about: the last intent the bot accepted and answered, when (time and
    customer turn), and what is known about it (region, size, height and weight, product…).
    A follow-up fragment ("What about Beijing?", "那L呢") is read in it (``bot.services.topic``)."""

    model_config = ConfigDict(extra="ignore")

    intent: str
    at: datetime
    turn: int = 0
    """The chat's customer-message count (``ChatMemory.turns``) when the topic was set."""
    slots: Slots = Field(default_factory=Slots)


class ChatMemory(BaseModel):
    """The per-chat record. Change it through its methods (or plain assignment of a field);
    :meth:`save` writes it back when it differs from what was loaded."""

    model_config = ConfigDict(extra="ignore")

    locale: str | None = None
    """The language the customer chose with /lang (wins over the app's)."""
    app_locale: str | None = None
    """The Telegram app's language, for updates that come without one."""
    written_locale: str | None = None
    """The language the customer last plainly wrote in (wins over the app's: a customer
    whose phone is set to English and who writes Chinese is answered in Chinese)."""
    linked: bool | None = None
    """The customer shared their own contact and the worker linked the chat to them (True),
    or the worker said it isn't (False); ``None`` while this memory doesn't know — a new chat,
    or one forgotten after ``KEFU_CHAT_TTL_S`` idle, whose customer may have been verified
    long ago: the worker is asked when it matters (``bot.services.orders.is_linked``)."""
    proofs: dict[str, str] = Field(default_factory=dict)
    """Order number → the last four phone digits the customer proved it with (newest last)."""
    last_order: str | None = None
    """The order this chat was last about."""
    order_turn: int | None = None
    """The customer message (``turns``) at which ``last_order`` was last opened: its card is
    in view for a turn or two (``in_view``)."""
    card: tuple[str, str, float] | None = None
    """The order whose card was last shown in full: its number, a digest of the card's text
    (a changed order shows its card again) and when (epoch seconds) — a question about that
    order soon after gets the short answer, not the card again (``card_fresh``)."""
    card_turn: int | None = None
    """The customer message (``turns``) at which that card — or its short answer — was last
    shown: the order is in view for a turn or two after it (``card_in_view``), whichever path
    showed it (the order's number, an item named, a pick from her list, a shared contact)."""
    region: str | None = None
    """The customer's province, from a message or their order (for postage answers)."""
    transcript: list[str] = Field(default_factory=list)
    """Both sides of the chat since the last ticket, newest last, bounded: each line stored as
    ``"<role> <ISO time> <text>"`` (the cheapest form to load and save on every update;
    :meth:`record` writes them, :meth:`transcript_lines` reads them)."""
    attachments: list[Attachment] = Field(default_factory=list)
    """Photos, documents, voice… since the last ticket, for the next one."""
    ticket_key: str | None = None
    """The idempotency key of a ticket asked for and not confirmed yet (a retry reuses it)."""
    ticket: str | None = None
    """The number of the chat's open ticket."""
    beside_ticket: str | None = None
    """A ticket nobody had taken yet when she asked for a job about an order (a complaint's
    ticket, then "能给我换一件灰色的L码吗"): the bot goes on with that job, her words of it
    copied to the ticket (``bot.desk.customer``)."""
    beside_turn: int = 0
    """The customer message (``turns``) that job began at."""
    queued: str | None = None
    """A second job asked in the message of a first ("取消碎花裙那单 还有卫衣那单开个发票"): asked
    again once a job is done after ``queued_at`` (``bot.middlewares.IntentMiddleware``)."""
    queued_at: datetime | None = None
    queued_turn: int = 0
    ticket_words: str | None = None
    """Her last words before the chat's ticket opened ("你们这T恤…小得离谱"): the item a job
    asked beside the ticket ("能给我换一件灰色的L码吗") is about, when it names none."""
    misses: int = 0
    """Unclear messages in a row (the second one offers a person)."""
    pending_text: str | None = None
    """The question a "did you mean…?" is about, replayed when a choice is pressed (or the
    contact shared next: ``bot.handlers.identity.go_on_after_contact``)."""
    pending_turn: int | None = None
    """The customer message (``turns``) ``pending_text`` was left at (``pend``)."""
    clarified_turn: int | None = None
    """The customer message answered with "did you mean one of these?" and its buttons: a bare
    yes or no right after is about them (``bot.handlers.clarify``)."""
    parcel: tuple[str, str | None] | None = None
    """A return's tracking number (and the RT/RMA number named with it) sent before the
    customer was verified: recorded once their contact is linked."""
    address_refused: tuple[int, str] | None = None
    """A shipped order's address change refused: the turn and the order. "so what are my
    options then?" right after is answered with them (``bot.services.address_options``)."""
    loose_photos: list[HeldPhoto] = Field(default_factory=list)
    """Photos she sent with no return in view ("看 这里开线了" + photo, then "我要退货"): kept
    for a ticket as any photo, and taken by the return she makes within ``LOOSE_PHOTO_S``
    (``ReturnFlow.keep_photos``), where the after-sales team sees them."""
    return_photo: HeldPhoto | None = None
    """A photo she sent for a return while she has several: kept until she picks which
    (``bot.services.return_photos``)."""
    evidence_for: Evidence | None = None
    """A photo sent now is evidence for a colour or quality question."""
    last_match: tuple[str, float] | None = None
    """What the bot made of the customer's last message (intent, confidence), for a ticket."""
    product: ProductMemo | None = None
    """The product the chat was last about (a product fact answered), so that "那洗的时候要
    注意什么" after it is about that product."""
    turns: int = 0
    """Customer text messages so far (for how many turns ago the topic was set)."""
    farewell_turn: int | None = None
    """The customer message (``turns``) the bot last said goodbye to: a goodbye after it
    ("谢谢", then "拜拜") gets a short one."""
    topic: Topic | None = None
    """What the chat is about (``bot.services.topic``)."""
    postage_told: str | None = None
    """The region whose free-shipping rule this chat was told last: an amount asked about next
    ("那我买1200的呢") gets what that amount gets there, without the rule again."""
    postage_turn: int | None = None
    """The customer message a postage or shipping-region answer was given to: "具体多少钱"
    a message or two later asks the exact postage (``bot.handlers.shipping``)."""
    answered: dict[str, int] = Field(default_factory=dict)
    """Long policy answers given in this chat (``bot.services.repeats``): the answer's key →
    the message it was sent in, newest last, a handful kept. Asked again, it is answered
    briefly, pointing back to that message."""
    done: DoneJob | None = None
    """The last job about an order the worker confirmed here, for "改好了吗" right after."""
    return_note: str = ""
    """The words of the request the return rules answered (its item, its reason): the return
    the invited number goes on with starts from them."""
    fault_told: tuple[int, str] | None = None
    """A fault told ("收到的T恤有个洞"): the turn and the words. A return asked for a few messages
    later ("想退货", after the photos) starts from them: the item named, the fault as its
    reason (the postage ours), not "which item? why?" again."""
    return_refused: tuple[int, str, list[str]] | None = None
    """The return refused last: the turn, what was refused (the order and items, as said) and
    the worker's reasons. "为什么不能退 我都没穿" right after it is answered about that refusal
    (``ReturnFlow.pushed_back``), not with the rules and another order's items."""
    check_refused: tuple[int, str] | None = None
    """Her returned parcel refused on the shop's check, told by a notice (``bot/notices.py``):
    the turn it was told at and the return's number. "i never wore it!" right after is her
    dispute of that check (``bot.handlers.refusals``), a person offered."""
    return_invited: int | None = None
    """The turn the return rules ended "send me your order number and I'll see what this order
    allows": the number sent next, or the contact shared, goes on with the return
    (``bot.handlers.returns``); it showed the order's card only, and the return was lost."""
    last_said: int | None = None
    """The bot's last message in this chat (its message id): a job's question, when a
    question asked aside is answered and the job keeps waiting (``Flow.step_aside``)."""
    rule_asked: tuple[int, str, str | None] | None = None
    """(the turn, the intent, the item kind or None): the return or exchange rule last answered
    from the policy — "代购的呢" right after asks it for another kind, "那尺码不合适怎么办"
    what it means for that kind's item that doesn't fit."""
    urged: tuple[int, int] | None = None
    """(the turn, how many in a row): the customer hurried the bot along at an order list
    ("快点啊"): the second time in a row a person is offered beside the list."""
    left_job: LeftJob | None = None
    """The job the customer was on when another question took the turn (``LeftJob``)."""
    before_person: PausedStep | None = None
    """The step a person was asked for at (``PausedStep``)."""
    offer: Offer | None = None
    """What the bot's last words offered (a person, a job about an order), answerable with a
    bare yes or no in the customer's next message only: the next update takes it out
    (``Conversation.offer``), whatever it is."""

    # Where it was loaded from and as what, for save(): a slot, not a pydantic private
    # attribute (it is read and written on every update; private attributes cost more).
    __slots__ = ("_origin",)
    if TYPE_CHECKING:
        _origin: tuple[BaseStorage, StorageKey, dict[str, Any]]

    @field_validator("transcript", mode="before")
    @classmethod
    def _lines_of_older_records(cls, value: Any) -> Any:
        """Older records kept each line as {"role", "text", "at"}."""
        if isinstance(value, list) and value and not isinstance(value[0], str):
            return [
                f"{line['role']} {line['at']} {line['text']}" if isinstance(line, dict) else line
                for line in value
            ]
        return value

    # -- storage -------------------------------------------------------------------------------
    @classmethod
    def from_stored(cls, data: dict[str, Any]) -> ChatMemory:
        """The record from its stored form; fields that don't fit (an older version's) are
        reset rather than failing the customer's update."""
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            bad = {str(error["loc"][0]) for error in exc.errors() if error["loc"]}
            logger.warning("chat memory: reset %s (stored in another form)", ", ".join(sorted(bad)))
            return cls.model_validate({k: v for k, v in data.items() if k not in bad})

    @classmethod
    async def load(cls, storage: BaseStorage, key: StorageKey) -> ChatMemory:
        """The chat's record from ``storage``. A storage that keeps live objects (the bot's
        in-process :class:`bot.storage.ExpiringMemoryStorage`) hands back the same object
        every turn: changed in place, it is neither validated again nor dumped to be saved."""
        if isinstance(storage, ExpiringMemoryStorage):
            kept = storage.kept(key)
            if isinstance(kept, cls):
                return kept
            memory = cls.from_stored(await storage.get_data(key))
            storage.keep(key, memory)
            return memory
        stored = await storage.get_data(key)
        memory = cls.from_stored(stored)
        # As stored: a record of an older form differs, and is written back in the new one.
        object.__setattr__(memory, "_origin", (storage, key, stored))
        return memory

    def stored(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    async def save(self) -> None:
        """Write the record back if it changed since it was loaded (or last saved)."""
        try:  # the slot itself: an unset attribute of a pydantic model would go on to its
            origin = _ORIGIN.__get__(self, ChatMemory)  # __getattr__ (~3 µs every turn)
        except AttributeError:
            return  # kept live by its storage, or made here: nothing to write
        storage, key, stored = origin
        data = self.stored()
        if data != stored:
            await storage.set_data(key, data)
            object.__setattr__(self, "_origin", (storage, key, data))

    # -- identity ------------------------------------------------------------------------------
    def proof_for(self, order_no: str) -> str | None:
        """The last four phone digits the customer proved this order with, if any."""
        return self.proofs.get(order_no)

    def remember_order(self, order_no: str, last4: str | None, province: str) -> None:
        """An order the customer opened: the proof that worked (a handful are kept, the oldest
        go first), and the order and its province as what the chat is about."""
        if last4 and self.proofs.get(order_no) != last4:
            proofs = {k: v for k, v in self.proofs.items() if k != order_no}
            proofs[order_no] = last4
            self.proofs = dict(list(proofs.items())[-PROOF_LIMIT:])
        self.last_order = order_no
        self.order_turn = self.turns
        self.region = province

    def beside_ticket_words(self, text: str) -> str:
        """``text`` of a job just asked beside a waiting ticket, after the words that opened the
        ticket when it names no item itself ("能给我换一件灰色的L码吗" after "你们这T恤…")."""
        if (
            self.beside_ticket is None
            or self.turns != self.beside_turn
            or not self.ticket_words
            or names_a_garment(text)
        ):
            return text
        return f"{self.ticket_words} {text.strip()}"

    def said_before(self) -> str | None:
        """Her message before the one being answered (the transcript's: since the last
        ticket), or ``None``."""
        seen = 0
        for stored in reversed(self.transcript):
            if stored.startswith("customer "):
                seen += 1
                if seen == 2:
                    return [*stored.split(" ", 2), ""][2]
        return None

    def said_earlier(self, count: int = 3) -> list[str]:
        """Her ``count`` messages before the one being answered, the latest first (the
        transcript's: since the last ticket)."""
        said: list[str] = []
        for stored in reversed(self.transcript):
            if stored.startswith("customer "):
                said.append([*stored.split(" ", 2), ""][2])
                if len(said) > count:
                    break
        return said[1:]

    def with_fault(self, text: str, turns: int = 3) -> str | None:
        """``text`` after the fault told at most ``turns`` messages ago ("收到的T恤有个洞" …
        "想退货"), or ``None`` when none was."""
        if self.fault_told is None or self.turns - self.fault_told[0] > turns:
            return None
        return f"{self.fault_told[1]} {text.strip()}"

    def order_in_view(self, turns: int = 2) -> str | None:
        """The order opened (its card, a job on it) at most ``turns`` messages ago."""
        if self.last_order is None or self.order_turn is None:
            return None
        return self.last_order if self.turns - self.order_turn <= turns else None

    def card_shown(self, order_no: str, card: str, at: float | None = None) -> None:
        """The order's card was shown in full (``card_fresh`` then knows it): the order the
        chat is about, in view from this message on."""
        self.card = (order_no, _digest(card), datetime.now(UTC).timestamp() if at is None else at)
        self.last_order, self.order_turn, self.card_turn = order_no, self.turns, self.turns

    def brief_shown(self, order_no: str) -> None:
        """The short answer of the order whose card is fresh was given: still in view."""
        if self.card is not None and self.card[0] == order_no:
            self.last_order, self.order_turn, self.card_turn = order_no, self.turns, self.turns

    def card_in_view(
        self, turns: int = 2, within_s: float = CARD_FRESH_S, at: float | None = None
    ) -> str | None:
        """The order whose card (or short answer) was shown at most ``turns`` messages and
        ``within_s`` seconds ago, and no other order opened since: a short follow-up ("那什么
        时候到", "still not moving?") is about it."""
        if self.card is None or self.card_turn is None or self.turns - self.card_turn > turns:
            return None
        shown, _, when = self.card
        now = datetime.now(UTC).timestamp() if at is None else at
        if not 0 <= now - when <= within_s or shown != self.last_order:
            return None
        return shown

    def card_fresh(
        self, order_no: str, card: str, within_s: float = CARD_FRESH_S, at: float | None = None
    ) -> bool:
        """This order's card, as it reads now, was shown at most ``within_s`` seconds ago."""
        if self.card is None:
            return False
        shown, digest, when = self.card
        now = datetime.now(UTC).timestamp() if at is None else at
        return shown == order_no and digest == _digest(card) and 0 <= now - when <= within_s

    def pend(self, text: str) -> None:
        """A question left waiting (a "did you mean…?", a question offered with its button, one
        answered in general until the contact is shared): kept to replay."""
        self.pending_text = text[:1000]
        self.pending_turn = self.turns

    def pending(self, turns: int = 2) -> str | None:
        """The question left waiting at most ``turns`` messages ago (not one from long before)."""
        if not self.pending_text or self.pending_turn is None:
            return None
        return self.pending_text if self.turns - self.pending_turn <= turns else None

    # -- the conversation ----------------------------------------------------------------------
    def record(self, role: Role, text: str, limit: int) -> None:
        self.transcript.append(f"{role} {datetime.now(UTC).isoformat()} {text[:TEXT_LIMIT]}")
        del self.transcript[:-limit]

    def transcript_lines(self) -> list[TranscriptLine]:
        """The transcript as the ticket contract has it (lines that don't read are left out):
        plain text, as the customer's lines are — the bot's own are kept as sent, in
        Telegram's HTML, and read back without their tags ("<b>Order KF…</b>" showed on the
        agents' card as written)."""
        lines = []
        for stored in self.transcript:
            role, at, text = [*stored.split(" ", 2), "", ""][:3]
            if role == "bot":
                text = _plain(text)
            try:
                when = datetime.fromisoformat(at)
                lines.append(
                    TranscriptLine.model_validate({"role": role, "text": text, "at": when})
                )
            except (ValueError, ValidationError):
                logger.warning("chat memory: a transcript line that does not read was left out")
        return lines

    def hold_loose_photo(self, photo: HeldPhoto, now: datetime | None = None) -> None:
        """A photo sent with no return in view: held (the newest ``LOOSE_PHOTOS``) for the
        return she may make next."""
        held = [p for p in self.loose_photos if p.file_unique_id != photo.file_unique_id]
        stamped = photo.model_copy(update={"at": now or datetime.now(UTC)})
        self.loose_photos = [*held[-(LOOSE_PHOTOS - 1) :], stamped]

    def take_loose_photos(self, now: datetime | None = None) -> list[HeldPhoto]:
        """The loose photos sent within ``LOOSE_PHOTO_S``, for the return just made; none are
        held after (older ones belonged to something else)."""
        now = now or datetime.now(UTC)
        taken = [
            p for p in self.loose_photos
            if p.at is not None and (now - p.at).total_seconds() <= LOOSE_PHOTO_S
        ]  # fmt: skip
        self.loose_photos = []
        return taken

    def add_attachment(self, attachment: Attachment) -> None:
        self.attachments = [*self.attachments[-(ATTACHMENT_LIMIT - 1) :], attachment]

    def ticket_opened(self, ticket_no: str) -> None:
        """The ticket has the conversation and the attachments now; a later refresh sends
        only what came after."""
        self.ticket_key = None
        self.ticket = ticket_no
        said = [line.text for line in self.transcript_lines() if line.role == "customer"]
        self.ticket_words = said[-1][:200] if said else None
        self.transcript = []
        self.attachments = []
        self.misses = 0

    def missed(self) -> int:
        """Count an unclear message; how many in a row."""
        self.misses += 1
        return self.misses


_ORIGIN = ChatMemory.__dict__["_origin"]
"""``ChatMemory``'s ``_origin`` slot (see ``ChatMemory.save``)."""
