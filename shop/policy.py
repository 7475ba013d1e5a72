"""The shop's policy: the facts the bot quotes and the worker enforces.

The policy lives in a YAML file (``shop/data/shop.yaml`` by default; ``KEFU_SHOP_POLICY`` in
the bot's and the worker's settings points both at another) so that a shop owner changes
postage thresholds, service hours, exchange windows or the return address without touching
code, and the bot never promises a rule the worker does not apply.
:func:`load_policy` validates the whole file and names the file and the field on any error.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    field_validator,
    model_validator,
)

from shop.enums import (
    DEFAULT_LOCALE,
    SELLER_FAULT,
    CourierCode,
    ItemKind,
    PostagePayer,
    RegionGroup,
    ReturnCause,
    ReturnPostagePayer,
)
from shop.payments import PAYMENT_KEYS
from shop.regions import HMT, MAINLAND, canonical_region

logger = logging.getLogger(__name__)

DEFAULT_POLICY_PATH = Path(__file__).parent / "data" / "shop.yaml"

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class PolicyError(ValueError):
    """The policy file is missing, not YAML, or fails validation (message names file and field)."""


class PolicyModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalText(RootModel[dict[str, str]]):
    """A text the shop writes in every locale, e.g. ``{zh_CN: 中通快递, en: ZTO Express}``."""

    model_config = ConfigDict(frozen=True)

    @field_validator("root")
    @classmethod
    def _needs_default_locale(cls, value: dict[str, str]) -> dict[str, str]:
        if DEFAULT_LOCALE not in value:
            raise ValueError(f"needs a '{DEFAULT_LOCALE}' text")
        for locale, text in value.items():
            if not text.strip():
                raise ValueError(f"the '{locale}' text is empty")
        return value

    def get(self, locale: str) -> str:
        return self.root.get(locale) or self.root[DEFAULT_LOCALE]


class DayRange(PolicyModel):
    """An inclusive range of whole days, e.g. 2–3 days."""

    min: int = Field(ge=0)
    max: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> DayRange:
        if self.max < self.min:
            raise ValueError("max must not be smaller than min")
        return self

    def __str__(self) -> str:
        return str(self.min) if self.min == self.max else f"{self.min}–{self.max}"


class ServiceHours(PolicyModel):
    """When people answer. Days use mon..sun; times are local to ``timezone``."""

    timezone: str = "Asia/Shanghai"
    days: list[Weekday] = Field(min_length=1)
    open: time
    close: time
    closed_dates: list[date] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("days")
    @classmethod
    def _unique_days(cls, value: list[Weekday]) -> list[Weekday]:
        if len(set(value)) != len(value):
            raise ValueError("a day is listed twice")
        return sorted(value, key=WEEKDAYS.index)

    @model_validator(mode="after")
    def _open_before_close(self) -> ServiceHours:
        if self.close <= self.open:
            raise ValueError("close must be later than open (same day)")
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _local(self, now: datetime) -> datetime:
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware (e.g. datetime.now(UTC))")
        return now.astimezone(self.zone)

    def _works_on(self, day: date) -> bool:
        return WEEKDAYS[day.weekday()] in self.days and day not in self.closed_dates

    def is_open(self, now: datetime) -> bool:
        local = self._local(now)
        return self._works_on(local.date()) and self.open <= local.time() < self.close

    def next_opening(self, now: datetime) -> datetime:
        """``now`` (in the shop's zone) when open, else the start of the next service period."""
        local = self._local(now)
        if self.is_open(local):
            return local
        day = local.date()
        if self._works_on(day) and local.time() < self.open:
            return datetime.combine(day, self.open, tzinfo=self.zone)
        for offset in range(1, 367):
            candidate = day + timedelta(days=offset)
            if self._works_on(candidate):
                return datetime.combine(candidate, self.open, tzinfo=self.zone)
        raise ValueError("no service day within a year: check service_hours.closed_dates")


class Courier(PolicyModel):
    name: LocalText
    delivery_days: DayRange


class DispatchPolicy(PolicyModel):
    in_stock_days: DayRange
    preorder_days: DayRange
    shipping_hours_open: time
    shipping_hours_close: time


class ShippingPolicy(PolicyModel):
    default_courier: Courier
    sf: Courier
    sf_on_request: bool = True
    sf_extra_weight_charge: bool = True
    ems: Courier
    dispatch: DispatchPolicy

    def courier(self, code: CourierCode) -> Courier:
        """The policy's courier for a code: ``default``, ``sf`` or ``ems``."""
        return self.default_courier if code == "default" else getattr(self, code)

    def courier_code(self, name: str | None) -> CourierCode | None:
        """Which of the policy's couriers an order's courier name is ("中通", "顺丰", "EMS",
        "SF Express"…): the one whose name, in any locale, contains it or is contained in it.
        ``None``: not one of the shop's (or no name)."""
        key = "".join((name or "").split()).casefold()
        if not key:
            return None
        for code in ("default", "sf", "ems"):
            names = self.courier(code).name.root.values()
            for text in names:
                candidate = "".join(text.split()).casefold()
                if key in candidate or candidate in key:
                    return code
        return None

    def delivery_days(self, name: str | None) -> DayRange:
        """The usual time in transit for an order's courier; the slowest of the shop's
        couriers when the name is not one of them."""
        code = self.courier_code(name)
        if code is not None:
            return self.courier(code).delivery_days
        return max(
            (self.default_courier.delivery_days, self.sf.delivery_days, self.ems.delivery_days),
            key=lambda days: days.max,
        )


class FreeShippingPolicy(PolicyModel):
    jzhw_regions: list[str] = Field(min_length=1)
    jzhw_threshold_yuan: Decimal = Field(gt=0)
    combine_orders_days: int = Field(ge=0)
    mainland_threshold_yuan: Decimal = Field(gt=0)
    remote_regions: list[str]
    remote_threshold_yuan: Decimal = Field(gt=0)
    remote_postage_off_yuan: Decimal = Field(ge=0)

    @field_validator("jzhw_regions", "remote_regions")
    @classmethod
    def _mainland_only(cls, value: list[str]) -> list[str]:
        canonical = [canonical_region(r) for r in value]
        unknown = [r for r in canonical if r not in MAINLAND]
        if unknown:
            raise ValueError(f"not mainland provinces: {', '.join(unknown)}")
        return canonical

    @model_validator(mode="after")
    def _no_overlap(self) -> FreeShippingPolicy:
        both = set(self.jzhw_regions) & set(self.remote_regions)
        if both:
            raise ValueError(f"regions in both jzhw_regions and remote_regions: {sorted(both)}")
        return self


class FreeShippingRule(PolicyModel):
    """What :meth:`ShopPolicy.free_shipping_rule` answers for one region."""

    region: str
    group: RegionGroup
    free_from_yuan: Decimal | None  # None: no free shipping for this region group
    postage_off_yuan: Decimal | None  # remote regions: a reduction instead of free postage
    postage_off_from_yuan: Decimal | None  # ...from this order value
    combine_orders_days: int | None  # orders within N days count together (jzhw)
    freight_collect: bool  # HK / Macau / Taiwan: the receiver pays the courier
    couriers: list[str]  # courier keys for this destination: zto, sf, ems

    def for_spend(self, spend_yuan: Decimal) -> SpendPostage:
        """What this region's rule gives an order (or orders counted together) of this value."""
        if self.free_from_yuan is not None:
            if spend_yuan >= self.free_from_yuan:
                return SpendPostage(outcome="free")
            return SpendPostage(outcome="short", short_yuan=self.free_from_yuan - spend_yuan)
        if self.postage_off_yuan is not None and self.postage_off_from_yuan is not None:
            if spend_yuan >= self.postage_off_from_yuan:
                return SpendPostage(outcome="off")
            return SpendPostage(
                outcome="short_of_off", short_yuan=self.postage_off_from_yuan - spend_yuan
            )
        return SpendPostage(outcome="never")


class SpendPostage(PolicyModel):
    """The free-shipping rule applied to an amount: ``free``; ``short`` of free shipping by
    ``short_yuan``; ``off`` (a remote region's postage reduction reached); ``short_of_off``;
    ``never`` (no free shipping for this destination: HK/Macau/Taiwan freight collect,
    overseas)."""

    outcome: Literal["free", "short", "off", "short_of_off", "never"]
    short_yuan: Decimal | None = None


ExchangePostage = Literal["customer_both_ways", "customer_return_leg", "shop"]
_PAYER: dict[ExchangePostage, PostagePayer] = {
    "customer_both_ways": "customer",
    "customer_return_leg": "split",
    "shop": "seller",
}


class KindRule(PolicyModel):
    """Returns and exchanges for one item kind: what the bot quotes and the worker applies."""

    label: LocalText
    return_allowed: bool
    return_days: int | None = Field(default=None, ge=1)
    exchange: Literal["yes", "discretionary", "no"]
    """``discretionary``: not as a rule; a person may agree (the worker refuses and asks for a
    supervisor). ``no``: refused, unless ``supervisor_exception`` lets a supervisor decide."""
    exchange_window_hours: int | None = Field(default=None, ge=1)
    """From delivery; none: no window (a quality problem lifts any window)."""
    exchange_limit: int = Field(default=1, ge=1)
    exchange_changes: list[Literal["size", "color"]] = Field(default_factory=list)
    needs_resale_condition: bool = True
    needs_stock: bool = True
    postage: ExchangePostage
    supervisor_exception: bool = False

    @field_validator("exchange_limit")
    @classmethod
    def _one_exchange(cls, value: int) -> int:
        if value != 1:
            raise ValueError(
                "must be 1: the worker keeps one exchange per item (its database enforces it)"
            )
        return value

    @field_validator("needs_stock")
    @classmethod
    def _stock_held(cls, value: bool) -> bool:
        if not value:
            raise ValueError("must be true: an exchange holds one unit of the new size or colour")
        return value

    @property
    def postage_payer(self) -> PostagePayer:
        """Who pays an exchange's postage when there is no quality problem."""
        return _PAYER[self.postage]

    @model_validator(mode="after")
    def _consistent(self) -> KindRule:
        if self.return_allowed and self.return_days is None:
            raise ValueError("return_days is required when return_allowed is true")
        if self.exchange != "no" and not self.exchange_changes:
            raise ValueError("exchange_changes must list size and/or color when exchanges happen")
        if self.exchange == "yes" and self.exchange_window_hours is None:
            raise ValueError("exchange_window_hours is required when exchange is 'yes'")
        return self


class RefundPolicy(PolicyModel):
    process_days: DayRange  # from the return parcel's arrival to the refund being issued
    arrival_days: DayRange  # from issue until the money shows on the customer's side


class ReturnAddress(PolicyModel):
    recipient: LocalText
    phone: str = Field(min_length=3)
    address: LocalText
    postcode: str | None = None

    def one_line(self, locale: str = DEFAULT_LOCALE) -> str:
        """The address on one line, as written on a parcel in that locale."""
        recipient, address = self.recipient.get(locale), self.address.get(locale)
        if locale == DEFAULT_LOCALE:
            postcode = f" {self.postcode}" if self.postcode else ""
            return f"{address}{postcode} {recipient}（收）{self.phone}"
        postcode = f", {self.postcode}" if self.postcode else ""
        return f"{recipient}, {address}{postcode}, tel. {self.phone}"


class ReturnsPolicy(PolicyModel):
    regular: KindRule
    custom: KindRule
    proxy: KindRule
    quality_problem_postage: Literal["shop"] = "shop"
    seller_return_postage: Literal["reimbursed", "freight_collect"] = "reimbursed"
    """When the shop pays for sending a return back (a quality problem, a wrong item):
    ``reimbursed``, the customer sends it as usual and gets the postage back with the refund
    once the parcel is checked; ``freight_collect``, the customer sends it freight collect
    (到付) and pays nothing."""
    proxy_late_ship_days: int = Field(ge=1)
    refund: RefundPolicy
    address: ReturnAddress

    def kind_rule(self, kind: ItemKind) -> KindRule:
        rule: KindRule = getattr(self, kind)
        return rule

    def exchange_postage(self, kind: ItemKind, *, quality_problem: bool) -> PostagePayer:
        """Who pays postage for exchanging an item of ``kind``: the seller for a quality
        problem, otherwise as the kind's rule says."""
        if quality_problem:
            return _PAYER[self.quality_problem_postage]
        return self.kind_rule(kind).postage_payer

    @staticmethod
    def return_postage(cause: ReturnCause) -> ReturnPostagePayer:
        """Who pays for sending a return back: the shop when it is the shop's fault (a
        quality problem, a wrong item sent), otherwise the customer."""
        return "seller" if cause in SELLER_FAULT else "customer"


class PaymentMethod(PolicyModel):
    """A way to pay the shop accepts: its key among the ways customers name
    (``shop.payments.PAYMENT_KEYS``: ``alipay``, ``wechat_pay``, ``bank_card``…) and the name
    its answers use."""

    key: str | None = None
    """``None``: a way the bot does not recognise by name (it is still listed)."""
    name: LocalText

    @model_validator(mode="before")
    @classmethod
    def _plain_name(cls, value: Any) -> Any:
        """An older policy file lists only names (``{zh_CN: 支付宝, en: Alipay}``)."""
        if isinstance(value, dict) and "name" not in value:
            return {"name": value}
        return value

    @field_validator("key")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        if value is not None and value not in PAYMENT_KEYS:
            raise ValueError(f"unknown payment key; known: {', '.join(sorted(PAYMENT_KEYS))}")
        return value


class PaymentPolicy(PolicyModel):
    methods: list[PaymentMethod] = Field(min_length=1)
    methods_complete: bool = False
    """The list is every way to pay: a way it doesn't list ("PayPal?") is answered no. Unset,
    such a question gets the list without a yes or no."""
    cod_offered: bool = False

    @property
    def accepted(self) -> frozenset[str]:
        return frozenset(m.key for m in self.methods if m.key is not None)


class OrderRules(PolicyModel):
    unpaid_close_hours: int = Field(ge=1)


class DiscountTier(PolicyModel):
    above_yuan: Decimal = Field(gt=0)
    percent_off: Decimal = Field(gt=0, lt=100)


class PricePolicy(PolicyModel):
    member_tiers: list[DiscountTier] = Field(min_length=1)
    special_price_discounted: bool = False
    gift_possible: bool = True
    coupons: bool | None = None
    """Does the shop issue coupons or discount codes? ``None``: the policy doesn't say, and the
    bot says plainly it doesn't know (and offers a person) instead of guessing."""
    price_protection_days: int | None = Field(default=None, ge=0, le=90)
    """A price drop after payment: within this many days of paying, the difference is paid back
    (a person checks and refunds it); ``0``: the price paid stands, no difference is paid back;
    ``None``: the policy doesn't say, and after-sales decides order by order (the bot promises
    nothing and hands the request to a person)."""

    @field_validator("member_tiers")
    @classmethod
    def _ascending(cls, value: list[DiscountTier]) -> list[DiscountTier]:
        if [t.above_yuan for t in value] != sorted({t.above_yuan for t in value}):
            raise ValueError("tiers must be listed by rising above_yuan, each once")
        return value


class Statements(PolicyModel):
    """The shop's own words on recurring questions, rendered into the answers."""

    color_difference: LocalText
    material: LocalText
    smell: LocalText
    authenticity: LocalText


class CannedReply(PolicyModel):
    """One of the shop's quick replies for agents (/canned in the agents' desk): a short title
    for the button, and the text the customer receives in their language."""

    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,19}$")
    title: LocalText
    text: LocalText

    @field_validator("text")
    @classmethod
    def _fits_a_message(cls, value: LocalText) -> LocalText:
        for locale, text in value.root.items():
            if len(text) > 1000:
                raise ValueError(f"the '{locale}' text is longer than 1000 characters")
        return value


class ShopPolicy(PolicyModel):
    shop_name: LocalText
    service_hours: ServiceHours
    shipping: ShippingPolicy
    free_shipping: FreeShippingPolicy
    payment: PaymentPolicy
    orders: OrderRules
    returns: ReturnsPolicy
    measurement_tolerance_cm: DayRange  # reused: an inclusive min–max range
    prices: PricePolicy
    statements: Statements
    canned_replies: list[CannedReply] = Field(default_factory=list, max_length=30)

    @field_validator("canned_replies")
    @classmethod
    def _unique_keys(cls, value: list[CannedReply]) -> list[CannedReply]:
        keys = [reply.key for reply in value]
        if len(set(keys)) != len(keys):
            raise ValueError("a canned reply key is used twice")
        return value

    def canned_reply(self, key: str) -> CannedReply | None:
        return next((reply for reply in self.canned_replies if reply.key == key), None)

    # -- service hours ---------------------------------------------------------------------------
    def is_open(self, now: datetime) -> bool:
        return self.service_hours.is_open(now)

    def next_opening(self, now: datetime) -> datetime:
        return self.service_hours.next_opening(now)

    # -- regions and postage ---------------------------------------------------------------------
    def region_group(self, region: str) -> RegionGroup:
        """Group a canonical region name (江苏, 新疆, 香港, 海外, a country...) for postage rules.

        Provincial suffixes (江苏省, 新疆维吾尔自治区) and English names (Jiangsu) are accepted;
        anything that is neither mainland China nor HK/Macau/Taiwan counts as overseas.
        """
        canonical = canonical_region(region)
        if canonical in self.free_shipping.jzhw_regions:
            return "jzhw"
        if canonical in self.free_shipping.remote_regions:
            return "remote"
        if canonical in MAINLAND:
            return "mainland"
        if canonical in HMT:
            return "hmt"
        return "overseas"

    def free_shipping_rule(self, region: str) -> FreeShippingRule:
        group = self.region_group(region)
        fs = self.free_shipping
        free_from: Decimal | None = None
        off: Decimal | None = None
        off_from: Decimal | None = None
        combine: int | None = None
        couriers = ["zto", "sf"]
        if group == "jzhw":
            free_from, combine = fs.jzhw_threshold_yuan, fs.combine_orders_days or None
        elif group == "mainland":
            free_from = fs.mainland_threshold_yuan
        elif group == "remote":
            off_from, off = fs.remote_threshold_yuan, fs.remote_postage_off_yuan
        elif group == "hmt":
            couriers = ["sf"]
        else:
            couriers = ["ems"]
        return FreeShippingRule(
            region=canonical_region(region),
            group=group,
            free_from_yuan=free_from,
            postage_off_yuan=off,
            postage_off_from_yuan=off_from,
            combine_orders_days=combine,
            freight_collect=group == "hmt",
            couriers=couriers,
        )

    # -- returns and prices ----------------------------------------------------------------------
    def kind_rule(self, kind: ItemKind) -> KindRule:
        return self.returns.kind_rule(kind)

    def member_percent_off(self, cumulative_yuan: Decimal) -> Decimal:
        """The member discount (percent) for a cumulative spend: the highest tier passed, or 0."""
        passed = [t.percent_off for t in self.prices.member_tiers if cumulative_yuan > t.above_yuan]
        return passed[-1] if passed else Decimal(0)

    def local_texts(self) -> list[tuple[str, LocalText]]:
        """Every shop-written text with its dotted field path (to check locale coverage)."""
        found: list[tuple[str, LocalText]] = []

        def walk(value: object, path: str) -> None:
            if isinstance(value, LocalText):
                found.append((path, value))
            elif isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    walk(getattr(value, name), f"{path}.{name}" if path else name)
            elif isinstance(value, list):
                for i, item in enumerate(value):
                    walk(item, f"{path}[{i}]")

        walk(self, "")
        return found


def _field_path(loc: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif item == "root":  # LocalText's RootModel level says nothing to an owner
            continue
        else:
            parts.append(f".{item}" if parts else str(item))
    return "".join(parts) or "(top level)"


def load_policy(path: Path | None = None) -> ShopPolicy:
    """Load and validate the shop policy (``shop/data/shop.yaml`` unless ``path`` is given).

    Raises :class:`PolicyError` naming the file and each invalid field.
    """
    source = Path(path) if path is not None else DEFAULT_POLICY_PATH
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PolicyError(f"{source}: cannot read the shop policy ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise PolicyError(f"{source}: not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise PolicyError(f"{source}: the shop policy must be a YAML mapping at the top level")
    try:
        policy = ShopPolicy.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"field '{_field_path(err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        raise PolicyError(f"{source}: invalid shop policy: {problems}") from exc
    logger.debug("loaded shop policy from %s", source)
    return policy
