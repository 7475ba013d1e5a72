from __future__ import annotations

import pytest
from pydantic import ValidationError

from replies.render import Replies
from replies.sizing import SizeChart, SizeRow, recommend_by_measurements, recommend_size


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


def test_rendered_chart_shows_only_the_measurements_it_has(
    replies: Replies, chart: SizeChart
) -> None:
    text = replies.render_size_chart(chart, "en")
    assert "(height cm / weight kg / chest cm)" in text
    assert "M: 160–169 / 50–59 / 92\n" in text
    assert "1–3 cm" in text


def _measured(size: str, **cm: float) -> SizeRow:
    height, weight = {"S": ((150, 157), (40, 47.5)), "M": ((158, 164), (47.5, 55)),
                      "L": ((165, 171), (55, 62.5))}[size]
    return SizeRow(size=size, height_min=height[0], height_max=height[1],
                   weight_min_kg=weight[0], weight_max_kg=weight[1],
                   **{f"{name}_cm": value for name, value in cm.items()})


def test_trousers_chart_has_waist_hip_length_inseam_and_no_chest(replies: Replies) -> None:
    chart = SizeChart(category="trousers", rows=[
        _measured("S", waist=66, hip=92, length=98, inseam=72),
        _measured("M", waist=70, hip=96, length=100, inseam=73),
    ])
    zh = replies.render_size_chart(chart, "zh_CN")
    assert "（身高 cm / 体重 kg / 腰围 cm / 臀围 cm / 裤长 cm / 内长 cm）" in zh
    assert "M：158–164 / 47.5–55 / 70 / 96 / 100 / 73" in zh
    assert "胸围" not in zh and "衣长" not in zh
    en = replies.render_size_chart(chart, "en")
    assert "(height cm / weight kg / waist cm / hip cm / length cm / inseam cm)" in en
    # Size advice reads the body ranges, whatever the garment measurements are.
    assert recommend_size(chart, 160, 50.0, None).size == "M"


@pytest.mark.parametrize(
    ("category", "cm", "zh_columns", "en_columns"),
    [
        ("tops", {"chest": 100, "length": 66, "shoulder": 44},
         "胸围 cm / 肩宽 cm / 衣长 cm", "chest cm / shoulder cm / length cm"),
        ("dresses", {"chest": 88, "waist": 70, "length": 112},
         "胸围 cm / 腰围 cm / 裙长 cm", "chest cm / waist cm / length cm"),
        ("skirts", {"waist": 68, "hip": 94, "length": 61},
         "腰围 cm / 臀围 cm / 裙长 cm", "waist cm / hip cm / length cm"),
        ("outerwear", {"chest": 104, "shoulder": 43.5, "sleeve": 59, "length": 64},
         "胸围 cm / 肩宽 cm / 袖长 cm / 衣长 cm", "chest cm / shoulder cm / sleeve cm / length cm"),
    ],
)
def test_each_category_renders_its_own_columns(
    replies: Replies, category: str, cm: dict[str, float], zh_columns: str, en_columns: str
) -> None:
    chart = SizeChart(category=category, rows=[_measured("M", **cm)])
    assert f"（身高 cm / 体重 kg / {zh_columns}）" in replies.render_size_chart(chart, "zh_CN")
    assert f"(height cm / weight kg / {en_columns})" in replies.render_size_chart(chart, "en")


def test_rows_with_different_measurements_are_refused() -> None:
    with pytest.raises(ValidationError, match="other measurements"):
        SizeChart(rows=[_measured("S", waist=66, hip=92), _measured("M", chest=96, hip=96)])


@pytest.fixture
def trousers() -> SizeChart:
    sizes = ("S", "M", "L", "XL")
    return SizeChart(
        rows=[
            SizeRow(size=s, height_min=150 + 7 * i, height_max=156 + 7 * i,
                    weight_min_kg=40 + 7 * i, weight_max_kg=46 + 7 * i,
                    waist_cm=66 + 4 * i, hip_cm=92 + 4 * i, length_cm=98 + 2 * i)
            for i, s in enumerate(sizes)
        ],
        category="trousers",
    )


def test_a_measured_waist_picks_the_smallest_size_it_fits(trousers: SizeChart) -> None:
    advice = recommend_by_measurements(trousers, 73.3, None)  # 二尺二
    assert (advice.kind, advice.size, advice.basis) == ("exact", "L", "measured")
    assert recommend_by_measurements(trousers, 75.0, None).size == "L"  # a cm of give
    assert recommend_by_measurements(trousers, 75.5, None).size == "XL"


def test_the_hip_can_ask_for_the_larger_size(trousers: SizeChart) -> None:
    assert recommend_by_measurements(trousers, 68.0, None).size == "M"
    assert recommend_by_measurements(trousers, 68.0, 99.0).size == "L"  # hips need L
    loose = recommend_by_measurements(trousers, 68.0, None, "loose")
    assert loose.alternatives == ["L"]
    assert recommend_by_measurements(trousers, 68.0, None, "tight").alternatives == []


def test_a_measurement_outside_the_chart_or_a_chart_without_it(
    trousers: SizeChart, chart: SizeChart
) -> None:
    big = recommend_by_measurements(trousers, 90.0, None)
    assert (big.kind, big.reason, big.direction) == ("out_of_range", "waist_out_of_range", "above")
    small = recommend_by_measurements(trousers, 52.0, None)
    assert (small.kind, small.direction) == ("out_of_range", "below")
    # a top's chart has no waist: height and weight decide
    assert recommend_by_measurements(chart, 70.0, None).kind == "need_more"


def test_measured_advice_names_both_measurements(trousers: SizeChart, replies: Replies) -> None:
    advice = recommend_by_measurements(trousers, 74.0, 96.0)
    zh = replies.render_size_advice(advice, "zh_CN", trousers)
    assert zh.startswith(
        "按您的腰围 74 cm、臀围 96 cm，建议选 <b>L</b> 码（这件 L 码腰围 74 cm、臀围 100 cm）"
    )
    en = replies.render_size_advice(advice, "en", trousers)
    assert "waist 74 cm and hips 96 cm" in en and "size <b>L</b>" in en
    out = replies.render_size_advice(recommend_by_measurements(trousers, 90.0, None), "zh_CN")
    assert "腰围超出" in out


@pytest.fixture
def dresses() -> SizeChart:
    return SizeChart(
        rows=[_measured("S", chest=84, waist=66), _measured("M", chest=88, waist=70),
              _measured("L", chest=92, waist=74)],
        category="dresses",
    )


def test_a_measured_bust_picks_the_smallest_chest_with_room(dresses: SizeChart) -> None:
    advice = recommend_by_measurements(dresses, None, None, bust_cm=82.0)
    assert (advice.kind, advice.size, advice.bust_cm) == ("exact", "S", 82.0)
    assert recommend_by_measurements(dresses, None, None, bust_cm=86.0).size == "M"  # 84 pulls
    # the bust and the waist pointing at different sizes: the larger
    assert recommend_by_measurements(dresses, 68.0, None, bust_cm=89.0).size == "L"
    too_big = recommend_by_measurements(dresses, None, None, bust_cm=95.0)
    assert (too_big.kind, too_big.reason, too_big.direction) == (
        "out_of_range", "bust_out_of_range", "above"
    )


def test_measured_advice_names_the_bust_and_the_garments_chest(
    replies: Replies, dresses: SizeChart
) -> None:
    advice = recommend_by_measurements(dresses, 70.0, None, bust_cm=86.0)
    text = replies.render_size_advice(advice, "en", dresses)
    assert text.startswith("Going by your bust 86 cm and waist 70 cm, size <b>M</b> is the one")
    assert "chest 88 cm" in text
    zh = replies.render_size_advice(advice, "zh_CN", dresses)
    assert "按您的胸围 86 cm" in zh and "胸围 88 cm" in zh
    out = recommend_by_measurements(dresses, None, None, bust_cm=110.0)
    assert "bust" in replies.render_size_advice(out, "en", dresses)
