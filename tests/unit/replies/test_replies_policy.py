from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from shop.policy import PolicyError, ShopPolicy, load_policy

SHANGHAI = timezone(timedelta(hours=8))


@pytest.fixture
def write_policy(tmp_path: Path, shop_yaml: Path):
    """Write a copy of the default policy, changed by ``change(raw_dict)``; returns its path."""

    def write(change) -> Path:
        raw = yaml.safe_load(shop_yaml.read_text(encoding="utf-8"))
        change(raw)
        path = tmp_path / "shop.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        return path

    return write


def test_default_policy_is_the_domain_shop(policy: ShopPolicy) -> None:
    assert policy.shop_name.get("zh_CN")
    assert policy.shipping.default_courier.name.get("zh_CN") == "中通快递"
    assert policy.shipping.sf_on_request is True
    assert str(policy.shipping.dispatch.in_stock_days) == "2–3"
    assert str(policy.shipping.dispatch.preorder_days) == "7–15"
    assert policy.free_shipping.jzhw_threshold_yuan == 500
    assert policy.free_shipping.mainland_threshold_yuan == 1000
    assert policy.payment.cod_offered is False
    assert policy.returns.custom.exchange_window_hours == 48
    assert policy.returns.custom.postage == "customer_both_ways"
    assert policy.returns.proxy.exchange == "discretionary"
    assert [t.percent_off for t in policy.prices.member_tiers] == [5, 6, 7]
    assert str(policy.measurement_tolerance_cm) == "1–3"
    assert policy.service_hours.timezone == "Asia/Shanghai"


def test_policy_path_is_overridable(tmp_path: Path, write_policy) -> None:
    path = write_policy(lambda raw: raw["shop_name"].update(zh_CN="另一家店"))
    assert load_policy(path).shop_name.get("zh_CN") == "另一家店"


def test_bad_field_error_names_file_and_field(tmp_path: Path, write_policy) -> None:
    path = write_policy(
        lambda raw: raw["free_shipping"].update(jzhw_threshold_yuan="lots")
    )
    with pytest.raises(PolicyError) as err:
        load_policy(path)
    assert str(path) in str(err.value)
    assert "free_shipping.jzhw_threshold_yuan" in str(err.value)


def test_unknown_field_is_refused(tmp_path: Path, write_policy) -> None:
    path = write_policy(lambda raw: raw["shipping"].update(drone=True))
    with pytest.raises(PolicyError, match=r"shipping\.drone"):
        load_policy(path)


def test_missing_chinese_text_is_refused(tmp_path: Path, write_policy) -> None:
    path = write_policy(lambda raw: raw.update(shop_name={"en": "Only English"}))
    with pytest.raises(PolicyError, match=r"shop_name.*zh_CN"):
        load_policy(path)


def test_close_before_open_is_refused(tmp_path: Path, write_policy) -> None:
    def change(raw):
        raw["service_hours"].update(open="22:00", close="09:00")

    with pytest.raises(PolicyError, match="service_hours"):
        load_policy(write_policy(change))


def test_unknown_province_in_region_list_is_refused(tmp_path: Path, write_policy) -> None:
    path = write_policy(lambda raw: raw["free_shipping"].update(remote_regions=["火星"]))
    with pytest.raises(PolicyError, match=r"free_shipping\.remote_regions.*火星"):
        load_policy(path)


def test_not_yaml_and_missing_file_are_clear(tmp_path: Path, write_policy) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("shop_name: [unclosed", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid YAML"):
        load_policy(broken)
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("region", "group"),
    [
        ("江苏", "jzhw"), ("江苏省", "jzhw"), ("上海", "jzhw"), ("上海市", "jzhw"),
        ("安徽", "jzhw"), ("Zhejiang", "jzhw"), ("广东", "mainland"), ("北京", "mainland"),
        ("内蒙古自治区", "mainland"),
        ("新疆", "remote"), ("新疆维吾尔自治区", "remote"), ("西藏", "remote"), ("Tibet", "remote"),
        ("宁夏回族自治区", "remote"), ("香港", "hmt"), ("香港特别行政区", "hmt"), ("台湾", "hmt"),
        ("澳门", "hmt"), ("Hong Kong", "hmt"), ("海外", "overseas"), ("美国", "overseas"),
        ("Japan", "overseas"),
    ],
)
def test_region_group(policy: ShopPolicy, region: str, group: str) -> None:
    assert policy.region_group(region) == group


def test_empty_region_is_an_error(policy: ShopPolicy) -> None:
    with pytest.raises(ValueError, match="region"):
        policy.region_group("  ")


def test_free_shipping_by_region(policy: ShopPolicy) -> None:
    jiangsu = policy.free_shipping_rule("江苏")
    assert (jiangsu.free_from_yuan, jiangsu.combine_orders_days) == (Decimal(500), 3)
    assert jiangsu.postage_off_yuan is None

    guangdong = policy.free_shipping_rule("广东")
    assert guangdong.free_from_yuan == Decimal(1000)
    assert guangdong.combine_orders_days is None

    xinjiang = policy.free_shipping_rule("新疆")
    assert xinjiang.group == "remote"
    assert xinjiang.free_from_yuan is None
    assert (xinjiang.postage_off_yuan, xinjiang.postage_off_from_yuan) == (
        Decimal(10), Decimal(1000),
    )

    hong_kong = policy.free_shipping_rule("香港")
    assert hong_kong.freight_collect is True
    assert hong_kong.couriers == ["sf"]
    assert hong_kong.free_from_yuan is None

    overseas = policy.free_shipping_rule("美国")
    assert overseas.group == "overseas"
    assert overseas.couriers == ["ems"]
    assert overseas.freight_collect is False


def test_member_discount_tiers(policy: ShopPolicy) -> None:
    assert policy.member_percent_off(Decimal(800)) == 0
    assert policy.member_percent_off(Decimal(1000)) == 0
    assert policy.member_percent_off(Decimal(1500)) == 5
    assert policy.member_percent_off(Decimal(12000)) == 6
    assert policy.member_percent_off(Decimal(25000)) == 7


# ── service hours (default: every day 9:00–22:00, Asia/Shanghai) ────────────────────────────


def test_before_opening_opens_the_same_morning(policy: ShopPolicy) -> None:
    now = datetime(2026, 3, 4, 7, 30, tzinfo=SHANGHAI)
    assert not policy.is_open(now)
    assert policy.next_opening(now) == datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)


def test_during_hours_is_open_now(policy: ShopPolicy) -> None:
    now = datetime(2026, 3, 4, 15, 0, tzinfo=SHANGHAI)
    assert policy.is_open(now)
    assert policy.next_opening(now) == now


def test_after_closing_opens_next_morning(policy: ShopPolicy) -> None:
    now = datetime(2026, 3, 4, 22, 0, tzinfo=SHANGHAI)
    assert not policy.is_open(now)
    assert policy.next_opening(now) == datetime(2026, 3, 5, 9, 0, tzinfo=SHANGHAI)


def test_utc_input_is_read_in_shop_time(policy: ShopPolicy) -> None:
    # 23:30 UTC is 07:30 next day in Shanghai.
    now = datetime(2026, 3, 3, 23, 30, tzinfo=UTC)
    assert not policy.is_open(now)
    assert policy.next_opening(now) == datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI)


def test_naive_datetime_is_refused(policy: ShopPolicy) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        policy.is_open(datetime(2026, 3, 4, 12, 0))


def test_closed_weekend_and_holidays(policy: ShopPolicy) -> None:
    hours = policy.service_hours.model_copy(
        update={"days": ["mon", "tue", "wed", "thu", "fri"], "closed_dates": [date(2026, 3, 9)]}
    )
    weekday_policy = policy.model_copy(update={"service_hours": hours})
    friday_night = datetime(2026, 3, 6, 23, 0, tzinfo=SHANGHAI)  # a Friday
    saturday_noon = datetime(2026, 3, 7, 12, 0, tzinfo=SHANGHAI)
    assert not weekday_policy.is_open(saturday_noon)
    # Monday 9 March is a closed date, so the next opening is Tuesday.
    tuesday = datetime(2026, 3, 10, 9, 0, tzinfo=SHANGHAI)
    assert weekday_policy.next_opening(friday_night) == tuesday
    assert weekday_policy.next_opening(saturday_noon) == tuesday
    assert weekday_policy.next_opening(saturday_noon).time() == time(9, 0)
