"""The checked-in model: small, versioned, up to date with its inputs, calibrated, and
reproducible from `python -m intents train`."""

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from intents import IntentEngine, IntentModel, ModelError
from intents.model import DEFAULT_MODEL_PATH, FORMAT_VERSION

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def model() -> IntentModel:
    return IntentModel.load()


def test_the_artefact_is_small_and_knows_the_catalogue(model, lexical):
    assert DEFAULT_MODEL_PATH.stat().st_size < 1_500_000
    assert model.meta["format"] == FORMAT_VERSION
    assert sorted(model.intents) == sorted(lexical.catalog.ids)
    assert len(model.version) == 12


def test_the_artefact_is_up_to_date_with_its_inputs(model):
    """Every file it was trained from is unchanged: editing the catalogue, the training data or
    the override file needs `python -m intents train` (and the new model checked in)."""
    stale = [
        name for name, digest in model.meta["inputs"].items()
        if hashlib.sha256((ROOT / name).read_bytes()).hexdigest() != digest
    ]
    assert stale == [], f"retrain: python -m intents train (changed: {stale})"
    names = set(model.meta["inputs"])
    assert not any("fresh4" in n or "fresh5" in n or "fresh6" in n for n in names)


def test_thresholds_are_ordered(model):
    t = model.thresholds
    assert 0 < t.clarify < t.accept < 1
    assert 0 <= t.cascade <= 1.01


def test_confidence_bands_hold_on_held_back_data(model):
    """Accuracy in each confidence band (intent level, held-back folds) is at least the band's
    lower edge, within sampling noise for small bands."""
    for band in model.meta["calibration"]:
        if band["n"] >= 50:
            assert band["accuracy"] >= band["low"] - 0.02, band


def test_a_broken_or_foreign_file_is_refused(tmp_path):
    with pytest.raises(ModelError, match="no model file"):
        IntentModel.load(tmp_path / "missing.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a model file"):
        IntentModel.load(bad)
    old = tmp_path / "old.npz"
    with np.load(DEFAULT_MODEL_PATH, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    meta = json.loads(str(arrays["meta"]))
    meta["format"] = 999
    arrays["meta"] = np.array(json.dumps(meta))
    np.savez(old, **arrays)
    with pytest.raises(ModelError, match="format 999"):
        IntentModel.load(old)


def test_a_model_for_other_intents_falls_back_to_the_hand_set_scorer(model, lexical, tmp_path):
    catalog = lexical.catalog
    fewer = catalog.model_copy(update={"intents": catalog.intents[:-1]})
    engine = IntentEngine(fewer, model=model)
    assert engine.model is None
    assert engine.match("包邮吗").source == "heuristic"


def test_save_and_load_round_trip(model, tmp_path):
    path = tmp_path / "m.npz"
    model.save(path)
    again = IntentModel.load(path)
    assert again.version == model.version and again.thresholds == model.thresholds
    assert np.allclose(again.lexical.weights, model.lexical.weights, atol=1e-6)


def test_the_lexical_head_refits_to_the_checked_in_weights(model):
    """The final lexical fit from the same inputs (seconds, no folds) gives the same vocabulary
    and, within the int8 rounding of the file, the same weights."""
    from intents.train import C_LEXICAL, fit_final, prepare

    prep = prepare()
    assert prep.vocab == dict(model.vocab)
    head = fit_final(prep, prep.x, prep.x_kw, C_LEXICAL)
    order = [prep.intents.index(i) for i in model.intents]
    weights = head.coef_.T[:, order]
    step = np.abs(weights).max(axis=0) / 127.0
    assert np.all(np.abs(weights - model.lexical.weights) <= step * 0.5 + 2e-3)


@pytest.mark.slow
@pytest.mark.timeout(900)  # folds, encoder, calibration: minutes, more beside other work
def test_the_whole_training_reproduces_the_checked_in_model(model, tmp_path):
    """`pytest -m slow`: the full command (folds, encoder, calibration) gives the same version,
    thresholds and decisions."""
    from intents.encoder import default_encoder
    from intents.train import train

    out = tmp_path / "model.npz"
    report = train(out=out, encoder=default_encoder())
    again = IntentModel.load(out)
    assert again.version == model.version
    assert again.thresholds == model.thresholds
    assert report.rows == model.meta["rows"]
