"""The words a customer says about the job in progress rather than answering it
(``bot.services.choices``: never_mind, switched_to, asks_why)."""

from __future__ import annotations

import pytest

from bot.services.choices import (
    asks_why,
    never_mind,
    person_not_needed,
    return_cause,
    switched_to,
)


@pytest.mark.parametrize(
    "text",
    ["算了", "算了吧", "那算了吧", "不退了", "先不换了", "算了，谢谢", "never mind", "Nevermind.",
     "forget it", "oh never mind thanks", "don't bother", "scratch that"],
)  # fmt: skip
def test_the_job_dropped(text: str) -> None:
    assert never_mind(text)


@pytest.mark.parametrize(
    "text",
    ["算了 换个颜色吧", "好的", "不是这件", "no", "not now", "换L",
     "never mind the colour, L please", "这件算了 退另一件",
     # a reason to return, not the return dropped
     "changed my mind", "I changed my mind"],
)  # fmt: skip
def test_not_the_job_dropped(text: str) -> None:
    assert not never_mind(text)


@pytest.mark.parametrize(
    ("text", "to"),
    [("还是换吧", "exchange"), ("那换货吧", "exchange"), ("我还是换货吧", "exchange"),
     ("不退了 换吧", "exchange"), ("actually exchange it", "exchange"),
     ("Actually, exchange it instead", "exchange"), ("I'd rather swap it", "exchange"),
     ("还是退了吧", "return"), ("那直接退掉吧", "return"), ("actually just refund it", "return"),
     ("on second thought, return it", "return"),
     # with what she wants instead (the lead's console round, session 15: the return went on
     # and asked whether the tags were on)
     ("actually can i exchange them for a bigger size instead", "exchange"),
     ("i'd rather swap it for an XL", "exchange"), ("不退了 换成XL吧", "exchange"),
     ("还是换大一码吧", "exchange"), ("算了还是退款吧", "return"),
     ("can I return it instead?", "return"),
     # the job dropped and the other asked, in more words (jobs batch 5)
     ("算了不退了 帮我换个大一号的", "exchange"), ("先不退了 能不能换成黑色", "exchange"),
     ("rather than a refund can I have it in a smaller size", "exchange"),
     ("不想换了 把钱退我吧", "return"), ("那不换了 退款", "return"),
     ("forget about the exchange, I want a refund", "return")],
)  # fmt: skip
def test_the_job_switched(text: str, to: str) -> None:
    assert switched_to(text) == to


@pytest.mark.parametrize(
    "text",
    ["退回去的邮费还是我出吗", "actually who pays the return postage", "换货要多久", "XL",
     "退货地址是哪", "我想换个颜色", "I changed my mind", "还是尺码的问题"],
)  # fmt: skip
def test_a_question_or_a_reason_is_no_switch(text: str) -> None:
    assert switched_to(text) is None


@pytest.mark.parametrize(
    "text", ["换L", "换成白色的", "能换吗", "退款多久到", "exchange rules?", "how do I return it",
             "不退了", "先不换了", "no exchange for sale items?"]
)
def test_not_the_job_switched(text: str) -> None:
    assert switched_to(text) is None


@pytest.mark.parametrize(
    "text", ["why do you need that?", "why", "what's that for", "为什么要这个", "要这个干嘛",
             "为啥要手机号"],
)  # fmt: skip
def test_why_asked(text: str) -> None:
    assert asks_why(text)


@pytest.mark.parametrize("text", ["5280", "尾号5280", "ok", "我忘了"])
def test_not_why_asked(text: str) -> None:
    assert not asks_why(text)


@pytest.mark.parametrize(
    "text",
    ["其实是领口开线了", "其实有个洞", "actually the seam ripped", "it's faulty, the zip broke"],
)
def test_a_fault_told_after_a_refusal_is_read_as_quality(text: str) -> None:
    """What lifts a return refused up front (custom-made, proxy, the window passed)."""
    assert return_cause(text) == "quality"


@pytest.mark.parametrize(
    ("text", "rest"),
    [
        ("哦不用了不用转了 你直接帮我改成L就行", "哦不用了不用转了 你直接帮我改成L就行"),
        ("不用转人工了", ""), ("算了不用了", ""), ("不用转了 帮我办吧", ""),
        ("nah never mind, let's just finish it here", ""), ("never mind", ""),
        ("no need for an agent, I'll do it here", ""),
        ("不要转人工 帮我查下快递", "不要转人工 帮我查下快递"),
        # not a person declined: a thing she doesn't need, a person asked for, a question
        ("发票不用了", None), ("我要转人工", None), ("the invoice, never mind it", None),
        ("你们退货地址在哪", None),
    ],
)  # fmt: skip
def test_a_person_not_wanted_after_all(text: str, rest: str | None) -> None:
    """Blind jobs batch 4: "不用转了" while waiting for a person went to the ticket."""
    assert person_not_needed(text) == rest


@pytest.mark.parametrize(
    ("text", "told"),
    [("就试穿了一下 吊牌还挂着", True), ("只试过 吊牌留着", True), ("she just tried them on", True),
     ("试穿过 吊牌在", True), ("穿过两次", False), ("试了一下 后来洗过了", False),
     ("能试一下吗", None), ("吊牌在哪", None)],
)  # fmt: skip
def test_the_items_condition_told(text: str, told: bool | None) -> None:
    from bot.services.choices import condition_told

    assert condition_told(text) is told


@pytest.mark.parametrize(
    ("text", "button", "ahead"),
    [("嗯 退吧", "button.confirm_return", True), ("那就退掉吧", "button.confirm_return", True),
     ("yes, send them back", "button.confirm_return", True),
     ("好 换吧", "button.confirm_exchange", True), ("ok swap it", "button.confirm_exchange", True),
     ("退款几天到", "button.confirm_return", False), ("换吧", "button.confirm_return", False),
     ("退吧", "button.confirm_exchange", False), ("退吧", "button.confirm_address", False),
     # jobs batch 11: the other job dropped beside it is the same yes (it started another
     # order's return); dropped alone it is no yes
     ("退吧 不想换了", "button.confirm_return", True),
     ("换吧 不退了", "button.confirm_exchange", True),
     ("不想换了", "button.confirm_return", False)],
)  # fmt: skip
def test_the_job_asked_again_at_its_confirmation_is_a_yes(
    text: str, button: str, ahead: bool
) -> None:
    from bot.services.choices import go_ahead_with

    assert go_ahead_with(text, button) is ahead


@pytest.mark.parametrize(
    ("text", "cause", "remedy"),
    [("真丝衬衫今天刚到 袖口那里是破的 这种能退吗", "quality", "return"),
     ("领口有个洞能退吗", "quality", "return"), ("这件能退吗", None, "return"),
     ("不能退吗", None, None), ("能退换吗", None, None), ("打破的杯子", None, None)],
)  # fmt: skip
def test_a_damaged_item_asked_back_is_the_faults_return(
    text: str, cause: str | None, remedy: str | None
) -> None:
    """Jobs batch 11: "袖口那里是破的 这种能退吗" was "did you mean: material / return / a
    fault?" — "是破的" was no fault and "能退吗" no return asked, so the fault's remedy
    (``FaultRemedy``) never took it."""
    from bot.services.choices import remedy_asked, return_cause

    assert return_cause(text) == cause
    assert remedy_asked(text) == remedy
