"""A company's name typed alone (``bot.flows.invoice.title_alone``, ``InvoiceDraft.read``)."""

from __future__ import annotations

import pytest

from bot.flows.invoice import InvoiceDraft, title_alone


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
