"""Product facts cross three packages: the worker stores them, the bus carries them
(bus.contracts), the bot words them (replies/). Their vocabularies are written once, in
shop.enums, which all three import; these tests check they use them, and render every chart of
the demo shop the way the bot does."""

from __future__ import annotations

from typing import get_args

import pytest

from bot.services.catalogue import chart_of
from bus import contracts as c
from replies import render, sizing
from replies.render import Replies
from replies.sizing import SizeRow, recommend_size
from shop.enums import CATEGORY_MEASUREMENTS, MEASUREMENTS, CareInstruction, Fibre, ProductCategory
from shop.policy import load_policy
from worker.catalogue import Catalogue
from worker.seed import PRODUCTS, TIMING, product_fields

REPLIES = Replies(load_policy())
CATALOGUE = Catalogue.from_rows(
    [{"id": index, **product_fields(spec)} for index, spec in enumerate(PRODUCTS, start=1)],
    version=1,
)


def test_vocabularies_are_the_same_on_both_sides() -> None:
    category = get_args(sizing.SizeChart.model_fields["category"].annotation)[0]
    assert get_args(category) == get_args(ProductCategory) == tuple(CATEGORY_MEASUREMENTS)
    assert sizing.MEASUREMENTS == MEASUREMENTS
    assert render.FIBRES == get_args(Fibre)
    assert render.CARE_INSTRUCTIONS == get_args(CareInstruction)
    # The bot converts a contract row into a replies row field by field.
    assert set(SizeRow.model_fields) == set(c.SizeChartRow.model_fields)


@pytest.mark.parametrize("facts", list(CATALOGUE.products.values()), ids=lambda f: f.summary.name)
def test_every_demo_product_has_its_facts(facts) -> None:
    summary = facts.summary
    assert summary.name_en, "English speakers can name it"
    assert facts.composition and sum(s.percent for s in facts.composition) == 100
    assert facts.care
    view = facts.view([c.VariantView(sku="X-1", size="M", color="黑色", stock=3)])
    if summary.category == "accessories":
        assert view.size_chart is None
        return
    chart = chart_of(view)
    assert chart is not None
    assert set(chart.measurements) == set(CATEGORY_MEASUREMENTS[summary.category])
    for locale in REPLIES.locales:
        text = REPLIES.render_size_chart(chart, locale)
        header, *rows, _tolerance = text.splitlines()
        assert len(rows) == len(chart.rows)
        columns = header.count(" / ") + 1
        assert columns == 2 + len(chart.measurements)
        assert all(row.count(" / ") + 1 == columns for row in rows), text
        assert REPLIES.render_composition(
            [(s.fibre, s.percent) for s in facts.composition], locale
        )
        assert REPLIES.render_care(facts.care, locale)
    # Size advice still works from height and weight on every chart.
    advice = recommend_size(chart, 166, 56.0, None)
    assert advice.kind == "exact" and advice.size == "L"


def test_jeans_chart_speaks_of_waist_and_inseam_not_chest() -> None:
    jeans = next(f for f in CATALOGUE.products.values() if f.summary.name_en == "High-waist Jeans")
    chart = chart_of(jeans.view([]))
    assert chart is not None
    zh = REPLIES.render_size_chart(chart, "zh_CN")
    assert "腰围" in zh and "裤长" in zh and "内长" in zh and "胸围" not in zh


@pytest.mark.parametrize(
    ("locale", "composition", "care"),
    [
        ("zh_CN", "棉 80%，聚酯纤维 20%", "翻面洗涤；可机洗，水温不超过 30 °C；不可漂白"),
        ("en", "80% cotton, 20% polyester",
         "wash inside out; machine wash at 30 °C or below; do not bleach"),
    ],
)
def test_composition_and_care_in_words(locale: str, composition: str, care: str) -> None:
    assert REPLIES.render_composition([("cotton", 80), ("polyester", 20)], locale) == composition
    codes = ["wash_inside_out", "machine_wash_cold", "no_bleach"]
    assert REPLIES.render_care(codes, locale) == care
    assert REPLIES.category_name("trousers", locale) in ("裤装", "trousers")


def test_unknown_codes_are_left_out_and_logged(caplog) -> None:
    assert REPLIES.render_care(["no_bleach", "wash_in_the_sea"], "en") == "do not bleach"
    assert REPLIES.render_composition([("unobtanium", 100)], "en") == ""
    assert "wash_in_the_sea" in caplog.text and "unobtanium" in caplog.text
    with pytest.raises(KeyError):
        REPLIES.category_name("shoes", "en")


def test_seed_timing_is_the_shop_policy() -> None:
    policy = load_policy()
    couriers = (policy.shipping.default_courier, policy.shipping.sf, policy.shipping.ems)
    assert TIMING.unpaid_close_hours == policy.orders.unpaid_close_hours
    assert TIMING.dispatch_days == policy.shipping.dispatch.in_stock_days.max
    assert TIMING.proxy_dispatch_days == policy.shipping.dispatch.preorder_days.max
    assert TIMING.delivery_days == max(courier.delivery_days.max for courier in couriers)
    assert TIMING.custom_exchange_hours == policy.returns.custom.exchange_window_hours
    assert TIMING.return_days == policy.returns.regular.return_days
    assert TIMING.shipping_hours == (
        policy.shipping.dispatch.shipping_hours_open.hour,
        policy.shipping.dispatch.shipping_hours_close.hour,
    )
