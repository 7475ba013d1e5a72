"""Pure size recommendation against one product's size chart.

The bot converts the bus contract's chart into :class:`SizeChart`; :func:`recommend_size`
compares the customer's height and weight with each row's ranges. Height decides length,
weight decides girth: when they point at different sizes the advice is "between", and a fit
preference (loose / tight) picks one of the two. :func:`recommend_by_measurements` goes by the
waist and hip the customer measured, against the garment's own (trousers, skirts: a waist is how
they are bought, "二尺二", "28寸").
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from shop.enums import MEASUREMENTS, Measurement, ProductCategory

Fit = Literal["loose", "tight", "regular"]
AdviceKind = Literal["exact", "between", "out_of_range", "need_more"]
AdviceReason = Literal[
    "fits",  # height and weight both fall in one row
    "fits_several",  # overlapping rows: both fit
    "height_weight_differ",  # height points at one size, weight at another
    "in_gap",  # a value falls between two rows of the chart
    "height_out_of_range",
    "weight_out_of_range",
    "need_height",
    "need_weight",
    "need_height_weight",
    "implausible",  # numbers no person has: ask again
    "fits_measured",  # the waist / hip fit a row's garment measurements
    "waist_out_of_range",
    "hip_out_of_range",
    "bust_out_of_range",
]
Basis = Literal["body", "measured"]

# Outside these the numbers are a typo or a unit mix-up (metres, 斤), not a body.
_HEIGHT_CM = (50, 250)
_WEIGHT_KG = (15.0, 250.0)


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# Garment measurements (``shop.enums.MEASUREMENTS``, in the order a chart shows them). A chart
# carries those of its category (``shop.enums.CATEGORY_MEASUREMENTS``); the worker's contract
# checks which, this module shows whatever the chart has.


class SizeRow(_Model):
    size: str = Field(min_length=1)
    height_min: int = Field(gt=0)
    height_max: int = Field(gt=0)
    weight_min_kg: float = Field(gt=0)
    weight_max_kg: float = Field(gt=0)
    chest_cm: float | None = Field(default=None, gt=0)
    waist_cm: float | None = Field(default=None, gt=0)
    hip_cm: float | None = Field(default=None, gt=0)
    shoulder_cm: float | None = Field(default=None, gt=0)
    sleeve_cm: float | None = Field(default=None, gt=0)
    length_cm: float | None = Field(default=None, gt=0)
    inseam_cm: float | None = Field(default=None, gt=0)

    @property
    def measurements(self) -> dict[Measurement, float]:
        return {name: value for name in MEASUREMENTS if (value := getattr(self, name)) is not None}

    @model_validator(mode="after")
    def _ranges(self) -> SizeRow:
        if self.height_max < self.height_min:
            raise ValueError(f"size {self.size}: height_max is below height_min")
        if self.weight_max_kg < self.weight_min_kg:
            raise ValueError(f"size {self.size}: weight_max_kg is below weight_min_kg")
        return self


class SizeChart(_Model):
    """Rows from the smallest size to the largest; every row has the same measurements.
    ``category`` words the length column (衣长, 裤长, 裙长) when it is known."""

    rows: list[SizeRow] = Field(min_length=1)
    category: ProductCategory | None = None

    @model_validator(mode="after")
    def _unique_sizes(self) -> SizeChart:
        names = [r.size for r in self.rows]
        if len(set(names)) != len(names):
            raise ValueError("a size appears twice in the chart")
        first = set(self.rows[0].measurements)
        for row in self.rows[1:]:
            if set(row.measurements) != first:
                raise ValueError(f"size {row.size} has other measurements than size {names[0]}")
        return self

    @property
    def measurements(self) -> tuple[Measurement, ...]:
        """The chart's columns, in display order."""
        return tuple(self.rows[0].measurements)


class SizeAdvice(_Model):
    kind: AdviceKind
    size: str | None = None  # the size we suggest, when we can suggest one
    alternatives: list[str] = Field(default_factory=list)  # other sizes worth considering
    reason: AdviceReason
    fit: Fit | None = None
    direction: Literal["above", "below"] | None = None  # for out_of_range
    basis: Basis = "body"
    """What the advice went by: height and weight, or the waist / hip the customer measured."""
    waist_cm: float | None = None
    hip_cm: float | None = None
    bust_cm: float | None = None
    """The customer's own measurements the advice went by (``basis="measured"``)."""


def _matches(values: list[tuple[float, float]], x: float) -> list[int]:
    hits = [i for i, (lo, hi) in enumerate(values) if lo <= x <= hi]
    if hits:
        return hits
    # In a gap between two rows: both neighbours are candidates.
    below = [i for i, (_, hi) in enumerate(values) if hi < x]
    above = [i for i, (lo, _) in enumerate(values) if lo > x]
    if below and above:
        return [max(below, key=lambda i: values[i][1]), min(above, key=lambda i: values[i][0])]
    return []


def _strict(values: list[tuple[float, float]], x: float) -> bool:
    return any(lo <= x <= hi for lo, hi in values)


def _out_of_range(x: float, values: list[tuple[float, float]]) -> Literal["above", "below"]:
    return "above" if x > max(hi for _, hi in values) else "below"


def recommend_size(
    chart: SizeChart,
    height_cm: int | None,
    weight_kg: float | None,
    fit: str | None = None,
) -> SizeAdvice:
    """Suggest a size for a customer. Never raises for customer input: it asks instead."""
    pref: Fit | None = fit if fit in ("loose", "tight", "regular") else None  # type: ignore[assignment]
    if height_cm is None and weight_kg is None:
        return SizeAdvice(kind="need_more", reason="need_height_weight", fit=pref)
    if height_cm is None:
        return SizeAdvice(kind="need_more", reason="need_height", fit=pref)
    if weight_kg is None:
        return SizeAdvice(kind="need_more", reason="need_weight", fit=pref)
    if not (_HEIGHT_CM[0] <= height_cm <= _HEIGHT_CM[1]) or not (
        _WEIGHT_KG[0] <= weight_kg <= _WEIGHT_KG[1]
    ):
        return SizeAdvice(kind="need_more", reason="implausible", fit=pref)

    heights = [(float(r.height_min), float(r.height_max)) for r in chart.rows]
    weights = [(r.weight_min_kg, r.weight_max_kg) for r in chart.rows]
    by_height = _matches(heights, height_cm)
    by_weight = _matches(weights, weight_kg)
    if not by_height:
        return SizeAdvice(
            kind="out_of_range",
            reason="height_out_of_range",
            fit=pref,
            direction=_out_of_range(height_cm, heights),
        )
    if not by_weight:
        return SizeAdvice(
            kind="out_of_range",
            reason="weight_out_of_range",
            fit=pref,
            direction=_out_of_range(weight_kg, weights),
        )

    names = [r.size for r in chart.rows]
    both = sorted(set(by_height) & set(by_weight))
    if len(both) == 1:
        i = both[0]
        alternatives: list[str] = []
        if pref == "loose" and i + 1 < len(names):
            alternatives = [names[i + 1]]
        elif pref == "tight" and i > 0:
            alternatives = [names[i - 1]]
        return SizeAdvice(
            kind="exact", size=names[i], alternatives=alternatives, reason="fits", fit=pref
        )

    # Two or more candidate sizes: the span from the smallest to the largest candidate.
    candidates = both if len(both) > 1 else sorted({*by_height, *by_weight})
    small, large = names[min(candidates)], names[max(candidates)]
    if len(both) > 1:
        reason: AdviceReason = "fits_several"
    elif _strict(heights, height_cm) and _strict(weights, weight_kg):
        reason = "height_weight_differ"
    else:
        reason = "in_gap"
    if pref == "loose":
        chosen: str | None = large
    elif pref == "tight":
        chosen = small
    else:
        chosen = None
    return SizeAdvice(
        kind="between", size=chosen, alternatives=[small, large], reason=reason, fit=pref
    )


# A garment's waist may be this much under the body's (hand-measured flat, a little give); its
# hip never under; its chest at least a little over the bust (a garment the bust's own size
# pulls across it). A garment more than this much over the body's measurement is too big; a
# chest has more room (a T-shirt's chest is cut ten or more over the bust, an oversized one
# twenty).
_GIVE_CM = {"waist_cm": 1.0, "hip_cm": 0.0, "chest_cm": -2.0}
_TOO_BIG_CM = {"waist_cm": 8.0, "hip_cm": 8.0, "chest_cm": 24.0}
_BODY_OF = {"waist_cm": "waist", "hip_cm": "hip", "chest_cm": "bust"}
"""The chart's column → the body measure read against it (a garment's chest, the body's bust)."""


def measured_columns(chart: SizeChart) -> tuple[str, ...]:
    """The chart's columns a customer's waist, hip or bust can be read against."""
    return tuple(name for name in ("waist_cm", "hip_cm", "chest_cm") if name in chart.measurements)


def recommend_by_measurements(
    chart: SizeChart,
    waist_cm: float | None,
    hip_cm: float | None,
    fit: str | None = None,
    *,
    bust_cm: float | None = None,
) -> SizeAdvice:
    """The smallest size whose garment waist, hip and chest the customer's fit; the largest when
    they point at different sizes. A chart without those columns (a top without a chest, or a
    bust told for trousers) asks for height and weight instead."""
    pref: Fit | None = fit if fit in ("loose", "tight", "regular") else None  # type: ignore[assignment]
    measured = {"waist_cm": waist_cm, "hip_cm": hip_cm, "chest_cm": bust_cm}
    said = {"waist_cm": waist_cm, "hip_cm": hip_cm, "bust_cm": bust_cm}
    picks: list[int] = []
    for name in measured_columns(chart):
        body = measured[name]
        if body is None:
            continue
        values = [row.measurements[name] for row in chart.rows]  # type: ignore[index]
        fitting = [i for i, value in enumerate(values) if value >= body - _GIVE_CM[name]]
        reason: AdviceReason = f"{_BODY_OF[name]}_out_of_range"  # type: ignore[assignment]
        if not fitting or values[fitting[0]] - body > _TOO_BIG_CM[name]:
            return SizeAdvice(
                kind="out_of_range", reason=reason, fit=pref,
                direction="above" if not fitting else "below",
                basis="measured", **said,
            )
        picks.append(fitting[0])
    if not picks:
        return SizeAdvice(kind="need_more", reason="need_height_weight", fit=pref)
    names = [row.size for row in chart.rows]
    i = max(picks)
    # looser if liked; never a smaller one than the measurements fit
    alternatives = [names[i + 1]] if pref == "loose" and i + 1 < len(names) else []
    return SizeAdvice(
        kind="exact", size=names[i], alternatives=alternatives, reason="fits_measured", fit=pref,
        basis="measured", **said,
    )
