"""Size advice: height and weight (and fit, when given) against one product's size chart, or the
waist and hip the customer measured against the garment's (trousers and skirts).

The product comes from the customer's order (an order number in the message, or the order the
chat was last about) or by name (``products.search``, then ``products.get``: its name and
chart are kept a minute per process, ``bot.services.catalogue``). Whatever is missing is
asked for; 斤 and 米 are understood by the slot extractor.
"""

from __future__ import annotations

import html
import logging
import re
from typing import Any

from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.fsm.state import State, StatesGroup
from pydantic import BaseModel, Field, field_validator

from bot import keyboards
from bot.flows.base import Draft, Flow
from bot.flows.products import asks_to_buy, display_name
from bot.services import choices, topic
from bot.services.catalogue import sizing_facts
from bot.services.memory import ProductMemo
from bot.services.orders import list_orders, lookup
from bot.services.sizes import size_wish
from bus.contracts import OrderFound, SearchProducts
from bus.errors import BusError
from intents import Decision, Slots
from intents.slots import extract_slots
from replies.sizing import SizeAdvice as Advice
from replies.sizing import SizeChart, SizeRow, recommend_by_measurements, recommend_size
from shop.enums import Measurement

logger = logging.getLogger(__name__)

MEASUREMENT_WORDS: tuple[tuple[Measurement, tuple[str, ...]], ...] = (
    ("chest_cm", ("胸围", "chest", "bust")),
    ("waist_cm", ("腰围", "waist")),
    ("hip_cm", ("臀围", "hip")),
    ("shoulder_cm", ("肩宽", "shoulder")),
    ("sleeve_cm", ("袖长", "sleeve")),
    ("inseam_cm", ("内长", "内裆", "inseam")),
    ("length_cm", ("衣长", "裤长", "裙长", "长度", "多长", "length", "how long")),
)
"""How customers name a chart's measurements (inseam before length: "内长" is not 长度)."""


SWAP_ASKED = re.compile(
    r"\b(?:swap|exchange|switch)\b|\bchange (?:it|them|this|mine|to|into)\b|换(?!季)",
    re.IGNORECASE,
)
"""A size asked for swapping hers ("what size should i swap to?", "which size should i change
it to", "应该换哪个码"), not for buying one: the swap is offered after the advice."""


def swap_asked(text: str) -> bool:
    """The size is asked for swapping hers (:data:`SWAP_ASKED`), not for buying one."""
    return SWAP_ASKED.search(text) is not None and not asks_to_buy(text)


class SizeAdvice(StatesGroup):
    waiting_for_body = State()
    waiting_for_product = State()


class ProductChoice(BaseModel):
    product_id: int
    name: str


class SizeDraft(Draft):
    height_cm: int | None = None
    weight_kg: float | None = None
    waist_cm: float | None = None
    hip_cm: float | None = None
    bust_cm: float | None = None
    """Measured by the customer ("腰围二尺二", "胸围88"): trousers and skirts go by the waist and
    hip, dresses and tops by the bust where their chart has a chest."""
    fit: str | None = None
    product_id: int | None = None
    asked: str | None = None
    """A size the customer asked about ("XL行不", "那L呢"): said against the advice."""
    worn: str | None = None
    worn_step: int = 0
    """The size she has and said does not fit ("L码穿着太小了": L, +1; "an L and too big":
    L, -1): the advice moves away from it, never to it."""
    swap: bool = False
    """She asked which size to swap hers to ("what size should i swap to?", "应该换哪个码"):
    the swap to the size advised is offered after the advice, and a plain yes takes it
    (``bot.handlers.size.AdvisedSizeWanted``)."""
    choices: list[ProductChoice] = Field(default_factory=list)
    """Products the question could be about, offered as buttons."""
    several: list[ProductChoice] = Field(default_factory=list)
    """Products named apart in one question ("连衣裙和牛仔裤分别穿什么码"): each advised."""

    @field_validator("choices", mode="before")
    @classmethod
    def _pairs_of_older_drafts(cls, value: Any) -> Any:
        """Older drafts kept each choice as a [product_id, name] pair."""
        if isinstance(value, list):
            return [
                {"product_id": c[0], "name": c[1]} if isinstance(c, list | tuple) else c
                for c in value
            ]
        return value

    @property
    def measured(self) -> bool:
        return self.waist_cm is not None or self.hip_cm is not None or self.bust_cm is not None

    def merge(self, slots: Slots) -> None:
        """What a message said about the body and the fit."""
        self.height_cm = slots.height_cm if slots.height_cm is not None else self.height_cm
        self.weight_kg = slots.weight_kg if slots.weight_kg is not None else self.weight_kg
        self.waist_cm = slots.waist_cm if slots.waist_cm is not None else self.waist_cm
        self.hip_cm = slots.hip_cm if slots.hip_cm is not None else self.hip_cm
        self.bust_cm = slots.bust_cm if slots.bust_cm is not None else self.bust_cm
        self.fit = slots.fit if slots.fit is not None else self.fit
        self.asked = slots.size if slots.size is not None else self.asked


_USUAL_ZH = re.compile(
    r"(?:平时|平常|一般|通常|日常|之前|以前|向来|一直)都?(?:穿|买|拿|是|选)\s*"
    r"(XXS|XXL|XS|XL|S|M|L|\d{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_USUAL_EN = re.compile(
    r"\b(?:usually|normally|always|typically|generally)\s+(?:wear|take|buy|get|am|go for)\s+"
    r"(?:an?\s+|size\s+)?(xxs|xxl|xs|xl|s|m|l|small|medium|large|\d{2})\b"
    r"|\bi'?m\s+(?:usually|normally|always|typically)\s+(?:an?\s+|size\s+)?"
    r"(xxs|xxl|xs|xl|s|m|l|small|medium|large|\d{2})\b",
    re.IGNORECASE,
)
_SIZE_WORDS = {"small": "S", "medium": "M", "large": "L"}


def usual_size(text: str) -> str | None:
    """The size the customer usually wears ("我平时穿M", "I'm usually a medium"), if said."""
    found = _USUAL_ZH.search(text) or _USUAL_EN.search(text)
    if found is None:
        return None
    size = next(g for g in found.groups() if g)
    return _SIZE_WORDS.get(size.lower(), size.upper())


_SIZE = r"(XXS|XXL|XS|XL|S|M|L)"
# "L码穿着太小了", "买的L穿着大", "M号有点紧": the size she has, then how it fits her (a clause;
# no question in it: "M码会不会小" / "L码大不大" are asked about a size, said against the advice)
_WORN_ZH = re.compile(
    _SIZE + r"(?![A-Za-z])\s*(?:码|号)?(?:的)?\s*(?:穿着|穿起来|穿上|上身)?\s*"
    r"(?:太|偏|有点|有些|有一点|稍微|还是|真的|特别|非常|好)*\s*"
    r"(?:(小|紧|短|勒|窄)|(大|松|肥|宽|长))(?:了|啊|呀|得很|一点)?",
    re.IGNORECASE,
)
_ASKED_ZH = re.compile(r"会不会|是不是|吗|么|[大小松紧]不[大小松紧]|[?？]")
# "i got the jeans in L and theyre too small", "the ones i have are an M and too big"
_WORN_EN = re.compile(
    r"\b(?:in|an?|size|my|the)\s+(xxs|xxl|xs|xl|s|m|l)\b(?:(?!\b(?:if|would|will|should)\b)"
    r"[^.?!;]){0,40}?\b(?:too|a bit|a little|bit|kinda|quite|really|way too|so)\s+"
    r"(?:(small|tight|short|snug)|(big|loose|baggy|large|long))\b",
    re.IGNORECASE,
)
_ASKED_EN = re.compile(
    r"(?:is|are|would|will|does|do|should|could|can|might|whether|if)\b", re.IGNORECASE
)
_CLAUSES = re.compile(r"[，。,;；!！\n]|\s{1,}(?=[\u4e00-\u9fff])")


def worn_misfit(text: str) -> tuple[str, int] | None:
    """(the size she has, +1 bigger / -1 smaller) when she says the size she has doesn't fit
    ("我买的L码穿着太小了", "i got them in L and they're too small"); ``None`` otherwise, and for
    a question about a size ("M码会不会小", "would an M be too small?")."""
    found = _WORN_EN.search(text)
    if found is not None:
        start = max(text.rfind(mark, 0, found.start()) for mark in ".?!;") + 1
        asked = _ASKED_EN.match(text[start : found.start()].strip()) or text[
            found.end() :
        ].lstrip().startswith("?")
        if not asked:
            return found.group(1).upper(), 1 if found.group(2) else -1
    for clause in _CLAUSES.split(text):
        found = _WORN_ZH.search(clause)
        if found is not None and not _ASKED_ZH.search(clause[found.start() :]):
            return found.group(1).upper(), 1 if found.group(2) else -1
    return None


CHART_WORDS = re.compile(
    r"尺码表|尺寸表|码表|全部尺码|所有尺码|size (?:chart|guide|table)|\bchart\b", re.I
)
"""The whole chart asked for: sent whole even when a size is named."""


# two items named apart in one question ("连衣裙和牛仔裤分别穿什么码", "what size in the hoodie
# and the jeans"): each part searched on its own, each product advised
_APART = re.compile(r"和|跟|与|以及|及|还有|、|/|，|,|\band\b|&|\bplus\b", re.IGNORECASE)
SEVERAL_MOST = 4
"""Products advised for one question at most (a part may name two, "连衣裙": both dresses)."""


def measurement_named(text: str) -> Measurement | None:
    """The chart measurement a message names ("腰围多少" → waist), if any."""
    lowered = text.lower()
    return next(
        (name for name, words in MEASUREMENT_WORDS if any(w in lowered for w in words)), None
    )


def _escape(value: str) -> str:
    return html.escape(value, quote=False)


class SizeFlow(Flow):
    states = SizeAdvice

    async def draft(self) -> SizeDraft:
        return await self.load(SizeDraft)

    async def start(self, text: str, slots: Slots, *, swap: bool = False) -> None:
        """Advice for the question; ``swap``: she asked which size to swap hers to — the
        swap offered after it, and "too small" said without a size measured from her item's
        own size (``_size_she_has``)."""
        await self.finish()
        draft = SizeDraft(swap=swap)
        if swap:
            draft.worn_step = size_wish(text).step
        await self.advise(draft, text, slots)

    async def body_given(self, text: str, slots: Slots, decision: Decision | None) -> None:
        own = extract_slots(text)  # (``slots`` carries the topic's: the height given before)
        if own.height_cm is None and own.weight_kg is None and choices.asks_a_question(text):
            # "腰围多少" at "how tall and heavy?": a question of its own, for the other handlers
            # (asked for the height or weight again, the customer was stuck in a loop)
            await self.finish()
            raise SkipHandler
        said = (
            slots.height_cm, slots.weight_kg, slots.fit, slots.waist_cm, slots.hip_cm, slots.bust_cm
        )
        if all(value is None for value in said):
            await self.ask_again_or_step_aside(decision, "ask.body")
            return
        await self.advise(await self.draft(), text, slots)

    async def advise(self, draft: SizeDraft, text: str, slots: Slots) -> None:
        """Merge what the message said into the question and answer, or ask for what is
        missing."""
        draft.merge(slots)
        if slots.size is not None:  # (gated: only a message that names a size can say so)
            worn = worn_misfit(text)
            if worn is not None:
                draft.worn, draft.worn_step = worn
        if draft.product_id is None:
            try:
                candidates = await self._products_of_order(slots.order_no) if slots.order_no else []
                if not candidates:
                    candidates = await self._products_named(text)
                if not candidates and slots.product:
                    # the product the chat is about ("那L呢" after advice for the hoodie)
                    candidates = await self._products_named(slots.product)
                several = await self._products_named_apart(text) if not slots.order_no else []
            except BusError:
                # Height and weight can still be asked for; the chart needs the worker later.
                candidates, several = [], []
            remembered = self.conv.memory.product
            if not candidates and remembered is not None:
                # the product the chat was just about ("T恤是纯棉的吗", then "我穿什么码")
                candidates = [ProductChoice(product_id=remembered.product_id, name=remembered.name)]
            if len(several) > 1:
                draft.several = several
            elif len(candidates) == 1:
                draft.product_id = candidates[0].product_id
            elif candidates:
                draft.choices = candidates
        memo = self.conv.memory.product
        if (
            draft.worn is None and memo is not None and memo.worn is not None
            and draft.product_id == memo.product_id
        ):
            # "那XL呢" right after "L码穿着太小了": the size she has still doesn't fit
            draft.worn, draft.worn_step = memo.worn
        if (
            not draft.measured and draft.height_cm is None and draft.weight_kg is None
            and memo is not None and memo.measured is not None
            and draft.product_id == memo.product_id
        ):
            # "and if i like it a bit looser?" right after advice by her measures: by them again
            draft.waist_cm, draft.hip_cm, draft.bust_cm = memo.measured
        if (draft.height_cm is None or draft.weight_kg is None) and not draft.measured:
            usual = usual_size(text)
            if usual is not None and draft.height_cm is None and draft.weight_kg is None:
                # "我平时穿M 这款要拿什么码": our sizes are standard — that size, hedged, and
                # its measurements when the product is known (height and weight for a closer look)
                await self.finish()
                await self.conv.say(self.conv.t("size.usual", size=usual))
                await self.show_chart(text, usual)
                return
            await self.wait(SizeAdvice.waiting_for_body, draft)
            await self._ask_body(draft)
            return
        if len(draft.several) > 1 and draft.height_cm is not None and draft.weight_kg is not None:
            # "连衣裙和牛仔裤分别穿什么码": the advice for each (it answered the last one named)
            for choice in draft.several:
                await self.recommend(draft.model_copy(deep=True), choice.product_id)
            return
        if draft.product_id is None and draft.several:
            draft.product_id = draft.several[0].product_id  # measured only: the first named
        if draft.product_id is None:
            await self.ask_product(draft)
            return
        await self.recommend(draft, draft.product_id)

    async def _ask_body(self, draft: SizeDraft) -> None:
        conv = self.conv
        await conv.say(
            conv.replies.answer(
                "size.recommend", conv.locale, height_cm=draft.height_cm, weight_kg=draft.weight_kg
            )
        )

    async def ask_product(self, draft: SizeDraft) -> None:
        choices = draft.choices or await self._products_of_order(None)
        await self.wait(SizeAdvice.waiting_for_product, draft)
        markup = (
            keyboards.products((c.product_id, c.name[:60]) for c in choices) if choices else None
        )
        conv = self.conv
        await conv.say(
            # a waist told ("腰围72 连衣裙穿什么码"): only which item is asked (the height and
            # weight answer says them back: "160 cm, 50 kg: which item?")
            conv.t("ask.product_for_size")
            if draft.measured and (draft.height_cm is None or draft.weight_kg is None)
            else conv.replies.answer(
                "size.recommend", conv.locale, height_cm=draft.height_cm, weight_kg=draft.weight_kg
            ),
            reply_markup=markup,
        )

    async def product_named(self, text: str, decision: Decision | None) -> bool:
        """The item named at "which item?": advised on (``True``), or picked among several,
        or asked again."""
        draft = await self.draft()
        if draft.choices:
            # "那针织的呢" at the dresses offered: the knit one, by what sets it apart
            picked = choices.named_among(text, [(c.name, "") for c in draft.choices])
            if picked is not None:
                await self.recommend(draft, draft.choices[picked].product_id)
                return True
        candidates = await self._products_named(text)
        if not candidates:
            await self.ask_again_or_step_aside(decision, "ask.product_for_size")
            return False
        draft = await self.draft()
        if len(candidates) == 1:
            await self.recommend(draft, candidates[0].product_id)
            return True
        draft.choices = candidates
        await self.keep(draft)
        await self.conv.say(
            self.conv.t("ask.product_for_size"),
            reply_markup=keyboards.products((c.product_id, c.name[:60]) for c in candidates),
        )
        return False

    async def product_picked(self, product_id: int) -> None:
        await self.recommend(await self.draft(), product_id)

    async def recommend(self, draft: SizeDraft, product_id: int) -> None:
        conv = self.conv
        facts = await sizing_facts(self.rpc, product_id)
        await self.finish()
        if facts is None or (chart := facts.chart) is None:
            await conv.say(conv.replies.answer("size.chart", conv.locale))
            return
        if draft.swap and draft.worn is None and draft.worn_step != 0:
            # "my tee is too small, what size should i swap to?": the size she has is her tee's
            draft.worn = await self._size_she_has(product_id, facts.name)
        memo = ProductMemo(product_id=product_id, name=facts.name)
        conv.memory.product = memo
        topic.note(conv.memory, product=facts.name)  # what a follow-up is about
        advice = None
        if draft.measured:
            # a waist or hip the customer measured, against the garment's (trousers, skirts)
            by_measure = recommend_by_measurements(
                chart, draft.waist_cm, draft.hip_cm, draft.fit, bust_cm=draft.bust_cm
            )
            advice = by_measure if by_measure.kind != "need_more" else None
        if advice is None:
            if draft.height_cm is None or draft.weight_kg is None:
                # measured, but this chart goes by height and weight (a top)
                draft.product_id = product_id
                await self.wait(SizeAdvice.waiting_for_body, draft)
                await conv.say(conv.t("size.advice.measured_top"))
                return
            advice = recommend_size(chart, draft.height_cm, draft.weight_kg, draft.fit)
        logger.info("size advice %s (%s) for product %s", advice.kind, advice.reason, product_id)
        # the size a follow-up ("腰围多少") is about: the one asked about, else the one advised
        sizes = {row.size for row in chart.rows}
        memo.size = draft.asked if draft.asked in sizes else advice.size
        memo.advised = advice.size
        if advice.basis == "measured":
            memo.measured = (advice.waist_cm, advice.hip_cm, advice.bust_cm)
        moved = self._away_from_worn(draft, advice, chart)
        if moved is not None:
            # "L码穿着太小了": never L again — the advice if it is bigger already, else one up
            text, size = moved
            memo.advised = size
            memo.size = draft.asked if draft.asked in sizes and draft.asked != draft.worn else size
            memo.worn = (draft.worn, draft.worn_step) if draft.worn else None
            asked = (
                self._asked_size(draft.asked, advice.model_copy(
                    update={"kind": "exact", "size": size, "alternatives": []}), chart)
                if draft.asked != draft.worn and size is not None else None
            )
        else:
            text = conv.replies.render_size_advice(advice, conv.locale, chart)
            asked = self._asked_size(draft.asked, advice, chart)
        above = f"{asked}\n" if asked else ""
        # Outside the chart: a person finds something that suits (the button opens a ticket).
        markup = (
            conv.offer_human("other")
            if advice.kind == "out_of_range" or (moved is not None and moved[1] is None)
            else conv.feedback("size.recommend")
        )
        name = display_name(conv, facts.summary)
        await conv.say(f"<b>{_escape(name)}</b>\n{above}{text}", reply_markup=markup)
        if draft.swap and memo.advised and (memo.worn is None or memo.worn[0] != memo.advised):
            # which size to swap to, asked: the swap to it offered (a plain yes takes it)
            memo.swap_turn = conv.memory.turns
            await conv.say(conv.t("size.swap_offer", size=memo.advised))

    async def _size_she_has(self, product_id: int, name: str) -> str | None:
        """The size of her own item of the product (her newest order holding it), when the chat
        is linked to her; ``None`` otherwise. Asked only for a swap's advice."""
        try:
            orders = await list_orders(self.rpc, self.conv, limit=None)
            holding = next((o for o in orders or [] if name in o.item_names), None)
            if holding is None:
                return None
            found = await lookup(self.rpc, self.conv, holding.order_no)
        except BusError:
            return None
        if not isinstance(found, OrderFound):
            return None
        return next((i.size for i in found.order.items if i.product_id == product_id), None)

    def _away_from_worn(
        self, draft: SizeDraft, advice: Advice, chart: SizeChart
    ) -> tuple[str, str | None] | None:
        """The advice when she said the size she has doesn't fit: (its words, the size advised;
        ``None`` when the chart has nothing bigger or smaller). ``None``: nothing said of the
        size she has (or it is not this item's, or the chart gave no size)."""
        names = [row.size for row in chart.rows]
        if draft.worn is None or draft.worn not in names or advice.kind not in ("exact", "between"):
            return None
        worn = names.index(draft.worn)
        suggested = [s for s in ([advice.size] if advice.size else advice.alternatives) if s]
        beyond = [s for s in suggested if s in names
                  and (names.index(s) - worn) * draft.worn_step > 0]  # fmt: skip
        t = self.conv.t
        way = "bigger" if draft.worn_step > 0 else "smaller"
        if beyond:
            size = beyond[0] if draft.worn_step > 0 else beyond[-1]
        else:
            index = worn + draft.worn_step
            if not 0 <= index < len(names):
                return t(f"size.worn.no_{way}", worn=draft.worn), None
            size = names[index]
        text = t(f"size.worn.{way}", worn=draft.worn, size=size) + "\n" + t("size.tolerance")
        return text, size

    def _asked_size(self, asked: str | None, advice: Advice, chart: SizeChart) -> str | None:
        """The size the customer asked about, against the advice: fits, looser or tighter."""
        if asked is None or advice.kind not in ("exact", "between"):
            return None
        names = [row.size for row in chart.rows]
        t = self.conv.t
        if asked not in names:
            return t("size.asked.not_made", size=asked)
        suggested = [advice.size] if advice.size else advice.alternatives
        if not suggested or asked in suggested or asked in advice.alternatives:
            return t("size.asked.fits", size=asked)
        index = names.index(asked)
        low = min(names.index(s) for s in suggested if s in names)
        high = max(names.index(s) for s in suggested if s in names)
        if index > high:
            return t("size.asked.looser", size=asked, suggested=names[high])
        return t("size.asked.tighter", size=asked, suggested=names[low])

    async def show_chart(self, text: str, size: str | None = None) -> bool:
        """The size chart of the product named in the message, when there is exactly one, or
        of the product the chat is about ("裤长多少" after advice for the jeans). A size named
        ("那L呢", "L码裤长多少") or the one the chat is about (advised just before: "腰围多少")
        is answered by that size's measurements, not the whole chart — unless the chart itself
        is asked for ("尺码表")."""
        candidates = await self._products_named(text)
        remembered = self.conv.memory.product
        if (
            len(candidates) != 1
            and remembered is not None
            and (not candidates or any(c.product_id == remembered.product_id for c in candidates))
        ):
            candidates = [ProductChoice(product_id=remembered.product_id, name=remembered.name)]
        if len(candidates) != 1:
            return False
        product_id = candidates[0].product_id
        facts = await sizing_facts(self.rpc, product_id)
        if facts is None or (chart := facts.chart) is None:
            return False
        conv = self.conv
        same = remembered is not None and remembered.product_id == product_id
        if size is None and same and remembered is not None:
            size = remembered.size
        row = next((r for r in chart.rows if size and r.size.upper() == size.upper()), None)
        conv.memory.product = ProductMemo(
            product_id=product_id, name=facts.name, size=row.size if row else None
        )
        topic.note(conv.memory, product=facts.name)
        head = f"<b>{_escape(display_name(conv, facts.summary))}</b>\n"
        feedback = conv.feedback("size.chart")
        if row is not None and not CHART_WORDS.search(text):
            await conv.say(head + self._size_answer(text, row, chart), reply_markup=feedback)
            return True
        asked = self._measurement_asked(text, row, chart) if row is not None else None
        if asked is None and size and row is None:
            asked = conv.t("size.asked.not_made", size=size.upper())
        await conv.say(
            head
            + (f"{asked}\n" if asked else "")
            + conv.replies.render_size_chart(chart, conv.locale),
            reply_markup=feedback,
        )
        return True

    async def true_to_size(self, items: list[tuple[int, str | None]]) -> bool:
        """ "偏大吗" / "true to size?" with a product's or an order's card in view: about those
        items (``items``: product and the size the customer has, if known) — standard sizing,
        nothing marked as running large or small, the size's measurements, and the advice
        offered. ``False`` when no item's facts can be read (the general answer stands)."""
        conv = self.conv
        blocks: list[str] = []
        for product_id, size in items[:3]:
            facts = await sizing_facts(self.rpc, product_id)
            if facts is None:
                continue
            name = _escape(display_name(conv, facts.summary))
            lines = [conv.t("size.true_to_size", product=name)]
            chart = facts.chart
            row = None
            if chart is not None and size:
                row = next((r for r in chart.rows if r.size.upper() == size.upper()), None)
            if row is not None and chart is not None:
                lines.append(conv.replies.size_row(row, chart.category, conv.locale))
            conv.memory.product = ProductMemo(
                product_id=product_id, name=facts.name, size=row.size if row else None
            )
            blocks.append("\n".join(lines))
        if not blocks:
            return False
        blocks.append(conv.t("size.true_to_size.advice"))
        await conv.say("\n\n".join(blocks), reply_markup=conv.feedback("size.fit"))
        return True

    def _size_answer(self, text: str, row: SizeRow, chart: SizeChart) -> str:
        """One size's answer: the measurement asked ("L 码裤长是 102 cm。"), or that the chart
        doesn't give it (a hoodie's waist) and what it gives, or the size's measurements."""
        replies, locale = self.conv.replies, self.conv.locale
        asked = self._measurement_asked(text, row, chart)
        if asked is not None:
            return f"{asked}\n{self.conv.t('size.tolerance')}"
        name = measurement_named(text)
        lines = [replies.size_row(row, chart.category, locale), self.conv.t("size.tolerance")]
        if name is not None:
            lines.insert(0, replies.size_not_measured(name, chart.category, locale))
        return "\n".join(lines)

    def _measurement_asked(self, text: str, row: SizeRow, chart: SizeChart) -> str | None:
        """ "L码裤长多少" → "L 码裤长是 102 cm。" (a measurement the chart has)."""
        name = measurement_named(text)
        if name is None or (value := row.measurements.get(name)) is None:
            return None
        return self.conv.replies.size_measurement(
            row.size, name, value, chart.category, self.conv.locale
        )

    async def resume(self, at: str) -> None:
        draft = await self.draft()
        draft.paused_at = None
        if at == SizeAdvice.waiting_for_product.state:
            await self.ask_product(draft)
        else:
            await self.wait(SizeAdvice.waiting_for_body, draft)
            await self._ask_body(draft)

    # -- which product -------------------------------------------------------------------------
    async def _products_named(self, text: str) -> list[ProductChoice]:
        query = text.strip()[:200]
        if not query:
            return []
        reply = await self.rpc.call(SearchProducts(query=query, limit=5))
        found = [ProductChoice(product_id=p.product_id, name=p.name) for p in reply.products]
        exact = [c for c in found if c.name == query]  # a product named in full is that one
        return exact or found

    async def _products_named_apart(self, text: str) -> list[ProductChoice]:
        """The products of a question that names two or more apart ("连衣裙和牛仔裤分别穿什么码"
        → the dresses and the jeans), each part searched on its own; [] when fewer than two
        parts name a product (one product's advice, or its choice, as before)."""
        parts = [p.strip() for p in _APART.split(text) if p.strip()]
        if len(parts) < 2:
            return []
        found: list[ProductChoice] = []
        naming = 0
        for part in parts:
            named = [c for c in await self._products_named(part) if c not in found][:2]
            naming += bool(named)
            found.extend(named)
        return found[:SEVERAL_MOST] if naming > 1 else []

    async def _products_of_order(self, order_no: str | None) -> list[ProductChoice]:
        order_no = order_no or self.conv.memory.last_order
        if order_no is None:
            return []
        result = await lookup(self.rpc, self.conv, order_no)
        if not isinstance(result, OrderFound):
            return []
        seen: dict[int, str] = {}
        for item in result.order.items:
            seen.setdefault(item.product_id, item.product_name)
        return [ProductChoice(product_id=pid, name=name) for pid, name in seen.items()]
