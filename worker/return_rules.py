"""The shop's return rules, as pure functions of the facts and the policy.

A return sends items back for a refund (退货退款). What decides it, by the shop policy's rule
for each item kind (``returns.<regular|custom|proxy>``, the file the bot quotes):

- the order: paid and delivered (an unpaid, undelivered or closed order has nothing to send
  back; before shipping the customer cancels instead);
- the item kind: regular items come back within ``return_days`` of delivery; custom-made items
  (定制) are never refunded and proxy purchases (代购) never returned — unless the shop is at
  fault (a quality problem, a wrong item sent), which lifts the kind's refusal, the window and
  the resale condition, and moves the postage to the shop (checked when the parcel arrives);
- the item's condition: fit for resale (tags on, unworn, unwashed) where the kind needs it;
- what happened to the item already: a return under way, every unit refunded, an exchange;
- the quantity: no more units than are left to return.

Like ``decide_exchange``, every reason that applies is listed, per item and for the whole
return, so the customer hears all of it at once.

Each item goes back for its own cause (the trousers too small — her choice; the shirt's seam
open — the shop's fault): the fault lifts the rules for that item only, and each item's return
postage is paid by its own cause (``ReturnsPolicy.return_postage``).

Money: the refund is each item's price times the units returned. The order's own postage comes
back only when the whole order comes back (this return and earlier ones), every unit of it
through the shop's fault; the postage of sending a return back is the customer's, or the shop's
when it is at fault (``returns.seller_return_postage``: reimbursed with the refund, or freight
collect). One parcel with an item of her own choice in it is hers to send (she would pay it for
that item alone); the shop's items ride along at no charge to her.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from shop.enums import (
    SELLER_FAULT,
    ItemKind,
    OrderState,
    ReturnCause,
    ReturnPostagePayer,
    ReturnReason,
)
from shop.policy import ReturnsPolicy

_NOT_RETURNED: dict[ItemKind, ReturnReason] = {
    "regular": "regular_no_return",
    "custom": "custom_no_return",
    "proxy": "proxy_no_return",
}


@dataclass(frozen=True)
class ReturnItemFacts:
    """One item the customer wants to send back, and what the shop knows about it."""

    item_id: int
    requested: int
    """Units the customer wants to return."""
    in_order: bool = True
    kind: ItemKind | None = None
    bought: int = 0
    refunded: int = 0
    """Units of it already returned and refunded."""
    live_return: bool = False
    """A return of it is under way (awaiting the parcel, or received and being checked)."""
    exchanged: bool = False
    """An exchange of it exists (not cancelled)."""
    cause: ReturnCause | None = None
    """Why this item goes back, when not the return's own cause."""


@dataclass(frozen=True)
class ReturnFacts:
    order_state: OrderState
    delivered_at: datetime | None
    now: datetime
    cause: ReturnCause
    fit_for_resale: bool
    items: tuple[ReturnItemFacts, ...]


@dataclass(frozen=True)
class ItemReturnDecision:
    item_id: int
    eligible: bool
    cause: ReturnCause
    postage_payer: ReturnPostagePayer
    reasons: list[ReturnReason] = field(default_factory=list)
    deadline: datetime | None = None
    needs_supervisor: bool = False


@dataclass(frozen=True)
class ReturnDecision:
    eligible: bool
    items: list[ItemReturnDecision]
    reasons: list[ReturnReason]
    """Every reason of every item, each once, in the order they first apply."""
    postage_payer: ReturnPostagePayer
    """Who sends the parcel: the shop when every item is its fault, else the customer."""
    deadline: datetime | None
    """The earliest of the items' windows (None: no window applies)."""
    needs_supervisor: bool


def decide_return(facts: ReturnFacts, returns: ReturnsPolicy) -> ReturnDecision:
    """May these items be returned for a refund, by the rule of each one's kind and for its
    own cause."""
    order_reasons: list[ReturnReason] = []
    if facts.order_state == "awaiting_payment":
        order_reasons.append("order_not_paid")
    elif facts.order_state == "closed":
        order_reasons.append("order_closed")
    elif facts.delivered_at is None:
        # Paid or on its way: nothing to send back yet (before shipping: cancel instead).
        order_reasons.append("not_delivered_yet")

    decisions = [_decide_item(item, facts, order_reasons, returns) for item in facts.items]
    reasons: list[ReturnReason] = []
    for decision in decisions:
        reasons.extend(r for r in decision.reasons if r not in reasons)
    deadlines = [d.deadline for d in decisions if d.deadline is not None]
    return ReturnDecision(
        eligible=bool(decisions) and all(d.eligible for d in decisions),
        items=decisions,
        reasons=reasons,
        postage_payer=(
            _parcel_payer(decisions) if decisions else returns.return_postage(facts.cause)
        ),
        deadline=min(deadlines) if deadlines else None,
        needs_supervisor=any(d.needs_supervisor for d in decisions),
    )


def _parcel_payer(decisions: list[ItemReturnDecision]) -> ReturnPostagePayer:
    """The parcel is the shop's to pay when every item in it is the shop's fault; an item of
    her own choice makes it hers (she would pay it for that item alone)."""
    return "seller" if all(d.postage_payer == "seller" for d in decisions) else "customer"


def return_deadline(
    kind: ItemKind, delivered_at: datetime | None, returns: ReturnsPolicy
) -> datetime | None:
    """Until when an item of ``kind`` delivered at ``delivered_at`` may be sent back for a
    refund without the shop at fault; None when its kind is not returned that way."""
    rule = returns.kind_rule(kind)
    if not rule.return_allowed or rule.return_days is None or delivered_at is None:
        return None
    return delivered_at + timedelta(days=rule.return_days)


def _decide_item(
    item: ReturnItemFacts,
    facts: ReturnFacts,
    order_reasons: list[ReturnReason],
    returns: ReturnsPolicy,
) -> ItemReturnDecision:
    cause = item.cause or facts.cause
    seller_fault = cause in SELLER_FAULT
    payer = returns.return_postage(cause)
    if not item.in_order or item.kind is None:
        return ItemReturnDecision(
            item.item_id, False, cause, payer, reasons=["item_not_in_order"]
        )
    rule = returns.kind_rule(item.kind)
    reasons = list(order_reasons)
    needs_supervisor = False

    deadline = return_deadline(item.kind, facts.delivered_at, returns)
    if deadline is not None and facts.now > deadline and not seller_fault:
        reasons.append("window_expired")
    if not rule.return_allowed and not seller_fault:
        # Custom-made: never refunded, unless a supervisor agrees (``supervisor_exception``);
        # proxy purchases: bought abroad one by one for the order, never returned.
        reasons.append(_NOT_RETURNED[item.kind])
        needs_supervisor = rule.supervisor_exception
    if rule.needs_resale_condition and not facts.fit_for_resale and not seller_fault:
        reasons.append("not_fit_for_resale")

    left = item.bought - item.refunded
    if item.live_return or left <= 0:
        reasons.append("already_returned")
    elif item.requested > left:
        reasons.append("quantity_too_large")
    if item.exchanged:
        reasons.append("already_exchanged")
    return ItemReturnDecision(
        item.item_id,
        eligible=not reasons,
        cause=cause,
        postage_payer=payer,
        reasons=reasons,
        deadline=None if seller_fault else deadline,
        needs_supervisor=needs_supervisor,
    )


@dataclass(frozen=True)
class RefundLine:
    unit_price: Decimal
    quantity: int
    cause: ReturnCause

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class RefundAmounts:
    items: Decimal
    postage: Decimal
    """The order's own postage, refunded when the whole order comes back by the shop's fault
    (every unit of it)."""

    @property
    def total(self) -> Decimal:
        return self.items + self.postage


def refund_amounts(
    lines: list[RefundLine],
    *,
    order_postage: Decimal,
    units_in_order: int,
    units_back_before: int,
    own_choice_before: int = 0,
) -> RefundAmounts:
    """What the customer gets back for returning ``lines``: the items' price times quantity,
    and the order's postage when with this return every unit of the order has come back, each
    by the shop's fault (``own_choice_before``: units of earlier returns that were not). An item
    of her own choice among them was delivered as ordered: the postage stays paid."""
    items = sum((line.amount for line in lines), Decimal(0))
    units_back = units_back_before + sum(line.quantity for line in lines)
    whole_order = units_in_order > 0 and units_back >= units_in_order
    all_fault = own_choice_before == 0 and all(line.cause in SELLER_FAULT for line in lines)
    postage = order_postage if whole_order and all_fault and lines else Decimal(0)
    return RefundAmounts(items=items, postage=postage)
