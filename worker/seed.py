"""The demo shop: a clothing shop a shop owner would recognise, for the console, the demos and
the tests.

Deterministic: everything comes from one generator seeded with ``SEED``, drawn in a fixed
order that never depends on the clock, so every seed gives the same products, customers,
phone numbers and order numbers. Times are laid out backwards from "now", so the time rules
(72 hours to pay, dispatch within 3 days, 48 hours to exchange custom-made, 7 days to
return) have live cases whenever you seed, and every order's times agree with its state:

- awaiting payment: younger than the auto-close (72 h);
- paid: paid after it was created, not shipped, within the dispatch promise (3 days; 15 for
  proxy purchases) — except the orders made overdue on purpose;
- shipped: shipped in the warehouse's hours (12:00–22:00, Beijing time) after payment, with
  a courier and tracking number; in transit for less than the slowest courier's usual
  5 days (except the long-in-transit ones on purpose), or delivered and not yet confirmed;
- completed: delivered, then confirmed; closed: a close time and a reason (not paid in time,
  cancelled by the buyer, refunded before shipping, returned and refunded).

Every such case holds for ``FRESH_FOR`` (24 h) after seeding; ``kefu seed --renew-stale``
rebuilds an older demo shop. Customers' phones are realistic but made up; nothing about a
customer (their number, their phone) can be derived from another. ``SHOWCASE`` orders are
made for a newcomer to try (``kefu demo`` lists them with what each allows).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, func, select

from shop.policy import ShopPolicy, load_policy
from worker.db.models import (
    Base,
    CatalogueState,
    Customer,
    DemoShop,
    Order,
    OrderItem,
    Product,
    Remark,
    Return,
    ReturnItem,
    Variant,
)
from worker.db.session import Database
from worker.order_rules import OrderTimes, dispatch_days, order_attention
from worker.return_rules import ReturnFacts, ReturnItemFacts, decide_return
from worker.rules import ExchangeFacts, decide_exchange
from worker.service import BOT_AUTHOR, utcnow

SEED = 2026
N_CUSTOMERS = 50
N_ORDERS = 300
FRESH_FOR = timedelta(hours=24)
BEIJING = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class ShopTiming:
    """The shop policy's figures the demo lays its orders out by, read from the policy
    (``ShopTiming.from_policy``): the worker seeds by the policy it enforces."""

    unpaid_close_hours: int  # orders.unpaid_close_hours
    dispatch_days: int  # shipping.dispatch.in_stock_days.max
    proxy_dispatch_days: int  # shipping.dispatch.preorder_days.max (bought to order)
    delivery_days: int  # the slowest courier's shipping.*.delivery_days.max
    transit_days: int  # the fastest courier's: orders in transit stay within every courier's
    custom_exchange_hours: int  # returns.custom.exchange_window_hours
    return_days: int  # returns.regular.return_days
    shipping_hours: tuple[int, int]  # shipping.dispatch.shipping_hours_open/close

    @classmethod
    def from_policy(cls, policy: ShopPolicy) -> ShopTiming:
        shipping, returns = policy.shipping, policy.returns
        couriers = (shipping.default_courier, shipping.sf, shipping.ems)
        return cls(
            unpaid_close_hours=policy.orders.unpaid_close_hours,
            dispatch_days=shipping.dispatch.in_stock_days.max,
            proxy_dispatch_days=shipping.dispatch.preorder_days.max,
            delivery_days=max(courier.delivery_days.max for courier in couriers),
            transit_days=min(courier.delivery_days.max for courier in couriers),
            custom_exchange_hours=returns.custom.exchange_window_hours or 0,
            return_days=returns.regular.return_days or 0,
            shipping_hours=(
                shipping.dispatch.shipping_hours_open.hour,
                shipping.dispatch.shipping_hours_close.hour,
            ),
        )


TIMING = ShopTiming.from_policy(load_policy())
"""The demo shop's own policy (``shop/data/shop.yaml``); a worker passes its policy's."""

# ── products ─────────────────────────────────────────────────────────────────────────────

# Who each size suits: height cm (min, max), weight kg (min, max).
BODY = {
    "S": (150, 157, 40.0, 47.5),
    "M": (158, 164, 47.5, 55.0),
    "L": (165, 171, 55.0, 62.5),
    "XL": (172, 177, 62.5, 72.5),
    "XXL": (178, 185, 72.5, 85.0),
}


def _chart(sizes: str, **measures: tuple[float, ...]) -> list[dict[str, Any]]:
    rows = []
    for index, size in enumerate(sizes.split()):
        height_min, height_max, weight_min, weight_max = BODY[size]
        row: dict[str, Any] = {
            "size": size,
            "height_min": height_min,
            "height_max": height_max,
            "weight_min_kg": weight_min,
            "weight_max_kg": weight_max,
        }
        row.update({f"{name}_cm": values[index] for name, values in measures.items()})
        rows.append(row)
    return rows


# chart name → (category, rows); measured flat, in cm. Each category's chart carries exactly
# its measurements (shop.enums.CATEGORY_MEASUREMENTS).
CHARTS: dict[str, tuple[str, list[dict[str, Any]]]] = {
    "tee": ("tops", _chart(
        "S M L XL XXL", chest=(96, 100, 104, 108, 112), length=(64, 66, 68, 70, 72),
        shoulder=(42, 44, 46, 48, 50),
    )),
    "shirt": ("tops", _chart(
        "S M L XL XXL", chest=(92, 96, 100, 104, 108), length=(66, 68, 70, 72, 74),
        shoulder=(40, 41.5, 43, 44.5, 46),
    )),
    "loose_top": ("tops", _chart(
        "S M L XL XXL", chest=(104, 108, 112, 116, 120), length=(62, 64, 66, 68, 70),
        shoulder=(50, 51.5, 53, 54.5, 56),
    )),
    "trousers": ("trousers", _chart(
        "S M L XL", waist=(66, 70, 74, 78), hip=(92, 96, 100, 104), length=(98, 100, 102, 104),
        inseam=(72, 73, 74, 75),
    )),
    "wide_trousers": ("trousers", _chart(
        "S M L XL", waist=(64, 68, 72, 76), hip=(100, 104, 108, 112), length=(96, 98, 100, 102),
        inseam=(70, 71, 72, 73),
    )),
    "shorts": ("trousers", _chart(
        "S M L XL", waist=(66, 70, 74, 78), hip=(96, 100, 104, 108), length=(42, 43, 44, 45),
        inseam=(12, 12, 13, 13),
    )),
    "skirt": ("skirts", _chart(
        "S M L XL", waist=(64, 68, 72, 76), hip=(90, 94, 98, 102), length=(60, 61, 62, 63),
    )),
    "midi_skirt": ("skirts", _chart(
        "S M L", waist=(64, 68, 72), hip=(92, 96, 100), length=(75, 76, 77),
    )),
    "dress": ("dresses", _chart(
        "S M L XL", chest=(84, 88, 92, 96), waist=(66, 70, 74, 78), length=(110, 112, 114, 116),
    )),
    "qipao": ("dresses", _chart(
        "S M L XL", chest=(82, 86, 90, 94), waist=(64, 68, 72, 76), length=(105, 107, 109, 111),
    )),
    "jacket": ("outerwear", _chart(
        "S M L XL XXL", chest=(100, 104, 108, 112, 116), length=(62, 64, 66, 68, 70),
        shoulder=(42, 43.5, 45, 46.5, 48), sleeve=(58, 59, 60, 61, 62),
    )),
    "coat": ("outerwear", _chart(
        "S M L XL XXL", chest=(104, 108, 112, 116, 120), length=(100, 102, 104, 106, 108),
        shoulder=(43, 44.5, 46, 47.5, 49), sleeve=(59, 60, 61, 62, 63),
    )),
    "one_size": ("accessories", []),
}
ONE_SIZE = "FREE"

Fibres = tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class DemoProduct:
    name: str
    name_en: str
    aliases: tuple[str, ...]  # other names customers use, Chinese and English
    kind: str  # regular | custom (定制, the shop's own label) | proxy (代购, bought abroad)
    chart: str
    price: int
    material: str  # as the product page words it
    composition: Fibres  # the main fabric
    care: tuple[str, ...]
    special_price: bool = False


_MACHINE = ("machine_wash_cold", "no_bleach", "line_dry")
_DELICATE = ("hand_wash", "no_bleach", "no_tumble_dry", "dry_flat")
_DRY_CLEAN = ("dry_clean_only", "no_bleach", "no_tumble_dry")

# No shoes: a clothing shop with a few accessories. Product 1 is the T-shirt (the tests ask
# size questions about it).
PRODUCTS: tuple[DemoProduct, ...] = (
    DemoProduct("纯棉圆领T恤", "Cotton Crew-neck T-shirt",
                ("T恤", "圆领T恤", "短袖", "t-shirt", "t-shirts", "tshirt", "tee"),
                "regular", "tee", 79, "100% 棉", (("cotton", 100),),
                ("machine_wash_cold", "wash_dark_separately", "no_bleach", "line_dry",
                 "iron_medium")),
    DemoProduct("条纹长袖衬衫", "Striped Long-sleeve Shirt",
                ("条纹衬衫", "长袖衬衫", "striped shirt"),
                "regular", "shirt", 139, "棉 70% 涤纶 30%", (("cotton", 70), ("polyester", 30)),
                (*_MACHINE, "iron_medium")),
    DemoProduct("高腰牛仔裤", "High-waist Jeans", ("牛仔裤", "jeans", "denim jeans"),
                "regular", "trousers", 189, "棉 98% 氨纶 2%", (("cotton", 98), ("elastane", 2)),
                ("wash_inside_out", "machine_wash_cold", "wash_dark_separately", "no_bleach",
                 "line_dry")),
    DemoProduct("连帽卫衣", "Pullover Hoodie",
                ("卫衣", "连帽衫", "帽衫", "hoodie", "hoodies", "hooded sweatshirt"),
                "regular", "loose_top", 159, "棉 80% 涤纶 20%", (("cotton", 80), ("polyester", 20)),
                ("wash_inside_out", *_MACHINE, "iron_low")),
    DemoProduct("针织开衫", "Knit Cardigan", ("开衫", "毛衣开衫", "cardigan"),
                "regular", "loose_top", 169, "羊毛 30% 腈纶 70%", (("wool", 30), ("acrylic", 70)),
                _DELICATE),
    DemoProduct("运动短裤", "Sports Shorts", ("短裤", "shorts", "sports shorts"),
                "regular", "shorts", 69, "100% 涤纶", (("polyester", 100),), _MACHINE),
    DemoProduct("格子半身裙", "Plaid Skirt", ("格子裙", "plaid skirt", "check skirt"),
                "regular", "skirt", 129, "涤纶 95% 氨纶 5%", (("polyester", 95), ("elastane", 5)),
                (*_MACHINE, "iron_low")),
    DemoProduct("亚麻阔腿裤", "Linen Wide-leg Trousers",
                ("阔腿裤", "亚麻裤", "wide-leg trousers", "linen trousers", "linen pants"),
                "regular", "wide_trousers", 199, "亚麻 55% 棉 45%", (("linen", 55), ("cotton", 45)),
                ("hand_wash", "no_bleach", "no_tumble_dry", "line_dry", "iron_high")),
    DemoProduct("轻薄羽绒服", "Light Down Jacket",
                ("羽绒服", "羽绒外套", "down jacket", "puffer jacket", "puffer"),
                "regular", "jacket", 399, "面料 100% 锦纶，填充 90% 白鸭绒",
                (("nylon", 100),), ("hand_wash", "no_bleach", "tumble_dry_low", "no_iron")),
    DemoProduct("雪纺碎花连衣裙", "Floral Chiffon Dress",
                ("碎花裙", "雪纺裙", "碎花连衣裙", "floral dress", "chiffon dress"),
                "regular", "dress", 229, "100% 聚酯纤维（雪纺）", (("polyester", 100),),
                ("hand_wash", "no_bleach", "dry_in_shade", "iron_low")),
    DemoProduct("针织中长连衣裙", "Knit Midi Dress", ("针织裙", "针织连衣裙", "knit dress"),
                "regular", "dress", 269, "粘纤 70% 锦纶 30%", (("viscose", 70), ("nylon", 30)),
                _DELICATE),
    DemoProduct("纯色打底衫", "Plain Base Layer Top", ("打底衫", "base layer", "long sleeve top"),
                "regular", "tee", 59, "莫代尔 95% 氨纶 5%", (("modal", 95), ("elastane", 5)),
                _MACHINE, special_price=True),
    DemoProduct("休闲西装外套", "Casual Blazer", ("西装外套", "西服", "blazer", "suit jacket"),
                "regular", "jacket", 359, "聚酯纤维 65% 粘纤 35%",
                (("polyester", 65), ("viscose", 35)), (*_DRY_CLEAN, "iron_low")),
    DemoProduct("直筒西装裤", "Straight Suit Trousers",
                ("西装裤", "西裤", "直筒裤", "suit trousers", "slacks"),
                "regular", "trousers", 219, "聚酯纤维 70% 粘纤 28% 氨纶 2%",
                (("polyester", 70), ("viscose", 28), ("elastane", 2)), (*_MACHINE, "iron_low")),
    DemoProduct("百褶中长半身裙", "Pleated Midi Skirt", ("百褶裙", "pleated skirt", "midi skirt"),
                "regular", "midi_skirt", 179, "100% 聚酯纤维", (("polyester", 100),),
                ("hand_wash", "no_bleach", "line_dry", "no_iron")),
    DemoProduct("毛线帽", "Knit Beanie", ("针织帽", "帽子", "beanie", "knit hat", "hat"),
                "regular", "one_size", 49, "100% 腈纶", (("acrylic", 100),), _DELICATE,
                special_price=True),
    DemoProduct("羊绒围巾", "Cashmere Scarf", ("围巾", "scarf", "cashmere scarf"),
                "regular", "one_size", 259, "100% 山羊绒", (("cashmere", 100),),
                ("hand_wash", "no_bleach", "no_tumble_dry", "dry_flat", "iron_low")),
    DemoProduct("复古帆布包", "Vintage Canvas Tote",
                ("帆布包", "托特包", "tote bag", "canvas bag", "tote"),
                "regular", "one_size", 99, "100% 棉帆布", (("cotton", 100),),
                ("hand_wash", "no_bleach", "line_dry")),
    DemoProduct("定制真丝衬衫", "Custom Silk Shirt", ("真丝衬衫", "丝绸衬衫", "silk shirt"),
                "custom", "shirt", 599, "100% 桑蚕丝", (("silk", 100),), (*_DRY_CLEAN, "iron_low")),
    DemoProduct("定制羊毛大衣", "Custom Wool Coat", ("羊毛大衣", "大衣", "wool coat", "overcoat"),
                "custom", "coat", 1299, "羊毛 90% 羊绒 10%", (("wool", 90), ("cashmere", 10)),
                _DRY_CLEAN),
    DemoProduct("定制旗袍", "Custom Qipao", ("旗袍", "qipao", "cheongsam"),
                "custom", "qipao", 899, "真丝提花（100% 桑蚕丝）", (("silk", 100),),
                (*_DRY_CLEAN, "iron_low")),
    DemoProduct("定制亚麻西装外套", "Custom Linen Blazer",
                ("亚麻西装", "linen blazer", "linen suit jacket"),
                "custom", "jacket", 1099, "100% 亚麻", (("linen", 100),),
                (*_DRY_CLEAN, "iron_high")),
    DemoProduct("定制刺绣卫衣", "Custom Embroidered Hoodie", ("刺绣卫衣", "embroidered hoodie"),
                "custom", "loose_top", 399, "100% 棉", (("cotton", 100),),
                ("wash_inside_out", "hand_wash", "no_bleach", "line_dry", "iron_low")),
    DemoProduct("定制手工针织毛衣", "Custom Hand-knit Sweater",
                ("毛衣", "针织毛衣", "手工毛衣", "sweater", "jumper"),
                "custom", "loose_top", 699, "100% 美利奴羊毛", (("wool", 100),), _DELICATE),
    DemoProduct("定制醋酸缎面半裙", "Custom Satin Skirt", ("缎面半裙", "缎面裙", "satin skirt"),
                "custom", "midi_skirt", 459, "100% 醋酸纤维", (("acetate", 100),),
                (*_DRY_CLEAN, "iron_low")),
    DemoProduct("定制牛仔外套", "Custom Denim Jacket",
                ("牛仔外套", "牛仔夹克", "denim jacket", "jean jacket"),
                "custom", "jacket", 529, "100% 棉", (("cotton", 100),),
                ("wash_inside_out", "machine_wash_cold", "wash_dark_separately", "line_dry")),
    DemoProduct("代购日本羊毛开衫", "Japanese Wool Cardigan", ("羊毛开衫", "wool cardigan"),
                "proxy", "loose_top", 980, "100% 羊毛", (("wool", 100),), _DELICATE),
    DemoProduct("代购韩国长款羽绒服", "Korean Long Down Coat",
                ("长款羽绒服", "long down coat", "long puffer"),
                "proxy", "coat", 1680, "面料 100% 聚酯纤维，填充 90% 鹅绒", (("polyester", 100),),
                ("hand_wash", "no_bleach", "tumble_dry_low", "no_iron")),
    DemoProduct("代购法国丝巾", "French Silk Scarf", ("丝巾", "silk scarf"),
                "proxy", "one_size", 1280, "100% 真丝", (("silk", 100),), _DRY_CLEAN),
    DemoProduct("代购意大利皮夹克", "Italian Leather Jacket",
                ("皮夹克", "皮衣", "leather jacket"),
                "proxy", "jacket", 3980, "100% 小羊皮", (("leather", 100),),
                ("leather_specialist", "no_bleach", "no_tumble_dry", "no_iron")),
    DemoProduct("代购英国风衣", "British Trench Coat", ("风衣", "trench coat", "trench"),
                "proxy", "coat", 4580, "100% 棉质华达呢", (("cotton", 100),), _DRY_CLEAN),
    DemoProduct("代购日本棉麻衬衫", "Japanese Cotton-linen Shirt",
                ("棉麻衬衫", "cotton linen shirt"),
                "proxy", "shirt", 690, "棉 50% 亚麻 50%", (("cotton", 50), ("linen", 50)),
                (*_MACHINE, "iron_high")),
    DemoProduct("代购美国运动卫裤", "American Sweatpants",
                ("卫裤", "运动裤", "sweatpants", "joggers", "track pants"),
                "proxy", "trousers", 560, "棉 80% 涤纶 20%", (("cotton", 80), ("polyester", 20)),
                _MACHINE),
    DemoProduct("代购澳洲羊毛袜（三双装）", "Australian Wool Socks (3 pairs)",
                ("羊毛袜", "袜子", "wool socks", "socks"),
                "proxy", "one_size", 260, "美利奴羊毛 80% 锦纶 20%", (("wool", 80), ("nylon", 20)),
                ("hand_wash", "no_bleach", "dry_flat")),
)
COLORS = ("黑色", "白色", "米色", "藏青色", "灰色", "卡其色", "酒红色", "浅蓝色")

# ── customers and places ─────────────────────────────────────────────────────────────────

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高梁宋郑谢韩唐冯于董萧"
GIVEN = ("小明", "晓燕", "伟", "静", "磊", "芳", "婷婷", "浩然", "思雨", "子涵", "嘉怡", "宇航",
         "雨桐", "俊杰", "欣怡", "志强", "梦琪", "建国", "丽娟", "一鸣")
# Prefixes of mainland mobile numbers; the other eight digits are drawn.
MOBILE_PREFIXES = ("130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151",
                   "152", "153", "155", "156", "157", "158", "159", "166", "173", "177", "180",
                   "181", "182", "183", "185", "186", "187", "188", "189", "191", "198", "199")
# (province, city, district, streets, weight): 江浙沪皖 free from 500, the rest of the mainland
# from 1000, remote regions and Hong Kong/Taiwan on their own terms.
PLACES = (
    ("江苏", "南京市", "鼓楼区", ("中山路", "湖南路", "北京西路"), 12),
    ("浙江", "杭州市", "西湖区", ("文三路", "教工路", "天目山路"), 12),
    ("上海", "上海市", "浦东新区", ("张杨路", "世纪大道", "东方路"), 12),
    ("安徽", "合肥市", "蜀山区", ("长江西路", "黄山路", "潜山路"), 8),
    ("广东", "广州市", "天河区", ("天河路", "体育西路", "黄埔大道"), 10),
    ("北京", "北京市", "朝阳区", ("建国路", "朝阳北路", "望京街"), 8),
    ("四川", "成都市", "武侯区", ("人民南路", "科华北路", "武侯祠大街"), 6),
    ("湖北", "武汉市", "洪山区", ("珞喻路", "鲁磨路", "雄楚大道"), 6),
    ("山东", "青岛市", "市南区", ("香港中路", "东海西路", "山东路"), 5),
    ("福建", "厦门市", "思明区", ("湖滨南路", "嘉禾路", "莲前西路"), 5),
    ("新疆", "乌鲁木齐市", "天山区", ("解放南路", "新华北路"), 4),
    ("西藏", "拉萨市", "城关区", ("北京中路", "江苏路"), 2),
    ("甘肃", "兰州市", "城关区", ("东岗西路", "庆阳路"), 3),
    ("贵州", "贵阳市", "南明区", ("中华南路", "遵义路"), 3),
    ("香港", "九龙", "油尖旺区", ("弥敦道", "广东道"), 3),
    ("台湾", "台北市", "信义区", ("松仁路", "信义路五段"), 1),
)
COURIERS = {"zto": "中通", "sf": "顺丰", "ems": "EMS"}
HMT = ("香港", "澳门", "台湾")
JZHW = ("江苏", "浙江", "上海", "安徽")
REMOTE = ("甘肃", "青海", "宁夏", "贵州", "新疆", "西藏")


@dataclass
class _Person:
    name: str
    phone: str
    province: str
    address: str


@dataclass
class _Customer:
    number: int
    person: _Person
    created_ago: timedelta
    family: _Person | None  # someone they sometimes send parcels to
    row: Customer | None = None


# ── orders ───────────────────────────────────────────────────────────────────────────────


@dataclass
class _Times:
    created: datetime
    paid: datetime | None = None
    shipped: datetime | None = None
    delivered: datetime | None = None
    completed: datetime | None = None
    closed: datetime | None = None
    close_reason: str | None = None


@dataclass(frozen=True)
class Showcase:
    """An order made for a newcomer to try: ``role`` names what it shows."""

    role: str
    items: tuple[tuple[str, str], ...]  # (product name, size)
    state: str
    ago: dict[str, float]  # hours before now: created / paid / shipped / delivered / completed
    demo_customer: bool = True
    courier: str = "zto"
    note: str = ""


# The demo customer's own orders (``kefu demo`` and the README list them), then the other
# orders that need attention on purpose (for the overdue and in-transit flags).
SHOWCASE: tuple[Showcase, ...] = (
    Showcase("returnable", (("纯棉圆领T恤", "M"), ("高腰牛仔裤", "L")), "shipped",
             {"created": 120, "paid": 119.5, "shipped": 96, "delivered": 48}),
    Showcase("exchangeable_custom", (("定制真丝衬衫", "M"),), "shipped",
             {"created": 80, "paid": 79.8, "shipped": 54, "delivered": 6}, courier="sf"),
    Showcase("proxy", (("代购日本羊毛开衫", "M"),), "shipped",
             {"created": 300, "paid": 299, "shipped": 150, "delivered": 72}),
    Showcase("unshipped", (("连帽卫衣", "M"), ("格子半身裙", "S")), "paid",
             {"created": 10.5, "paid": 10}),
    Showcase("unpaid", (("雪纺碎花连衣裙", "M"),), "awaiting_payment", {"created": 3}),
    Showcase("in_transit", (("轻薄羽绒服", "L"),), "shipped",
             {"created": 50, "paid": 49.5, "shipped": 26}),
    Showcase("dispatch_overdue", (("亚麻阔腿裤", "L"),), "paid",
             {"created": 35 * 24 + 2, "paid": 35 * 24}),
    Showcase("long_in_transit", (("休闲西装外套", "L"),), "shipped",
             {"created": 28 * 24, "paid": 28 * 24 - 1, "shipped": 26 * 24}),
    Showcase("custom_window_passed", (("定制刺绣卫衣", "L"),), "completed",
             {"created": 9 * 24, "paid": 9 * 24 - 1, "shipped": 8 * 24, "delivered": 5 * 24,
              "completed": 24}),
    Showcase("return_window_passed", (("针织开衫", "M"),), "completed",
             {"created": 26 * 24, "paid": 26 * 24 - 2, "shipped": 24 * 24, "delivered": 21 * 24,
              "completed": 18 * 24}),
    # Other customers' orders that need attention.
    Showcase("dispatch_overdue", (("代购韩国长款羽绒服", "M"),), "paid",
             {"created": 20 * 24 + 1, "paid": 20 * 24}, demo_customer=False,
             note="proxy purchase paid 20 days ago: the shop bears the postage after 15"),
    Showcase("dispatch_overdue", (("直筒西装裤", "M"), ("纯色打底衫", "S")), "paid",
             {"created": 6 * 24 + 3, "paid": 6 * 24}, demo_customer=False),
    Showcase("long_in_transit", (("羊绒围巾", ONE_SIZE),), "shipped",
             {"created": 14 * 24, "paid": 14 * 24 - 1, "shipped": 12 * 24}, demo_customer=False,
             courier="ems"),
)
DEMO_CUSTOMER_NAME = "陈思雨"


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


def _uniform_hours(rng: random.Random, low: float, high: float) -> timedelta:
    return _hours(rng.uniform(low, high))


def _in_shipping_hours(at: datetime, shipping_hours: tuple[int, int]) -> datetime:
    """The latest moment at or before ``at`` inside the warehouse's shipping hours."""
    open_hour, close_hour = shipping_hours
    local = at.astimezone(BEIJING)
    if local.hour >= close_hour:
        local = local.replace(hour=close_hour - 1)
    elif local.hour < open_hour:
        local = (local - timedelta(days=1)).replace(hour=close_hour - 1)
    return local.astimezone(UTC)


class _Generator:
    """Draws the whole shop from one seeded generator; ``now`` only places it in time."""

    def __init__(self, now: datetime, timing: ShopTiming) -> None:
        self.now = now
        self.timing = timing
        self.rng = random.Random(SEED)
        self.phones: set[str] = set()
        self.order_nos: set[str] = set()

    # -- people -----------------------------------------------------------------------

    def phone(self, number: int) -> str:
        """A made-up mainland mobile number, unique in the shop, whose last four digits say
        nothing about the customer's number."""
        while True:
            phone = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            last4 = phone[-4:]
            if phone in self.phones or int(last4) <= 2 * N_CUSTOMERS or last4 == f"{number:04d}":
                continue
            self.phones.add(phone)
            return phone

    def name(self) -> str:
        return self.rng.choice(SURNAMES) + self.rng.choice(GIVEN)

    def address(self) -> tuple[str, str]:
        places = [place for place in PLACES for _ in range(place[4])]
        province, city, district, streets, _ = self.rng.choice(places)
        street = self.rng.choice(streets)
        number, building, room = (
            self.rng.randint(1, 999), self.rng.randint(1, 30), self.rng.randint(101, 2505)
        )
        if province in HMT:
            return province, f"{city}{district}{street}{number}号{building}楼{room % 100 or 1}室"
        return province, f"{city}{district}{street}{number}号{building}栋{room}室"

    def customers(self) -> list[_Customer]:
        customers = []
        for number in range(1, N_CUSTOMERS + 1):
            name = DEMO_CUSTOMER_NAME if number == 1 else self.name()
            province, address = self.address()
            person = _Person(name, self.phone(number), province, address)
            family = None
            if self.rng.random() < 0.3:
                province, address = self.address()
                family = _Person(name[0] + self.rng.choice(GIVEN), self.phone(number), province,
                                 address)
            created_ago = _hours(self.rng.uniform(90, 720) * 24)
            customers.append(_Customer(number, person, created_ago, family))
        return customers

    def order_no(self) -> str:
        while True:
            order_no = f"KF26{self.rng.randrange(10**6):06d}"
            if order_no not in self.order_nos:
                self.order_nos.add(order_no)
                return order_no

    # -- times ------------------------------------------------------------------------

    def times(self, state: str, *, proxy: bool) -> _Times:
        """A history that agrees with ``state`` and stays so for ``FRESH_FOR``."""
        rng, now, t = self.rng, self.now, self.timing
        fresh_h = FRESH_FOR.total_seconds() / 3600
        dispatch_h = (t.proxy_dispatch_days if proxy else t.dispatch_days) * 24
        to_pay = _uniform_hours(rng, 0.02, 8)
        dispatch = _uniform_hours(rng, 3, dispatch_h - 6)
        transit = _uniform_hours(rng, 30, t.delivery_days * 24 - 6)
        confirm = _uniform_hours(rng, 2, 6 * 24)
        if state == "awaiting_payment":
            young = _uniform_hours(rng, 0.3, t.unpaid_close_hours - fresh_h - 2)
            return _Times(created=now - young)
        if state == "paid":
            paid = now - _uniform_hours(rng, 0.3, dispatch_h - fresh_h - 4)
            return _Times(created=paid - to_pay, paid=paid)
        if state in ("in_transit", "delivered", "completed", "returned"):
            if state == "in_transit":
                # Moving into shipping hours takes up to 14 h off; it stays in transit for
                # less than the usual days of any courier, FRESH_FOR included.
                shipped = _in_shipping_hours(
                    now - _uniform_hours(rng, 2, t.transit_days * 24 - fresh_h - 16),
                    t.shipping_hours,
                )
                delivered = None
            else:
                ago = {"delivered": (1, 8 * 24), "completed": (30, 58 * 24),
                       "returned": (4 * 24, 50 * 24)}[state]
                anchor = now - _uniform_hours(rng, *ago)
                if state == "delivered":
                    delivered = anchor
                elif state == "completed":
                    delivered = anchor - confirm
                else:
                    delivered = anchor - _uniform_hours(rng, 3 * 24, 9 * 24)
                shipped = _in_shipping_hours(delivered - transit, t.shipping_hours)
            paid = shipped - dispatch
            times = _Times(created=paid - to_pay, paid=paid, shipped=shipped, delivered=delivered)
            if state == "completed":
                times.completed = anchor
            elif state == "returned":
                times.closed, times.close_reason = anchor, "returned_refunded"
            return times
        # closed before shipping
        reason = rng.choice(("unpaid_timeout", "unpaid_timeout", "buyer_cancelled",
                             "refunded_before_shipping"))
        closed = now - _uniform_hours(rng, 1, 58 * 24)
        if reason == "unpaid_timeout":
            created = closed - _hours(t.unpaid_close_hours)
            return _Times(created=created, closed=closed, close_reason=reason)
        if reason == "buyer_cancelled":
            created = closed - _uniform_hours(rng, 0.2, 48)
            return _Times(created=created, closed=closed, close_reason=reason)
        paid = closed - _uniform_hours(rng, 1, 40)
        return _Times(created=paid - to_pay, paid=paid, closed=closed, close_reason=reason)

    def showcase_times(self, showcase: Showcase) -> _Times:
        at = {name: self.now - _hours(hours) for name, hours in showcase.ago.items()}
        times = _Times(created=at["created"], paid=at.get("paid"), shipped=at.get("shipped"),
                       delivered=at.get("delivered"), completed=at.get("completed"))
        if times.shipped is not None:
            times.shipped = _in_shipping_hours(times.shipped, self.timing.shipping_hours)
        return times


def _postage(province: str, total: Decimal) -> Decimal:
    """The default shop policy's postage: free in 江浙沪皖 from 500, elsewhere on the mainland
    from 1000; remote regions 10 off from 1000; Hong Kong/Taiwan freight collect."""
    if province in HMT:
        return Decimal(0)
    if province in JZHW:
        return Decimal(0) if total >= 500 else Decimal(8)
    if province in REMOTE:
        return Decimal(15) if total >= 1000 else Decimal(25)
    return Decimal(0) if total >= 1000 else Decimal(12)


def _courier(rng: random.Random, province: str, preferred: str | None = None) -> str:
    if province in HMT:
        return "sf"  # SF only, freight collect
    if preferred:
        return preferred
    return rng.choices(("zto", "sf", "ems"), weights=(7, 2, 1))[0]


def _tracking_no(rng: random.Random, courier: str) -> str:
    if courier == "sf":
        return f"SF{rng.randrange(10**13):013d}"
    if courier == "ems":
        return f"11{rng.randrange(10**11):011d}"
    return f"75{rng.randrange(10**12):012d}"


# Random orders' life stages (weights): most orders are done with.
STAGES = (
    ("awaiting_payment", 6),
    ("paid", 10),
    ("in_transit", 8),
    ("delivered", 8),
    ("completed", 55),
    ("closed", 10),
    ("returned", 3),
)
STAGE_STATE = {"in_transit": "shipped", "delivered": "shipped", "returned": "closed"}


def product_fields(spec: DemoProduct) -> dict[str, Any]:
    """The ``products`` row of a demo product (without its id)."""
    category, rows = CHARTS[spec.chart]
    return {
        "name": spec.name,
        "name_en": spec.name_en,
        "aliases": list(spec.aliases),
        "kind": spec.kind,
        "category": category,
        "price": Decimal(spec.price),
        "special_price": spec.special_price,
        "material": spec.material,
        "composition": [{"fibre": f, "percent": p} for f, p in spec.composition],
        "care": list(spec.care),
        "description": f"{spec.name}（{spec.name_en}），{spec.material}。",
        "size_chart": rows,
    }


async def seed_demo(
    db: Database, *, now: datetime | None = None, timing: ShopTiming = TIMING
) -> bool:
    """Build the demo shop in an empty database, its times laid out by ``timing`` (the
    worker's policy). Returns False (and changes nothing) when the database already has
    products."""
    now = now or utcnow()
    async with db.write() as session:
        if await session.scalar(select(func.count(Product.id))):
            return False
        await _build(session, now, timing)
    return True


async def renew_demo(
    db: Database, *, now: datetime | None = None, timing: ShopTiming = TIMING
) -> bool:
    """Rebuild the demo shop from scratch, its times laid out from now. Only a database
    ``kefu seed`` built (it has the ``demo_shop`` row) is touched; False otherwise."""
    now = now or utcnow()
    async with db.write() as session:
        if await session.get(DemoShop, 1) is None:
            return False
        for table in reversed(Base.metadata.sorted_tables):
            if table.name != CatalogueState.__tablename__:
                await session.execute(delete(table))
        await _build(session, now, timing)
    return True


async def demo_shop_age(db: Database, *, now: datetime | None = None) -> timedelta | None:
    """How long ago the demo shop was seeded; None when the database isn't the demo shop."""
    now = now or utcnow()
    async with db.read() as session:
        demo = await session.get(DemoShop, 1)
    if demo is None:
        return None
    seeded_at = demo.seeded_at if demo.seeded_at.tzinfo else demo.seeded_at.replace(tzinfo=UTC)
    return now - seeded_at


async def _build(session: Any, now: datetime, timing: ShopTiming) -> None:
    gen = _Generator(now, timing)
    rng = gen.rng

    products: dict[str, Product] = {}
    for index, spec in enumerate(PRODUCTS, start=1):
        product = Product(**product_fields(spec))
        sizes = [row["size"] for row in product.size_chart] or [ONE_SIZE]
        for color in rng.sample(COLORS, k=3):
            for size in sizes:
                # Most variants in stock; a few sold out so that "out of stock" is real.
                stock = 0 if rng.random() < 0.12 else rng.randint(1, 25)
                product.variants.append(
                    Variant(sku=f"P{index:03d}-{COLORS.index(color)}-{size}", size=size,
                            color=color, stock=stock)
                )
        session.add(product)
        products[spec.name] = product
    kinds = {spec.name: spec.kind for spec in PRODUCTS}

    customers = gen.customers()
    for customer in customers:
        customer.row = Customer(
            name=customer.person.name,
            phone=customer.person.phone,
            created_at=now - customer.created_ago,
        )
        session.add(customer.row)
    await session.flush()

    showcase_log: list[dict[str, Any]] = []
    orders: list[tuple[Order, str]] = []
    others = customers[1:]
    for showcase in SHOWCASE:
        customer = customers[0] if showcase.demo_customer else rng.choice(others)
        chosen = []
        for name, size in showcase.items:
            product = products[name]
            variants = [v for v in product.variants if v.size == size]
            variant = variants[0]
            # The showcase's own variant and its neighbours are in stock, so that the
            # exchanges and size changes it is made for can be tried.
            for other in product.variants:
                if other.color == variant.color:
                    other.stock = max(other.stock, 5)
            chosen.append((product, variant, 1))
        order = _order(gen, customer, customer.person, chosen, showcase.state,
                       gen.showcase_times(showcase), courier=showcase.courier)
        orders.append((order, "showcase"))
        showcase_log.append({"role": showcase.role, "order_no": order.order_no,
                             "demo_customer": showcase.demo_customer})

    stages = [stage for stage, _ in STAGES]
    weights = [weight for _, weight in STAGES]
    loyal = rng.sample(others, k=10)
    for _ in range(N_ORDERS - len(SHOWCASE)):
        customer = rng.choice(loyal) if rng.random() < 0.35 else rng.choice(customers)
        receiver = customer.person
        if customer.family is not None and rng.random() < 0.3:
            receiver = customer.family
        stage = rng.choices(stages, weights=weights)[0]
        count = rng.choice((1, 1, 1, 2, 2, 3))
        pool = list(products.values())
        if stage == "returned":
            pool = [p for p in pool if kinds[p.name] == "regular"]  # only these are refunded
        chosen = []
        for product in rng.sample(pool, k=count):
            variant = rng.choice(product.variants)
            chosen.append((product, variant, rng.choice((1, 1, 1, 2))))
        proxy = any(kinds[p.name] == "proxy" for p, _, _ in chosen)
        times = gen.times(stage, proxy=proxy)
        state = STAGE_STATE.get(stage, stage)
        orders.append((_order(gen, customer, receiver, chosen, state, times), stage))

    for order, _stage in orders:
        session.add(order)
    await session.flush()
    for order, stage in orders:
        for remark in _remarks(rng, order, stage, now):
            session.add(remark)
    session.add(DemoShop(id=1, seed=SEED, seeded_at=now, showcase=showcase_log))


def _order(
    gen: _Generator,
    customer: _Customer,
    receiver: _Person,
    chosen: Sequence[tuple[Product, Variant, int]],
    state: str,
    times: _Times,
    *,
    courier: str | None = None,
) -> Order:
    rng = gen.rng
    assert customer.row is not None
    order = Order(
        order_no=gen.order_no(),
        customer_id=customer.row.id,
        state=state,
        created_at=times.created,
        paid_at=times.paid,
        shipped_at=times.shipped,
        delivered_at=times.delivered,
        completed_at=times.completed,
        closed_at=times.closed,
        close_reason=times.close_reason,
        receiver_name=receiver.name,
        receiver_phone=receiver.phone,
        province=receiver.province,
        address=receiver.address,
        buyer_message=rng.choice((None, None, None, "请尽快发货", "麻烦包装好一点",
                                  "不要放价格单", "送人的，请不要放发票")),
        total=Decimal(0),
    )
    total = Decimal(0)
    for product, variant, quantity in chosen:
        order.items.append(OrderItem(variant=variant, price=product.price, quantity=quantity))
        total += product.price * quantity
    order.total = total
    order.postage = _postage(receiver.province, total)
    if times.shipped is not None:
        code = _courier(rng, receiver.province, courier)
        order.courier = COURIERS[code]
        order.tracking_no = _tracking_no(rng, code)
    return order


def _remarks(rng: random.Random, order: Order, stage: str, now: datetime) -> list[Remark]:
    """Remarks an agent would have left, each after what it is about and never in the
    future."""
    remarks = []

    def after(at: datetime, minutes: int) -> datetime:
        return min(now, at + timedelta(minutes=minutes))

    if order.paid_at is not None and rng.random() < 0.15:
        remarks.append(Remark(order_id=order.id, content="包裹内不放价格单", author="客服小周",
                              flag="red", created_at=after(order.paid_at, 20)))
    if order.courier == "顺丰" and order.province not in HMT and rng.random() < 0.5:
        remarks.append(Remark(order_id=order.id, content="客户要求发顺丰，运费差价已补",
                              author="客服小林", flag="blue",
                              created_at=after(order.paid_at or order.created_at, 30)))
    if order.state == "awaiting_payment" and rng.random() < 0.5:
        remarks.append(Remark(order_id=order.id, content="已发送付款提醒", author=BOT_AUTHOR,
                              flag="green", created_at=after(order.created_at, 30)))
    if stage == "returned" and order.closed_at is not None:
        remarks.append(Remark(order_id=order.id, content="退货已收到，检查无误，已退款",
                              author="售后小王", flag="blue", created_at=order.closed_at))
    return remarks


# ── finding demo orders ──────────────────────────────────────────────────────────────────


@dataclass(frozen=True)
class DemoOrder:
    order_no: str
    phone: str
    customer_id: int
    item_id: int
    product_id: int
    size: str
    color: str
    kind: str


async def find_demo_orders(
    db: Database,
    *,
    state: str | None = None,
    kind: str | None = None,
    delivered_within: timedelta | None = None,
    delivered_before: timedelta | None = None,
    now: datetime | None = None,
) -> list[DemoOrder]:
    """Orders of the demo shop matching the criteria (for tests and demos), each with its
    first item."""
    now = now or utcnow()
    query = select(Order).order_by(Order.id)
    if state:
        query = query.where(Order.state == state)
    if delivered_within is not None:
        query = query.where(Order.delivered_at >= now - delivered_within)
    if delivered_before is not None:
        query = query.where(Order.delivered_at < now - delivered_before)
    found = []
    async with db.read() as session:
        for order in (await session.scalars(query)).all():
            item = order.items[0]
            variant = item.variant
            if kind and variant.product.kind != kind:
                continue
            found.append(
                DemoOrder(
                    order_no=order.order_no,
                    phone=order.placed_phone,
                    customer_id=order.customer_id,
                    item_id=item.id,
                    product_id=variant.product_id,
                    size=variant.size,
                    color=variant.color,
                    kind=variant.product.kind,
                )
            )
    return found


@dataclass(frozen=True)
class ShowcaseOrder:
    role: str
    order_no: str
    last4: str
    state: str
    customer_name: str
    customer_phone: str
    demo_customer: bool
    items: list[str] = field(default_factory=list)  # "纯棉圆领T恤 M/黑色 (regular)"
    jobs: list[str] = field(default_factory=list)  # what a customer can do with it now


async def showcase_orders(
    db: Database,
    *,
    now: datetime | None = None,
    policy: ShopPolicy | None = None,
) -> list[ShowcaseOrder] | None:
    """The showcase orders with what each allows now; None when the database isn't the demo
    shop. ``policy``: the one the worker enforces (``KEFU_SHOP_POLICY``; the demo shop's by
    default): what each order allows is decided by the worker's own rules on it."""
    now = now or utcnow()
    policy = policy or load_policy()
    async with db.read() as session:
        demo = await session.get(DemoShop, 1)
        if demo is None:
            return None
        found = []
        for entry in demo.showcase:
            order = await session.scalar(select(Order).where(Order.order_no == entry["order_no"]))
            if order is None:
                continue
            customer = await session.get(Customer, order.customer_id)
            assert customer is not None
            returned = set(
                (
                    await session.scalars(
                        select(ReturnItem.order_item_id)
                        .join(Return, Return.id == ReturnItem.return_id)
                        .where(Return.order_id == order.id, Return.state != "cancelled")
                    )
                ).all()
            )
            found.append(
                ShowcaseOrder(
                    role=entry["role"],
                    order_no=order.order_no,
                    last4=order.placed_phone[-4:],
                    state=order.state,
                    customer_name=customer.name,
                    customer_phone=customer.phone,
                    demo_customer=bool(entry.get("demo_customer")),
                    items=[
                        f"{i.variant.product.name} {i.variant.size}/{i.variant.color} "
                        f"({i.variant.product.kind})"
                        for i in order.items
                    ],
                    jobs=jobs_for(order, now, policy, returned=returned),
                )
            )
    return found


def _aware(at: datetime | None) -> datetime | None:
    if at is None or at.tzinfo is not None:
        return at
    return at.replace(tzinfo=UTC)


def _days(delta: timedelta) -> str:
    days = delta.total_seconds() / 86400
    return f"{days:.0f} days" if days >= 3 else f"{delta.total_seconds() / 3600:.0f} hours"


def jobs_for(
    order: Order,
    now: datetime,
    policy: ShopPolicy | None = None,
    *,
    returned: set[int] | frozenset[int] = frozenset(),
) -> list[str]:
    """What a customer can do with this order now, in a few words (for ``kefu demo``), decided
    by the worker's own rules (``worker/return_rules.py``, ``worker/rules.py``,
    ``worker/order_rules.py``) with ``policy``: the list never offers a job the worker would
    refuse. ``returned``: the order's items with a return (not cancelled)."""
    policy = policy or load_policy()
    paid, shipped = _aware(order.paid_at), _aware(order.shipped_at)
    delivered, created = _aware(order.delivered_at), _aware(order.created_at)
    assert created is not None
    kinds = frozenset(item.variant.product.kind for item in order.items)
    times = OrderTimes(order.state, kinds, paid, shipped, delivered, order.courier)
    flags = {flag.code: flag for flag in order_attention(times, policy, now)}
    if order.state == "awaiting_payment":
        closes = created + timedelta(hours=policy.orders.unpaid_close_hours)
        return [f"pay or cancel; closes itself in {_days(closes - now)} if unpaid"]
    if order.state == "closed":
        return [f"closed ({order.close_reason})"]
    if order.state == "paid":
        assert paid is not None
        jobs = ["change the address"]
        if kinds - {"proxy"}:
            jobs.append("change an item's size or colour (stock is held)")
        if "proxy" in kinds:
            jobs.append("a proxy purchase's size: a person decides")
        refund = order.total + order.postage
        jobs += [f"cancel (refund of ¥{refund})", "ask for SF (recorded for the warehouse)",
                 "ask for an invoice"]
        overdue = flags.get("dispatch_overdue")
        if overdue is not None:
            promise = dispatch_days(policy, kinds)
            postage = "; the shop bears the postage" if overdue.seller_pays_postage else ""
            jobs.insert(0, f"DISPATCH OVERDUE: paid {_days(now - paid)} ago, promised within "
                           f"{promise} days{postage}: urge the warehouse")
        return jobs
    if delivered is None:
        assert shipped is not None
        late = flags.get("transit_overdue")
        if late is not None:
            usual = policy.shipping.delivery_days(order.courier).max
            return [f"LONG IN TRANSIT: shipped {_days(now - shipped)} ago (usually within "
                    f"{usual} days): urge the courier, or say it never arrived"]
        return [f"track the parcel (shipped {_days(now - shipped)} ago); cannot be cancelled "
                "any more"]
    jobs = []
    for kind in ("regular", "custom", "proxy"):
        items = [i for i in order.items if i.variant.product.kind == kind]
        if not items:
            continue
        item = items[0]
        if item.id in returned:
            jobs.append(f"{kind} item: a return is under way")
            continue
        ret = decide_return(
            ReturnFacts(order.state, delivered, now, "size", True,
                        (ReturnItemFacts(item.id, 1, kind=kind, bought=item.quantity,
                                         exchanged=bool(item.exchanges)),)),
            policy.returns,
        )
        swap = decide_exchange(
            ExchangeFacts(
                item_kind=kind, order_state=order.state, delivered_at=delivered, now=now,
                already_exchanged=bool(item.exchanges), fit_for_resale=True,
                quality_problem=False, style_change=False, same_variant=False,
                new_variant_exists=True, new_variant_stock=1, size_change=True,
            ),
            policy.returns,
        )
        rule = policy.kind_rule(kind)
        if kind == "regular":
            if ret.eligible and swap.eligible and ret.deadline is not None:
                jobs.append(f"return or exchange a regular item ({_days(ret.deadline - now)} "
                            "left)")
            elif "window_expired" in ret.reasons:
                jobs.append(f"regular items: the {rule.return_days}-day return and exchange "
                            "window has closed")
            else:
                jobs.append(f"regular item: {', '.join(ret.reasons)}")
        elif kind == "custom":
            if swap.eligible and swap.deadline is not None:
                jobs.append(f"exchange the custom-made item once for another size or colour "
                            f"({_days(swap.deadline - now)} left; never refunded)")
            elif "window_expired" in swap.reasons:
                jobs.append(f"custom-made: the {rule.exchange_window_hours}-hour exchange window "
                            "has closed (no refund)")
            else:
                jobs.append(f"custom-made item: {', '.join(swap.reasons)}")
        else:
            jobs.append("proxy purchase: neither returned nor exchanged (a supervisor may allow "
                        "a size swap)")
    if order.state == "shipped":
        jobs.append("confirm receipt, or say it never arrived")
    jobs.append("ask for an invoice")
    return jobs
