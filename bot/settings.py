"""The bot's settings: one pydantic-settings class, built once in ``main()`` and passed down."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.settings import BusSettings
from monitor.settings import MonitorSettings

SECRET_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,256}")


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
    metrics_port: int | None = Field(default=None, alias="KEFU_BOT_METRICS_PORT")
    bus: BusSettings = Field(default_factory=BusSettings)

    @field_validator("webhook_secret")
    @classmethod
    def _strong_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram allows 1–256 of ``A-Z a-z 0-9 _ -``; we ask for at least 16 of them, so
        that the one thing between the internet and the bot cannot be guessed."""
        if value is not None and not SECRET_SHAPE.fullmatch(value.get_secret_value()):
            raise ValueError("WEBHOOK_SECRET must be 16 to 256 of A-Z, a-z, 0-9, _ and -")
        return value
