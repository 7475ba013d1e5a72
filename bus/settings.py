"""Bus configuration, shared by every service: each embeds it in its own settings as ``bus``."""

from typing import Literal

from pydantic import AmqpDsn, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.topology import Topology

DEFAULT_MAX_BODY = 8 * 1024 * 1024
"""The largest bus message a consumer takes (``KEFU_MAX_MESSAGE_BYTES``). The largest legal
request is ``tickets.open`` with a full transcript: 200 lines of 4,096 characters, about 2.5 MB
of JSON in Chinese and 5.3 MB at worst (characters JSON escapes in six bytes);
tests/unit/bus/test_message_size.py keeps that under the limit."""


class BusSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", extra="ignore", populate_by_name=True, hide_input_in_errors=True
    )

    amqp_url: AmqpDsn = Field(
        default=AmqpDsn("amqp://guest:guest@127.0.0.1:5672/"), alias="AMQP_URL"
    )
    rpc_timeout: float = Field(default=5.0, gt=0, alias="RPC_TIMEOUT")
    queue_type: Literal["classic", "quorum"] = Field(default="classic", alias="KEFU_QUEUE_TYPE")
    prefix: str = Field(
        default="kefu",
        alias="KEFU_BUS_PREFIX",
        pattern=r"^[a-z][a-z0-9_.-]*$",
        description="Prefix of every exchange and queue name; tests use a unique one each.",
    )

    max_message_bytes: int = Field(
        default=DEFAULT_MAX_BODY,
        ge=64 * 1024,
        alias="KEFU_MAX_MESSAGE_BYTES",
        description="A bus message larger than this is dead-lettered by its consumer "
        "(reason too_large) without being parsed.",
    )

    @property
    def url(self) -> str:
        return str(self.amqp_url)

    @property
    def topology(self) -> Topology:
        return Topology(prefix=self.prefix, queue_type=self.queue_type)
