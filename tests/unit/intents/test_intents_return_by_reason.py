"""A return asked for beside its reason: the model reads the size or the colour difference the
reason names ("腰太大了", "too tight", "和图片差太多"), and the return she asked for in the same
breath was answered with the size chart's advice or the colour statement. The rule is
``engine._return_by_reason``; the sentences are our own."""

from __future__ import annotations

import pytest

from .conftest import full_engine


@pytest.mark.parametrize(
    "text",
    [
        "裤子腰围大了一圈 退了吧",  # size.fit
        "这件衬衫袖子太长 我想退掉",  # size.fit
        "外套颜色跟图片差好多 我要退货",  # color.difference
        "i want to return the skirt, it's way too tight on me",  # size.fit
        "the shade is nothing like your photos, i'd like to return it",  # color.difference
    ],
)
def test_a_return_asked_beside_its_reason_is_the_return(text):
    d = full_engine().match(text)
    assert (d.intent, d.outcome) == ("returns.return", "accept"), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("这条裤子偏大吗", "size.fit"),  # the fit asked: no return in it
        ("会不会有色差啊", "color.difference"),
        ("does this run small? should i size up", "size.fit"),
    ],
)
def test_the_fit_and_the_colour_asked_alone_stay(text, intent):
    assert full_engine().match(text).intent == intent


def test_a_parcel_that_never_came_is_not_a_return_by_the_rule():
    """Money back for a parcel still on its way is not a return of it (the rule left alone)."""
    d = full_engine().match(
        "my coat has been in transit for three weeks, think it's lost. want my money back"
    )
    assert not (d.intent == "returns.return" and d.outcome == "accept"), d
