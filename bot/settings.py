"""The bot's settings: one pydantic-settings class, built once in ``main()`` and passed down."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.settings import BusSettings
from monitor.settings import MonitorSettings
from shop.policy import WEEKDAYS, Weekday

SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,256}")
MEMORY_STORAGE_KEYS = 100_000
"""Chat keys the in-memory storage keeps at most by default (``KEFU_MEMORY_STORAGE_KEYS``): a
chat uses two (its FSM state and its chat memory), so about 50,000 chats (~7 KiB each)."""


class Shift(BaseModel):
    """Who is on shift at the agents' desk, to be mentioned in service-level alerts: a Telegram
    ``@username`` or a numeric user id, on some weekdays, from ``start`` to ``end`` in the shop's
    time zone (a shift that ends before it starts runs past midnight)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mention: str = Field(pattern=r"^(@[A-Za-z0-9_]{5,32}|[1-9][0-9]{0,15})$")
    days: list[Weekday] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: time = time(0, 0)
    end: time = time(0, 0)

    def on_duty(self, local: datetime) -> bool:
        """``local``: now in the shop's time zone."""
        now, day = local.time(), WEEKDAYS[local.weekday()]
        previous = WEEKDAYS[(local.weekday() - 1) % 7]
        if self.start < self.end:
            return day in self.days and self.start <= now < self.end
        # Whole day (start == end) or past midnight: the part after midnight belongs to the
        # day the shift started.
        return (day in self.days and now >= self.start) or (
            previous in self.days and now < self.end
        )


class BotSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    bot_token: SecretStr | None = Field(
        default=None,
        alias="BOT_TOKEN",
        description="Telegram bot token; without one `python -m bot` opens the console chat.",
    )
    telegram_api_url: str | None = Field(
        default=None,
        alias="TELEGRAM_API_URL",
        description="Bot API base URL (a self-hosted Bot API server, or the tests' fake one).",
    )
    redis_url: str | None = Field(
        default=None, alias="REDIS_URL", description="FSM storage in Redis when set."
    )
    webhook_host: str = Field(default="127.0.0.1", alias="WEBHOOK_HOST")
    webhook_port: int = Field(default=8080, ge=1, le=65535, alias="WEBHOOK_PORT")
    webhook_path: str = Field(default="/telegram/webhook", alias="WEBHOOK_PATH")
    webhook_secret: SecretStr | None = Field(
        default=None,
        alias="WEBHOOK_SECRET",
        description="Checked on every webhook call (X-Telegram-Bot-Api-Secret-Token). Unset: "
        "a fresh one is generated at start and registered with setWebhook (needs "
        "WEBHOOK_BASE_URL); several bot processes must share a configured one.",
    )
    webhook_base_url: str | None = Field(
        default=None,
        alias="WEBHOOK_BASE_URL",
        description="Public https base URL Telegram calls; setWebhook is called when set.",
    )
    shop_policy: Path | None = Field(
        default=None, alias="KEFU_SHOP_POLICY", description="Shop policy YAML (default: demo)."
    )
    default_locale: str = Field(default="zh_CN", alias="KEFU_DEFAULT_LOCALE")
    # Ops (bot/ops, docs/operations.md): the ops chat, alert thresholds, per-turn events.
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
    conversation_secret: SecretStr | None = Field(
        default=None,
        alias="KEFU_CONVERSATION_SECRET",
        description="Keys the pseudonymous conversation id of turn events (HMAC of the chat); "
        "default: derived from BOT_TOKEN. Every bot process of one shop must share it.",
    )
    events_buffer: int = Field(
        default=10_000,
        ge=10,
        alias="KEFU_EVENTS_BUFFER",
        description="Turn events held while the broker is slow or away; more are dropped "
        "(kefu_events_dropped_total), never waited for.",
    )
    flood_rate: int = Field(
        default=8, ge=1, alias="KEFU_FLOOD_RATE", description="Messages per window per user."
    )
    flood_window_s: float = Field(default=10.0, gt=0, alias="KEFU_FLOOD_WINDOW")
    transcript_lines: int = Field(default=40, ge=4, le=200, alias="KEFU_TRANSCRIPT_LINES")
    chat_ttl_s: float = Field(
        default=2 * 86_400,
        ge=60,
        alias="KEFU_CHAT_TTL_S",
        description="A chat idle this long is forgotten (its FSM state and chat memory, in "
        "memory or in Redis): the store holds the active conversations, not every customer.",
    )
    memory_storage_keys: int = Field(
        default=MEMORY_STORAGE_KEYS,
        ge=100,
        alias="KEFU_MEMORY_STORAGE_KEYS",
        description="Without Redis: chat keys kept in memory at most (two per chat: its state "
        "and its chat memory); past it the least recently used chat is forgotten first.",
    )
    redis_max_connections: int = Field(
        default=64,
        ge=1,
        le=10_000,
        alias="KEFU_REDIS_MAX_CONNECTIONS",
        description="Connections a bot process opens to Redis at most; a command that finds "
        "them all busy waits for one (up to KEFU_REDIS_POOL_TIMEOUT_S) instead of failing.",
    )
    redis_pool_timeout_s: float = Field(
        default=10.0,
        gt=0,
        alias="KEFU_REDIS_POOL_TIMEOUT_S",
        description="How long a Redis command waits for a free connection before it fails.",
    )
    # Several bot processes behind `python -m bot.ingress` (bot/partitions.py, docs/bot.md).
    bot_mode: Literal["auto", "polling", "webhook", "partitions"] = Field(
        default="auto",
        alias="KEFU_BOT_MODE",
        description="auto: long polling with BOT_TOKEN, the console chat without; webhook: "
        "serve Telegram's webhook (as --webhook); partitions: consume the ingress's update "
        "partitions (as --partitions).",
    )
    update_dedupe_s: float = Field(
        default=3600,
        ge=10,
        alias="KEFU_UPDATE_DEDUPE_S",
        description="How long a handled update_id is remembered (Redis with REDIS_URL, this "
        "process otherwise): the same update delivered again within it is not handled again.",
    )
    partition_prefetch: int = Field(
        default=32,
        ge=1,
        le=1000,
        alias="KEFU_PARTITION_PREFETCH",
        description="Updates a bot process takes ahead from each partition it is active on; "
        "different chats of a partition are handled side by side, one chat's in order.",
    )
    partition_concurrency: int = Field(
        default=64,
        ge=1,
        le=10_000,
        alias="KEFU_PARTITION_CONCURRENCY",
        description="Updates a bot process handles at once, in every mode (over all its "
        "partitions; long polling; webhook): the others wait their turn before any bus call of "
        "theirs starts, so an overloaded process answers later instead of timing its calls out.",
    )
    partition_rebalance_s: float = Field(
        default=2.0,
        gt=0,
        le=60,
        alias="KEFU_PARTITION_REBALANCE_S",
        description="How often a bot process on the partitions notes itself in Redis and "
        "checks the split; a process silent for three times this is taken for gone.",
    )
    intents_reload_s: float = Field(
        default=5.0,
        ge=0,
        alias="KEFU_INTENTS_RELOAD_S",
        description="How often the bot looks for a new intent model, catalogue or taught "
        "phrases (a few stat calls); 0: only on SIGHUP.",
    )
    intents_overrides: Path | None = Field(
        default=None,
        alias="KEFU_INTENTS_OVERRIDES",
        description="The shop's taught phrases (kefu intents teach --overrides); default: "
        "intents/data/overrides.jsonl.",
    )
    metrics_port: int | None = Field(default=None, alias="KEFU_BOT_METRICS_PORT")
    bus: BusSettings = Field(default_factory=BusSettings)

    # The agents' desk (bot/desk, docs/desk.md). Unset AGENTS_CHAT_ID: no desk, escalations
    # are tickets for whoever reads the worker's database, the customer is told nobody answers
    # in her chat, and the bot warns at start-up (bot.dispatcher.NO_DESK_WARNING).
    agents_chat_id: int | None = Field(
        default=None,
        alias="AGENTS_CHAT_ID",
        description="The agents' supergroup (forum topics on, the bot an admin that may manage "
        "topics). Only its members act as agents.",
    )
    handoff_sla_s: int = Field(
        default=120,
        ge=1,
        alias="HANDOFF_SLA_SECONDS",
        description="A customer waiting this long without an agent is raised again in the "
        "group (and again every as long), within service hours.",
    )
    handoff_idle_s: int = Field(
        default=300,
        ge=1,
        alias="HANDOFF_IDLE_SECONDS",
        description="An agent who leaves a customer without an answer this long is reminded.",
    )
    handoff_ack_window_s: int = Field(
        default=300,
        ge=0,
        alias="HANDOFF_ACK_WINDOW_SECONDS",
        description="A waiting customer who writes again is told in words that it was added "
        "to her request; within this many seconds of that she gets a reaction instead.",
    )
    handoff_shifts: list[Shift] = Field(
        default_factory=list,
        alias="HANDOFF_SHIFTS",
        description='Who to mention in alerts, as JSON: [{"mention": "@alice", "days": '
        '["mon", "tue"], "start": "09:00", "end": "18:00"}].',
    )
    desk_locale: str = Field(
        default="zh_CN", alias="DESK_LOCALE", description="The agents' language (zh_CN, en)."
    )
    desk_check_s: float | None = Field(
        default=None,
        gt=0,
        alias="DESK_CHECK_SECONDS",
        description="How often the desk looks for late tickets (default: a quarter of the "
        "shorter of the two limits, between 1 and 15 seconds).",
    )

    def next_on_duty(self, now: datetime, zone: tzinfo) -> datetime | None:
        """When someone on ``HANDOFF_SHIFTS`` is next on duty: ``now`` when someone is, the
        next shift's start otherwise; None without shifts (anyone may answer any time)."""
        if not self.handoff_shifts:
            return None
        if self.on_duty_at(now, zone):
            return now
        return min(self.shift_starts(now, zone), default=None)

    def on_duty_at(self, at: datetime, zone: tzinfo) -> bool:
        """Someone on ``HANDOFF_SHIFTS`` is on duty at ``at`` (anyone may be, without shifts)."""
        if not self.handoff_shifts:
            return True
        local = at.astimezone(zone)
        return any(shift.on_duty(local) for shift in self.handoff_shifts)

    def shift_starts(self, now: datetime, zone: tzinfo) -> list[datetime]:
        """Every shift's starts after ``now`` within the coming week, in the shop's zone."""
        local = now.astimezone(zone)
        return [
            start
            for offset in range(8)
            for shift in self.handoff_shifts
            if WEEKDAYS[(local.date() + timedelta(days=offset)).weekday()] in shift.days
            and (
                start := datetime.combine(
                    local.date() + timedelta(days=offset), shift.start, tzinfo=zone
                )
            )
            > local
        ]

    @property
    def desk_check_interval(self) -> float:
        if self.desk_check_s is not None:
            return self.desk_check_s
        return min(15.0, max(1.0, min(self.handoff_sla_s, self.handoff_idle_s) / 4))

    @field_validator("webhook_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram allows 1–256 of ``A-Z a-z 0-9 _ -``; we ask for at least 16 of them, so
        that the one thing between the internet and the bot cannot be guessed."""
        if value is not None and not SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 16 to 256 of A-Z, a-z, 0-9, _ and -")
        return value
