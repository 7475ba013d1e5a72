"""The frustration cues the fitted model reads (intents/features.py): sarcasm is praise next to a
failure or a wait, never sincere praise or thanks on its own."""

import pytest

from intents.features import cues, ngrams
from intents.normalize import normalize


def _cues(text: str) -> list[str]:
    return cues(normalize(text))


@pytest.mark.parametrize("text", [
    "服务真好，等了十天都没发货",
    "真棒 又发错了",
    "厉害了 退个款这么难",
    "可以啊 客服三天回一句",
    "呵呵 真好",
    "真行啊你们",
    "你们这效率真是绝了",
    "真是谢谢你们了 快递终于丢了",
    "great, another week of waiting",
    "Amazing service, still no refund after a month",
    "oh brilliant, the parcel is late again",
    "thanks a lot, nothing has arrived",
])
def test_sarcasm_is_still_caught(text: str) -> None:
    assert "§sarcasm" in _cues(text)


@pytest.mark.parametrize("text", [
    "你们服务真好 谢谢",
    "太感谢了 客服真好",
    "衣服收到了 质量真棒 谢谢",
    "辛苦了 谢谢你们了",
    "退款被拒绝了 为啥",
    "thanks again, you've been great",
    "cheers, have a great weekend",
    "great, thank you, have a nice day",
    "no problem, that's great",
    "lovely, thanks so much",
])
def test_sincere_praise_and_thanks_are_not_sarcasm(text: str) -> None:
    assert "§sarcasm" not in _cues(text)


def test_cues_are_model_features() -> None:
    assert "§sarcasm" in ngrams(normalize("真棒 又发错了"))
    assert "§sarcasm" not in ngrams(normalize("你们服务真好 谢谢"))
    assert "§emotion" in ngrams(normalize("无语 气死了"))
    assert "§emotion" not in ngrams(normalize("is it warm enough for winter"))
    assert "§emotion" in ngrams(normalize("I have had enough of this"))
    assert "§chasing" in ngrams(normalize("天天催 还不发"))


@pytest.mark.parametrize("text", ["你们服务真好 谢谢", "thanks again, you've been great"])
def test_praise_left_over_from_thanks_does_not_make_it_a_complaint(any_engine, text) -> None:
    assert any_engine.match(text).group == "thanks"


@pytest.mark.parametrize("text", ["谢谢你们了 等了十天都没发", "你好 我要投诉"])
def test_thanks_or_greeting_with_a_real_complaint_is_a_complaint(any_engine, text) -> None:
    assert any_engine.match(text).group == "complaint"
