"""Security: a whole conversation about a customer's order leaves no phone number, address or
full customer message in the logs at INFO and above — in the bot, the bus or the worker."""

from __future__ import annotations

import logging

import pytest

OUR_LOGGERS = ("bot", "bus", "worker", "intents", "replies", "aiogram", "aio_pika")


@pytest.fixture
def our_logs(caplog):
    caplog.set_level(logging.INFO)
    for name in OUR_LOGGERS:
        caplog.set_level(logging.INFO, logger=name)
    return caplog


async def test_no_phone_address_or_message_text_in_logs(stack, our_logs) -> None:
    order = await stack.make_order(kind="regular", state="paid", delivered_ago=None)
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    message = f"我要改收货地址 {order.order_no}"
    await customer.says(message, replies=2)
    new_address = "浙江省宁波市鄞州区隐私路 77 号 9 栋 1203 李四 13987654321"
    [shown] = await customer.says(new_address)
    [done] = await customer.presses(shown, "✅")
    assert "浙江" in done.text  # the change went through (shown in full in the chat only)
    stranger = stack.customer()
    [ask] = await stranger.says(f"查一下 {order.order_no}")
    assert ask.text
    [refused] = await stranger.says("0000" if order.phone[-4:] != "0000" else "1111")
    assert "没有找到" in refused.text  # the same answer as a missing order

    logged = "\n".join(
        f"{record.name} {record.getMessage()}"
        for record in our_logs.records
        if record.levelno >= logging.INFO
    )
    assert logged, "the conversation should have logged something (the check must be able to fail)"
    assert order.order_no in logged  # order numbers are fine and useful
    for secret in (order.phone, order.phone[3:], "13987654321", "隐私路", "1203", message,
                   "南京市玄武区测试路"):
        assert secret not in logged, f"{secret!r} leaked into the logs"
