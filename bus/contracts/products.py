"""Products: search by name, one product with its facts and size chart, the categories sold."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from bus.contracts.base import Contract, Request, RowId
from shop.enums import (
    CATEGORY_MEASUREMENTS,
    MEASUREMENTS,
    CareInstruction,
    Fibre,
    ItemKind,
    Measurement,
    ProductCategory,
)


class SizeChartRow(Contract):
    """One size: the body it suits (height and weight ranges, for size advice) and the
    garment's measurements. Which measurements a row carries is decided by its chart's
    category (``shop.enums.CATEGORY_MEASUREMENTS``); the others stay None."""

    size: str = Field(min_length=1, max_length=10)
    height_min: int = Field(gt=0)
    height_max: int = Field(gt=0)
    weight_min_kg: float = Field(gt=0)
    weight_max_kg: float = Field(gt=0)
    chest_cm: float | None = Field(default=None, gt=0)
    waist_cm: float | None = Field(default=None, gt=0)
    hip_cm: float | None = Field(default=None, gt=0)
    shoulder_cm: float | None = Field(default=None, gt=0)
    sleeve_cm: float | None = Field(default=None, gt=0)
    length_cm: float | None = Field(default=None, gt=0)
    inseam_cm: float | None = Field(default=None, gt=0)

    @property
    def measurements(self) -> dict[Measurement, float]:
        return {name: value for name in MEASUREMENTS if (value := getattr(self, name)) is not None}


class SizeChart(Contract):
    """A product's size chart, from the smallest size to the largest. Every row carries
    exactly its category's measurements."""

    category: ProductCategory
    rows: list[SizeChartRow] = Field(min_length=1)

    @model_validator(mode="after")
    def _measurements_of_the_category(self) -> SizeChart:
        expected = set(CATEGORY_MEASUREMENTS[self.category])
        if not expected:
            raise ValueError(f"{self.category} are one size: they have no size chart")
        sizes = [row.size for row in self.rows]
        if len(set(sizes)) != len(sizes):
            raise ValueError("a size appears twice in the chart")
        for row in self.rows:
            present = set(row.measurements)
            if present != expected:
                missing = ", ".join(sorted(expected - present)) or "none"
                extra = ", ".join(sorted(present - expected)) or "none"
                raise ValueError(
                    f"size {row.size}: a {self.category} chart carries "
                    f"{', '.join(CATEGORY_MEASUREMENTS[self.category])} "
                    f"(missing: {missing}; not for {self.category}: {extra})"
                )
            if row.height_max < row.height_min or row.weight_max_kg < row.weight_min_kg:
                raise ValueError(f"size {row.size}: a range ends below its start")
        return self


class FibreShare(Contract):
    fibre: Fibre
    percent: int = Field(ge=1, le=100)


class VariantView(Contract):
    sku: str
    size: str
    color: str
    stock: int = Field(description="Units available for sale (held units excluded).")


class ProductSummary(Contract):
    product_id: int
    name: str = Field(description="The shop's (Chinese) name.")
    name_en: str = Field(default="", description="The English name; empty when there is none.")
    kind: ItemKind
    category: ProductCategory
    price: Decimal
    exact: bool = Field(
        default=False,
        description="products.search: the query is exactly one of this product's names or "
        "aliases (\"hoodie\" is the hoodie's alias, only part of the embroidered hoodie's).",
    )


class ProductView(ProductSummary):
    description: str = ""
    material: str = Field(default="", description="The fabric as the product page words it.")
    composition: list[FibreShare] = Field(
        default_factory=list,
        description="The main fabric's fibres, adding up to 100 %; empty if unknown.",
    )
    care: list[CareInstruction] = Field(default_factory=list)
    special_price: bool = False
    colors: list[str]
    sizes: list[str]
    size_chart: SizeChart | None = Field(
        default=None, description="None for one-size items (accessories) or an unknown chart."
    )
    variants: list[VariantView]

    @model_validator(mode="after")
    def _composition_adds_up(self) -> ProductView:
        if self.composition and sum(share.percent for share in self.composition) != 100:
            raise ValueError("the composition does not add up to 100 %")
        if self.size_chart is not None and self.size_chart.category != self.category:
            raise ValueError("the size chart is for another category")
        return self


class ProductList(Contract):
    kind: Literal["products"] = "products"
    products: list[ProductSummary] = Field(description="Best match first.")


class SearchProducts(Request[ProductList]):
    """Products named in ``query`` (a name or an alias, in Chinese or English, or a sentence
    that contains one), best first; a part of a name; else a category word ("裤子", "dresses");
    else a near spelling. Nothing that merely resembles the text."""

    SCHEMA_VERSION: ClassVar[int] = 2
    METHOD: ClassVar[str] = "products.search"
    query: str = Field(min_length=1, max_length=200)
    limit: int = Field(default=5, ge=1, le=20)


class ProductFound(Contract):
    kind: Literal["product"] = "product"
    product: ProductView


class ProductNotFound(Contract):
    kind: Literal["product_not_found"] = "product_not_found"


class GetProduct(Request[ProductFound | ProductNotFound]):
    """One product's facts: material and composition, care, category, size chart, and its
    variants with the stock for sale now."""

    SCHEMA_VERSION: ClassVar[int] = 2
    METHOD: ClassVar[str] = "products.get"
    product_id: RowId


class CategoryCount(Contract):
    category: ProductCategory
    products: int = Field(ge=1)


class CategoryList(Contract):
    kind: Literal["categories"] = "categories"
    categories: list[CategoryCount] = Field(
        description="Only the categories the shop sells (no entry: the shop doesn't sell it)."
    )


class ListCategories(Request[CategoryList]):
    """What the shop sells: decides which questions make sense (no trouser sizes in a shop
    without trousers)."""

    METHOD: ClassVar[str] = "products.categories"
