"""Proxies and a private CA on loopback for TLS and failover tests: certificates made with the
``openssl`` command, and a (TLS-terminating) proxy in front of the test broker, the way a load
balancer or stunnel fronts RabbitMQ, so that a client's ``amqps://`` path and its move to
another node are exercised end to end with the real broker behind it."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Pki:
    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    rogue_ca: Path
    """A CA that signed nothing here: trusting it alone must fail."""


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=60)


def make_pki(directory: Path) -> Pki:
    """A CA, a server certificate for 127.0.0.1 / localhost and a client certificate it signed,
    and an unrelated CA."""
    d = directory
    for name in ("ca", "rogue"):
        _openssl(
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", f"/CN=Kefu test {name} CA", "-keyout", f"{name}.key", "-out", f"{name}.pem",
            cwd=d,
        )  # fmt: skip
    (d / "server.ext").write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n"
    )
    (d / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name in ("server", "client"):
        _openssl(
            "req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
            "-keyout", f"{name}.key", "-out", f"{name}.csr",
            cwd=d,
        )  # fmt: skip
        _openssl(
            "x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", f"{name}.ext", "-out", f"{name}.pem",
            cwd=d,
        )  # fmt: skip
    return Pki(
        ca=d / "ca.pem",
        server_cert=d / "server.pem",
        server_key=d / "server.key",
        client_cert=d / "client.pem",
        client_key=d / "client.key",
        rogue_ca=d / "rogue.pem",
    )


@dataclass
class Proxy:
    port: int
    handshakes: int = 0
    """Connections accepted (with TLS: handshakes done)."""
    stop: Callable[[], Awaitable[None]] | None = None
    """Close the listener and every connection through it (a node going away)."""


@contextlib.asynccontextmanager
async def tcp_proxy(
    upstream_port: int,
    *,
    pki: Pki | None = None,
    require_client_cert: bool = False,
    port: int = 0,
) -> AsyncIterator[Proxy]:
    """Listen on loopback (``port``, or a free one), with TLS when ``pki`` is given, and
    forward the bytes to ``upstream_port`` (the broker, PostgreSQL...)."""
    context = None
    if pki is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pki.server_cert, pki.server_key)
        if require_client_cert:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(pki.ca)
    pipes: set[asyncio.Task[None]] = set()
    writers: set[asyncio.StreamWriter] = set()

    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        proxy.handshakes += 1
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream_port)
        except OSError:
            writer.close()
            return
        writers.update((writer, up_writer))
        for task in (
            asyncio.create_task(pipe(reader, up_writer)),
            asyncio.create_task(pipe(up_reader, writer)),
        ):
            pipes.add(task)
            task.add_done_callback(pipes.discard)

    server = await asyncio.start_server(serve, "127.0.0.1", port, ssl=context)

    async def stop() -> None:
        server.close()
        for writer in writers:
            writer.close()
        for task in list(pipes):
            task.cancel()
        await asyncio.gather(*pipes, return_exceptions=True)

    proxy = Proxy(port=server.sockets[0].getsockname()[1], stop=stop)
    try:
        yield proxy
    finally:
        await stop()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(server.wait_closed(), 5)


def tls_proxy(
    pki: Pki, upstream_port: int, *, require_client_cert: bool = False
) -> contextlib.AbstractAsyncContextManager[Proxy]:
    """A TLS-terminating ``tcp_proxy``."""
    return tcp_proxy(upstream_port, pki=pki, require_client_cert=require_client_cert)
