"""What the bot remembers of the catalogue between turns: the categories the shop sells and
each product's name and size chart, for ``CATALOGUE_TTL_S``.

Why: a size question used to cost up to three bus calls per turn — ``products.categories``
(is "牛仔裤" something the shop sells?), ``products.search`` and ``products.get`` for the chart,
which the worker answers with a database read of the product's stock. Under a sale-day load
those calls queued behind each other and size turns were the slowest of all (issue 12's load
run). Categories and charts change with the catalogue, rarely; stock changes all the time and
is never kept here (product facts and stock questions still ask the worker every time).

Kept per bus client (one per bot process, so a test's fresh client starts empty), in
:class:`bot.expiring.ExpiringMap` s: a changed chart or a new category is seen within
``CATALOGUE_TTL_S``. A product that is not found is not remembered.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

from bot.expiring import ExpiringMap
from bus import Bus
from bus.contracts import GetProduct, ListCategories, ProductFound, ProductSummary, ProductView
from replies.sizing import SizeChart, SizeRow
from shop.enums import ProductCategory

CATALOGUE_TTL_S = 60.0
"""How long the categories and a product's chart are kept before the worker is asked again."""
PRODUCTS_KEPT = 512
"""Products whose charts are kept at most (the least recently used go first)."""


@dataclass(frozen=True, slots=True)
class SizingFacts:
    """What size advice needs of a product: its names (the summary, no stock) and its chart,
    decoded once."""

    summary: ProductSummary
    chart: SizeChart | None
    """``replies.sizing``'s chart; ``None`` for a one-size item."""

    @property
    def name(self) -> str:
        return self.summary.name


def chart_of(product: ProductView) -> SizeChart | None:
    """The product's chart for ``replies.sizing``; None for one-size items."""
    chart = product.size_chart
    if chart is None:
        return None
    return SizeChart(
        category=chart.category,
        rows=[SizeRow.model_validate(row.model_dump()) for row in chart.rows],
    )


@dataclass
class _Kept:
    categories: ExpiringMap[None, list[ProductCategory]] = field(
        default_factory=lambda: ExpiringMap(CATALOGUE_TTL_S, 1)
    )
    sizing: ExpiringMap[int, SizingFacts] = field(
        default_factory=lambda: ExpiringMap(CATALOGUE_TTL_S, PRODUCTS_KEPT)
    )


_KEPT: weakref.WeakKeyDictionary[Bus, _Kept] = weakref.WeakKeyDictionary()


def _kept(rpc: Bus) -> _Kept:
    """What this process keeps: by the bus client behind the turn's wrapper
    (``bot.ops.turns.NotingBus``, one per update), whose ``wrapped`` it is."""
    client = rpc
    while (inner := getattr(client, "wrapped", None)) is not None:
        client = inner
    kept = _KEPT.get(client)
    if kept is None:
        kept = _KEPT[client] = _Kept()
    return kept


async def sold_categories(rpc: Bus) -> list[ProductCategory]:
    """The categories the shop sells (``products.categories``), kept ``CATALOGUE_TTL_S``."""
    kept = _kept(rpc)
    categories = kept.categories.get(None)
    if categories is None:
        reply = await rpc.call(ListCategories())
        categories = [c.category for c in reply.categories]
        kept.categories.put(None, categories)
    return list(categories)


async def sizing_facts(rpc: Bus, product_id: int) -> SizingFacts | None:
    """The product's name and chart (from ``products.get``), kept ``CATALOGUE_TTL_S``;
    ``None`` when the worker does not know the product (not remembered)."""
    kept = _kept(rpc)
    facts = kept.sizing.get(product_id)
    if facts is None:
        reply = await rpc.call(GetProduct(product_id=product_id))
        if not isinstance(reply, ProductFound):
            return None
        summary = ProductSummary.model_validate(
            reply.product.model_dump(include=set(ProductSummary.model_fields))
        )
        facts = SizingFacts(summary, chart_of(reply.product))
        kept.sizing.put(product_id, facts)
    return facts
