"""Readers added for blind jobs batch 6: a slip put right, a yes with more words, a button's
words cut short, the coupon asked back, the other order, her purchases and their period."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.handlers.identity import announces_contact
from bot.handlers.purchases import asks_purchases, in_period, period
from bot.services import choices
from bot.services.parcels import points_at_a_return
from bot.services.questions import asks_coupon_back
from bot.services.sizes import size_wish
from bus.contracts import OrderSummary


def test_a_slip_is_read_and_put_right() -> None:
    assert choices.correction("不好意思打错了 是浦东新区 不是新去") == ("浦东新区", "新去")
    assert choices.correction("oops typo, its 西湖区 not 西胡区") == ("西湖区", "西胡区")
    assert choices.correction("西胡区应该是西湖区") == ("西湖区", "西胡区")
    assert choices.correction("打错了 是浦东新区") == ("浦东新区", None)
    assert choices.correction("是的") is None and choices.correction("对 没问题") is None
    # the part before the wrong words that the right ones begin with is not doubled
    street, mended = "浦东新去世纪大道1168号", "浦东新区世纪大道1168号"
    assert choices.corrected(street, "浦东新区", "新去") == mended
    assert choices.corrected("西胡区", "西湖区", "西胡区") == "西湖区"
    assert choices.corrected(street, "浦东新区", None) == mended
    assert choices.corrected("文三路478号", "西湖区", "西胡区") is None  # not in it


def test_a_yes_with_more_words() -> None:
    assert choices.yes_or_no("对 这次没错了") is True
    assert choices.yes_or_no("yes thats right now") is True
    assert choices.yes_or_no("对 但是要L") is None
    assert choices.yes_restating("对 黑色 还是S码")
    assert not choices.yes_restating("对 但是要L") and not choices.yes_restating("yes but in L")
    assert not choices.yes_restating("对 运费多少")


def test_a_button_cut_short() -> None:
    labels = {"✅ 确认退货": True, "取消": False}
    assert choices.button_typed("确认退", labels) is True
    assert choices.button_typed("确认", labels) is None  # (a yes of its own, read as one)
    assert choices.button_typed("确", labels) is None
    assert choices.button_typed("confirm the", {"✅ Confirm the return": True}) is None


def test_the_return_made_the_coupon_the_other_order_and_a_size_after_a_measure_word() -> None:
    assert points_at_a_return("我昨天申请退的那条牛仔裤现在是什么状态了")
    assert points_at_a_return("whats happening with the jeans return i asked for yesterday?")
    assert not points_at_a_return("昨天买的裤子想退") and not points_at_a_return("我想退货")
    assert asks_coupon_back("取消以后券还能退回来吗")
    assert asks_coupon_back("do i get the coupon back?")
    assert not asks_coupon_back("有优惠券吗") and not asks_coupon_back("能退货吗")
    assert choices.other_order("那另一单呢 卫衣那个") and choices.other_order("and the other one?")
    assert not choices.points_back("那另一单呢") and not choices.bare_follow_up("那另一单呢")
    assert choices.where_is_it("where is my down jacket") and choices.where_is_it("羽绒服到哪了")
    assert size_wish("那不退了 换个S码行不行").target == "S"
    assert size_wish("要一件XL的").target == "XL" and size_wish("不要个S").target is None


def test_purchases_asked_and_the_period_named() -> None:
    assert asks_purchases("我最近一个月在你们家都买了些什么")
    assert asks_purchases("what did i buy from you last month?")
    assert asks_purchases("show me my order history")
    assert not asks_purchases("我买了什么颜色来着") and not asks_purchases("KF26200341 买了啥")
    assert period("我上个月买了啥") == "last_month" and period("what did i buy last month") == (
        "last_month"
    )
    assert period("what did i buy over the last month") == "recent"
    assert period("这个月买了什么") == "this_month" and period("我买过什么") == "all"
    assert announces_contact("你好 我把手机号发你")
    assert announces_contact("hi, my phone number is 183 6480 5280")
    assert not announces_contact("我的手机号是多少 你们能查到吗")


def _order(no: str, days: float, now: datetime) -> OrderSummary:
    return OrderSummary(
        order_no=no, state="completed", created_at=now - timedelta(days=days),
        total=Decimal(1), item_count=1, first_item_name="x",
    )  # fmt: skip


def test_orders_in_the_period() -> None:
    zone = ZoneInfo("Asia/Shanghai")
    now = datetime(2026, 12, 10, 4, 0, tzinfo=UTC)  # 12:00 on 10 December in Shanghai
    orders = [_order("A", 2, now), _order("B", 20, now), _order("C", 45, now)]
    assert [o.order_no for o in in_period(orders, "recent", zone, now)] == ["A", "B"]
    assert [o.order_no for o in in_period(orders, "this_month", zone, now)] == ["A"]
    assert [o.order_no for o in in_period(orders, "last_month", zone, now)] == ["B"]
    assert [o.order_no for o in in_period(orders, "all", zone, now)] == ["A", "B", "C"]
