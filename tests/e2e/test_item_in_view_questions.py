"""Questions about the item in view, found playing customers in the console (session 19):
after the hoodie, "是纯棉的吗 会不会起球" was answered for 纯棉圆领T恤 (the fibre word is part of
the T-shirt's name) and the size that followed was the T-shirt's; "is it cotton" offered two
cotton items instead of answering for the hoodie."""

from __future__ import annotations


async def test_a_fibre_asked_of_the_item_in_view_stays_on_that_item_zh(stack) -> None:
    customer = stack.customer()
    [stock] = await customer.says("卫衣有没有L码 浅蓝色的")
    assert stock.text.startswith("连帽卫衣\n")
    [fabric] = await customer.says("是纯棉的吗 会不会起球")
    assert fabric.text.startswith("连帽卫衣\n") and "棉 80%" in fabric.text
    assert "T恤" not in fabric.text
    # the T-shirt named with the fibre is still found by that name
    [tee] = await customer.says("纯棉圆领T恤是什么面料")
    assert tee.text.startswith("纯棉圆领T恤\n")


async def test_a_fibre_asked_of_the_item_in_view_stays_on_that_item_en(stack) -> None:
    english = stack.customer(language_code="en")
    [stock] = await english.says("is the hoodie in stock in L")
    assert stock.text.startswith("Pullover Hoodie\n")
    [fabric] = await english.says("is it cotton")
    assert fabric.text.startswith("Pullover Hoodie\n")
    assert not [b for row in fabric.inline_buttons for b in row if "Shirt" in b.text]
    assert "T-shirt" not in fabric.text and "Shirt" not in fabric.text
