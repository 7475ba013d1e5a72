"""Blind jobs batches 8 and 9 (session 19): the kinds of message the engine misread, as rules on
the words. Every sentence is our own (none is a line of a batch); main's engine (99a351f) read
each one as noted in its comment."""

from __future__ import annotations

import pytest

from intents.address import parse_address
from intents.wrong_item import wrong_item

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # where her parcel has got to: 了 says it went already (not where to send a return)
        ("大衣发到哪了", "order.status"),  # return address
        ("我那件毛衣寄到哪里了 好几天了", "order.status"),  # return address
        ("东西打包好了 寄哪去", "returns.address"),  # (as it was)
        ("退货寄到哪里", "returns.address"),  # (as it was)
        # the money back asked for now, nothing sent back yet: the return she wants
        ("honestly just give me my money back for the skirt", "returns.return"),  # progress
        ("just refund me, the dress is awful", "returns.return"),  # progress
        ("不想折腾了 直接退钱吧", "returns.return"),  # progress
        # … and its progress still, when waited for
        ("快点给我退款", "returns.refund_progress"),
        ("i sent it back last week, give me my money back already", "returns.refund_progress"),
        # the cancel said as an order, the model torn with a complaint or a refund
        ("ugh fine i forgot to pay anyway. just cancel it then", "order.cancel"),  # complaint
        ("three weeks and nothing shipped, cancel and refund pls", "order.cancel"),  # unsure
        # a return told as under way, its reasons beside it (read as a quality problem)
        ("returning both, the skirt is too short and the top has a hole", "returns.return"),
    ],
)
def test_the_kinds_read(text: str, intent: str) -> None:
    decision = full_engine().match(text)
    assert decision.intent == intent
    assert decision.outcome == "accept"


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("上海市浦东新区张江路68弄5号302 电话不变", "张江路68弄5号302"),
        ("浙江省杭州市西湖区文三路90号 收件人不变", "文三路90号"),
        ("浙江省杭州市西湖区文三路90号收件人都不变", "文三路90号"),
        ("地址写错了 应该是杭州市拱墅区丰潭路380号8幢 我写成6幢了", "丰潭路380号8幢"),
        ("江苏省南京市鼓楼区中山路18号 其他一样", "中山路18号"),
    ],
)
def test_words_said_beside_an_address_are_not_its_street(text: str, street: str) -> None:
    parsed = parse_address(text)
    assert parsed.street == street
    assert parsed.receiver_name is None  # ("应该是" is nobody's name)


def test_a_name_beside_the_address_is_still_read() -> None:
    parsed = parse_address("王芳 13912345678 浙江省杭州市西湖区文三路90号 电话不变")
    assert (parsed.receiver_name, parsed.street) == ("王芳", "文三路90号")


@pytest.mark.parametrize(
    ("text", "wrong"),
    [
        ("I ordered the black jeans in 28 but the tag on the pair you sent says 30", True),
        ("i bought a medium and the label says XL, not what i paid for", True),
        ("我拍的S 结果吊牌上写的是M", True),
        ("I bought the skirt but the tag says dry clean only", False),
        ("i ordered the shirt and the label is scratchy", False),
    ],
)
def test_the_wrong_size_told_by_its_label(text: str, wrong: bool) -> None:
    assert wrong_item(text) is wrong


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("谢谢 祝你们早日倒闭", "complaint.general"),  # ill will beside a thanks: sarcasm
        ("thanks for nothing, worst shop ever", "complaint.general"),
        ("懂了懂了 辛苦客服了", "thanks.bye"),  # 客服了 is no 服了
        ("谢谢啦", "thanks.bye"),
    ],
)
def test_a_thanks_said_with_ill_will_is_a_complaint(text: str, intent: str) -> None:
    assert full_engine().match(text).intent == intent
