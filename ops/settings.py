"""The ``kefu`` command's settings: the bus's and the monitor's (environment and ``.env``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from bus.settings import BusSettings
from monitor.settings import MonitorSettings


class OpsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", hide_input_in_errors=True)

    bus: BusSettings = Field(default_factory=BusSettings)
    monitor: MonitorSettings = Field(default_factory=MonitorSettings)
