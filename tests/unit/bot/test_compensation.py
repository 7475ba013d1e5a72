"""Compensation asked for in place of a return (``bot.handlers.compensation``): only with the
return declined in the message, or right after a fault was told — haggling is not this."""

from __future__ import annotations

import pytest

from bot.handlers.compensation import compensation_asked


@pytest.mark.parametrize(
    ("text", "after_fault", "asked"),
    [
        ("我不想退 能不能补偿点", False, True),
        ("不退货的话能给点补偿吗", False, True),
        ("can i keep it and get a partial refund instead of returning", False, True),
        ("i'd rather keep them, can you refund part of it", False, True),
        ("能不能补偿点", True, True),  # a fault told a message or two before
        ("can you give me some compensation", True, True),
        # haggling, or compensation with nothing gone wrong and the return not declined
        ("能不能补偿点", False, False),
        ("能不能便宜点", True, False),
        ("我想退货", True, False),
        ("i want a refund", True, False),
    ],
)
def test_compensation_asked(text: str, after_fault: bool, asked: bool) -> None:
    assert compensation_asked(text, fault_just_told=after_fault) is asked
