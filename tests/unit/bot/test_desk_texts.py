"""What the desk writes, without a broker: the card and topic names escape whatever the customer
typed and fit Telegram's limits; queue wording; shifts; the desk's settings from the
environment; the worker's wait estimate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from bot.desk import texts
from bot.settings import BotSettings, Shift
from bus.contracts import OrderSummary, QueuePlace, TicketView, TranscriptLine
from replies.render import Replies
from shop.policy import load_policy
from tests.fakes.telegram_api import parse_html
from worker.tickets import WaitModel

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
TITLES = {"size.recommend": {"zh_CN": "尺码推荐", "en": "Size advice"}}


@pytest.fixture(scope="module")
def replies() -> Replies:
    return Replies(load_policy())


def ticket(**fields) -> TicketView:
    values = dict(
        ticket_no="T2026120100042",
        state="waiting",
        chat_id=42,
        telegram_user_id=42,
        customer_name="张<b>小</b>姐 & co",
        locale="zh_CN",
        reason="customer_asked",
        opened_at=NOW - timedelta(minutes=3),
        transcript_length=2,
        transcript=[
            TranscriptLine(role="customer", text="<i>尺码</i> & 颜色 </code>", at=NOW),
            TranscriptLine(role="bot", text="请问身高体重？", at=NOW),
        ],
    )
    values.update(fields)
    return TicketView(**values)


def test_the_card_escapes_what_the_customer_wrote_and_parses_as_telegram_html(replies) -> None:
    card = texts.card(replies, "zh_CN", ticket(place=QueuePlace(position=2)), TITLES)
    plain, _ = parse_html(card)  # raises like Telegram on a broken tag
    assert "张<b>小</b>姐 & co" in plain
    assert "<i>尺码</i> & 颜色 </code>" in plain
    assert "排队：第 2 位" in plain and "未绑定" in plain


def test_the_card_tells_a_wrong_item_from_a_quality_problem(replies) -> None:
    """A wrong item sent is the shop's mistake, not a defect: its card said "质量问题"."""
    for locale, label in (("zh_CN", "发错货"), ("en", "wrong item sent")):
        wrong, _ = parse_html(texts.card(replies, locale, ticket(reason="wrong_item"), TITLES))
        quality, _ = parse_html(texts.card(replies, locale, ticket(reason="quality"), TITLES))
        assert label in wrong and label not in quality
        assert replies.text("desk.reason.quality", locale) not in wrong


def test_the_card_shows_the_record_masked_and_the_orders_in_short(replies) -> None:
    view = ticket(
        customer_masked="陈**",
        phone_masked="183****5280",
        order_no="KF26200341",
        intent="size.recommend",
        confidence=0.734,
        orders=[
            OrderSummary(
                order_no="KF26200341",
                state="completed",
                created_at=NOW,
                total=Decimal("399.00"),
                item_count=2,
                first_item_name="高腰牛仔裤",
            )
        ],
    )
    plain, _ = parse_html(texts.card(replies, "zh_CN", view, TITLES))
    assert "陈** · 183****5280" in plain
    assert "尺码推荐（置信度 73%）" in plain
    assert "KF26200341 交易成功 · 高腰牛仔裤 等 2 件 · 399 元" in plain


def test_a_long_conversation_keeps_the_newest_lines_within_one_message(replies) -> None:
    lines = [
        TranscriptLine(role="customer", text=f"第{n}句 " + "很长" * 150, at=NOW) for n in range(60)
    ]
    card = texts.card(replies, "zh_CN", ticket(transcript=lines, transcript_length=60), TITLES)
    plain, _ = parse_html(card)
    assert len(card) <= texts.CARD_LIMIT
    assert "第59句" in plain and "第0句" not in plain


def test_topic_names_are_plain_masked_and_short(replies) -> None:
    name = texts.topic_name(replies, "zh_CN", ticket(intent="size.recommend"), TITLES)
    assert name == "张** · 尺码推荐 · T2026120100042"
    assert texts.topic_name(replies, "en", ticket(reason="complaint"), {}).startswith(
        "张** · complaint"
    )
    long = texts.topic_name(replies, "zh_CN", ticket(customer_name="x" * 300), {})
    assert len(long) <= 128
    assert texts.closed_topic_name(replies, "zh_CN", name).startswith("✅ 张**")


def test_queue_wording(replies) -> None:
    where, wait = texts.place_parts(replies, "zh_CN", QueuePlace(position=3, expected_wait_s=250))
    assert "前面还有 2 位" in where and "4 分钟" in wait
    where, wait = texts.place_parts(replies, "en", QueuePlace(position=1))
    assert "next in line" in where and wait == ""
    assert texts.duration(replies, "zh_CN", 45) == "45 秒"
    assert texts.duration(replies, "zh_CN", 3 * 3600 + 120) == "3 小时 2 分"


def test_shifts_and_desk_settings_from_the_environment(monkeypatch) -> None:
    monkeypatch.setenv("AGENTS_CHAT_ID", "-1001234567890")
    monkeypatch.setenv(
        "HANDOFF_SHIFTS",
        '[{"mention": "@day_shift", "days": ["mon","tue","wed","thu","fri"], '
        '"start": "09:00", "end": "18:00"}, {"mention": "123456", "start": "18:00", '
        '"end": "09:00"}]',
    )
    monkeypatch.setenv("HANDOFF_SLA_SECONDS", "60")
    settings = BotSettings()
    day, night = settings.handoff_shifts
    assert settings.agents_chat_id == -1001234567890
    assert settings.desk_check_interval == 15.0  # a quarter of 60 s, at most 15
    monday_noon = datetime(2026, 11, 30, 12, 0)
    saturday_noon = datetime(2026, 12, 5, 12, 0)
    tuesday_3am = datetime(2026, 12, 1, 3, 0)
    assert day.on_duty(monday_noon) and not day.on_duty(saturday_noon)
    assert night.on_duty(tuesday_3am) and not night.on_duty(monday_noon)
    with pytest.raises(ValueError):
        Shift(mention="not a mention!")


def test_expected_waits_never_invent_a_figure() -> None:
    assert WaitModel(None, 3).place(1, 0) == QueuePlace(position=1)
    model = WaitModel(120, 2)
    assert model.place(1, 30).expected_wait_s == 90
    assert model.place(3, 0).expected_wait_s == 240  # the second turn of two agents
    assert model.place(1, 600).expected_wait_s is None  # waited longer than they suggest


def test_every_ticket_reason_has_the_desks_words(replies) -> None:
    from shop.enums import TICKET_REASONS

    for locale in ("zh_CN", "en"):
        words = {replies.text(f"desk.reason.{reason}", locale) for reason in TICKET_REASONS}
        assert len(words) == len(TICKET_REASONS)


def test_when_someone_is_next_on_shift() -> None:
    from datetime import time
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Shanghai")
    day = Shift(mention="@day_shift", days=["mon", "tue"], start=time(9), end=time(18))
    night = Shift(mention="@night_shift", days=["fri"], start=time(22), end=time(2))
    settings = BotSettings(HANDOFF_SHIFTS=[day, night])
    monday_noon = datetime(2026, 11, 30, 12, 0, tzinfo=zone)
    assert settings.next_on_duty(monday_noon, zone) == monday_noon  # on duty now
    monday_evening = datetime(2026, 11, 30, 19, 0, tzinfo=zone)
    assert settings.next_on_duty(monday_evening, zone) == datetime(2026, 12, 1, 9, 0, tzinfo=zone)
    tuesday_evening = datetime(2026, 12, 1, 19, 0, tzinfo=zone)  # next: Friday's night shift
    assert settings.next_on_duty(tuesday_evening, zone) == datetime(
        2026, 12, 4, 22, 0, tzinfo=zone
    )
    saturday_1am = datetime(2026, 12, 5, 1, 0, tzinfo=zone)  # Friday's night shift runs on
    assert settings.next_on_duty(saturday_1am, zone) == saturday_1am
    saturday_3am = datetime(2026, 12, 5, 3, 0, tzinfo=zone)
    assert settings.next_on_duty(saturday_3am, zone) == datetime(2026, 12, 7, 9, 0, tzinfo=zone)
    assert BotSettings().next_on_duty(monday_noon, zone) is None  # no shifts: anyone, any time


def test_when_a_person_answers_is_within_the_service_hours_too(replies) -> None:
    """The next shift said to a waiting customer is checked against the shop's service hours
    (09:00–22:00 every day): a shift that starts after closing is not when she is answered,
    and an opening with nobody on shift is not either."""
    from datetime import time
    from zoneinfo import ZoneInfo

    from aiogram.fsm.storage.memory import MemoryStorage

    from bot.desk.service import Desk
    from bus.testing import InMemoryBus

    zone = ZoneInfo("Asia/Shanghai")

    def desk(*shifts: Shift) -> Desk:
        settings = BotSettings(AGENTS_CHAT_ID=-1001, HANDOFF_SHIFTS=list(shifts))
        return Desk(
            settings, rpc=InMemoryBus(), replies=replies, storage=MemoryStorage(), titles={}
        )

    late_and_morning = desk(
        Shift(mention="@late_shift", start=time(22, 30), end=time(2)),
        Shift(mention="@morning", start=time(9), end=time(10)),
    )
    noon = datetime(2026, 12, 1, 12, 0, tzinfo=zone)  # open, nobody on shift
    # not 22:30 (the shop is closed by then): the next morning's shift, at opening
    assert late_and_morning.answer_time(noon) == datetime(2026, 12, 2, 9, 0, tzinfo=zone)
    mid_morning = desk(Shift(mention="@mid_morning", start=time(10), end=time(12)))
    early = datetime(2026, 12, 1, 7, 0, tzinfo=zone)  # closed; it opens at 9 with nobody on
    assert mid_morning.answer_time(early) == datetime(2026, 12, 1, 10, 0, tzinfo=zone)
    assert mid_morning.answer_time(datetime(2026, 12, 1, 11, 0, tzinfo=zone)) is None  # now
    anyone = desk()  # no shifts: the shop's hours alone
    assert anyone.answer_time(noon) is None
    assert anyone.answer_time(early) == datetime(2026, 12, 1, 9, 0, tzinfo=zone)
