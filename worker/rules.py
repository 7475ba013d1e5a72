"""The shop's exchange and address rules, as pure functions of the facts and the policy.

Kept free of the database and the bus so that each rule reads as the shop states it and is
tested on its own. The figures (windows, postage, what each item kind allows) come from the
shop policy (``shop/data/shop.yaml``, ``KEFU_SHOP_POLICY``), the same file the bot quotes to
customers. ``decide_exchange`` lists every reason that applies, not just the first: the
customer hears all that stands in the way at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shop.enums import AddressChangeReason, ExchangeReason, ItemKind, OrderState, PostagePayer
from shop.policy import ReturnsPolicy
from shop.regions import HMT, MAINLAND, OVERSEAS, canonical_region

_NOT_EXCHANGED: dict[ItemKind, ExchangeReason] = {
    "regular": "regular_no_exchange",
    "custom": "custom_no_exchange",
    "proxy": "proxy_no_exchange",
}
_ADDRESS_REFUSAL: dict[OrderState, AddressChangeReason] = {
    "awaiting_payment": "not_paid",
    "shipped": "already_shipped",
    "completed": "already_shipped",
    "closed": "closed",
}


@dataclass(frozen=True)
class ExchangeFacts:
    item_kind: ItemKind
    order_state: OrderState
    delivered_at: datetime | None
    now: datetime
    already_exchanged: bool
    fit_for_resale: bool
    quality_problem: bool
    style_change: bool
    same_variant: bool
    new_variant_exists: bool
    new_variant_stock: int
    size_change: bool = False
    color_change: bool = False
    already_returned: bool = False
    """The item is (being) returned for a refund: it cannot be exchanged too."""


@dataclass(frozen=True)
class ExchangeDecision:
    eligible: bool
    reasons: list[ExchangeReason] = field(default_factory=list)
    postage_payer: PostagePayer = "customer"
    deadline: datetime | None = None
    needs_supervisor: bool = False


def decide_exchange(facts: ExchangeFacts, returns: ReturnsPolicy) -> ExchangeDecision:
    """May this item be exchanged, by the rule of its kind in ``returns`` (the policy's)."""
    rule = returns.kind_rule(facts.item_kind)
    reasons: list[ExchangeReason] = []
    quality = facts.quality_problem
    # Who pays: a quality problem is the shop's; otherwise as the kind's rule says.
    postage_payer = returns.exchange_postage(facts.item_kind, quality_problem=quality)

    if facts.order_state == "awaiting_payment":
        reasons.append("order_not_paid")
    elif facts.order_state == "closed":
        reasons.append("order_closed")
    elif facts.delivered_at is None:
        # Paid or on its way: nothing to send back yet (a size change before shipping is a
        # change to the order, for an agent, not an exchange).
        reasons.append("not_delivered_yet")

    deadline = exchange_deadline(facts.item_kind, facts.delivered_at, returns)
    if deadline is not None and facts.now > deadline and not quality:
        reasons.append("window_expired")

    needs_supervisor = False
    if rule.exchange != "yes" and not quality:
        # Not exchanged as a rule (proxy purchases are bought abroad one by one for the
        # order). "discretionary": an in-stock one may be swapped at the shop's discretion,
        # which is a person's call; "no": only where a supervisor may make an exception.
        reasons.append(_NOT_EXCHANGED[facts.item_kind])
        needs_supervisor = rule.exchange == "discretionary" or rule.supervisor_exception
    if facts.style_change:
        reasons.append("style_change_not_allowed")
        needs_supervisor = True
    if facts.already_exchanged:
        reasons.append("already_exchanged")
    if facts.already_returned:
        reasons.append("already_returned")
    if rule.needs_resale_condition and not facts.fit_for_resale and not quality:
        reasons.append("not_fit_for_resale")
    if not facts.style_change:
        if rule.exchange != "no" and not quality:
            if facts.size_change and "size" not in rule.exchange_changes:
                reasons.append("size_change_not_allowed")
            if facts.color_change and "color" not in rule.exchange_changes:
                reasons.append("color_change_not_allowed")
        if facts.same_variant and not quality:
            # (a faulty item is replaced by a new one of the same)
            reasons.append("same_variant")
        elif not facts.new_variant_exists:
            reasons.append("variant_not_found")
        elif facts.new_variant_stock < 1:
            reasons.append("out_of_stock")

    return ExchangeDecision(
        eligible=not reasons,
        reasons=reasons,
        postage_payer=postage_payer,
        deadline=deadline,
        needs_supervisor=needs_supervisor,
    )


def exchange_deadline(
    kind: ItemKind, delivered_at: datetime | None, returns: ReturnsPolicy
) -> datetime | None:
    """Until when an item of ``kind`` delivered at ``delivered_at`` may be exchanged without a
    quality problem (the kind's window from delivery); None when its kind has no window (proxy
    purchases: exchanged, if at all, at the shop's discretion) or it has not been delivered."""
    hours = returns.kind_rule(kind).exchange_window_hours
    if delivered_at is None or hours is None:
        return None
    return delivered_at + timedelta(hours=hours)


def address_refusal(state: OrderState) -> AddressChangeReason | None:
    """Why the customer can no longer change the order's address; ``None`` while it is paid
    and not shipped. Sent in every order view and applied by ``orders.change_address``."""
    return _ADDRESS_REFUSAL.get(state)


@dataclass(frozen=True)
class NewAddress:
    province: str
    """Canonical (浙江, 北京, 香港, 海外)."""
    city: str | None
    district: str | None
    line: str
    """Everything after the province, as the order keeps it: city, district, street."""


def structured_address(
    province: str, city: str | None, district: str | None, street: str
) -> NewAddress | None:
    """An address given in parts, as the order stores it; ``None`` when the province is not a
    region the shop knows (a typo): refused as ``unknown_region`` rather than stored."""
    region = canonical_region(province)
    if region not in MAINLAND and region not in HMT and region != OVERSEAS:
        return None
    city, district, street = (city or "").strip(), (district or "").strip(), street.strip()
    if street.isascii():
        # Written in English: street first, as it reads ("100 Century Avenue, Pudong New
        # District, Shanghai").
        known = street.casefold()
        parts = [street, *(p for p in (district, city) if p and p.casefold() not in known)]
        return NewAddress(region, city or None, district or None, ", ".join(parts))
    line = street
    for part in (district, city):
        if part and not line.startswith(part):
            line = part + line
    return NewAddress(region, city or None, district or None, line)


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


def mask_address(address: str, *, city: str | None = None, district: str | None = None) -> str:
    """The address line with its street masked: city and district in full when the address
    was given in parts (they say where, not who), else the line's first six characters."""
    if address.isascii() and (city or district):
        return ", ".join(p for p in ("****", district, city) if p)
    known = f"{city or ''}{district or ''}"
    if known and address.startswith(known):
        return f"{known}****"
    return address[:6] + "****" if len(address) > 6 else "****"


def normalize_phone(phone: str) -> str:
    """Telegram sends contacts as "+8613900000001", "8613900000001" or "13900000001"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits
