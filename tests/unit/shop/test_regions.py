"""One region table for the whole shop: what the intent engine reads out of a message is
what the policy groups for postage."""

from __future__ import annotations

import pytest

from intents.slots import extract_slots
from shop.policy import load_policy
from shop.regions import REGIONS, canonical_region, region_aliases, region_display_name

POLICY = load_policy()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("江苏省", "江苏"),
        ("新疆维吾尔自治区", "新疆"),
        ("上海市", "上海"),
        ("Zhejiang", "浙江"),
        ("inner mongolia", "内蒙古"),
        ("杭州", "浙江"),
        ("臺灣", "台湾"),
        ("HK", "香港"),
        ("日本", "海外"),
        ("abroad", "海外"),
        ("Atlantis", "Atlantis"),
    ],
)
def test_every_way_of_writing_a_region_finds_its_canonical_name(written, canonical):
    assert canonical_region(written) == canonical


def test_a_region_the_message_names_is_the_region_the_policy_groups():
    # Every alias the intent engine can read is grouped by the policy as its region.
    for alias, name in region_aliases().items():
        assert canonical_region(alias) == name, alias
    assert extract_slots("寄到杭州运费多少").region == "浙江"
    assert POLICY.region_group("杭州") == "jzhw"
    assert extract_slots("do you ship to Xinjiang").region == "新疆"
    assert POLICY.region_group("Xinjiang") == "remote"
    # English customers name the city, romanised
    assert extract_slots("how long to ship to Chengdu?").region == "四川"
    assert extract_slots("postage to Urumqi?").region == "新疆"
    assert extract_slots("do you deliver to Xi'an").region == "陕西"
    assert extract_slots("I'll order for my sister in Suzhou").region == "江苏"


def test_the_table_has_each_division_once_with_both_names():
    names = [region.name for region in REGIONS]
    assert len(names) == len(set(names)) == 31 + 3 + 1
    assert {region_display_name(r.name, "en") for r in REGIONS} == {r.en for r in REGIONS}
    assert region_display_name("江苏省", "zh_CN") == "江苏"


@pytest.mark.parametrize(
    ("region", "spend", "outcome", "short"),
    [
        ("江苏", 499, "short", 1),
        ("江苏", 500, "free", None),
        ("河南", 999, "short", 1),
        ("河南", 1000, "free", None),
        ("西藏", 1500, "off", None),
        ("西藏", 800, "short_of_off", 200),
        ("澳门", 5000, "never", None),
        ("海外", 5000, "never", None),
    ],
)
def test_what_an_amount_gets_by_the_regions_free_shipping_rule(region, spend, outcome, short):
    from decimal import Decimal

    got = POLICY.free_shipping_rule(region).for_spend(Decimal(spend))
    assert got.outcome == outcome
    assert got.short_yuan == (Decimal(short) if short is not None else None)
