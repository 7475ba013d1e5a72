"""Two items of one order exchanged in one message ("T恤换L 裤子换XL", "tee in L and jeans in
XL please"): said plainly that they go one after the other, each confirmed, both recorded
(blind jobs batch 3: the message was read as a size question, and neither was exchanged)."""

from __future__ import annotations

from tests.e2e.test_order_jobs import showcase


async def test_two_items_in_one_message_are_exchanged_one_after_the_other_en(stack) -> None:
    asked = "both the tee and the jeans are too small. tee in L and jeans in XL please"
    condition, yes, language = "both unworn, tags on", "yes", "en"
    order = await showcase(stack, "returnable")  # 纯棉圆领T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer(language_code=language)
    plainly, rules = await customer.says(asked, replies=2)
    assert plainly.text == stack.t("exchange.one_then_other", "en", count=2)
    assert rules.reply_buttons[0][0].request_contact
    _, first = await customer.shares_contact(order.customer_phone, replies=2)
    assert "T-shirt" in first.text and "L /" in first.text
    [noted] = await customer.says(condition)
    assert noted.text == stack.t("exchange.condition_noted_confirm", "en")
    _, following, second = await customer.says(yes, replies=3)
    assert following.text == stack.t("exchange.next_item", "en")
    assert "Jeans" in second.text and "XL /" in second.text
    await customer.says(yes)
    made = {(e.order_item_id, e.new_variant.size) for e in await stack.exchanges(order.order_no)}
    assert len(made) == 2 and {size for _, size in made} == {"L", "XL"}
