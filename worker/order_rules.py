"""Changes to an order before it ships, and when an order needs attention: pure functions of
the facts and the shop policy.

- **Size or colour** of an item changes only while the order is paid and not shipped (DOMAIN:
  item attributes change only then; price and postage only before payment, so an unpaid order
  is cancelled and placed again). A proxy purchase is bought abroad for the order, perhaps
  already: a person decides.
- **Cancelling**: an unpaid order closes (``buyer_cancelled``); a paid, unshipped one closes
  with a refund of what was paid (``refunded_before_shipping``); a shipped one is refused, and
  the way forward is a return after delivery.
- **A courier change** is a request recorded for the warehouse, which confirms it: only before
  shipping, to a courier that serves the destination (Hong Kong, Macau and Taiwan go by SF
  only, overseas by EMS).
- **Urging**: the warehouse to ship a paid order, or the courier to deliver a shipped one.
- **Attention**: paid and not shipped past the dispatch promise (in-stock items: the policy's
  ``shipping.dispatch.in_stock_days``; proxy purchases, bought to order, its ``preorder_days``;
  a proxy purchase still unshipped ``returns.proxy_late_ship_days`` after payment moves the
  postage to the shop), or in transit longer than its courier's usual time
  (``shipping.<courier>.delivery_days``). Whole days from payment or dispatch, the promise's
  last day included.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from shop.enums import (
    AttentionCode,
    CancelRefusal,
    CourierCode,
    CourierRequestRefusal,
    ItemKind,
    OrderChangeReason,
    OrderState,
    RegionGroup,
    TaxNoProblem,
    UrgeRefusal,
    UrgeStage,
)
from shop.policy import ShopPolicy

# ── size or colour before shipping ───────────────────────────────────────────────────────


@dataclass(frozen=True)
class ModifyFacts:
    order_state: OrderState
    in_order: bool
    item_kind: ItemKind | None
    quantity: int
    same_variant: bool
    new_variant_exists: bool
    new_variant_stock: int


@dataclass(frozen=True)
class ModifyDecision:
    allowed: bool
    reasons: list[OrderChangeReason] = field(default_factory=list)
    needs_supervisor: bool = False


_STATE_REFUSAL: dict[OrderState, OrderChangeReason] = {
    "awaiting_payment": "order_not_paid",
    "shipped": "already_shipped",
    "completed": "already_shipped",
    "closed": "order_closed",
}


def decide_modify(facts: ModifyFacts) -> ModifyDecision:
    """May this item's size or colour change now; every reason that stands in the way."""
    if not facts.in_order:
        return ModifyDecision(False, ["item_not_in_order"])
    reasons: list[OrderChangeReason] = []
    state = _STATE_REFUSAL.get(facts.order_state)
    if state is not None:
        reasons.append(state)
    needs_supervisor = False
    if facts.item_kind == "proxy":
        reasons.append("proxy_item")
        needs_supervisor = True
    if facts.same_variant:
        reasons.append("same_variant")
    elif not facts.new_variant_exists:
        reasons.append("variant_not_found")
    elif facts.new_variant_stock < facts.quantity:
        reasons.append("out_of_stock")
    return ModifyDecision(not reasons, reasons, needs_supervisor)


# ── cancelling ───────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class CancelDecision:
    close_reason: str | None = None
    """``buyer_cancelled`` or ``refunded_before_shipping``; None when refused."""
    refund: bool = False
    refusal: CancelRefusal | None = None


def decide_cancel(state: OrderState) -> CancelDecision:
    if state == "awaiting_payment":
        return CancelDecision(close_reason="buyer_cancelled")
    if state == "paid":
        return CancelDecision(close_reason="refunded_before_shipping", refund=True)
    if state == "closed":
        return CancelDecision(refusal="order_closed")
    return CancelDecision(refusal="already_shipped")


# ── courier change ───────────────────────────────────────────────────────────────────────


def couriers_for(group: RegionGroup) -> tuple[CourierCode, ...]:
    """The couriers that serve a destination group (the policy's free-shipping rule says the
    same: SF only for Hong Kong, Macau and Taiwan; EMS abroad)."""
    if group == "hmt":
        return ("sf",)
    if group == "overseas":
        return ("ems",)
    return ("default", "sf")


def courier_request_refusals(
    state: OrderState,
    group: RegionGroup,
    current: CourierCode | None,
    wanted: CourierCode,
) -> list[CourierRequestRefusal]:
    reasons: list[CourierRequestRefusal] = []
    if state in ("shipped", "completed"):
        reasons.append("already_shipped")
    elif state == "closed":
        reasons.append("order_closed")
    if wanted not in couriers_for(group):
        reasons.append("not_for_region")
    elif current == wanted:
        reasons.append("same_courier")
    return reasons


# ── urging ───────────────────────────────────────────────────────────────────────────────


def urge_stage(state: OrderState, delivered_at: datetime | None) -> UrgeStage | UrgeRefusal:
    """What an urge chases now (``dispatch``, ``delivery``), or why there is nothing to urge."""
    if state == "awaiting_payment":
        return "order_not_paid"
    if state == "closed":
        return "order_closed"
    if state == "paid":
        return "dispatch"
    if delivered_at is not None or state == "completed":
        return "already_delivered"
    return "delivery"


# ── attention ────────────────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class Attention:
    code: AttentionCode
    due_by: datetime
    days_late: int
    """Whole days past ``due_by`` (0: late by less than a day)."""
    seller_pays_postage: bool = False


@dataclass(frozen=True)
class OrderTimes:
    state: OrderState
    kinds: frozenset[ItemKind]
    paid_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    courier: str | None


def dispatch_days(policy: ShopPolicy, kinds: Iterable[ItemKind]) -> int:
    """The dispatch promise in days from payment: pre-order (proxy purchases are bought to
    order) or in stock."""
    dispatch = policy.shipping.dispatch
    return (dispatch.preorder_days if "proxy" in set(kinds) else dispatch.in_stock_days).max


def dispatch_due_by(times: OrderTimes, policy: ShopPolicy) -> datetime | None:
    """By when a paid order is promised to ship; None once shipped (or not paid)."""
    if times.state != "paid" or times.paid_at is None:
        return None
    return times.paid_at + timedelta(days=dispatch_days(policy, times.kinds))


def delivery_due_by(times: OrderTimes, policy: ShopPolicy) -> datetime | None:
    """By when a shipped parcel usually arrives (its courier's slowest usual time); None once
    delivered (or not shipped)."""
    if times.state != "shipped" or times.shipped_at is None or times.delivered_at is not None:
        return None
    return times.shipped_at + timedelta(days=policy.shipping.delivery_days(times.courier).max)


def order_attention(times: OrderTimes, policy: ShopPolicy, now: datetime) -> list[Attention]:
    """What about this order needs attention now (none for most orders)."""
    found: list[Attention] = []
    due = dispatch_due_by(times, policy)
    if due is not None and now > due:
        assert times.paid_at is not None
        late_ship = timedelta(days=policy.returns.proxy_late_ship_days)
        found.append(
            Attention(
                "dispatch_overdue",
                due_by=due,
                days_late=(now - due).days,
                seller_pays_postage="proxy" in times.kinds and now - times.paid_at > late_ship,
            )
        )
    due = delivery_due_by(times, policy)
    if due is not None and now > due:
        found.append(Attention("transit_overdue", due_by=due, days_late=(now - due).days))
    return found


# ── invoices ─────────────────────────────────────────────────────────────────────────────

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def valid_tax_no(tax_no: str) -> bool:
    """A Chinese taxpayer number: the 18-character unified social credit code (统一社会信用代码,
    GB 32100-2015) with its check character, or an older 15- or 20-character taxpayer number
    (digits and capital letters)."""
    return tax_no_problem(tax_no) is None


def tax_no_problem(tax_no: str | None) -> TaxNoProblem | None:
    """What is wrong with a taxpayer number (``valid_tax_no``), or ``None`` when nothing is."""
    value = (tax_no or "").strip().upper()
    if not value:
        return "missing"
    if len(value) == 18:
        if any(ch not in _USCC_CHARS for ch in value):
            return "characters"
        total = sum(_USCC_CHARS.index(ch) * w for ch, w in zip(value, _USCC_WEIGHTS, strict=False))
        check = (31 - total % 31) % 31
        return None if value[17] == _USCC_CHARS[check] else "check_character"
    if len(value) in (15, 20):
        return None if value.isascii() and value.isalnum() else "characters"
    return "length"
