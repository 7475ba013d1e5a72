"""``bot.services.sizes``: the one "size up / size down" look-up of the exchange flow and the
change before shipping. A named size never asks the worker; a step asks for the product's sizes
once and moves along them from the size named or the item's own."""

from __future__ import annotations

from decimal import Decimal

from bot.services.sizes import SizeWish, size_wish, wanted_size
from bus import contracts as c
from bus.testing import InMemoryBus


def product_bus(*sizes: str) -> InMemoryBus:
    async def get(request: c.GetProduct) -> c.ProductFound | c.ProductNotFound:
        if request.product_id != 3:
            return c.ProductNotFound()
        return c.ProductFound(
            product=c.ProductView(
                product_id=3,
                name="连帽卫衣",
                category="tops",
                colors=["黑色"],
                sizes=list(sizes),
                kind="regular",
                price=Decimal(199),
                variants=[
                    c.VariantView(sku=f"HD-{s}", size=s, color="黑色", stock=2) for s in sizes
                ],
            )
        )

    return InMemoryBus(c.GetProduct.served_by(get))


async def test_a_named_size_is_taken_as_it_is_without_a_bus_call() -> None:
    bus = product_bus("S", "M", "L")
    assert await wanted_size(bus, 3, size_wish("想换成XL"), "M") == "XL"
    assert bus.calls == []


async def test_one_step_moves_along_the_products_sizes_from_the_size_named_or_the_items() -> None:
    bus = product_bus("XL", "S", "M", "L")
    assert await wanted_size(bus, 3, size_wish("太小了"), "M") == "L"
    assert await wanted_size(bus, 3, size_wish("S码有点大"), "L") is None  # smaller than S: none
    assert await wanted_size(bus, 3, size_wish("too big"), "L") == "M"
    assert await wanted_size(bus, 3, size_wish("too small"), "XL") is None
    assert len(bus.calls) == 4


async def test_no_wish_and_an_unknown_product_give_no_size() -> None:
    bus = product_bus("S", "M")
    assert await wanted_size(bus, 3, SizeWish(), "M") is None
    assert bus.calls == []
    assert await wanted_size(bus, 99, size_wish("大一号"), "M") is None
