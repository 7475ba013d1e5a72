"""A rule that would turn the model's runner-up into its top intent makes the top intent sure
(``IntentEngine._social``): the rule holds for the message whichever of the two the model put
first by a hair, and which one that is may differ by CPU (``tests/support/encoder_noise.py``).

The sentences are our own; each was read as noted with the runner-up path left out."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from intents import IntentEngine
from intents.encoder import SentenceEncoder, Vectors, default_encoder
from tests.support.encoder_noise import nudged

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the person, unsure (0.6): the rule for a phone number asked reads complaint → person
        ("能给个电话吗 打字太慢了", "human.agent"),
    ],
)
def test_the_rule_of_the_runner_up_makes_the_top_sure(text, intent):
    d = full_engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept"), d


class _Nudged:
    """The bundled encoder with every vector nudged as ``--encoder-noise=0.02:2`` does."""

    def __init__(self, inner: SentenceEncoder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim

    def encode(self, texts: Sequence[str]) -> Vectors:
        return nudged(self.inner.encode(texts), texts, 0.02, "2")


def test_a_near_tie_decided_the_other_way_is_still_the_rules():
    inner = default_encoder()
    if inner is None:
        pytest.skip("no sentence encoder installed")
    engine = IntentEngine.load(encoder=_Nudged(inner))
    # here the photo's colour against the real one: the model 0.49 difference to 0.51 real
    # colour, the rule makes it the difference; nudged, the model put the difference first
    # at 0.50 and no rule took it: "did you mean" (the round-18 test failed)
    d = engine.match("图片看着是浅蓝 实物偏紫")
    assert (d.intent, d.outcome) == ("color.difference", "accept"), d


def test_the_fit_asked_with_her_height_and_weight_is_left_to_the_advice():
    # the model torn between the fit and advice (0.6 fit): round 16's "fit asked first" turned
    # advice into the fit, so since the runner-up confirmation the bot answered the shop's
    # general sizing instead of advice for 165 cm / 52 kg — and would have on a CPU that put
    # the advice first. With her height and weight the rule leaves it: the bot advises.
    d = full_engine().match("hi is the hoodie true to size? im 165cm 52kg")
    assert (d.intent, d.outcome) != ("size.fit", "accept"), d
    assert {d.intent, *(c.intent for c in d.candidates[:2])} >= {"size.recommend"}, d
