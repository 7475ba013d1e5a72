"""Yes/no questions about a way to pay or about coupons open with the yes or no the shop's
policy decides ("你们支持花呗吗" → 不支持, with what is accepted), and where the policy says
nothing (coupons in the demo shop) the bot says plainly it doesn't know and offers a person."""

from __future__ import annotations

import pytest

from bot.services.questions import asks_about_coupons, payments_asked
from intents.paying import payment_failing
from shop.payments import payments_named
from tests.support.bot import Harness
from tests.support.worker import ScriptedWorker


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("你们支持花呗吗", {"huabei"}),
        ("can I pay with PayPal", {"paypal"}),
        ("do you accept credit cards?", {"bank_card"}),
        ("微信支付可以吗", {"wechat_pay"}),
        ("信用卡能分期吗", {"bank_card", "installments"}),
        ("is Apple Pay accepted?", {"apple_pay"}),
        # not a yes/no question about a way to pay
        ("支付宝付不了", set()),  # trouble: needs help, not a yes
        ("my card was declined, can you help?", set()),
        ("怎么付款", set()),
        ("可以找朋友代付吗", set()),
    ],
)
def test_the_ways_to_pay_a_question_names(text: str, named: set[str]) -> None:
    assert payments_asked(text) == named


def test_words_inside_other_words_are_not_ways_to_pay() -> None:
    assert payments_named("a visit to the shop") == frozenset()
    assert payments_named("supervisa") == frozenset()


@pytest.mark.parametrize(
    ("text", "asked"),
    [("有优惠券吗", True), ("有没有优惠码", True), ("do you have discount codes", True),
     ("any coupons?", True), ("能便宜点吗", False), ("can you do a better price?", False)],
)  # fmt: skip
def test_coupon_questions(text: str, asked: bool) -> None:
    assert asks_about_coupons(text) is asked


async def test_huabei_and_paypal_are_answered_no_first_with_what_is_accepted() -> None:
    harness = Harness(ScriptedWorker().bus())
    [huabei] = await harness.say("你们支持花呗吗")
    assert huabei.startswith("不支持。") and "花呗" in huabei and "支付宝" in huabei
    [paypal] = await harness.say("can I pay with PayPal", user_id=5002, language="en")
    assert paypal.startswith("No.") and "Alipay" in paypal
    [alipay] = await harness.say("支付宝可以付吗", user_id=5003)
    assert alipay.startswith("支持。")
    [trouble] = await harness.say("支付宝付不了", user_id=5004)
    assert not trouble.startswith(("支持", "不支持"))


async def test_coupons_the_policy_is_silent_on_are_not_guessed_and_a_person_is_offered() -> None:
    worker = ScriptedWorker()
    harness = Harness(worker.bus())
    answer, offer = await harness.say("有优惠券吗")
    assert answer.startswith(harness.t("bargain.coupons_unknown"))
    assert offer == harness.t("bargain.ask_coupons")
    [opened] = await harness.say("好的")  # the offer, answered by a bare yes
    [ticket] = worker.tickets
    assert ticket.reason == "discount" and "T0000001" in opened
    answer, offer = await harness.say("do you have discount codes", user_id=5002, language="en")
    assert answer.startswith(harness.t("bargain.coupons_unknown", "en"))
    assert offer == harness.t("bargain.ask_coupons", "en")


@pytest.mark.parametrize(
    ("text", "failing"),
    [
        ("微信支付一直付不了", True),
        ("payment failed three times", True),
        ("why can't I pay with my visa", True),
        ("付款老是失败 说银行卡异常", True),
        ("能用花呗吗", False),
        ("how do I pay", False),
    ],
)
def test_a_payment_that_does_not_go_through(text, failing):
    assert payment_failing(text) is failing
