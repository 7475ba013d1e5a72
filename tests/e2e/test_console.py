"""The console chat (``python -m bot`` without BOT_TOKEN) driven in a pseudo-terminal, against
a running test worker: policy answers, numbered choices, /contact, an order, /quit."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pexpect
import pytest_asyncio

from tests.integration.conftest import create_order, start_shop, stop_shop

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 60


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def console_shop(amqp_url, amqp_connection, tmp_path_factory):
    shop = await start_shop(amqp_url, tmp_path_factory.mktemp("console"))
    try:
        yield shop
    finally:
        await stop_shop(shop, amqp_connection)


def spawn(amqp_url: str, prefix: str) -> pexpect.spawn:
    env = {k: v for k, v in os.environ.items() if k != "BOT_TOKEN"}
    env.update(AMQP_URL=amqp_url, KEFU_BUS_PREFIX=prefix, PYTHONUNBUFFERED="1")
    return pexpect.spawn(
        sys.executable,
        ["-m", "bot"],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
    )


async def test_console_chat_through_the_same_dispatcher(console_shop, amqp_url) -> None:
    order = await create_order(console_shop, kind="custom", state="shipped", size="M")
    child = spawn(amqp_url, console_shop.worker.topology.prefix)
    try:
        await child.expect("终端模式", async_=True)
        await child.expect("你 › ", async_=True)
        child.sendline("什么时候发货")
        await child.expect("2–3", async_=True)
        # The solved / not solved buttons show as numbered choices; "1" presses the first.
        await child.expect(r"\[1\] 👍", async_=True)
        await child.expect("你 › ", async_=True)
        child.sendline("1")
        await child.expect("感谢", async_=True)
        # Identity by /contact, then an order question answered by the worker.
        child.sendline("我的订单到哪了")
        await child.expect(r"/contact", async_=True)
        child.sendline(f"/contact {order.phone}")
        await child.expect(order.order_no, async_=True)
        # Language switch by number.
        child.sendline("/lang")
        await child.expect(r"\[2\] English", async_=True)
        child.sendline("2")
        await child.expect("English from now on", async_=True)
        child.sendline("do you ship to Hong Kong?")
        await child.expect("freight collect", async_=True)
        child.sendline("/quit")
        await child.expect(pexpect.EOF, async_=True)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


async def test_console_without_a_broker_still_answers_policy_questions(amqp_url) -> None:
    child = spawn("amqp://guest:guest@127.0.0.1:1/", "nobroker")
    try:
        await child.expect("你 › ", async_=True)
        child.sendline("可以货到付款吗")
        await child.expect("支付宝", async_=True)
        await child.expect("你 › ", async_=True)
        child.sendline("KF20260001 尾号0001 到哪了")
        await child.expect("繁忙|暂时", async_=True)
        child.sendeof()
        await child.expect(pexpect.EOF, async_=True)
    finally:
        child.close(force=True)
    assert child.exitstatus == 0


async def test_console_desk_mode_plays_the_agent(console_shop, amqp_url) -> None:
    """`/desk` in the console: the person takes the escalated chat, answers and closes it; the
    customer's side shows the answer and the rating, all on one machine."""
    child = spawn(amqp_url, console_shop.worker.topology.prefix)
    try:
        await child.expect("你 › ", async_=True)
        child.sendline("/desk")
        await child.expect("还没有转人工的客户", async_=True)
        child.sendline("/customer")
        await child.expect("顾客模式", async_=True)
        child.sendline("我要转人工")
        # The customer's answer and the new topic come from two tasks: in either order.
        await child.expect("工作台 #\\d+ › 🆕 工单", async_=True)
        child.sendline("衣服收到了但是有点小")
        await child.expect("工作台 #\\d+ › 衣服收到了但是有点小", async_=True)
        child.sendline("/desk")
        await child.expect("工作台模式", async_=True)
        await child.expect("坐席 #\\d+ › ", async_=True)
        child.sendline("您好，可以换大一码")
        await child.expect("客服 › 您好，我是客服坐席小可", async_=True)
        await child.expect("客服 › 您好，可以换大一码", async_=True)
        child.sendline("// 记得备注")
        child.sendline("/close")
        await child.expect("客服 › 本次人工服务已结束", async_=True)
        await child.expect(r"\[4\] ⭐⭐⭐⭐", async_=True)
        await child.expect("工作台 #\\d+ › ✅", async_=True)
        child.sendline("/customer")
        await child.expect("顾客模式", async_=True)
        child.sendline("4")
        await child.expect("谢谢您的评价", async_=True)
        child.sendline("/quit")
        await child.expect(pexpect.EOF, async_=True)
    finally:
        child.close(force=True)
    assert "记得备注" not in (child.before or "")
    assert child.exitstatus == 0


async def test_a_console_restarted_with_its_ticket_still_open_says_so_once(
    console_shop, amqp_url
) -> None:
    """Found holding the console: after a restart, the worker still had the console chat's
    ticket, so every message went to the desk and the bot said nothing — a new user just saw
    silence. The console now says at its start that the ticket is open and how to withdraw it;
    withdrawn, the next start says nothing of it."""
    first = spawn(amqp_url, console_shop.worker.topology.prefix)
    try:
        await first.expect("你 › ", async_=True)
        first.sendline("我要转人工")
        await first.expect(r"工单号 (T\d+)", async_=True)
        ticket_no = first.match.group(1)
        first.sendline("/quit")
        await first.expect(pexpect.EOF, async_=True)
    finally:
        first.close(force=True)
    again = spawn(amqp_url, console_shop.worker.topology.prefix)
    try:
        await again.expect(r"客服 › 您上次转的人工客服还在排队（工单 (T\d+)）", async_=True)
        assert again.match.group(1) == ticket_no
        await again.expect("发 /cancel 就能撤回", async_=True)
        await again.expect("你 › ", async_=True)
        again.sendline("/cancel")
        await again.expect("你 › ", async_=True)
        assert "已经取消人工客服请求" in (again.before or "")
        again.sendline("/quit")
        await again.expect(pexpect.EOF, async_=True)
    finally:
        again.close(force=True)
    third = spawn(amqp_url, console_shop.worker.topology.prefix)
    try:
        await third.expect("你 › ", async_=True)
        assert "终端模式" in (third.before or "")  # (the whole start is in it)
        assert "您上次转的人工客服" not in (third.before or "")
        third.sendline("/quit")
        await third.expect(pexpect.EOF, async_=True)
    finally:
        third.close(force=True)
