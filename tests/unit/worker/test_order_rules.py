"""Changes before shipping, urges, attention flags and taxpayer numbers as pure functions."""

from datetime import UTC, datetime, timedelta

import pytest

from shop.policy import load_policy
from worker.order_rules import (
    ModifyFacts,
    OrderTimes,
    courier_request_refusals,
    decide_cancel,
    decide_modify,
    delivery_due_by,
    dispatch_due_by,
    order_attention,
    tax_no_problem,
    urge_stage,
    valid_tax_no,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
POLICY = load_policy()  # in stock: 2–3 days; pre-order 7–15; proxy late after 15 days


def modify(**overrides) -> ModifyFacts:
    base = dict(
        order_state="paid",
        in_order=True,
        item_kind="regular",
        quantity=1,
        same_variant=False,
        new_variant_exists=True,
        new_variant_stock=3,
    )
    base.update(overrides)
    return ModifyFacts(**base)


def test_a_paid_unshipped_item_changes_when_the_new_one_is_in_stock():
    assert decide_modify(modify()).allowed
    assert decide_modify(modify(quantity=3)).allowed
    assert decide_modify(modify(quantity=4)).reasons == ["out_of_stock"]
    assert decide_modify(modify(same_variant=True)).reasons == ["same_variant"]
    assert decide_modify(modify(new_variant_exists=False)).reasons == ["variant_not_found"]
    assert decide_modify(modify(in_order=False)).reasons == ["item_not_in_order"]


@pytest.mark.parametrize(
    ("state", "reason"),
    [
        ("awaiting_payment", "order_not_paid"),
        ("shipped", "already_shipped"),
        ("completed", "already_shipped"),
        ("closed", "order_closed"),
    ],
)
def test_only_a_paid_unshipped_order_changes(state, reason):
    decision = decide_modify(modify(order_state=state, new_variant_stock=0))
    assert decision.reasons == [reason, "out_of_stock"]


def test_a_proxy_purchase_goes_to_a_person():
    decision = decide_modify(modify(item_kind="proxy"))
    assert decision.reasons == ["proxy_item"] and decision.needs_supervisor


def test_cancelling_by_state():
    assert decide_cancel("awaiting_payment").close_reason == "buyer_cancelled"
    paid = decide_cancel("paid")
    assert (paid.close_reason, paid.refund) == ("refunded_before_shipping", True)
    assert decide_cancel("shipped").refusal == "already_shipped"
    assert decide_cancel("completed").refusal == "already_shipped"
    assert decide_cancel("closed").refusal == "order_closed"


def test_courier_requests():
    assert courier_request_refusals("paid", "mainland", "default", "sf") == []
    assert courier_request_refusals("awaiting_payment", "jzhw", "default", "sf") == []
    assert courier_request_refusals("paid", "mainland", "sf", "sf") == ["same_courier"]
    assert courier_request_refusals("shipped", "mainland", "default", "sf") == ["already_shipped"]
    assert courier_request_refusals("paid", "hmt", "sf", "default") == ["not_for_region"]
    assert courier_request_refusals("paid", "overseas", "ems", "sf") == ["not_for_region"]
    assert courier_request_refusals("closed", "hmt", "sf", "ems") == [
        "order_closed",
        "not_for_region",
    ]


def test_what_an_urge_chases():
    assert urge_stage("paid", None) == "dispatch"
    assert urge_stage("shipped", None) == "delivery"
    assert urge_stage("shipped", NOW) == "already_delivered"
    assert urge_stage("completed", NOW) == "already_delivered"
    assert urge_stage("awaiting_payment", None) == "order_not_paid"
    assert urge_stage("closed", None) == "order_closed"


def times(**overrides) -> OrderTimes:
    base = dict(
        state="paid",
        kinds=frozenset({"regular"}),
        paid_at=NOW - timedelta(days=1),
        shipped_at=None,
        delivered_at=None,
        courier=None,
    )
    base.update(overrides)
    return OrderTimes(**base)


def test_the_dispatch_promise_in_stock_and_pre_order():
    assert dispatch_due_by(times(), POLICY) == NOW + timedelta(days=2)
    proxy = times(kinds=frozenset({"regular", "proxy"}))
    assert dispatch_due_by(proxy, POLICY) == NOW + timedelta(days=14)
    assert dispatch_due_by(times(state="shipped", shipped_at=NOW), POLICY) is None


def test_dispatch_overdue_to_the_second_and_the_late_proxy_postage():
    edge = times(paid_at=NOW - timedelta(days=3))
    assert order_attention(edge, POLICY, NOW) == []
    late = times(paid_at=NOW - timedelta(days=3, seconds=1))
    [flag] = order_attention(late, POLICY, NOW)
    assert (flag.code, flag.days_late, flag.seller_pays_postage) == ("dispatch_overdue", 0, False)
    proxy = times(kinds=frozenset({"proxy"}), paid_at=NOW - timedelta(days=16))
    [flag] = order_attention(proxy, POLICY, NOW)
    assert flag.seller_pays_postage and flag.days_late == 1


def test_in_transit_longer_than_the_couriers_usual_time():
    shipped = dict(state="shipped", shipped_at=NOW - timedelta(days=5))
    assert order_attention(times(**shipped, courier="中通"), POLICY, NOW) == []  # ZTO: 2–5
    [flag] = order_attention(times(**shipped, courier="顺丰"), POLICY, NOW)  # SF: 3–4
    assert flag.code == "transit_overdue" and flag.due_by == NOW - timedelta(days=1)
    # An unknown courier is given the slowest usual time.
    assert delivery_due_by(times(**shipped, courier="某快递"), POLICY) == NOW
    delivered = times(**shipped, courier="顺丰", delivered_at=NOW - timedelta(days=1))
    assert order_attention(delivered, POLICY, NOW) == []


@pytest.mark.parametrize(
    ("tax_no", "valid"),
    [
        ("91350100M000100Y43", True),
        ("91110108551385082Q", True),
        ("91110108551385082q", True),  # read in capitals
        ("91350100M000100Y44", False),  # the check character is wrong
        ("91350100M000100I43", False),  # I is not in the code's alphabet
        ("110108551385082", True),  # an older 15-character number
        ("1234", False),
        ("9135010０M000100Y43", False),  # not ASCII
    ],
)
def test_taxpayer_numbers(tax_no, valid):
    assert valid_tax_no(tax_no) is valid


@pytest.mark.parametrize(
    ("tax_no", "problem"),
    [
        ("91350100M000100Y43", None),
        ("110108551385082", None),
        (None, "missing"),
        ("1234", "length"),
        ("91350100M000100I43", "characters"),
        ("91350100M000100Y44", "check_character"),
        ("91330106MA2B3C4D5E", "check_character"),  # 18 characters: never "usually 18"
    ],
)
def test_what_is_wrong_with_a_taxpayer_number(tax_no, problem):
    assert tax_no_problem(tax_no) == problem
