"""Where ops' numbers come from, and the thresholds that raise an alert (docs/operations.md)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class MonitorSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    management_url: str = Field(
        default="http://127.0.0.1:15672/api",
        alias="RABBITMQ_MANAGEMENT_URL",
        description="RabbitMQ's management API (queue depths, consumers, the oldest message).",
    )
    management_user: str = Field(default="guest", alias="RABBITMQ_MANAGEMENT_USER")
    management_password: SecretStr = Field(
        default=SecretStr("guest"), alias="RABBITMQ_MANAGEMENT_PASSWORD"
    )

    # The ops chat (bot/ops): alerts go there; /status is answered there and to admins.
    ops_chat_id: int | None = Field(
        default=None,
        alias="OPS_CHAT_ID",
        description="The Telegram chat (a group) where the bot posts alerts and answers /status.",
    )
    admin_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        alias="ADMIN_IDS",
        description="Telegram user ids who may ask /status in a private chat with the bot "
        "(comma-separated).",
    )
    check_interval_s: float = Field(
        default=30.0,
        gt=0,
        le=3600,
        alias="OPS_CHECK_SECONDS",
        description="How often the alert loop looks (one bot process does, whichever the "
        "broker picks).",
    )

    # Thresholds: each crossing opens one incident (one alert, one recovery message).
    queue_depth_max: int = Field(
        default=100,
        ge=1,
        alias="OPS_QUEUE_DEPTH_MAX",
        description="Messages waiting in the queries or commands queue before it alerts.",
    )
    queue_age_max_s: float = Field(
        default=60.0,
        gt=0,
        alias="OPS_QUEUE_AGE_MAX_SECONDS",
        description="Age of the oldest waiting message before it alerts.",
    )
    rpc_error_rate_max: float = Field(
        default=0.05,
        gt=0,
        le=1,
        alias="OPS_RPC_ERROR_RATE_MAX",
        description="Share of the bots' bus calls that failed (timed out, no worker, an error) "
        "over the window, as a fraction (0.05 = 5 %).",
    )
    rpc_min_calls: int = Field(
        default=20,
        ge=1,
        alias="OPS_RPC_MIN_CALLS",
        description="Calls the window must hold before the error rate can alert.",
    )
    rpc_window_s: int = Field(default=300, ge=10, le=86_400, alias="OPS_RPC_WINDOW_SECONDS")
    handoff_sla_s: int = Field(
        default=120,
        ge=1,
        alias="HANDOFF_SLA_SECONDS",
        description="A customer waiting for a person longer than this is a breach (the desk's "
        "own setting, read here too).",
    )

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return [int(part) for part in value.replace(";", ",").split(",") if part.strip()]
        if isinstance(value, int):
            return [value]
        return value
