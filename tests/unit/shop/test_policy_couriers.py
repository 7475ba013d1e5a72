"""An order's courier name is one of the policy's couriers, whatever way it is written."""

import pytest

from shop.policy import load_policy

POLICY = load_policy()


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("中通", "default"),
        ("中通快递", "default"),
        ("ZTO Express", "default"),
        ("顺丰", "sf"),
        ("sf express", "sf"),
        ("EMS", "ems"),
        ("邮政 EMS", "ems"),
        ("韵达", None),
        ("", None),
        (None, None),
    ],
)
def test_courier_names(name, code):
    assert POLICY.shipping.courier_code(name) == code


def test_the_usual_time_of_an_unknown_courier_is_the_slowest():
    slowest = max(
        (POLICY.shipping.default_courier, POLICY.shipping.sf, POLICY.shipping.ems),
        key=lambda courier: courier.delivery_days.max,
    )
    assert POLICY.shipping.delivery_days("韵达") == slowest.delivery_days
    assert POLICY.shipping.delivery_days("顺丰") == POLICY.shipping.sf.delivery_days


def test_who_pays_a_returns_postage():
    assert POLICY.returns.return_postage("quality") == "seller"
    assert POLICY.returns.return_postage("wrong_item") == "seller"
    assert POLICY.returns.return_postage("size") == "customer"
    assert POLICY.returns.seller_return_postage == "reimbursed"
