"""``bot.services.catalogue``: the categories and a product's name and chart are asked of the
worker once a minute per bus client, not once per size question; stock is never kept."""

from __future__ import annotations

from bot.ops.turns import NotingBus
from bot.services.catalogue import sizing_facts, sold_categories
from bus import contracts as c
from bus.testing import InMemoryBus
from worker.catalogue import Catalogue
from worker.seed import PRODUCTS, product_fields

CATALOGUE = Catalogue.from_rows(
    [{"id": index, **product_fields(spec)} for index, spec in enumerate(PRODUCTS, start=1)],
    version=1,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def shop_bus() -> InMemoryBus:
    async def get(request: c.GetProduct) -> c.ProductFound | c.ProductNotFound:
        facts = CATALOGUE.products.get(request.product_id)
        if facts is None:
            return c.ProductNotFound()
        return c.ProductFound(product=facts.view([]))

    async def categories(request: c.ListCategories) -> c.CategoryList:
        return c.CategoryList(categories=CATALOGUE.categories())

    return InMemoryBus(c.GetProduct.served_by(get), c.ListCategories.served_by(categories))


def asked(bus: InMemoryBus, kind: type) -> int:
    return sum(isinstance(call, kind) for call in bus.calls)


async def test_a_products_name_and_chart_are_asked_for_once_per_bus_client():
    bus = shop_bus()
    tee = await sizing_facts(bus, 1)
    again = await sizing_facts(bus, 1)
    assert tee is not None and tee is again and asked(bus, c.GetProduct) == 1
    assert tee.name == CATALOGUE.products[1].summary.name
    assert tee.chart is not None and [r.size for r in tee.chart.rows]  # decoded once, kept
    assert await sizing_facts(bus, 10_000) is None  # not found: not remembered
    assert await sizing_facts(bus, 10_000) is None
    assert asked(bus, c.GetProduct) == 3
    other = shop_bus()  # another process (bus client) keeps its own
    await sizing_facts(other, 1)
    assert asked(other, c.GetProduct) == 1


async def test_kept_per_process_across_the_turns_wrappers():
    """Each update's handlers get a fresh ``NotingBus`` around the process's client: what one
    turn asked for serves the next turn's wrapper too (and the turn still notes what it
    asked)."""
    bus = shop_bus()
    first, second = NotingBus(bus), NotingBus(bus)
    await sizing_facts(first, 2)
    await sold_categories(first)
    await sizing_facts(second, 2)
    await sold_categories(second)
    assert first.methods == ["products.get", "products.categories"] and second.methods == []
    assert asked(bus, c.GetProduct) == asked(bus, c.ListCategories) == 1


async def test_the_categories_are_asked_for_once_a_minute():
    bus = shop_bus()
    first = await sold_categories(bus)
    assert first == [row.category for row in CATALOGUE.categories()]
    first.clear()  # a caller's copy: what is kept stays whole
    assert await sold_categories(bus) == [row.category for row in CATALOGUE.categories()]
    assert asked(bus, c.ListCategories) == 1
