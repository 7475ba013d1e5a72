"""Bus configuration, shared by every service: each embeds it in its own settings as ``bus``."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import AmqpDsn, Field, TypeAdapter, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.connection import Broker, split_urls
from bus.topology import Topology

_AMQP_DSN: TypeAdapter[AmqpDsn] = TypeAdapter(AmqpDsn)

DEFAULT_MAX_BODY = 8 * 1024 * 1024
"""The largest bus message a consumer takes (``KEFU_MAX_MESSAGE_BYTES``). The largest legal
request is ``tickets.open`` with a full transcript: 200 lines of 4,096 characters, about 2.5 MB
of JSON in Chinese and 5.3 MB at worst (characters JSON escapes in six bytes);
tests/unit/bus/test_message_size.py keeps that under the limit."""


class BusSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    amqp_url: str = Field(
        default="amqp://guest:guest@127.0.0.1:5672/",
        alias="AMQP_URL",
        description="The broker: one amqp:// or amqps:// URL, or several nodes of a cluster "
        "separated by commas (tried in turn; see bus/connection.py).",
    )
    ca_file: Path | None = Field(
        default=None,
        alias="AMQP_CA_FILE",
        description="amqps://: the CA (PEM) the broker's certificate must chain to, instead "
        "of the system's.",
    )
    cert_file: Path | None = Field(
        default=None, alias="AMQP_CERT_FILE", description="amqps://: a client certificate (PEM)."
    )
    key_file: Path | None = Field(
        default=None, alias="AMQP_KEY_FILE", description="amqps://: the client certificate's key."
    )
    rpc_timeout: float = Field(default=5.0, gt=0, alias="RPC_TIMEOUT")
    queue_type: Literal["classic", "quorum"] = Field(default="classic", alias="KEFU_QUEUE_TYPE")
    prefix: str = Field(
        default="kefu",
        alias="KEFU_BUS_PREFIX",
        pattern=r"^[a-z][a-z0-9_.-]*$",
        description="Prefix of every exchange and queue name; tests use a unique one each.",
    )

    update_partitions: int = Field(
        default=16,
        ge=1,
        le=1024,
        alias="KEFU_UPDATE_PARTITIONS",
        description="Partition queues for Telegram updates (webhook mode with the ingress): "
        "the ingress and every bot process must use the same number.",
    )
    max_message_bytes: int = Field(
        default=DEFAULT_MAX_BODY,
        ge=64 * 1024,
        alias="KEFU_MAX_MESSAGE_BYTES",
        description="A bus message larger than this is dead-lettered by its consumer "
        "(reason too_large) without being parsed.",
    )

    heartbeat_s: float = Field(
        default=15.0,
        ge=0.2,
        le=600,
        alias="KEFU_HEARTBEAT_S",
        description="Every bot and worker process says it is alive this often (kefu status "
        "shows a process silent for three of these as missing).",
    )

    @field_validator("amqp_url")
    @classmethod
    def _urls(cls, value: str) -> str:
        urls = [str(_AMQP_DSN.validate_python(url)) for url in split_urls(value)]
        return ",".join(urls)

    @model_validator(mode="after")
    def _tls_files(self) -> BusSettings:
        for name in ("ca_file", "cert_file", "key_file"):
            path = getattr(self, name)
            if path is not None and not path.is_file():
                raise ValueError(f"{name.upper()}: {path} is not a file")
        if self.key_file is not None and self.cert_file is None:
            raise ValueError("AMQP_KEY_FILE without AMQP_CERT_FILE")
        if (self.ca_file or self.cert_file) and not all(
            url.startswith("amqps://") for url in split_urls(self.amqp_url)
        ):
            raise ValueError("AMQP_CA_FILE / AMQP_CERT_FILE need amqps:// URLs")
        return self

    @property
    def url(self) -> str:
        """``AMQP_URL`` as given (one URL or a comma-separated list)."""
        return self.amqp_url

    @cached_property
    def broker(self) -> Broker:
        """What every connection is opened with: the node URLs and the TLS context."""
        return Broker.from_url(
            self.amqp_url,
            ca_file=str(self.ca_file) if self.ca_file else None,
            cert_file=str(self.cert_file) if self.cert_file else None,
            key_file=str(self.key_file) if self.key_file else None,
        )

    @property
    def topology(self) -> Topology:
        return Topology(
            prefix=self.prefix, queue_type=self.queue_type, partitions=self.update_partitions
        )
