"""Plain policy questions get a direct answer (issue 8 item 8): no "did you mean…?", no
"please rephrase", no person offered instead — end to end, in Chinese and English.

Written for this test as customers type (not taken from the catalogue, the training data or
the blind batches). A direct answer is the answer to the expected intent: it carries that
intent's solved / not-solved buttons (``fb:<intent>:…``), whatever its wording.
"""

from __future__ import annotations

import pytest

QUESTIONS: list[tuple[str, str, str]] = [
    # (language, question, the intent answered)
    ("zh-hans", "香港可以发货吗", "shipping.region"),
    ("zh-hans", "代购的商品能退换吗", "returns.return"),
    ("zh-hans", "一般付款后几天发出", "shipping.dispatch_time"),
    ("zh-hans", "从你们那到杭州要几天", "shipping.delivery_time"),
    ("zh-hans", "默认走哪家快递", "shipping.courier"),
    ("zh-hans", "广东满多少包邮", "shipping.fee"),
    ("zh-hans", "能寄到国外吗 我在日本", "shipping.region"),
    ("zh-hans", "买回来不喜欢可以退吗", "returns.return"),
    ("zh-hans", "退货的邮费谁承担", "returns.postage"),
    ("zh-hans", "退货寄到哪里", "returns.address"),
    ("zh-hans", "支付宝能付款吗", "payment.methods"),
    ("zh-hans", "可以先收货再付钱吗", "payment.cod"),
    ("zh-hans", "能开电子发票吗", "payment.invoice"),
    ("zh-hans", "这款衣服是什么面料做的", "quality.material"),
    ("zh-hans", "新衣服有股味道正常吗", "quality.smell"),
    ("zh-hans", "你们家是正品吗", "quality.authenticity"),
    ("zh-hans", "图片颜色和实物差别大吗", "color.difference"),
    ("zh-hans", "尺码偏大还是偏小啊", "size.fit"),
    ("zh-hans", "有没有优惠券可以用", "bargain.discount"),
    # session 14: only "send me your order number", the times never said
    ("zh-hans", "退款一般多久能到账啊", "returns.refund_progress"),
    ("en", "Do you ship to Hong Kong?", "shipping.region"),
    ("en", "Can I return something that was bought through a proxy shopper?", "returns.return"),
    ("en", "How many days after I pay is my order usually sent out?", "shipping.dispatch_time"),
    ("en", "roughly how long does delivery take once it has shipped?", "shipping.delivery_time"),
    ("en", "which delivery company do you use?", "shipping.courier"),
    ("en", "how much is postage to Guangdong?", "shipping.fee"),
    ("en", "If the jeans don't fit can I send them back for a refund?", "returns.return"),
    ("en", "who covers the cost of shipping when I return an item?", "returns.postage"),
    ("en", "where do I mail my return to?", "returns.address"),
    ("en", "do you take PayPal or credit cards?", "payment.methods"),
    ("en", "is paying cash when the parcel arrives possible?", "payment.cod"),
    ("en", "can I get a VAT invoice for my company?", "payment.invoice"),
    ("en", "what fabric is the sweater made of?", "quality.material"),
    ("en", "are your products genuine brand items?", "quality.authenticity"),
    ("en", "does the colour in real life look the same as the photos?", "color.difference"),
    ("en", "do your clothes run small or true to size?", "size.fit"),
    ("en", "are there any discount codes right now?", "bargain.discount"),
    ("en", "how long do refunds usually take?", "returns.refund_progress"),
]


NEXT_STEPS = {"payment.invoice": 1, "bargain.discount": 1}
"""Answers that go straight on with the job: the invoice asks for its order, the discount answer
offers a ticket for a supervisor."""


def answered(message, intent: str, policy_answer: str) -> bool:
    """The intent's own answer: its feedback buttons under it, or (for the answers that go on
    to do the job — an invoice recorded, a discount ticket offered, the item asked for a
    material question — and carry that job's buttons instead) the policy answer's words."""
    feedback = any(
        (button.callback_data or "").startswith(f"fb:{intent}:")
        for row in message.inline_buttons
        for button in row
    )
    first_line = policy_answer.splitlines()[0]
    # a coupon question the policy is silent on says so first, then the discount answer
    return feedback or message.text.startswith(first_line) or (
        intent == "bargain.discount" and f"\n{first_line}" in message.text
    )


def test_at_least_thirty_questions_in_both_languages() -> None:
    assert len(QUESTIONS) >= 30
    assert sum(language == "en" for language, _, _ in QUESTIONS) >= 15
    assert sum(language != "en" for language, _, _ in QUESTIONS) >= 15


@pytest.mark.parametrize(("language", "question", "intent"), QUESTIONS)
async def test_a_plain_policy_question_gets_a_direct_answer(
    stack, language, question, intent
) -> None:
    locale = "en" if language == "en" else "zh_CN"
    customer = stack.customer(language_code=language)
    reply, *next_steps = await customer.says(question, replies=NEXT_STEPS.get(intent, 0) + 1)
    unclear = {
        stack.t("clarify.header", locale),
        stack.t("clarify.rephrase", locale),
        stack.t("clarify.offer_human", locale),
    }
    assert reply.text not in unclear, question
    assert not any(step.text in unclear for step in next_steps), question
    policy_answer = stack.answer(intent, locale)
    assert answered(reply, intent, policy_answer), (question, reply.text, reply.inline_buttons)
    await customer.hears_nothing_more()
