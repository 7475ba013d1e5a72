"""A company's name typed alone (``bot.flows.invoice.title_alone``, ``InvoiceDraft.read``)."""

from __future__ import annotations

import pytest

from bot.flows.invoice import InvoiceDraft, title_alone, title_of


@pytest.mark.parametrize(
    "text",
    ["杭州星辰服饰有限公司", "深圳市某某科技有限公司。", "星辰工作室", "Bright Star Trading Ltd",
     "Acme Inc.", "North Wind Co."],
)  # fmt: skip
def test_a_name_alone(text: str) -> None:
    assert title_alone(text)


@pytest.mark.parametrize(
    "text",
    ["公司", "公司的", "公司 谢谢", "company", "a company one", "my company", "公司抬头",
     "我要开公司发票", "公司发票能开吗", "the company invoice please"],
)  # fmt: skip
def test_not_a_name(text: str) -> None:
    assert not title_alone(text)


def test_the_name_at_the_type_question_is_the_type_and_the_title() -> None:
    draft = InvoiceDraft(order_no="KF20260001")
    assert draft.read("杭州星辰服饰有限公司", title_typed=True)
    assert (draft.title_type, draft.title) == ("company", "杭州星辰服饰有限公司")
    only_type = InvoiceDraft(order_no="KF20260001")
    assert only_type.read("公司", title_typed=True)
    assert (only_type.title_type, only_type.title) == ("company", None)


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # labels around the title go; inside it they stay (a name is never cut)
        ("Isabella Chen", "Isabella Chen"), ("Theodore Lin", "Theodore Lin"),
        ("Forrest Gump", "Forrest Gump"), ("杭州个人护理用品有限公司", "杭州个人护理用品有限公司"),
        ("Bright Star for Kids Ltd", "Bright Star for Kids Ltd"),
        ("invoice title: Isabella Chen", "Isabella Chen"), ("公司抬头 杭州星辰服饰有限公司",
         "杭州星辰服饰有限公司"), ("杭州星辰服饰有限公司 税号", "杭州星辰服饰有限公司"),
        ("个人 张三", "张三"), ("title: Li Na, personal", "Li Na"),
        # her name given as hers (it was "my Li Na")
        ("my name is Li Na", "Li Na"), ("I'm Li Na", "Li Na"), ("我叫陈思雨", "陈思雨"),
        ("名字是王芳", "王芳"),
        # a name that begins as those words do is no "I'm …"
        ("Imagine Studio Ltd", "Imagine Studio Ltd"), ("Iman Chen", "Iman Chen"),
        ("Thisbe Wu", "Thisbe Wu"),
    ],
)  # fmt: skip
def test_the_title_without_the_words_around_it(text: str, title: str) -> None:
    assert title_of(text) == title
