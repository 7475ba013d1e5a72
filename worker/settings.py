"""Worker configuration (environment and an optional ``.env``)."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.settings import BusSettings

DEFAULT_DATA_DIR = Path("var/data")


class WorkerSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'kefu.db'}", alias="DATABASE_URL"
    )
    bus: BusSettings = Field(default_factory=BusSettings)
    prefetch: int = Field(default=32, ge=1, le=1000, alias="WORKER_PREFETCH")
    metrics_port: int | None = Field(default=None, alias="WORKER_METRICS_PORT")
    sqlite_busy_timeout_s: float = Field(
        default=30.0,
        gt=0,
        alias="WORKER_SQLITE_BUSY_TIMEOUT_S",
        description="SQLite: how long a write waits for another process's write lock before "
        "the database counts as unavailable (the command is then kept and retried).",
    )
    retry_delay_s: float = Field(
        default=5.0,
        gt=0,
        alias="WORKER_RETRY_DELAY_S",
        description="A command whose database was unavailable is tried again this much later.",
    )
    retry_for_s: float = Field(
        default=3600.0,
        gt=0,
        alias="WORKER_RETRY_FOR_S",
        description="...and dead-lettered when the database stays unavailable this long.",
    )
    catalogue_check_interval_s: float = Field(
        default=1.0,
        ge=0,
        alias="WORKER_CATALOGUE_CHECK_S",
        description=(
            "products.search checks the catalogue version at most this often (0: every call); "
            "products.get always does."
        ),
    )

    shop_policy: Path | None = Field(
        default=None,
        alias="KEFU_SHOP_POLICY",
        description="The shop policy YAML the worker enforces (exchange windows, postage, the "
        "return address): the bot's file. Default: shop/data/shop.yaml.",
    )

    # Proof of ownership (worker/proof.py). Wrong last-four answers count per Telegram user
    # and per order number; linked customers and orders already proven are never counted.
    lookup_failures_allowed: int = Field(
        default=5, ge=1, description="Wrong answers a Telegram user may give per window."
    )
    lookup_failure_window_s: int = Field(
        default=15 * 60, ge=1, description="The user's window; throttled until it ends."
    )
    order_proof_failures_allowed: int = Field(
        default=5,
        ge=1,
        description="Wrong answers for one order number (from anyone) before its last-four "
        "route closes.",
    )
    order_proof_failure_window_s: int = Field(
        default=24 * 3600, ge=1, description="The window those wrong answers are counted in."
    )
    order_proof_lock_s: int = Field(
        default=7 * 24 * 3600,
        ge=1,
        description="How long the order's last-four route stays closed; meanwhile only a "
        "verified contact opens it.",
    )
