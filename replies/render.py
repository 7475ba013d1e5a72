"""Render the shop's answers and the bot's UI strings from locale templates and the policy.

Templates live in ``replies/locales/<locale>.yaml`` with three sections:

- ``answers``: one template per intent id, or a mapping of variants (``default``, a region
  group, or a slot-dependent variant such as ``need_weight``);
- ``parts``: fragments chosen by the policy (courier rules, postage wording, date formats);
- ``ui``: every string the bot shows (buttons, prompts, order card...).

All locales are loaded and checked once: every locale has exactly the keys of ``zh_CN`` with the
same placeholders, every template is well-formed Telegram HTML, and every answer's placeholders
are known. Every value put into a template is HTML-escaped; the result is :class:`Html`, which
is never escaped twice.
"""

from __future__ import annotations

import functools
import html
import logging
import re
import string
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Concatenate, Literal, ParamSpec

import yaml

from replies.sizing import SizeAdvice, SizeChart, SizeRow
from replies.verdicts import VERDICTS, Verdict, decide
from replies.views import OrderView
from shop.couriers import courier_brand_name, policy_code
from shop.enums import (
    ADDRESS_CHANGE_REASONS,
    CARE_INSTRUCTIONS,
    CATEGORY_MEASUREMENTS,
    COURIER_CODES,
    DEFAULT_LOCALE,
    EXCHANGE_REASONS,
    FIBRES,
    MEASUREMENTS,
    ORDER_STATES,
    POSTAGE_PAYERS,
    PRODUCT_CATEGORIES,
    REGION_GROUPS,
    RETURN_REASONS,
    RETURN_REFUSALS,
    ItemKind,
    Measurement,
    OrderState,
    PostagePayer,
)
from shop.payments import payment_name
from shop.policy import WEEKDAYS, KindRule, ShopPolicy
from shop.regions import region_display_name

logger = logging.getLogger(__name__)

DEFAULT_LOCALES_DIR = Path(__file__).parent / "locales"
SECTIONS = ("answers", "parts", "ui")
SLOT_VARIANTS = ("need_height", "need_weight", "have_body")
ANSWER_VARIANTS = frozenset({"default", *REGION_GROUPS, *SLOT_VARIANTS, *VERDICTS})
KIND_VALUES = frozenset({"item_label", "item_return_days", "item_exchange", "item_postage"})
"""What an answer about one item kind may use (``answer(..., item_kind=...)``)."""
PAYMENT_VALUES = frozenset({"payments_refused", "couriers_refused"})
"""What an answer about the ways to pay or the couriers named may use (``answer(...,
payments=..., couriers=...)``)."""

OrderAsk = Literal["number", "list", "none"]
"""How an answer asking for the order ends (``answer(..., order_ask=...)``)."""
SLOT_NAMES = frozenset(
    {"order_no", "phone_last4", "height_cm", "weight_kg", "size", "color", "region", "quantity",
     "fit"}
)
# Categories whose length column has its own name (衣长, 裤长, 裙长): those whose chart has one.
LENGTH_LABELLED = tuple(c for c, m in CATEGORY_MEASUREMENTS.items() if "length_cm" in m)
TELEGRAM_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a",
     "tg-spoiler", "blockquote", "span"}
)


class LocaleError(ValueError):
    """A locale file is missing, malformed or out of step with zh_CN (names file and key)."""


class Html(str):
    """Text that is already safe Telegram HTML: never escaped again."""

    __slots__ = ()


def escape(value: Any) -> Html:
    """HTML-escape a value for a template (numbers and datetimes are formatted first)."""
    if isinstance(value, Html):
        return value
    return Html(html.escape(_plain(value), quote=False))


_TOLD_AGAINST: tuple[tuple[str, Measurement], ...] = (
    ("bust_cm", "chest_cm"), ("waist_cm", "waist_cm"), ("hip_cm", "hip_cm")
)
"""A measure the customer told (``SizeAdvice``'s field) and the chart's column it goes against."""


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float | Decimal):
        text = format(Decimal(str(value)).normalize(), "f")
        return text
    return str(value)


def _placeholders(template: str) -> set[str]:
    names: set[str] = set()
    for _, field, spec, conversion in string.Formatter().parse(template):
        if field is None:
            continue
        if not field.isidentifier() or spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must be a plain name like {{shop_name}}")
        names.add(field)
    return names


class _TagChecker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_TAGS:
            self.problems.append(f"<{tag}> is not a Telegram HTML tag")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes nothing open")
        else:
            self.stack.pop()


_PLACEHOLDER_IN_TAG = re.compile(r"<[^>]*\{")


def _check_html(template: str) -> None:
    if _PLACEHOLDER_IN_TAG.search(template):
        raise ValueError("placeholders may not sit inside an HTML tag (values are not quoted)")
    checker = _TagChecker()
    checker.feed(template.replace("{", "").replace("}", ""))
    checker.close()
    if checker.stack:
        checker.problems.append(f"<{checker.stack[-1]}> is never closed")
    if checker.problems:
        raise ValueError("; ".join(checker.problems))


def _open(opener: Html, body: Html) -> Html:
    """The verdict's opener before an answer: the answer then starts a new sentence (its first
    letter in capitals: "Yes. Regular items…")."""
    if opener and body[:1].islower():
        body = Html(body[0].upper() + body[1:])
    return Html(opener + body)


def _drop_blank_lines(text: str) -> Html:
    return Html("\n".join(line for line in text.split("\n") if line.strip()))


class _Escaping(dict[str, Any]):
    """The values a template is filled from, each HTML-escaped when the template asks for it
    (a template uses a handful of the dozens of policy values it is offered)."""

    def __getitem__(self, key: str) -> Html:
        return escape(super().__getitem__(key))


def _fill(template: str, values: Mapping[str, Any], where: str) -> Html:
    try:
        return Html(template.format_map(_Escaping(values)))
    except KeyError as exc:
        raise KeyError(f"{where} needs the value {exc.args[0]!r}") from None


def _load_locale_file(path: Path) -> dict[str, str]:
    """Read one locale file into flat keys: ``answers.<intent>[variant]``, ``parts.x``, ``ui.x``."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise LocaleError(f"{path}: cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise LocaleError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict) or set(raw) != set(SECTIONS):
        raise LocaleError(
            f"{path}: the top level must be exactly the sections {', '.join(SECTIONS)}"
        )
    flat: dict[str, str] = {}
    for section in SECTIONS:
        entries = raw[section]
        if not isinstance(entries, dict):
            raise LocaleError(f"{path}: section '{section}' must be a mapping of key: text")
        for key, value in entries.items():
            name = f"{section}.{key}"
            if section == "answers" and isinstance(value, dict):
                if "default" not in value and not {"yes", "no"} <= set(value):
                    raise LocaleError(
                        f"{path}: key '{name}' has variants but no 'default' (or 'yes' and 'no')"
                    )
                for variant, text in value.items():
                    if variant not in ANSWER_VARIANTS:
                        raise LocaleError(
                            f"{path}: key '{name}' has unknown variant '{variant}' "
                            f"(known: {', '.join(sorted(ANSWER_VARIANTS))})"
                        )
                    flat[f"{name}[{variant}]"] = _text(path, f"{name}[{variant}]", text)
            else:
                flat[name] = _text(path, name, value)
    return flat


def _text(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise LocaleError(f"{path}: key '{key}' must be text, not {type(value).__name__}")
    try:
        _placeholders(value)
        _check_html(value)
    except ValueError as exc:
        raise LocaleError(f"{path}: key '{key}': {exc}") from None
    return value


def normalize_locale(
    tg_language_code: str | None, locales: Iterable[str], fallback: str = DEFAULT_LOCALE
) -> str:
    """Map a Telegram ``language_code`` (zh, zh-hans, zh-TW, en-US...) onto one of ``locales``
    (the locale files found); ``fallback`` when none fits."""
    known = list(locales)
    if not tg_language_code:
        return fallback
    code = tg_language_code.strip().replace("-", "_").lower()
    for locale in known:
        if locale.lower() == code:
            return locale
    language = code.split("_", 1)[0]
    for locale in known:
        if locale.lower().split("_", 1)[0] == language:
            return locale
    return fallback


_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words nearly every English sentence a customer types has one of (keyboard mashing has none).
_ENGLISH = frozenset(
    """a an the i i'm im me my you your we our it its is are was be do does did can could
    would will to of in on at for from with and or not no yes ok okay hi hello hey thanks
    thank please what where when how why which who this that there have has get want need
    order parcel package size return exchange shipping delivery last four digits phone""".split()
)


_SENTENCE = 3
"""Common English words that make a message with Chinese in it a mix."""


def written_language(text: str) -> str | None:
    """The language a customer's message is plainly written in: ``"zh"`` for two or more
    Chinese characters (more of them than Latin words: "T恤有XL吗"), ``"en"`` for two or more
    Latin words, one of them a common English word, and no Chinese; ``None`` for numbers, a
    single word, keyboard mashing or a mix — an English sentence around a Chinese address or
    name ("can you send it to my office? 上海市浦东新区…": three common English words or more)
    is a mix, not Chinese."""
    han = len(_HAN.findall(text))
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    if han >= 2 and han > len(words):
        if sum(w in _ENGLISH for w in words) >= _SENTENCE:
            return None
        return "zh"
    if han == 0 and len(words) >= 2 and any(w in _ENGLISH for w in words):
        if all(w in _STOCK_REPLIES for w in words):
            return None  # "ok thanks", "yes please": typed the same in any chat language
        return "en"
    return None


# What makes Chinese a sentence, not a name: particles, pronouns, negations, the small verbs —
# a place, a product or a person's name has none of them or one at most ("西湖区", "羽绒服")
_ZH_GRAMMAR = frozenset(
    "的了吗呢吧啊呀嘛哦"  # particles
    "我你您他她们"  # pronouns
    "是在不没要能想把给会怎么什哪这就还都也很太请帮过着已"  # small verbs, negations, questions
)
_ZH_ENDING = frozenset("吗呢吧啊呀嘛")
# what a customer asks done, typed alone ("确认退货", "取消订单"): a sentence, if a short one
_ZH_DOING = re.compile(r"确认|取消|退|换|寄|查|付|催|改|收到|发货")
# ... and English: pronouns, the verbs every sentence has, question words — a product's name
# ("Oversized Hoodie in Grey", "the Denim Jacket") has none of them
_EN_GRAMMAR = frozenset(
    """i i'm im me my you your we our us it it's is are was were be do does did don't dont
    can could would will should what where when how why which who have has had get got want
    need please pls this that there here thanks thank hi hello hey isn't didn't cant can't
    confirm cancel send check track show tell help chase
    """.split()
)
_WORD_OR_APOSTROPHE = re.compile(r"[A-Za-z][A-Za-z']*")


def writes_a_sentence_in(text: str, language: str) -> bool:
    """Whether ``text`` has a sentence of ``language`` ("zh", "en") of its own, not only names,
    places or products of it: "oops typo, its 西湖区 not 西胡区" has no Chinese sentence (an
    English chat stays English), "ok 那什么时候到" has; "Oversized Hoodie in Grey" has no English
    sentence (a Chinese chat stays Chinese), "is the hoodie in stock" has; a job asked alone
    ("确认退货", "cancel it") is one."""
    if language == "zh":
        han = _HAN.findall(text)
        grammar = sum(c in _ZH_GRAMMAR for c in han)
        if grammar >= 2 or (grammar == 1 and han[-1] in _ZH_ENDING):
            return True
        # a job asked in Chinese alone ("确认退货"), or with a small word ("我要退"): not inside
        # English words ("what's the 退货地址?" names the return address)
        doing = _ZH_DOING.search(text) is not None
        return doing and (grammar >= 1 or _LATIN_WORD.search(text) is None)
    words = {w.lower() for w in _WORD_OR_APOSTROPHE.findall(text)}
    return bool(words & _EN_GRAMMAR)


# Words customers of any language type as they are: a reply of only these says nothing about
# the language the chat should be in.
_STOCK_REPLIES = frozenset(
    "ok okay yes yeah yep no nope thanks thank you thx ty please pls plz sure bye hi hello hey "
    "lol haha good fine nice cool".split()
)


def _hm(value: time) -> str:
    return f"{value.hour}:{value.minute:02d}"


ANSWERS_KEPT = 4096
"""Rendered answers a ``Replies`` keeps (cleared when full: a few hundred exist per shop)."""

_P = ParamSpec("_P")


def _kept_per_arguments(
    render: Callable[Concatenate[Replies, _P], Html],
) -> Callable[Concatenate[Replies, _P], Html]:
    """``Replies.answer`` rendered once for each set of arguments and kept (``ANSWERS_KEPT``;
    the policy and templates are fixed for the instance, and nothing else decides an answer):
    most questions come with no slots or the same few, so a shop renders each of its answers
    once per locale and variant, not on every message. ``render`` stays reachable as
    ``.__wrapped__`` (the tests compare the two)."""

    @functools.wraps(render)
    def answer(self: Replies, /, *args: _P.args, **kwargs: _P.kwargs) -> Html:
        key = (*args, *sorted(kwargs.items()))
        try:
            return self._answers[key]
        except KeyError:
            pass
        except TypeError:  # an argument that cannot be a key (none is today): rendered
            return render(self, *args, **kwargs)
        rendered = render(self, *args, **kwargs)
        if len(self._answers) >= ANSWERS_KEPT:
            self._answers.clear()
        self._answers[key] = rendered
        return rendered

    return answer


class Replies:
    """Everything the bot says, rendered from the shop policy and the locale templates."""

    def __init__(self, policy: ShopPolicy, locales_dir: Path | None = None) -> None:
        self.policy = policy
        self._dir = Path(locales_dir) if locales_dir is not None else DEFAULT_LOCALES_DIR
        self._templates = self._load_all()
        self._check_policy_texts()
        self._check_vocabulary()
        # escaped once here (escape() passes Html through): not again on every reply
        self._policy_values = {
            loc: {k: escape(v) for k, v in self._build_policy_values(loc).items()}
            for loc in self._templates
        }
        self._check_answers()
        # Telegram language codes seen, mapped onto a locale (every update asks; a few dozen
        # codes exist, the map is bounded all the same)
        self._locale_of_code: dict[tuple[str | None, str], str] = {}
        self._answers: dict[tuple[Any, ...], Html] = {}  # (``_kept_per_arguments``)

    # -- loading and checks ----------------------------------------------------------------------
    def _load_all(self) -> dict[str, dict[str, str]]:
        files = sorted(self._dir.glob("*.yaml"))
        by_locale = {f.stem: f for f in files}
        if DEFAULT_LOCALE not in by_locale:
            raise LocaleError(
                f"{self._dir}: the default locale file {DEFAULT_LOCALE}.yaml is missing"
            )
        reference = _load_locale_file(by_locale[DEFAULT_LOCALE])
        templates = {DEFAULT_LOCALE: reference}
        ref_names = {k: _placeholders(v) for k, v in reference.items()}
        for locale, path in by_locale.items():
            if locale == DEFAULT_LOCALE:
                continue
            flat = _load_locale_file(path)
            missing = sorted(set(reference) - set(flat))
            extra = sorted(set(flat) - set(reference))
            if missing:
                raise LocaleError(f"{path}: missing keys present in {DEFAULT_LOCALE}: {missing}")
            if extra:
                raise LocaleError(f"{path}: keys not in {DEFAULT_LOCALE}: {extra}")
            for key, text in flat.items():
                names = _placeholders(text)
                if names != ref_names[key]:
                    raise LocaleError(
                        f"{path}: key '{key}' has placeholders {sorted(names)} but "
                        f"{DEFAULT_LOCALE} has {sorted(ref_names[key])}"
                    )
            templates[locale] = flat
        return templates

    def _check_policy_texts(self) -> None:
        for locale in self._templates:
            for field, text in self.policy.local_texts():
                if locale not in text.root:
                    raise LocaleError(
                        f"shop policy field '{field}' has no '{locale}' text, but "
                        f"{self._dir / (locale + '.yaml')} exists"
                    )

    def _check_vocabulary(self) -> None:
        """Every value of the shop's enumerations the bot words has its UI text."""
        needed = [
            *(f"ui.exchange.reason.{code}" for code in EXCHANGE_REASONS),
            *(f"ui.exchange.postage.{payer}" for payer in POSTAGE_PAYERS),
            *(f"ui.address.refused.{reason}" for reason in ADDRESS_CHANGE_REASONS),
            *(f"ui.order.state.{state}" for state in ORDER_STATES),
            *(f"ui.returns.refusal.{code}" for code in RETURN_REFUSALS),
            *(f"ui.notice.courier.{code}" for code in COURIER_CODES),
            *(f"ui.category.{category}" for category in PRODUCT_CATEGORIES),
            *(f"ui.size.column.{measurement}" for measurement in MEASUREMENTS),
            *(f"ui.size.length.{category}" for category in LENGTH_LABELLED),
            *(f"ui.fibre.{fibre}" for fibre in FIBRES),
            *(f"ui.care.{code}" for code in CARE_INSTRUCTIONS),
            *(f"parts.verdict.{verdict}" for verdict in VERDICTS),
            *(f"parts.exchange_mode.{mode}" for mode in ("yes", "discretionary", "no")),
            *(f"parts.exchange_window.{unit}" for unit in ("days", "hours", "none")),
            *(f"parts.changes.{what}" for what in ("size", "color", "both")),
        ]
        missing = [key for key in needed if key not in self._templates[DEFAULT_LOCALE]]
        if missing:
            raise LocaleError(
                f"{self._dir / (DEFAULT_LOCALE + '.yaml')}: no text for "
                f"{', '.join(k.split('.', 1)[1] for k in missing)} (values of the shop's "
                "enumerations)"
            )

    def _check_answers(self) -> None:
        for locale, flat in self._templates.items():
            allowed = (
                set(self._policy_values[locale]) | SLOT_NAMES | KIND_VALUES | PAYMENT_VALUES
                | {"order_ask"}
            )
            for key, text in flat.items():
                if not key.startswith("answers."):
                    continue
                used = _placeholders(text)
                intent_id = key[len("answers.") :].split("[", 1)[0]
                wanted = [f"parts.order_ask.{mode}.{intent_id}" for mode in ("number", "list")]
                lacking = [w for w in wanted if "order_ask" in used and w not in flat]
                if lacking:
                    raise LocaleError(
                        f"{self._dir / (locale + '.yaml')}: key '{key}' ends with {{order_ask}}: "
                        f"it needs {', '.join(w.split('.', 1)[1] for w in lacking)}"
                    )
                unknown = used - allowed
                if unknown:
                    raise LocaleError(
                        f"{self._dir / (locale + '.yaml')}: key '{key}' uses unknown "
                        f"placeholders {sorted(unknown)} (see docs/replies.md)"
                    )

    def courier_name(self, stored: str, locale: str) -> str:
        """An order's courier as the shop's systems wrote it ("中通", "顺丰", "EMS") in the
        customer's language, when it is one of the policy's couriers; else as written."""
        wanted = stored.strip().lower()
        if not wanted:
            return stored
        ship = self.policy.shipping
        for courier in (ship.default_courier, ship.sf, ship.ems):
            names = [n.lower() for n in courier.name.root.values()]
            if any(wanted == n or (len(wanted) >= 2 and wanted in n) for n in names):
                return courier.name.get(self._locale(locale))
        return stored

    # -- locales ---------------------------------------------------------------------------------
    @property
    def locales(self) -> list[str]:
        return [DEFAULT_LOCALE, *sorted(k for k in self._templates if k != DEFAULT_LOCALE)]

    def normalize_locale(
        self, tg_language_code: str | None, fallback: str = DEFAULT_LOCALE
    ) -> str:
        key = (tg_language_code, fallback)
        found = self._locale_of_code.get(key)
        if found is None:
            if len(self._locale_of_code) >= 1024:
                self._locale_of_code.clear()
            found = self._locale_of_code[key] = normalize_locale(
                tg_language_code, self.locales, fallback
            )
        return found

    def _locale(self, locale: str) -> str:
        return locale if locale in self._templates else self.normalize_locale(locale)

    @property
    def intent_ids(self) -> list[str]:
        keys = self._templates[DEFAULT_LOCALE]
        return sorted({k[len("answers."):].split("[", 1)[0] for k in keys if k[:8] == "answers."})

    @property
    def ui_keys(self) -> list[str]:
        return sorted(k[3:] for k in self._templates[DEFAULT_LOCALE] if k.startswith("ui."))

    def placeholders(self, key: str) -> set[str]:
        """The placeholders of a UI key (as documented in docs/replies.md)."""
        return _placeholders(self._template(f"ui.{key}", DEFAULT_LOCALE))

    # -- building blocks -------------------------------------------------------------------------
    def _template(self, flat_key: str, locale: str) -> str:
        try:
            return self._templates[locale][flat_key]
        except KeyError:
            raise KeyError(f"no template '{flat_key}' in locale {locale}") from None

    def _part(self, key: str, locale: str, **values: Any) -> Html:
        return _fill(self._template(f"parts.{key}", locale), values, f"parts.{key} ({locale})")

    def _join(self, items: list[str], locale: str) -> Html:
        parts = [escape(i) for i in items]
        if len(parts) < 2:
            return Html("".join(parts))
        sep = self._part("list_separator", locale)
        last = self._part("list_last_separator", locale)
        return Html(sep.join(parts[:-1]) + last + parts[-1])

    def join(self, items: list[str], locale: str) -> Html:
        """A list in the locale's words ("上衣、裤装", "tops, trousers"); items are escaped."""
        return self._join(items, self._locale(locale))

    def format_money(self, yuan: Decimal | int | float, locale: str) -> str:
        amount = Decimal(str(yuan)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
        loc = self._locale(locale)
        return str(_fill(self._template("ui.money", loc), {"amount": text}, f"ui.money ({loc})"))

    def _local(self, dt: datetime) -> datetime:
        return dt.astimezone(self.policy.service_hours.zone) if dt.tzinfo else dt

    def format_datetime(self, dt: datetime, locale: str) -> str:
        """A date and time for customers, in the shop's time zone (naive values are shown as-is)."""
        loc, local = self._locale(locale), self._local(dt)
        return str(self._part(
            "datetime", loc, year=local.year, month_name=self._part(f"month.{local.month}", loc),
            day=local.day, hour=local.hour, minute=f"{local.minute:02d}",
        ))

    def send_by_line(self, deadline: datetime, locale: str, now: datetime | None = None) -> Html:
        """By when a return's parcel is to be posted, as customers say it: the last whole day
        before ``deadline`` in the shop's time zone (the policy's ``timezone``), with its
        weekday — "12月9日（周三）当天或之前寄出" (a bare "2026年12月10日 3:21" read like a
        clock in the wrong zone: a window ending in the small hours). When that day has passed
        already, the deadline itself, with its time."""
        loc, local = self._locale(locale), self._local(deadline)
        today = self._local(now or datetime.now(UTC)).date()
        last = local.date() - timedelta(days=1)
        if not deadline.tzinfo or last < today:
            return self.text("returns.quote.deadline", loc,
                             deadline=self.format_datetime(deadline, loc))
        day = self._part(
            "date", loc, month_name=self._part(f"month.{last.month}", loc), day=last.day,
            weekday=self._part(f"day.{WEEKDAYS[last.weekday()]}", loc),
        )
        return self.text("returns.quote.send_by", loc, day=day)

    def format_date(self, dt: datetime, locale: str) -> str:
        loc, local = self._locale(locale), self._local(dt)
        return str(self._part(
            "date", loc, month_name=self._part(f"month.{local.month}", loc), day=local.day,
            weekday=self._part(f"day.{WEEKDAYS[local.weekday()]}", loc),
        ))

    def _service_days(self, locale: str) -> Html:
        days = self.policy.service_hours.days
        if len(days) == 7:
            return self._part("days.every_day", locale)
        idx = [WEEKDAYS.index(d) for d in days]
        if len(idx) >= 3 and idx == list(range(idx[0], idx[-1] + 1)):
            return self._part("days.range", locale, first=self._part(f"day.{days[0]}", locale),
                              last=self._part(f"day.{days[-1]}", locale))
        return self._join([self._part(f"day.{d}", locale) for d in days], locale)

    def _postage(self, rule: KindRule, locale: str) -> Html:
        return self._part(f"postage.{rule.postage}", locale)

    def _build_policy_values(self, locale: str) -> dict[str, Any]:
        p = self.policy
        ship, fs, ret = p.shipping, p.free_shipping, p.returns
        money = self.format_money
        sf_rule = ""
        if ship.sf_on_request:
            sf_rule = self._part("sf.on_request", locale, sf=ship.sf.name.get(locale))
            if ship.sf_extra_weight_charge:
                sf_rule += self._part("sf.extra_weight", locale)
        else:
            sf_rule = self._part("sf.not_offered", locale)
        addr = ret.address
        address = addr.address.get(locale)
        return_address = (
            self._part("return_address", locale, address=address, postcode=addr.postcode)
            if addr.postcode else self._part("return_address.no_postcode", locale, address=address)
        )
        tiers = Html("\n".join(
            self._part("member_tier", locale, above=money(t.above_yuan, locale),
                       percent_off=_plain(t.percent_off))
            for t in p.prices.member_tiers
        ))
        regular_window = ret.regular.exchange_window_hours
        values: dict[str, Any] = {
            "shop_name": p.shop_name.get(locale),
            "service_days": self._service_days(locale),
            "service_open": _hm(p.service_hours.open),
            "service_close": _hm(p.service_hours.close),
            "default_courier": ship.default_courier.name.get(locale),
            "default_courier_days": str(ship.default_courier.delivery_days),
            "sf": ship.sf.name.get(locale),
            "sf_days": str(ship.sf.delivery_days),
            "ems": ship.ems.name.get(locale),
            "ems_days": str(ship.ems.delivery_days),
            "sf_rule": Html(sf_rule),
            "in_stock_days": str(ship.dispatch.in_stock_days),
            "preorder_days": str(ship.dispatch.preorder_days),
            "ship_open": _hm(ship.dispatch.shipping_hours_open),
            "ship_close": _hm(ship.dispatch.shipping_hours_close),
            "jzhw_regions": self._join(
                [region_display_name(r, locale) for r in fs.jzhw_regions], locale),
            "jzhw_free_from": money(fs.jzhw_threshold_yuan, locale),
            "combine_days": fs.combine_orders_days,
            "mainland_free_from": money(fs.mainland_threshold_yuan, locale),
            "remote_regions": self._join(
                [region_display_name(r, locale) for r in fs.remote_regions], locale),
            "remote_from": money(fs.remote_threshold_yuan, locale),
            "remote_off": money(fs.remote_postage_off_yuan, locale),
            "payment_methods": self._join(
                [m.name.get(locale) for m in p.payment.methods], locale
            ),
            "unpaid_close_hours": p.orders.unpaid_close_hours,
            "regular_label": ret.regular.label.get(locale),
            "custom_label": ret.custom.label.get(locale),
            "proxy_label": ret.proxy.label.get(locale),
            "regular_postage": self._postage(ret.regular, locale),
            # the same words inside a sentence ("…and for an exchange, you pay…")
            "regular_postage_lower": Html(
                (lambda words: words[:1].lower() + words[1:])(self._postage(ret.regular, locale))
            ),
            "custom_postage": self._postage(ret.custom, locale),
            "proxy_postage": self._postage(ret.proxy, locale),
            "return_days": ret.regular.return_days or 0,
            "regular_exchange_days": (regular_window or 0) // 24,
            "custom_exchange_hours": ret.custom.exchange_window_hours or 0,
            "proxy_late_ship_days": ret.proxy_late_ship_days,
            "refund_process_days": str(ret.refund.process_days),
            "refund_arrival_days": str(ret.refund.arrival_days),
            "return_recipient": addr.recipient.get(locale),
            "return_phone": addr.phone,
            "return_address": return_address,
            "tolerance_cm": str(p.measurement_tolerance_cm),
            "member_tiers": tiers,
            "special_price_rule": self._part(
                "special_price.included" if p.prices.special_price_discounted
                else "special_price.excluded", locale),
            "gift_line": self._part("gift.possible" if p.prices.gift_possible else "gift.none",
                                    locale),
            "statement_color": p.statements.color_difference.get(locale),
            "statement_material": p.statements.material.get(locale),
            "statement_smell": p.statements.smell.get(locale),
            "statement_authenticity": p.statements.authenticity.get(locale),
        }
        return {k: escape(v) for k, v in values.items()}

    # -- public rendering ------------------------------------------------------------------------
    def verdict(
        self,
        intent_id: str,
        *,
        item_kind: ItemKind | None = None,
        region: str | None = None,
        payments: frozenset[str] = frozenset(),
        coupon: bool = False,
        couriers: frozenset[str] = frozenset(),
        days: int | None = None,
    ) -> Verdict | None:
        """The yes or no the policy decides for a "can I…?" question (``replies.verdicts``)."""
        return decide(
            self.policy, intent_id, item_kind=item_kind, region=region, payments=payments,
            coupon=coupon, couriers=couriers, days=days,
        )

    def spend_postage(self, region: str, spend_yuan: int, locale: str) -> Html:
        """The free-shipping question for an amount, answered first ("买1200包邮吗" from 新疆:
        no, but ¥10 off): yes or no by the region's rule, and how far short."""
        loc = self._locale(locale)
        rule = self.policy.free_shipping_rule(region)
        got = rule.for_spend(Decimal(spend_yuan))
        money = self.format_money
        key: str = got.outcome
        if key == "short" and rule.combine_orders_days:
            key = "short_combine"
        return self._part(
            f"spend.{key}",
            loc,
            region=region_display_name(rule.region, loc),
            spend=money(spend_yuan, loc),
            short=money(got.short_yuan, loc) if got.short_yuan is not None else "",
            free_from=money(rule.free_from_yuan, loc) if rule.free_from_yuan else "",
            off_from=(
                money(rule.postage_off_from_yuan, loc) if rule.postage_off_from_yuan else ""
            ),
            off=money(rule.postage_off_yuan, loc) if rule.postage_off_yuan else "",
            combine_days=rule.combine_orders_days or 0,
        )

    def verdict_opener(self, verdict: Verdict, locale: str) -> Html:
        """The words a yes/no answer opens with ("可以。", "No. ")."""
        return self._part(f"verdict.{verdict}", self._locale(locale))

    def _kind_values(self, kind: ItemKind, locale: str) -> dict[str, Any]:
        """The values an answer about one item kind uses, from that kind's rule."""
        rule = self.policy.kind_rule(kind)
        hours = rule.exchange_window_hours
        if hours is None:
            window = self._part("exchange_window.none", locale)
        elif hours % 24 == 0 and hours >= 72:
            window = self._part("exchange_window.days", locale, count=hours // 24)
        else:
            window = self._part("exchange_window.hours", locale, count=hours)
        changes = set(rule.exchange_changes)
        what = "both" if changes == {"size", "color"} else (
            "color" if changes == {"color"} else "size"
        )
        return {
            "item_label": rule.label.get(locale),
            "item_return_days": rule.return_days or 0,
            "item_exchange": self._part(
                f"exchange_mode.{rule.exchange}", locale, window=window,
                changes=self._part(f"changes.{what}", locale),
            ),
            "item_postage": self._postage(rule, locale),
        }

    @_kept_per_arguments
    def answer(
        self,
        /,
        intent_id: str,
        locale: str,
        *,
        region: str | None = None,
        item_kind: ItemKind | None = None,
        payments: frozenset[str] = frozenset(),
        coupon: bool = False,
        couriers: frozenset[str] = frozenset(),
        days: int | None = None,
        order_ask: OrderAsk = "number",
        **slots: Any,
    ) -> Html:
        """The shop's answer for an intent, filled from the policy and the known slots.

        A yes/no question the policy decides (``replies.verdicts``) opens with the locale's
        word for the verdict (``parts.verdict.<verdict>.<intent>`` where the locale words it for
        that question — "支持。" / "没有。" —, else ``parts.verdict.<verdict>``), followed by the
        variant written for that verdict. ``payments``: the ways to pay the question names
        (``shop.payments`` keys); ``coupon``: it asks about coupons or discount codes;
        ``couriers``: the couriers it names (``shop.couriers`` keys); ``days``: how soon it
        asks for dispatch ("明天能发吗": 1).
        ``order_ask``: how an answer that ends asking for the order (``{order_ask}``) ends —
        "send the order number", "pick it from the list below" (the customer's list follows
        at once), or nothing (the order is known and the job goes on)."""
        loc = self._locale(locale)
        templates = self._templates[loc]
        base = f"answers.{intent_id}"
        if base not in templates and f"{base}[default]" not in templates and (
            f"{base}[yes]" not in templates
        ):
            raise KeyError(f"no answer for intent {intent_id!r}")
        values: dict[str, Any] = dict(self._policy_values[loc])
        values.update({k: v for k, v in slots.items() if v is not None})
        if region:
            values["region"] = region_display_name(region, loc)
        if item_kind is not None:
            values.update(self._kind_values(item_kind, loc))
        if payments:
            refused = sorted(payments - self.policy.payment.accepted)
            values["payments_refused"] = self._join([payment_name(k, loc) for k in refused], loc)
        if couriers:
            unused = sorted(k for k in couriers if policy_code(self.policy.shipping, k) is None)
            values["couriers_refused"] = self._join(
                [courier_brand_name(k, loc) for k in unused], loc
            )
        verdict = self.verdict(
            intent_id, item_kind=item_kind, region=region, payments=payments, coupon=coupon,
            couriers=couriers, days=days,
        )
        opener = Html("")
        if verdict is not None:
            own = f"parts.verdict.{verdict}.{intent_id}"
            opener = self._part(
                own[len("parts.") :] if own in templates else f"verdict.{verdict}", loc
            )
        if base in templates:
            return _open(opener, self._with_order_ask(base, intent_id, "", order_ask, values, loc))
        variant = "default"
        if region:
            group = self.policy.region_group(region)
            if f"{base}[{group}]" in templates:
                variant = group
        if intent_id == "size.recommend":
            height, weight = slots.get("height_cm"), slots.get("weight_kg")
            if height is not None and weight is not None:
                variant = "have_body"
            elif height is not None:
                variant = "need_weight"
            elif weight is not None:
                variant = "need_height"
        if verdict is not None and f"{base}[{verdict}]" in templates:
            variant = verdict
        key = f"{base}[{variant}]"
        if key not in templates:
            key = f"{base}[default]"
        return _open(opener, self._with_order_ask(key, intent_id, variant, order_ask, values, loc))

    def _with_order_ask(
        self,
        key: str,
        intent_id: str,
        variant: str,
        order_ask: OrderAsk,
        values: dict[str, Any],
        loc: str,
    ) -> Html:
        """The answer ``key`` filled, its ``{order_ask}`` line as ``order_ask`` says (the
        variant's own wording where the locale has one)."""
        templates = self._templates[loc]
        template = templates[key]
        if "{order_ask}" in template:
            if order_ask == "none":
                template = "\n".join(
                    line for line in template.split("\n") if line.strip() != "{order_ask}"
                )
            else:
                ask = f"order_ask.{order_ask}.{intent_id}"
                own = f"{ask}.{variant}"
                values["order_ask"] = self._part(
                    own if variant and f"parts.{own}" in templates else ask, loc
                )
        return _fill(template, values, f"{key} ({loc})")

    def brief(self, intent_id: str, locale: str, answer: str, *, decided: bool) -> Html:
        """The key line of an answer given before, for the brief answer to the same question
        asked again: the answer's first line when it carries the policy's yes or no
        (``decided``), else the intent's own ``ui.brief.<intent>`` where the locale has one,
        else nothing."""
        loc = self._locale(locale)
        if decided:
            return Html(answer.split("\n", 1)[0] + " ")
        if f"ui.brief.{intent_id}" in self._templates[loc]:
            return self.text(f"brief.{intent_id}", loc)
        return Html("")

    def text(self, key: str, locale: str, **values: Any) -> Html:
        """A UI string; every value is HTML-escaped (pass :class:`Html` for ready markup)."""
        loc = self._locale(locale)
        merged = {**self._policy_values[loc], **values}
        return _fill(self._template(f"ui.{key}", loc), merged, f"ui.{key} ({loc})")

    # -- composite replies -----------------------------------------------------------------------
    def order_state(self, state: OrderState, locale: str) -> Html:
        return self.text(f"order.state.{state}", locale)

    def order_card(self, order: OrderView, locale: str) -> Html:
        loc = self._locale(locale)
        lines = [
            self.text("order.item_line", loc, title=i.title, size=i.size, color=i.color,
                      quantity=i.quantity, price=self.format_money(i.price_yuan, loc))
            for i in order.items
        ]
        if order.total is not None:
            lines.append(self.text("order.total", loc, total=self.format_money(order.total, loc),
                                   postage=self.format_money(order.postage or 0, loc)))
        items = Html("\n".join(lines))
        if order.tracking_no:
            delivery = self.text("order.delivery", loc,
                                 courier=self.courier_name(order.courier or "", loc),
                                 tracking_no=order.tracking_no)
        elif order.state == "closed":
            delivery = self.text("order.delivery_closed", loc)
        else:
            delivery = self.text("order.delivery_pending", loc)
        stamps = [
            ("created", order.created_at), ("paid", order.paid_at), ("shipped", order.shipped_at),
            ("delivered", order.delivered_at), ("completed", order.completed_at),
            ("closed", order.closed_at),
        ]
        time_lines = [
            self.text(f"order.time.{name}", loc, time=self.format_datetime(at, loc))
            for name, at in stamps if at is not None
        ]
        if (due := self._due_line(order, loc)) is not None:
            time_lines.append(due)
        times = Html("\n".join(time_lines))
        card = self.text("order.card", loc, order_no=order.order_no,
                         state=self.order_state(order.state, loc), items=items,
                         delivery=delivery, times=times)
        return _drop_blank_lines(card)

    def _due_line(self, order: OrderView, loc: str) -> Html | None:
        """What the order waits for, and by when: paid by (it closes by itself unpaid), shipped
        by, or delivered by (shipped, not yet delivered); ``None`` for any other state. The card
        and the short answer both end with it."""
        if order.state == "awaiting_payment":
            # "how long do I have to pay?": the time it closes by itself, unpaid
            closes = order.created_at + timedelta(hours=self.policy.orders.unpaid_close_hours)
            return self.text("order.expected.pay_by", loc, time=self.format_datetime(closes, loc))
        if order.state == "paid" and order.dispatch_due_by is not None:
            return self.text("order.expected.dispatch", loc,
                             time=self.format_datetime(order.dispatch_due_by, loc))
        if (order.state == "shipped" and order.delivered_at is None
                and order.delivery_due_by is not None):
            return self.text("order.expected.delivery", loc,
                             time=self.format_datetime(order.delivery_due_by, loc))
        return None

    def order_brief(self, order: OrderView, locale: str) -> Html:
        """The order's state in a line or two — where it is, the courier and tracking number
        once shipped, the time it is paid, shipped or due by — for a question about the order
        whose card was just shown (the card is not shown again)."""
        loc = self._locale(locale)
        lines = [self.text("order.brief", loc, order_no=order.order_no,
                           state=self.order_state(order.state, loc))]
        if order.tracking_no:
            lines.append(self.text("order.delivery", loc,
                                   courier=self.courier_name(order.courier or "", loc),
                                   tracking_no=order.tracking_no))
        if (due := self._due_line(order, loc)) is not None:
            lines.append(due)
        elif order.delivered_at is not None:
            lines.append(self.text("order.time.delivered", loc,
                                   time=self.format_datetime(order.delivered_at, loc)))
        lines.append(self.text("order.brief_more", loc))
        return Html("\n".join(lines))

    def order_list(self, orders: list[OrderView], locale: str) -> Html:
        loc = self._locale(locale)
        if not orders:
            return self.text("order.list.empty", loc)
        lines = [self.text("order.list.header", loc, count=len(orders))]
        lines += [
            self.text("order.list.line", loc, order_no=o.order_no,
                      state=self.order_state(o.state, loc),
                      created=self.format_datetime(o.created_at, loc),
                      total=self.format_money(o.total_yuan, loc))
            for o in orders
        ]
        return Html("\n".join(lines))

    def exchange_postage(self, payer: PostagePayer, locale: str) -> Html:
        """Who pays postage for an exchange (``shop.enums.PostagePayer``)."""
        return self.text(f"exchange.postage.{payer}", locale)

    def exchange_quote(
        self,
        locale: str,
        *,
        item: str,
        new_variant: str,
        postage_payer: PostagePayer,
        deadline: datetime | None = None,
    ) -> Html:
        """An eligible quote: postage payer, return address, and the deadline when there is one."""
        loc = self._locale(locale)
        deadline_line = (
            self.text("exchange.quote.deadline", loc, deadline=self.format_datetime(deadline, loc))
            if deadline is not None else Html("")
        )
        quote = self.text("exchange.quote.eligible", loc, item=item, new_variant=new_variant,
                          postage=self.exchange_postage(postage_payer, loc),
                          deadline_line=deadline_line)
        return _drop_blank_lines(quote)

    def exchange_refused(
        self, reasons: str | Iterable[str], locale: str, kind: str | None = None
    ) -> Html:
        """Every reason an exchange cannot be made, in plain words, plus the offer of a person.
        With the item's ``kind``, a window names that kind's own (never a custom-made item's
        48 hours to a regular item).

        Unknown reason codes are worded generically (and logged), never shown raw.
        """
        loc = self._locale(locale)
        codes = [reasons] if isinstance(reasons, str) else list(reasons)
        lines: list[str] = []
        for code in codes or ["unknown"]:
            if code not in EXCHANGE_REASONS:
                logger.warning("exchange refused with an unknown reason code %r", code)
                code = "unknown"
            key = f"exchange.reason.{code}"
            if code == "window_expired" and kind in ("regular", "custom", "proxy"):
                key = f"exchange.reason.window_expired_{kind}"
            line = self.text("exchange.reason_line", loc, reason=self.text(key, loc))
            if line not in lines:
                lines.append(line)
        refusal = self.text("exchange.quote.ineligible", loc, reasons=Html("\n".join(lines)))
        if "window_expired" in codes:
            # what can still be done: a quality problem is the shop's, whatever the window
            refusal = Html(refusal + "\n" + self.text("exchange.after_window", loc))
        return Html(refusal + "\n" + self.text("exchange.offer_human", loc))

    def exchange_created(self, locale: str, *, rma_no: str, postage_payer: PostagePayer) -> Html:
        loc = self._locale(locale)
        return self.text("exchange.created", loc, rma_no=rma_no,
                         postage=self.exchange_postage(postage_payer, loc))

    # -- returns (issue 13) -------------------------------------------------------------------
    def _days(self, span: tuple[int, int], locale: str) -> Html:
        low, high = span
        if low == high:
            return self.text("returns.days_one", locale, days=high)
        return self.text("returns.days_span", locale, low=low, high=high)

    def _return_postage(
        self,
        payer: str,
        seller_postage: str | None,
        locale: str,
        split: tuple[str, str] | None = None,
    ) -> Html:
        """Who pays for sending it back; ``split`` (her items, the shop's items): two causes
        in one parcel — hers to send, the shop's items cost her nothing more."""
        if split is not None:
            hers, ours = split
            return self.text("returns.postage.split", locale, hers=hers, ours=ours)
        if payer == "seller":
            how = seller_postage or "reimbursed"
            return self.text(f"returns.postage.seller_{how}", locale)
        return self.text("returns.postage.customer", locale)

    def parcel_address(self, address: str, locale: str) -> str:
        """Where a parcel goes back, as the worker gave it; in the customer's language when it
        is this policy's return address (the worker writes it as a Chinese parcel is labelled).
        """
        returns = self.policy.returns.address
        if address == returns.one_line():
            return returns.one_line(self._locale(locale))
        return address

    def return_quote(
        self,
        locale: str,
        *,
        items: str,
        refund: Decimal,
        postage_refund: Decimal,
        postage_payer: str,
        seller_postage: str | None,
        address: str,
        process_days: tuple[int, int],
        arrival_days: tuple[int, int],
        deadline: datetime | None = None,
        split: tuple[str, str] | None = None,
    ) -> Html:
        """An eligible return: the refund, who pays the postage, where to send it, when the
        money comes back."""
        loc = self._locale(locale)
        postage_line = (
            self.text("returns.quote.postage_refund", loc,
                      amount=self.format_money(postage_refund, loc))
            if postage_refund > 0 else Html("")
        )
        deadline_line = (
            self.send_by_line(deadline, loc)
            if deadline is not None else Html("")
        )
        quote = self.text(
            "returns.quote.eligible", loc, items=items, refund=self.format_money(refund, loc),
            postage_refund_line=postage_line,
            postage=self._return_postage(postage_payer, seller_postage, loc, split),
            address=self.parcel_address(address, loc), process=self._days(process_days, loc),
            arrival=self._days(arrival_days, loc), deadline_line=deadline_line,
        )
        return _drop_blank_lines(quote)

    def return_refused(
        self, reasons: Iterable[str], locale: str, *, what: Html
    ) -> Html:
        """Every reason a return cannot be made, in plain words (the item's own kind named);
        ``what``: the order (and items) refused, named so the customer knows which."""
        return self.text(
            "returns.quote.ineligible", self._locale(locale),
            reasons=self.return_reason_lines(reasons, locale), what=what,
        )

    def return_reason_lines(self, reasons: Iterable[str], locale: str) -> Html:
        """Each reason a return cannot be made, a line each."""
        loc = self._locale(locale)
        lines: list[str] = []
        for code in list(reasons) or ["unknown"]:
            if code not in RETURN_REASONS:
                logger.warning("return refused with an unknown reason code %r", code)
                code = "unknown"
            line = self.text("exchange.reason_line", loc,
                             reason=self.text(f"returns.reason.{code}", loc))
            if line not in lines:
                lines.append(line)
        return Html("\n".join(lines))

    def return_created(
        self,
        locale: str,
        *,
        return_no: str,
        refund: Decimal,
        postage_payer: str,
        seller_postage: str | None,
        address: str,
        process_days: tuple[int, int],
        arrival_days: tuple[int, int],
        split: tuple[str, str] | None = None,
    ) -> Html:
        loc = self._locale(locale)
        return self.text(
            "returns.created", loc, return_no=return_no, refund=self.format_money(refund, loc),
            postage=self._return_postage(postage_payer, seller_postage, loc, split),
            address=self.parcel_address(address, loc),
            process=self._days(process_days, loc), arrival=self._days(arrival_days, loc),
        )

    def address_refused(self, reason: str, locale: str) -> Html:
        if reason not in ADDRESS_CHANGE_REASONS:
            raise KeyError(f"unknown address refusal {reason!r}")
        code = reason
        return self.text(f"address.refused.{code}", locale)

    def human_reply_time(
        self, now: datetime, locale: str, at: datetime | None = None, *, keys: str = "ticket.when"
    ) -> Html:
        """When a person will answer: now, today at 9:00, tomorrow at 9:00, or a later day;
        ``at``: a known later time (the next shift's start) instead of the next opening;
        ``keys``: ``ticket.seen`` says when the shop's staff will see a ticket instead."""
        loc = self._locale(locale)
        if at is None and self.policy.is_open(now):
            return self.text(f"{keys}.now", loc)
        opening = (at or self.policy.next_opening(now)).astimezone(self.policy.service_hours.zone)
        today = now.astimezone(opening.tzinfo).date()
        hm = _hm(opening.time())
        days = (opening.date() - today).days
        if days == 0:
            return self.text(f"{keys}.today", loc, time=hm)
        if days == 1:
            return self.text(f"{keys}.tomorrow", loc, time=hm)
        return self.text(f"{keys}.later", loc, time=hm, date=self.format_date(opening, loc))

    def ticket_recorded(self, ticket_no: str | None, now: datetime, locale: str) -> Html:
        """Without the agents' desk: the ticket (``None``: still queued in the broker) is
        recorded for the shop's staff, when they will see it, and that nobody can answer in
        this chat."""
        when = self.human_reply_time(now, locale, keys="ticket.seen")
        if ticket_no is None:
            return self.text("ticket.no_desk_queued", locale, when=when)
        return self.text("ticket.no_desk", locale, ticket_no=ticket_no, when=when)

    def render_size_advice(
        self, advice: SizeAdvice, locale: str, chart: SizeChart | None = None
    ) -> Html:
        """The advice in words; ``chart``: the garment's own measurements of the size suggested
        are named beside the customer's (advice by waist / hip)."""
        loc = self._locale(locale)
        if advice.kind == "need_more":
            return self.text(f"size.advice.{advice.reason}", loc)
        if advice.kind == "out_of_range":
            measure = advice.reason.removesuffix("_out_of_range")
            return self.text("size.advice.out_of_range", loc,
                             measure=self.text(f"size.measure.{measure}", loc))
        if advice.basis == "measured":
            return Html(self._measured_advice(advice, loc, chart) + "\n"
                        + self.text("size.tolerance", loc))
        if advice.kind == "exact":
            if advice.alternatives and advice.fit in ("loose", "tight"):
                line = self.text(f"size.advice.exact_{advice.fit}", loc, size=advice.size,
                                 alt=advice.alternatives[0])
            else:
                line = self.text("size.advice.exact", loc, size=advice.size)
        else:
            small, large = advice.alternatives[0], advice.alternatives[-1]
            if advice.size and advice.fit in ("loose", "tight"):
                line = self.text("size.advice.between_chosen", loc, small=small, large=large,
                                 size=advice.size, fit=self.text(f"size.fit.{advice.fit}", loc))
            else:
                line = self.text("size.advice.between", loc, small=small, large=large)
        return Html(line + "\n" + self.text("size.tolerance", loc))

    def _measured_advice(self, advice: SizeAdvice, loc: str, chart: SizeChart | None) -> str:
        def measures(values: dict[str, float | None]) -> Html:
            said: list[str] = [
                self.text(f"size.measured.{name}", loc, cm=_plain(round(value, 1)))
                for name, value in values.items()
                if value is not None
            ]
            return Html(self._join(said, loc))

        yours = measures(
            {"bust_cm": advice.bust_cm, "waist_cm": advice.waist_cm, "hip_cm": advice.hip_cm}
        )
        row = next((r for r in chart.rows if r.size == advice.size), None) if chart else None
        garment = (
            measures({
                column: row.measurements.get(column)
                for told, column in _TOLD_AGAINST
                if getattr(advice, told) is not None
            })
            if row is not None else Html("")
        )
        key = "size.advice.measured" if garment else "size.advice.measured_plain"
        line = str(self.text(key, loc, yours=yours, size=advice.size, garment=garment))
        if advice.alternatives:
            line += self.text("size.advice.measured_loose", loc, alt=advice.alternatives[0])
        return line

    def size_measurement(
        self, size: str, name: str, cm: float, category: str | None, locale: str
    ) -> Html:
        """One measurement of one size: "L 码裤长 102 cm。" (the length named by category)."""
        loc = self._locale(locale)
        return self.text("size.measurement", loc, size=size,
                         measure=self._part_name(name, category, loc), cm=_plain(cm))

    def _part_name(self, name: str, category: str | None, loc: str) -> Html:
        key = (
            f"size.part.length.{category}"
            if name == "length_cm" and category in LENGTH_LABELLED
            else f"size.part.{name}"
        )
        return self.text(key, loc)

    def size_row(self, row: SizeRow, category: str | None, locale: str) -> Html:
        """One size's measurements: "M 码：胸围 108 cm、肩宽 51.5 cm、衣长 64 cm。" — asked of
        the size advised or named, instead of the whole chart."""
        loc = self._locale(locale)
        parts: list[str] = [
            self.text("size.row.part", loc, measure=self._part_name(name, category, loc),
                      cm=_plain(value))
            for name, value in row.measurements.items()
        ]
        return self.text("size.row", loc, size=row.size, measures=self._join(parts, loc))

    def size_not_measured(self, name: str, category: str | None, locale: str) -> Html:
        """A measurement the chart doesn't give ("腰围" of a hoodie)."""
        loc = self._locale(locale)
        return self.text("size.not_measured", loc, measure=self._part_name(name, category, loc))

    def render_size_chart(self, chart: SizeChart, locale: str) -> Html:
        """The chart with the body it suits (height, weight) and its category's measurements:
        chest/length/shoulder for tops, waist/hip/length/inseam for trousers, and so on."""
        loc = self._locale(locale)

        def span(low: float, high: float) -> str:
            return _plain(low) if low == high else f"{_plain(low)}–{_plain(high)}"

        columns = [self.text("size.column.height", loc), self.text("size.column.weight", loc)]
        for name in chart.measurements:
            if name == "length_cm" and chart.category in LENGTH_LABELLED:
                columns.append(self.text(f"size.length.{chart.category}", loc))
            else:
                columns.append(self.text(f"size.column.{name}", loc))
        rows = [self.text("size.chart.header", loc, columns=Html(" / ".join(columns)))]
        for r in chart.rows:
            values = [span(r.height_min, r.height_max), span(r.weight_min_kg, r.weight_max_kg)]
            values += [_plain(value) for value in r.measurements.values()]
            rows.append(self.text("size.chart.row", loc, size=r.size, values=" / ".join(values)))
        rows.append(self.text("size.tolerance", loc))
        return Html("\n".join(rows))

    def category_name(self, category: str, locale: str) -> Html:
        """A product category's name (tops, trousers...); ``KeyError`` for an unknown one."""
        if category not in PRODUCT_CATEGORIES:
            raise KeyError(f"unknown product category {category!r}")
        return self.text(f"category.{category}", locale)

    def render_composition(self, shares: Iterable[tuple[str, int]], locale: str) -> Html:
        """A fabric's fibres, e.g. ``[("cotton", 80), ("polyester", 20)]`` → "棉 80%，聚酯纤维
        20%" / "80% cotton, 20% polyester". Unknown fibre codes are logged and left out."""
        loc = self._locale(locale)
        parts = []
        for fibre, percent in shares:
            if fibre not in FIBRES:
                logger.warning("unknown fibre code %r left out of a composition", fibre)
                continue
            parts.append(self.text("fibre.share", loc, fibre=self.text(f"fibre.{fibre}", loc),
                                   percent=percent))
        return Html(self.text("fibre.separator", loc).join(parts))

    def render_care(self, codes: Iterable[str], locale: str) -> Html:
        """Care instructions in words, in the order given; unknown codes are logged and left
        out."""
        loc = self._locale(locale)
        parts = []
        for code in codes:
            if code not in CARE_INSTRUCTIONS:
                logger.warning("unknown care code %r left out", code)
                continue
            parts.append(self.text(f"care.{code}", loc))
        return Html(self.text("care.separator", loc).join(parts))
