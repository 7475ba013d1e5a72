"""How real messages are built: a greeting in front of the question, frustration without the
word "complaint", fragments that carry the topic in a label or a number."""

import pytest

from intents import Decision, IntentEngine


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("你好 我的快递到哪了", "order"),
        ("在吗 160 100斤穿什么码", "size"),
        ("亲在吗 退款什么时候到账", "returns"),
        ("hi there, where is my order? it's been two weeks", "order"),
        ("谢谢 那运费多少", "shipping"),
        ("hello 能开发票吗", "payment"),
    ],
)
def test_a_greeting_or_thanks_never_hides_the_question(any_engine, text, group):
    assert any_engine.match(text).group == group


@pytest.mark.parametrize("text", ["您好 有人吗", "在吗", "hello?", "好的谢谢亲", "thanks a lot"])
def test_a_greeting_or_thanks_alone_stays_social(any_engine, text):
    assert any_engine.match(text).group in ("greeting", "thanks")


@pytest.mark.parametrize(
    ("text", "topic_group"),
    [
        ("真行啊 一个礼拜了还不发货", "order"),
        ("天天催天天等 退个款这么难吗", "returns"),
        ("Wow, three weeks and still no refund. Amazing service.", "returns"),
        ("you're wasting my time, every day I ask where my parcel is", "order"),
    ],
)
def test_a_complaint_by_emotion_keeps_its_topic(full, text, topic_group):
    d = full.match(text)
    assert d.group == "complaint", (text, d.intent)
    assert d.slots.topic is not None and d.slots.topic.split(".")[0] == topic_group, d.slots


def test_a_complaint_without_a_topic_has_none(full):
    d = full.match("垃圾店 再也不来了")
    assert d.group == "complaint"
    assert d.slots.topic is None


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("XL行不", "size"),
        ("38可以吗", "size"),
        ("175/140", "size"),
        ("160 45", "size"),
        ("太小了", "size"),
        ("too big", "size"),
        ("卡其色", "color"),
        ("黑色的呢", "color"),
    ],
)
def test_fragments_with_a_label_are_understood(any_engine, text, group):
    assert any_engine.match(text).group == group, text


def test_two_numbers_are_a_height_and_a_weight(any_engine):
    d = any_engine.match("175/140")
    assert (d.slots.height_cm, d.slots.weight_kg) == (175, 70.0)


def test_shoe_sizes_are_never_a_weight_or_a_quantity(any_engine):
    d: Decision = any_engine.match("I wear 41, should I order 42?")
    assert d.group == "size"
    assert d.slots.weight_kg is None and d.slots.quantity is None
    assert d.slots.size in ("41", "42")


def test_engine_runs_without_the_encoder_and_counts_no_encoder_use(lexical: IntentEngine):
    assert lexical.encoder is None
    before = lexical.stats.encoded
    d = lexical.match("when will my money come back")
    assert d.source in ("model", "rule")
    assert lexical.stats.encoded == before
