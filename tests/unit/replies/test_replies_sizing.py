from __future__ import annotations

import pytest
from pydantic import ValidationError

from replies.render import Replies
from replies.sizing import SizeChart, SizeRow, recommend_size


def _row(size: str, h: tuple[int, int], w: tuple[float, float], chest: float) -> SizeRow:
    return SizeRow(size=size, height_min=h[0], height_max=h[1], weight_min_kg=w[0],
                   weight_max_kg=w[1], chest_cm=chest, length_cm=None)


@pytest.fixture
def chart() -> SizeChart:
    return SizeChart(rows=[
        _row("S", (150, 159), (40, 49), 88),
        _row("M", (160, 169), (50, 59), 92),
        _row("L", (170, 179), (60, 69), 96),
        _row("XL", (180, 189), (70, 79), 100),
    ])


def test_exact_fit(chart: SizeChart) -> None:
    advice = recommend_size(chart, 165, 55.0, None)
    assert (advice.kind, advice.size, advice.alternatives) == ("exact", "M", [])


def test_exact_fit_with_a_loose_preference_mentions_the_next_size(chart: SizeChart) -> None:
    advice = recommend_size(chart, 165, 55.0, "loose")
    assert (advice.kind, advice.size, advice.alternatives) == ("exact", "M", ["L"])
    tight = recommend_size(chart, 165, 55.0, "tight")
    assert tight.alternatives == ["S"]


def test_height_says_m_weight_says_l_is_between(chart: SizeChart) -> None:
    advice = recommend_size(chart, 165, 64.0, None)
    assert advice.kind == "between"
    assert advice.size is None
    assert advice.alternatives == ["M", "L"]
    assert advice.reason == "height_weight_differ"


def test_fit_preference_picks_one_side(chart: SizeChart) -> None:
    assert recommend_size(chart, 165, 64.0, "loose").size == "L"
    assert recommend_size(chart, 165, 64.0, "tight").size == "M"
    assert recommend_size(chart, 165, 64.0, "regular").size is None


def test_value_in_a_gap_between_rows(chart: SizeChart) -> None:
    advice = recommend_size(chart, 175, 59.5, None)  # weight between M (≤59) and L (≥60)
    assert advice.kind == "exact" and advice.size == "L"
    gap = recommend_size(chart, 165, 49.5, None)  # height M, weight between S and M
    assert gap.kind == "exact" and gap.size == "M"


def test_beyond_the_chart_is_out_of_range(chart: SizeChart) -> None:
    tall = recommend_size(chart, 195, 75.0, None)
    assert (tall.kind, tall.reason, tall.direction) == ("out_of_range", "height_out_of_range",
                                                        "above")
    light = recommend_size(chart, 165, 35.0, None)
    assert (light.kind, light.reason, light.direction) == ("out_of_range", "weight_out_of_range",
                                                           "below")
    assert light.size is None


def test_missing_numbers_ask_for_more(chart: SizeChart) -> None:
    assert recommend_size(chart, 165, None, None).reason == "need_weight"
    assert recommend_size(chart, None, 55.0, None).reason == "need_height"
    nothing = recommend_size(chart, None, None, "loose")
    assert (nothing.kind, nothing.reason) == ("need_more", "need_height_weight")


def test_impossible_numbers_are_asked_again(chart: SizeChart) -> None:
    assert recommend_size(chart, 2, 55.0, None).reason == "implausible"  # metres, not cm
    assert recommend_size(chart, 165, 550.0, None).reason == "implausible"


def test_bad_chart_is_refused() -> None:
    with pytest.raises(ValidationError, match="height_max"):
        _row("M", (170, 160), (50, 59), 92)
    with pytest.raises(ValidationError, match="twice"):
        SizeChart(rows=[_row("M", (160, 169), (50, 59), 92)] * 2)
    with pytest.raises(ValidationError):
        SizeChart(rows=[])


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_rendered_advice_mentions_sizes_and_tolerance(
    replies: Replies, chart: SizeChart, locale: str
) -> None:
    tolerance = "1–3 cm"
    exact = replies.render_size_advice(recommend_size(chart, 165, 55.0, None), locale)
    assert "<b>M</b>" in exact and tolerance in exact
    between = replies.render_size_advice(recommend_size(chart, 165, 64.0, None), locale)
    assert "M" in between and "L" in between and tolerance in between
    chosen = replies.render_size_advice(recommend_size(chart, 165, 64.0, "loose"), locale)
    assert "<b>L</b>" in chosen
    out = replies.render_size_advice(recommend_size(chart, 195, 75.0, None), locale)
    assert ("人工" in out) if locale == "zh_CN" else ("colleague" in out)
    more = replies.render_size_advice(recommend_size(chart, 165, None, None), locale)
    assert ("体重" in more) if locale == "zh_CN" else ("weight" in more)


def test_rendered_chart(replies: Replies, chart: SizeChart) -> None:
    text = replies.render_size_chart(chart, "en")
    assert "M: 160–169 / 50–59 / 92 / –" in text
    assert "1–3 cm" in text
