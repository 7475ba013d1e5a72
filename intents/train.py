"""``python -m intents train``: fit, calibrate and save the intent model.

Needs the ``train`` extra (scikit-learn, scipy); the engine itself runs with numpy alone.

Data (all labelled by us, written as customers type; none of the blind batches):

* the catalogue's examples (``intents/data/*.yaml``, intent labels);
* ``intents/data/train/*.jsonl`` (``text``, ``intent``): messages written in the style of real
  traffic, by group and intent;
* the labelled sets ``tests/data/intents_dev.jsonl`` and the fresh batches 1-3 (``text``,
  ``group``): their intent is the best-scoring intent of the labelled group under the lexical
  signals (a group label says which group; the catalogue decides which of its intents);
* the shop's override file (``intents/data/overrides.jsonl``), weighted ``OVERRIDE_WEIGHT``.

Steps (fixed seed, so the same inputs give the same model):

1. n-grams of every message (``features.py``), TF-IDF over the vocabulary of n-grams seen at
   least ``MIN_DF`` times; the catalogue's keywords join every fold's training as short
   messages of their intent (weight ``KEYWORD_WEIGHT``), never its held-back part;
2. lexical head: multinomial logistic regression on the n-grams, with out-of-fold logits
   (``FOLDS`` stratified folds) as the honest view of it;
3. semantic head (when an encoder is installed): the same on the n-grams and the sentence vector
   (times ``VECTOR_SCALE``), with its own out-of-fold logits;
4. temperature scaling of each head on its out-of-fold logits;
5. thresholds from the calibration of held-back predictions (``choose_thresholds``): cascade,
   accept and clarify;
6. the artefact with its metadata (sha256 of every input, seed, versions, calibration table).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import platform
import re
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from intents.catalog import DEFAULT_CATALOG_DIR, GROUPS, Catalog, load_catalog
from intents.encoder import SentenceEncoder
from intents.features import ngrams
from intents.matcher import IntentMatcher, MatcherConfig
from intents.model import DEFAULT_MODEL_PATH, Head, IntentModel, Thresholds, softmax
from intents.normalize import normalize
from intents.overrides import DEFAULT_OVERRIDES_PATH, load_overrides

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
TRAIN_DIR = DEFAULT_CATALOG_DIR / "train"
# the project's labelled sets that are training data (never the blind batches fresh4 and later)
LABELLED_SETS: tuple[str, ...] = (
    "tests/data/intents_dev.jsonl",
    "tests/data/intents_fresh.jsonl",
    "tests/data/intents_fresh2.jsonl",
    "tests/data/intents_fresh3.jsonl",
)
SEED = 20260
FOLDS = 5
MIN_DF = 2
C_LEXICAL = 4.0
C_SEMANTIC = 4.0
VECTOR_SCALE = 2.0
KEYWORD_WEIGHT = 0.5
OVERRIDE_WEIGHT = 4.0
EMBEDDING_CACHE = ROOT / "var" / "cache" / "intents"
# precision the accept threshold must give on held-back messages (right intent)
ACCEPT_PRECISION = 0.95
# the cascade may cost at most this much held-back accuracy against always encoding
CASCADE_TOLERANCE = 0.003
# share of clarified held-back messages whose right intent must be among the candidates
CLARIFY_HIT = 0.8
BANDS: tuple[tuple[float, float], ...] = (
    (0.0, 0.3), (0.3, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0001),
)

Floats = npt.NDArray[np.float64]


class TrainError(RuntimeError):
    """Training cannot run (a missing library, bad data)."""


@dataclass
class Row:
    text: str
    intent: str
    weight: float
    source: str


@dataclass
class TrainReport:
    rows: int
    per_source: dict[str, int]
    lexical_oof_accuracy: float
    semantic_oof_accuracy: float | None
    cascade_oof_accuracy: float
    encoder_share: float
    thresholds: Thresholds
    calibration: list[dict[str, float]]
    seconds: float
    model_path: Path
    extra: dict[str, Any] = field(default_factory=dict)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rel(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def read_rows(
    catalog: Catalog,
    matcher: IntentMatcher,
    train_files: Sequence[Path],
    labelled_files: Sequence[Path],
    overrides_path: Path | None,
) -> list[Row]:
    """Every training message with its intent (see the module doc)."""
    known = set(catalog.ids)
    rows: list[Row] = []
    seen: dict[str, str] = {}

    def add(row: Row) -> None:
        key = normalize(row.text)
        if not key:
            return
        if key in seen and row.source != "overrides":
            return  # the same message twice adds nothing but weight
        seen[key] = row.intent
        rows.append(row)

    for intent in catalog.intents:
        for example in intent.examples.all():
            add(Row(example, intent.id, 1.0, "catalogue"))
    for path in train_files:
        for lineno, obj in _jsonl(path):
            label = obj.get("intent")
            if not isinstance(label, str) or label not in known:
                raise TrainError(f"{path}:{lineno}: unknown intent {label!r}")
            group = obj.get("group")
            if group is not None and group != label.split(".")[0]:
                raise TrainError(f"{path}:{lineno}: intent {label} is not in group {group}")
            add(Row(obj["text"], label, 1.0, path.stem))
    for path in labelled_files:
        for lineno, obj in _jsonl(path):
            group = obj.get("group")
            if group not in GROUPS:
                raise TrainError(f"{path}:{lineno}: unknown group {group!r}")
            add(Row(obj["text"], _intent_in_group(matcher, obj["text"], group), 1.0, path.stem))
    if overrides_path is not None:
        for o in load_overrides(overrides_path):
            if o.intent in known:
                add(Row(o.text, o.intent, OVERRIDE_WEIGHT, "overrides"))
    return rows


def _jsonl(path: Path) -> list[tuple[int, dict[str, Any]]]:
    out = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TrainError(f"{path}:{lineno}: not JSON: {exc.msg}") from exc
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise TrainError(f"{path}:{lineno}: expected an object with a string 'text'")
        out.append((lineno, obj))
    return out


def _intent_in_group(matcher: IntentMatcher, text: str, group: str) -> str:
    """The labelled group's intent that the lexical signals score best (its first intent when
    none has evidence)."""
    members = [i for i, intent in enumerate(matcher.intents) if intent.group == group]
    if len(members) == 1:
        return matcher.intents[members[0]].id
    _, sig = matcher.analyse(normalize(text))
    scored = matcher.heuristic_rank({i: s for i, s in sig.items() if i in members})
    best = scored[0][0] if scored else members[0]
    return matcher.intents[best].id


_PAIR_SEP = re.compile(r"\s*(?:…|\.\.\.)\s*")


def keyword_rows(catalog: Catalog) -> list[Row]:
    """The catalogue's keywords as short messages of their intent (a pair's parts joined by a
    space)."""
    rows = []
    for intent in catalog.intents:
        for kw in intent.keywords:
            text = " ".join(_PAIR_SEP.split(kw.text))
            if normalize(text):
                rows.append(Row(text, intent.id, KEYWORD_WEIGHT, "keywords"))
    return rows


def message_grams(matcher: IntentMatcher, texts: Sequence[str]) -> list[list[str]]:
    """The n-grams of each text, as the engine computes them."""
    return [ngrams(matcher.analyse(normalize(t))[0]) for t in texts]


def _require_sklearn() -> Any:
    try:
        import sklearn  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
        from scipy import sparse  # type: ignore[import-untyped, unused-ignore]
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise TrainError(
            "training needs scikit-learn and scipy: pip install -e '.[train]'"
        ) from exc
    return sparse


def build_vocab(grams: Sequence[Sequence[str]]) -> tuple[dict[str, int], Floats]:
    df: Counter[str] = Counter()
    for g in grams:
        df.update(set(g))
    kept = sorted(g for g, c in df.items() if c >= MIN_DF)
    vocab = {g: i for i, g in enumerate(kept)}
    n = len(grams)
    idf = np.array([math.log((1.0 + n) / (1.0 + df[g])) + 1.0 for g in kept])
    return vocab, idf


def tfidf(grams: Sequence[Sequence[str]], vocab: dict[str, int], idf: Floats) -> Any:
    """The same weighting as ``IntentModel.lexical_logits`` (sublinear tf x idf, L2 rows)."""
    sparse = _require_sklearn()
    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for g in grams:
        counts: dict[int, int] = defaultdict(int)
        for x in g:
            j = vocab.get(x)
            if j is not None:
                counts[j] += 1
        vals = {j: (1.0 + math.log(c)) * idf[j] for j, c in counts.items()}
        norm = math.sqrt(sum(v * v for v in vals.values())) or 1.0
        for j in sorted(vals):
            indices.append(j)
            data.append(vals[j] / norm)
        indptr.append(len(indices))
    return sparse.csr_matrix((data, indices, indptr), shape=(len(grams), len(vocab)))


def _fit_lr(x: Any, y: npt.NDArray[np.int64], w: Floats, c: float, n_classes: int) -> Any:
    from sklearn.linear_model import (  # type: ignore[import-untyped, unused-ignore]
        LogisticRegression,
    )

    clf = LogisticRegression(C=c, max_iter=2000, tol=1e-4)
    clf.fit(x, y, sample_weight=w)
    if len(clf.classes_) != n_classes:
        raise TrainError("every intent needs training messages in every fold")
    return clf


def _folds(y: npt.NDArray[np.int64]) -> list[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]]:
    from sklearn.model_selection import (  # type: ignore[import-untyped, unused-ignore]
        StratifiedKFold,
    )

    skf = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    return [(a.astype(np.int64), b.astype(np.int64)) for a, b in skf.split(np.zeros(len(y)), y)]


def fit_temperature(logits: Floats, y: npt.NDArray[np.int64]) -> float:
    """The temperature that minimises the negative log-likelihood (grid, then refine)."""
    def nll(t: float) -> float:
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-logp[np.arange(len(y)), y].mean())

    grid = np.exp(np.linspace(math.log(0.2), math.log(5.0), 81))
    best = min(grid, key=nll)
    fine = np.linspace(best * 0.95, best * 1.05, 21)
    return float(min(fine, key=nll))


def _proba(logits: Floats, t: float) -> Floats:
    return np.vstack([softmax((row / t).astype(np.float32)) for row in logits]).astype(np.float64)


def calibration_table(
    conf: Floats, correct: npt.NDArray[np.bool_]
) -> list[dict[str, float]]:
    """Accuracy per confidence band of held-back predictions."""
    out = []
    for lo, hi in BANDS:
        mask = (conf >= lo) & (conf < hi)
        n = int(mask.sum())
        out.append({
            "low": lo, "high": min(hi, 1.0), "n": n,
            "mean_confidence": float(conf[mask].mean()) if n else 0.0,
            "accuracy": float(correct[mask].mean()) if n else 0.0,
        })
    return out


def choose_thresholds(
    probs: Floats, y: npt.NDArray[np.int64], intents: Sequence[str], accept_margin: float
) -> tuple[float, float]:
    """Accept: the lowest threshold at which accepted held-back decisions are right
    ``ACCEPT_PRECISION`` of the time. Clarify: the lowest threshold at which the right intent is
    among the "did you mean" candidates (the top three) of at least ``CLARIFY_HIT`` of the
    held-back messages that would be clarified; below it a clarify would mostly offer wrong
    buttons, and the fallback ("please rephrase", a person) serves the customer better."""
    top = probs.argmax(axis=1)
    conf = probs[np.arange(len(y)), top]
    right = top == y
    other = np.array([intents[t] == "other.unknown" for t in top])
    sorted_p = np.sort(probs, axis=1)
    second = sorted_p[:, -2]
    lg = np.log(np.clip(conf, 1e-6, 1 - 1e-6) / np.clip(1 - conf, 1e-6, 1))
    lg2 = np.log(np.clip(second, 1e-6, 1 - 1e-6) / np.clip(1 - second, 1e-6, 1))
    margin_ok = (lg - lg2) >= accept_margin
    accept = 0.95
    for t in np.arange(0.30, 0.951, 0.025):
        acc = (conf >= t) & margin_ok & ~other
        if acc.sum() and right[acc].mean() >= ACCEPT_PRECISION:
            accept = float(round(t, 3))
            break
    top3 = np.argsort(-probs, axis=1)[:, :3]
    hit = (top3 == y[:, None]).any(axis=1)
    clarify = round(accept, 3)
    for t in np.arange(0.10, accept, 0.025):
        band = (conf >= t) & (conf < accept) & ~other
        if band.sum() and hit[band].mean() >= CLARIFY_HIT:
            clarify = float(round(t, 3))
            break
    return accept, clarify


def _embed(encoder: SentenceEncoder, texts: Sequence[str]) -> Floats:
    """Sentence vectors, cached on disk by text (training re-encodes only new messages)."""
    EMBEDDING_CACHE.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() else "_" for c in encoder.name)
    path = EMBEDDING_CACHE / f"embeddings-{safe}.npz"
    cache: dict[str, npt.NDArray[np.float32]] = {}
    if path.exists():
        with np.load(path, allow_pickle=False) as z:
            keys = str(z["keys"]).split("\n") if str(z["keys"]) else []
            cache = dict(zip(keys, z["vectors"], strict=True))
    keys = [hashlib.sha1(t.encode("utf-8")).hexdigest() for t in texts]
    missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in cache}.items())
    if missing:
        logger.info("encoding %d messages with %s", len(missing), encoder.name)
        for start in range(0, len(missing), 64):
            chunk = missing[start:start + 64]
            vectors = encoder.encode([t for _, t in chunk])
            for (k, _), v in zip(chunk, vectors, strict=True):
                cache[k] = v
        ordered = sorted(cache)
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez(tmp, keys=np.array("\n".join(ordered)),
                 vectors=np.vstack([cache[k] for k in ordered]).astype(np.float32))
        tmp.replace(path)
    return np.vstack([cache[k] for k in keys]).astype(np.float64)


@dataclass
class Prepared:
    """The training matrix: every message's TF-IDF row, its intent and weight; the keywords'."""

    catalog: Catalog
    intents: list[str]
    rows: list[Row]
    y: npt.NDArray[np.int64]
    w: Floats
    x: Any
    kw_rows: list[Row]
    y_kw: npt.NDArray[np.int64]
    w_kw: Floats
    x_kw: Any
    vocab: dict[str, int]
    idf: Floats
    inputs: list[Path]


def prepare(
    *,
    catalog_path: Path | None = None,
    train_files: Sequence[Path] | None = None,
    labelled_files: Sequence[Path] | None = None,
    overrides_path: Path | None = DEFAULT_OVERRIDES_PATH,
    config: MatcherConfig | None = None,
) -> Prepared:
    """Read the data and build the n-gram matrices (no fitting)."""
    _require_sklearn()
    catalog = load_catalog(catalog_path)
    if train_files is None:
        train_files = sorted(TRAIN_DIR.glob("*.jsonl"))
    if labelled_files is None:
        labelled_files = [ROOT / p for p in LABELLED_SETS if (ROOT / p).exists()]
    matcher = IntentMatcher(catalog, config or MatcherConfig())
    rows = read_rows(catalog, matcher, train_files, labelled_files, overrides_path)
    intents = list(catalog.ids)
    index = {i: k for k, i in enumerate(intents)}
    kw_rows = keyword_rows(catalog)
    logger.info("n-grams of %d messages and %d keywords", len(rows), len(kw_rows))
    grams = message_grams(matcher, [r.text for r in rows])
    kw_grams = message_grams(matcher, [r.text for r in kw_rows])
    vocab, idf = build_vocab([*grams, *kw_grams])
    cat_root = catalog_path or DEFAULT_CATALOG_DIR
    cat_files = sorted(cat_root.glob("*.yaml")) if cat_root.is_dir() else [cat_root]
    extra = [overrides_path] if overrides_path and overrides_path.exists() else []
    return Prepared(
        catalog=catalog,
        intents=intents,
        rows=rows,
        y=np.array([index[r.intent] for r in rows], dtype=np.int64),
        w=np.array([r.weight for r in rows], dtype=np.float64),
        x=tfidf(grams, vocab, idf),
        kw_rows=kw_rows,
        y_kw=np.array([index[r.intent] for r in kw_rows], dtype=np.int64),
        w_kw=np.array([r.weight for r in kw_rows], dtype=np.float64),
        x_kw=tfidf(kw_grams, vocab, idf),
        vocab=vocab,
        idf=idf,
        inputs=[*cat_files, *train_files, *labelled_files, *extra],
    )


def fit_final(prep: Prepared, x: Any, x_kw: Any, c: float) -> Any:
    """One head fitted on all the messages and the keywords."""
    sparse = _require_sklearn()
    return _fit_lr(sparse.vstack([x, x_kw]).tocsr(), np.concatenate([prep.y, prep.y_kw]),
                   np.concatenate([prep.w, prep.w_kw]), c, len(prep.intents))


def train(
    *,
    catalog_path: Path | None = None,
    train_files: Sequence[Path] | None = None,
    labelled_files: Sequence[Path] | None = None,
    overrides_path: Path | None = DEFAULT_OVERRIDES_PATH,
    out: Path = DEFAULT_MODEL_PATH,
    encoder: SentenceEncoder | None = None,
    config: MatcherConfig | None = None,
) -> TrainReport:
    """Fit, calibrate and save; see the module doc."""
    t0 = time.perf_counter()
    config = config or MatcherConfig()
    prep = prepare(catalog_path=catalog_path, train_files=train_files,
                   labelled_files=labelled_files, overrides_path=overrides_path, config=config)
    sparse = _require_sklearn()
    rows, intents, y, w = prep.rows, prep.intents, prep.y, prep.w
    vocab, idf, x_lex, x_kw = prep.vocab, prep.idf, prep.x, prep.x_kw
    y_kw, w_kw, kw_rows = prep.y_kw, prep.w_kw, prep.kw_rows
    n_classes = len(intents)
    folds = _folds(y)
    data_rows = np.array([r.source != "catalogue" for r in rows])

    def fit_heads(x: Any, xk: Any, c: float, name: str) -> tuple[Any, Floats]:
        logger.info("%s head: %d folds and the final fit", name, FOLDS)
        oof = np.zeros((len(rows), n_classes))
        for tr, te in folds:
            clf = _fit_lr(sparse.vstack([x[tr], xk]).tocsr(), np.concatenate([y[tr], y_kw]),
                          np.concatenate([w[tr], w_kw]), c, n_classes)
            oof[te] = clf.decision_function(x[te])
        return fit_final(prep, x, xk, c), oof

    lexical, oof_lex = fit_heads(x_lex, x_kw, C_LEXICAL, "lexical")
    t_lex = fit_temperature(oof_lex, y)
    p_lex = _proba(oof_lex, t_lex)

    semantic: Head | None = None
    p_final = p_lex
    p_sem_oof: Floats | None = None
    cascade = 0.0
    share = 0.0
    if encoder is not None:
        vectors = _embed(encoder, [r.text for r in rows]) * VECTOR_SCALE
        x_sem = sparse.hstack([x_lex, sparse.csr_matrix(vectors)]).tocsr()
        # a keyword has no sentence of its own: its vector part is zero
        x_kw_sem = sparse.hstack(
            [x_kw, sparse.csr_matrix((len(kw_rows), vectors.shape[1]))]
        ).tocsr()
        sem, oof_sem = fit_heads(x_sem, x_kw_sem, C_SEMANTIC, "semantic")
        t_sem = fit_temperature(oof_sem, y)
        p_sem_oof = _proba(oof_sem, t_sem)
        semantic = Head(
            weights=sem.coef_.T.astype(np.float32),
            bias=sem.intercept_.astype(np.float32),
            temperature=t_sem,
        )
        cascade, share, p_final = _choose_cascade(p_lex, p_sem_oof, y, data_rows)

    accept, clarify = choose_thresholds(
        p_final[data_rows], y[data_rows], intents, config.accept_margin
    )
    top = p_final.argmax(axis=1)
    conf = p_final[np.arange(len(y)), top]
    groups = np.array([i.split(".")[0] for i in intents])
    calib = calibration_table(conf[data_rows], (top == y)[data_rows])
    calib_group = calibration_table(
        conf[data_rows], (groups[top] == groups[y])[data_rows]
    )

    inputs = {_rel(p): _sha256(p) for p in prep.inputs}
    import sklearn  # type: ignore[import-untyped, unused-ignore]

    hyper = {"seed": SEED, "folds": FOLDS, "min_df": MIN_DF, "c_lexical": C_LEXICAL,
             "c_semantic": C_SEMANTIC, "vector_scale": VECTOR_SCALE,
             "keyword_weight": KEYWORD_WEIGHT, "override_weight": OVERRIDE_WEIGHT,
             "accept_precision": ACCEPT_PRECISION, "clarify_hit": CLARIFY_HIT,
             "cascade_tolerance": CASCADE_TOLERANCE}
    version = hashlib.sha256(
        json.dumps([inputs, hyper, encoder.name if encoder else None], sort_keys=True).encode()
    ).hexdigest()[:12]
    meta: dict[str, Any] = {
        "version": version,
        "inputs": inputs,
        "hyperparameters": hyper,
        "rows": len(rows),
        "rows_per_source": dict(Counter(r.source for r in rows)),
        "keywords": len(kw_rows),
        "calibration": calib,
        "calibration_group": calib_group,
        "oof_accuracy": {
            "lexical": float((p_lex.argmax(1) == y)[data_rows].mean()),
            "semantic": (float((p_sem_oof.argmax(1) == y)[data_rows].mean())
                         if p_sem_oof is not None else None),
            "cascade": float((top == y)[data_rows].mean()),
            "cascade_group": float((groups[top] == groups[y])[data_rows].mean()),
        },
        "encoder_share": share,
        "libraries": {"numpy": np.__version__, "scikit-learn": sklearn.__version__,
                      "python": platform.python_version()},
    }
    model = IntentModel(
        intents=tuple(intents),
        vocab=vocab,
        idf=idf.astype(np.float32),
        lexical=Head(
            weights=lexical.coef_.T.astype(np.float32),
            bias=lexical.intercept_.astype(np.float32),
            temperature=t_lex,
        ),
        semantic=semantic,
        vector_scale=VECTOR_SCALE,
        encoder=encoder.name if encoder is not None and semantic is not None else None,
        thresholds=Thresholds(accept=accept, clarify=clarify, cascade=cascade),
        meta=meta,
    )
    model.save(out)
    return TrainReport(
        rows=len(rows),
        per_source=meta["rows_per_source"],
        lexical_oof_accuracy=meta["oof_accuracy"]["lexical"],
        semantic_oof_accuracy=meta["oof_accuracy"]["semantic"],
        cascade_oof_accuracy=meta["oof_accuracy"]["cascade"],
        encoder_share=share,
        thresholds=model.thresholds,
        calibration=calib,
        seconds=time.perf_counter() - t0,
        model_path=out,
        extra={"calibration_group": calib_group, "version": version,
               "cascade_group": meta["oof_accuracy"]["cascade_group"]},
    )


def _choose_cascade(
    p_lex: Floats, p_sem: Floats, y: npt.NDArray[np.int64], rows: npt.NDArray[np.bool_]
) -> tuple[float, float, Floats]:
    """The lowest lexical confidence above which skipping the encoder costs at most
    ``CASCADE_TOLERANCE`` of held-back accuracy against always encoding."""
    conf = p_lex.max(axis=1)
    always = float((p_sem.argmax(1) == y)[rows].mean())
    best_t, best_share = 1.01, 1.0
    for t in np.arange(0.50, 1.0, 0.01):
        use_sem = conf < t
        combined = np.where(use_sem[:, None], p_sem, p_lex)
        acc = float((combined.argmax(1) == y)[rows].mean())
        if acc >= always - CASCADE_TOLERANCE:
            best_t, best_share = float(round(t, 2)), float(use_sem[rows].mean())
            break
    use_sem = conf < best_t
    return best_t, best_share, np.where(use_sem[:, None], p_sem, p_lex)
