"""The near-tie finder (``pytest --encoder-noise``) moves vectors as it says it does."""

import numpy as np

from tests.support.encoder_noise import nudged


def _unit_rows(n: int, dim: int) -> np.ndarray:
    rows = np.random.default_rng(7).standard_normal((n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_nudge_keeps_unit_length_and_moves_each_row_about_eps():
    rows = _unit_rows(3, 384)
    out = nudged(rows, ["在吗", "where is my order", "\ud800x"], 0.02, "1")
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0, atol=1e-5)
    moved = np.linalg.norm(out - rows, axis=1)
    assert np.all((moved > 0.01) & (moved < 0.03)), moved
    assert np.array_equal(rows, _unit_rows(3, 384))  # the encoder's array is not changed


def test_a_nudge_is_the_same_for_a_text_and_seed_and_differs_by_seed():
    rows = _unit_rows(1, 384)
    first = nudged(rows, ["发什么快递"], 0.02, "1")
    assert np.array_equal(first, nudged(rows, ["发什么快递"], 0.02, "1"))
    assert not np.allclose(first, nudged(rows, ["发什么快递"], 0.02, "2"))
    assert not np.allclose(first, nudged(rows, ["发什么快递?"], 0.02, "1"))
