"""Plain policy questions are answered outright: accepted with the right intent, no
"did you mean ...?" - with the encoder and without it."""

import pytest

POLICY_QUESTIONS = [
    ("香港可以发货吗", "shipping.region"),
    ("代购的商品能退换吗", "returns.return"),
    ("付款后多久发货", "shipping.dispatch_time"),
    ("你们发什么快递", "shipping.courier"),
    ("新疆包邮吗", "shipping.fee"),
    ("寄到广州要几天", "shipping.delivery_time"),
    ("能寄到国外吗", "shipping.region"),
    ("有尺码表吗 发我看看", "size.chart"),
    ("这款鞋偏大还是偏小", "size.fit"),
    ("实物和图片有色差吗", "color.difference"),
    ("还有别的颜色吗", "color.options"),
    ("支持七天无理由退货吗", "returns.return"),
    ("退货运费谁出", "returns.postage"),
    ("退货地址是哪里", "returns.address"),
    ("退款多久能到账", "returns.refund_progress"),
    ("可以换尺码吗", "returns.exchange"),
    ("能开发票吗", "payment.invoice"),
    ("支持货到付款吗", "payment.cod"),
    ("能用花呗分期吗", "payment.methods"),
    ("是正品吗", "quality.authenticity"),
    ("这个是纯棉的吗", "quality.material"),
    ("有优惠券吗", "bargain.discount"),
    ("how long does shipping take to the UK", "shipping.delivery_time"),
    ("do you ship to Canada", "shipping.region"),
    ("is shipping free", "shipping.fee"),
    ("which courier do you use", "shipping.courier"),
    ("what is your return policy", "returns.return"),
    ("who pays for return shipping", "returns.postage"),
    ("how long do refunds take", "returns.refund_progress"),
    ("can I pay with PayPal", "payment.methods"),
    ("do you offer cash on delivery", "payment.cod"),
    ("can I get an invoice for my order", "payment.invoice"),
    ("does it run true to size", "size.fit"),
    ("is the color accurate to the photos", "color.difference"),
    ("is this genuine leather", "quality.material"),
    ("any discount codes?", "bargain.discount"),
]


@pytest.mark.parametrize(("text", "intent"), POLICY_QUESTIONS)
def test_plain_policy_question_is_accepted(any_engine, text, intent):
    d = any_engine.match(text)
    assert (d.intent, d.outcome) == (intent, "accept"), (text, d.intent, d.outcome, d.confidence)


def test_there_are_at_least_30_in_both_languages():
    zh = [t for t, _ in POLICY_QUESTIONS if not t.isascii()]
    en = [t for t, _ in POLICY_QUESTIONS if t.isascii()]
    assert len(POLICY_QUESTIONS) >= 30 and len(zh) >= 12 and len(en) >= 12


@pytest.mark.parametrize(
    "text",
    ["拍错码了 帮我改成L 还没发货吧", "能改成黑色吗 还没发吧", "帮我改发顺丰 运费我补",
     "can you change the size on my order to a medium before it ships"],
)
def test_changing_an_unshipped_order_is_order_modify(any_engine, text):
    d = any_engine.match(text)
    assert d.intent == "order.modify", (text, d.intent, d.outcome)
