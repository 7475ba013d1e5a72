"""Size advice when she says the size she has is too small or too big: the advice moves away
from it. Before, "我买的牛仔裤L码穿着太小了 170 60kg" was told "L 码适合您 … 建议选 L 码" — the
size her body matches on the chart, the very size she said does not fit (jobs batch 10's
size-advice script; batch 11's "I got the jeans in L and they're too small")."""

from __future__ import annotations

import re
from datetime import timedelta


def advised(text: str) -> list[str]:
    """The sizes the advice names in bold, as the customer reads them (the chart's sizes)."""
    return re.findall(r"\b(XXL|XL|XS|S|M|L)\b", text)


async def test_too_small_in_l_is_advised_xl_not_l_zh(stack) -> None:
    customer = stack.customer()
    # "应该换什么码": which size to swap to — the swap to the size advised is offered after it
    [advice, offer] = await customer.says("我买的高腰牛仔裤L码穿着太小了 170 60kg 应该换什么码", 2)
    assert "XL" in advice.text and "换成 XL 码" in offer.text, offer.text
    assert "L 码适合您" not in advice.text and "建议选 L 码" not in advice.text, advice.text
    # the follow-up size is the one advised: "那L呢" is not what she was told
    [again] = await customer.says("那XL呢")
    assert "XL 码适合您" in again.text or "建议选 XL" in again.text, again.text


async def test_too_big_in_l_is_advised_m_not_l_en(stack) -> None:
    customer = stack.customer(language_code="en")
    [advice] = await customer.says(
        "the high-waist jeans i have are an L and too big, im 170cm 60kg, what size instead?"
    )
    assert "M" in advised(advice.text), advice.text
    assert "L is a good choice" not in advice.text and "suggest size L" not in advice.text


async def test_a_size_asked_about_is_still_said_against_the_advice_zh(stack) -> None:
    """"M码会不会小" is a question about a size, not the size she has: said against the advice
    as before (M is tighter than the L advised)."""
    customer = stack.customer()
    [advice] = await customer.says("高腰牛仔裤 170 60kg M码会不会小")
    assert "M 码您穿会比 L 码紧一些" in advice.text, advice.text


async def test_a_size_named_after_a_colour_is_the_size_wanted_en(stack) -> None:
    """"a bit small, can i get it in black XL instead": the XL after the colour is the size
    (the colour between lost it, and "a bit small" was read as one up: L quoted, never
    said); sold out, said so; "ok white XL then" quotes that one (jobs batch 11)."""
    order = await stack.make_order(
        kind="regular", state="shipped", size="M", target_size="XL", target_stock=0
    )
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    [sold] = await customer.says(
        f"exchange for order {order.order_no} please, its a bit small. can i get it in black XL"
        " instead"
    )
    assert "black / XL" in sold.text.split("\n")[0] and "sold out" in sold.text, sold.text
    assert "Confirm" not in str(sold.inline_buttons), sold.text
    [terms] = await customer.says("oh ok. white XL then")
    assert "XL / white" in terms.text, terms.text


async def test_change_to_the_fitting_size_after_advice_reads_it_back_zh(stack) -> None:
    """Jobs batch 11: "我拍的是M 会不会小 帮我改成合适的码" right after the advice (XL) was
    advised again and nothing changed; now the change of her hoodie to the size advised is
    read back. Nothing is confirmed: the demo order stays as it is."""
    customer = await _hoodie_advised_xl(stack)
    [asked] = await customer.says("我拍的是M 会不会小 帮我改成合适的码")
    assert "连帽卫衣" in asked.text and "XL /" in asked.text and asked.button("是的"), asked.text


async def test_swap_to_the_fitting_size_after_advice_whatever_the_engine_read_zh(stack) -> None:
    """Held in the console after session 21: "那帮我换成合适的码" right after the advice got
    "did you mean: exchange / which size / change the order?" — the change asked was checked
    only where the engine read advice again. Now it is read back as the one above."""
    customer = await _hoodie_advised_xl(stack)
    [asked] = await customer.says("那帮我换成合适的码")
    assert "连帽卫衣" in asked.text and "XL /" in asked.text and asked.button("是的"), asked.text


async def test_a_bit_small_with_a_colour_and_size_is_still_the_exchange_en(stack) -> None:
    """The engine hears a fit question in "the shirt is a bit small, can i get it in white XL
    instead": the step words make it the exchange, with the XL named now the size wished (an
    earlier draft of the colour reading lost the step, and her height was asked)."""
    order = await stack.make_order(kind="regular", state="shipped", size="M")
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    said = await customer.says(
        "the shirt is a bit small, can i get it in white XL instead", replies=2
    )
    quote = said[-1]
    assert "XL / white" in quote.text and "height" not in quote.text, quote.text


async def test_change_to_another_colour_torn_between_exchange_and_change_en(stack) -> None:
    """"could i change my white tee to the grey one? same size": the engine torn between an
    exchange and a change on the order asked "did you mean…?" (again after the contact; jobs
    batch 11). Her delivered tee: the exchange, for grey."""
    from tests.e2e.test_return_two_causes import product_id

    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        product_id=await product_id(stack, "纯棉圆领T恤"),
        delivered_ago=timedelta(days=2),
        telegram_user_id=customer.user_id,
    )
    said = await customer.says("could i change my white tee to the grey one? same size")
    last = said[-1]
    assert "Did you mean" not in last.text and order.order_no in last.text, last.text
    assert "grey" in last.text, last.text


async def test_which_size_to_swap_to_gets_advice_and_a_yes_takes_the_swap_en(stack) -> None:
    """Jobs batch 11: "i got the jeans in L and theyre too small. im 168cm 64kg, what size
    should i swap to?" got the exchange rules (the engine reads an exchange) and "ok do that"
    the goodbye. Now the advice for her (XL, away from the L she has), the swap to it offered,
    and a bare yes right after starts the exchange of her jeans to XL."""
    from tests.e2e.test_order_jobs import showcase

    returnable = await showcase(stack, "returnable")  # T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer(language_code="en")
    await customer.shares_contact(returnable.customer_phone)
    said = await customer.says(
        "i got the jeans in L and theyre too small. im 168cm 64kg, what size should i swap to?",
        replies=2,
    )
    text = "\n".join(m.text for m in said)
    assert "XL" in advised(text) and "exchanges work" not in text, text
    assert "swap yours for the XL" in said[-1].text, text
    after = await customer.says("ok do that")
    last = after[-1].text
    assert "Jeans" in last and "XL" in last and "Anything else" not in last, last


async def _hoodie_advised_xl(stack):
    """A verified customer of the demo's unshipped order (连帽卫衣 M + 格子半身裙, paid) who has
    just been advised XL for the hoodie."""
    from tests.e2e.test_order_jobs import showcase

    unshipped = await showcase(stack, "unshipped")
    customer = stack.customer()
    await customer.shares_contact(unshipped.customer_phone)
    [advice] = await customer.says("身高175 体重135斤 卫衣穿什么码合适啊")
    assert "XL" in advice.text, advice.text
    return customer


async def test_tee_too_small_which_size_to_swap_read_as_advice_offers_the_swap_en(stack) -> None:
    """Held in the console (session 23): "my tee is too small. im 168cm 64kg, what size should
    i swap to?" from the verified owner of a tee in M is read as size advice (not an exchange):
    it advised "between L and XL" with no swap offered, and "yes" got "Great. Anything else" —
    the job left half done. Now her tee's own M is the size she has (too small: the advice moves
    up from it), the swap to the size advised is offered, and a plain yes starts the exchange
    of her tee to it."""
    from tests.e2e.test_order_jobs import showcase

    returnable = await showcase(stack, "returnable")  # T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer(language_code="en")
    await customer.shares_contact(returnable.customer_phone)
    said = await customer.says(
        "my tee is too small. im 168cm 64kg, what size should i swap to?", replies=2
    )
    text = "\n".join(m.text for m in said)
    [size] = re.findall(r"swap yours for the (\w+)", said[-1].text) or [None]
    assert size in ("L", "XL"), text
    after = await customer.says("yes")
    last = after[-1].text
    assert "T-shirt" in last and f"{size} /" in last and "Anything else" not in last, last


async def test_swap_to_this_size_after_the_offer_and_the_contact_zh(stack) -> None:
    """Jobs batch 13: "T恤穿着有点紧 我身高165 体重118斤 应该换哪个码" (advice L, the swap offered),
    her contact, then "行 就换这个码" — asked which size again, every variant listed. It is the
    size just advised: her tee to L, asked back."""
    from tests.e2e.test_order_jobs import showcase

    returnable = await showcase(stack, "returnable")  # T恤 M + 高腰牛仔裤 L, delivered
    customer = stack.customer()
    advice, offer = await customer.says("T恤穿着有点紧 我身高165 体重118斤 应该换哪个码", 2)
    [size] = re.findall(r"换成 (\w+) 码", offer.text) or [None]
    assert size in ("L", "XL"), advice.text
    await customer.shares_contact(returnable.customer_phone)
    said = await customer.says("行 就换这个码")
    last = said[-1].text
    assert "T恤" in last and f"{size} /" in last and "想换成哪个尺码" not in last, last
