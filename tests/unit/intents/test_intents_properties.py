"""Property tests: any input gets a decision within bounds, never an exception."""

from functools import lru_cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intents import GROUPS, Decision, IntentEngine
from intents.slots import extract_slots


@lru_cache(maxsize=1)
def engine() -> IntentEngine:
    return IntentEngine.load()


def _check(d: Decision) -> None:
    assert 0.0 <= d.confidence <= 1.0
    assert d.outcome in {"accept", "clarify", "fallback"}
    assert d.group in GROUPS and d.intent.split(".")[0] == d.group
    assert len(d.candidates) <= 3
    assert all(0.0 <= c.confidence <= 1.0 for c in d.candidates)
    if d.outcome == "fallback":
        assert d.intent == "other.unknown"
    else:
        assert d.intent == d.candidates[0].intent
    s = d.slots
    assert s.height_cm is None or 80 <= s.height_cm <= 230
    assert s.weight_kg is None or 10 <= s.weight_kg <= 250
    assert s.order_no is None or (s.order_no.startswith("KF") and len(s.order_no) == 10)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_any_unicode_string(text):
    _check(engine().match(text))


_CUSTOMERISH = st.text(
    alphabet=st.sampled_from(list("亲在吗发货快递几天到包邮尺码偏大小色差退换款单号钱便宜斤米0123456789"
                                  "kfKFmlxs 　，。？！~😀🙏")),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(_CUSTOMERISH)
def test_customer_like_noise(text):
    _check(engine().match(text))
    extract_slots(text)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["😀", "🙏", "🎉", "❤️", "👍🏽", "🇨🇳", "\u200d", "\ufe0f"]),
                min_size=1, max_size=200))
def test_only_emoji_falls_back(parts):
    d = engine().match("".join(parts))
    _check(d)
    assert d.outcome == "fallback"


def test_empty_and_whitespace():
    for text in ["", " ", "\n\t", "\u3000\u3000"]:
        d = engine().match(text)
        _check(d)
        assert d.outcome == "fallback"


def test_one_hundred_kilobytes():
    for text in ["发货" * 51_200, "a" * 102_400, "这件衣服质量怎么样 " * 10_000, "😀" * 30_000]:
        _check(engine().match(text))


def test_surrogates_and_control_characters():
    for text in ["\ud800abc", "\x00\x01\x02在吗", "\u202e退货", "\U0010ffff" * 10]:
        _check(engine().match(text))
