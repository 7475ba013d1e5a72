"""Products: search by name, one product with its variants and size chart."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field

from bus.contracts.base import Contract, Request
from shop.enums import ItemKind


class SizeChartRow(Contract):
    size: str
    height_min: int
    height_max: int
    weight_min_kg: float
    weight_max_kg: float
    chest_cm: float | None = None
    length_cm: float | None = None


class VariantView(Contract):
    sku: str
    size: str
    color: str
    stock: int = Field(description="Units available for sale (held units excluded).")


class ProductSummary(Contract):
    product_id: int
    name: str
    kind: ItemKind
    price: Decimal


class ProductView(ProductSummary):
    description: str = ""
    material: str = ""
    special_price: bool = False
    colors: list[str]
    sizes: list[str]
    size_chart: list[SizeChartRow]
    variants: list[VariantView]


class ProductList(Contract):
    kind: Literal["products"] = "products"
    products: list[ProductSummary]


class SearchProducts(Request[ProductList]):
    METHOD: ClassVar[str] = "products.search"
    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=5, ge=1, le=20)


class ProductFound(Contract):
    kind: Literal["product"] = "product"
    product: ProductView


class ProductNotFound(Contract):
    kind: Literal["product_not_found"] = "product_not_found"


class GetProduct(Request[ProductFound | ProductNotFound]):
    METHOD: ClassVar[str] = "products.get"
    product_id: int
