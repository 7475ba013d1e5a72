"""What the customer paid is the items and the postage: the order card's total and the amount a
cancel gives back say that sum (the worker refunds both) — they said the items' sum alone
("已付的 199 元 会原路退回", then a refund of 211 元; found holding the console)."""

from __future__ import annotations

from decimal import Decimal

from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


async def test_the_card_and_the_cancel_say_the_items_and_the_postage() -> None:
    order = order_view(total=Decimal(199), postage=Decimal(12))
    harness = Harness(ScriptedWorker(order).bus())
    await harness.share_contact(PHONE)
    card, confirm = await harness.say("我不想要了 帮我把订单取消")
    paid = harness.replies.format_money(Decimal(211), "zh_CN")
    postage = harness.replies.format_money(Decimal(12), "zh_CN")
    assert harness.t("order.total", total=paid, postage=postage) in card
    assert confirm == harness.t("order.cancel.confirm_paid", order_no=order.order_no, total=paid)


async def test_an_older_order_the_job_can_be_about_is_not_left_off_the_list() -> None:
    """Found holding the console: "帮我把订单取消" listed the paid orders among her latest ten
    only; an older paid one (dispatch overdue) was missing. Here it is the only one a cancel can
    be about, behind eleven completed ones: it is taken at once."""
    completed = [
        order_view(order_no=f"KF202600{n:02d}", state="completed") for n in range(1, 12)
    ]
    older = order_view(order_no="KF20269999", state="paid")
    harness = Harness(ScriptedWorker(*completed, older).bus())
    await harness.share_contact(PHONE)
    card, confirm = await harness.say("我不想要了 帮我把订单取消")
    assert "KF20269999" in card
    assert confirm.startswith(harness.t("order.cancel.confirm_paid", order_no="KF20269999",
                                        total="\x00").split("\x00")[0])
