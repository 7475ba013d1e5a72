"""The fitted intent model: a small versioned artefact, loaded at start, run with numpy alone.

Two heads, both multinomial logistic regressions over the catalogue's intents, fitted by
``python -m intents train`` (``intents/train.py``) and calibrated by temperature scaling on
held-back folds:

* the *lexical* head reads the message's n-grams (TF-IDF, see ``features.ngrams``);
* the *semantic* head reads the same n-grams and the sentence encoder's vector. It runs only
  where the lexical head is not already sure (``Thresholds.cascade``) and only with the encoder
  it was trained with.

The artefact (``intents/data/model/intents-model.npz``) holds the weights, the vocabulary, the
thresholds chosen from the calibration, the calibration table and the metadata that ties it to
its training data (sha256 of every input file, seed, library versions). ``IntentModel.load``
checks the format version and refuses a file it cannot read instead of guessing.
"""

from __future__ import annotations

import json
import math
from collections import Counter
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
    """One calibrated softmax layer over the intents: logits = features @ weights + bias, then
    ``softmax(logits / temperature)``."""

    weights: Floats
    bias: Floats
    temperature: float


@dataclass(frozen=True)
class IntentModel:
    """Weights and metadata of a fitted model (see the module doc).

    ``lexical.weights`` has one row per vocabulary n-gram; ``semantic.weights`` one row per
    n-gram and then one per dimension of the sentence vector (scaled by ``vector_scale``)."""

    intents: tuple[str, ...]
    vocab: Mapping[str, int]
    idf: Floats
    lexical: Head
    semantic: Head | None
    vector_scale: float
    encoder: str | None
    thresholds: Thresholds
    meta: dict[str, Any] = field(default_factory=dict)

    # ------------------------------------------------------------------ inference

    def tfidf(self, grams: Sequence[str]) -> tuple[npt.NDArray[np.int64], Floats]:
        """The message's non-zero TF-IDF features: (vocabulary indices, L2-normalised values)."""
        known = [j for j in map(self.vocab.get, grams) if j is not None]
        if not known:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        if len(set(known)) == len(known):  # each once (most messages): 1 + log(1) is exactly 1
            idx = np.array(known, dtype=np.int64)
            vals = self.idf[idx]
        else:
            counts = Counter(known)  # in the order first seen
            idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            tf = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
            # float32 already (numpy keeps the arrays' type): the astype tells the type checker
            vals = ((1.0 + np.log(tf)) * self.idf[idx]).astype(np.float32, copy=False)
        norm = float(np.sqrt(vals @ vals))
        return idx, (vals / norm if norm > 0 else vals).astype(np.float32, copy=False)

    def lexical_logits(self, idx: npt.NDArray[np.int64], vals: Floats) -> Floats:
        z = self.lexical.bias.copy()
        if idx.size:
            z += vals @ self.lexical.weights.take(idx, axis=0)  # the rows: take is cheaper
        return z

    def semantic_logits(
        self, idx: npt.NDArray[np.int64], vals: Floats, vector: Floats
    ) -> Floats:
        head = self.semantic
        if head is None:
            raise ModelError("this model has no semantic head")
        n = len(self.vocab)
        z = head.bias.copy()
        if idx.size:
            z += vals @ head.weights[idx]
        z += (np.asarray(vector, dtype=np.float32) * self.vector_scale) @ head.weights[n:]
        return z

    @staticmethod
    def proba(head: Head, logits: Floats) -> Floats:
        return softmax(logits / head.temperature)

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
            vocab_text = str(arrays["vocab"])
            vocab_list = vocab_text.split("\n") if vocab_text else []
            semantic = None
            if "semantic_weights" in arrays:
                semantic = Head(
                    weights=_dequantise(arrays["semantic_weights"], arrays["semantic_scale"]),
                    bias=arrays["semantic_bias"].astype(np.float32),
                    temperature=float(meta["semantic_temperature"]),
                )
            t = meta["thresholds"]
            model = cls(
                intents=tuple(meta["intents"]),
                vocab={g: i for i, g in enumerate(vocab_list)},
                idf=arrays["idf"].astype(np.float32),
                lexical=Head(
                    weights=_dequantise(arrays["lexical_weights"], arrays["lexical_scale"]),
                    bias=arrays["lexical_bias"].astype(np.float32),
                    temperature=float(meta["lexical_temperature"]),
                ),
                semantic=semantic,
                vector_scale=float(meta.get("vector_scale", 1.0)),
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
        if model.lexical.weights.shape != (len(vocab_list), n) or model.idf.shape != (
            len(vocab_list),
        ):
            raise ModelError(f"{p}: weight shapes do not match the vocabulary and intents")
        if semantic is not None and semantic.weights.shape[0] <= len(vocab_list):
            raise ModelError(f"{p}: semantic weights have no rows for the sentence vector")
        return model

    def save(self, path: str | Path) -> None:
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        meta = dict(self.meta)
        meta.update(
            format=FORMAT_VERSION,
            intents=list(self.intents),
            encoder=self.encoder,
            vector_scale=self.vector_scale,
            lexical_temperature=self.lexical.temperature,
            thresholds={
                "accept": self.thresholds.accept, "clarify": self.thresholds.clarify,
                "cascade": self.thresholds.cascade,
            },
        )
        vocab_list = sorted(self.vocab, key=self.vocab.__getitem__)
        lw, ls = _quantise(self.lexical.weights)
        arrays: dict[str, Any] = {
            "vocab": np.array("\n".join(vocab_list)),
            "idf": self.idf.astype(np.float32),
            "lexical_weights": lw,
            "lexical_scale": ls,
            "lexical_bias": self.lexical.bias.astype(np.float32),
        }
        if self.semantic is not None:
            meta["semantic_temperature"] = self.semantic.temperature
            sw, ss = _quantise(self.semantic.weights)
            arrays["semantic_weights"] = sw
            arrays["semantic_scale"] = ss
            arrays["semantic_bias"] = self.semantic.bias.astype(np.float32)
        arrays["meta"] = np.array(json.dumps(meta, ensure_ascii=False, sort_keys=True))
        tmp = p.with_name(p.name + ".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(p)  # readers (a reloading bot) never see half a file

    @property
    def version(self) -> str:
        return str(self.meta.get("version", "?"))


def _quantise(weights: Floats) -> tuple[npt.NDArray[np.int8], Floats]:
    """int8 weights with one scale per intent column: a quarter of the file of float32, and the
    rounding (at most half a step of max|w|/127 per weight) moves no decision we measured."""
    w = np.asarray(weights, dtype=np.float32)
    scale = np.abs(w).max(axis=0) / 127.0
    scale[scale == 0] = 1.0
    return np.round(w / scale).astype(np.int8), scale.astype(np.float32)


def _dequantise(q: npt.NDArray[Any], scale: npt.NDArray[Any]) -> Floats:
    out: Floats = q.astype(np.float32) * scale.astype(np.float32)
    return out


def softmax(z: Floats) -> Floats:
    m = float(z.max()) if z.size else 0.0
    e = np.exp(z - m)
    out: Floats = (e / e.sum()).astype(np.float32, copy=False)
    return out


def logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))
