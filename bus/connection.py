"""Where the broker is and how to reach it: one or several node URLs, TLS.

``AMQP_URL`` may list several nodes of a RabbitMQ cluster, separated by commas
(``amqp://u:p@10.0.0.1:5672/,amqp://u:p@10.0.0.2:5672/``): a connection tries them in turn,
starting at a different one in each process (so that a fleet of processes spreads over the
nodes), and when its node goes away it reconnects to the next one that answers. A comma inside
a password must be written ``%2C``.

``amqps://`` URLs speak TLS. The server's certificate is checked against the system's CAs, or
against ``AMQP_CA_FILE`` when set (a private CA); ``AMQP_CERT_FILE`` and ``AMQP_KEY_FILE`` add
a client certificate for brokers that ask for one. aiormq's own URL options
(``?cafile=...&certfile=...&keyfile=...``) work too.
"""

from __future__ import annotations

import itertools
import os
import ssl
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika import RobustConnection
from aio_pika.abc import AbstractRobustConnection
from aio_pika.exceptions import CONNECTION_EXCEPTIONS
from yarl import URL


def split_urls(value: str) -> tuple[str, ...]:
    """``AMQP_URL``'s node URLs, in order."""
    urls = tuple(part.strip() for part in value.split(",") if part.strip())
    if not urls:
        raise ValueError("AMQP_URL names no broker")
    return urls


def shown(url: str) -> str:
    """The URL with its password hidden, for logs."""
    parsed = URL(url)
    return str(parsed.with_password("***")) if parsed.password else url


class FailoverConnection(RobustConnection):
    """A robust connection that moves to the next node URL on every new connection attempt
    (aio-pika reconnects to one URL only)."""

    def __init__(self, url: URL, *args: Any, urls: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(url, *args, **kwargs)
        self._urls = itertools.cycle([URL(u) for u in urls] or [url])

    # aio-pika calls this (name-mangled, on the instance) before every attempt to connect,
    # the first one and every reconnect; tests/unit/bus/test_connection.py checks it exists.
    async def _RobustConnection__connect_transport(self) -> None:
        self.url = next(self._urls)
        await super()._RobustConnection__connect_transport()  # type: ignore[misc]


if not hasattr(RobustConnection, "_RobustConnection__connect_transport"):  # pragma: no cover
    raise ImportError(
        "this aio-pika no longer has RobustConnection.__connect_transport: "
        "bus.connection.FailoverConnection must be adapted"
    )


@dataclass(frozen=True)
class Broker:
    """The broker's node URLs and TLS context: what every Kefu connection is opened with."""

    urls: tuple[str, ...]
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)

    @classmethod
    def from_url(
        cls,
        value: str,
        *,
        ca_file: str | None = None,
        cert_file: str | None = None,
        key_file: str | None = None,
    ) -> Broker:
        urls = split_urls(value)
        context = None
        if ca_file or cert_file:
            context = ssl.create_default_context(cafile=ca_file)
            if cert_file:
                context.load_cert_chain(cert_file, key_file)
        return cls(urls, context)

    @property
    def first(self) -> str:
        return self.urls[0]

    def __str__(self) -> str:
        return ",".join(shown(url) for url in self.urls)

    async def connect(self, name: str, **kwargs: Any) -> AbstractRobustConnection:
        """A robust connection named ``name`` (as the management UI shows it)."""
        options: dict[str, Any] = {"client_properties": {"connection_name": name}, **kwargs}
        if self.ssl_context is not None:
            options["ssl_context"] = self.ssl_context
        if len(self.urls) == 1:
            connection: AbstractRobustConnection = await aio_pika.connect_robust(
                self.urls[0], **options
            )
            return connection
        # Each process starts at its own place in the list (a fleet spreads over the nodes);
        # the first connection tries every node before it fails.
        start = os.getpid() % len(self.urls)
        failure: BaseException | None = None
        for step in range(len(self.urls)):
            at = (start + step) % len(self.urls)
            order = self.urls[at:] + self.urls[:at]
            try:
                connection = await aio_pika.connect_robust(
                    order[0], connection_class=FailoverConnection, urls=order, **options
                )
            except CONNECTION_EXCEPTIONS as exc:
                failure = exc
                continue
            return connection
        assert failure is not None
        raise failure


def as_broker(target: str | Broker) -> Broker:
    return target if isinstance(target, Broker) else Broker.from_url(target)
