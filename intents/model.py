"""The fitted intent model: a small versioned artefact, loaded at start, run with numpy alone.

Two heads, both multinomial logistic regressions over the catalogue's intents, fitted by
``python -m intents train`` (``intents/train.py``) and calibrated by temperature scaling on
held-back folds:

* the *lexical* head reads the message's n-grams (TF-IDF, see ``features.ngrams``) and the dense
  block (the matcher's keyword, coverage and fuzzy signals per intent, slot flags, shape);
* the *semantic* head reads the lexical head's logits and the sentence encoder's vector. It runs
  only where the lexical head is not already sure (``cascade_threshold``) and only with the
  encoder it was trained with.

The artefact (``intents/data/model/intents-model.npz``) holds the weights, the vocabulary, the
thresholds chosen from the calibration, the calibration table and the metadata that ties it to
its training data (sha256 of every input file, seed, library versions). ``IntentModel.load``
checks the format version and refuses a file it cannot read instead of guessing.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

FORMAT_VERSION = 1
DEFAULT_MODEL_PATH = Path(__file__).parent / "data" / "model" / "intents-model.npz"

Floats = npt.NDArray[np.float32]


class ModelError(ValueError):
    """The model file is missing, unreadable or of another format version."""


@dataclass(frozen=True)
class Thresholds:
    """Chosen from the calibration on held-back data when the model was trained."""

    accept: float
    clarify: float
    cascade: float


@dataclass(frozen=True)
class Head:
    """One calibrated softmax layer: ``softmax((x @ weights + bias) / temperature)``."""

    weights: Floats
    bias: Floats
    temperature: float

    def logits(self, x: Floats) -> Floats:
        out: Floats = (x @ self.weights + self.bias).astype(np.float32)
        return out


@dataclass(frozen=True)
class IntentModel:
    """Weights and metadata of a fitted model (see the module doc)."""

    intents: tuple[str, ...]
    vocab: Mapping[str, int]
    idf: Floats
    dense_mean: Floats
    dense_scale: Floats
    lexical_sparse: Floats          # (len(vocab), n_intents)
    lexical_dense: Floats           # (n_dense, n_intents)
    lexical_bias: Floats
    lexical_temperature: float
    semantic: Head | None
    encoder: str | None
    thresholds: Thresholds
    meta: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ inference

    def lexical_logits(self, grams: Sequence[str], dense_row: Sequence[float]) -> Floats:
        """Raw (uncalibrated) logits of the lexical head for one message."""
        counts: dict[int, int] = {}
        vocab = self.vocab
        for g in grams:
            j = vocab.get(g)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        z = self.lexical_bias.copy()
        if counts:
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            vals = (1.0 + np.log(tf)) * self.idf[idx]
            norm = float(np.sqrt(vals @ vals))
            if norm > 0:
                z += (vals / norm) @ self.lexical_sparse[idx]
        d = (np.asarray(dense_row, dtype=np.float32) - self.dense_mean) / self.dense_scale
        z += d @ self.lexical_dense
        return z.astype(np.float32)

    def semantic_logits(self, lexical: Floats, vector: Floats) -> Floats:
        if self.semantic is None:
            raise ModelError("this model has no semantic head")
        x = np.concatenate([lexical, vector.astype(np.float32)])
        return self.semantic.logits(x)

    def lexical_proba(self, lexical: Floats) -> Floats:
        return softmax(lexical / self.lexical_temperature)

    def semantic_proba(self, logits: Floats) -> Floats:
        assert self.semantic is not None
        return softmax(logits / self.semantic.temperature)

    # ------------------------------------------------------------------ file

    @classmethod
    def load(cls, path: str | Path | None = None) -> IntentModel:
        p = Path(path) if path is not None else DEFAULT_MODEL_PATH
        try:
            with np.load(p, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except FileNotFoundError as exc:
            raise ModelError(f"{p}: no model file (run `python -m intents train`)") from exc
        except (OSError, ValueError) as exc:
            raise ModelError(f"{p}: not a model file: {exc}") from exc
        try:
            meta = json.loads(str(arrays["meta"]))
        except (KeyError, json.JSONDecodeError) as exc:
            raise ModelError(f"{p}: model metadata missing or broken") from exc
        if meta.get("format") != FORMAT_VERSION:
            raise ModelError(
                f"{p}: model format {meta.get('format')!r}, this engine reads {FORMAT_VERSION}"
            )
        try:
            vocab_list = str(arrays["vocab"]).split("\n") if str(arrays["vocab"]) else []
            semantic = None
            if "semantic_weights" in arrays:
                semantic = Head(
                    weights=arrays["semantic_weights"].astype(np.float32),
                    bias=arrays["semantic_bias"].astype(np.float32),
                    temperature=float(meta["semantic_temperature"]),
                )
            t = meta["thresholds"]
            model = cls(
                intents=tuple(meta["intents"]),
                vocab={g: i for i, g in enumerate(vocab_list)},
                idf=arrays["idf"].astype(np.float32),
                dense_mean=arrays["dense_mean"].astype(np.float32),
                dense_scale=arrays["dense_scale"].astype(np.float32),
                lexical_sparse=arrays["lexical_sparse"].astype(np.float32),
                lexical_dense=arrays["lexical_dense"].astype(np.float32),
                lexical_bias=arrays["lexical_bias"].astype(np.float32),
                lexical_temperature=float(meta["lexical_temperature"]),
                semantic=semantic,
                encoder=meta.get("encoder"),
                thresholds=Thresholds(
                    accept=float(t["accept"]), clarify=float(t["clarify"]),
                    cascade=float(t["cascade"]),
                ),
                meta=meta,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"{p}: model file incomplete: {exc}") from exc
        n = len(model.intents)
        if model.lexical_sparse.shape != (len(vocab_list), n) or model.lexical_bias.shape != (n,):
            raise ModelError(f"{p}: weight shapes do not match the vocabulary and intents")
        return model

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(self.meta)
        meta.update(
            format=FORMAT_VERSION,
            intents=list(self.intents),
            encoder=self.encoder,
            lexical_temperature=self.lexical_temperature,
            thresholds={
                "accept": self.thresholds.accept, "clarify": self.thresholds.clarify,
                "cascade": self.thresholds.cascade,
            },
        )
        vocab_list = sorted(self.vocab, key=self.vocab.__getitem__)
        arrays: dict[str, Any] = {
            "meta": np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True)),
            "vocab": np.array("\n".join(vocab_list)),
            "idf": self.idf.astype(np.float32),
            "dense_mean": self.dense_mean.astype(np.float32),
            "dense_scale": self.dense_scale.astype(np.float32),
            # weights as float16: a tenth of a percent of precision, half the file
            "lexical_sparse": self.lexical_sparse.astype(np.float16),
            "lexical_dense": self.lexical_dense.astype(np.float16),
            "lexical_bias": self.lexical_bias.astype(np.float32),
        }
        if self.semantic is not None:
            meta["semantic_temperature"] = self.semantic.temperature
            arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
            arrays["semantic_weights"] = self.semantic.weights.astype(np.float16)
            arrays["semantic_bias"] = self.semantic.bias.astype(np.float32)
        tmp = p.with_name(p.name + ".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(p)  # readers (a reloading bot) never see half a file

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "?"))


def softmax(z: Floats) -> Floats:
    m = float(np.max(z)) if z.size else 0.0
    e = np.exp(z - m)
    out: Floats = (e / e.sum()).astype(np.float32)
    return out


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
