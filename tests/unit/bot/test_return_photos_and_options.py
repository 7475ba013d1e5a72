"""Readers of two turns around a return and a refusal: which return a photo is for
(``bot.services.return_photos``) and "so what are my options?" after a shipped order's
address was refused (``bot.services.address_options``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest

from bot.services import address_options, return_photos
from bot.services.memory import ChatMemory, DoneJob, HeldPhoto

NOW = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def chat(**memory) -> SimpleNamespace:
    return SimpleNamespace(memory=ChatMemory(**memory))


def photo(caption: str | None = None, message_id: int = 41) -> HeldPhoto:
    return HeldPhoto(
        file_id="AgACAgIAAx", file_unique_id="AQADu1", caption=caption, message_id=message_id
    )


def test_the_return_made_here_lately_is_the_one_in_view() -> None:
    made = DoneJob(kind="return", reference="RT2026120300007", at=NOW - timedelta(hours=2))
    assert return_photos.return_in_view(chat(done=made), NOW) == "RT2026120300007"
    assert return_photos.return_in_view(chat(done=made), NOW + timedelta(days=2)) is None
    exchange = DoneJob(kind="exchange", reference="RMA2026120300001", at=NOW)
    assert return_photos.return_in_view(chat(done=exchange), NOW) is None
    address = DoneJob(kind="address", order_no="KF26000001", at=NOW)
    assert return_photos.return_in_view(chat(done=address), NOW) is None
    assert return_photos.return_in_view(chat(), NOW) is None


@pytest.mark.parametrize(
    ("caption", "about"),
    [
        ("退货的那件 拍给你看", True),
        ("这是要寄回的裤子", True),
        ("for my return", True),
        ("sending them back, this is the stain", True),
        ("这个颜色有货吗", False),
        ("is this the right size for me?", False),
        (None, False),
    ],
)
def test_a_caption_says_the_photo_is_for_a_return(caption: str | None, about: bool) -> None:
    assert return_photos.about_returns(chat(), photo(caption)) is about


def test_one_key_per_photo_message_and_return() -> None:
    key = return_photos.photo_key(7001, photo(), None)
    assert key == "tg:7001:photo:41:any"
    assert return_photos.photo_key(7001, photo(), "RT2026120300007") != key
    assert return_photos.photo_key(7001, photo(message_id=42), None) != key


@pytest.mark.parametrize(
    "text",
    ["so what are my options then?", "what can i do", "ok what now", "any other way?",
     "what should I do then", "那怎么办", "那我该怎么办", "还有别的办法吗", "有什么办法吗",
     "那咋办"],
)
def test_options_asked(text: str) -> None:
    assert address_options.options_asked(text)


@pytest.mark.parametrize(
    "text",
    ["好的", "no thanks", "when will it arrive?", "which courier is it", "快递什么时候到",
     "我下周不在家 你们怎么办事的 一点都不靠谱 地址都改不了 我要投诉"],
)
def test_other_words_are_not_options_asked(text: str) -> None:
    assert not address_options.options_asked(text)


def test_options_only_right_after_the_refusal() -> None:
    refused = chat(address_refused=(3, "KF26000001"), turns=4)
    assert address_options.asked(refused, "what are my options?")
    assert not address_options.asked(chat(address_refused=(3, "KF26000001"), turns=6), "那怎么办")
    assert not address_options.asked(chat(turns=4), "那怎么办")


def test_loose_photos_go_on_the_next_return_within_half_an_hour_once() -> None:
    memory = ChatMemory()
    memory.hold_loose_photo(photo("old", message_id=1), now=NOW - timedelta(minutes=45))
    memory.hold_loose_photo(photo("the seam", message_id=2).model_copy(
        update={"file_unique_id": "AQADu2"}), now=NOW - timedelta(minutes=5))  # fmt: skip
    memory.hold_loose_photo(photo("the seam", message_id=2).model_copy(
        update={"file_unique_id": "AQADu2"}), now=NOW - timedelta(minutes=4))  # fmt: skip
    taken = memory.take_loose_photos(now=NOW)
    assert [p.message_id for p in taken] == [2]  # the old one is not hers to take; one copy
    assert memory.take_loose_photos(now=NOW) == []  # taken once
    for n in range(8):
        memory.hold_loose_photo(
            photo(message_id=n).model_copy(update={"file_unique_id": f"U{n}"}), now=NOW
        )
    assert [p.message_id for p in memory.take_loose_photos(now=NOW)] == [3, 4, 5, 6, 7]
