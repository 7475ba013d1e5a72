"""Product search on the in-memory catalogue (worker/catalogue.py), on the demo shop's
products: the labelled queries in tests/data/product_queries.jsonl (written by us, as
customers type: names, aliases, parts of names, typos, sentences that name nothing)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from worker.catalogue import FUZZY_CUTOFF, Catalogue, normalize
from worker.seed import PRODUCTS, product_fields

QUERIES = Path(__file__).resolve().parents[2] / "data" / "product_queries.jsonl"
CASES = [json.loads(line) for line in QUERIES.read_text(encoding="utf-8").splitlines() if line]


def demo_rows(**changes) -> list[dict]:
    rows = [{"id": index, **product_fields(spec)} for index, spec in enumerate(PRODUCTS, start=1)]
    for row in rows:
        row.update(changes.get(row["name"], {}))
    return rows


@pytest.fixture(scope="module")
def catalogue() -> Catalogue:
    return Catalogue.from_rows(demo_rows(), version=1)


def names(catalogue: Catalogue, query: str, limit: int = 10) -> list[str]:
    return [p.name for p in catalogue.search(query, limit)]


@pytest.mark.parametrize("case", CASES, ids=[c["query"] for c in CASES])
def test_labelled_query(catalogue: Catalogue, case: dict) -> None:
    found = names(catalogue, case["query"])
    wanted = set(case["top"]) | set(case["also"])
    if not case["top"]:
        assert found == [], "a text that names no product finds nothing"
        return
    assert found[0] in case["top"], found
    assert set(found) == wanted, found


def test_the_fuzzy_cutoff_separates_typos_from_other_words() -> None:
    # Typos of a key reach the cutoff; a different word of the same length does not.
    assert fuzz.ratio(normalize("hoddie"), "hoodie", processor=None) >= FUZZY_CUTOFF
    assert fuzz.ratio("连帽卫依", "连帽卫衣", processor=None) >= FUZZY_CUTOFF
    assert fuzz.ratio("背包", "帆布包", processor=None) < FUZZY_CUTOFF
    assert fuzz.ratio("hoodie", "hat", processor=None) < FUZZY_CUTOFF


def test_english_keys_match_whole_words_only(catalogue: Catalogue) -> None:
    assert names(catalogue, "three of them") == []  # "tee" is not in "three"
    assert names(catalogue, "I want the hat") == ["毛线帽"]
    assert "毛线帽" not in names(catalogue, "what")


def test_an_overlapping_shorter_key_gives_way(catalogue: Catalogue) -> None:
    # "denim jacket" names the denim jacket; "jeans" alias "denim jeans" is not in the text.
    assert names(catalogue, "the denim jacket please") == ["定制牛仔外套"]


def test_limit_and_order_are_kept(catalogue: Catalogue) -> None:
    assert len(catalogue.search("裙子", 2)) == 2
    assert catalogue.search("卫衣", 1)[0].name == "连帽卫衣"


def test_summaries_carry_category_and_english_name(catalogue: Catalogue) -> None:
    [tee] = catalogue.search("tee", 5)
    assert (tee.product_id, tee.category, tee.kind, tee.name_en) == (
        1, "tops", "regular", "Cotton Crew-neck T-shirt"
    )


def test_categories_list_only_what_the_shop_sells(catalogue: Catalogue) -> None:
    sold = {c.category: c.products for c in catalogue.categories()}
    assert set(sold) == {"tops", "trousers", "skirts", "dresses", "outerwear", "accessories"}
    assert sum(sold.values()) == len(PRODUCTS)
    no_skirts = Catalogue.from_rows(
        [row for row in demo_rows() if row["category"] != "skirts"], version=2
    )
    assert "skirts" not in {c.category for c in no_skirts.categories()}
    # Without skirts, the category word finds only dresses.
    assert {p.category for p in no_skirts.search("裙子", 10)} == {"dresses"}


def test_a_malformed_row_loses_only_the_bad_field(caplog) -> None:
    rows = demo_rows(**{
        "高腰牛仔裤": {"size_chart": [{"size": "M", "height_min": 158, "height_max": 164,
                                     "weight_min_kg": 47.5, "weight_max_kg": 55, "chest_cm": 90}],
                      "care": ["machine_wash_cold", "iron_with_steam_hammer"]},
        "连帽卫衣": {"composition": [{"fibre": "cotton", "percent": 80}]},
    })
    catalogue = Catalogue.from_rows(rows, version=3)
    jeans = next(f for f in catalogue.products.values() if f.summary.name == "高腰牛仔裤")
    assert jeans.size_chart is None and jeans.care == ()
    assert jeans.composition  # the rest of the product stays
    assert names(catalogue, "jeans") == ["高腰牛仔裤"]
    hoodie = next(f for f in catalogue.products.values() if f.summary.name == "连帽卫衣")
    assert hoodie.composition == () and hoodie.size_chart is not None
    assert hoodie.view([]).composition == []  # the view still builds: products.get answers
    assert "product 4: composition left out" in caplog.text
    assert "product 3: size chart left out" in caplog.text
    assert "90" not in caplog.text.split("size chart left out", 1)[1].splitlines()[0]


@pytest.mark.parametrize(
    ("query", "product"),
    [
        ("got the linen wide leg pants in XL?", "亚麻阔腿裤"),
        ("do the suit pants come in black", "直筒西装裤"),
        ("skirt plaid, size S", "格子半身裙"),
    ],
)
def test_an_english_name_said_in_other_order_or_as_pants(
    catalogue: Catalogue, query: str, product: str
) -> None:
    """Every word of a name, in any order, plural or "pants": the product, not the category."""
    assert names(catalogue, query) == [product]
