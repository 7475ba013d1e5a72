"""Bus configuration, shared by every service: each embeds it in its own settings as ``bus``."""

from typing import Literal

from pydantic import AmqpDsn, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.topology import Topology


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

    heartbeat_s: float = Field(
        default=15.0,
        ge=0.2,
        le=600,
        alias="KEFU_HEARTBEAT_S",
        description="Every bot and worker process says it is alive this often (kefu status "
        "shows a process silent for three of these as missing).",
    )

    @property
    def url(self) -> str:
        return str(self.amqp_url)

    @property
    def topology(self) -> Topology:
        return Topology(prefix=self.prefix, queue_type=self.queue_type)
