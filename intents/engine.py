"""The engine: a message (and optionally the chat's context) -> a ``Decision``.

Per message:

1. *Rules* first: a bare acknowledgement (好的, 嗯嗯, ok) or a message with nothing to read falls
   back; a phrase the shop taught (``overrides.py``) is accepted as taught.
2. *Lexical head* of the fitted model: n-grams + the matcher's keyword / coverage / fuzzy signals
   + slot flags -> calibrated probabilities over the catalogue's intents.
3. *Cascade*: only when the lexical head's best probability is below the model's
   ``cascade_threshold`` does the sentence encoder run, and the *semantic head* (lexical logits
   + the sentence vector) decides. Without an encoder the lexical head decides alone.
4. *Wrappers*: when a greeting or thanks comes out on top and the rest of the message is a
   question the engine is sure of (``你好 我的快递到哪了``), the rest decides.
5. *Context* (``match(text, context=...)``): a fragment is read as part of the chat's topic
   ("XL行不" after a size question, "那运费呢" after a returns answer); a clear new question is
   never overridden.
6. *Outcome*: ``accept`` when the best confidence reaches the accept threshold and beats the
   runner-up by ``accept_margin`` on the logit scale; ``clarify`` from the clarify threshold;
   ``fallback`` below it or when the best intent is ``other.unknown``. The thresholds were
   chosen from the model's calibration on held-back data; ``MatcherConfig`` may override them.
7. A complaint keeps the topic it complains about in ``slots.topic``.

``reload()`` swaps in a new catalogue, model and override file at once (a running bot calls it on
a signal, or ``reload_if_changed()`` from a timer); a ``match`` running meanwhile finishes on the
old state.
"""

from __future__ import annotations

import logging
import math
import operator
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from intents.buying import asks_about_sales, asks_how_to_order, asks_price_difference
from intents.catalog import FALLBACK_INTENT, Catalog, Intent, load_catalog
from intents.decision import Candidate, Context, Decision, Outcome, Source
from intents.encoder import SentenceEncoder, default_encoder
from intents.features import cues, ngrams
from intents.garments import sizes_per_item
from intents.gate import gate
from intents.matcher import IntentMatcher, MatcherConfig
from intents.model import DEFAULT_MODEL_PATH, IntentModel, ModelError, logit
from intents.normalize import cjk_chars, cjk_count, normalize, strip_fillers
from intents.not_received import not_received
from intents.order_note import order_note
from intents.overrides import DEFAULT_OVERRIDES_PATH, load_overrides, override_index
from intents.paying import asks_if_order_still_open, asks_if_unpaid_still_open
from intents.person import mentions_person, person_asked, person_words
from intents.quality_fine import quality_said_fine
from intents.refused_parcel import refuses_parcel
from intents.slots import NO_SLOTS, Slots, extract_slots, slot_text
from intents.wrong_item import told_as_story

logger = logging.getLogger(__name__)

Probs = npt.NDArray[np.float64]

# groups that are about the conversation rather than a topic of the shop
SOCIAL_GROUPS = frozenset({"greeting", "thanks", "human", "complaint", "other"})
# a candidate below this probability is not worth a "did you mean" button
CANDIDATE_FLOOR = 0.02
# a complaint's topic: at least this share of the probability left for shop topics, and at
# least this probability
TOPIC_SHARE = 0.4
TOPIC_FLOOR = 0.002
# a message of nothing but slot values is this sure of the slot's topic
SLOT_CONFIDENCE = 0.9
# a question after a story's turn decides when it is the likelier reading of the question alone
# (a "did you mean" below the accept threshold: better than a complaint nobody made)
BURIED_FLOOR = 0.5

# Within a topic, a follow-up that on its own means another intent: (chat's group, the
# message's own intent) -> the intent it means there. "那运费呢" after a returns answer asks who
# pays the return postage; "那什么时候到" after an order look-up asks about that order.
CONTEXT_REMAP: dict[tuple[str, str], str] = {
    ("returns", "shipping.fee"): "returns.postage",
    # (never "shipping.courier": "发什么快递" after a returns answer or an order card asks
    # which courier, a clear question of its own)
    ("returns", "order.status"): "returns.refund_progress",
    ("order", "shipping.delivery_time"): "order.status",
    ("order", "shipping.dispatch_time"): "order.status",
    ("size", "size.chart"): "size.chart",
}
# the kinds of slot a group's follow-ups are made of ("XL行不", "北京呢", "黑色的呢")
PRODUCT_TOPICS = frozenset({"size.recommend", "size.chart", "quality.material", "color.options"})
"""Intents whose question is about one product: a follow-up naming another asks it again."""
PRODUCT_GROUPS = frozenset({"size", "quality", "color", "other"})
"""What the engine may make of a bare product name ("那牛仔裤呢") on its own."""
SLOT_TOPICS: dict[str, tuple[str, ...]] = {
    "size": ("size", "height_cm", "weight_kg", "fit", "waist_cm", "hip_cm", "bust_cm"),
    "shipping": ("region",),
    "color": ("color",),
    "order": ("order_no", "phone_last4"),
    "returns": ("size", "color"),  # an order number alone is a look-up of its own
}
# what remains of a fragment once its slots are taken out: particles and "what about"
_FRAGMENT_WORDS = re.compile(
    r"那么|那|的话|的|呢|吗|嘛|吧|啊|呀|行不行|行不|行吗|可以吗|可以不|可不可以|可以|能穿吗|能穿|"
    r"怎么样|咋样|如何|好不好|合适吗|合适不|合适|够吗|够不够|要|穿|选|拍|码|号|色|颜色|"
    r"喜欢|一点|一些|1点|1些|稍微|要是|如果|"  # "喜欢宽松一点呢": a fit wished for, nothing else
    r"\b(?:what|how|about|and|also|then|is|ok|okay|fine|for|in|to|the|a|size|colour|color|"
    r"if|i|like|prefer|it|bit|more|my)\b|"
    r"[\s?？!！,，.。~～/、]"
)
_CONTINUATION = re.compile(r"^(?:那|那么|还有|那如果|如果是|换成|what about|how about|and |also )")
_FRAGMENT_MAX_CJK = 8
_FRAGMENT_MAX_WORDS = 5


@dataclass
class EngineStats:
    """Counters since start (or ``reset``): messages matched, and how many reached the encoder."""

    messages: int = 0
    encoded: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, encoded: bool) -> None:
        with self.lock:
            self.messages += 1
            self.encoded += int(encoded)

    @property
    def encoder_share(self) -> float:
        return self.encoded / self.messages if self.messages else 0.0

    def reset(self) -> None:
        with self.lock:
            self.messages = self.encoded = 0


@dataclass(frozen=True)
class _State:
    """Everything a match reads, swapped as one object by ``reload``."""

    catalog: Catalog
    matcher: IntentMatcher
    model: IntentModel | None
    # model column -> catalogue index, when the model lists the intents in another order than
    # the catalogue (None: the same order, or no model)
    columns: npt.NDArray[np.int64] | None
    overrides: dict[str, str]
    stamp: tuple[float, ...]
    # per catalogue index, the intent's group, and per id, its catalogue index (a match reads
    # them a dozen times: cheaper than ``Intent.group``'s split and ``Catalog.get``'s scan)
    groups: tuple[str, ...]
    index: dict[str, int]
    # per group, the weights of the chat's topic as a prior (``context_prior`` on its intents)
    priors: dict[str, Probs]
    # who may be the runner-up of whom (``_rivals``)
    rivals: _Rivals

    def get(self, intent_id: str) -> Intent | None:
        """``catalog.get``: the intent of this id, or None."""
        i = self.index.get(intent_id)
        return None if i is None else self.catalog.intents[i]


class IntentEngine:
    """A loaded catalogue and fitted model, compiled for matching. Build once, call ``match``
    per message; thread-safe.

    ``model``: the fitted model, or ``None`` for the hand-set scorer (a catalogue never trained).
    ``encoder``: the sentence encoder, or ``None`` to decide on lexical signals alone. ``load``
    picks the defaults: the artefact next to the catalogue, and the bundled e5 encoder when it is
    installed and the model was trained with it.
    """

    def __init__(
        self,
        catalog: Catalog,
        config: MatcherConfig | None = None,
        *,
        model: IntentModel | None = None,
        encoder: SentenceEncoder | None = None,
        overrides: dict[str, str] | None = None,
    ) -> None:
        self.config = config if config is not None else MatcherConfig()
        self.stats = EngineStats()
        self._paths: tuple[Path | None, Path | None, Path | None] = (None, None, None)
        self._lock = threading.Lock()
        self.encoder = encoder
        self._state = self._compile(catalog, model, overrides or {}, stamp=())
        self._check_encoder()

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        config: MatcherConfig | None = None,
        *,
        model_path: str | Path | None = None,
        overrides_path: str | Path | None = None,
        encoder: SentenceEncoder | bool | None = True,
    ) -> IntentEngine:
        """Load a catalogue (default ``intents/data``), its fitted model (default
        ``intents/data/model/intents-model.npz``; ``model_path=False``-like missing file means
        the hand-set scorer) and the shop's override file (default
        ``intents/data/overrides.jsonl``).

        ``encoder=True`` (default) uses the bundled e5 encoder when it is installed, ``False``
        none, or pass any :class:`SentenceEncoder`."""
        catalog_path = Path(path) if path is not None else None
        mpath = Path(model_path) if model_path is not None else (
            DEFAULT_MODEL_PATH if path is None else None
        )
        opath = Path(overrides_path) if overrides_path is not None else (
            DEFAULT_OVERRIDES_PATH if path is None else None
        )
        catalog = load_catalog(catalog_path)
        model = _load_model(mpath)
        overrides = override_index(load_overrides(opath), catalog) if opath else {}
        enc: SentenceEncoder | None
        if encoder is True:
            enc = default_encoder() if model is not None and model.semantic is not None else None
        elif encoder is False:
            enc = None
        else:
            enc = encoder
        engine = cls(catalog, config, model=model, encoder=enc, overrides=overrides)
        engine._paths = (catalog_path, mpath, opath)
        engine._state = engine._compile(catalog, model, overrides, stamp=engine._stamp())
        return engine

    def reload(self) -> None:
        """Read the catalogue, model and override file again and swap them in at once.

        Raises ``CatalogError`` / ``ModelError`` / ``OverrideError`` and keeps the old state
        when a file is broken, so a bad edit never takes a running bot down."""
        catalog_path, mpath, opath = self._paths
        with self._lock:
            catalog = load_catalog(catalog_path)
            model = _load_model(mpath)
            overrides = override_index(load_overrides(opath), catalog) if opath else {}
            self._state = self._compile(catalog, model, overrides, stamp=self._stamp())
            self._check_encoder()
        logger.info(
            "intents reloaded: %d intents, model %s, %d taught phrases",
            len(catalog.intents), model.version if model else "none", len(overrides),
        )

    def reload_if_changed(self) -> bool:
        """``reload()`` when a file it was loaded from changed since; True if it reloaded. Cheap
        (a few ``stat`` calls): a bot may call it every few seconds."""
        if not self.changed():
            return False
        self.reload()
        return True

    def stamp(self) -> tuple[float, ...]:
        """The modification times and sizes of the files the engine reads, as of now."""
        return self._stamp()

    def changed(self) -> bool:
        """A file the engine was loaded from changed since it was (last) loaded."""
        return self._stamp() != self._state.stamp

    def info(self) -> dict[str, str | int | None]:
        """What is loaded: the model's version (``None``: the hand-set scorer), the number of
        intents and of taught phrases."""
        st = self._state
        return {
            "model": st.model.version if st.model is not None else None,
            "intents": len(st.catalog.intents),
            "overrides": len(st.overrides),
        }

    def _stamp(self) -> tuple[float, ...]:
        out: list[float] = []
        for p in self._paths:
            if p is None:
                continue
            files = sorted(p.glob("*.y*ml")) if p.is_dir() else [p]
            for f in files:
                try:
                    st = f.stat()
                    out += [st.st_mtime_ns, st.st_size]
                except FileNotFoundError:
                    out += [-1.0, -1.0]
        if self._paths[0] is None:  # the default catalogue directory
            from intents.catalog import DEFAULT_CATALOG_DIR

            for f in sorted(DEFAULT_CATALOG_DIR.glob("*.yaml")):
                st = f.stat()
                out += [st.st_mtime_ns, st.st_size]
        return tuple(out)

    def _compile(
        self,
        catalog: Catalog,
        model: IntentModel | None,
        overrides: dict[str, str],
        stamp: tuple[float, ...],
    ) -> _State:
        matcher = IntentMatcher(catalog, self.config)
        columns = None
        if model is not None:
            ids = catalog.ids
            if sorted(model.intents) != sorted(ids):
                logger.warning(
                    "the fitted model knows other intents than the catalogue (run `python -m "
                    "intents train`): using the hand-set scorer"
                )
                model = None
            else:
                where = {intent_id: i for i, intent_id in enumerate(ids)}
                if list(model.intents) != ids:
                    columns = np.array([where[i] for i in model.intents], dtype=np.int64)
        groups = tuple(intent.group for intent in catalog.intents)
        index = {intent.id: i for i, intent in enumerate(catalog.intents)}
        prior = self.config.context_prior
        priors = {g: np.array([prior if other == g else 1.0 for other in groups]) for g in groups}
        rivals = _rivals(matcher.intents, self.config.wrapper_groups)
        return _State(
            catalog, matcher, model, columns, overrides, stamp, groups, index, priors, rivals
        )

    def _check_encoder(self) -> None:
        model = self._state.model
        if self.encoder is None or model is None:
            return
        if model.semantic is None or model.encoder != self.encoder.name:
            logger.warning(
                "encoder %s does not match the model's (%s): deciding on lexical signals only",
                self.encoder.name, model.encoder,
            )
            self.encoder = None

    # ------------------------------------------------------------------ public

    @property
    def catalog(self) -> Catalog:
        return self._state.catalog

    @property
    def matcher(self) -> IntentMatcher:
        return self._state.matcher

    @property
    def model(self) -> IntentModel | None:
        return self._state.model

    @property
    def thresholds(self) -> tuple[float, float]:
        """(accept, clarify) in force: the config's if set, else the model's."""
        return _thresholds(self._state, self.config)

    def match(self, text: str, context: Context | None = None) -> Decision:
        """Decide the intent of one message, optionally in the chat's context. Never raises
        for any string."""
        st = self._state
        if not isinstance(text, str):
            text = "" if text is None else str(text)
        text = _without_link(text)
        slots = extract_slots(text)
        if slots.order_no is not None:
            # an order number's digits mean nothing: read as one number, always the same (a
            # random number decided between "where is it?" and "did you mean" half the time)
            text = _ORDER_NUMBER.sub(_ONE_ORDER_NUMBER, text)
        if slots.phone_last4 is not None:
            # nor do the phone's last four: "i want a refund for KF…, last four 7297" was read
            # as a return and with other digits as a refund's progress (one in ten)
            last4 = slots.phone_last4
            text = _FOUR_DIGITS.sub(lambda m: _ONE_LAST4 if m[0] == last4 else m[0], text)
        norm = normalize(text)
        bare = strip_fillers(norm)
        if st.matcher.is_acknowledgement(norm, bare):
            self.stats.count(False)
            return self._fallback(st, slots, 1.0, [], acknowledgement=True, source="rule")
        taught = st.overrides.get(bare) if st.overrides else None
        if taught is not None:
            self.stats.count(False)
            intent = st.get(taught)
            assert intent is not None
            return self._decision(st, intent, 1.0, "accept", [], slots, source="override")
        source: Source
        only_slots = _only_slots(text, slots)
        by_slot = _slot_intent(slots) if only_slots else None
        if by_slot is not None and st.get(by_slot) is not None:
            # nothing but a label or numbers: "175/140", "XL", "卡其色", "KF20260001"
            probs, source, encoded = _point_mass(st, by_slot, SLOT_CONFIDENCE), "rule", False
        elif not bare.replace(" ", "").replace("0", ""):
            self.stats.count(False)
            return self._fallback(st, slots, 1.0, [], source="rule")
        else:
            probs, source, encoded = self._probs(st, text, norm)
            probs, source, encoded = self._unwrap(st, text, norm, probs, source, encoded)
            probs, source, encoded = self._after_preamble(st, norm, probs, source, encoded)
            probs, source = self._social(st, text, norm, probs, source, slots)
            if (st.groups[int(probs.argmax())] == "thanks" and _HOSTILE.search(text)
                    and st.get(COMPLAINT_INTENT) is not None):
                # "谢谢 祝你们早日倒闭", "thanks for nothing, worst shop": ill will beside a
                # thanks (read by the model or a closing rule) is sarcasm — the complaint it is
                probs, source = _point_mass(st, COMPLAINT_INTENT, SLOT_CONFIDENCE), "rule"
        self.stats.count(encoded)

        ranked = _Ranked(probs)
        used_context = False
        if context is not None:
            probs, used_context = self._in_context(st, norm, ranked, slots, only_slots, context)
            if probs is not ranked.probs:
                ranked = _Ranked(probs)
            if used_context:
                source = "context"
        return self._decide(st, ranked, slots, source, used_context)

    # ------------------------------------------------------------------ scoring

    def _unwrap(
        self, st: _State, text: str, norm: str, probs: Probs, source: Source, encoded: bool
    ) -> tuple[Probs, Source, bool]:
        """A greeting or thanks on top with a question behind it: the question decides
        ("你好 我的快递到哪了"). What is left must be a question the engine is sure of; to
        overrule a greeting with "out of scope" it must also be more than a word or two
        ("thanks a lot" stays thanks, "你好 这款还有货吗" is about stock). A thanks gives way only
        to a rest that asks or reports something: a closing that names the parcel or the refund
        ("好的 那我等快递了 谢谢") stays thanks."""
        groups = st.groups
        top = int(probs.argmax())
        if groups[top] not in self.config.wrapper_groups:
            return probs, source, encoded
        rest = st.matcher.without_wrappers(st.matcher.spell(norm))
        bare = strip_fillers(rest)
        if len(bare.replace(" ", "")) < 2 or rest == norm:
            return probs, source, encoded
        # a closing that names what it closes ("好的 那我等快递了 谢谢", "谢谢 单号我记下了")
        # stays thanks: the rest overrules a thanks only when it asks or reports something, or
        # with a frustration cue ("thanks for nothing")
        if groups[top] == "thanks" and not _asks(text, rest) and not cues(norm):
            return probs, source, encoded
        inner, inner_source, inner_encoded = self._probs(st, rest, rest)
        encoded = encoded or inner_encoded
        i_top = int(inner.argmax())
        accept_t, _ = _thresholds(st, self.config)
        if groups[i_top] in self.config.wrapper_groups or inner[i_top] < accept_t:
            return probs, source, encoded
        # praise left over from thanks ("你们服务真好 谢谢" -> "你们服务真好", "thanks again, you've
        # been great" -> "again you've been great") reads like sarcasm to the model; it makes the
        # thanks a complaint only with a frustration cue ("谢谢你们了 等了0天都没发")
        if groups[top] == "thanks" and groups[i_top] == "complaint" and not cues(rest):
            return probs, source, encoded
        if st.matcher.intents[i_top].id == FALLBACK_INTENT:
            cjk = cjk_count(bare)
            words = [w for w in bare.split() if w.isascii() and len(w) > 1]
            if cjk < 4 and len(words) < 3:
                return probs, source, encoded
        return inner, inner_source, encoded

    def _after_preamble(
        self, st: _State, norm: str, probs: Probs, source: Source, encoded: bool
    ) -> tuple[Probs, Source, bool]:
        """A question announced before it is asked ("我想问下你们家衣服起球吗", "I wanted to
        ask, do your sweaters pill?", "quick q, does the hoodie shrink"): where the model reads
        the whole as a greeting or out of scope, the question after the announcement decides
        when the engine is sure of it and it is a shop topic."""
        found = _PREAMBLE.match(norm)
        if found is None:
            return probs, source, encoded
        top = int(probs.argmax())
        accept_t, _ = _thresholds(st, self.config)
        if st.groups[top] not in ("other", "greeting"):
            return probs, source, encoded  # a shop topic read already, sure or not
        rest = norm[found.end():].strip()
        if cjk_count(rest) < 4 and len(rest.split()) < 3:
            return probs, source, encoded
        if _MORE_THAN_ONE.search(rest):
            return probs, source, encoded  # two questions: the parts are read one by one
        inner, inner_source, inner_encoded = self._probs(st, rest, rest)
        i_top = int(inner.argmax())
        if st.groups[i_top] in SOCIAL_GROUPS or float(inner[i_top]) < accept_t:
            return probs, source, encoded or inner_encoded
        return inner, inner_source, encoded or inner_encoded

    def _social(
        self, st: _State, text: str, norm: str, probs: Probs, source: Source,
        slots: Slots = NO_SLOTS,
    ) -> tuple[Probs, Source]:
        """Two social messages the model reads by a topic word in them. A presence check
        in any words ("店家 有人值班没", "亲 还营业不", "客服醒着没", "is this thing on") is a
        greeting: the model hears complaint in 客服 and out of scope in words its greetings
        lack. A closing that says the customer will wait ("ok thx, will wait for the refund
        then", "行 那我等你们消息") is a thanks when it asks and reports nothing and has no
        frustration cue: the model reads the refund or the waiting. And a job on the order in
        plain words (cancel it, send it elsewhere, change it before it ships) is that job where
        the model read the order's status or another topic by a word in it (``_order_job``);
        a member price or points as money off is a discount, not payment or out of scope; the
        wrong item told as a story is the order's, not the colour's or the size's; a person
        asked for with a reason and no grievance is the handover, not a complaint."""
        top = st.groups[int(probs.argmax())]
        greeting = st.get(GREETING_INTENT) is not None
        if top != "greeting" and greeting and _presence_in(st, norm, text):
            return _point_mass(st, GREETING_INTENT, SLOT_CONFIDENCE), "rule"
        job = _order_job(text.lower(), norm)
        if job is not None and st.get(job) is not None:
            current = st.matcher.intents[int(probs.argmax())].id
            unsure = float(probs.max()) < SLOT_CONFIDENCE
            misread = current.split(".")[0] in _JOB_MISREADS or (
                current.split(".")[0] == "complaint" and _plain_complaint(text.lower(), norm)
            )
            if (current != job or unsure) and misread:
                return _point_mass(st, job, SLOT_CONFIDENCE), "rule"
        top_i = int(probs.argmax())
        group = st.groups[top_i]
        current = st.matcher.intents[top_i].id
        lower = text.lower()
        sure = float(probs[top_i]) >= SLOT_CONFIDENCE
        rule = _rules(group, current, text, lower, norm, slots, sure)
        if rule is None and float(probs[top_i]) < _thresholds(st, self.config)[0]:
            # the model unsure of the very intent a rule gives its runner-up ("图片看着是浅蓝 实物
            # 偏紫": the photo's colour against the real one, 0.49 to the real colour's 0.51 —
            # the other way round on another CPU): the rule holds for the message either way
            second = int(np.argpartition(probs, -2)[-2]) if len(probs) > 1 else top_i
            by_second = _rules(
                st.groups[second], st.matcher.intents[second].id, text, lower, norm, slots, sure
            )
            if by_second == current:
                rule = current
        if rule is not None and st.get(rule) is not None:
            return _point_mass(st, rule, SLOT_CONFIDENCE), "rule"
        if group == "complaint":
            buried = self._buried_question(st, norm)
            if buried is not None:
                return buried, source
        sure = float(probs.max()) >= SLOT_CONFIDENCE
        if ((top != "thanks" or not sure) and st.get(THANKS_INTENT) is not None
                and _closes_waiting(text, norm)):
            return _point_mass(st, THANKS_INTENT, SLOT_CONFIDENCE), "rule"
        return probs, source

    def _buried_question(self, st: _State, norm: str) -> Probs | None:
        """A story read as a complaint, with the question after a turn ("…所以想问问你们这件
        到底会不会缩", "…anyway, my question is"): the question decides when the engine is sure
        of it and it is a shop topic; a frustration cue or a grievance keeps the complaint."""
        if cues(norm) or _GRIEVANCE.search(norm):
            return None
        turns = list(_PIVOT.finditer(norm))
        if not turns:
            return None
        tail = norm[turns[-1].end():].strip()
        if cjk_count(tail) < 4 and len(tail.split()) < 3:
            return None
        inner, _, _ = self._probs(st, tail, tail)
        top = int(inner.argmax())
        if st.groups[top] in SOCIAL_GROUPS or inner[top] < BURIED_FLOOR:
            return None
        return inner

    def _probs(self, st: _State, raw: str, norm: str) -> tuple[Probs, Source, bool]:
        """Probabilities over the catalogue's intents (catalogue order), what decided, and
        whether the encoder ran."""
        model = st.model
        n = len(st.matcher.intents)
        if model is None:
            _, sig = st.matcher.analyse(norm)
            out = np.zeros(n)
            for i, p in st.matcher.heuristic_rank(sig):
                out[i] = p
            return out, "heuristic", False
        idx, vals = model.tfidf(ngrams(st.matcher.spell(norm)))
        p_model = model.proba(model.lexical, model.lexical_logits(idx, vals))
        source: Source = "model"
        encoded = False
        cascade = self.config.cascade_threshold
        if cascade is None:
            cascade = model.thresholds.cascade
        if (self.encoder is not None and model.semantic is not None
                and float(p_model.max()) < cascade):
            vector = self.encoder.encode([raw])[0]
            p_model = model.proba(model.semantic, model.semantic_logits(idx, vals, vector))
            source, encoded = "semantic", True
        if st.columns is None:  # the model's columns are in the catalogue's order
            return p_model.astype(np.float64), source, encoded
        # the model's columns follow model.intents, the engine's the catalogue's order
        out = np.zeros(n)
        out[st.columns] = p_model
        return out, source, encoded

    # ------------------------------------------------------------------ context

    def _in_context(
        self,
        st: _State,
        norm: str,
        ranked: _Ranked,
        slots: Slots,
        only_slots: bool,
        context: Context,
    ) -> tuple[Probs, bool]:
        """The probabilities read in the chat's context, and whether the context changed the
        decision. ``only_slots``: the message is nothing but slot values ("KF20260001
        尾号1234"), read by its slots."""
        probs = ranked.probs
        topic = self._context_intent(st, context)
        if topic is None:
            return probs, False
        group = topic.group
        intents = st.matcher.intents
        values, top = ranked.values, ranked.top
        own = intents[top]
        own_group = st.groups[top]
        fragment = _is_fragment(norm)
        accept_t, _ = _thresholds(st, self.config)
        clear = (
            values[top] >= accept_t
            and ranked.margin_ok(st, self.config)
            and own_group not in {"other", "greeting", "thanks"}
        )
        # a follow-up that means another intent within the topic ("那运费呢" after returns)
        remap = CONTEXT_REMAP.get((group, own.id))
        # only a message that reads as a follow-up ("那运费呢", "运费呢") or isn't clear on its
        # own: "你们包邮吗" after a returns answer is a shipping question of its own
        # (as sure as the follow-up wording makes it: "没穿过 吊牌还在" after an exchange answer
        # reads weakly as an order question, and is no surer a refund question for the topic)
        if (remap is not None and fragment and not only_slots
                and (not clear or _follows_on(norm))
                and st.get(remap) is not None):
            sure = max(float(probs[top]), 0.9) if _follows_on(norm) or clear else float(probs[top])
            return _point_mass(st, remap, sure), True
        # an amount after a postage answer ("那我买1200的呢", "what if it's 450"): the same
        # question for that spend, however the words read alone (a bare number reads as sizing)
        if (group == "shipping" and slots.spend_yuan is not None and fragment
                and st.get(SHIPPING_FEE_INTENT) is not None):
            return _point_mass(st, SHIPPING_FEE_INTENT, max(float(probs[top]), 0.9)), True
        # the same question of another product ("what about the jeans", "那牛仔裤呢" after size
        # advice for the hoodie): worded as a follow-up, short, not clear on its own, and not
        # likelier another topic ("what about shipping?")
        if (topic.id in PRODUCT_TOPICS and fragment and not clear and not only_slots
                and _follows_on(norm) and own_group in PRODUCT_GROUPS):
            return _point_mass(st, topic.id, max(float(probs[top]), 0.9)), True
        if clear and not fragment:
            return probs, False
        # a slot with nothing else ("XL行不", "北京呢", "what about Beijing?")
        kinds = SLOT_TOPICS.get(group, ())
        carried = [k for k in kinds if getattr(slots, k) is not None]
        if carried and only_slots:
            return _point_mass(st, topic.id, max(float(probs[top]), 0.9)), True
        if clear:
            return probs, False
        # otherwise the topic is a prior: a fragment is likelier to continue it
        moved = probs * st.priors[group]
        total = float(moved.sum())
        if total <= 0:
            return probs, False
        moved = moved / total
        return moved, int(np.argmax(moved)) != top or moved[top] > probs[top] + 1e-9

    def _context_intent(self, st: _State, context: Context) -> Intent | None:
        for name in (context.flow, None if self._stale(context) else context.last_intent):
            if not name:
                continue
            intent = st.get(name)
            if intent is None:
                in_group = [i for i in st.catalog.intents if i.group == name]
                intent = in_group[0] if in_group else None
            if intent is not None and intent.group not in SOCIAL_GROUPS:
                return intent
        return None

    def _stale(self, context: Context) -> bool:
        c = self.config
        if context.seconds_ago is not None and context.seconds_ago > c.context_max_age_s:
            return True
        return context.turns_ago is not None and context.turns_ago > c.context_max_turns

    # ------------------------------------------------------------------ decision

    def _decide(
        self, st: _State, ranked: _Ranked, slots: Slots, source: Source, used_context: bool
    ) -> Decision:
        intents = st.matcher.intents
        probs, values = ranked.probs, ranked.values
        # the candidates: from the likeliest down (ties in catalogue order: a stable sort), only
        # those worth a button — sorting the few above the floor, not every intent
        above = [i for i, p in enumerate(values) if p >= CANDIDATE_FLOOR]
        above.sort(key=lambda i: -values[i])
        candidates: list[tuple[int, float]] = []
        limit = self.config.max_candidates
        for i in above:
            if len(candidates) >= limit:
                break
            if intents[i].id != FALLBACK_INTENT:
                candidates.append((i, values[i]))
        top = ranked.top  # the first of the likeliest, as a stable sort has it
        top_p = values[top]
        accept_t, clarify_t = _thresholds(st, self.config)
        if top_p <= 0 or intents[top].id == FALLBACK_INTENT or top_p < clarify_t:
            confidence = top_p if intents[top].id == FALLBACK_INTENT else 1.0 - top_p
            return self._fallback(st, slots, confidence, candidates, source=source,
                                  used_context=used_context)
        intent = intents[top]
        outcome: Outcome = (
            "accept" if top_p >= accept_t and ranked.margin_ok(st, self.config)
            else "clarify"
        )
        if st.groups[top] == "complaint":
            slots = slots.model_copy(update={"topic": self._topic(st, probs)})
        return self._decision(st, intent, top_p, outcome, candidates, slots, source=source,
                              used_context=used_context)

    def _topic(self, st: _State, probs: Probs) -> str | None:
        """The shop topic a complaint is about: the likeliest intent outside the social groups,
        when it stands out among them (a rant about nothing in particular has none)."""
        content = [i for i, group in enumerate(st.groups) if group not in SOCIAL_GROUPS]
        mass = float(sum(probs[i] for i in content))
        if mass <= 0:
            return None
        best = max(content, key=lambda i: float(probs[i]))
        if float(probs[best]) / mass < TOPIC_SHARE or float(probs[best]) < TOPIC_FLOOR:
            return None
        return st.matcher.intents[best].id

    def _decision(
        self,
        st: _State,
        intent: Intent,
        confidence: float,
        outcome: Outcome,
        candidates: list[tuple[int, float]],
        slots: Slots,
        *,
        source: Source,
        used_context: bool = False,
    ) -> Decision:
        if not candidates and intent.id != FALLBACK_INTENT:
            candidates = [(st.index[intent.id], confidence)]
        return Decision(
            intent=intent.id,
            group=st.groups[st.index[intent.id]],
            action=intent.action.value,
            confidence=_clip(confidence),
            outcome=outcome,
            candidates=[
                Candidate(intent=st.matcher.intents[i].id, group=st.groups[i], confidence=_clip(p))
                for i, p in candidates
            ],
            slots=slots,
            source=source,
            used_context=used_context,
        )

    def _fallback(
        self,
        st: _State,
        slots: Slots,
        confidence: float,
        candidates: list[tuple[int, float]],
        *,
        acknowledgement: bool = False,
        source: Source = "model",
        used_context: bool = False,
    ) -> Decision:
        other = st.get(FALLBACK_INTENT)
        return Decision(
            intent=FALLBACK_INTENT,
            group=FALLBACK_INTENT.split(".")[0],
            action=other.action.value if other is not None else "escalate",
            confidence=_clip(confidence),
            outcome="fallback",
            candidates=[
                Candidate(intent=st.matcher.intents[i].id, group=st.groups[i], confidence=_clip(p))
                for i, p in candidates
            ],
            slots=slots,
            acknowledgement=acknowledgement,
            source=source,
            used_context=used_context,
        )


class _Ranked:
    """Probabilities over the catalogue and what a decision reads of them, each worked out
    once a match: the values as Python floats (cheaper to compare one by one than numpy's
    elements, on a few dozen intents), the likeliest (the first of equals, as ``np.argmax``)
    and whether it beats its runner-up by the margin (asked only where it could accept)."""

    def __init__(self, probs: Probs) -> None:
        self.probs = probs
        self.values: list[float] = probs.tolist()
        self.top = _argmax(probs, self.values)
        self._margin: bool | None = None

    def margin_ok(self, st: _State, config: MatcherConfig) -> bool:
        if self._margin is None:
            self._margin = _margin_ok(self.values, self.top, st.rivals, config.accept_margin)
        return self._margin


def _load_model(path: Path | None) -> IntentModel | None:
    if path is None:
        return None
    try:
        return IntentModel.load(path)
    except ModelError as exc:
        if path == DEFAULT_MODEL_PATH:
            raise
        logger.warning("%s: using the hand-set scorer", exc)
        return None


def _thresholds(st: _State, config: MatcherConfig) -> tuple[float, float]:
    if st.model is not None:
        accept, clarify = st.model.thresholds.accept, st.model.thresholds.clarify
    else:
        accept, clarify = config.heuristic_accept_threshold, config.heuristic_clarify_threshold
    if config.accept_threshold is not None:
        accept = config.accept_threshold
    if config.clarify_threshold is not None:
        clarify = config.clarify_threshold
    return accept, clarify


def _argmax(probs: Probs, values: list[float]) -> int:
    """``np.argmax(probs)`` (the first of the largest) from ``values``, ``probs.tolist()``;
    numpy's own answer when a value is NaN (numpy and Python order NaN differently)."""
    total = sum(values)
    if total != total:  # a NaN somewhere
        return int(probs.argmax())
    return values.index(max(values))


def _margin_ok(values: list[float], top: int, rivals: _Rivals, accept_margin: float) -> bool:
    """The best beats the runner-up by ``accept_margin`` logits; a greeting or thanks never
    counts as the runner-up of a question, and other.unknown never does. ``values``: the
    probabilities as a list of floats; ``rivals``: the catalogue's (``_rivals``)."""
    wrapper, of_wrapper, of_question = rivals
    pick, position = of_wrapper if wrapper[top] else of_question
    values_of = pick(values)  # the rivals' values, in catalogue order
    at = position.get(top)
    if at is not None:  # the best is no rival of its own
        values_of.pop(at)
    second = max(0.0, max(values_of, default=0.0))
    if second > 0.0:
        total = sum(values_of)
        if total != total:
            second = 0.0  # a NaN among them: numpy's max was NaN, and max(0.0, NaN) is 0.0
    return logit(values[top]) - logit(second) >= accept_margin


# some intents' values picked from all as a list (an itemgetter: a C loop), and where each
# intent stands in that list
_Pick = tuple[Callable[[list[float]], list[float]], dict[int, int]]
_Rivals = tuple[list[bool], _Pick, _Pick]


def _rivals(intents: list[Intent], wrappers: tuple[str, ...]) -> _Rivals:
    """Which intents are greetings/thanks, and who may be the runner-up of a greeting or thanks
    (anything but other.unknown) and of a question (neither other.unknown nor a greeting or
    thanks). Per catalogue: the check runs on every message."""
    wrapper = [i.group in wrappers for i in intents]
    of_wrapper = [n for n, i in enumerate(intents) if i.id != FALLBACK_INTENT]
    of_question = [n for n in of_wrapper if not wrapper[n]]
    return wrapper, _picker(of_wrapper), _picker(of_question)


def _picker(indices: list[int]) -> _Pick:
    get = operator.itemgetter(*indices) if len(indices) >= 2 else None

    def pick(values: list[float]) -> list[float]:
        if get is None:  # an itemgetter of one index returns the value, not a tuple
            return [values[i] for i in indices]
        return list(get(values))

    return pick, {n: at for at, n in enumerate(indices)}


def _point_mass(st: _State, intent_id: str, confidence: float) -> Probs:
    out = np.zeros(len(st.groups))
    out[st.index[intent_id]] = min(1.0, max(confidence, 0.0))
    return out


def _slot_intent(slots: Slots) -> str | None:
    """The intent a message made only of slot values asks about."""
    if slots.order_no is not None or slots.phone_last4 is not None:
        return "order.status"  # (the phone's last four alone: her order looked up, round 24)
    if (slots.size is not None or slots.height_cm is not None or slots.weight_kg is not None
            or slots.fit is not None or slots.waist_cm is not None or slots.hip_cm is not None
            or slots.bust_cm is not None):
        return "size.recommend"
    if slots.color is not None:
        return "color.options"
    if slots.region is not None:
        return "shipping.region"
    return None


# a link pasted beside a question ("https://…/item/3391 这个卫衣一共几种色"): the question
# decides; the link's words (a domain, "kefu", an item number) are nobody's question. A link
# with no question beside it ("点击领取红包 http://…", spam) is read as it is (round 18)
_LINK = re.compile(r"(?:https?://|www\.)[^\s\u4e00-\u9fff]+", re.IGNORECASE)


def _without_link(text: str) -> str:
    if "http" not in text and "www." not in text:
        return text
    rest = " ".join(_LINK.sub(" ", text).split())
    if not rest or rest == text:
        return text
    return rest if _asks(rest, normalize(rest)) else text


def _is_fragment(norm: str) -> bool:
    """Short, or opening like a follow-up (那…, 还有…, what about …)."""
    if _CONTINUATION.match(norm):
        return True
    cjk = cjk_count(norm)
    if cjk:
        return cjk <= _FRAGMENT_MAX_CJK and len(norm.split()) <= 3
    return len(norm.split()) <= _FRAGMENT_MAX_WORDS


# what makes the rest of a thanks a question or a report rather than the closing's own words:
# a question word or particle, a request, a problem ("谢谢 那运费多少", "thanks, where is my
# order?", "谢谢 可是还没收到"); on the normalised rest (English stems: "wher", "pleas")
_ASKS_ZH = re.compile(
    r"[吗呢嘛哪啥几怎]|多少|多久|什么|为什么|能不能|可不可|可以|能否|可否|是不是|有没有|要不要"
    r"|帮我|帮忙|请问|麻烦你?帮|想[要问]|我要|问[下一]|还有|另外|顺便|如何|行不|不行|[不没]$"
    r"|没收到|没到|还没|没发|坏了|破了|错了|少了|不对|不见"
)
_ASKS_EN_OPENING = re.compile(
    r"^(?:wher|where|when|what|how|why|which|who|can|could|would|is|are|do|does|did|should|may"
    r"|any|have you|has|will (?:it|they|you|my|the|there))\b"
)
_ASKS_EN = re.compile(
    r"\b(?:please|pls|plz|need|want|wrong|broken|damaged|missing|never|not arrived|still no"
    r"|still not|haven't|hasn't|didn't)\b"
)


def _asks(text: str, rest: str) -> bool:
    """The rest of a thanks asks or reports something (a question mark in the message, a
    question word, a request or a problem); a closing's own words do not. A question may
    open any clause of the message, after a greeting or an interjection ("hey could u look
    up my stuff, last 4 are 2206 thx": round 27 read only the message's first word)."""
    if "?" in text or "？" in text:
        return True
    if _ASKS_ZH.search(rest) or _ASKS_EN_OPENING.search(rest) or _ASKS_EN.search(text.lower()):
        return True
    return any(
        _ASKS_EN_OPENING.search(_CLAUSE_OPENER_EN.sub("", clause.strip()))
        for clause in _CLAUSES_EN.split(text.lower())
    )


# (the clauses of an English message and what may come before a clause's question: a greeting,
# an interjection, a joining word — "hey could u", "ok so where", "and when")
_CLAUSES_EN = re.compile(r"[,.;:!\n]+|\s+-+\s+")
_CLAUSE_OPENER_EN = re.compile(
    r"^(?:(?:hey+|hi+|hello+|yo|ok(?:ay)?|so|um+|uh+|oh+|ah+|and|but|also|btw|sorry|pls|please"
    r"|quick q|one more thing)\b\W*)+"
)


# a presence check: is anyone there, are you open, is the chat awake — nothing else. Chinese on
# the normalised text without greeting keywords and with the ways customers address the shop
# taken out; English on the lower-cased message, punctuation and greetings aside
GREETING_INTENT = "greeting.hello"
THANKS_INTENT = "thanks.bye"
_ADDRESS_ZH = re.compile(
    r"亲爱的|亲|人工客服|客服|店家|店主|老板娘|老板|掌柜的|掌柜|美女|帅哥|你们|店里|请问|喂"
    r"|小姐姐?|小哥哥?"
)
_PRESENCE_ZH = re.compile(
    # (a morning's 早 before it, which is no greeting keyword: "早 客服小姐姐起床了没"; round 20)
    r"^(?:早(?:安|上好)?)?(?:还|现在|这会儿?)?(?:有没有人|有人|在不在|在|醒着|营业|开门|值班|有人值班|在线|上班"
    r"|(?:今晚|今天|晚上|周末)?有(?:没有)?(?:值班的(?:人)?|人)"
    # someone reading the chat ("有人看消息吗", "有人回吗")
    r"|有(?:没有)?人(?:看|回)(?:一下)?(?:消息|信息)?"
    # a reply asked for after a greeting the engine cuts ("在嘛 有空回个话不")
    r"|(?:有空|方便)回(?:我)?(?:一下|个话|句话)"
    # a question announced after a greeting the engine cuts ("在吗 有事咨询一下")
    r"|我?有(?:点|个)?事(?:情)?(?:想)?(?:问|咨询|请教)?(?:一下|下)?"
    # the messages seen at all ("喂喂 能看到我消息吗"; round 19)
    r"|(?:能|可以)?(?:看到|看见|收到)(?:我的?)?(?:消息|信息)"
    # the staff up, free or busy ("客服小姐姐起床了没", "掌柜的 忙不忙 有空不"; round 20)
    r"|起床|忙不忙|忙吗|有空)"
    r"(?:吗|么|嘛|没|不|没有|呢|了吗|了没|了没有|了不|了嘛|着吗|着没)?(?:啊|呀)?"
    r"(?:(?:有空|方便)?回(?:我)?(?:一下|个话|句话)(?:吗|么|不|没|呗)?)?"
    # a reply asked after it ("有人能回我一下吗", "现在能回消息不"; round 20)
    r"(?:(?:现在)?(?:能|可以)回(?:我)?(?:一下|个话|句话|个?消息)?(?:吗|么|不|没|呗)?)?"
    r"(?:(?:有空|忙不忙|忙吗)(?:吗|么|不|没|嘛|呀|啊)?)?"
    # a question announced after the check ("客服上班没 我有事问")
    r"(?:我?有(?:点|个)?事(?:情)?(?:想)?(?:问|咨询|请教)(?:一下|下)?)?"
    # a remark on the hour after it ("店家还在线不 这么晚了"; round 19)
    r"(?:大?(?:晚上|半夜|周末|一大早)的?|这么晚了?|这么早)?$"
)
# the remark alone once the check was a greeting keyword the engine cuts ("店家还在不 这么晚了":
# 在不 is one)
_HOUR_REMARK = re.compile(r"^(?:还|都)?(?:大?(?:晚上|半夜|周末|一大早)的?|这么晚了?|这么早)$")
_GREETING_EN = re.compile(
    r"^(?:(?:hi+|hello+|he+y+|heya|hiya|yo|oi|howdy|morning|afternoon|evening|good|there)\b\s*)+"
)
_SHOP_ADDRESS_EN = re.compile(
    r"\b(?:shop|store|people|folks|team|guys|all|everyone|everybody|mates?|friends|fam|peeps"
    r"|y'?all|lovely|lovelies|crew|gang|there)\b"
)
_PRESENCE_EN = re.compile(
    r"^(?:(?:is|are)\s+)?(?:(?:any\s?one|any\s?body|some\s?one|some\s?body)"
    r"\s+(?:there|here|around|online|awake|available|home)"
    r"|(?:you|u|ya|you guys|u guys|y'?all)\s+(?:there|here|around|online|awake|open|still open)"
    r"(?:\s+(?:today|now|rn|still))?"
    r"|this thing on|this the (?:shop|store)(?:'s chat)?"
    # whose account this is ("is this the store's official account"; round 19)
    r"|this (?:the|your) (?:shop|store)(?:'s|s)? (?:official |real |actual )?(?:account|page"
    r"|chat|channel)"
    # the chat itself working, the service on ("is this chat working", "is customer service on
    # yet")
    r"|this (?:chat|thing|bot|line|app)(?: even)? (?:working|on|live|active)"
    r"|(?:customer service|customer support|support|live chat|the chat) (?:on|open|online"
    r"|available|around|working)(?:\s+(?:yet|today|now|rn|still))?"
    r"|(?:the|this|your) (?:shop|store) (?:still )?open(?:\s+(?:today|now|rn|still))?"
    r"|(?:any\s?one|some\s?one|any\s?body|some\s?body) on (?:the )?(?:chat|line|here)"
    r"(?:\s+(?:today|now|rn|tonight|still))?"
    r"|who'?s on(?:\s+(?:the chat|here))?(?:\s+(?:today|now|rn|tonight))?"
    r"|who is on(?:\s+(?:the chat|here))?(?:\s+(?:today|now|rn|tonight))?"
    # someone reading the chat ("is anyone reading these messages")
    r"|(?:any\s?one|any\s?body|some\s?one|some\s?body) (?:reading|checking|seeing|answering)"
    r"(?: (?:this|these|my|the) (?:messages?|chat|texts?))?"
    # who runs the account ("is this account run by the actual shop"; round 20)
    r"|this (?:account|chat|page|channel) (?:run by|from|of|owned by) (?:the )?"
    r"(?:actual |real |official )?(?:shop|store))(?:\s+(?:lol|lmao|haha+|xd))?$"
)


_PRESENCE_CJK = frozenset(
    cjk_chars(_PRESENCE_ZH.pattern + _ADDRESS_ZH.pattern + "的")
)
"""Every Chinese character a presence check can keep: its words and the ways the shop is
addressed (the patterns hold literal characters only)."""


def _rules(
    group: str, current: str, text: str, lower: str, norm: str, slots: Slots, sure: bool
) -> str | None:
    """The rounds' rules, latest first: the intent a message read as ``current`` really is
    (``sure``: the model's top intent at the rules' own confidence or above)."""
    return (
        _reread_28(group, current, text, lower, norm)
        or _reread_27(group, current, text, lower, norm)
        or _reread_26(group, current, text, lower, norm, slots, sure)
        or _reread_25(group, current, text, lower, norm, slots)
        or _reread_24(group, current, text, lower, norm, slots)
        or _reread_23(group, current, text, lower, norm)
        or _reread_22(group, current, text, lower, norm)
        or _reread_21(group, current, lower, norm, slots)
        or _reread(group, current, text, lower, norm, slots)
    )


def _presence_in(st: _State, norm: str, text: str) -> bool:
    """``_presence`` of the message, without cutting its greetings and thanks when it cannot
    be one (about 20 µs a message): a Chinese character that neither a presence check, an
    address of the shop nor a greeting or thanks keyword has stays in what is read, and
    English is read from the text itself."""
    if not cjk_count(norm):
        return _presence(norm, text)
    allowed = st.matcher.wrapper_chars
    if any(ch not in _PRESENCE_CJK and ch not in allowed for ch in cjk_chars(norm)):
        return False
    rest = st.matcher.without_wrappers(st.matcher.spell(norm))
    if rest != norm and _HOUR_REMARK.match(_ADDRESS_ZH.sub("", rest).replace(" ", "")):
        return True
    return _presence(rest, text)


def _presence(rest: str, text: str) -> bool:
    """Nothing but "is anyone there" (see above)."""
    if cjk_count(rest):
        # ("掌柜的" loses its keyword 掌柜 with the greetings: the 的 is the address's too)
        return bool(_PRESENCE_ZH.match(_ADDRESS_ZH.sub("", rest).replace(" ", "").lstrip("的")))
    plain = " ".join(re.sub(r"[^a-z' ]+", " ", text.lower()).split())
    plain = _HESITATION_EN.sub("", plain)  # ("um hi?? …")
    rest = _GREETING_EN.sub("", plain)
    if rest != plain and rest and not _SHOP_ADDRESS_EN.sub("", rest).strip():
        return True  # a greeting to the shop in its own words ("yo shop people")
    # (the shop addressed before the check: "evening all, who's on tonight")
    return bool(_PRESENCE_EN.match(rest) or _PRESENCE_EN.match(_LEADING_ADDRESS_EN.sub("", rest)))


_HESITATION_EN = re.compile(r"^(?:(?:um+|uh+|erm+|hmm+|ahem)\b\s*)+")
_LEADING_ADDRESS_EN = re.compile(
    r"^(?:(?:shop|store|people|folks|team|guys|all|everyone|everybody|y'?all)\b\s*)+"
)


# a closing that says the customer will wait now: an acknowledgement or thanks, and a wait
_CLOSING_OPENER = re.compile(
    r"^(?:好的?|行|嗯|噢|哦|(?:ok|okay|alright|thank|thx|ty|cool|sure|fine)(?![a-z]))"
)
_WAITS = re.compile(r"那我(?:就)?等|我(?:就)?等着|等你们?(?:的)?(?:消息|通知|回复)|\bwill wait\b"
                    r"|\bi'?ll wait\b|\bi will wait\b")


_QUESTION_OR_BUT = re.compile(r"\b(?:where|when|what|how|why|which|who|but)\b|但|可是|不过")


def _either(pattern: re.Pattern[str], lower: str, norm: str) -> bool:
    """``pattern`` in the message as typed (lower-cased) or as normalised: the rules read both
    (normalising joins and respells words, typed keeps the customer's own spacing). Most
    Chinese messages read the same both ways: then once."""
    return pattern.search(norm) is not None or (
        lower != norm and pattern.search(lower) is not None
    )


def _closes_waiting(text: str, norm: str) -> bool:
    lower = text.lower()
    if not (_CLOSING_OPENER.match(norm) or "谢" in norm or "thank" in norm or "thx" in lower):
        return False
    if not _either(_WAITS, lower, norm):
        return False
    rest = _WAITS.sub(" ", norm)
    if _QUESTION_OR_BUT.search(lower) or (norm != lower and _QUESTION_OR_BUT.search(norm)):
        return False
    return not _asks(text, rest) and not cues(norm)


# a job on an order in plain words: cancel it ("那单就别发了吧", "dont send them"), send it
# elsewhere ("能不能寄到我公司去", "wrong postcode on my order"), or change it before it ships
# ("还没发的话帮我改下"). The model reads these as the order's status (its strongest words: 单,
# 发, ship) or by another word in them. Only where the model read another group's topic or
# the order's status: a complaint, a thanks or a question of the same job stays as it is.
_JOB_MISREADS = frozenset(
    {"order", "other", "shipping", "returns", "bargain", "size", "color"}  # (colour: round 20)
)
_CANCEL = re.compile(
    r"(?:别|不要|不用)(?:给我|帮我)?(?:再)?发(?:了|出去)?(?:吧|啦|$| )"
    r"|帮我(?:把)?.{0,8}(?:取消|撤销|撤了|撤掉|关了|关掉)"
    r"|(?:取消|撤销|作废|关掉|关了)(?:吧|掉|一下)"
    r"|(?:取消|撤销|作废)(?:了|掉)?(?:吧)?(?:我|我们)?(?:再)?(?:重新|重)(?:拍|下单|下|买)"
    r"|\b(?:please cancel|cancel (?:my|the|that|this) order)\b"
    # the order itself withdrawn or closed ("这单撤了吧", "直接给我把单关了"; round 19)
    r"|(?:订单|单子|这单|那单|这个单|那个单)(?:就|直接)?(?:给我|帮我)?(?:撤|关)(?:了|掉)?吧"
    r"|(?:给我|帮我|直接)(?:把)?(?:这|那)?(?:个)?(?:单子?|订单)(?:给)?(?:撤|关|取消|作废)(?:了|掉)"
    r"|\bundo (?:my|the|that|this) (?:order|purchase)\b|\border\b.{0,60}\bundo (?:it|that)\b"
    r"|\bkill (?:the|my|that|this) (?:whole )?order\b"
    # what she just bought withdrawn ("刚拍的那个大衣能撤回不"; round 20; not a message)
    r"|(?:拍的|买的|下的单|订单|单子|这单|那单)[^，,。？?\s]{0,8}撤回"
    r"|\bcall(?:ing)? off (?:my|the|that|this|it|them|both)\b|\bcall (?:it|that|them) off\b"
    r"|\bdon'?t (?:send|ship) (?:it|them|my order)\b"
    # "oh right i never paid. just cancel it then", "cancel and refund please": the cancel said
    # as an order, the refund it brings beside it (the model torn with a complaint or a refund)
    r"|(?:^|[.!,;]\s*|\b(?:just|pls|please|so|ok|okay|then)\s+)cancel (?:it|them|that)\b"
    r"|\bcancel and refund\b"
)
# an order given back before it ships is a cancel ("能把订单退掉吗 还没发货"): the model hears a
# return in 退
_ORDER_UNDONE = re.compile(
    r"(?:订单|单子|这单|那单|这个单|那个单|下的单|下单).{0,4}(?:退掉|退了|不要了)"
)
_NOT_CANCELLED_BY_ME = re.compile(r"\b(?:didn'?t|did not|never|not) cancel")
_ADDRESS_WORD = re.compile(r"地址|收货人|邮编|邮政编码|\b(?:address|postcode|post code|zip)\b")
_ELSEWHERE = re.compile(
    r"(?:地址|邮编|邮政编码).{0,4}(?:错|改|换|填成|写成)|(?:改|换)(?:个|一下)?(?:收货)?(?:地址|邮编)"
    # sent somewhere else than written ("能不能改送到楼下驿站", "改寄到公司"; not 改发顺丰)
    r"|改(?:成|为)?(?:送|寄|派送|发)(?:到|去)"
    r"|\b(?:change|fix|update|correct)\b.{0,40}\b(?:address|postcode|post code|zip|zip code"
    r"|postal code|street|street name|house number|flat number|apartment number|unit number)\b"
    r"|\b(?:address|postcode|post code|zip)\b.{0,50}\b(?:change|fix|update)\b"
    # a digit wrong or missing in it ("postcode on my order is missing a digit"; round 19)
    r"|\b(?:address|postcode|post code|zip|zip code|postal code)\b.{0,20}"
    r"\b(?:missing a (?:digit|number)|(?:a |one )?wrong (?:digit|number)|has a typo)\b"
    r"|\b(?:put|typed|entered|used|gave) the wrong (?:address|postcode|post code|zip)\b"
    # her parcel sent to another address than the one on it ("can you send my down jacket to a
    # different address", "ship them to a new address"; session 16)
    r"|\b(?:send|ship|deliver|redirect|forward|reroute)\b (?:it|them|my [\w-]+(?: [\w-]+)?"
    r"|the (?:parcel|package|order)) to (?:a |an )?(?:different|another|other|new) address\b"
)
# a place to send it instead counts only with the order named: "能送到公司吗" asks in general
_TO_PLACE = re.compile(
    r"(?:寄|送)到(?:我)?(?:的)?(?:公司|单位|学校|宿舍|爸妈|父母|朋友|老家|办公室"
    r"|(?:妈|爸|姐|哥|弟|妹|婆婆|外婆|奶奶|男朋友|女朋友|老公|老婆)(?:家|那)"
    # a new home ("我下周搬家 那单能寄到新住的地方吗"; round 19)
    r"|新(?:住的|租的|搬的|的)?(?:地方|家|地址|房子|住处))"
)
# in English, a person's or another place instead ("can my order go to my sister's flat
# instead"); what already happened ("it was left at my neighbour's") is the order's status
_TO_SOMEONE_EN = re.compile(
    r"\b(?:go|goes|going|send|sent|ship|deliver|redirect|forward)\b.{0,25}\bto (?:my|our) "
    r"(?:sister|brother|mum|mom|mother|dad|father|parents|friend|partner|girlfriend|boyfriend"
    r"|wife|husband|aunt|uncle|gran|grandma|nan|neighbou?r|office|work|new)"
    # a new home after a move ("could the parcel go to the new place instead")
    r"|\b(?:go|goes|send|ship|deliver|redirect|forward)\b.{0,25}\bto (?:the|a|my|our) new "
    r"(?:place|flat|house|home|address|apartment|one)\b"
)
# an address given that is out of date ("今早一看地址是旧的 我都搬走半年了"), not where it went
_OLD_ADDRESS = re.compile(r"(?:旧|以前的?|原来的?|老)地址|地址(?:还)?是(?:旧|以前|原来|老)的")
_DELIVERED_THERE = re.compile(r"送到|寄到|送去|寄去|派送|签收|到了")
_INSTEAD = re.compile(r"\binstead\b")
_HAPPENED_EN = re.compile(
    r"\b(?:was|were|got|been|went|left|delivered)\b(?! (?:placed|made|paid)\b)"
)
# ("order was placed this morning" tells when she ordered, not where it went; round 20)
_MY_ORDER = re.compile(r"单|拍了|买的|付了|付完|\b(?:my order|the order|my parcel|my package)\b")
_UNSHIPPED = re.compile(
    r"还没发|没发货|发货前|还没寄|没寄出|\bbefore (?:it|you) (?:ships?|send|sends|post|dispatch)"
    r"|没打包|打包前|没出库|出库前"  # (not packed yet: round 27)
    r"|\b(?:not|hasn'?t|hasnt|isn'?t) (?:yet )?(?:shipped|sent|gone out|dispatched|posted)"
    # not paid yet: nothing has shipped ("i havent paid yet, can i change it to S")
    r"|还没付|没付款|未付款|付款前|\bbefore (?:i )?pay(?:ing)?\b|\bha(?:ve)?n'?t paid\b"
    r"|\bnot (?:yet )?paid\b"
)
# the item's size or colour changed on the order in so many words ("还能改尺码吗 卫衣想要L",
# "改完地址还能改尺码吗"): the order's change, whatever address was changed before it
_ITEM_CHANGE = re.compile(r"改(?:个|一下|下|成)?(?:尺码|码数|大小|颜色|尺寸)")
_ADDRESS_DONE = re.compile(r"改完地址|地址(?:已经)?改(?:好|完|过)")
_CHANGE = re.compile(
    r"改|换成|换个|加一|备注|\b(?:change|switch|swap|add|make it)\b"
    # made into another in plain verbs ("还没发货的话帮我弄成XL"; round 26)
    r"|(?:弄|搞|调)成|(?:调|换)到(?:[a-z0-9]|大|小)"
    # one more put into it ("could u throw one more of those socks into my order"; round 20)
    r"|\b(?:throw|put|stick|pop) (?:in )?(?:one more|another|an extra)\b"
)


# a remark asked for on the order ("帮我在单子上写一下 盒子里别放价格单", "add a note to my order:
# no receipt in the box") is a change to it; the model hears the price or the invoice it names
_REMARK = re.compile(
    r"(?:帮我|给我|麻烦|能|可以|请)(?:在单子上|在订单上)?备注|备注(?:一下|下|上)"
    r"|(?:在|往)(?:单子|订单)上(?:写|备注|注明)"
    r"|(?:单子|订单|单)(?:上|里)(?:帮我|给我)?(?:写|备注|注明)"
    r"|(?:别|不要|不用|千万别)(?:给我)?(?:放|塞|夹|带)(?:任何)?.{0,6}(?:价|发票|小票|单据|清单)"
    r"|\b(?:add|put|leave|write) (?:a )?note\b|\bnote (?:on|to) (?:my|the) order\b"
    r"|\bput on the order\b|\bno (?:price|receipt|invoice)s?\b.{0,40}\b(?:in|inside)\b"
    r"|\b(?:don'?t|do not) (?:put|include|send) (?:the |a |any )?(?:price|receipt|invoice)"
)
# (not shipping: a courier asked for in a remark, "可以备注发邮政吗", is the courier question)
_REMARK_MISREADS = frozenset({"bargain", "payment", "other"})
_NOTE_MISREADS = frozenset({"bargain", "payment", "other", "human", "greeting", "shipping"})


# every job below needs one of these patterns to match (``intents.gate``: where their literals
# are not in the message, no job can be, and eight or more searches are skipped)
_ORDER_JOB_GATE = gate(
    _CANCEL, _ORDER_UNDONE, _ITEM_CHANGE, _ELSEWHERE, _TO_PLACE, _TO_SOMEONE_EN, _OLD_ADDRESS,
    _UNSHIPPED,
)


def _order_job(lower: str, norm: str) -> str | None:
    """The job a message asks done on the customer's order, in plain words (see above)."""
    if not _either(_ORDER_JOB_GATE, lower, norm):
        return None
    if _either(_CANCEL, lower, norm) and not _NOT_CANCELLED_BY_ME.search(lower):
        return "order.cancel"
    if _ORDER_UNDONE.search(norm) and _UNSHIPPED.search(norm):
        return "order.cancel"
    if _ITEM_CHANGE.search(norm) and _ADDRESS_DONE.search(norm):
        return "order.modify"  # the address done, the size now
    if _either(_ELSEWHERE, lower, norm) or (
        _TO_PLACE.search(norm) and _MY_ORDER.search(norm)
    ) or (_TO_SOMEONE_EN.search(lower) and (_MY_ORDER.search(lower) or _INSTEAD.search(lower))
          and not _HAPPENED_EN.search(lower)) or (
        _OLD_ADDRESS.search(norm) and not _DELIVERED_THERE.search(norm)
    ):
        return "order.change_address"
    if any(_UNSHIPPED.search(f) and _CHANGE.search(f) and not _ADDRESS_WORD.search(f)
           for f in (norm, lower)) or _ITEM_CHANGE.search(norm):
        return "order.modify"
    return None


# membership and points as money off ("我账户里有两千多积分 结账的时候能当钱用吗", "do members
# get anything off?") are a discount question (docs/intents.md, Label conventions); the model
# hears payment in 结账/当钱 and nothing it knows in "members get anything off"
DISCOUNT_INTENT = "bargain.discount"
STATUS_INTENT = "order.status"
_MEMBER = re.compile(
    r"会员|积分|vip|学生|老师|老顾客|老客户|回头客|\b(?:members?|membership|points|loyalty|reward"
    r"|students?|teachers?|nurses?|nhs|military|veterans?|seniors?)\b"
)
# a strong money-off word: with it, a member price is a discount also where the model read a
# return ("do students get anything off" — "get … off" is heavy in returns)
_STRONG_OFF = re.compile(r"折|优惠|\b(?:off|discount|discounts)\b")
_MONEY_OFF = re.compile(
    r"折|优惠|便宜|抵|当钱|当现金|价|\b(?:off|discount|discounts|cheaper|price|prices|deal|deals"
    r"|money|redeem|spend|code|codes|promo|coupon|coupons|voucher|vouchers)\b"
)


def _member_price(lower: str, norm: str, strong: bool = False) -> bool:
    off = _STRONG_OFF if strong else _MONEY_OFF
    return bool(_MEMBER.search(lower) and (off.search(norm) or off.search(lower)))


# the wrong item told as a story ("我拍的是黑色L 拆开是件灰的M", "收到的是黑色 我拍的是白色",
# "you sent me a size 10 instead of 8") is the order's problem, not the product's colour, size
# or quality (docs/intents.md, Label conventions): ``intents.wrong_item``, the bot's reader too


def _wrong_item(lower: str, norm: str) -> bool:
    return told_as_story(norm) or told_as_story(lower)


# a person asked for with a reason ("打字太累了 给个电话我直接打过去跟你们说") is the human
# handover, not a complaint, when nothing in it threatens, insults or is a frustration cue
HUMAN_INTENT = "human.agent"
_GRIEVANCE = re.compile(
    r"投诉|差评|举报|12315|消协|骗|垃圾|态度|气死|没人[接理回]|不接|不回|"
    r"\b(?:nobody|no one|noone|scam|report|complain|complaint|useless"
    r"|ridiculous|worst|terrible)\b"
)


def _wants_person(lower: str, norm: str) -> bool:
    return _asks_person(lower, norm) and not _either(_GRIEVANCE, lower, norm)


def _asks_person(lower: str, norm: str) -> bool:
    """A person or a call with the shop asked for (``intents.person``, the bot's reader too)."""
    return mentions_person(norm) or mentions_person(lower)


# the bot mocked ("你们客服是机器人吧 说话跟复读机一样", "talking to a broken record") is a
# complaint about the service, not a request for a person, when no person is asked for
COMPLAINT_INTENT = "complaint.general"
_HOSTILE = re.compile(
    r"倒闭|关门大吉|去死|垃圾|破店|黑店|骗子|坑人|差评|再也不(?:来|买)|呵呵|(?<!客)服了|无语|谢谢你们全家"
    r"|go (?:out of business|bust|bankrupt)|\bhope you (?:go|close|fail|rot)|\bworst\b|\bscam"
    r"|\bnever (?:again|buying|shopping)|\buseless\b|thanks for nothing|\bpathetic\b|\bjoke\b",
    re.IGNORECASE,
)
"""Ill will said beside a thanks: sarcasm (``IntentEngine.match``)."""
_MOCKS = re.compile(
    r"复读机|答非所问|人工智障|智障|敷衍|跟机器人?一样|像(?:个)?机器人|废物"
    r"|\b(?:broken record|talking to a wall|copy ?paste|useless bot|stupid bot|dumb bot)\b"
)


# what the bot is for ("what can you help me with?", "你都能帮我干啥", "有什么功能"): its
# greeting says what it answers; the model read out of scope, a person or a complaint
_WHAT_IT_DOES = re.compile(
    r"(?:你(们)?(都|还)?(能|可以|会)(帮我?)?(做|干|帮|办|查|回答)?(些)?(什么|啥|哪些)"
    r"|能帮(我|忙)?(做|干|办|查)?(些)?(什么|啥|哪些))(?!补偿|赔|处理|解决|弥补|交代|说法)"
    r"|有(什么|啥|哪些)功能|可以问(你)?(些)?(什么|啥|哪些)"
    r"|\bwhat (?:can|do|could) you (?:do|help(?: me)?(?: with)?)\b(?! (?:about|if|when|for|to))"
    r"|\bwhat do you do\b(?! (?:about|if|when|for|to|with))"
    r"|\bhow can you help\b|\bwhat (?:can|should) i ask(?: you)?\b"
    r"|\bwhat (?:are you|is this bot) for\b|\bare you an? (?:bot|robot|ai)\b"
)


def _asks_what_it_does(lower: str, norm: str) -> bool:
    return _either(_WHAT_IT_DOES, lower, norm)


def _mocks_the_bot(lower: str, norm: str) -> bool:
    return _either(_MOCKS, lower, norm) and not _asks_person(lower, norm)


# urging the customer's own parcel ("hurry them up please", "帮我催一下", "我这单啥时候能送到")
# is the order's status, not the shop's general delivery or dispatch time
_URGES = re.compile(
    r"催|\b(?:hurry (?:them|it|things|the courier)|hurry up (?:the|my|with|on)"
    r"|chase (?:the|up|them|it|my)|speed (?:it|things|them) up|nudge (?:them|the courier)"
    r"|push (?:it|things|them|my order|the order) along|expedite)"
)
# (hurrying the chat itself is not the parcel: "hurry up and answer me", "催你们回复")
_THE_CHAT = re.compile(r"回复|回答|回我|理我|\b(?:answer|reply|respond)")
_MY_PARCEL_WHEN = re.compile(
    r"我(?:的|这|那)(?:个)?(?:单|订单|快递|包裹|件)|我(?:买|拍|订)的"
    r"|\bmy (?:order|parcel|package|delivery)\b"
)
_WHEN = re.compile(r"啥时候|什么时候|几时|哪天|多久|几天|\b(?:when|how long|how many days)\b")
_REFUND_WORD = re.compile(r"退款|退钱|退货|\b(?:refund|return)")


_URGES_GATE = gate(_URGES)
_URGES_OWN_GATE = gate(_URGES, _MY_PARCEL_WHEN)

# (an urging read as the order, a return or a request for a person is left as it is)
_URGE_KEEPS = frozenset({"order", "returns", "human"})


def _urges(lower: str, norm: str) -> bool:
    """An urging word, not about a refund ("帮我催一下退款" is the refund's) or the chat."""
    if not _either(_URGES_GATE, lower, norm):
        return False
    if _either(_REFUND_WORD, lower, norm) or _THE_CHAT.search(lower):
        return False
    return _either(_URGES, lower, norm)


def _urges_own_order(lower: str, norm: str) -> bool:
    """An urging word, or when the customer's own parcel comes."""
    if not _either(_URGES_OWN_GATE, lower, norm):
        return False
    if _either(_REFUND_WORD, lower, norm) or _THE_CHAT.search(lower):
        return False
    if _either(_URGES, lower, norm):
        return True
    return bool(_MY_PARCEL_WHEN.search(norm) and _WHEN.search(norm))


# "where is my money" after sending something back is the refund ("包裹退回你们仓库了 我的钱
# 呢"), not the parcel's status
REFUND_PROGRESS_INTENT = "returns.refund_progress"
_MONEY_WHERE = re.compile(
    r"钱呢|钱(?:咋|怎么|为啥|为什么)?还没(?:到|退|回)|钱(?:什么|啥)时候(?:退|到|回)"
    r"|\bwhere'?s (?:my|the) money\b|\bwhere is (?:my|the) money\b"
)
_SENT_BACK = re.compile(r"退回|退货|寄回|退给|\b(?:returned|sent (?:it|them|\w+ )?back)\b")


def _money_after_return(lower: str, norm: str) -> bool:
    return (_either(_MONEY_WHERE, lower, norm)
                and _either(_SENT_BACK, lower, norm))


# a return with the exchange turned down ("不想换别的码了 能直接退钱不", "don't want a swap, just a
# refund") is the return: the model hears 换 and the size
RETURN_INTENT = "returns.return"
_NO_EXCHANGE = re.compile(
    r"(?:不想|不要|不用|别|不|懒得)换|换就算了|换(?:货)?(?:太|好|很|也太)麻烦"
    r"|换(?:货)?(?:也|还)(?:太|好|很)?麻烦(?![吗么不])"  # ("换也麻烦 直接退吧"; round 26)
    r"|\b(?:don'?t|do not) want (?:to )?(?:an? )?"
    r"(?:exchange|swap)|\bnot (?:an? )?(?:exchange|swap)|\bno (?:exchange|swap)"
)
_MONEY_BACK = re.compile(r"退|\b(?:refund|money back|return)")


def _return_not_exchange(lower: str, norm: str) -> bool:
    return (_either(_NO_EXCHANGE, lower, norm)
                and _either(_MONEY_BACK, lower, norm))


# who pays for sending it back ("if i send the shoes back am i paying the postage", "退回去的快递
# 费算谁的"): the return's postage, not the shop's shipping fee or the return itself
POSTAGE_INTENT = "returns.postage"
_POSTAGE = re.compile(
    r"运费|邮费|快递费|快递钱|寄费|\b(?:postage|shipping cost|return shipping|return postage"
    r"|shipping fee|delivery charge)"
    r"|\bpay (?:to|for) (?:post|send|ship|mail)\w*"
)
_BACK = re.compile(
    r"退|寄回|换货|\b(?:(?:send|sent|post|mail|ship) (?:\w+ ){0,2}back|return)"
)
_WHO_PAYS = re.compile(
    r"谁|要我|我出|我付|我承担|你们出|你们付|我掏|让我掏|包|免|补|报销|多少|吗|\?|？"
    r"|\b(?:who|free|on me|on you|do i|am i|will i|cost|charge|cover\w*|paid|should i"
    r"|shouldn'?t i|why should)\b"
)


# who the postage is on, asked in so many words ("is the postage on me or on the shop"): the
# return's postage, whatever reason for the return is told with it (round 18)
_POSTAGE_ON = re.compile(
    r"\b(?:postage|shipping|return shipping|return postage|the cost)\b.{0,12}"
    r"\bon (?:me|you|u|the shop|the store|the seller|us)\b"
)


def _postage_on_whom(lower: str) -> bool:
    return _POSTAGE_ON.search(lower) is not None


def _return_postage(lower: str, norm: str) -> bool:
    return (_either(_POSTAGE, lower, norm)
                and _either(_BACK, lower, norm)
                and _either(_WHO_PAYS, lower, norm))


# cash handed over when the parcel comes ("any option to settle up in cash once the courier
# drops it off", "到了再给钱") is cash on delivery, not the courier or how to pay
COD_INTENT = "payment.cod"
_ON_DELIVERY = re.compile(
    r"(?:到了|到货|收到货?|送到|拿到货?)(?:以后|之后)?再(?:给|付|转)钱"
    r"|先收货再付|\b(?:cash|pay)\b.{0,40}\b(?:deliver\w*|courier|driver|arriv\w*|drops?"
    r"|door|doorstep)\b"
)


def _cash_on_delivery(lower: str, norm: str) -> bool:
    # (COD as typed: normalised, "code" is stemmed to "cod")
    if re.search(r"\bcod\b", lower) is not None:
        return True
    if _PAYS_FOR_DELIVERY.search(lower) and not _AT_DELIVERY.search(lower):
        return False  # ("do i pay anything for delivery on top": the postage; round 27)
    return _either(_ON_DELIVERY, lower, norm) or _PAID_IN_HAND.search(norm) is not None


# paying for the delivery is its price, not the moment of paying ("do i pay anything for
# delivery on top or is it included"); paying on, at or upon delivery is that moment
_PAYS_FOR_DELIVERY = re.compile(
    r"\b(?:pay|paying|charged?|costs?)\b(?: \w+){0,3} for (?:the |a |any )?(?:deliver\w*|shipping"
    r"|postage|courier)"
)
_AT_DELIVERY = re.compile(
    r"\b(?:on|at|upon) (?:delivery|arrival)\b|\bcash\b|\bwhen (?:it|they|the \w+) (?:arrives?"
    r"|comes?|shows? up|gets? here)\b"
)
# paid once it is in her hands, told any way ("东西到我手上了再转钱给你", "收到货以后再付"): the
# arrival, a few characters of her own, then 再 and the paying (round 25 read "到了再给钱" only)
_PAID_IN_HAND = re.compile(
    r"(?:到|收到|拿到|送到)[^，,。？?\s]{0,4}(?:以后|之后)?再(?:给|付|转|打)(?:你)?(?:钱|款)"
)


# laughter and nothing else ("😂😂😂笑死我了", "lmao") is chit-chat, not sarcasm: sarcasm names
# what went wrong ("笑死 十天了还没发")
_LAUGHTER = re.compile(
    r"哈+|嘻+|嘿+|笑死(?:我)?(?:了)?|笑哭|笑疯|233+|0+"
    r"|\b(?:lol|lmao|rofl|haha\w*|hehe\w*|xd)\b|[了啊呀哦嘛吧 ]"
)


def _only_laughter(norm: str) -> bool:
    return bool(norm.strip()) and not _LAUGHTER.sub("", norm).strip()


# thanks or praise with nothing wrong in it ("brilliant, that answers everything, thx heaps",
# "alright legend, ta") is a thanks the model reads as sarcasm by its praise words
_THANKS_WORD = re.compile(  # (not a bare 谢: "等到花儿都谢了", "我真的会谢" are sarcasm)
    r"谢谢|多谢|谢啦|感谢|感恩|辛苦|\b(?:thanks?|thx|ty|ta|cheers|appreciate\w*|tysm)\b"
)
_WRONG = re.compile(
    r"没|不|别|还|错|坏|丢|慢|等了|差|垃圾|呵呵"
    r"|\b(?:no|not|never|nothing|still|yet|again|lost|late|broken|damaged|wrong|missing"
    r"|waiting|waited|waste\w*|whatever|sure|ruin\w*|ignor\w*|fail\w*|screw\w*)\b|n't\b"
    r"|\breally\W*$"
)


def _sincere_thanks(text: str, lower: str, norm: str) -> bool:
    if not _either(_THANKS_WORD, lower, norm):
        return False
    if _either(_WRONG, lower, norm) or cues(norm):
        return False
    if _either(_GRIEVANCE, lower, norm):
        return False
    return not _asks(text, norm)


# a product picked for the customer with no size in it ("帮我推荐个适合夏天穿的裙子") is out of
# scope (the policy cannot choose products), not the size recommendation
_SIZE_WORD = re.compile(
    r"码|尺|(?<!色)号|大小|多大|身高|体重|斤|胖|瘦|腰|胸|\b(?:size|sizes|fit|tall|weigh\w*)\b"
)
_RECOMMEND = re.compile(r"推荐|\b(?:recommend\w*|suggest\w*)\b")


def _picks_a_product(lower: str, norm: str, slots: Slots) -> bool:
    if not _either(_RECOMMEND, lower, norm):
        return False
    if slots.height_cm or slots.weight_kg or slots.size:
        return False
    return not _either(_SIZE_WORD, lower, norm)


# thanks and nothing else in chat shorthand ("ty ty", "ok ty", "thx mate"): the model reads
# the bare letters as out of scope
_THANKS_ONLY_WORDS = re.compile(
    r"\b(?:ty|tyvm|tysm|thx|thanks?|thank you|ta|cheers|many|much|so|very|again|a lot|lots"
    r"|ok|okay|k|kk|mate|you|u)\b|谢谢|多谢|谢啦|感谢|好的|好|嗯|哦|了|啊|呀|亲|啦"
)
_THANKS_ONLY_CORE = re.compile(r"\b(?:ty|tyvm|tysm|thx|thanks?|ta|cheers)\b|谢")


def _only_thanks(lower: str) -> bool:
    plain = re.sub(r"[^a-z\u4e00-\u9fff' ]+", " ", lower)
    return bool(_THANKS_ONLY_CORE.search(plain)) and not _THANKS_ONLY_WORDS.sub("", plain).strip()


# money off asked for in English with no price word ("if i grab three will u knock some off",
# "do u give anything off the first buy"): a discount; "took the tags off" is not money
_OFF_EN = re.compile(
    r"\bknock (?:\w+ ){0,2}off\b|\b(?:anything|something|a bit|a little|money|some|\d+ ?%?)"
    r" off\b(?! (?:the )?(?:tag|tags|label|labels|sticker|plastic|packaging))"
)
_OFF_MISREADS = frozenset({"complaint", "other", "payment", "returns"})


# an exchange asked for by its reason, for an item the customer has ("穿着勒 给我换个大点的码",
# "its too tight can i send it back and get the next size", "trade the pink one for the grey"):
# the model reads the size or the colour in it; an order not yet shipped is a change to it
_SWAP = re.compile(
    r"换(?:个|成|一)?(?:大|小)(?:一|点|些)?(?:的)?码|换(?:个|成)(?:别的|其他)?.{0,3}色|寄回去?换"
    r"|(?:调|换)(?:个|成)?(?:大|小)(?:半|一|0|点)(?:个)?(?:的)?(?:码|号)"
    r"|换(?:个|成)?(?:xxs|xs|s|m|l|xl|xxl|xxxl|0xl)(?:码|号)"
    r"|\b(?:swap|trade|exchange)\b|\bget the (?:next|bigger|smaller|other) (?:size|one)\b"
    # "the cardigan is too big, can i get it in S" (jobs batch 10: which size for me?)
    r"|\b(?:get|have) (?:it|them|one|this|that) in (?:an? |size )?(?:xxs|xs|s|m|l|xl|xxl|xxxl"
    r"|small|medium|large)\b"
)
_HAVE_IT = re.compile(
    r"穿着|穿上|试了|试穿|收到|到了|拿到|寄回|退回|顶脚|挤脚|穿不了|穿不下|穿不进"
    r"|(?:松|紧|勒|大|小)得|太松|太紧|松垮"
    r"|\b(?:send (?:it|them) back|sent (?:it|them) back|worn|wore|tried (?:it|them) on|arrived"
    r"|received|got it|got them|too (?:tight|big|small|loose|long|short))\b"
)


_SWAP_GATE = gate(_SWAP)


def _exchange_by_reason(lower: str, norm: str) -> bool:
    if not _either(_SWAP_GATE, lower, norm):
        return False
    if _either(_UNSHIPPED, lower, norm):
        return False
    return _either(_SWAP, lower, norm) and _either(_HAVE_IT, lower, norm)


# a return asked for beside its reason ("牛仔裤腰太大了 退了吧", "颜色跟图片差太多 我想退掉",
# "i'd like to return the jeans, they're too tight"): the model reads the size or the colour
# the reason names, and the return she asked for was answered with the size chart's advice
_SEND_BACK = re.compile(
    r"退掉|退了吧|退了算了|想退|要退|我要退|退货|申请退"
    r"|\b(?:return|refund) (?:it|them|this|these|the \w+|my \w+)\b"
    r"|\b(?:like|want|wanna|going) to return\b"
    r"|\bsend (?:it|them|this|these) back\b"
)
_NOT_SENT_BACK = re.compile(
    r"(?:不想|不要|不用|别|不)退|\b(?:don'?t|do not) want to return\b"
    # a parcel that never came is not sent back ("in transit for weeks, i think it's lost")
    r"|还没(?:收到|到)|没收到|丢了|丢件|\bin transit\b|\blost\b|\bnever (?:arrived|came)\b"
    r"|\bnot (?:arrived|received|delivered)\b"
)


_SEND_BACK_GATE = gate(_SEND_BACK)


def _return_by_reason(lower: str, norm: str) -> bool:
    if not _either(_SEND_BACK_GATE, lower, norm):
        return False
    if _either(_UNSHIPPED, lower, norm) or _either(_NOT_SENT_BACK, lower, norm):
        return False
    if _either(_BOUNCED, lower, norm):
        return False  # the courier sent the parcel back ("件被退回了 不是我退的")
    return _either(_SEND_BACK, lower, norm)


# where the customer sends it back, in words ("东西打包好了 寄哪去", "where do i post it back"):
# the return address; "寄哪个快递" (which courier) and "能寄到哪些地方" (where the shop ships)
# are not, nor "发到哪了" (where her parcel has got to: 了 tells it went already)
RETURN_ADDRESS_INTENT = "returns.address"
_WHERE_TO_SEND = re.compile(
    r"(?<!能)(?<!可以)(?:寄|发)(?:到|去|回)?哪(?:里|儿|去)?(?![个家些])(?!(?:里|儿|去)?了)|往哪(?:里|儿)?寄"
    r"|\bwhere (?:do|should|can|shall) (?:i|we) (?:send|post|mail|ship|return) "
    r"(?:it|them|this|these|the \w+)\b.{0,10}\bback\b"
    r"|\bwhere (?:do|should|can|shall) (?:i|we) (?:send|post|mail) (?:it|them|this|the \w+) back"
)
_ADDRESS_MISREADS = frozenset({"order.status", "returns.return", "shipping.region",
                               "shipping.delivery_time", "shipping.dispatch_time"})


def _where_to_send_back(lower: str, norm: str) -> bool:
    return _either(_WHERE_TO_SEND, lower, norm)


# a timing question asked before buying ("我下礼拜三出差 现在拍还来得及收到吗", "if i order now
# when does it arrive") is the shop's delivery or dispatch time, not an order's status
PAYMENT_INTENT = "payment.methods"
SHIPPING_FEE_INTENT = "shipping.fee"
# free shipping or the postage asked about, beside an amount spent (the lead's console round,
# session 13: "two orders of 300 and 250, free shipping together?" was "did you mean")
_FREE_SHIPPING_ASKED = re.compile(
    r"包邮|免邮|免运费|运费(?:怎么算|多少|要多少|收多少)|邮费"
    r"|\bfree (?:shipping|delivery|postage)\b|\bship(?:ping|s)? (?:for )?free\b"
    r"|\bshipping (?:cost|fee|charge)s?\b|\bpostage\b"
)
DELIVERY_INTENT = "shipping.delivery_time"
DISPATCH_INTENT = "shipping.dispatch_time"
_BEFORE_BUYING = re.compile(
    r"现在(?:拍|下单|买|付款?)|今天(?:拍|下单|买|付款?)|(?:拍|下单|付款?)的话"
    r"|(?:赶紧|马上|这就|立马|立刻|待会儿?|一会儿?)(?:拍|下单|买|付款?)"
    r"|\bif i (?:order|buy|checkout|check out|pay|purchase)\b"
    r"|\b(?:i|to|i'?ll|we) (?:order|buy) (?:it |one |them )?now\b|\bordering (?:it )?now\b"
)
_OWN_ORDER = re.compile(
    r"我(?:的|这|那)(?:个)?(?:单|订单|快递|包裹)|单号|已经(?:拍|下单|付)|\bmy order\b"
)
_ARRIVES = re.compile(
    r"到(?![0-9零一二三四五六七八九十两]*点)|收到"
    r"|\b(?:arrive|get here|deliver\w*|receive|make it|be here|get to me|in time)"
)
# a day it must be there by ("will it make it by sat"): a timing question in words the
# model does not know as one
_BY_DAY = re.compile(
    r"\bby (?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day)?\b|\bby (?:the )?weekend\b"
    r"|\bby (?:tomorrow|tmrw|tmr|next week)\b"
)


def _timing_before_buying(lower: str, norm: str) -> str | None:
    if not _either(_BEFORE_BUYING, lower, norm):
        return None
    if _either(_OWN_ORDER, lower, norm) or _URGES.search(norm):
        return None
    return DELIVERY_INTENT if _either(_ARRIVES, lower, norm) else DISPATCH_INTENT


# an exchange's progress told with the order's words ("换货的那件我寄回去了 换的那件啥时候发我")
_EXCHANGED = re.compile(r"换货|换的(?:那|这)?(?:件|个|条|双)|\b(?:exchange|replacement)\b")
_MONEY = re.compile(r"退款|钱|\b(?:refund|money)\b")


def _exchange_progress(lower: str, norm: str) -> bool:
    return (_either(_EXCHANGED, lower, norm) and _either(_SENT_BACK, lower, norm)
            and not _either(_MONEY, lower, norm))


# a refund already asked for and waiting ("申请的仅退款一直显示处理中 到底退不退"): its progress,
# not how to return
_REFUND_PENDING = re.compile(
    r"(?:仅退款|退款).{0,12}(?:处理中|审核中|一直显示|还没(?:处理|审核|通过|同意|批)|没人处理)"
    r"|\brefund\b.{0,30}\b(?:pending|processing|under review|still not approved)\b"
)


# the money back asked for now, in so many words ("just give me my money back", "直接退钱吧")
# with nothing sent back or waited for: the refund she wants made (a return), which the model
# read as a refund's progress; "快点给我退款" and "it's been ages since I returned it" are its
# progress still (the labelled data's reading of a bare "把钱退给我")
_MONEY_BACK_NOW = re.compile(
    r"\b(?:just )?(?:give|send) me (?:my|the) (?:money|refund)(?: back)?\b|\bjust refund me\b"
    r"|\bi (?:just )?(?:want|need) (?:my money back|a (?:full )?refund)\b"
    r"|直接退(?:钱|款)|退钱吧"
)
_REFUND_UNDER_WAY = re.compile(
    r"\b(?:yet|still|already|when|where|how long|ages|since|returned|sent (?:it|them|\w+) back"
    r"|shipped (?:it|them) back|posted)\b|\bnot (?:got|received)\b"
    r"|还没|没到|没收到|什么时候|啥时|多久|几天|到账|进度|寄回|退回|寄了|已经|快点|快给|赶紧|催"
)


# orders merged ("我分开付了两回款 你们打一个包裹寄行不", "can you ship my two orders together"):
# a change to the orders
_MERGE = re.compile(
    r"合并|(?:一起|一块|一个包裹|一个包|一单)(?:发|寄)|打(?:成)?一个包"
    r"|\b(?:combine|merge)\b.{0,20}\borders?\b"
    r"|\borders?\b.{0,30}\b(?:together|in one (?:box|parcel))\b"
)
_TWO_ORDERS = re.compile(
    r"两(?:个|笔)?(?:单|订单)|分开(?:付|拍|下单|买)|两回|两次|\b(?:two|2|both) orders\b|\borders\b"
    # a second order told ("昨天拍了一单今天又拍了一单"; round 20)
    r"|又(?:拍|下|买)了(?:0|一)?单"
)


def _merges_orders(lower: str, norm: str) -> bool:
    return _either(_MERGE, lower, norm) and _either(_TWO_ORDERS, lower, norm)


# two orders sent together to save postage ("我刚又拍了条碎花裙 能跟昨天那单卫衣一起寄吗
# 省一份运费", "can my new order go with yesterday's so i don't pay shipping twice"): the postage
# asked about her orders, whose answer is the policy's combine rule (orders within a few days
# count together), never a change made (jobs batch 9: "did you mean…?" between the two)
_ANOTHER_ORDER = re.compile(
    r"又(?:拍|下|买|订)了|(?:昨天|前天|上次|之前|刚才|早上|另外?)(?:的|那|一)?(?:0|一)?(?:单|个订单)"
    r"|那(?:0|一)?单|\b(?:other|previous|last|earlier|first|new|yesterday'?s?) orders?\b"
)
_SAVES_POSTAGE = re.compile(
    r"省.{0,4}(?:运费|邮费)|运费|邮费|包邮|免邮"
    r"|\bpostage\b|\bshipping (?:cost|fee|charge)s?\b|\bfree (?:shipping|delivery)\b"
    r"|\bsave (?:on )?(?:shipping|postage|delivery)\b|\bpay (?:for )?(?:shipping|postage) twice\b"
)


def _together_for_postage(lower: str, norm: str) -> bool:
    return _either(_MERGE, lower, norm) and _either(_SAVES_POSTAGE, lower, norm) and (
        _either(_TWO_ORDERS, lower, norm) or _either(_ANOTHER_ORDER, lower, norm)
    )


# going up or down a size ("should i go up one, reviews r mixed"): how the item runs
FIT_INTENT = "size.fit"
_SIZE_STEP = re.compile(
    r"\b(?:go|going|size|sizing) (?:up|down)\b(?: (?:one|a size|a half|half a size))?"
)




# a question announced before it is asked (on the normalised text: English stemmed, "wanted"
# → "want"), a greeting before it or not
_PREAMBLE = re.compile(
    r"^(?:(?:你好|您好|在吗|在不在|亲爱的|亲|哈喽|嗨|hi|hello|hey|ok|so)\s*)*"
    r"(?:(?:我)?(?:想|要)?(?:请问|问问|问|咨询|打听)(?:一下|下)"
    r"|(?:i\s+)?(?:just\s+)?(?:want|wanna|would like|need)\s+to\s+ask"
    r"|quick\s+(?:q|question)|(?:i\s+)?(?:just\s+)?(?:wonder|wondering))\s*"
)


_ORDER_NUMBER = re.compile(r"(?<![A-Za-z0-9])[kK]\s*[fF][\s#:：-]*(?:\d[\s-]*){7}\d(?!\d)")
_ONE_ORDER_NUMBER = "KF20260001"
_ONE_LAST4 = "5280"
_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


# a second question after the first ("…有S码吗 还有能便宜点吗")
_MORE_THAN_ONE = re.compile(r"还有|另外|顺便|\band also\b|\balso\b|\banother question\b")


# a story before the question ("我跟你说啊 之前在别家买的洗一次就缩了 所以想问问你们这件会不会缩",
# "long story short, my question is …"): the question after the turn decides when the engine
# is sure of it; the model reads the story's disappointment as a complaint
_PIVOT = re.compile(
    r"(?:所以|就是)?(?:想问问?|想问一下|我想知道|请问)|所以|\b(?:so my question is|my question is"
    r"|anyway|so i wanted to ask|i wanted to ask|just wanted to ask|long story short)\b"
)


def _reread(
    group: str, current: str, text: str, lower: str, norm: str, slots: Slots
) -> str | None:
    """The intent a message means where the model read it by a word in it (the rule tables
    above), or None: each rule only where the model read what it names as the misreading."""
    if group in ("greeting", "other", "human") and person_words(lower):
        # "are you a bot? get me someone who can actually help": a person asked for, not a
        # hello (who answers, asked, reads as one)
        return HUMAN_INTENT
    if (current not in (COD_INTENT, INVOICE_INTENT) and group != "bargain"
            and asks_how_to_order(text)):
        return PAYMENT_INTENT  # "我要买这件 怎么拍", "how do i order": where to buy, and how to pay
    if group in ("bargain", "complaint", "other", "greeting") and asks_about_sales(text) and not (
        cues(norm)
    ):
        return DISCOUNT_INTENT  # "618搞不搞活动呀": what the shop gives, and no sales calendar
    if group in ("shipping", "order", "payment", "returns", "other") and (
        asks_if_unpaid_still_open(lower) or (norm != lower and asks_if_unpaid_still_open(norm))
    ):
        return STATUS_INTENT  # "还没付款 现在付还来得及吗": her unpaid order, and until when
    if (current == STATUS_INTENT or not current.startswith("order.")) and (
        asks_if_order_still_open(lower) or (norm != lower and asks_if_order_still_open(norm))
    ):
        return STATUS_INTENT  # "订单还有效吗", "is the order still open?": yes or no, its card
    if slots.spend_yuan is not None and group != "returns" and (
        _either(_FREE_SHIPPING_ASKED, lower, norm)
    ) and not _HAGGLE.search(norm):  # ("再少10块我就拍 包邮吗": money off asked first)
        return SHIPPING_FEE_INTENT  # "昨天买了300 今天又买了250 能一起包邮吗": the spend's postage
    if group in ("order", "shipping", "complaint") and refuses_parcel(lower):
        return RETURN_INTENT  # "还在路上 我直接拒收可以吗": the money back without the item
    if group in ("order", "shipping", "complaint") and _together_for_postage(lower, norm):
        # two orders in one parcel to save postage: the orders' (the labels' convention); the
        # bot answers it with the policy's combine rule (bot.handlers.orders)
        return MODIFY_INTENT
    # a note for the order in the words ``intents.order_note`` reads (the bot's reader too):
    # "放快递柜 别打电话" is no person asked for, "备注一下 下午才有人在家" no greeting, and
    # "是送人的 包裹里别放价格单和发票可以吗" the change to the order the model was unsure of
    if (group in _NOTE_MISREADS or current in (STATUS_INTENT, MODIFY_INTENT) or (
        group == "complaint" and not cues(norm)
    )) and order_note(lower):
        return MODIFY_INTENT
    if group in _REMARK_MISREADS or current == STATUS_INTENT or (
        group == "complaint" and not cues(norm) and not _either(_GRIEVANCE, lower, norm)
    ):
        if _either(_REMARK, lower, norm):
            return MODIFY_INTENT
    if group in ("payment", "other", "complaint") and _member_price(lower, norm):
        return DISCOUNT_INTENT
    if group == "returns" and _member_price(lower, norm, strong=True):
        return DISCOUNT_INTENT
    if group in ("quality", "size", "color") and _wrong_item(lower, norm):
        return STATUS_INTENT
    if group == "complaint":
        if _wants_person(lower, norm) and not cues(norm):
            return HUMAN_INTENT
        if _only_laughter(norm):
            return FALLBACK_INTENT
        if _sincere_thanks(text, lower, norm):
            return THANKS_INTENT
    if group == "thanks" and _only_laughter(norm):
        return FALLBACK_INTENT
    if group in ("other", "complaint", "greeting") and _only_thanks(lower):
        return THANKS_INTENT
    if group in _OFF_MISREADS and _OFF_EN.search(lower) and (
        group != "complaint" or not (cues(norm) or _GRIEVANCE.search(lower))
    ):
        return DISCOUNT_INTENT
    if group in ("size", "color") and _exchange_by_reason(lower, norm):
        return EXCHANGE_INTENT
    if (group in ("size", "color") or current == RETURN_INTENT) and _return_by_reason(
        lower, norm
    ) and not (current == RETURN_INTENT and (
        _postage_on_whom(lower) or _where_to_send_back(lower, norm)
    )):
        # (the model unsure between the return and the reason: the return; where it goes asked
        # beside the reason, "要退的衣服打包好了 往哪寄", is the address below: round 27)
        return RETURN_INTENT
    if (current in _ADDRESS_MISREADS or current == RETURN_ADDRESS_INTENT) and (
        _where_to_send_back(lower, norm)
    ):
        # (the return address read already but unsure - "东西打包好了 寄哪去": order.status and
        # the address within 0.004 of each other, which came first differing by machine - is
        # the return address said in words)
        return RETURN_ADDRESS_INTENT
    if current == STATUS_INTENT:
        timing = _timing_before_buying(lower, norm)
        if timing is not None:
            return timing
        if _exchange_progress(lower, norm):
            return EXCHANGE_INTENT
    if current == RETURN_INTENT and _either(_REFUND_PENDING, lower, norm):
        return REFUND_PROGRESS_INTENT
    if current == REFUND_PROGRESS_INTENT and _either(_MONEY_BACK_NOW, lower, norm) and not (
        _either(_REFUND_UNDER_WAY, lower, norm) or _either(_NOT_SENT_BACK, lower, norm)
    ):
        return RETURN_INTENT  # (a parcel that never came is the order's: nothing to send back)
    if group in ("complaint", "shipping", "order", "payment") and current != MODIFY_INTENT and (
        _merges_orders(lower, norm)
    ) and not cues(norm):
        return MODIFY_INTENT
    if group in ("complaint", "other") and _SIZE_STEP.search(lower) and not cues(norm):
        return FIT_INTENT
    # marked delivered but not there ("app says dropped at door at 2pm, nobody came"): the
    # order's (``intents.not_received``, the bot's reader too)
    if group == "complaint" and not_received(lower) and not cues(norm):
        return STATUS_INTENT
    if group == "human" and _mocks_the_bot(lower, norm):
        return COMPLAINT_INTENT
    if current in _TIMING_INTENTS and _urges_own_order(lower, norm):
        return STATUS_INTENT
    if group not in _URGE_KEEPS and _urges(lower, norm) and (
        group != "complaint" or not (cues(norm) or _GRIEVANCE.search(norm)
                                     or _GRIEVANCE.search(lower))
    ):
        return STATUS_INTENT
    if group in ("order", "shipping") and _money_after_return(lower, norm):
        return REFUND_PROGRESS_INTENT
    if current == EXCHANGE_INTENT and _return_not_exchange(lower, norm):
        return RETURN_INTENT
    if (current in _POSTAGE_MISREADS or (group == "complaint" and not cues(norm))) and (
        _return_postage(lower, norm) and not _address_first(current, lower, norm)
    ):
        return POSTAGE_INTENT
    if (group in ("shipping", "payment", "other") or current == STATUS_INTENT) and (
        current != COD_INTENT
    ):
        if _cash_on_delivery(lower, norm):
            return COD_INTENT
    if current == SIZE_ADVICE_INTENT and _picks_a_product(lower, norm, slots):
        return FALLBACK_INTENT
    if group in ("other", "complaint", "human") and _asks_what_it_does(lower, norm):
        return GREETING_INTENT
    return _reread_16(group, current, lower, norm, slots)


def _reread_16(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 16 (see the tables above each)."""
    if group == "other" and _either(_BEFORE_BUYING, lower, norm) and (
        _either(_WHEN, lower, norm) or _BY_DAY.search(lower)
    ):
        timing = _timing_before_buying(lower, norm)
        if timing is not None:
            return timing
    if current == STATUS_INTENT:
        if _either(_RETURN_ADDRESS_ASKED, lower, norm):
            return RETURN_ADDRESS_INTENT
        if _either(_STATUS_ASKED, lower, norm):
            return None  # the order's status asked too ("订单到哪了 发票一起寄吗")
        if _either(_NO_REASON_RETURN, lower, norm):
            return RETURN_INTENT
        if _either(_INVOICE, lower, norm) and not _either(_REMARK, lower, norm):
            return INVOICE_INTENT
    if group == "returns" and current != REFUND_PROGRESS_INTENT and (
        _either(_BOUNCED, lower, norm) and not _either(_MY_RETURN, lower, norm)
    ):
        return STATUS_INTENT
    if group == "bargain" and _either(_COUNTERFEIT, lower, norm):
        return AUTHENTICITY_INTENT
    if group == "color" and _either(_FABRIC, lower, norm) and not slots.color and not (
        _either(_COLOUR_WORD, lower, norm)
    ):
        return MATERIAL_INTENT
    if current == SIZE_ADVICE_INTENT and _fit_asked_first(lower, norm) and (
        slots.height_cm is None or slots.weight_kg is None
    ):  # (with her height and weight the fit asked is advice for her: "true to size? im 165 52kg")
        return FIT_INTENT
    if current in _HOURS_MISREADS and _either(_OPENING_HOURS, lower, norm):
        return FALLBACK_INTENT
    if current == REFUND_PROGRESS_INTENT and _KIND_REFUNDABLE.search(lower) and not (
        _either(_STATUS_ASKED, lower, norm) or _MY_REFUND.search(lower)
    ):
        return RETURN_INTENT
    return _reread_17(group, current, lower, norm, slots)


# whether a kind of item can be refunded, asked before any return ("can custom made items be
# refunded?", "are sale items refundable"): the return rules, read as a refund's progress by
# "refunded" (the lead's console round, session 12)
_KIND_REFUNDABLE = re.compile(
    r"\b(?:can|could|are|is|do|does)\b.{0,40}"
    r"\b(?:custom|made[- ]to[- ]order|personali[sz]ed|proxy|sale|discounted|clearance|outlet"
    r"|items?|things?|products?|clothes)\b.{0,30}\b(?:be refunded|refundable|get refunded)\b"
)
_MY_REFUND = re.compile(r"\b(?:my|our) (?:refund|money|return)\b|\byet\b|\bstill\b|\bwhen\b")


# round 16's kinds, each only where the model read what it names:
# where to send the return, asked as 退回的地址 ("快递员在楼下 退回的地址是啥"), read as the
# order's status (the courier, 快, 地址)
_RETURN_ADDRESS_ASKED = re.compile(
    r"(?:退回|寄回|退货|退换货?)(?:去|来)?的?地址"
    # (the phone beside it, asked in a hurry: "退货地址和电话赶紧发我"; round 26)
    r"(?:(?:和|跟|加|\+)?(?:电话|收件人|联系方式))?(?:是|在|写|发|赶紧|快点?|麻烦)?"
    r"(?:啥|什么|哪|多少|发我|给我)"
)
# the seven-day no-reason return ("七天无理由从签收开始算吗"), read as the order's status by
# 签收; normalised, 七天 is 0天
# (the order's whereabouts asked in so many words: the status stays, asked first or not)
_STATUS_ASKED = re.compile(
    r"到哪|哪了|发了没|发货了(?:吗|没)|到了没|物流|(?:什么|啥)时候(?:到|发)"
    r"|\bwhere(?:'s| is| are)\b|\btracking\b|\bshipped\b|\barrived?\b"
)
_NO_REASON_RETURN = re.compile(r"(?:0|七)天无理由|无理由退|\bno[- ]reason returns?\b")
# an invoice or a receipt asked for ("电子发票订单详情里没看到", "email me the receipt for my
# order"), read as the order's status by 订单 (a remark, "别放发票", is the order's change)
INVOICE_INTENT = "payment.invoice"
_INVOICE = re.compile(r"发票|开票|\b(?:invoice|invoices|receipt|receipts|vat)\b")
# a parcel sent back to the shop by the courier ("包裹好像被退回去了", "returned to sender"):
# the order's, not a return the customer makes
_BOUNCED = re.compile(
    r"被(?:退回|退了回|打回|弹回)|退回(?:给)?(?:发件人|寄件人)"
    r"|\b(?:returned|sent back|bounced back) to (?:the )?sender\b"
    r"|\b(?:got|was|been|being) (?:returned|sent back) to (?:you|the shop|the warehouse)\b"
    # gone back to the shop, and sent again asked for ("包裹退回你们仓库了 能再给我发一次吗")
    r"|退回(?:给)?(?:你们|商家|仓库|店里).{0,12}(?:再|重新)(?:给我)?(?:发|寄|送)"
)
_MY_RETURN = re.compile(r"我(?:已经)?(?:退回|寄回|退货|申请)|退款|\b(?:i|we) (?:returned|sent)\b")
# a fake asked about with the price ("价格这么低 不会是假货吧"), read as a discount
AUTHENTICITY_INTENT = "quality.authenticity"
_COUNTERFEIT = re.compile(
    r"假货|假的|假冒|冒牌|盗版|正品|高仿|仿品|山寨|真假|a货|原单"
    r"|\b(?:fake|fakes|replica|replicas|genuine|authentic|counterfeit|original)\b"
)
# what it is made of ("cotton? or polyester blend, label in photo is blurry"), read as the
# colour by the photo
MATERIAL_INTENT = "quality.material"
_FABRIC = re.compile(
    r"面料|材质|成分|纯棉|含棉|棉的|涤纶|聚酯|羊毛|羊绒|真丝|桑蚕丝|亚麻|雪纺|莫代尔|氨纶"
    r"|\b(?:cotton|polyester|poly|wool|woolen|cashmere|linen|silk|acrylic|nylon|spandex"
    r"|elastane|viscose|rayon|modal|fabric|material)\b"
)
_COLOUR_WORD = re.compile(r"颜色|色差|\b(?:colou?rs?|shade|tone)\b")
# how the item runs asked before a size ("鞋子是标准码吗 平时穿38 要不要拍39"): the first
# question is the fit (two questions are labelled by the first)
_FIT_WORDS = re.compile(
    r"标准码|正码|偏大|偏小|码(?:数)?(?:标准|正|准)(?:吗|不|么)"
    r"|\btrue to size\b|\b(?:run|runs|fit|fits) (?:big|small|large|true)"
)


def _fit_asked_first(lower: str, norm: str) -> bool:
    for form in (norm, lower):
        fit = _FIT_WORDS.search(form)
        if fit is not None:
            number = re.search(r"\d", form)
            return number is None or fit.start() < number.start()
    return False


# the shop's opening hours ("when do you guys close today", "几点关门"): out of scope, not
# when it ships or a greeting
_OPENING_HOURS = re.compile(
    r"几点(?:关门|开门|下班|打烊|营业)|营业时间|上班时间"
    r"|\b(?:what time|when) (?:do|does|will|are) (?:you|u|ya|you guys|u guys|y'?all|the shop"
    r"|the store|your shop|your store) (?:close|open|shut|closing|opening)\b"
    r"|\b(?:opening|business|store|shop) hours\b"
)
_HOURS_MISREADS = frozenset({"shipping.dispatch_time", "shipping.delivery_time"})


def _address_first(current: str, lower: str, norm: str) -> bool:
    """Two questions, the return address asked before who pays ("退货地址是哪 运费谁出")."""
    if current != RETURN_ADDRESS_INTENT:
        return False
    for form in (norm, lower):
        address, postage = _ADDRESS_WORD.search(form), _POSTAGE.search(form)
        if address and postage and address.start() < postage.start():
            return True
    return False


MODIFY_INTENT = "order.modify"
EXCHANGE_INTENT = "returns.exchange"
SIZE_ADVICE_INTENT = "size.recommend"
_TIMING_INTENTS = frozenset({"shipping.delivery_time", "shipping.dispatch_time"})
_POSTAGE_MISREADS = frozenset(
    {"shipping.fee", "returns.return", "returns.exchange", "returns.address"}
)


def _follows_on(norm: str) -> bool:
    """Worded as a follow-up: opening like one (那…, what about…) or ending in 呢."""
    return bool(_CONTINUATION.match(norm)) or norm.rstrip("?？!！ ").endswith("呢")


def _only_slots(text: str, slots: Slots) -> bool:
    """Nothing but slot values, particles and "what about" is left of the message."""
    if slots is NO_SLOTS or slots == NO_SLOTS:  # (pydantic's == costs a microsecond)
        return False
    return not _FRAGMENT_WORDS.sub("", slot_text(text)).strip()


def _clip(x: float) -> float:
    if x != x or math.isinf(x):  # NaN or infinite
        return 0.0
    return min(1.0, max(0.0, float(x)))


# round 17's kinds, each only where the model read what it names:
# a job on the order read as a complaint with nothing to complain of ("pls send my order to my
# office instead, nobody home during the day": "nobody" is a grievance word only when nobody
# answers)
_NOBODY_HOME = re.compile(r"\b(?:nobody|no one|noone)(?:'s| is| will be)? (?:at )?home?\b")


def _plain_complaint(lower: str, norm: str) -> bool:
    lower = _NOBODY_HOME.sub(" ", lower)
    return not cues(norm) and not _either(_GRIEVANCE, lower, _NOBODY_HOME.sub(" ", norm))


# the customer's own order waiting to ship ("付完款两天了状态还是待发货 到底啥时候发", "paid 4 days
# ago, when will it ship"): the order's status, not the shop's dispatch or delivery time
_PAID_WAITING = re.compile(
    r"待发货|(?:付完款|付了款|付款|已付款|拍了|拍下|下单|下了单|买了)(?:都|已经)?(?:0|几|好几|半)(?:个)?"
    r"(?:天|周|星期|礼拜|月|小时)了"
    r"|\b(?:paid|ordered|bought)\b.{0,20}\b(?:\d+|two|three|four|five|six|a few|several) "
    r"(?:days|weeks) ago\b"
)
# an item missing from the parcel ("got the box but the scarf is missing, only gloves inside",
# "漏发了一条裤子"): the order's, not the product's quality; a part missing from an item (a
# button, the zip) is its quality
_MISSING_ITEM = re.compile(
    r"漏发|少发|少了(?:一|0)?(?:件|条|双|样)"
    # a garment of the set not found in it ("打开只有裙子 外套没见着"; round 26)
    r"|(?:裤子|上衣|外套|裙子|鞋子?|袜子|帽子|围巾|腰带|马甲|另(?:一|0)件|那件)(?:呢)?"
    r"(?:没见着|没看见|没看到|不见了|没找到|找不到|没有)(?:啊|呀|呢)?(?:$|\s)"
    r"|\b(?:is|are|was|were) missing\b|\bmissing from (?:the|my) (?:box|parcel|package|order)\b"
    r"|\b(?:wasn'?t|weren'?t|not) in the (?:box|parcel|package|bag)\b"
)
# in English the item is named, or what came instead ("only gloves inside"): "something is
# missing from the box" may be a part of an item
_ITEM_NAMED_EN = re.compile(
    r"\b(?:only|second|other|one of|items?|pieces?|scarf|scarves|gloves|shirts?|tops?|tees?|dress"
    r"|dresses|jeans|pants|trousers|shorts|skirts?|shoes|boots|socks|jackets?|coats?|hats?|caps?"
    r"|hoodies?|sweaters?|jumpers?|cardigans?|belts?|bags?)\b"
)
_PARCEL_WORD = re.compile(
    r"包裹|快递|箱子|盒子|外箱|纸箱|里面|订单|单子|拆开|打开|套装"
    r"|\b(?:box|parcel|package|order|delivery|inside|only)\b"
)
_ITEM_PART = re.compile(
    r"扣子|纽扣|拉链|珠子|吊牌|标签|\b(?:button|buttons|zip|zipper|bead|beads|sequins?"
    r"|tag|tags|label|strap|belt loop|lining)\b"
)
# the courier changed on the order ("下单时候选的韵达 能不能给我换成顺丰"): the order's change
# (docs/intents.md, Label conventions), not which courier the shop uses
_COURIER_CHANGE = re.compile(
    r"(?:换成|改成|改为|换为|改发|换发)(?:发|走)?(?:顺丰|韵达|中通|圆通|申通|京东|邮政|ems|极兔|德邦|百世)"
)
# a colour asked for by name with nothing of stock in it ("这款羽绒服有酒红的不"): which colours
# there are, not availability (还有, 货: stock stays out of scope)
_COLOUR_HAVE = re.compile(
    r"有(?:没有)?[\u4e00-\u9fff]{0,3}[色红黄蓝绿紫粉白黑灰棕咖米杏驼](?:色)?的?"
    r"(?:不|吗|么|没有?|嘛|$| )"
)
# (how a colour looks is the real colour: "有没有偏黄", "透不透")
_LOOKS = re.compile(r"偏|透|实物|色差|图|显")
_STOCK = re.compile(
    r"还有|有没有货|有货|缺货|断货|补货|库存|售罄|卖完|现货|码"
    r"|\b(?:sold out|back in stock|restock\w*|in stock|out of stock)\b"
)
# how to start a return, asked with the order's page in it ("退货申请在哪点 订单页面找不到"):
# the return, not the order's status
_RETURN_HOW = re.compile(
    r"退货(?:申请|入口|按钮|流程|的地方)|申请退货(?:在|怎么|咋|的)"
    r"|(?:怎么|咋|如何|在哪)(?:里|儿)?(?:申请|点|操作)?退货"
    r"|\b(?:start|request|open|submit|make) a return\b"
    r"|\breturn (?:button|form|request|option|portal)\b"
)
# a return asked for after a fault ("线头一堆 质量太差了 我要退货"): the return is the request
# (docs/intents.md, Label conventions: two topics, the main request); an exchange is not
_WANTS_RETURN = re.compile(
    r"(?<![不没别])(?:我要|我想|要|想|给我|帮我|申请)退(?:货|掉|了)|退货吧"
    r"|\b(?:i want|i'?d like|i wanna|i need) (?:to )?(?:return it|return them|return this"
    r"|send it back|a refund|my money back)\b"
    # "returning both things from my last order. tee is too small and the jeans have a seam
    # coming apart": the return told as under way, its reasons beside it
    r"|^(?:i'?m |i am |we'?re )?returning (?:it|them|both|this|these|those|the|my|everything)\b"
)
_SWAP_WORD = re.compile(r"换|\b(?:exchange|swap|replace\w*)\b")
# a refund shown done with no money yet ("显示退款成功了 可我卡里一分没多"): its progress
_REFUND_SHOWN = re.compile(
    r"退款(?:显示)?(?:已经|已)?(?:成功|完成|到账|退回|通过)|显示(?:已)?退款"
    r"|\brefund\b.{0,20}\b(?:successful|complete|completed|processed|approved)\b"
)
# where the return goes, in words ("packed the return, just need to know where it goes")
_WHERE_IT_GOES = re.compile(
    r"\bwhere (?:it|this|they|these|the (?:parcel|package|box)) (?:goes|go|should go|needs to go)\b"
    r"|\bwhere (?:does|do|should) (?:it|this|they|the (?:parcel|package|box)) go\b"
)
_RETURN_WORD = re.compile(r"退|\b(?:return|returns|returning|send (?:it|them) back)\b")
# a fake or the genuine article asked about in words the model reads as out of scope ("怕买到
# 高仿", "正品吗 送女朋友的"); 原单 and "original" are left out (an original order, price), and
# so are 假的 and 真假 (真的假的 is also "really?")
_GENUINE = re.compile(
    r"假货|假冒|冒牌|高仿|仿品|山寨|a货|正品"
    r"|\b(?:replica|replicas|genuine|authentic|counterfeit|knock ?offs?)\b"
)
# (not "fake": a fake review, website or tracking number is no question about the goods)
# a price that dropped after buying is a discount question (Label conventions; read by
# intents.buying.asks_price_difference, as the bot reads it), not sizes by its numbers — unless
# a return is asked beside it ("刚买就降价了 我要退货"):
_RETURN_ASKED = re.compile(r"退货|退了|寄回|退回去|\breturn\b|\bsend (?:it|them) back\b")
# a greeting to the shop's staff and nothing else ("哈喽 客服小姐姐"): the model hears a person
# asked for in 客服
_HELLO_ZH = re.compile(r"哈喽|哈啰|哈罗|嗨|你好|您好|早上好|早安|下午好|晚上好|hello|hi|hey")
_STAFF_ADDRESS = re.compile(r"客服|小姐姐?|小哥哥?|亲爱的|亲|店家|老板娘|老板|掌柜|美女|帅哥|宝宝?")
# a job at the shop asked about ("你们还招客服不 我想应聘"): out of scope, not a complaint about
# the service by its 客服 (staff called part-timers, "客服是兼职的吧", is not asking for a job)
_JOB_ASKED = re.compile(
    r"招聘|招人|招不招|招(?:客服|店员|员工|主播|模特|兼职)|应聘|求职|简历"
    r"|(?:想|找|做|有|招)兼职|兼职(?:吗|不|么|嘛)"
    r"|\b(?:hiring|vacanc\w*|job openings?|apply for (?:a|the) job|work for you)\b"
)
# a question marked as off the shop's topic ("问个题外话 红烧肉咋做"): out of scope
_OFF_TOPIC = re.compile(
    r"题外话|跟(?:买东西|衣服|购物|你们)(?:无关|没关系)|闲聊一下"
    # small talk announced ("随便聊两句 你们客服一天回多少消息"; round 20)
    r"|随便聊(?:聊|两句|几句|一下)|唠(?:个)?嗑"
    r"|\b(?:off[- ]topic|random question|unrelated question)\b"
)


def _missing_item(lower: str, norm: str) -> bool:
    return (_either(_MISSING_ITEM, lower, norm) and _either(_PARCEL_WORD, lower, norm)
            and not _either(_ITEM_PART, lower, norm)
            and bool(_MISSING_ITEM.search(norm) or _ITEM_NAMED_EN.search(lower)))


# the parcel lost on its way to her, and her money back asked ("in transit for nearly 4 weeks,
# i think it's lost. i want my money back", "快递一个月了还没到 估计丢了 我要退款"): the order's
# (the courier chased, a person for the refund), never the return rules — nothing came to send
# back. Her own parcel sent back that got lost is the return's.
_PARCEL_LOST = re.compile(
    r"丢了|丢件|寄丢|弄丢|一直没(?:到|收到)|还没(?:到|收到)"
    r"|\b(?:it'?s|is|was|got|been|parcel|package) (?:lost|missing)\b|\bin transit\b"
    r"|\bnever (?:arrived|came|showed up)\b|\bstill (?:hasn'?t|not) (?:arrived|come)\b"
)
# the refund itself not arrived ("退款怎么还没到", "why has my refund still not arrived?"): the
# refund's progress, however the waiting is worded — unless the parcel is said lost
_REFUND_NOT_ARRIVED = re.compile(
    r"(?:退款|退的钱|钱)[^。！？?!]{0,8}(?:还|怎么|咋|一直|都)?没(?:到|收到|退|回来)|到账|到帐"
    r"|\brefund\b[^.!?]{0,30}\b(?:not|hasn'?t|never|yet)\b|\bwhere(?:'s| is) my refund\b"
)
_SAID_LOST = re.compile(
    r"丢了|丢件|寄丢|弄丢|\b(?:it'?s|is|was|got|been|parcel|package) (?:lost|missing)\b"
)
# not received yet and a return asked ("还没收到就想退 怎么办"): the return rules (refuse the
# parcel, or cancel), not a lost parcel
_NOT_YET_WANTS_RETURN = re.compile(r"还没(?:到|收到)就(?:想|要)?退")
_SENT_BY_HER = re.compile(
    r"退回去的|寄回去|寄回的|退货的(?:快递|包裹)|\b(?:sent|mailed|posted) (?:it|them) back\b"
    r"|\breturn(?:ed)? (?:parcel|package)\b"
)


def _reread_17(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 17 (see the tables above)."""
    if current in (RETURN_INTENT, REFUND_PROGRESS_INTENT) and _either(
        _PARCEL_LOST, lower, norm
    ) and not _either(_SENT_BY_HER, lower, norm) and (
        _either(_SAID_LOST, lower, norm) or not _either(_REFUND_NOT_ARRIVED, lower, norm)
    ) and not (current == RETURN_INTENT and _NOT_YET_WANTS_RETURN.search(norm)):
        return STATUS_INTENT
    if group in ("size", "color") and len(sizes_per_item(lower)) > 1:
        # "tee in L and jeans in XL please" (told they are too small): the exchange of both,
        # not which size fits
        return EXCHANGE_INTENT
    if current in _TIMING_INTENTS and _either(_PAID_WAITING, lower, norm):
        return STATUS_INTENT
    if group in ("quality", "size", "color", "returns") and _missing_item(lower, norm):
        return STATUS_INTENT
    if current == "shipping.courier" and _COURIER_CHANGE.search(norm) and _MY_ORDER.search(norm):
        return MODIFY_INTENT
    if (group == "other" or (current == "color.real_color" and not _LOOKS.search(norm))) and (
        _COLOUR_HAVE.search(norm) and not _STOCK.search(norm) and not slots.size
    ):
        return "color.options"
    if current == STATUS_INTENT:
        if _either(_RETURN_HOW, lower, norm) and not _either(_MONEY, lower, norm):
            return RETURN_INTENT
        if _either(_REFUND_SHOWN, lower, norm):
            return REFUND_PROGRESS_INTENT
        if _either(_STOCK_ONLY, lower, norm) and not _either(_OWN_PURCHASE, lower, norm):
            return FALLBACK_INTENT
    if group == "quality" and _either(_WANTS_RETURN, lower, norm) and not (
        _either(_SWAP_WORD, lower, norm)
    ):
        return RETURN_INTENT
    if current in _ADDRESS_MISREADS and _WHERE_IT_GOES.search(lower) and (
        _either(_RETURN_WORD, lower, norm)
    ):
        return RETURN_ADDRESS_INTENT
    if group == "other" and _either(_GENUINE, lower, norm):
        return AUTHENTICITY_INTENT
    if group in ("size", "other", "returns", "payment", "complaint", "order", "bargain") and (
        asks_price_difference(lower) or (norm != lower and asks_price_difference(norm))
    ) and not _either(_RETURN_ASKED, lower, norm):
        # the difference back after a price drop ("bought it at 89 and now its 59, can i get
        # that 30 back", "气死 前天原价拍的今天就便宜了三十 这差价给补不", "the price dropped
        # right after i paid, any refund?"): the bot's bargain answer (after-sales' to decide);
        # the difference on an exchange ("换货要补差价吗") and a return asked are not this
        return DISCOUNT_INTENT
    if group in ("human", "complaint") and "人工" not in norm and _HELLO_ZH.search(norm) and not (
        _STAFF_ADDRESS.sub("", _HELLO_ZH.sub("", norm)).replace(" ", "").strip("的们呀啊哦~")
    ) and _STAFF_ADDRESS.search(norm):
        return GREETING_INTENT
    if group in ("complaint", "human", "greeting") and _plain_complaint(lower, norm) and (
        _either(_JOB_ASKED, lower, norm) or _either(_OFF_TOPIC, lower, norm)
    ):
        return FALLBACK_INTENT
    return _reread_18(group, current, lower, norm, slots)


# stock asked for an item, not the customer's order ("那件M码的还有没有货 前几天显示没了"): out of
# scope (Label conventions), where the model read the order's status
_STOCK_ONLY = re.compile(
    r"有没有货|还有货|有货(?:吗|没|不|么)|缺货|断货|补货|库存|售罄|卖完了"
    r"|\b(?:sold out|back in stock|restock\w*|in stock|out of stock)\b"
)
_OWN_PURCHASE = re.compile(
    r"我(?:的|这|那)(?:个)?(?:单|订单|快递|包裹)|单号|已经(?:拍|下单|付)|我(?:拍|买|下单|订)的|付了|发货"
    r"|拍完|拍了|付完|买了|下了单|状态"
    r"|\bmy (?:order|parcel|package)\b"
)


# round 18's kinds, each only where the model read what it names:
# the parcel came with nothing or part of it in it ("鞋盒是空的 里面啥都没有", "the box came
# ripped and half the stuff is gone"): the order's (Label conventions: missing items), not
# out of scope or the product's quality
_EMPTY_PARCEL = re.compile(
    r"(?:盒子|鞋盒|箱子|纸箱|包裹|快递|袋子|盒)(?:里)?(?:是|竟然是|居然是)?空的"
    r"|(?:打开|拆开|里面)(?:一看)?(?:啥|什么)(?:都|也)没有"
    r"|(?:盒子|鞋盒|箱子|包裹|快递)(?:打开|拆开)(?:一看|发现|后)?(?:是|竟然是|居然是)?空的"
    r"|\b(?:box|parcel|package|bag) (?:was|is|came|arrived)(?: \w+)? empty\b"
    r"|\bempty (?:box|parcel|package)\b"
    r"|\b(?:half|some|most|part|rest) of (?:the|my) (?:stuff|things|items|order)"
    r"|\b(?:half|some|most) (?:the|my) (?:stuff|things|items)"
    r"|\b(?:stuff|things|items) (?:is|are|was|were) (?:gone|missing)\b"
)
# the wrong one sent, told as what was wanted and what came ("我要的燕麦色给我发了个咖啡色"):
# the order's; ``intents.wrong_item`` reads the story told with 拍的…收到
_SENT_INSTEAD = re.compile(
    r"(?:要|拍|买|订|选)的(?:是)?[^，,。？?\s]{1,8}\s?(?:给我|你们|却|结果|竟然|居然)?(?:发|寄)(?:了|成)"
    r"(?:个|件|条|双|一件|一条|一双)[^，,。？?\s吗么]"
)
# a parcel the courier took back for a reason of its own ("快递说地址不详退回了", "拒收退回"):
# the order's, not the return address
_COURIER_SENT_BACK = re.compile(
    r"(?:地址不详|地址不全|地址有误|查无此人|无人签收|联系不上|超区|拒收).{0,8}(?:退回|退了回|打回|返回)"
    r"|(?:快递|快递员|物流)(?:说|显示)?.{0,8}(?:退回|打回)(?:了|去了)"
)
# an address change told as a move: the old place on the order, the new one named ("checkout
# used my old flat, new one is in leeds"), read as the order's status
_OLD_PLACE_EN = re.compile(
    r"\b(?:my|the|our) (?:old|previous|former) (?:flat|address|apartment|place|house|home|dorm)\b"
)
_NEW_PLACE_EN = re.compile(
    r"\bnew (?:one|flat|address|apartment|place|house|home)\b|\bmoved\b|\bmoving\b"
)
# received and unlike the picture, in colour words ("收到的颜色跟详情页差太多了", "图上是奶白色
# 到手偏黄"): the colour difference, not its quality or what the colour looks like
_RECEIVED = re.compile(
    r"收到|到手|拿到|到货|拆开|\b(?:received|got it|got them|arrived|came)\b"
)
# (the real thing told, not asked: "图片看着是浅蓝 实物偏紫"; "图上白色 实物是不是偏黄" asks how it
# looks before buying, the real colour)
_REAL_THING = re.compile(r"实物|\b(?:in person|irl|in real life)\b")
_PICTURE = re.compile(
    r"图|详情页|照片|页面|\b(?:pics?|pictures?|photos?|images?|listing|website)\b"
)
_COLOUR_SAID = re.compile(
    r"颜色|色差|[红黄蓝绿紫粉白黑灰棕咖米杏驼]|色"
    r"|\b(?:colou?rs?|shade|tone|dull|brighter|darker|lighter)\b"
)
_BEFORE_BUYING_LOOK = re.compile(r"会不会|是不是|吗|么|\?")
# see-through in other words ("穿上会不会看见内衣", "can you see my bra through it"): the real
# colour (Label conventions), not its material
_SHOWS_THROUGH = re.compile(
    r"(?:看见|看到|看得到|看得见|露出|透出|透)(?:里面的?)?(?:内衣|文胸|胸罩|肉)"
    # (what is under it, unnamed: "这件上身会透出里面吗"; round 26)
    r"|透出(?:里面|里边)"
    r"|\b(?:see|show|shows)\b.{0,20}\b(?:bra|underwear|through)\b"
)
# a fault found on arrival, on a part of the item ("theres a yellowish mark on the sleeve
# straight out of the bag"): its quality, not the order's status
_FAULT_ON_PART = re.compile(
    r"\b(?:stain|stains|mark|marks|hole|holes|tear|rip|snag|spot|spots|thread|threads)\b"
    r".{0,25}\b(?:sleeve|sleeves|collar|front|back|hem|cuff|cuffs|pocket|leg|shoulder|seam"
    r"|chest|neck|waist)\b"
)
# washing it asked ("这件可以扔洗衣机吗 还是得送干洗店"): its care, quality (Label conventions)
_WASHING = re.compile(
    r"(?:扔|放|进|用)洗衣机|机洗|手洗|干洗|水洗|能洗吗|怎么洗"
    r"|\b(?:machine wash\w*|hand wash\w*|dry clean\w*|tumble dr\w*|washing machine)\b"
)
# (a garment named: "能水洗吗 说的是锅" is another shop's pot, "这个能机洗吗" too bare to tell)
_GARMENT = re.compile(
    r"这件|那件|衣服|裤|裙|外套|毛衣|衫|卫衣|羽绒服|大衣|棉服|夹克|鞋"
    r"|\b(?:shirt|tee|top|dress|jeans|trousers|pants|skirt|jacket|coat|hoodie|sweater|jumper"
    r"|cardigan|knit)s?\b"
)
# money off for a first order in English ("new customer here, is there a welcome code")
_WELCOME_OFF = re.compile(
    r"\b(?:welcome|first[- ]time|first order|new customer|newcomer|sign[- ]?up)\b.{0,30}"
    r"\b(?:code|cod|coupon|voucher|discount|offer|deal|promo)\b"
    r"|\b(?:code|cod|coupon|voucher|discount|promo)\b.{0,30}"
    r"\b(?:welcome|first[- ]time|first order|new customers?)\b"
)
# a presence check in words the greeting patterns lack ("有没有人值班呀 大晚上的", "good
# morning!! u guys open yet", "anyone manning the chat this late?")
_PRESENCE_MORE = re.compile(
    r"^(?:请问)?(?:现在|这会儿?|今晚|今天|晚上)?有没有人(?:在)?值班(?:呀|啊|吗|么|呢)?"
    r"(?:大?(?:晚上|半夜|周末|一大早)的?|这么晚了?)?$"
)
_PRESENCE_MORE_EN = re.compile(
    r"^(?:(?:good )?(?:morning|afternoon|evening|hi+|hello+|hey+|yo)\s+)*"
    r"(?:(?:are )?(?:you|u|ya) ?(?:guys|lot|all)? open yet"
    r"|(?:is )?(?:any\s?one|any\s?body|some\s?one) (?:manning|minding|watching|running|on)"
    r" (?:the )?(?:chat|shop|store|desk|line)(?: (?:this late|tonight|today|now|rn|still))?)$"
)
# a thanks in pet words ("好哒 么么哒"): 么 is read as 吗 by the normaliser
_PET_THANKS = re.compile(r"^(?:好哒|好滴|好嘞|好哒哒|ok|好的)?\s*(?:么么哒|吗吗哒|mua+|muah)+\s*$")
# a sum or homework to do ("帮我算下这道数学题 3x+5=20"): out of scope, not a size by its numbers
_HOMEWORK = re.compile(
    r"数学题|这道题|作业|方程|算术|解方程|\b(?:homework|math problem|equation|solve for)\b"
)
# a size out of stock asked when it comes back ("想要的M又断码了 啥时候再上"): stock, out of scope
_SOLD_OUT_SIZE = re.compile(r"断码|没码了|码没了|(?:啥|什么)时候(?:再上|再有|上新)")
# the region asked before the days or the courier ("寄台湾可以吗 要用什么快递", "你们能寄澳洲不
# 大概多少天"): two questions are labelled by the first
_SHIPS_THERE = re.compile(
    r"(?:能|可以|能不能|可不可以)?(?:寄|发|送)(?:不寄|不发|不送)?(?:到)?[\u4e00-\u9fff]{2,4}"
    r"?(?:可以|行|能)?(?:吗|不|么|嘛)(?![\u4e00-\u9fff])"
)
_OTHER_SHIPPING_Q = re.compile(
    r"几天|多久|多少天|什么快递|啥快递|哪家快递|运费|邮费|多少钱|包邮|免邮|免运费"
)
_REGION_MISREADS = frozenset({"shipping.courier", "shipping.delivery_time", "shipping.fee"})
# how long until it is in hand, asked before buying ("下单后一般多少天到手"): delivery, not dispatch
_IN_HAND = re.compile(r"到手|收到|送到|\b(?:arrive|arrives|get it|receive it)\b")
_DISPATCH_SAID = re.compile(r"发货|发出|发走|寄出|\b(?:ship|ships|shipped|dispatch\w*|sent out)\b")
# an exchange asked in English by its reason ("tight on the thighs, can i get them one size
# up instead", "regret picking beige, could i trade it for the black one")
_SWAP_EN = re.compile(
    r"\b(?:get|have|swap|switch|change) (?:it|them|this|these|one)? ?(?:a |one )?(?:size|sizes)"
    r" (?:up|down|bigger|smaller)\b.{0,20}\binstead\b"
    r"|\b(?:trade|swap|switch|exchange) (?:it|them|this|these|mine) (?:for|to) (?:the|a|an) \w+"
)


def _region_first(lower: str, norm: str, slots: Slots) -> bool:
    if not slots.region:
        return False
    there = _SHIPS_THERE.search(norm)
    if there is None or _OTHER_SHIPPING_Q.search(there.group()):
        return False  # (not "寄上海包邮吗": whether it ships free)
    other = _OTHER_SHIPPING_Q.search(norm)
    return other is None or there.start() < other.start()


def _reread_18(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 18 (see the tables above)."""
    if group in ("other", "quality", "complaint") and _either(_EMPTY_PARCEL, lower, norm) and (
        group != "complaint" or _plain_complaint(lower, norm)
    ):
        return STATUS_INTENT
    if group in ("color", "size", "quality") and _SENT_INSTEAD.search(norm):
        return STATUS_INTENT
    if current == RETURN_ADDRESS_INTENT and _COURIER_SENT_BACK.search(norm) and not (
        _either(_MY_RETURN, lower, norm)
    ):
        return STATUS_INTENT
    if current == STATUS_INTENT and _OLD_PLACE_EN.search(lower) and _NEW_PLACE_EN.search(lower):
        return "order.change_address"
    if current in ("color.real_color", "quality.problem") and (
        _either(_RECEIVED, lower, norm) or (
            _either(_REAL_THING, lower, norm) and not _either(_BEFORE_BUYING_LOOK, lower, norm)
        )
    ) and _either(_PICTURE, lower, norm) and _either(_COLOUR_SAID, lower, norm):
        return "color.difference"
    if group == "quality" and _either(_SHOWS_THROUGH, lower, norm):
        return "color.real_color"
    if current == STATUS_INTENT and _FAULT_ON_PART.search(lower) and not (
        _either(_STATUS_ASKED, lower, norm)
    ):
        return "quality.problem"
    if group == "other" and _either(_WASHING, lower, norm) and _either(_GARMENT, lower, norm):
        return MATERIAL_INTENT
    if group == "other" and _WELCOME_OFF.search(lower):
        return DISCOUNT_INTENT
    if group in ("other", "complaint", "human") and (
        _PRESENCE_MORE.match(_ADDRESS_ZH.sub("", norm).replace(" ", ""))
        or _PRESENCE_MORE_EN.match(" ".join(re.sub(r"[^a-z' ]+", " ", lower).split()))
    ):
        return GREETING_INTENT
    if group == "other" and _PET_THANKS.match(lower.strip()):
        return THANKS_INTENT
    if group in ("size", "order", "shipping") and _either(_HOMEWORK, lower, norm):
        return FALLBACK_INTENT
    if current == STATUS_INTENT and _SOLD_OUT_SIZE.search(norm) and not (
        _either(_OWN_PURCHASE, lower, norm)
    ):
        return FALLBACK_INTENT
    if current in _REGION_MISREADS and _region_first(lower, norm, slots):
        return "shipping.region"
    if current == "shipping.dispatch_time" and _IN_HAND.search(norm) and not (
        _DISPATCH_SAID.search(norm) or _DISPATCH_SAID.search(lower)
    ):
        return "shipping.delivery_time"
    if group in ("size", "color") and _SWAP_EN.search(lower) and not (
        _either(_UNSHIPPED, lower, norm)
    ):
        return EXCHANGE_INTENT
    return _reread_s14(group, current, lower, norm, slots)


# Found by the lead holding the console in session 14 (not from a blind batch):
# whether a fabric pills, in English ("do your sweaters pill", "will the knit pill")
_PILLS_EN = re.compile(r"\b(?:pill|pills|pilling|bobble|bobbles|bobbling)\b")
# what sending costs, with a courier named and a destination ("how much is EMS to australia")
# whether it ships there at all, asked beside the cost: the region's question (its answer says
# the cost too)
_SHIPS_THERE_ASKED = re.compile(
    r"\b(?:can|could) (?:you|u) (?:send|ship)\b|\bpossible\b|\bdo you (?:send|ship)\b"
    r"|能不能(?:寄|发)|能(?:寄|发)|可以(?:寄|发)|可不可以(?:寄|发)"
)
_COURIER_COST = re.compile(
    r"(?<![a-z])(?:ems|sf)(?![a-z])|顺丰|邮政|快递|shipping|postage|寄到|发到|寄过去|\bship\b|\bsend\b"
)
_COST = re.compile(r"多少钱|多少|运费|邮费|\bhow much\b|\bcost|\bprice\b|\bfee\b")


# a fault told and the money back asked, no progress asked ("the cardigan is pilling all over
# already. i want a refund"): the return (jobs batch 4, studied), not where a refund is
_FAULT_TOLD = re.compile(
    r"起球|破了|破洞|有洞|开线|掉色|褪色|缩水|坏了|断了|脱线|污渍"
    r"|\b(?:pilling|pilled|hole|holes|ripped|torn|tore|fell apart|falling apart|faded|shrank"
    r"|shrunk|stain|stained|broken|broke|came apart|defective|faulty)\b"
)
_REFUND_WANTED = re.compile(
    r"\bi(?: want| need| would like|'d like) (?:a |my )?refund\b|\b(?:want|need) my money back\b"
    r"|\brefund (?:me|it|please)\b|要退款|给我退款|退款吧|退钱吧"
)
_PROGRESS_ASKED = re.compile(
    r"\bwhere\b|\bwhen\b|\bstill\b|\byet\b|\bgot (?:it|them) back\b|\breceived\b"
    r"|到哪|多久|还没|什么时候|进度|到账"
)


# one item of an order sent back and the other kept, in so many words ("T恤和牛仔裤一起买的那单
# 我只退牛仔裤 T恤留着"): the return wanted, where the model was unsure of it (jobs batch 4,
# studied: a "did you mean" whose job was lost once she shared her contact)
_ONLY_THIS_BACK = re.compile(r"(?:只|就)(?:要|想)?退(?!款|钱|运费|邮费|差价|回来|了吗|吗)")
_THE_OTHER_KEPT = re.compile(r"留着|留下|保留|不退(?!了|货了|款)|不用退|别退")
_ASKED_HOW = re.compile(r"吗|呢|怎么|能不能|可不可以|可以|行不行|[?？]")


def _reread_s14(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    if group in ("other", "greeting") and _PILLS_EN.search(lower):
        return MATERIAL_INTENT
    if current == RETURN_INTENT and _either(_ONLY_THIS_BACK, lower, norm) and _either(
        _THE_OTHER_KEPT, lower, norm
    ) and not _either(_ASKED_HOW, lower, norm):
        return RETURN_INTENT
    if current in (REFUND_PROGRESS_INTENT, RETURN_INTENT) and _either(
        _FAULT_TOLD, lower, norm
    ) and _either(_REFUND_WANTED, lower, norm) and not _either(_PROGRESS_ASKED, lower, norm):
        return RETURN_INTENT
    if (
        slots.region is not None
        and group in ("shipping", "bargain", "other")
        and current not in ("shipping.delivery_time", "shipping.dispatch_time")
        and _COURIER_COST.search(lower)
        and _COST.search(lower)
        and not _SHIPS_THERE_ASKED.search(lower)
    ):
        return "shipping.fee"
    return _reread_19(group, current, lower, norm, slots)


# round 19's kinds, each only where the model read what it names:
# the wrong goods told as someone else's or as not what she bought ("打开是别人的衣服", "this
# is not what i ordered"): the order's (Label conventions: wrong items), not its quality
_NOT_HERS = re.compile(
    r"(?:收到|打开|拆开|寄来|发来|寄给我|发给我|给我发|给我寄|里面|包裹里)(?:的|一看|发现)?(?:是|竟然是|居然是)?"
    r"别人的(?:衣服|东西|快递|包裹|件|货|订单)"
    r"|(?:压根|根本|完全)(?:就)?不是我(?:买|拍|订|下单|要)的"
    r"|我(?:买|拍|订|要)的(?:压根|根本|完全)(?:就)?不是(?:这|这个|这件|这条|这双)"
    r"|\bnot what i (?:ordered|bought|paid for)\b|\bsomeone else'?s (?:order|parcel|package"
    r"|stuff|clothes|items?)\b"
)
# a fault told and the money back asked, read as a complaint with no cue or grievance
# ("zipper died on day 2 … i just want my money back"): the return; faults in more words
_FAULT_MORE = re.compile(r"\b(?:died|dead|stopped working|busted|bust|snapped|unravel\w*)\b")
# where the refund is, after the parcel went back ("仓库也签收五天了 我的退款呢"): its progress,
# where the model read the order's status
_REFUND_WHERE = re.compile(
    r"(?:我的)?退款(?:呢|到哪|去哪|在哪|(?:咋|怎么|为啥|为什么)?还没(?:到|退|回|到账|下来))"
)
_RETURN_RECEIVED = re.compile(
    r"寄回|退回|寄回去|退回去|单号(?:都|也|已经)?填|(?:仓库|商家|你们)(?:也|都|已经)?(?:签收|收到)"
)
# (a refund waiting, read as a complaint with no grievance — "退款三天了还是处理中 你们在处理吗" —
# is its progress: round 17's ``_REFUND_PENDING``)
# the postage taken from the refund ("does the shipping cost come out of my refund",
# "运费从退款里扣吗"): the return's postage, not where the refund is
_POSTAGE_FROM_REFUND = re.compile(
    r"\b(?:shipping|postage|return shipping|courier fee|delivery fee)\b(?: costs?)?.{0,30}"
    r"\b(?:come out of|deducted|taken (?:out|off)|subtracted)\b"
    r"|(?:运费|邮费|快递费).{0,6}(?:从|在)退款(?:里|中)?(?:扣|减)"
)
# the days until a place, asked with the place after the verb ("发哈尔滨要多久"): delivery
# time, not dispatch
_SENT_TO_PLACE_ZH = re.compile(
    r"(?:发|寄|送)(?:货)?(?:到|去|往)?(?!要|需要|得|一般|大概|大约|多久|几天|多少天|出|走|了)"
    r"[\u4e00-\u9fff]{2,8}?(?:的话)?(?:要|需要|得|一般|大概|大约)*(?:多久|几天|多少天)"
)
# in hand, in English words the round-18 rule lacked ("any chance it lands before xmas")
_LANDS_EN = re.compile(
    r"\b(?:lands?|get here|gets here|be here|reach (?:me|us)|turns? up|shows? up|in my hands)\b"
)
# a garment's measure asked in a tailor's words ("whats the pit to pit on a medium"): the size
# chart, where the model fell back to out of scope
_MEASURE_EN = re.compile(
    r"\b(?:pit to pit|p2p|armpit to armpit|inseam|inside leg|sleeve length|shoulder width"
    r"|chest width|waist width|hip width|body length|back length|garment measurements?"
    r"|flat measurements?|laid flat|measured flat)\b"
)
# cash on delivery as 到付 with paying in it ("支持到付吗 老人家不会用手机付"), not postage
# collected on delivery (运费到付) or a return sent with its postage unpaid
_COD_ZH = re.compile(r"(?<!运费)(?<!邮费)到付")
_PAYING_WORD = re.compile(
    r"付款|付钱|给钱|手机付|现金|不会用手机|扫码|先付|先转"
    r"|手机支付|网上付|网上支付"  # ("她没有手机支付"; round 20)
)
_POSTAGE_OR_RETURN = re.compile(r"运费|邮费|快递费|退|寄回|换货")
# haggling with a sum ("再少20我立马拍 包邮的话"), read as postage by 包邮
_HAGGLE = re.compile(
    r"(?:再)?(?:少|便宜|减|优惠)(?:0|点|一点|些|几块)(?:块|元|钱)*(?:的话)?\s*(?:我)?"
    r"(?:就|立马|马上|现在)?(?:拍|买|下单|要了)|再(?:少|便宜)(?:点|一点|些)(?:呗|吧|嘛)|抹(?:个)?零"
)
# a message sent to the wrong chat ("ignore that msg, meant to send it to my sister",
# "发错群了"): out of scope, not a complaint
_WRONG_CHAT = re.compile(
    r"\bwrong (?:chat|convo|conversation|window)\b"
    r"|\bmeant to send (?:it|this|that)\b|\bignore (?:that|this|my last)(?: msg| message| one)?\b"
    # (not "你们发错人了": the parcel sent to someone else)
    r"|发错(?:群|窗口)了?|消息发错了?|(?:不好意思|抱歉|sorry)\s*(?:我)?发错(?:人|了)"
)


def _reread_19(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 19 (see the tables above)."""
    plain_complaint = group == "complaint" and not cues(norm) and not (
        _either(_GRIEVANCE, lower, norm)
    )
    if (group in ("quality", "size", "color") or plain_complaint) and _either(
        _NOT_HERS, lower, norm
    ):
        return STATUS_INTENT
    if (plain_complaint or current in (REFUND_PROGRESS_INTENT, RETURN_INTENT)) and (
        _either(_FAULT_TOLD, lower, norm) or _FAULT_MORE.search(lower)
    ) and _either(_REFUND_WANTED, lower, norm) and not _either(_PROGRESS_ASKED, lower, norm):
        return RETURN_INTENT
    if group == "quality" and _either(_REFUND_WANTED, lower, norm) and not (
        _either(_SWAP_WORD, lower, norm) or _either(_PROGRESS_ASKED, lower, norm)
    ):
        return RETURN_INTENT  # (round 17's return after a fault, in the refund's words)
    if current == STATUS_INTENT and _REFUND_WHERE.search(norm) and _RETURN_RECEIVED.search(norm):
        return REFUND_PROGRESS_INTENT
    if plain_complaint and _either(_REFUND_PENDING, lower, norm):
        return REFUND_PROGRESS_INTENT
    if current == REFUND_PROGRESS_INTENT and _either(_POSTAGE_FROM_REFUND, lower, norm):
        return POSTAGE_INTENT
    if current == DISPATCH_INTENT and (
        (slots.region is not None and _SENT_TO_PLACE_ZH.search(norm))
        or (_LANDS_EN.search(lower) and not _DISPATCH_SAID.search(lower))
    ):
        return DELIVERY_INTENT
    if group == "other" and _MEASURE_EN.search(lower):
        return "size.chart"
    if group in ("payment", "other") and current != COD_INTENT and _COD_ZH.search(norm) and (
        _PAYING_WORD.search(norm)
    ) and not _POSTAGE_OR_RETURN.search(norm):
        return COD_INTENT
    if current == SHIPPING_FEE_INTENT and _HAGGLE.search(norm):
        return DISCOUNT_INTENT
    if group in ("complaint", "human", "greeting") and _either(_WRONG_CHAT, lower, norm) and not (
        cues(norm) or _either(_GRIEVANCE, lower, norm)
    ):
        return FALLBACK_INTENT
    return _reread_20(group, current, lower, norm, slots)


# round 20's kinds, each only where the model read what it names:
# sarcasm about the wait ("呵呵 说好48小时发货 一周了还在仓库 真行", "wow great job, 3 weeks and
# my order still hasnt left the warehouse"): a complaint (Label conventions), with its topic,
# where the model read the order or the shop's timing by its words
_SARCASM_MISREADS = frozenset({STATUS_INTENT, DISPATCH_INTENT, DELIVERY_INTENT})
# her own order paid or placed at a time told ("昨晚十一点多付的款 我那单今天能发出去不"): the
# order's status, not the shop's dispatch time (round 17's ``_PAID_WAITING`` counts days)
_PAID_AT = re.compile(
    r"(?:昨晚|昨天|前天|今早|今天早上|早上|上午|中午|下午|刚才|刚刚|前几天)[^，,。？?\s]{0,8}"
    r"(?:付的款|付了款|付款|付完款|拍的|拍了|下的单|下单|下了单)"
)
# the return wanted, with her offer to pay its postage ("买大了 懒得换了 退了吧 运费我自己出也行"):
# the return, not who pays (an offer, not a question)
_POSTAGE_OFFERED = re.compile(
    r"(?:运费|邮费|快递费)(?:我|我自己|我来)(?:自己)?(?:来)?(?:出|付|承担)(?:也行|都行|就行|没事|没关系|也可以)"
    # (not asked: "do i pay the postage or you"; round 28)
    r"|(?<!\bdo )(?<!\bshould )(?<!\bwould )(?<!\bmust )(?<!\bshall )(?<!\bwill )(?<!\bcan )"
    r"\bi(?:'ll| will| can)? (?:pay|cover) (?:the )?(?:return )?(?:shipping|postage)(?: myself)?"
    r"(?: (?:it'?s fine|no problem|np))?\b"
)
_RETURN_SAID = re.compile(
    r"退了吧|直接退|退掉吧|我要退|我想退|退货吧|\b(?:return it|send it back)\b"
)
# how soon it leaves, asked in English with no arrival in it ("how long till you dispatch?
# need it for a trip next week"): dispatch, not delivery
_DISPATCH_EN = re.compile(
    r"\b(?:dispatch\w*|ships? out|send (?:it |them )?out|sent out|leave (?:your|the) warehouse)\b"
)
_ARRIVAL_EN = re.compile(
    r"\b(?:arriv\w*|deliver\w*|get (?:here|there|to)|gets? (?:here|there)|reach\w*|receive\w*"
    r"|in hand|lands?|transit|to (?:my|the) (?:door|city|country))\b"
)
# how it runs, told by the reviews or asked as a country's sizing, with no measure given
# ("看评论有人说大有人说小 我该往下拍一码不", "asian sizing or normal?"): the fit, not which size
# for her (a step asked by her body, "屁股大 选大一码吗", and a US size converted stay advice)
_REVIEWS_SAY = re.compile(
    r"(?:评论|评价|买家秀|买过的)[^。？?]{0,8}(?:说)?(?:偏大|偏小|偏瘦|偏肥|大|小)"
)
_SIZING_SYSTEM_EN = re.compile(r"\b(?:asian|asia|chinese|china) (?:sizing|sizes?)\b(?! chart)")
# the goods asked genuine in English words the model hears as a complaint ("is this legit the
# brand or a copy? dont wanna get scammed"): the scam feared, not told
_GENUINE_ASKED_EN = re.compile(
    r"\b(?:is|are) (?:this|it|these|they|the \w+) (?:legit|real|genuine|authentic|original)\b"
    r"|\bor (?:a|an) (?:copy|fake|replica|knock ?off|dupe)\b|\blegit (?:the )?brand\b"
)
_SCAM_FEARED = re.compile(
    r"\b(?:don'?t|do not|dont) (?:want|wanna) (?:to )?(?:get |be )?scam\w*|\bafraid\b|怕"
)
# how the colour looks in reality asked ("燕麦色实物啥样 能拍个自然光下的吗"): the real colour,
# where the model read the difference and no picture is compared (a real photo or daylight
# asked alone, "是实拍图吗", "自然光下啥颜色", is the difference in the labelled data)
_REAL_LOOK = re.compile(r"实物(?:长)?(?:啥样|什么样|怎么样)")
_COMPARED = re.compile(r"色差|差别|图片|照片|跟图|和图|图上|一样|\b(?:photo|picture|pic)s?\b")
# a closing in other words ("那行 就这样 打扰你啦", "3q3q 么么"): the thanks, where the model
# read a complaint or out of scope
_CLOSING_ZH = re.compile(
    r"^(?:(?:那|好)?(?:行|好|好的|嗯|ok)(?:吧|的|呢)?(?:就这样|就这些|先这样)?"
    r"|那?(?:就这样|就这些|先这样))(?:吧)?"
    r"(?:打扰(?:你|您)?(?:了|啦|咯)|麻烦(?:你|您)?(?:了|啦|咯))$"
)
# (a bare 打扰了 opens a chat as often: a greeting in the labelled data)
_THANKS_SHORT = re.compile(r"^(?:3q|3x)+(?:么么哒?|mua+|吗吗哒?|吗)?$")
# stock asked in English words the model reads as size or colour ("XS left in the beige one
# or all gone?"): out of scope (Label conventions)
_STOCK_EN = re.compile(
    r"\bleft in (?:the|that|this|black|white|\w+ one)\b|\ball gone\b|\bany (?:\w+ )?left\b"
    r"|\bsold out\b|\bin stock\b|\brestock\w*"
)
# a gift card bought, not paid with ("can i buy a gift card for my sister"): out of scope
_GIFT_CARD = re.compile(
    r"\b(?:buy|purchase|get|sell|order)(?:ing)? (?:a |an |some )?(?:e-?)?gift ?"
    r"(?:card|voucher|certificate)s?\b"
    r"|(?:买|卖|有没有|有)(?:个|张)?(?:礼品卡|购物卡|礼券)"
)


# another one of the shop's people asked for ("能不能换个人来", "换个客服来吧"): the person, where
# the model heard an exchange in 换
_ANOTHER_PERSON = re.compile(r"换(?:个|一个)(?:人|客服)(?!工)")


def _reread_20(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 20 (see the tables above)."""
    if current == EXCHANGE_INTENT and _ANOTHER_PERSON.search(norm) and person_words(norm):
        return HUMAN_INTENT
    if current in _SARCASM_MISREADS and "§sarcasm" in cues(norm):
        return COMPLAINT_INTENT
    if group == "other" and _wrong_item(lower, norm):
        return STATUS_INTENT  # (round 14's wrong item told as a story, where the model fell back)
    if current in _TIMING_INTENTS and _MY_PARCEL_WHEN.search(norm) and (
        _either(_PAID_AT, lower, norm)
    ):
        return STATUS_INTENT
    if current == POSTAGE_INTENT and _either(_POSTAGE_OFFERED, lower, norm) and (
        _either(_RETURN_SAID, lower, norm)
    ):
        return RETURN_INTENT
    if current == DELIVERY_INTENT and not cjk_count(norm) and _DISPATCH_EN.search(lower) and not (
        _ARRIVAL_EN.search(lower)
    ):
        return DISPATCH_INTENT
    if current == SIZE_ADVICE_INTENT and slots.height_cm is None and slots.weight_kg is None and (
        _REVIEWS_SAY.search(norm) or _SIZING_SYSTEM_EN.search(lower)
    ):
        return FIT_INTENT
    if group in ("complaint", "other") and _GENUINE_ASKED_EN.search(lower) and (
        not cues(norm) or _either(_SCAM_FEARED, lower, norm)
    ) and not _either(_GRIEVANCE, lower, _SCAM_FEARED.sub(" ", lower)):
        return AUTHENTICITY_INTENT
    if current == "color.difference" and _REAL_LOOK.search(norm) and not (
        _either(_COMPARED, lower, norm) or _either(_RECEIVED, lower, norm)
    ):
        return "color.real_color"
    if group in ("complaint", "other", "greeting") and (
        _CLOSING_ZH.match(norm.replace(" ", "")) or _THANKS_SHORT.match(lower.replace(" ", ""))
    ):
        return THANKS_INTENT
    if group in ("color", "size") and _STOCK_EN.search(lower) and not (
        _either(_OWN_PURCHASE, lower, norm)
    ):
        return FALLBACK_INTENT
    if current == PAYMENT_INTENT and _either(_GIFT_CARD, lower, norm):
        return FALLBACK_INTENT
    return None


# round 21's kinds, each only where the model read what it names (checked first: the refund
# waiting must beat round 14's return told by its reason):
# the staff at work asked, with a greeting or the shop's address before it ("晚上好 还在上班吗",
# "早安 这么早有人上班吗", "客服下班了没"): a presence check, where the model fell back (the
# hours asked, "几点下班", stay out of scope: no question word is allowed)
_HELLO_LEAD_21 = re.compile(
    r"^(?:早安|早上好|早|晚上好|下午好|中午好|你好|您好|哈喽|哈啰|哈罗|嗨|喂|在吗|在不在|在不"
    r"|hello|hi|hey)+"
)
_AT_WORK_21 = re.compile(
    r"^(?:这么(?:早|晚)了?)?(?:还|现在|这会儿?|今天|今晚)?(?:有(?:没有)?人)?(?:还)?在?"
    r"(?:上班|下班|开工|值班)(?:了)?(?:吗|么|嘛|没|不|没有|了吗|了没|呢)?(?:啊|呀)?$"
)
# the shop called out ("掌柜的 出来接个客", "老板出来冒个泡"): a presence check, where the model
# read a person asked for (someone in charge, "叫你们店长出来", is the person: not an address)
_CALLED_OUT_21 = re.compile(
    r"^(?:快|赶紧|麻烦)?出来(?:一下|下)?(?:接(?:个)?客|冒(?:个)?泡|说(?:句)?话|回(?:个)?话)?"
    r"(?:呗|吧|啊|呀|了)?$"
)
# a greeting word stretched and nothing else ("hii", "heyyy", "hiiii shop"): the greeting,
# where the model fell back on a word it has not seen
_LONG_HELLO_21 = re.compile(
    r"^(?:(?:hi{2,}|he+y{2,}|he{2,}y+|hiya+|heya+|yo{2,})\s*)+"
    r"(?:(?:there|shop|guys|all|everyone|team)\s*)?$"
)
# a closing in chat English ("ok understood ty", "alright got it, thx so much"): every word a
# closing's, one of them thanks, where the model fell back
_CLOSING_WORDS_21 = frozenset(
    "ok okay okk k kk alright aight right understood got it noted cool great perfect fine sure"
    " sounds good ty tysm tyvm thx thanks thank you u so much cheers np all clear makes sense"
    " ah oh i see awesome lovely brill brilliant sorted will do".split()
)
_THANKS_WORDS_21 = frozenset({"ty", "tysm", "tyvm", "thx", "thanks", "thank", "cheers"})
# a thanks with pet words after it ("谢啦宝 爱你么么哒", "谢谢亲 笔芯"): the thanks, where the
# model fell back on the pet words (round 18's ``_PET_THANKS`` has them without the thanks)
_PET_THANKS_21 = re.compile(
    r"^(?:好的?|好滴|好哒|好嘞|嗯)?(?:谢谢?|谢啦|谢了|多谢|感谢|[03]q)+(?:你|您)?(?:啦|了|哈|呀|哦)?"
    r"(?:宝贝?|宝子|亲爱的|亲亲?|老板|姐妹|集美)?(?:爱你(?:哟|哦|呦)?(?:吗哒?)?|么么哒?|吗哒|mua+|muah|比心|笔芯)+$"
)
# a job at the shop asked in other words ("缺不缺兼职 我想在家帮你们回消息"): out of scope,
# where the model heard a complaint in 回消息 (round 17's ``_JOB_ASKED`` lacks them)
_JOB_MORE_21 = re.compile(
    r"缺不缺(?:人|兼职|客服|帮手)|(?:缺|要|收)(?:不(?:缺|要|收))?(?:兼职|帮手|临时工)"
    r"|我(?:想|能|可以)(?:在家)?(?:帮|给)你们(?:回消息|当客服|做客服|打工|干活)"
)
# where the coupon is ("领券的入口在哪 我咋没看到", "where do i find the voucher"): money off,
# where the model read the order by 在哪 and 看到
_COUPON_21 = re.compile(
    r"领(?:个|张)?(?:优惠)?[券卷]|优惠[券卷]|(?:店铺|商家|满减)[券卷]|[券卷](?:在哪|怎么领|的入口)"
    r"|\b(?:coupons?|vouchers?|promo codes?|discount codes?)\b"
)
_REFUND_OR_RETURN_21 = re.compile(r"退|\b(?:refund|return)\w*")
# a price offered ("一百八卖不卖", "150出不出 出我就拍"): money off, where the model heard a
# complaint or out of scope
_PRICE_OFFERED_21 = re.compile(
    r"(?:\d+|[一二两三四五六七八九十百]+)(?:块|元|rmb)?(?:钱)?(?:的话)?(?:包邮)?"
    r"(?:卖不卖|出不出|卖吗|出吗|能卖吗|能出吗|卖不)"
)
# her things asked for in English words the model has not seen ("wheres my stuff lol"): the
# order's status, where it fell back
_MY_THINGS_WHERE_21 = re.compile(
    r"\bwhere(?:'?s| is| are| r|s)? (?:my|me) (?:stuff|things|items?|goods|clothes|gear"
    r"|purchases?|haul|shopping)\b"
)
# the size or colour on her order changed before it leaves, in English ("picked small by
# accident, make it medium b4 it goes out?", "i ordered grey but want black instead, it hasnt
# shipped yet"): the change, where the model read size advice or the order's status
_CHANGE_EN_21 = re.compile(
    r"\binstead\b|\bmake it\b|\bchange (?:it|that|the size|the colou?r) to\b|\bswitch (?:it|that)\b"
)
_NOT_YET_EN_21 = re.compile(
    r"\b(?:before|b4|bfore) (?:it|they|you) (?:go|goes|ship|ships|leave|leaves|send|sends"
    r"|dispatch|dispatches|get sent|gets sent)\b"
    r"|\b(?:hasn'?t|has not|haven'?t|have not|not) (?:been )?(?:shipped|sent|dispatched|gone out"
    r"|left)\b|\bnot (?:shipped|sent|dispatched) yet\b"
)
_ORDERED_EN_21 = re.compile(r"\b(?:ordered|order|picked|bought|chose|selected)\b")
_ARRIVED_EN_21 = re.compile(r"\b(?:arrived|received|got it|came|already (?:shipped|sent))\b")
# the swap to a size named by its step without a number ("穿上勒得慌 给我调个大号的呗"), with
# the garment worn: the exchange, where the model read size advice (round 14's ``_SWAP`` wants
# 一/点 in it)
_SWAP_STEP_21 = re.compile(r"(?:调|换)(?:个|成|到|一个)?(?:大|小)(?:号|码)")
# (a return still wanted beside it, "仅退款一直处理中 我要退货", stays the return)
_RETURN_WANTED_21 = re.compile(
    r"(?:我要|我想|想要?|要)退(?!款)|退掉|退了吧|\b(?:want|like|wanna) to return\b"
)
# who the return's postage falls on, asked as whose ("whose pocket does the shipping come out
# of, mine or yours"): the postage, where the model read the return
_WHOSE_21 = re.compile(
    r"\b(?:mine or yours|yours or mine|me or you|you or me|whose (?:pocket|dime|expense|cost"
    r"|bill)|foots? the bill)\b"
)
_POSTAGE_EN_21 = re.compile(r"\b(?:shipping|postage|label|courier|delivery)\b|运费|邮费|快递费")


# The quality said to be fine ("质量挺好的就是小了", "nothing wrong with it, just too big"):
# ``intents.quality_fine``, the bot's cause reader too. Read only where the model read a defect
# or the material, or was unsure of the fit.
_SIZE_SAID = re.compile(
    r"小了|大了|偏小|偏大|太小|太大|码|尺码|穿不下|紧了|松了|短了|长了|不合身"
    r"|\btoo (?:small|big|large|tight|loose|short|long)\b|\bdoesn'?t fit\b|\bsize\b|\bfit\b"
)
_SWAP_SAID = re.compile(r"换|\bexchange\b|\bswap\b")
_RETURN_SAID_Q = re.compile(r"退|\breturn\b|\brefund\b")


def _quality_fine(current: str, lower: str, norm: str) -> str | None:
    """The size, the exchange or the return a message is about when it says the quality is
    fine and the model read a defect (see the patterns above)."""
    if current not in ("quality.problem", "quality.material", FIT_INTENT):
        return None
    if not (quality_said_fine(lower) or (norm != lower and quality_said_fine(norm))):
        return None
    if _either(_SWAP_SAID, lower, norm):
        return EXCHANGE_INTENT
    if _either(_RETURN_SAID_Q, lower, norm):
        return RETURN_INTENT
    if _either(_SIZE_SAID, lower, norm):
        return FIT_INTENT
    return None


def _reread_21(group: str, current: str, lower: str, norm: str, slots: Slots) -> str | None:
    """The kinds of round 21 (see the tables above); checked before the earlier rounds'."""
    fine = _quality_fine(current, lower, norm)
    if fine is not None:
        return fine
    social_misread = group in ("other", "complaint", "human")
    if (social_misread or current == STATUS_INTENT) and cjk_count(norm):
        rest = _HELLO_LEAD_21.sub("", _ADDRESS_ZH.sub("", norm.replace(" ", ""))).lstrip("的")
        if rest and (_AT_WORK_21.match(rest) or (
            rest != norm.replace(" ", "") and _CALLED_OUT_21.match(rest)
        )):
            return GREETING_INTENT
    plain = " ".join(re.sub(r"[^a-z' ]+", " ", lower).split())
    if social_misread and not cjk_count(norm) and plain:
        if group == "other" and _LONG_HELLO_21.match(plain):
            return GREETING_INTENT
        spelled = re.sub(r"\br\b", "are", re.sub(r"\bu\b", "you", plain))
        if spelled != plain and _presence(spelled, spelled):
            return GREETING_INTENT  # ("hey r u open rn")
        words = set(plain.split())
        if words <= _CLOSING_WORDS_21 and words & _THANKS_WORDS_21 and "?" not in lower:
            return THANKS_INTENT
    if group in ("other", "complaint", "greeting") and _PET_THANKS_21.match(
        norm.replace(" ", "")
    ):
        return THANKS_INTENT
    if group in ("complaint", "human") and _either(_JOB_MORE_21, lower, norm):
        return FALLBACK_INTENT
    if (current == STATUS_INTENT or group == "other") and _either(_COUPON_21, lower, norm) and not (
        _either(_REFUND_OR_RETURN_21, lower, norm) or cues(norm) or _either(_GRIEVANCE, lower, norm)
    ):
        return DISCOUNT_INTENT
    if (group in ("complaint", "other", "size") or current == STATUS_INTENT) and (
        _PRICE_OFFERED_21.search(lower)
    ) and not (cues(norm) or _either(_GRIEVANCE, lower, norm)):
        return DISCOUNT_INTENT
    if group == "other" and _MY_THINGS_WHERE_21.search(lower):
        return STATUS_INTENT
    if (current in (STATUS_INTENT, MODIFY_INTENT) or group in ("size", "color")) and not (
        cjk_count(norm) or _ARRIVED_EN_21.search(lower)
    ) and all(p.search(lower) for p in (_CHANGE_EN_21, _NOT_YET_EN_21, _ORDERED_EN_21)):
        return MODIFY_INTENT
    if group == "size" and _SWAP_STEP_21.search(norm) and _either(_HAVE_IT, lower, norm) and not (
        _either(_UNSHIPPED, lower, norm)
    ):
        return EXCHANGE_INTENT
    if current == RETURN_INTENT and _either(_REFUND_PENDING, lower, norm) and not (
        _either(_RETURN_WANTED_21, lower, norm)
    ):
        return REFUND_PROGRESS_INTENT
    if current in (RETURN_INTENT, EXCHANGE_INTENT) and _WHOSE_21.search(lower) and (
        _POSTAGE_EN_21.search(lower)
    ):
        return POSTAGE_INTENT
    return None


# round 22's kinds, each only where the model read what it names (checked first):
# a presence check told in more words, piece by piece (the message cut at its spaces, the
# shop's address and greetings taken out of each piece): every piece is a presence check
# (round 14-21's, or one below: online or up yet, "can you see what I sent", "can you hear
# me", "is this the official shop") or a remark that goes with one (urgency, a laugh, a
# question announced, "吱一声", "voice input, did it go through"), and at least one is the
# check ("老板娘 今儿个上线没 有个事想问你", "喂 听得到吗 我这是语音转的文字 不知道发过去没有")
_PRESENCE_22 = re.compile(
    r"^(?:今儿个?|今天|现在|这会儿?|还)?(?:上线|在线|醒了|醒着|活着)(?:了)?"
    r"(?:吗|么|嘛|没|不|没有|了吗|了没|了不)?(?:啊|呀)?$"
    r"|^(?:能|可以)?(?:看到|看见|看得到|看得见|收到)(?:我)?(?:发的)?(?:消息|信息|话)(?:了)?(?:吗|么|没|不|没有)?$"
    r"|^(?:能|可以)?听(?:得)?(?:到|见)(?:我)?(?:说话)?(?:吗|么|没|不|没有)?$"
    r"|^(?:这个?|这)?(?:号|账号|店|群)?是(?:不是)?(?:的)?官方(?:的)?(?:店|旗舰店|号|账号|客服)?"
    r"(?:的)?(?:吧|吗|么|不|嘛|啊)?$"
)
_PRESENCE_REMARK_22 = re.compile(
    r"^(?:救命|急|很急|挺急的?|着急|急死(?:了|啦)?|急得\S{0,8}|在线等|(?:怎么|咋)?没(?:有)?反应(?:啊|呀)?"
    r"|好久没来(?:逛)?了|我?有(?:个|点)?事(?:情)?(?:想)?(?:问|咨询|请教)(?:你|您|一下|下)?"
    r"|吱(?:一|个)?声(?:呗|啊|呀)?|冒(?:个)?泡(?:呗|啊|呀)?|说句话(?:呗|啊|呀)?"
    r"|我?(?:这)?(?:是|用的?)?语音(?:转|输入|打)的?(?:字|文字)?"
    r"|(?:不知道)?(?:消息)?发(?:过去|出去|成功)(?:了)?(?:没有?|吗|没)?)$"
)
_LAUGH_TAIL_22 = re.compile(r"(?:哈|呵|嘿|嘻)+$")
# the staff addressed in chat shorthand ("客服mm醒了没": mm 妹妹, gg 哥哥, jj 姐姐)
_CHAT_ADDRESS_22 = re.compile(r"(?<![a-z])(?:mm|gg|jj)(?![a-z])")
# in English: knocked, or the chat asked whether anyone staffs it ("yo is this chat staffed
# or what", "knock knock, anybody manning the shop today")
_KNOCK_EN_22 = re.compile(r"^(?:(?:knock knock|yo|oi|hey+|hi+|hello+|helo+)\s*)+")
_TAIL_EN_22 = re.compile(r"\s+(?:or what|or not|or nah|rn|right now|today|tonight|now|lol)$")
_STAFFED_EN_22 = re.compile(
    r"^(?:is )?(?:this|the|your) (?:chat|shop|store|line|desk|account|page) (?:being )?"
    r"(?:staffed|manned|attended|monitored)$"
)


def _presence_22(lower: str, norm: str) -> bool:
    """A presence check told in more words (see above); never with a person asked for
    ("人工客服在不在" asks for the handover)."""
    if mentions_person(norm) or mentions_person(lower):
        return False
    if cjk_count(norm):
        checks = 0
        for piece in norm.split():
            piece = _LAUGH_TAIL_22.sub("", _CHAT_ADDRESS_22.sub("", _ADDRESS_ZH.sub("", piece)))
            piece = piece.lstrip("的")
            if piece and (_PRESENCE_22.match(piece) or _PRESENCE_ZH.match(piece)):
                checks += 1  # ("在不在" is a greeting keyword too: read before it is cut)
                continue
            piece = _ADDRESS_ZH.sub("", _HELLO_LEAD_21.sub("", piece)).lstrip("的")
            if not piece:
                continue
            if _PRESENCE_22.match(piece) or _PRESENCE_ZH.match(piece):
                checks += 1
            elif not _PRESENCE_REMARK_22.match(piece):
                return False
        return checks > 0
    plain = " ".join(re.sub(r"[^a-z' ]+", " ", lower).split())
    rest = _TAIL_EN_22.sub("", _KNOCK_EN_22.sub("", plain))
    if rest == plain or not rest:
        return bool(rest and _STAFFED_EN_22.match(rest))
    return bool(
        _STAFFED_EN_22.match(rest) or _PRESENCE_MORE_EN.match(rest) or _PRESENCE_EN.match(rest)
    )


# a closing told piece by piece: an acknowledgement, the wait ("我就安心等包裹了"), a thanks,
# pet words ("比心") — every piece one of them, and a thanks, pet words or the wait among them
# ("那行 我就安心等包裹了 比心"), with no question: the thanks, where the model read the parcel
# or a complaint in 等
_ACK_22 = re.compile(
    r"^(?:那|那就)?(?:行|好|好的|好吧|行吧|好嘞|好滴|好哒|嗯|ok|okay|收到|明白|明白了|懂了|知道了)"
    r"(?:了|啦|哈|呀|哦|呢)?$"
)
_WAIT_22 = re.compile(
    r"^(?:那)?我?(?:就)?(?:安心|耐心|乖乖|慢慢|静静)(?:地|的)?等(?:着)?"
    r"(?:包裹|快递|收货|发货|到货|你们?的?(?:消息|通知|回复))?(?:了|啦|咯|喽|哈|哦)?$"
)
_PET_22 = re.compile(r"^(?:比心|笔芯|爱你(?:哟|哦|呦)?|吗吗哒?|吗哒|mua+|muah|抱抱|啵啵)+$")
_THANKS_22 = re.compile(
    r"^(?:谢谢?|谢啦|谢了|多谢|感谢|3q|辛苦(?:了|啦)?)(?:你|您|亲|啦|了|哈|呀|哦)*$"
)


def _closing_22(text: str, norm: str) -> bool:
    if "?" in text or "？" in text or not cjk_count(norm):
        return False
    kinds = set()
    for piece in norm.split():
        for name, pattern in (("ack", _ACK_22), ("wait", _WAIT_22), ("pet", _PET_22),
                              ("thanks", _THANKS_22)):
            if pattern.match(piece):
                kinds.add(name)
                break
        else:
            return False
    return bool(kinds & {"wait", "pet", "thanks"}) and len(kinds) > 1


# a person asked for where the model read the order or out of scope, with no order of hers in
# the message ("能转给昨天那个客服吗 她知道我的情况"); beside one ("我要找人工 我的订单一直没发货")
# the bot's person reader hands over and the ticket keeps the order's topic
_ORDER_WORD_22 = re.compile(
    r"单|快递|物流|发货|包裹|\b(?:order\w*|parcel|package|ship\w*|deliver\w*|tracking)\b"
)
# the staff asked about themselves ("客服你多大了 有对象没", "are u single lol"): small talk, out
# of scope, where the model heard a complaint or a person
_PERSONAL_22 = re.compile(
    r"有(?:没有)?对象|有(?:没有)?(?:男|女)朋友|单身(?:吗|不|嘛|没)|结婚了(?:吗|没)"
    r"|(?:你|您)(?:今年)?(?:多大了|几岁)|(?:你|您)是(?:男的|女的|男生|女生)"
    r"|\b(?:are|r) (?:you|u) single\b|\bhow old (?:are|r) (?:you|u)\b"
    r"|\b(?:got|have) a (?:boyfriend|girlfriend|bf|gf)\b"
)
# gift packaging bought or asked for ("could i buy a nice box and ribbon to go with it"): out
# of scope (docs/intents.md, Label conventions), where the model read money off or payment
_GIFT_WRAP_22 = re.compile(
    r"礼盒|礼品盒|礼品袋|包装盒|丝带|\bgift ?(?:wrap\w*|box|boxes|bag)\b|\bwrapping paper\b"
    r"|\bribbons?\b|\bnice box\b"
)
_OFF_WORD_22 = re.compile(r"折|优惠|便宜|减|\b(?:off|discount\w*|coupon\w*|cheaper|deal)\b")
# signed for, but not by her ("系统说已经签收 可家里没人收过 谁签的"): the order's status,
# where the model read a complaint with no cue or grievance
_SIGNED_22 = re.compile(r"签收|送达|\bdelivered\b")
_NOT_BY_HER_22 = re.compile(
    r"没(?:有)?人收|谁签的|谁签收的|谁收的|不是我签|没人签|我没签|\bwho signed\b"
    r"|\bnobody (?:got|received|signed)\b"
)
# an order given back because she will not wait ("那个订单退掉吧 不想等了"): the cancel, where
# the model read a return (round 14's ``_ORDER_UNDONE`` wants not shipped yet)
_WONT_WAIT_22 = re.compile(r"不想等|等不了|等不及|不等了")
_RECEIVED_22 = re.compile(r"收到|到了|拆|穿|试")
# the size on her order changed before it is packed ("make it a large instead before you pack
# it"): round 21's English change, with the packing as "not yet"
_NOT_YET_EN_22 = re.compile(
    r"\bbefore (?:you|u|it|they|anyone) (?:pack|packs|box|boxes|post|posts|mail|mails|wrap)"
    r"(?:s|ed)?\b|\bbefore (?:packing|posting|mailing)\b"
)
# the colours it comes in ("does the puffer come in anything brighter, like yellow or red"):
# which colours there are, where the model read the real colour (not the look: see-through,
# in person, a photo)
_COMES_IN_22 = re.compile(r"\b(?:come|comes|coming|available|made) in\b")
_COLOUR_EN_22 = re.compile(
    r"\b(?:colou?rs?|shades?|brighter|darker|lighter|black|white|red|yellow|blue|green|pink"
    r"|purple|grey|gray|beige|brown|navy|orange|cream|khaki)\b"
)
_LOOK_EN_22 = re.compile(
    r"\b(?:see[- ]?through|sheer|in person|irl|photos?|pics?|pictures?|look|looks|looking)\b"
)


def _reread_22(group: str, current: str, text: str, lower: str, norm: str) -> str | None:
    """The kinds of round 22 (see the patterns above); checked before the earlier rounds'."""

    def plain() -> bool:  # no grievance told (two searches: only where a rule needs it)
        return not _either(_GRIEVANCE, lower, norm)

    if (group in ("other", "complaint", "human", "greeting") or current == STATUS_INTENT) and (
        _presence_22(lower, norm) and plain()
    ):
        return GREETING_INTENT
    if _closing_22(text, norm) and not cues(norm):
        return THANKS_INTENT
    if group in ("order", "other") and person_words(text) and plain() and not cues(norm) and not (
        _either(_ORDER_WORD_22, lower, norm)
    ):
        return HUMAN_INTENT  # (beside her order's question, the bot hands over with its topic)
    if group in ("complaint", "human", "greeting") and _either(
        _PERSONAL_22, lower, norm
    ) and plain():
        return FALLBACK_INTENT
    if group in ("bargain", "payment") and _either(_GIFT_WRAP_22, lower, norm) and not (
        _either(_OFF_WORD_22, lower, norm)
    ):
        return FALLBACK_INTENT
    if group == "complaint" and _plain_complaint(lower, norm) and _either(
        _SIGNED_22, lower, norm
    ) and _either(_NOT_BY_HER_22, lower, norm):
        return STATUS_INTENT
    if group in ("returns", "order") and current != "order.cancel" and (
        _ORDER_UNDONE.search(norm) and _WONT_WAIT_22.search(norm)
    ) and not _RECEIVED_22.search(norm):
        return "order.cancel"
    if (current in (STATUS_INTENT, MODIFY_INTENT) or group in ("size", "color")) and not (
        cjk_count(norm) or _ARRIVED_EN_21.search(lower)
    ) and all(p.search(lower) for p in (_CHANGE_EN_21, _NOT_YET_EN_22, _ORDERED_EN_21)):
        return MODIFY_INTENT
    if current == "color.real_color" and _COMES_IN_22.search(lower) and _COLOUR_EN_22.search(
        lower
    ) and not _LOOK_EN_22.search(lower):
        return "color.options"
    return None


# round 23's kinds, each only where the model read what it names (checked first):
# a presence check told piece by piece as round 22's, with more checks (someone on duty on a
# holiday "中秋也有人在吗", time for her "这会儿有空搭理我不", not closed yet "还没打烊吧", the
# shop called out "赶紧出来冒个泡啦") and more remarks beside one (she is here "我又来啦", a short
# wait "等了一下", an apology "打扰一下", who she is "我是之前买过你家衬衫的老顾客"); greeting
# words alone in a piece ("好呀") are no remark to stop at
_PRESENCE_23 = re.compile(
    r"^(?:放假|假期|节假日|过节|过年|国庆|中秋|周末|中午|今晚|今天|晚上|这会儿?|现在)(?:也|还)?"
    r"有(?:没有)?人(?:值班|在|上班|看着)?(?:吗|么|嘛|没|不|没有|呢)?(?:啊|呀)?$"
    r"|^(?:今天|现在|这会儿?|今晚)?(?:有空|有时间|方便)(?:理|搭理|回|陪)(?:一下)?(?:我)?"
    r"(?:一下)?(?:吗|么|不|没|嘛|呢)?(?:啊|呀)?$"
    r"|^(?:还|现在)?(?:没|没有)(?:下班|收工|打烊|休息)(?:吧|吗|么|呢|呀|啊)?$"
    r"|^(?:下班|打烊|收工)了(?:吗|么|没|吧|没有)$"
)
_CALLED_OUT_23 = re.compile(
    r"^(?:快|赶紧|麻烦)?出来(?:一下|下)?(?:接(?:个)?客|冒(?:个)?泡|说(?:句)?话|回(?:个)?话)?"
    r"(?:呗|吧|啊|呀|了|啦|咯|哟)?$"
)
_REMARK_23 = re.compile(
    r"^(?:我|本宝宝?|本人)?(?:又)?来(?:了|啦|咯)$"
    r"|^等(?:了)?(?:一|0)?(?:会儿?|下)(?:了|啦)?(?:啊|呀)?$|^等(?:了)?(?:半天|好一会儿?)(?:了|啦)?$"
    r"|^(?:周末|这么晚|大晚上的?|大半夜的?|一大早的?)?(?:还)?(?:来)?打扰(?:一下|了|下|您|你)*"
    r"(?:哈|啊|呀|啦|了)?$"
    r"|^不好意思(?:哈|啊|呀|了|啦|哦)?$"
    r"|^我是[^没不还坏退换错差骂投]{1,20}?(?:的)?(?:那个|那位|老顾客|老客户|回头客|老粉|买家)"
    r"(?:呀|啊|哈|哦)?$"
)
_PARTICLES_23 = re.compile(r"^好?[呀啊哈哦~～!！]*$")  # (not 呢: "客服呢" asks where the person is)
# in English: a greeting, a test ("testing testing") or a knock, then a check (the shop open for
# questions, still answering, the chat reaching someone) or only a remark that goes with a
# hello ("hello hope you're well", "hi, first time writing to you")
_KNOCK_EN_23 = re.compile(
    r"^(?:(?:knock knock|yo|oi|hey+|hi+|hello+|helo+|hiya|heya|good (?:morning|afternoon"
    r"|evening|day)|morning|afternoon|evening|testing|test)\s*)+"
)
_PRESENCE_EN_23 = re.compile(
    r"^(?:are )?(?:you|u|ya|you guys|u guys|y'?all) (?:still )?open for (?:questions|business"
    r"|enquiries|inquiries|messages|chats?|a (?:quick )?question)$"
    r"|^(?:is|are) (?:the shop|the store|this shop|you|u|you guys|u guys|anyone|anybody|someone)"
    r" (?:still )?(?:answering|replying|responding|taking questions)(?: (?:messages|questions"
    r"|chats|msgs|here))?$"
    r"|^(?:does|is|will) (?:this|the|my) (?:chat|thing|message|msg) (?:actually |even |really )?"
    r"(?:going to |gonna )?(?:reach|get to|go to|getting to|reaching) (?:someone|anyone|anybody"
    r"|somebody|you"
    r"|a person|a human)$"
)
_REMARK_EN_23 = re.compile(
    r"^(?:(?:this is )?(?:my )?first time (?:messaging|texting|writing|contacting|chatting"
    r"|here|shopping here)(?: (?:to|with))?(?: (?:you|u))?(?: (?:guys|all|lot))?"
    r"|hope (?:you'?re|youre|ur|you are|u r) (?:well|good|doing well|ok|okay)"
    r"|long time no see)$"
)


def _presence_23(lower: str, norm: str) -> bool:
    """A presence check in more words (see above); never with a person asked for."""
    if mentions_person(norm) or mentions_person(lower):
        return False
    if cjk_count(norm):
        checks = 0
        addressed = _ADDRESS_ZH.search(norm) is not None
        for piece in norm.split():
            piece = _LAUGH_TAIL_22.sub("", _CHAT_ADDRESS_22.sub("", _ADDRESS_ZH.sub("", piece)))
            piece = piece.lstrip("的")
            if piece and (_PRESENCE_22.match(piece) or _PRESENCE_ZH.match(piece)
                          or _PRESENCE_23.match(piece)):
                checks += 1
                continue
            piece = _ADDRESS_ZH.sub("", _HELLO_LEAD_21.sub("", piece)).lstrip("的")
            if not piece or _PARTICLES_23.match(piece):
                continue
            if (_PRESENCE_22.match(piece) or _PRESENCE_ZH.match(piece)
                    or _PRESENCE_23.match(piece) or (addressed and _CALLED_OUT_23.match(piece))):
                checks += 1
            elif not (_PRESENCE_REMARK_22.match(piece) or _REMARK_23.match(piece)):
                return False
        return checks > 0
    plain = " ".join(re.sub(r"[^a-z' ]+", " ", lower).split())
    rest = _TAIL_EN_22.sub("", _KNOCK_EN_23.sub("", plain))
    if rest == plain or not rest:
        return False  # (no greeting or knock before it: round 22's reading)
    return bool(
        _PRESENCE_EN_23.match(rest) or _REMARK_EN_23.match(rest) or _STAFFED_EN_22.match(rest)
        or _PRESENCE_MORE_EN.match(rest) or _PRESENCE_EN.match(rest)
    )


# a thanks with a good wish beside it ("谢啦老板 祝你们618大卖"): the closing, where the model
# read money off by the sales day in the wish (no question in it)
_THANKS_23 = re.compile(
    r"^(?:ok|okay|好的?|好嘞|嗯+|行)*(?:谢谢?|谢啦|谢了|多谢|感谢|3q)(?:你|您|啦|了|哈|呀|哦|的)*$"
)
_WISH_23 = re.compile(
    r"^祝.{0,12}(?:生意兴隆|发大?财|爆单|大卖|红火|顺利|开心|快乐|愉快|健康|越来越好|财源广进"
    r"|好运|万事如意|大吉)(?:哈|呀|啊|哦|呦|哟|!|！)*$"
)


def _thanks_and_wish(text: str, norm: str) -> bool:
    if "?" in text or "？" in text:
        return False
    kinds = set()
    for piece in norm.split():
        if _WISH_23.match(piece):
            kinds.add("wish")
        elif _THANKS_23.match(_ADDRESS_ZH.sub("", piece)):
            kinds.add("thanks")
        else:
            return False
    return kinds == {"thanks", "wish"}


# told to the shop in passing, no question for it: only a hesitation or a moment asked
# ("嗯 那个 让我想想"), a mishap that is no fault of the shop's ("狗把裤子咬了个洞 跟你们没关系"),
# or a laugh at something with no grievance ("哈哈哈你们模特好高啊"): out of scope, where the
# model heard a complaint
_HESITATION_23 = re.compile(
    r"^(?:唔+|嗯+|额+|呃+|emm+|em+|那个|就是|行吧|好吧|这样吧|那|(?:让我|我再|我)想想?|我看看"
    r"|等(?:会儿?|一下|下)|稍等(?:一下|下)?)+$"
)
_NOT_YOUR_FAULT_23 = re.compile(
    r"不怪你们|不是你们的(?:问题|错|责任)|跟你们(?:没关系|无关)|和你们(?:没关系|无关)"
    r"|\bnot your (?:fault|problem)\b|\bnothing to do with you\b"
)
_SHOP_ASKED_23 = re.compile(
    r"[?？吗呢]|帮我|能不能|可不可以|可以|怎么|\b(?:can|could|would|will|please|pls)\b"
)
_LAUGH_23 = re.compile(r"笑死|哈{2,}|hhh+|\b(?:lol|lmao|haha+)\b")
_SHOP_FAULT_23 = re.compile(
    r"坏|破|烂|差|慢|没(?:发|到|收到|回|人)|不(?:发|回|理)|退|换|错|少|问题|怎么(?:办|回事)|骗"
    r"|质量|好意思|就这|还敢|服了|无语|醉了"
    r"|帮我|能不能|可不可以|催"  # (a request beside it: "哈哈 帮我催一下")
)
# a place to try things on asked ("any showroom in leeds?", "有实体店吗 想摸摸面料"): out of
# scope, where the model read a garment's fit, material or colour
_SHOWROOM_23 = re.compile(
    r"实体店|门店|线下店|线下(?:看|试)|\b(?:showroom|physical (?:store|shop)|bricks and mortar"
    r"|try (?:it|them|stuff|things|clothes) on in person)\b"
)
# a voucher or card bought for someone ("could i get a voucher for my sister") or sold by the shop
# ("do you sell gift cards"): out of scope, not money off (round 20's ``_GIFT_CARD`` wants "gift"
# before it)
_VOUCHER_FOR_23 = re.compile(
    r"\b(?:buy|purchase|get|send|gift)(?:ing)? (?:a |an |some )?(?:e-?)?"
    r"(?:voucher|gift card|card)s? (?:for|to) (?:my|a|her|him|someone|somebody|them|friends?)\b"
    r"|(?:买|送)(?:个|张)?(?:代金券|礼品卡|购物卡|储值卡)(?:送|给)"
    r"|\b(?:sell|selling|sold)\b.{0,12}\b(?:gift )?(?:vouchers?|gift cards?|gift certificates?)\b"
)
# which courier, asked by their names ("is it dpd or evri you guys use"): the
# courier, where the model read her order (no order of hers named)
_COURIER_NAME_23 = re.compile(
    r"\b(?:yodel|evri|hermes|royal mail|parcelforce|dpd|dhl|ups|fedex|usps|aramex|gls|sf express"
    r"|ems)\b|顺丰|中通|圆通|韵达|申通|京东快递|邮政|极兔|德邦"
)
_WHICH_COURIER_23 = re.compile(
    r"\bis it\b|\bdo you (?:use|send|ship)\b|\bwhich\b|\bwho (?:brings|delivers)\b| or "
    r"|还是|用的是|走的是|发的是|哪家|哪个快递"
)
_HER_ORDER_23 = re.compile(
    r"\bmy (?:order|parcel|package|delivery|tracking)\b|\btracking\b|单号|我的(?:单|订单|快递|包裹)"
)
# whether it ships where she is, asked "发不发海外" ("你们发不发海外 我在新加坡"): the region,
# where the model heard a complaint
_SHIPS_HERE_23 = re.compile(
    r"(?:寄|发|送)不(?:寄|发|送)(?:到)?(?:这边|这里|我这边?|我们这边?|国外|海外|外国|境外)"
)
# how it runs asked ("朋友说还行 就怕偏不偏大"): the fit, where the model heard a complaint
_FIT_ASKED_23 = re.compile(
    r"偏不偏(?:小|大)|偏大还是偏小|偏小还是偏大|会不会偏(?:小|大)|是不是偏(?:小|大)|码(?:数)?准不准"
)
# paid on a day named, the page still showing it unshipped ("周三下的单 到现在还显示待发货"), or
# her long wait for an unshipped order ("等了好几天还没发出 啥时候发"): the order's status, where
# the model read when the shop ships
_PAID_ON_DAY_23 = re.compile(
    r"(?:礼拜|星期|周)[一二三四五六日天0](?:就)?(?:付的款|付款|付了款|付完款|拍的|拍了|下的单|下单|下了单|买的)"
)
_STILL_SHOWN_23 = re.compile(
    r"还(?:是|在|写着|显示|挂着)?.{0,6}(?:处理中|待发货|未发货|备货中|仓库处理|等待发货)"
)
_WAITED_UNSHIPPED_23 = re.compile(
    r"等(?:了)?(?:好久|很久|半天|老半天|好几天|几天|0周|一周|[0-9]+天)(?:了)?.{0,4}还(?:没|未)(?:有)?(?:发货|发出|寄出|发)"
)
# at the pickup point, said to be missing ("放驿站三天了 去问说查不到"): the order's status,
# where the model heard a complaint
_LEFT_AT_23 = re.compile(r"放(?:在|到)?(?:菜鸟|驿站|快递柜|丰巢|门卫|前台|快递点|代收点|门口)")
_NOT_FOUND_23 = re.compile(r"找不到|没找到|没有找到|说没有|查不到|不见了|没看到|没见到")
# two orders told as two buys ("上午下午各拍了一单 能合并寄吗": the normaliser writes 一 as 0):
# the merge, where the model read when the shop ships
_TWO_BUYS_23 = re.compile(r"各(?:下|拍|买)了?(?:0|一)?单|(?:下|拍)了(?:两|2)单")
_ONE_PARCEL_23 = re.compile(r"打(?:成)?(?:0|一)个包|一起(?:寄|发)|合并")
# something added before it ships, in English ("before you ship it can you add another pair of
# socks"): the change to the order, where the model was unsure of a complaint or the order
_ADDED_EN_23 = re.compile(
    r"\b(?:throw|chuck|stick|put|pop|slip|add) (?:in )?(?:a |an |another|one more|a second|an extra"
    r"|two|2)\b"
)
# the fabric asked about a garment named by its colour ("what material is the navy jumper made
# of"): the material, where the model read the real colour
_FABRIC_ASKED_EN_23 = re.compile(
    r"\b(?:fabric|material|composition|made of|made from|blend|acrylic|polyester|cotton|wool"
    r"|nylon|viscose|cashmere|linen)\b"
)
_COLOUR_ASKED_23 = re.compile(
    r"\b(?:colou?rs?|shades?|tone|see[- ]?through|sheer|in person|irl|photos?|pics?|pictures?"
    r"|look|looks|lighter|darker)\b"
)
# an accusation about her money beside the question ("我的退款半个月了还没到 你们是想吞我的钱
# 吗"): the complaint, where the model read the refund or the order
_ACCUSED_23 = re.compile(
    r"(?:是要|想|要)?吞(?:了|掉)?(?:我的)?(?:钱|吗|么|吧)|黑店|到底有没有人管|有没有人管(?:管)?|还管不管"
    r"|\b(?:thieves|stealing my money|stole my money)\b"
)
# sent back for another size ("can i send them back for a size 10 instead"): the exchange, where
# the model read the return
_BACK_FOR_SIZE_EN_23 = re.compile(
    r"\b(?:send|return|ship|post) (?:it|them|this|these) (?:back )?for (?:a |an |the )?(?:size )?"
    r"(?:xxs|xs|s|m|l|xl|xxl|small|medium|large|smaller|bigger|larger|\d{1,2})(?: one| size)?"
    r"(?: instead)?\b"
)
_RETURN_COVER_23 = re.compile(r"退货险|运费险")
# the order dropped in other English words ("please ditch my order, bought it twice"): the
# cancel, where the model read the order's status
_DROPPED_EN_23 = re.compile(
    r"\b(?:scrap|ditch|drop|bin|void|nix|scratch) (?:the|my|that|this) (?:whole )?order\b"
)
# washing asked before any wash ("新买的牛仔裤要不要单独洗 怕掉色"): the care, where the model
# read a fault
_WASH_ASKED_23 = re.compile(
    r"要不要(?:单独|分开|手|冷水)?洗|(?:需要|得|要)(?:单独|分开)洗(?:吗|么|不)|怕(?:染|串色|掉色)"
)
_WASHED_23 = re.compile(r"洗了|洗完|洗过|洗后")
# whether a part detaches, asked ("风衣的内胆能拆吗", "is the hood removable"): the
# garment's make, out of scope, where the model read a fault by 拆; a part come off ("羊角扣
# 拆下来了", "扣子掉了") stays the fault
_DETACHABLE_23 = re.compile(
    r"可拆卸|可拆|能(?:不能)?拆(?:下来|掉)?(?:吗|么|不)|拆得下来|拆不拆得|是连着的还是|连着的吗"
    r"|\b(?:detachable|removable)\b|\bcome off\b.{0,12}\?"
    r"|\bcan (?:i|you) (?:take|zip) (?:it|the \w+) off\b"
)
_PART_CAME_OFF_23 = re.compile(
    r"掉了|坏了|松了|开线|断了|破了|拆开线|拆下来了|脱落|\b(?:fell|came|come) off\b(?!.{0,12}\?)"
    r"|\b(?:broke|broken|ripped|torn)\b"
)
# the wrong or a missing item said plainly ("你们漏发了一条腰带", "寄错了吧"): the fault reported
# (``quality.problem``, as the development set has it), where the model heard a complaint with
# no cue or grievance; never a message sent to the wrong person
_SENT_WRONG_23 = re.compile(r"发错|寄错|少发|漏发|少寄|漏寄|少了(?:0|一)?(?:件|条|个|双|只|样)")
_NOT_AN_ITEM_23 = re.compile(r"发错(?:了)?(?:人|消息|信息|链接|地方|群)")


def _reread_23(group: str, current: str, text: str, lower: str, norm: str) -> str | None:
    """The kinds of round 23 (see the patterns above); checked before the earlier rounds'."""

    def plain() -> bool:  # no grievance told (only where a rule needs it)
        return not _either(_GRIEVANCE, lower, norm)

    social_misread = group in ("other", "complaint", "human", "greeting")
    if (social_misread or current == STATUS_INTENT) and _presence_23(lower, norm) and plain():
        return GREETING_INTENT
    if group in ("bargain", "other", "complaint") and cjk_count(norm) and _thanks_and_wish(
        text, norm
    ):
        return THANKS_INTENT
    if group == "complaint" and not cues(norm) and plain():
        pieces = norm.replace("…", " ").split()
        if pieces and all(_HESITATION_23.match(p) for p in pieces):
            return FALLBACK_INTENT
        if _either(_NOT_YOUR_FAULT_23, lower, norm) and not _SHOP_ASKED_23.search(lower):
            return FALLBACK_INTENT
        if _either(_LAUGH_23, lower, norm) and not _SHOP_FAULT_23.search(norm) and (
            cjk_count(norm)
        ):
            return FALLBACK_INTENT
        if _FIT_ASKED_23.search(norm):
            return FIT_INTENT
        if _SHIPS_HERE_23.search(norm):
            return "shipping.region"
        if _LEFT_AT_23.search(norm) and _NOT_FOUND_23.search(norm):
            return STATUS_INTENT
        if _SENT_WRONG_23.search(norm):
            if _NOT_AN_ITEM_23.search(norm):
                return FALLBACK_INTENT  # a message sent to the wrong chat ("发错人了 不好意思")
            return STATUS_INTENT if _wrong_item(lower, norm) else "quality.problem"
    if group in ("size", "quality", "color", "shipping") and _either(_SHOWROOM_23, lower, norm):
        return FALLBACK_INTENT
    if group in ("bargain", "other") and _either(_VOUCHER_FOR_23, lower, norm):
        return FALLBACK_INTENT
    if group == "other" and person_asked(text) == "call" and plain() and not cues(norm):
        return HUMAN_INTENT  # a call asked for in words round 22's reading lacks ("能留个座机吗")
    if group in ("order", "complaint") and current != "shipping.courier" and _either(
        _COURIER_NAME_23, lower, norm
    ) and _either(_WHICH_COURIER_23, lower, norm) and not _either(_HER_ORDER_23, lower, norm):
        return "shipping.courier"
    if current in _TIMING_INTENTS and (
        (_PAID_ON_DAY_23.search(norm) and _STILL_SHOWN_23.search(norm))
        or _WAITED_UNSHIPPED_23.search(norm)
    ):
        return STATUS_INTENT
    if group in ("shipping", "order", "complaint") and current != MODIFY_INTENT and (
        _TWO_BUYS_23.search(norm) and _ONE_PARCEL_23.search(norm)
    ):
        return MODIFY_INTENT
    if (group in ("complaint", "other") or current == STATUS_INTENT) and not cjk_count(norm) and (
        _ADDED_EN_23.search(lower) and _NOT_YET_EN_21.search(lower)
    ) and not _ARRIVED_EN_21.search(lower):
        return MODIFY_INTENT
    if current == "color.real_color" and not cjk_count(norm) and _FABRIC_ASKED_EN_23.search(
        lower
    ) and not _COLOUR_ASKED_23.search(lower):
        return MATERIAL_INTENT
    if group in ("returns", "order") and _either(_ACCUSED_23, lower, norm):
        return COMPLAINT_INTENT
    if current == RETURN_INTENT:
        if _BACK_FOR_SIZE_EN_23.search(lower):
            return EXCHANGE_INTENT
        if _RETURN_COVER_23.search(norm):
            return POSTAGE_INTENT
    if current == STATUS_INTENT and _DROPPED_EN_23.search(lower):
        return "order.cancel"
    if current == "quality.problem" and _WASH_ASKED_23.search(norm) and not _WASHED_23.search(
        norm
    ):
        return MATERIAL_INTENT
    if current == "quality.problem" and _either(_DETACHABLE_23, lower, norm) and not _either(
        _PART_CAME_OFF_23, lower, norm
    ):
        return FALLBACK_INTENT
    return None


# round 24's kinds, each only where the model read what it names (checked first):
# a presence check in more words again, piece by piece as rounds 22-23 read it: someone on duty
# ("现在店里有值守的小伙伴不"), what she sent seen ("我发的字你们那边看得见不"), the shop still open
# at an hour ("这么晚了店家还开着门么"), at work asked with "you" before it ("老板你今天上班吗"), a
# question announced beside one ("想问点东西"); in English with no greeting before it: still
# around, the shop still active, who is working, anyone reading the inbox (a human named there
# is the reader asked about, not a person asked for)
_PRESENCE_24 = re.compile(
    r"^(?:现在|这会儿?|还|今天|今晚|晚上)?(?:有(?:没有)?)?(?:值守|值班|守着|盯着|看店|守店)(?:的)?"
    r"(?:人|小伙伴|伙伴|同学|同事|工作人员)?(?:在)?(?:吗|么|嘛|没|不|没有|呢)?(?:啊|呀)?$"
    r"|^(?:我)?(?:刚|刚刚|刚才)?(?:发的|打的|说的|发过去的)(?:字|消息|信息|话|东西)(?:那边|这边)?(?:能|可以)?"
    r"(?:看到|看见|看得到|看得见|收到|显示)(?:了)?(?:吗|么|不|没|没有)?(?:啊|呀)?$"
    r"|^(?:这么晚了?|这么早|大晚上的?|大半夜的?|周末|今天|今晚)?(?:还|现在)?(?:开着门|开着|开门|营业)"
    r"(?:着|的|呢)?(?:吗|么|没|不|呢|嘛)?(?:啊|呀)?$"
)
_YOU_LEAD_24 = re.compile(r"^(?:你|您|侬)(?=今天|今晚|现在|这会|还|在|上班|值班)")
_ASK_ANNOUNCED_24 = re.compile(
    r"^(?:我|我们)?(?:想|要)?(?:问|咨询|请教)(?:问|一下|下)?(?:点|个|些)?(?:东西|事|事情|问题)?"
    r"(?:哈|呀|啊)?$"
)
_PRESENCE_EN_24 = re.compile(
    r"^(?:are )?(?:you|u|ya|you guys|u guys|y'?all|any ?one|any1|any ?body|some ?one) still"
    r" (?:there|here|around|online|up|awake|on|open|working|active)"
    r"(?: (?:i )?(?:got|have) (?:a |one )?(?:q|qq|quick q|question|quick question))?$"
    r"|^(?:is )?(?:this|the|your) (?:shop|store|account|page|chat|channel) (?:still )?"
    r"(?:active|alive|running|operating|in business|live)$"
    r"|^who(?:'?s| is) (?:working|on duty|in|around|on shift)(?: (?:today|now|rn|tonight))?$"
)
_INBOX_READ_EN_24 = re.compile(
    r"^(?:does|do|will|is) (?:a |any )?(?:human|person|real person|any ?one|any1|any ?body"
    r"|some ?one|some ?body)(?: (?:ever|actually|even|really))? (?:check|read|see|look at"
    r"|monitor|checking|reading)(?:s)? (?:this|these|my|the|your) (?:inbox|chat|messages|msgs"
    r"|dms|texts)$"
)
_TAIL_EN_24 = re.compile(r"(?:\s+(?:or what|or not|or nah|or|lol|rn|today|tonight|now))+$")


def _presence_24(lower: str, norm: str) -> bool:
    """A presence check in more words (see above)."""
    if cjk_count(norm):
        if mentions_person(norm):
            return False
        checks = 0
        for piece in norm.split():
            for attempt in (0, 1):
                if attempt:
                    piece = _HELLO_LEAD_21.sub("", piece)
                piece = _LAUGH_TAIL_22.sub("", _CHAT_ADDRESS_22.sub("", _ADDRESS_ZH.sub("", piece)))
                piece = _YOU_LEAD_24.sub("", piece.lstrip("的"))
                if not piece or _PARTICLES_23.match(piece):
                    break
                if (_PRESENCE_24.match(piece) or _PRESENCE_22.match(piece)
                        or _PRESENCE_ZH.match(piece) or _PRESENCE_23.match(piece)
                        or _AT_WORK_21.match(piece)):
                    checks += 1
                    break
                if (_ASK_ANNOUNCED_24.match(piece) or _PRESENCE_REMARK_22.match(piece)
                        or _REMARK_23.match(piece) or _HOUR_REMARK.match(piece)):
                    break
                if attempt:
                    return False
        return checks > 0
    plain = " ".join(re.sub(r"[^a-z0-9' ]+", " ", lower).split())
    rest = _TAIL_EN_24.sub("", _KNOCK_EN_23.sub("", plain))
    if _INBOX_READ_EN_24.match(rest):
        return True
    return not mentions_person(lower) and bool(_PRESENCE_EN_24.match(rest))


# the staff asked where they are from ("客服你是哪里人呀 口音听着像南方的"): small talk, out of
# scope, where the model heard a complaint (round 22's ``_PERSONAL_22`` lacks it)
_ORIGIN_24 = re.compile(
    r"(?:你|您|是)(?:哪里|哪儿|哪)(?:的)?人(?!工)|口音|老家(?:在)?哪"
    r"|\bwhere (?:are|r) (?:you|u)(?: guys| all| lot)? (?:from|based)\b"
)
# work in the warehouse asked for ("仓库那边要不要打包工"): a job at the shop, out of scope
_JOB_24 = re.compile(
    r"(?:缺|要|招|收)(?:不(?:缺|要|招|收))?(?:打包|分拣|仓库|搬运|发货)(?:工|员|的人|的)"
    r"|打包工|仓管员"
)
# a passage to translate ("帮我翻译一段英语呗"): homework of a kind, out of scope (not "the
# tracking is in English, translate it for me")
_TRANSLATE_24 = re.compile(
    r"翻译(?:一下|下)?(?:0|一|几)?(?:段|篇|句|个)?(?:英语|英文|日语|日文|韩语|韩文|文章|作文|句子|课文)"
)
# the message was not meant for the shop ("发错了 不是跟你说的"): out of scope
_NOT_FOR_YOU_24 = re.compile(
    r"不是(?:跟|对|和)(?:你|您)(?:们)?说的|不是(?:发)?给(?:你|您)(?:们)?(?:说|发)?的"
)
# which colours there are, asked "还有啥色" ("这件除了图上的还有啥色"): the options, where the model
# fell back (never a shade number, 色号, or the difference, 色差)
_OTHER_COLOURS_24 = re.compile(
    r"(?:还有|有)(?:啥|什么|哪些|哪几种|几种|几个|别的|其他|其它)(?:颜色|色)(?![号差])"
)
# the phone's return address asked ("要退 地址给我下"): the address, where the model read the return
_ADDRESS_GIVEN_24 = re.compile(
    r"地址(?:给|发|告诉)(?:我|一下|下)|(?:给|发|告诉)(?:我)?(?:个|一下|下)?(?:退货)?地址"
)
_ADDRESS_MINE_24 = re.compile(r"改|换|写错|填错|我的地址|新地址")
# a measure of the garment asked with no height or weight ("那个裤子它那个腰围是多少啊"): the
# chart, where the model read which size to pick
_MEASURE_24 = re.compile(
    r"(?:腰围|臀围|胸围|衣长|裤长|袖长|肩宽|裤腰|腰头|裙长|裤脚|大腿围)(?:是|有)?(?:多少|多大|多长|多宽|几)"
)
_PICK_24 = re.compile(r"(?:什么|哪个|啥|哪)码|选|拍|适合|合适")
# a smell told in English words the model lacks ("it reeks of chemicals"): the smell, where the
# model read the material
_SMELL_EN_24 = re.compile(r"\b(?:smell\w*|reek\w*|stink\w*|stank|odou?r\w*|whiff|fumes?)\b")
# a remote place asked whether it is reached, its postage after ("西藏能到不 运费多少"): the
# region, where the model read the postage (the region's answer has the remote postage)
_REMOTE_24 = frozenset(
    {"甘肃", "青海", "宁夏", "贵州", "新疆", "西藏", "香港", "澳门", "台湾", "海外"}
)
_REACHED_24 = re.compile(
    r"能(?:不能)?(?:到|寄|发|送)(?:到)?(?:吗|不|么|嘛)|(?:寄|发|送)(?:得|不)(?:到|过去)"
    r"|(?:到|寄|发|送)不(?:到|寄|发|送)"
)


def _reread_24(
    group: str, current: str, text: str, lower: str, norm: str, slots: Slots
) -> str | None:
    """The kinds of round 24 (see the patterns above); checked before the earlier rounds'."""

    def plain() -> bool:  # no grievance told (only where a rule needs it)
        return not _either(_GRIEVANCE, lower, norm)

    social_misread = group in ("other", "complaint", "human", "greeting")
    # (a fault too: "早上好 店家开工没" was read as one by 开, as in 开线)
    misread = social_misread or current in (STATUS_INTENT, "quality.problem")
    if misread and group != "greeting" and _presence_24(
        lower, norm
    ) and plain():
        return GREETING_INTENT
    if group in ("complaint", "human", "greeting") and _either(_ORIGIN_24, lower, norm) and plain():
        return FALLBACK_INTENT
    if group in ("complaint", "human", "order", "shipping") and _JOB_24.search(norm):
        return FALLBACK_INTENT
    if group in ("size", "order", "shipping", "complaint") and _TRANSLATE_24.search(norm):
        return FALLBACK_INTENT
    if group in ("order", "complaint", "human", "quality") and _NOT_FOR_YOU_24.search(norm) and (
        plain() and not cues(norm)
    ):
        return FALLBACK_INTENT
    if group == "other" and _OTHER_COLOURS_24.search(norm):
        return "color.options"
    if group in ("order", "shipping", "other", "payment") and _RETURN_COVER_23.search(norm):
        return POSTAGE_INTENT
    if current == RETURN_INTENT and _ADDRESS_GIVEN_24.search(norm) and not (
        _ADDRESS_MINE_24.search(norm)
    ):
        return RETURN_ADDRESS_INTENT
    if current == SIZE_ADVICE_INTENT and slots.height_cm is None and slots.weight_kg is None and (
        _MEASURE_24.search(norm) and not _PICK_24.search(norm)
    ):
        return "size.chart"
    if current == MATERIAL_INTENT and not cjk_count(norm) and _SMELL_EN_24.search(lower) and not (
        _FABRIC_ASKED_EN_23.search(lower)
    ):
        return "quality.smell"
    if current == SHIPPING_FEE_INTENT and slots.region in _REMOTE_24 and _REACHED_24.search(norm):
        return "shipping.region"
    return None


# round 25's kinds, each only where the model read what it names (checked first):
# a presence check told piece by piece as rounds 22-24 read it, with more checks (the shop open
# for the day "店主 今天开张没", someone in at an hour "这个时间了还有人在线吗") and more remarks
# beside one (just off work or class "我刚下课", a regular "我是你家老客户啦", a newcomer
# "新顾客报到", a reply asked if someone is in "在的话回我一下", the hours asked "几点上班呀",
# someone called out "出来一个"); a check said again with the shop's address glued to it
# ("在吗在吗客服"), and the shop's address alone said again ("店家店家店家"): a calling out,
# where the model read a person or fell back
_PRESENCE_25 = re.compile(
    r"^(?:今天|今儿个?|现在|这会儿?|还)?(?:开张|开业|开工)(?:了)?"
    r"(?:吗|么|嘛|没|不|没有|了吗|了没|了不)?(?:啊|呀)?$"
    r"|^(?:这边|那边|店里)?(?:这个点|这个时间|这时候|这么晚|周末|今天|今晚|晚上|现在|这会儿?|放假)?"
    r"(?:了)?(?:也|还)?(?:是)?有(?:没有)?人(?:在)?(?:值班|上班|在线|看着|看店)?(?:的)?"
    r"(?:吗|么|嘛|没|不|没有|呢)?(?:啊|呀)?$"
)
_REMARK_25 = re.compile(
    r"^我?(?:刚|才|刚刚)?(?:下班|放学|下课|忙完|睡醒|起床|到家|回家)(?:了)?(?:才|就)?(?:有空|有时间)?"
    r"(?:看(?:手机|消息))?(?:来问)?(?:哈|啊|呀)?$"
    r"|^(?:新|老)?(?:买家|顾客|客户|粉丝|宝宝)?(?:来)?报(?:道|到)(?:了|啦|咯)?$"
    r"|^我是(?:你们?|您)?家?(?:的)?(?:老顾客|老客户|回头客|老粉|老买家|新顾客|新买家)(?:了|啦|哦|呀|啊)?$"
    r"|^(?:在|有人)的话(?:回|吱|说)(?:我|个话|一下|下|一声|句话)*(?:呗|吧)?$"
    r"|^(?:你们?)?(?:今天|每天|周末)?几点(?:上线|上班|开工|开门|在线)(?:呀|啊|呢)?$"
    r"|^(?:快|赶紧)?出来(?:0|一)?个(?:人)?(?:呗|吧|啊|呀)?$"
)
_AGAIN_25 = re.compile(r"(.{2,3}?)\1+")
_ADDRESS_AGAIN_25 = re.compile(r"^(客服|店家|店主|老板娘|老板|掌柜的?|亲)\1+$")
# in English, clause by clause (the message cut at its punctuation): every clause a presence
# check or a remark that goes with one, at least one the check — someone here or working ("yo
# is anybody working rn or is it just me"), the chat working, on or live ("excuse me, is the
# shop chat even on", "hi hi, is this live"), a real someone reading the messages; remarks: a
# first time on the chat, sorry for the spam
_LEAD_EN_25 = re.compile(
    r"^(?:(?:knock knock|yo|oi|hey+|hi+|hello+|helo+|hiya|heya|excuse me|um+|uh+"
    r"|good (?:morning|afternoon|evening|day)|morning|afternoon|evening|testing|test)\s*)+"
)
_TAIL_EN_25 = re.compile(
    r"(?:\s+(?:or is it just me|or what|or not|or nah|or|lol|lmao|rn|today|tonight|now|at all))+$"
)
_PRESENCE_EN_25 = re.compile(
    r"^(?:is |are )?(?:any ?one|any ?body|any1|some ?one|some ?body|a real (?:some ?one|person"
    r"|human))(?: (?:actually|even|really))? (?:here|there|around|working|in|online|awake"
    r"|reading|checking|seeing|answering)(?: (?:this|these|my|the) (?:messages?|msgs?|chat"
    r"|texts?|dms))?$"
    r"|^(?:is )?(?:this|the|your) (?:(?:shop|store) )?(?:chat|thing|line|app|shop|store)"
    r"(?: even| actually| still)?"
    r" (?:working|on|live|active|open|online)$"
    r"|^(?:is )?(?:this|it) live$"
)
_REMARK_EN_25 = re.compile(
    r"^(?:this is )?(?:my )?first time (?:using|on|trying) (?:this|the) (?:chat|app|thing)"
    r"(?: thing)?$"
    r"|^sorry (?:for|about) (?:the )?(?:spam|spamming|all the messages|the bother|bothering you)$"
)


_PRESENCE_CJK_25 = frozenset(cjk_chars("".join(p.pattern for p in (
    _PRESENCE_25, _REMARK_25, _PRESENCE_24, _PRESENCE_22, _PRESENCE_ZH, _PRESENCE_23,
    _AT_WORK_21, _ASK_ANNOUNCED_24, _PRESENCE_REMARK_22, _HOUR_REMARK, _ADDRESS_ZH,
    _HELLO_LEAD_21, _LAUGH_TAIL_22, _YOU_LEAD_24, _PARTICLES_23, _CALLED_OUT_23,
)) + "的妹姐哥小"))
"""Every Chinese character round 25's presence check can keep (a cheap first test: a message
with any other character is no presence check, about 2 µs)."""
_PRESENCE_WORD_EN_25 = re.compile(r"any|some|chat|live|open|working|there|here|around|\bon\b")


def _presence_25(lower: str, norm: str) -> bool:
    """A presence check in more words (see above)."""
    if cjk_count(norm):
        if any(ch not in _PRESENCE_CJK_25 for ch in cjk_chars(norm)):
            return False
        bare = norm.replace(" ", "")
        if _ADDRESS_AGAIN_25.match(bare):
            return True
        if mentions_person(norm):
            return False
        checks = 0
        for piece in norm.split():
            piece = _AGAIN_25.sub(r"\1", piece)
            for attempt in (0, 1):
                if attempt:
                    piece = _HELLO_LEAD_21.sub("", piece)
                piece = _LAUGH_TAIL_22.sub("", _CHAT_ADDRESS_22.sub("", _ADDRESS_ZH.sub("", piece)))
                piece = _YOU_LEAD_24.sub("", piece.lstrip("的"))
                piece = re.sub(r"^(?:妹妹?|姐姐?|哥哥?|小妹)", "", piece)
                if not piece or _PARTICLES_23.match(piece):
                    break
                if (_PRESENCE_25.match(piece) or _PRESENCE_24.match(piece)
                        or _PRESENCE_22.match(piece) or _PRESENCE_ZH.match(piece)
                        or _PRESENCE_23.match(piece) or _AT_WORK_21.match(piece)):
                    checks += 1
                    break
                if (_REMARK_25.match(piece) or _ASK_ANNOUNCED_24.match(piece)
                        or _PRESENCE_REMARK_22.match(piece) or _REMARK_23.match(piece)
                        or _HOUR_REMARK.match(piece)):
                    break
                if attempt:
                    return False
        return checks > 0
    if _PRESENCE_WORD_EN_25.search(lower) is None:
        return False
    checks = 0
    reader = False
    for clause in re.split(r"[?!.,;:]+|\s[-—]+\s", lower):
        plain = " ".join(re.sub(r"[^a-z0-9' ]+", " ", clause).split())
        rest = _TAIL_EN_25.sub("", _LEAD_EN_25.sub("", plain)).strip()
        if not rest:
            continue
        if _PRESENCE_EN_25.match(rest) or _PRESENCE_EN_24.match(rest) or _PRESENCE_EN.match(rest):
            checks += 1
            reader = reader or rest.startswith(("a real", "is a real"))
        elif not (_REMARK_EN_25.match(rest) or _REMARK_EN_23.match(rest)):
            return False
    return checks > 0 and (reader or not mentions_person(lower))


# a person asked for where the model read an exchange by 换 ("是不是换个人工好点"), or where to
# find one asked ("人工在哪找 翻了半天") where it read a complaint
_SWAP_PERSON_25 = re.compile(r"换(?:个|一个|成)?(?:人工|真人|活人)")
_FIND_PERSON_25 = re.compile(
    r"(?:怎么|咋|如何|在哪)(?:才能|可以|能)?(?:找|联系|转|接通)(?:到|上)?(?:你们的?)?(?:人工|真人)"
    r"|人工(?:客服)?(?:在哪|入口)|\bhow (?:do|can) i (?:get|reach|find) (?:a|an) (?:human|agent"
    r"|real person)\b"
)
# small talk the model heard a complaint in, with no shop word and nothing wrong told: the
# weather ("你们那边热不热 我这38度了"), stocks or the lottery ("炒股亏了 心情差"), her family
# ("我婆婆又来我家了 烦死了"), a joke found funny ("lmao thats so funny"), the bot's favourite
# colour; a slip of her own ("手滑", "ignore my last"); the shop's new arrivals or a restock
# asked ("你们啥时候上新", "when is the restock"), where the model read when the shop ships
_SMALL_TALK_25 = re.compile(
    r"冷不冷|热不热|下(?:大|小|暴|阵)?雪|下(?:大|小|暴|阵)?雨|零下|气温|几度|天气|股票|基金|炒股|彩票|房价|老公|老婆|男朋友|女朋友"
    r"|男票|女票|婆婆|惹我生气|手滑|点错了|按错了|别理我|老家是?(?:在)?哪"
    r"|\b(?:weather|mondays?|stock market|am i right|my (?:husband|wife|bf|gf|boyfriend"
    r"|girlfriend)|that'?s (?:so )?(?:funny|hilarious)|(?:fav|favou?rite) colou?r)\b"
    r"|\bthats (?:so )?(?:funny|hilarious)\b|\bignore (?:that|this|me|my last)\b"
)
_SHOP_WORD_25 = re.compile(
    r"快递|物流|单|货|衣|裤|裙|鞋|退|换|码|钱|客服|店|买|拍|件|寄|发|颜色|色差"
    r"|\b(?:order\w*|parcel|package|refund\w*|return\w*|ship\w*|deliver\w*|size|dress|shirt"
    r"|jacket|hoodie|jeans|item|bought|paid|money)\b"
)
_NEW_IN_25 = re.compile(
    r"上新|出新(?:款|品)|新款(?:什么时候|啥时候|几时)|补货|返场|再上架"
    r"|\brestock\w*|\bback in stock\b|\bcoming back\b"
)
_MINE_25 = re.compile(
    r"我(?:的|那|这)?(?:单|订单|快递|包裹)|我(?:拍|买|下单|付款)|\bmy (?:order|parcel|package)\b"
    r"|\bi (?:ordered|bought|paid|pre-?ordered)\b|\bpre-?order\w*"
)
# an item added before the parcel goes ("if its not packed yet can you add one more in grey"):
# the order's change, where the model fell back
_ADD_ONE_EN_25 = re.compile(
    r"\b(?:throw in|add|put in|chuck in|slip in|include|stick in) (?:one|1|another|an extra"
    r"|a second|two|2)\b"
)
_NOT_GONE_EN_25 = re.compile(
    r"\bnot (?:packed|shipped|sent|posted|gone out|boxed)(?: out)? yet\b"
    r"|\bbefore (?:it|you|u) (?:ship|send|post|pack|go)"
)
# the dispatch the shop promised, gone by ("不是说24小时内发货吗 已经3天了"): her order's status,
# where the model read when the shop ships
_PROMISED_25 = re.compile(r"(?:说好|不是说|承诺|答应)(?:的)?.{0,8}发")
_DAYS_GONE_25 = re.compile(r"(?:现在|已经|都)(?:都)?(?:第)?0(?:天|个?小时)|还(?:没|不)发")
# paid when the parcel is there, in more words ("货送到了我再把钱给快递员行吗"): cash on delivery
_PAY_ON_ARRIVAL_25 = re.compile(
    r"(?:到了|到货|收到货?|送到|拿到货?)(?:以后|之后)?(?:我)?再(?:把)?钱(?:给|付|转)"
    r"|(?:到了|到货|收到货?|送到|拿到货?)(?:以后|之后)?(?:我)?再(?:把钱)?(?:给|付)(?:钱|他|快递员|快递小哥)"
)
# an insult beside her money ("you guys are a joke, where is my refund"): the complaint,
# where the model read the return (round 23 read it in Chinese: "是想吞我的钱吗", "黑店")
_INSULT_EN_25 = re.compile(
    r"\b(?:you|u)(?: guys| lot| people)? (?:are|r) (?:a |an )?(?:joke|clowns|thieves|crooks"
    r"|pathetic|a disgrace|disgrace|frauds?|liars)\b|\b(?:thieves|crooks|clowns)\b"
)
# plain disappointment with a refund asked ("so disappointed, the seam ripped, can i get a
# refund"): the return, where the model read a complaint
_LET_DOWN_25 = re.compile(r"\b(?:disappoint\w*|gutted|upset|bummed|sad)\b|失望|难过|郁闷")
_WANTS_BACK_25 = re.compile(
    r"\bcan i (?:get|have) (?:a |my )?(?:refund|money back)\b|\bcan i (?:return|send) (?:it|this"
    r"|them)(?: back)?\b|能退吗|可以退吗|能退款吗|我要退"
)
# how to ask for the refund ("refund在哪申请"): the return, where the model read its progress
_HOW_APPLY_25 = re.compile(
    r"(?:怎么|如何|咋)(?:样)?申请|在哪(?:里)?申请|\bhow (?:do|can|would) i (?:request|apply for"
    r"|claim|ask for)\b"
)
_WHEN_25 = re.compile(r"到账|多久|什么时候|啥时候|几天|\b(?:when|yet|still|how long)\b")
# her own return's parcel, asked whether the shop has it ("我退回的包裹你们收到没", "寄回去的衣服
# 收到了吗", "did you get my returned parcel"): the return's progress — the model sits between the
# order's status and a new return there, within a few thousandths (which one wins differed by CPU)
_OWN_RETURN_HAD = re.compile(
    r"(?:退回|寄回|退还|寄还)(?:去|来|给你们)?的?(?:包裹|快递|东西|衣服|货|件)?.{0,8}?"
    r"(?:收到(?:没|了吗|了没|没有|了么|吗)|有没有收到|收没收到)"
    r"|\b(?:did|have|has) (?:you|u|the shop|ur warehouse|your warehouse) (?:guys )?"
    r"(?:get|got|receive|received) (?:my|the) return(?:ed)?\b"
)


def _reread_25(
    group: str, current: str, text: str, lower: str, norm: str, slots: Slots
) -> str | None:
    """The kinds of round 25 (see the patterns above); checked before the earlier rounds'."""

    def plain() -> bool:  # no grievance told (only where a rule needs it)
        return not _either(_GRIEVANCE, lower, norm)

    social_misread = group in ("other", "complaint", "human")
    if (social_misread or current in (STATUS_INTENT, "quality.problem")) and _presence_25(
        lower, norm
    ) and plain():
        return GREETING_INTENT
    if current == EXCHANGE_INTENT and _SWAP_PERSON_25.search(norm):
        return HUMAN_INTENT
    if group in ("complaint", "other") and _either(_FIND_PERSON_25, lower, norm) and plain():
        return HUMAN_INTENT
    if group in ("complaint", "thanks", "color") and _either(_SMALL_TALK_25, lower, norm) and (
        plain() and not _either(_SHOP_WORD_25, lower, norm)
    ):
        return FALLBACK_INTENT  # (a cue here is her mood, not the shop's doing: "烦死")
    if group in ("shipping", "order") and _either(_NEW_IN_25, lower, norm) and not (
        _either(_MINE_25, lower, norm)
    ):
        return FALLBACK_INTENT
    if group in ("other", "size", "color") and _ADD_ONE_EN_25.search(lower) and (
        _NOT_GONE_EN_25.search(lower)
    ):
        return MODIFY_INTENT
    if current == "shipping.dispatch_time" and _PROMISED_25.search(norm) and (
        _DAYS_GONE_25.search(norm)
    ):
        return STATUS_INTENT
    if group in ("order", "shipping", "complaint") and _PAY_ON_ARRIVAL_25.search(norm) and (
        plain()
    ):
        return COD_INTENT
    if group in ("returns", "order") and _INSULT_EN_25.search(lower):
        return COMPLAINT_INTENT
    if group == "complaint" and _either(_LET_DOWN_25, lower, norm) and (
        _either(_WANTS_BACK_25, lower, norm)
    ) and plain() and not cues(norm):
        return RETURN_INTENT
    if current == REFUND_PROGRESS_INTENT and _either(_HOW_APPLY_25, lower, norm) and not (
        _either(_WHEN_25, lower, norm)
    ):
        return RETURN_INTENT
    if group in ("order", "returns") and current != REFUND_PROGRESS_INTENT and (
        _either(_OWN_RETURN_HAD, lower, norm)
    ):
        return REFUND_PROGRESS_INTENT
    return None


# round 26's kinds, each only where the model read what it names (checked first).
# A presence check told in any words, read by its parts rather than matched whole: it opens
# as a greeting or by calling the shop (你好, 亲, 老板娘, 客服, 喂, 请问, hi, yo, hey, excuse
# me), it asks whether someone is there, at work, awake, open or reading (有人, 在吗, 还在,
# 上班没, 值班, 醒了没, 看见, 回个消息; anyone, somebody, you there, online, around, still up),
# and nothing else in it is the shop's business, a grievance, a frustration cue, a person asked
# for, the hours asked (几点, 周末, "weekend") or a job wanted: whatever else is said beside it
# is a remark ("我刚哄完娃", "刚才网不好", "on my lunch break rn", "just finished my shift").
# Rounds 19-25 matched each check whole, in the words seen; the model reads 客服 and a mood as
# a complaint and a remark as out of scope.
_OPENS_SOCIAL_ZH_26 = re.compile(
    r"^(?:你好|您好|哈喽|哈啰|嗨|喂|早上好|早安|早|晚上好|下午好|中午好|亲爱的|亲|请问|老板娘|老板"
    r"|店家|店主|掌柜|客服|小姐姐|小姐|小哥哥|在|有人|hi|hello|hey)"
)
_OPENS_SOCIAL_EN_26 = re.compile(
    r"^\W*(?:hi+|hello+|helo+|he+y+|heya|hiya|hai+|hallo+|yo+|oi|howdy|morning|evening"
    r"|good (?:morning|evening|afternoon)|excuse me|um+|any ?one|any ?body|any1|some ?one"
    r"|some ?body|you there|u there|tap(?: tap)*|knock(?: knock)*|psst)\b"
)
_ASKS_PRESENCE_ZH_26 = re.compile(
    r"有人|在吗|在不|在的|在线|还在|在家|上班(?:了|没)|值班|营业|开着|开门|醒|看见|看到|瞅见|能回"
    r"|回个?消息|回我|回一下|冒个?泡|吱一?声"
)
_ASKS_PRESENCE_EN_26 = re.compile(
    r"\b(?:any ?one|any ?body|any1|some ?one|some ?body|u there|you there|ya there|online"
    r"|around|awake|still up|read (?:the|my|these) (?:messages|msgs)|behind the keyboard"
    r"|on duty|up and running)\b"
    # the chat itself asked after ("is the shop chat up and running", "this chat working today")
    r"|\b(?:chat|line|inbox)\b(?: \w+){0,2} (?:working|live|running)\b"
)
# what makes it more than a presence check: the shop's business, the hours or a job asked, a
# person or a call, stock ("在吗 这件还有货不"), or the service judged ("回个消息要半天",
# "are you even reading these")
_MORE_THAN_PRESENCE_26 = re.compile(
    r"快递|物流|单|货|衣|裤|裙|鞋|退|换|码|钱|买|卖|拍|件|寄|发|颜色|色|尺|包邮|运费|优惠|券|便宜|价"
    r"|付|款|票|料|质量|洞|坏|招|兼职|缺人|应聘|几点|周末|人工|真人|电话|还有(?:吗|没|不)"
    r"|慢|难|摆设|掉线|就这样|这么(?!早|晚)|都没有|一个.{0,4}都"
    # someone to deal with it, the bot told off: a person wanted ("有人管吗", "机器人别回了")
    r"|管|机器人|自动回复"
    r"|\b(?:order\w*|parcel|package|refund\w*|return\w*|ship\w*|deliver\w*|size\w*|dress\w*"
    r"|shirt|jacket|hoodie|jeans|item|bought|paid|money|price|discount|coupon|code|pay\w*"
    r"|invoice|colou?r|fabric|material|stock|buy|sell\w*|track\w*|courier|post\w*|exchange"
    r"|cancel|address|fit|small|large|medium|wear|help|question|ask|q|issue|problem|account"
    r"|login|password|app|website|job|hire|hiring|essay|homework|know|call|ring|phone|number"
    r"|human|agent|person|real|manager|hours|close|sunday|weekend|store|street|testing"
    r"|doesn'?t|don'?t|feel|sleep|always|never)\b"
)
# (on the typed words only: the normaliser stems "evening" to "even", a hello, not the service
# judged — "are you even reading these"; round 27)
_JUDGED_EN_26 = re.compile(r"\b(?:even|ever)\b")


def _only_social_26(text: str, lower: str, norm: str) -> bool:
    """Nothing in the message beyond the social: no shop business, no cue or grievance, no
    hostility or mockery, no person asked for (what a presence check or a hello with a remark
    must not carry)."""
    if _either(_MORE_THAN_PRESENCE_26, lower, norm) or _JUDGED_EN_26.search(lower):
        return False
    if _cues_26(text, norm):
        return False
    if _either(_GRIEVANCE, lower, norm) or _HOSTILE.search(text) or _either(_MOCKS, lower, norm):
        return False
    return not _asks_person(lower, norm)


def _presence_26(text: str, lower: str, norm: str) -> bool:
    """A presence check told with remarks beside it (see above)."""
    if not (_OPENS_SOCIAL_ZH_26.match(norm) or _OPENS_SOCIAL_EN_26.match(lower)):
        return False
    if not (_ASKS_PRESENCE_ZH_26.search(norm) or _ASKS_PRESENCE_EN_26.search(lower)):
        return False
    return _only_social_26(text, lower, norm)


# a hello with only a remark about herself after it, no question at all ("嗨 我刚关注你们 第一次来",
# "hey! new customer here"): the greeting, where the model read out of scope or a complaint
_HELLO_26 = re.compile(
    r"^(?:(?:你好|您好|哈喽|哈啰|嗨|早上好|早安|晚上好|下午好|hi+|hello+|helo+|he+y+|heya|hiya|hai+"
    r"|hallo+|yo+|howdy|good (?:morning|evening|afternoon)|morning|evening)(?![a-z])"
    r"[\s!！~～.。,，]*)+"
)
_ASKS_ANYTHING_26 = re.compile(
    r"[?？吗嘛呢]|(?<![这那怎什多要为干甚])么|怎么|什么|啥|哪|几|能不能|可以|多少|是不是|有没有"
    r"|\b(?:what|when|where|why|how|which|who|can|could|would|will|do|does|is|are|pls|please)\b"
)


def _cues_26(text: str, norm: str) -> list[str]:
    """The frustration cues, a first time aside: every digit run is 0 once normalised, so
    "第一次来你家" (a first visit) reads as "第0次", the chasing of a third or fourth time.
    (The model's features keep the cue as trained; a rule reading a remark must not.)"""
    if _FIRST_TIME_26.search(text):
        norm = norm.replace("第0次", "首次")
    return cues(norm)


_FIRST_TIME_26 = re.compile(r"第(?:一|1)次|头一次")


def _hello_with_remark_26(text: str, lower: str, norm: str) -> bool:
    """A hello and a remark, nothing asked (see above)."""
    found = _HELLO_26.match(lower) or _HELLO_26.match(norm)
    if found is None:
        return False
    rest = found.string[found.end():].strip()
    if cjk_count(rest) < 3 and len(rest.split()) < 2:
        return False  # ("hello robot": a word to the bot, not a remark)
    if _ASKS_ANYTHING_26.search(text.lower()) or _ASKS_ANYTHING_26.search(norm):
        return False
    return _only_social_26(text, lower, norm)


# where to find a person, with the person named first ("人工在哪找啊 找半天了"): round
# 25 read the verb first ("怎么找人工"); someone asked to write or ring back ("could someone from
# your team call me back"); someone with a say swapped in ("换一个能做主的人来")
_FIND_PERSON_26 = re.compile(
    r"(?:人工|真人)(?:客服)?(?:怎么|如何|在哪)(?:里)?(?:才能|能)?(?:找|转|联系|接通)"
    r"|换(?:个|一个|0个)?(?:能做主|说了算|管事|能管事)的(?:人|来)?"
    r"|\b(?:staff member|member of staff|someone|somebody|a person|an agent|a human|a rep)"
    r"(?: (?:from|on|at) (?:your|the|ur) (?:team|shop|store|staff|support|end))?"
    r" (?:(?:can|could|to) )?(?:message|text|email|call|ring|contact|get back to|reach out to)"
    r" me\b"
)
_SAY_SWAP_26 = re.compile(r"换(?:个|一个|0个)?(?:能做主|说了算|管事|能管事)的")
# an order number given with words about it ("KF20260777 hows it going with this one"): her order
# looked up, where the model fell back or read a greeting; a number alone already is
# (a complaint or a grievance beside the number stays the model's)
# small talk the model heard a complaint in, by its topic (round 25 read the weather, stocks,
# family): meals and the staff fed ("客服中午吃饭了没 记得吃饭哦"), shows and films ("最近追什么剧")
_SMALL_TALK_26 = re.compile(
    r"吃(?:午饭|晚饭|早饭|早餐|午餐|晚餐|饭)了?(?:没|吗|么)|别饿着|饿不饿|电视剧|综艺|电影"
    r"|[追看].{0,3}剧|(?:什么|啥|好看的)剧"
    r"|\b(?:had (?:your )?(?:lunch|dinner|breakfast)|tv shows?|netflix|movies?|films?)\b"
)
# a hesitation in more words ("嗯嗯 那个 我琢磨一下")
_HESITATION_26 = re.compile(
    r"^(?:唔+|嗯+|额+|呃+|emm+|em+|那个|就是|行吧|好吧|那|我?再?(?:纠结|考虑|琢磨|犹豫|看看|想想)(?:一下|下)?"
    r"(?:吧|哈|啊)?)+$"
)
# the perks of a regular customer ("回头客有福利吗 买了五六次了"): money off, where the model
# heard a complaint
_REGULAR_PERKS_26 = re.compile(
    r"(?:老客|老顾客|老客户|老粉|回头客|老买家)(?:户)?(?:有|能有|可以有)?(?:啥|什么|没有)?"
    r"(?:福利|优惠|折扣|便宜|打折|赠品)"
)
# new arrivals in English ("new arrivals coming out soon?"): round 25's 上新 and restocks
# her item gone out asked ("has the parka gone out yet"): her order's status, where the model fell
# back ("go out" is no shipping word to it)
_WENT_OUT_EN_26 = re.compile(
    r"\b(?:did|has|have) (?:the|my|our) (?:\w+ ){0,2}(?:go|gone|went) out\b"
    r"|\b(?:gone|go|went) out (?:to me )?yet\b"
)
_NEW_IN_EN_26 = re.compile(
    r"\bnew (?:arrivals?|collection|season|stuff|styles?) (?:drop|dropping|come|coming|out"
    r"|land|landing|launch\w*|release\w*)\b"
    r"|\bwhen (?:do|does|will|is|are) (?:the |your |ur )?new (?:arrivals?|collection|stuff"
    r"|season|styles?)\b"
)


def _reread_26(
    group: str, current: str, text: str, lower: str, norm: str, slots: Slots, sure: bool
) -> str | None:
    """The kinds of round 26 (see the patterns above); checked before the earlier rounds'."""
    if (group in ("other", "complaint") or (current == STATUS_INTENT and not sure)) and (
        _presence_26(text, lower, norm) or _hello_with_remark_26(text, lower, norm)
    ):
        return GREETING_INTENT
    if (group == "human" or not sure) and _presence_26(text, lower, norm):
        # (round 27: 有人 and 客服 are a person to the model, "chat up and running" the shop's
        # dispatch; a presence check by its parts asks for no one — ``_only_social_26``)
        return GREETING_INTENT
    if group in ("complaint", "other") and _either(_FIND_PERSON_26, lower, norm) and not (
        _either(_GRIEVANCE, lower, norm)
    ):
        return HUMAN_INTENT
    if (slots.order_no or slots.phone_last4) and (
        group in ("other", "greeting", "thanks")
        or (group == "complaint" and _plain_complaint(lower, norm))
    ):
        # (round 27: the phone's last four given with words about her order, "could u look up
        # what's happening w my stuff, last 4 are 2206 thx", read as a complaint or a thanks)
        return STATUS_INTENT
    if current == EXCHANGE_INTENT and _SAY_SWAP_26.search(norm):
        return HUMAN_INTENT  # (round 25 read 换个人工 so)
    if group == "other" and _missing_item(lower, norm):
        return STATUS_INTENT  # (round 17 read it where the model heard quality)
    if group == "complaint" and not cues(norm) and not _either(_GRIEVANCE, lower, norm):
        # (客服 here is whom she talks to, not the shop's business)
        if _either(_SMALL_TALK_26, lower, norm) and not _either(
            _SHOP_WORD_25, lower.replace("客服", " "), norm.replace("客服", " ")
        ):
            return FALLBACK_INTENT
        pieces = norm.replace("…", " ").split()
        if pieces and all(_HESITATION_26.match(p) for p in pieces):
            return FALLBACK_INTENT
        if _REGULAR_PERKS_26.search(norm):
            return DISCOUNT_INTENT
        if _return_not_exchange(lower, norm):
            return RETURN_INTENT  # (round 19 read it where the model heard the exchange)
    if group == "other" and _WENT_OUT_EN_26.search(lower):
        return STATUS_INTENT
    if group == "complaint" and _plain_complaint(lower, norm) and _cash_on_delivery(lower, norm):
        return COD_INTENT  # (round 27: "东西到我手上了再转钱给你 行不行" heard as a complaint)
    if group in ("shipping", "order") and _NEW_IN_EN_26.search(lower) and not (
        _either(_MINE_25, lower, norm)
    ):
        return FALLBACK_INTENT
    return None


# round 27 (session 22, branch ``blind27``): messages read by their parts — the laugh, the slip
# or the garment's part set apart, what is left decides
QUALITY_PROBLEM_INTENT = "quality.problem"
# a part of the garment with a fault on it ("拉链卡住了 怎么拽都不动", "大衣少颗扣子"): the
# garment's fault, where the model heard a parcel stuck (卡, 不动) or a size; never with the
# parcel's words beside it ("快递卡住了", "物流不动")
_PART_ZH_27 = (
    r"(?:拉链|拉头|扣子|纽扣|扣眼|袖子|袖口|领子|领口|衣领|口袋|裤脚|腰头|肩带|鞋带|鞋底|鞋跟)"
)
_PART_FAULT_ZH_27 = re.compile(
    _PART_ZH_27 + r"[^，,。？?\s]{0,3}(?:卡住|卡死|坏|掉了|松了|断|开线|开了|脱|拉不|不动)"
    r"|(?:少|缺|掉)了?(?:0|一)?(?:颗|个|粒|只)?" + _PART_ZH_27
)
_PARCEL_WORDS_27 = re.compile(r"快递|物流|包裹|到哪|发货|单号|派送|签收|驿站")
# a laugh first, then nothing the shop did ("笑不活了 刚看到个段子", "😂😂 ok the cat sticker you
# sent earlier killed me", "hahaha fair enough"): chit-chat, where the model heard a complaint;
# what follows the laugh must name no shop business, nothing wrong and no cue ("lol 'we'll
# get back to you' sure you will" stays the complaint: "sure")
_LAUGH_FIRST_27 = re.compile(
    r"^(?:\W|_)*(?:(?:哈+|嘻+|嘿嘿+|笑死(?:我)?了?|笑不活了?|笑疯了?|笑哭了?|lol+|lmf?ao+\w*|rofl"
    r"|ha(?:ha)+\w*|he(?:he)+\w*|xd+|[\U0001F602\U0001F923\U0001F606\U0001F639\U0001F60F])"
    r"(?:\W|_)*)+"
)
# (the shop itself named or mocked after the laugh: "lmao what a clown show this company is")
_THE_SHOP_JUDGED_27 = re.compile(
    r"\b(?:company|business|brand|shop|store|service|clowns?|circus|joke)\b|店|公司|服务"
)
# her own message sent by mistake ("不好意思 刚那条是误发的 别管", "打错字了"): out of scope, where
# the model heard a complaint — the 发 there is her message, not a parcel; the rest is read
# without the slip and must name no shop business
_SLIP_27 = re.compile(
    r"误发|发错(?:了)?(?:人|群|地方|对象)|(?:刚才?|刚刚)(?:那条|那句|那个)?(?:消息|信息)?[^，,。\s]{0,3}"
    r"发错|打错字|打错了|不小心发"
)


def _reread_27(group: str, current: str, text: str, lower: str, norm: str) -> str | None:
    """The kinds of round 27 (see the patterns above); checked before the earlier rounds'."""
    if group in ("order", "size", "other") and _PART_FAULT_ZH_27.search(norm) and not (
        _PARCEL_WORDS_27.search(norm) or _SIZE_WORD.search(norm)
    ):  # (a button that will not close over a belly is the size's: "怕扣子扣不上 拍几码")
        return QUALITY_PROBLEM_INTENT
    if group != "complaint" or not _plain_complaint(lower, norm) or _HOSTILE.search(text):
        return None
    laugh = _LAUGH_FIRST_27.match(lower)
    if laugh is not None and laugh.end() > 0:
        rest = lower[laugh.end():]
        rest_norm = normalize(rest)
        if not (_either(_MORE_THAN_PRESENCE_26, rest, rest_norm) or _either(_WRONG, rest, rest_norm)
                or cues(rest_norm) or _either(_MOCKS, rest, rest_norm)
                or _THE_SHOP_JUDGED_27.search(rest)):
            return FALLBACK_INTENT
    if _SLIP_27.search(norm):
        rest_norm = _SLIP_27.sub(" ", norm)
        if not (_SHOP_WORD_25.search(rest_norm) or cues(rest_norm)):
            return FALLBACK_INTENT
    return None


# round 28 (session 23, branch ``blind28``): each only where the model read what the rule names
# a return shown on her order that she never made ("那个单子怎么显示退回了 我没申请退啊", "it says
# returned but i never requested a return"): the order's status (the parcel went back), not
# the return
_DENIED_RETURN_28 = re.compile(
    r"(?:没|没有|并没有?|从没|从来没)(?:申请|要|说|点)?(?:过)?(?:退货|退款|退)"
    r"|\bi (?:didn'?t|did not|never) (?:ask\w* for|request\w*|start\w*|file\w*|make|made|want\w*)"
    r" (?:a |any |the )?(?:return|refund)"
)
_SHOWN_BACK_28 = re.compile(
    r"(?:显示|状态|变成|写着|怎么)(?:是|了|成)?(?:已)?退回|\b(?:says|shows|showing|status)\b.{0,20}\breturn"
)
# afraid of being cheated, told as her reason ("我怕被骗 东西到了我再付款行不行"): a reason for
# a safe way to pay, not a grievance (``_GRIEVANCE`` hears 骗)
_FEAR_OF_SCAM_28 = re.compile(
    r"(?:怕|担心|害怕|就怕|万一)(?:被骗|上当|遇到骗子|是骗子)"
    r"|\b(?:afraid|scared|worried|nervous)\b.{0,12}\b(?:scam\w*|cheated|ripped off)\b"
)
# her own order asked after, however annoyed ("我那单你们到底发不发", "我那条阔腿裤呢 人呢货呢"):
# the order's status where the model heard a plain complaint (no grievance, cue or hostility)
_MY_THING_28 = re.compile(
    r"我(?:那|这|的)(?:个|条|件|双|套|单|笔)?(?:单|订单|快递|包裹|货|东西)"
    r"|我(?:买|拍|订|下单)的|我(?:那|这)(?:条|件|双|套)[\u4e00-\u9fff]{1,6}呢"
)
_WHERE_SHIPPED_28 = re.compile(
    r"发不发|发没发|发了没|发货没|发了吗|发出来没|寄出来没|寄了没|寄没寄|到哪了?|到了没|(?:货|东西|快递|包裹|单子)呢"
)
# a card or a way to pay asked with where she is ("人在新加坡 国外的visa能付吗"): how to pay,
# not whether the shop ships there — nothing about sending in it
_CARD_28 = re.compile(
    r"visa|master ?card|万事达|银联|信用卡|银行卡|外卡|paypal|apple ?pay|google ?pay"
    r"|(?:能|可以|怎么)(?:付|支付|付款)(?:吗|不|么|$)"
)
_SENDING_28 = re.compile(
    r"发货|发到|寄到|寄|运费|邮费|快递|到货|\b(?:ship\w*|deliver\w*|post(?:age)?)\b"
)
# where she posts the thing she has packed ("ok packed it, where do i post it to"): the return
# address where the model fell back (the parcel comes to the shop, nothing else is sent)
_WHERE_POST_EN_28 = re.compile(
    r"\bwhere (?:do|should|can|shall) (?:i|we) (?:post|mail|send|ship|drop) (?:it|them|this|these)"
    r"(?: back| off)?(?: to)?\b"
)
# shipping waived ("whats the min spend to get shipping waived"): the fee, where the model read
# the dispatch
_WAIVED_28 = re.compile(
    r"\b(?:shipping|postage|delivery)\b.{0,12}\bwaiv\w*"
    r"|\bwaiv\w* (?:the )?(?:shipping|postage|delivery)"
)
# a carrier named in English with nothing of her parcel ("can mine go with dhl? ill cover the
# difference"): which courier, where the model fell back
_CARRIER_EN_28 = re.compile(
    r"\b(?:dhl|ups|fedex|usps|ems|royal mail|sf express|aramex|ninja ?van|j&t)\b"
)
_PARCEL_EN_28 = re.compile(r"\b(?:tracking|track|parcel|package|arriv\w*|delivered|lost|stuck)\b")
# see-through asked in other words ("夏天穿会不会透 里面要不要加打底"): the real colour (the
# label conventions), where the model read the fabric; breathable (透气) stays quality
_SHEER_28 = re.compile(r"(?:会不会|会|容易|怕|不会)透(?![气风])|透不透(?![气风])|透光|透肉")
# a fault feared before buying ("就是怕跟别家一样洗了掉色"): the material asked, where the
# model read a fault — nothing received or worn is told
_FEARS_FAULT_28 = re.compile(r"(?:怕|担心|害怕)[^，,。？?]{0,10}(?:掉色|褪色|起球|缩水|变形|染色)")
_HAD_IT_28 = re.compile(r"收到|到手|到了|拿到|拆开|穿了|洗了(?:一|0|两)次|刚买的|买回来")


def _reread_28(group: str, current: str, text: str, lower: str, norm: str) -> str | None:
    """The kinds of round 28 (see the patterns above); checked before the earlier rounds'."""
    if group == "returns" and _either(_DENIED_RETURN_28, lower, norm) and _either(
        _SHOWN_BACK_28, lower, norm
    ):
        return STATUS_INTENT
    if group == "complaint" and _either(_FEAR_OF_SCAM_28, lower, norm):
        # (the fear set apart, the rest must be a plain request to pay on arrival)
        rest_lower = _FEAR_OF_SCAM_28.sub(" ", lower)
        rest_norm = _FEAR_OF_SCAM_28.sub(" ", norm)
        if not _HOSTILE.search(_FEAR_OF_SCAM_28.sub(" ", text)) and _plain_complaint(
            rest_lower, rest_norm
        ) and _cash_on_delivery(rest_lower, rest_norm):
            return COD_INTENT
    if group == "complaint" and not _HOSTILE.search(text) and _plain_complaint(lower, norm) and (
        _MY_THING_28.search(norm) and _WHERE_SHIPPED_28.search(norm)
    ):
        return STATUS_INTENT
    if group == "shipping" and _either(_CARD_28, lower, norm) and not _either(
        _SENDING_28, lower, norm
    ):
        return PAYMENT_INTENT
    if group == "quality" and current != "color.real_color" and _SHEER_28.search(norm):
        return "color.real_color"
    feared = _FEARS_FAULT_28.search(norm) if current == QUALITY_PROBLEM_INTENT else None
    if feared is not None and not _HAD_IT_28.search(norm.replace(feared[0], " ")):
        return MATERIAL_INTENT
    if group in ("other", "order") and _WHERE_POST_EN_28.search(lower):
        return RETURN_ADDRESS_INTENT
    if group in ("shipping", "order", "other") and current != SHIPPING_FEE_INTENT and (
        _WAIVED_28.search(lower) and not _PARCEL_EN_28.search(lower)
    ):
        return SHIPPING_FEE_INTENT
    if group in ("other", "payment", "bargain") and _CARRIER_EN_28.search(lower) and not (
        _PARCEL_EN_28.search(lower)
    ):
        return "shipping.courier"
    return None
