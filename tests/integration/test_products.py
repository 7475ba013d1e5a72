"""Product facts and search over the real bus, on the seeded demo shop (SQLite and PostgreSQL):
``products.get`` answers material, care, category and the category's chart; ``products.search``
finds products by English and Chinese names and aliases from the worker's in-memory
catalogue, which reloads when the products change, whoever changes them."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bus.contracts import (
    CategoryList,
    GetProduct,
    ListCategories,
    ProductFound,
    ProductList,
    ProductNotFound,
    SearchProducts,
)
from worker.db.models import CatalogueState, Product, Variant

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def search(shop, query: str, limit: int = 5) -> list[str]:
    reply = await shop.rpc.call(SearchProducts(query=query, limit=limit))
    assert isinstance(reply, ProductList)
    return [p.name for p in reply.products]


async def product_id(shop, name: str) -> int:
    async with shop.db.read() as session:
        found = await session.scalar(select(Product.id).where(Product.name == name))
    assert found is not None, name
    return found


async def get(shop, name: str):
    reply = await shop.rpc.call(GetProduct(product_id=await product_id(shop, name)))
    assert isinstance(reply, ProductFound)
    return reply.product


async def test_get_answers_material_care_category_and_the_tops_chart(shop):
    tee = await get(shop, "纯棉圆领T恤")
    assert (tee.category, tee.kind, tee.name_en) == ("tops", "regular", "Cotton Crew-neck T-shirt")
    assert tee.material == "100% 棉"
    assert [(s.fibre, s.percent) for s in tee.composition] == [("cotton", 100)]
    assert "machine_wash_cold" in tee.care and "no_bleach" in tee.care
    assert tee.size_chart is not None and tee.size_chart.category == "tops"
    medium = next(row for row in tee.size_chart.rows if row.size == "M")
    assert medium.measurements == {"chest_cm": 100, "shoulder_cm": 44, "length_cm": 66}
    assert (medium.height_min, medium.height_max) == (158, 164)
    assert tee.sizes == ["S", "M", "L", "XL", "XXL"] and len(tee.colors) == 3
    assert len(tee.variants) == 15


async def test_each_category_gets_its_own_measurements(shop):
    jeans = await get(shop, "高腰牛仔裤")
    assert jeans.category == "trousers"
    assert set(jeans.size_chart.rows[0].measurements) == {
        "waist_cm", "hip_cm", "length_cm", "inseam_cm"
    }
    assert jeans.size_chart.rows[0].chest_cm is None
    coat = await get(shop, "定制羊毛大衣")
    assert set(coat.size_chart.rows[0].measurements) == {
        "chest_cm", "length_cm", "shoulder_cm", "sleeve_cm"
    }
    dress = await get(shop, "雪纺碎花连衣裙")
    assert set(dress.size_chart.rows[0].measurements) == {"chest_cm", "waist_cm", "length_cm"}
    scarf = await get(shop, "羊绒围巾")
    assert (scarf.category, scarf.size_chart, scarf.sizes) == ("accessories", None, ["FREE"])


async def test_get_reads_stock_as_it_is_now(shop):
    tee_id = await product_id(shop, "纯棉圆领T恤")
    async with shop.db.write() as session:
        variant = await session.scalar(
            select(Variant).where(Variant.product_id == tee_id).order_by(Variant.id).limit(1)
        )
        variant.stock = 17
        sku = variant.sku
    reply = await shop.rpc.call(GetProduct(product_id=tee_id))
    assert next(v.stock for v in reply.product.variants if v.sku == sku) == 17


async def test_a_missing_product_is_not_found(shop):
    assert isinstance(await shop.rpc.call(GetProduct(product_id=999_999)), ProductNotFound)


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("hoodie", "连帽卫衣"),
        ("卫衣", "连帽卫衣"),
        ("连帽卫衣", "连帽卫衣"),
        ("連帽衛衣", "连帽卫衣"),
        ("jeans", "高腰牛仔裤"),
        ("牛仔裤", "高腰牛仔裤"),
        ("trench coat", "代购英国风衣"),
        ("T恤是纯棉的吗", "纯棉圆领T恤"),
        ("is the hoodie cotton?", "连帽卫衣"),
    ],
)
async def test_search_by_english_and_chinese_names_and_aliases(shop, query, first):
    found = await search(shop, query)
    assert found and found[0] == first


async def test_a_sentence_that_names_no_product_finds_nothing(shop):
    assert await search(shop, "我160 100斤穿什么码") == []
    assert await search(shop, "which size should I take? I'm 170 cm") == []
    assert await search(shop, "有没有运动鞋") == []  # the shop sells no shoes


async def test_categories_are_what_the_shop_sells(shop):
    reply = await shop.rpc.call(ListCategories())
    assert isinstance(reply, CategoryList)
    sold = {entry.category for entry in reply.categories}
    assert sold == {"tops", "trousers", "skirts", "dresses", "outerwear", "accessories"}


async def test_the_catalogue_reloads_after_products_change(shop):
    """A rename and a new product, written straight to the database (as an admin tool
    would, not through the worker): the triggers bump the version, the worker reloads."""
    async with shop.db.read() as session:
        before = await session.scalar(select(CatalogueState.version))
    beanie_id = await product_id(shop, "毛线帽")
    async with shop.db.write() as session:
        await session.execute(
            update(Product)
            .where(Product.id == beanie_id)
            .values(name="羊毛贝雷帽", name_en="Wool Beret", aliases=["贝雷帽", "beret"])
        )
        session.add(
            Product(name="亚麻渔夫帽", name_en="Linen Bucket Hat", aliases=["渔夫帽", "bucket hat"],
                    kind="regular", category="accessories", price=Decimal(89), size_chart=[])
        )
    async with shop.db.read() as session:
        after = await session.scalar(select(CatalogueState.version))
    assert after is not None and before is not None and after > before

    # products.get reads the version with the stock: the new name at once.
    reply = await shop.rpc.call(GetProduct(product_id=beanie_id))
    assert reply.product.name == "羊毛贝雷帽"
    # products.search checks at most once per catalogue_check_interval_s (1 s).
    deadline = asyncio.get_running_loop().time() + 5
    while (found := await search(shop, "beret")) != ["羊毛贝雷帽"]:
        assert asyncio.get_running_loop().time() < deadline, found
        await asyncio.sleep(0.2)
    assert await search(shop, "渔夫帽") == ["亚麻渔夫帽"]
    assert await search(shop, "毛线帽") == []
