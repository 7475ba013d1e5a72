"""The shop's exchange rules (DOMAIN.md), as a pure function of the facts.

Kept free of the database and the bus so that each rule reads as the shop states it and is
tested on its own. ``decide_exchange`` lists every reason that applies, not just the first:
the customer hears all that stands in the way at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class ExchangeFacts:
    item_kind: str  # regular | custom | proxy
    order_state: str
    delivered_at: datetime | None
    now: datetime
    already_exchanged: bool
    fit_for_resale: bool
    quality_problem: bool
    style_change: bool
    same_variant: bool
    new_variant_exists: bool
    new_variant_stock: int


@dataclass(frozen=True)
class ExchangeDecision:
    eligible: bool
    reasons: list[str] = field(default_factory=list)
    postage_payer: str = "customer"
    deadline: datetime | None = None
    needs_supervisor: bool = False


def decide_exchange(
    facts: ExchangeFacts, *, custom_window: timedelta, regular_window: timedelta
) -> ExchangeDecision:
    reasons: list[str] = []
    # Who pays: a quality problem is the seller's; otherwise the customer pays both ways.
    postage_payer = "seller" if facts.quality_problem else "customer"

    if facts.order_state == "awaiting_payment":
        reasons.append("order_not_paid")
    elif facts.order_state == "closed":
        reasons.append("order_closed")
    elif facts.delivered_at is None:
        # Paid or on its way: nothing to send back yet (a size change before shipping is a
        # change to the order, for an agent, not an exchange).
        reasons.append("not_delivered_yet")

    window = custom_window if facts.item_kind == "custom" else regular_window
    deadline = facts.delivered_at + window if facts.delivered_at else None
    if deadline is not None and facts.now > deadline and not facts.quality_problem:
        reasons.append("window_expired")

    needs_supervisor = False
    if facts.item_kind == "proxy" and not facts.quality_problem:
        # Bought abroad one by one for the order: in general neither returned nor
        # exchanged; an in-stock one may be swapped for another size at the shop's
        # discretion, which is a person's call.
        reasons.append("proxy_no_exchange")
        needs_supervisor = True
    if facts.style_change:
        reasons.append("style_change_not_allowed")
        needs_supervisor = True
    if facts.already_exchanged:
        reasons.append("already_exchanged")
    if not facts.fit_for_resale and not facts.quality_problem:
        reasons.append("not_fit_for_resale")
    if not facts.style_change:
        if facts.same_variant:
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


def mask_phone(phone: str) -> str:
    digits = phone[-11:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


def mask_address(address: str) -> str:
    return address[:6] + "****" if len(address) > 6 else "****"


def normalize_phone(phone: str) -> str:
    """Telegram sends contacts as "+8613900000001", "8613900000001" or "13900000001"."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits
