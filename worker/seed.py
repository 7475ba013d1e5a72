"""The demo shop: deterministic products, customers and orders for the console and the tests.

Everything comes from one seeded random generator, so two seeds give the same shop; times
are laid out backwards from "now" so that the time rules (48 hours after delivery, 72 hours
to pay) have live cases whenever you seed. Customer N (1..50) has phone ``139`` + N in eight
digits (``13900000001``); order numbers run ``KF20260001`` … ``KF20260300``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from worker.db.models import Customer, Order, OrderItem, Product, Remark, Variant
from worker.db.session import Database
from worker.service import BOT_AUTHOR, utcnow

SEED = 2026
N_CUSTOMERS = 50
N_ORDERS = 300

TOPS_CHART = [
    {
        "size": "S",
        "height_min": 150,
        "height_max": 157,
        "weight_min_kg": 40,
        "weight_max_kg": 47.5,
        "chest_cm": 84,
        "length_cm": 62,
    },
    {
        "size": "M",
        "height_min": 158,
        "height_max": 164,
        "weight_min_kg": 47.5,
        "weight_max_kg": 55,
        "chest_cm": 88,
        "length_cm": 64,
    },
    {
        "size": "L",
        "height_min": 165,
        "height_max": 171,
        "weight_min_kg": 55,
        "weight_max_kg": 62.5,
        "chest_cm": 92,
        "length_cm": 66,
    },
    {
        "size": "XL",
        "height_min": 172,
        "height_max": 177,
        "weight_min_kg": 62.5,
        "weight_max_kg": 72.5,
        "chest_cm": 96,
        "length_cm": 68,
    },
    {
        "size": "XXL",
        "height_min": 178,
        "height_max": 185,
        "weight_min_kg": 72.5,
        "weight_max_kg": 85,
        "chest_cm": 100,
        "length_cm": 70,
    },
]
FREE_CHART = [
    {
        "size": "FREE",
        "height_min": 150,
        "height_max": 172,
        "weight_min_kg": 40,
        "weight_max_kg": 65,
        "chest_cm": 110,
        "length_cm": 70,
    },
]

# (name, kind, price, material, sizes) — the shop's own label is custom-made (定制),
# items bought abroad for the order are proxy purchases (代购).
PRODUCTS: list[tuple[str, str, int, str, str]] = [
    ("纯棉圆领T恤", "regular", 79, "100% 棉", "tops"),
    ("条纹长袖衬衫", "regular", 139, "棉 70% 涤纶 30%", "tops"),
    ("高腰牛仔裤", "regular", 189, "棉 98% 氨纶 2%", "tops"),
    ("连帽卫衣", "regular", 159, "棉 80% 涤纶 20%", "tops"),
    ("针织开衫", "regular", 169, "羊毛 30% 腈纶 70%", "tops"),
    ("运动短裤", "regular", 69, "涤纶", "tops"),
    ("格子半身裙", "regular", 129, "涤纶 95% 氨纶 5%", "tops"),
    ("亚麻阔腿裤", "regular", 199, "亚麻 55% 棉 45%", "tops"),
    ("羽绒马甲", "regular", 299, "白鸭绒 90%", "tops"),
    ("雪纺碎花连衣裙", "regular", 229, "雪纺", "tops"),
    ("纯色打底衫", "regular", 59, "莫代尔", "tops"),
    ("休闲西装外套", "regular", 359, "聚酯纤维", "tops"),
    ("毛线帽", "regular", 49, "腈纶", "free"),
    ("羊绒围巾", "regular", 259, "山羊绒 100%", "free"),
    ("家居服套装", "regular", 149, "珊瑚绒", "tops"),
    ("定制真丝衬衫", "custom", 599, "桑蚕丝 100%", "tops"),
    ("定制羊毛大衣", "custom", 1299, "羊毛 90% 羊绒 10%", "tops"),
    ("定制旗袍", "custom", 899, "真丝提花", "tops"),
    ("定制亚麻西装", "custom", 1099, "亚麻 100%", "tops"),
    ("定制刺绣卫衣", "custom", 399, "棉 100%", "tops"),
    ("定制手工针织毛衣", "custom", 699, "美利奴羊毛", "tops"),
    ("定制醋酸缎面半裙", "custom", 459, "醋酸纤维", "tops"),
    ("定制牛仔外套", "custom", 529, "棉 100%", "tops"),
    ("代购日本羊毛开衫", "proxy", 980, "羊毛 100%", "tops"),
    ("代购韩国羽绒服", "proxy", 1680, "鹅绒 90%", "tops"),
    ("代购法国丝巾", "proxy", 1280, "真丝", "free"),
    ("代购意大利皮夹克", "proxy", 3980, "小羊皮", "tops"),
    ("代购英国风衣", "proxy", 4580, "棉质华达呢", "tops"),
    ("代购日本棉麻衬衫", "proxy", 690, "棉 50% 麻 50%", "tops"),
    ("代购美国运动卫裤", "proxy", 560, "棉 80% 涤纶 20%", "tops"),
    ("代购澳洲羊毛袜（三双装）", "proxy", 260, "美利奴羊毛", "free"),
    ("复古帆布包", "regular", 99, "帆布", "free"),
]
COLORS = ["黑色", "白色", "米色", "藏青色", "灰色", "卡其色", "酒红色", "浅蓝色"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["小明", "晓燕", "伟", "静", "磊", "芳", "婷婷", "浩然", "思雨", "子涵", "嘉怡", "宇航"]
# (province, city and street sample, weight of orders) — 江浙沪皖 free from 500, the rest of
# the mainland from 1000, remote regions and Hong Kong/Macau/Taiwan on their own terms.
PROVINCES = [
    ("江苏", "南京市鼓楼区中山路", 12),
    ("浙江", "杭州市西湖区文三路", 12),
    ("上海", "上海市浦东新区张杨路", 12),
    ("安徽", "合肥市蜀山区长江西路", 8),
    ("广东", "广州市天河区天河路", 10),
    ("北京", "北京市朝阳区建国路", 8),
    ("四川", "成都市武侯区人民南路", 6),
    ("湖北", "武汉市洪山区珞喻路", 6),
    ("山东", "青岛市市南区香港中路", 5),
    ("福建", "厦门市思明区湖滨南路", 5),
    ("新疆", "乌鲁木齐市天山区解放南路", 4),
    ("西藏", "拉萨市城关区北京中路", 2),
    ("甘肃", "兰州市城关区东岗西路", 3),
    ("贵州", "贵阳市南明区中华南路", 3),
    ("香港", "九龙旺角弥敦道", 3),
    ("台湾", "台北市信义区松仁路", 1),
]
STATES = [
    ("awaiting_payment", 30),
    ("paid", 50),
    ("shipped", 80),
    ("completed", 100),
    ("closed", 40),
]
COURIERS = [("中通", "ZTO"), ("顺丰", "SF"), ("EMS", "EMS")]


def customer_phone(n: int) -> str:
    return f"139{n:08d}"


def receiver_phone(customer_phone: str) -> str:
    """The mobile number a customer's orders go to (and are placed with): a number of its own,
    so that its last four digits are not the customer number."""
    rng = random.Random(f"receiver:{customer_phone}")
    return f"1{rng.choice('35789')}{rng.randrange(10**9):09d}"


async def seed_demo(db: Database, *, now: datetime | None = None) -> bool:
    """Build the demo shop in an empty database. Returns False (and changes nothing) when
    the database already has products."""
    now = now or utcnow()
    rng = random.Random(SEED)
    async with db.write() as session:
        if await session.scalar(select(func.count(Product.id))):
            return False
        products: list[Product] = []
        for index, (name, kind, price, material, sizes) in enumerate(PRODUCTS, start=1):
            chart = TOPS_CHART if sizes == "tops" else FREE_CHART
            product = Product(
                name=name,
                kind=kind,
                price=Decimal(price),
                special_price=index % 9 == 0,
                material=material,
                description=f"{name}，面料 {material}。",
                size_chart=chart,
            )
            colors = rng.sample(COLORS, k=3)
            for color in colors:
                for row in chart:
                    # Most variants in stock; a few sold out to make "out_of_stock" real.
                    stock = 0 if rng.random() < 0.12 else rng.randint(1, 25)
                    product.variants.append(
                        Variant(
                            sku=f"P{index:03d}-{COLORS.index(color)}-{row['size']}",
                            size=row["size"],
                            color=color,
                            stock=stock,
                        )
                    )
            session.add(product)
            products.append(product)

        customers = []
        for n in range(1, N_CUSTOMERS + 1):
            customer = Customer(
                name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                phone=customer_phone(n),
                created_at=now - timedelta(days=rng.randint(90, 720)),
            )
            session.add(customer)
            customers.append(customer)
        await session.flush()

        states = [state for state, weight in STATES for _ in range(weight)]
        rng.shuffle(states)
        provinces = [p for p in PROVINCES for _ in range(p[2])]
        for seq in range(1, N_ORDERS + 1):
            customer = customers[(seq * 7) % N_CUSTOMERS]
            state = states[seq - 1]
            province, street, _ = rng.choice(provinces)
            order = _order(rng, seq, customer, state, province, street, now)
            chosen = rng.sample(products, k=rng.choice((1, 1, 1, 2, 3)))
            total = Decimal(0)
            for product in chosen:
                variant = rng.choice(product.variants)
                quantity = rng.choice((1, 1, 1, 2))
                order.items.append(
                    OrderItem(variant=variant, price=product.price, quantity=quantity)
                )
                total += product.price * quantity
            order.total = total
            order.postage = Decimal(0) if total >= 500 else Decimal(10)
            session.add(order)
            await session.flush()
            if state in ("paid", "shipped") and rng.random() < 0.2:
                session.add(
                    Remark(
                        order_id=order.id,
                        content="包裹内不放价格单",
                        author="客服小周",
                        flag="red",
                        created_at=order.paid_at or now,
                    )
                )
            if state == "awaiting_payment" and rng.random() < 0.5:
                session.add(
                    Remark(
                        order_id=order.id,
                        content="已发送付款提醒",
                        author=BOT_AUTHOR,
                        flag="green",
                        created_at=now,
                    )
                )
    return True


def _order(
    rng: random.Random,
    seq: int,
    customer: Customer,
    state: str,
    province: str,
    street: str,
    now: datetime,
) -> Order:
    if state == "awaiting_payment":
        created = now - timedelta(hours=rng.uniform(1, 70))  # closes itself after 72 h
    else:
        created = now - timedelta(days=rng.uniform(1, 60))
    order = Order(
        order_no=f"KF2026{seq:04d}",
        customer_id=customer.id,
        state=state,
        created_at=created,
        receiver_name=customer.name,
        receiver_phone=receiver_phone(customer.phone),
        province=province,
        address=f"{street}{rng.randint(1, 999)}号{rng.randint(1, 30)}栋{rng.randint(101, 2505)}室",
        buyer_message=rng.choice([None, None, "请尽快发货", "麻烦包装好一点", "不要放价格单"]),
        total=Decimal(0),
    )
    if state == "closed":
        if rng.random() < 0.6:
            order.closed_at, order.close_reason = created + timedelta(hours=72), "unpaid_72h"
        else:
            order.paid_at = created + timedelta(minutes=rng.randint(1, 120))
            order.closed_at, order.close_reason = order.paid_at + timedelta(days=2), "refunded"
        return order
    if state == "awaiting_payment":
        return order
    order.paid_at = created + timedelta(minutes=rng.randint(1, 120))
    if state == "paid":
        order.paid_at = min(order.paid_at, now)
        return order
    courier, code = rng.choice(COURIERS)
    order.courier = courier
    order.tracking_no = f"{code}{rng.randint(10**11, 10**12 - 1)}"
    span = (now - order.paid_at).total_seconds()
    order.shipped_at = order.paid_at + timedelta(seconds=span * rng.uniform(0.05, 0.3))
    if state == "shipped":
        # Half of the shipped orders are delivered but not yet confirmed by the customer:
        # the ones delivered within the last two days keep custom-made exchanges open.
        if rng.random() < 0.5:
            order.delivered_at = now - timedelta(hours=rng.uniform(2, 120))
            order.shipped_at = min(order.shipped_at, order.delivered_at - timedelta(days=1))
        return order
    order.delivered_at = order.shipped_at + timedelta(seconds=span * rng.uniform(0.1, 0.3))
    order.completed_at = min(now, order.delivered_at + timedelta(days=rng.uniform(0.2, 3)))
    return order


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
