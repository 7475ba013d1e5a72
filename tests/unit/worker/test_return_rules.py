"""The return rules as a pure function: each reason, the shop's fault, the money."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from shop.enums import RETURN_CAUSES, SELLER_FAULT
from shop.policy import load_policy
from worker.return_rules import (
    RefundLine,
    ReturnFacts,
    ReturnItemFacts,
    decide_return,
    refund_amounts,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
RETURNS = load_policy().returns  # the demo shop's: regular 7 days, custom and proxy never


def item(**overrides) -> ReturnItemFacts:
    base = dict(item_id=1, requested=1, kind="regular", bought=1)
    base.update(overrides)
    return ReturnItemFacts(**base)


def facts(*items: ReturnItemFacts, **overrides) -> ReturnFacts:
    base = dict(
        order_state="shipped",
        delivered_at=NOW - timedelta(days=2),
        now=NOW,
        cause="size",
        fit_for_resale=True,
        items=items or (item(),),
    )
    base.update(overrides)
    return ReturnFacts(**base)


def test_a_regular_item_within_the_window_comes_back_and_the_customer_pays_postage():
    decision = decide_return(facts(), RETURNS)
    assert decision.eligible and decision.reasons == []
    assert decision.postage_payer == "customer"
    assert decision.deadline == NOW + timedelta(days=5)


def test_the_window_is_seven_days_from_delivery_to_the_second():
    edge = facts(delivered_at=NOW - timedelta(days=7))
    assert decide_return(edge, RETURNS).eligible
    late = facts(delivered_at=NOW - timedelta(days=7, seconds=1))
    assert decide_return(late, RETURNS).reasons == ["window_expired"]


@pytest.mark.parametrize(
    ("kind", "reason", "supervisor"),
    [("custom", "custom_no_return", True), ("proxy", "proxy_no_return", False)],
)
def test_custom_made_and_proxy_purchases_are_not_taken_back(kind, reason, supervisor):
    decision = decide_return(facts(item(kind=kind)), RETURNS)
    assert decision.reasons == [reason]
    assert decision.needs_supervisor is supervisor
    assert decision.deadline is None  # no window to quote: they are not returned at all


@pytest.mark.parametrize("cause", sorted(SELLER_FAULT))
@pytest.mark.parametrize("kind", ["regular", "custom", "proxy"])
def test_the_shops_fault_lifts_kind_window_and_condition_and_moves_postage(kind, cause):
    decision = decide_return(
        facts(
            item(kind=kind),
            cause=cause,
            fit_for_resale=False,
            delivered_at=NOW - timedelta(days=30),
        ),
        RETURNS,
    )
    assert decision.eligible, decision.reasons
    assert decision.postage_payer == "seller"


@pytest.mark.parametrize("cause", sorted(set(RETURN_CAUSES) - SELLER_FAULT))
def test_other_causes_are_the_customers_postage(cause):
    assert decide_return(facts(cause=cause), RETURNS).postage_payer == "customer"


@pytest.mark.parametrize(
    ("state", "delivered", "reason"),
    [
        ("awaiting_payment", False, "order_not_paid"),
        ("paid", False, "not_delivered_yet"),
        ("shipped", False, "not_delivered_yet"),
        ("closed", False, "order_closed"),
        ("closed", True, "order_closed"),
    ],
)
def test_the_order_must_be_paid_and_delivered(state, delivered, reason):
    decision = decide_return(
        facts(order_state=state, delivered_at=NOW - timedelta(days=1) if delivered else None),
        RETURNS,
    )
    assert reason in decision.reasons and not decision.eligible


def test_what_happened_to_the_item_already():
    assert decide_return(facts(item(live_return=True)), RETURNS).reasons == ["already_returned"]
    refunded = item(bought=2, refunded=2)
    assert decide_return(facts(refunded), RETURNS).reasons == ["already_returned"]
    one_left = item(bought=2, refunded=1, requested=2)
    assert decide_return(facts(one_left), RETURNS).reasons == ["quantity_too_large"]
    assert decide_return(facts(replace(one_left, requested=1)), RETURNS).eligible
    assert decide_return(facts(item(exchanged=True)), RETURNS).reasons == ["already_exchanged"]


def test_every_reason_of_every_item_once_and_per_item():
    first = item(item_id=1, kind="custom")
    second = item(item_id=2, kind="regular", exchanged=True)
    missing = item(item_id=3, in_order=False, kind=None)
    decision = decide_return(
        facts(first, second, missing, fit_for_resale=False, delivered_at=NOW - timedelta(days=8)),
        RETURNS,
    )
    assert not decision.eligible
    assert [d.reasons for d in decision.items] == [
        ["custom_no_return", "not_fit_for_resale"],
        ["window_expired", "not_fit_for_resale", "already_exchanged"],
        ["item_not_in_order"],
    ]
    assert decision.reasons == [
        "custom_no_return",
        "not_fit_for_resale",
        "window_expired",
        "already_exchanged",
        "item_not_in_order",
    ]


def test_no_items_is_never_eligible():
    decision = decide_return(
        ReturnFacts("shipped", NOW - timedelta(days=1), NOW, "size", True, ()), RETURNS
    )
    assert not decision.eligible


def lines_for(cause, second=None):
    return [
        RefundLine(Decimal("99.50"), 2, cause),
        RefundLine(Decimal(300), 1, second or cause),
    ]


def test_the_refund_is_price_times_units_and_the_postage_only_for_the_shops_fault():
    whole = dict(order_postage=Decimal(12), units_in_order=3, units_back_before=0)
    assert refund_amounts(lines_for("size"), **whole).total == Decimal("499.00")
    assert refund_amounts(lines_for("quality"), **whole).total == Decimal("511.00")
    part = dict(whole, units_in_order=4)
    assert refund_amounts(lines_for("quality"), **part).postage == Decimal(0)
    # The last units of an order returned earlier in part bring the postage back.
    last = dict(whole, units_in_order=4, units_back_before=1)
    assert refund_amounts(lines_for("wrong_item"), **last).postage == Decimal(12)
    # ... unless an earlier return was her own choice: that delivery was as ordered.
    earlier_own = dict(last, own_choice_before=1)
    assert refund_amounts(lines_for("wrong_item"), **earlier_own).postage == Decimal(0)


def test_the_whole_order_back_for_two_causes_keeps_the_postage_paid():
    """The trousers too small (hers) and the shirt's seam open (ours): every item is back, but
    not all by the shop's fault — the order's ¥12 stays paid (it was refunded for both)."""
    whole = dict(order_postage=Decimal(12), units_in_order=3, units_back_before=0)
    mixed = refund_amounts(lines_for("size", "quality"), **whole)
    assert mixed.postage == Decimal(0) and mixed.total == Decimal("499.00")


def test_each_item_is_decided_for_its_own_cause():
    """A fault lifts the rules for its own item only, and each item's postage back is paid by
    its own cause; the parcel is hers when one item in it is her own choice."""
    trousers = item(item_id=1, kind="regular")
    shirt = item(item_id=2, kind="custom", cause="quality")
    late = facts(trousers, shirt, cause="size", delivered_at=NOW - timedelta(days=9))
    decision = decide_return(late, RETURNS)
    by_id = {d.item_id: d for d in decision.items}
    assert by_id[1].reasons == ["window_expired"] and by_id[1].cause == "size"
    assert by_id[2].eligible and by_id[2].cause == "quality"
    assert (by_id[1].postage_payer, by_id[2].postage_payer) == ("customer", "seller")
    in_time = decide_return(facts(trousers, shirt, cause="size"), RETURNS)
    assert in_time.eligible and in_time.postage_payer == "customer"
    # an unworn-condition answer is asked of her own-choice items only
    worn = decide_return(facts(trousers, shirt, cause="size", fit_for_resale=False), RETURNS)
    assert [d.reasons for d in worn.items] == [["not_fit_for_resale"], []]
    # every item the shop's fault: the parcel is the shop's
    both = facts(item(item_id=1, cause="wrong_item"), shirt, cause="size")
    assert decide_return(both, RETURNS).postage_payer == "seller"
