"""The quality said to be fine, and the size, the swap or the return the real subject
(``engine._quality_fine``): found in a console round, where "质量挺好的就是小了" after an
exchange refused for its window got the apology for a defective item and a quality ticket.

Every sentence is our own; the comment says how the engine read it before the rule.
"""

from __future__ import annotations

import pytest

from intents.engine import _quality_fine

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("质量挺好的就是小了", "size.fit"),  # quality.problem, sure
        ("质量没问题 就是码小了", "size.fit"),  # quality.problem, sure
        ("不是质量问题 是尺码问题", "size.fit"),  # quality.problem
        ("做工没问题就是太大了", "size.fit"),  # size.fit, unsure ("did you mean")
        ("面料很好 只是穿着有点紧", "size.fit"),
        ("质量都挺好的 就是短了点 能换长一点的吗", "returns.exchange"),
        ("不是质量问题 我就是不想要了 能退吗", "returns.return"),
        ("nothing wrong with it, just too big, can i swap for a M", "returns.exchange"),
        ("the material is great but it doesnt fit, can i return it", "returns.return"),
    ],
)
def test_quality_said_fine(text, intent):
    d = full_engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept"), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("质量有问题", "quality.problem"),  # a defect reported
        ("衣服开线了 质量太差", "quality.problem"),
        ("质量好吗 会不会起球", "quality.material"),  # the quality asked, not praised
        ("质量还可以吗 洗了会不会缩水", "quality.material"),
    ],
)
def test_a_defect_or_a_question_is_left(text, intent):
    assert full_engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("current", "text", "expected"),
    [
        ("quality.problem", "质量挺好的就是小了", "size.fit"),
        ("quality.problem", "质量挺好的", None),  # praise alone: nothing else to read
        ("quality.problem", "质量好吗 小了能换吗", None),  # asked, not said
        ("complaint.general", "质量没问题 就是码小了", None),  # only a defect (or the fit) read
        ("size.fit", "it's not a quality issue, it's too tight", "size.fit"),
        ("quality.problem", "quality is fine, can i exchange it for a bigger one",
         "returns.exchange"),
    ],
)
def test_rule_alone(current, text, expected):
    assert _quality_fine(current, text.lower(), text.lower()) == expected
