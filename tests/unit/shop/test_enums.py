"""The shop's enumerations are written once: the wire, the database and the replies follow."""

from __future__ import annotations

import shutil

import pytest
import yaml

from bus.contracts import ExchangeTerms, OrderSummary, ProductSummary
from replies.render import DEFAULT_LOCALES_DIR, LocaleError, Replies
from shop import EXCHANGE_REASONS, ITEM_KINDS, ORDER_STATES, POSTAGE_PAYERS, REMARK_FLAGS
from shop.enums import PRODUCT_CATEGORIES
from shop.policy import load_policy
from worker.db.models import Order, Product, Remark


def _check(table, name: str) -> str:
    [sql] = [str(c.sqltext) for c in table.__table__.constraints if c.name == name]
    return sql


def test_database_checks_list_every_value_of_the_enumeration():
    assert _check(Product, "product_kind") == "kind IN ('regular', 'custom', 'proxy')"
    checks = (
        (Product, "product_kind", ITEM_KINDS),
        (Product, "product_category", PRODUCT_CATEGORIES),
        (Order, "order_state", ORDER_STATES),
        (Remark, "remark_flag", REMARK_FLAGS),
    )
    for table, name, values in checks:
        assert all(f"'{value}'" in _check(table, name) for value in values)


def test_contracts_accept_exactly_the_enumerations():
    fields = OrderSummary.model_fields
    assert fields["state"].annotation.__args__ == ORDER_STATES
    assert ProductSummary.model_fields["kind"].annotation.__args__ == ITEM_KINDS
    terms = ExchangeTerms(
        eligible=False,
        reasons=list(EXCHANGE_REASONS),
        postage_payer=POSTAGE_PAYERS[-1],
        return_address="-",
    )
    assert terms.reasons == list(EXCHANGE_REASONS)


def test_replies_refuse_to_start_without_words_for_a_value(tmp_path):
    target = tmp_path / "locales"
    shutil.copytree(DEFAULT_LOCALES_DIR, target)
    for path in target.glob("*.yaml"):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        del raw["ui"]["exchange.postage.split"]
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LocaleError, match=r"exchange\.postage\.split"):
        Replies(load_policy(), target)
