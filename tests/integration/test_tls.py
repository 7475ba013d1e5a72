"""amqps:// with a private CA (``AMQP_CA_FILE``): the bot's client and the worker's server talk
over TLS to the real broker (behind a TLS-terminating proxy on loopback, tests/support/tls.py);
a certificate from another CA is refused with a clear error, never used in clear text; a client
certificate is sent when the broker asks for one."""

from __future__ import annotations

import asyncio
import ssl

import pytest
from aiormq.exceptions import AMQPConnectionError
from pydantic import ValidationError
from yarl import URL

from bus.contracts import LookupOrder, OrderFound, SearchProducts
from bus.errors import BusUnavailable
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.support.tls import make_pki, tls_proxy
from tests.support.topology import new_prefix
from worker import create_worker
from worker.settings import WorkerSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


def tls_settings(amqp_url: str, port: int, **files) -> BusSettings:
    url = URL(amqp_url).with_scheme("amqps").with_port(port)
    return BusSettings(amqp_url=str(url), **files)


async def test_lookup_over_amqps_with_a_private_ca(shop, make_order, pki, amqp_url):
    order = await make_order()
    async with tls_proxy(pki, URL(amqp_url).port or 5672) as proxy:
        settings = tls_settings(amqp_url, proxy.port, ca_file=pki.ca)
        rpc = RpcClient(settings.broker, timeout=10, topology=shop.worker.topology)
        await rpc.connect(wait=10)
        try:
            assert rpc.connected
            reply = await rpc.call(
                LookupOrder(
                    order_no=order.order_no, telegram_user_id=5, phone_last4=order.phone[-4:]
                )
            )
            assert isinstance(reply, OrderFound)
            assert reply.order.order_no == order.order_no
        finally:
            await rpc.close()


async def test_a_worker_serves_over_amqps(amqp_url, amqp_connection, pki, tmp_path):
    async with tls_proxy(pki, URL(amqp_url).port or 5672) as proxy:
        bus = tls_settings(amqp_url, proxy.port, ca_file=pki.ca, prefix=new_prefix())
        worker = create_worker(
            WorkerSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'shop.db'}", bus=bus)
        )
        await worker.seed_demo()
        await worker.start()
        rpc = RpcClient(bus.broker, timeout=10, topology=worker.topology)
        try:
            # Both of the worker's connections (its RPC server, its ops-events consumer).
            assert proxy.handshakes == 2, "the worker connected over TLS"
            await rpc.connect(wait=10)
            assert proxy.handshakes == 3
            found = await rpc.call(SearchProducts(query="hoodie", limit=1))
            assert found.products
        finally:
            await rpc.close()
            await worker.stop()
            channel = await amqp_connection.channel()
            await worker.topology.delete(channel)
            await channel.close()


async def test_a_certificate_from_another_ca_is_refused(shop, pki, amqp_url):
    async with tls_proxy(pki, URL(amqp_url).port or 5672) as proxy:
        settings = tls_settings(amqp_url, proxy.port, ca_file=pki.rogue_ca)
        with pytest.raises(AMQPConnectionError, match="CERTIFICATE_VERIFY_FAILED"):
            await settings.broker.connect("test-rogue")
        rpc = RpcClient(settings.broker, timeout=2, topology=shop.worker.topology)
        await rpc.connect(wait=1)
        try:
            assert not rpc.connected
            with pytest.raises(BusUnavailable):
                await rpc.call(LookupOrder(order_no="KF20260001", telegram_user_id=1))
        finally:
            await rpc.close()


async def test_a_client_certificate_is_sent_when_the_broker_asks(pki, amqp_url):
    async with tls_proxy(pki, URL(amqp_url).port or 5672, require_client_cert=True) as proxy:
        without = tls_settings(amqp_url, proxy.port, ca_file=pki.ca)
        with pytest.raises((ssl.SSLError, ConnectionError, OSError, asyncio.TimeoutError)):
            connection = await without.broker.connect("test-no-cert", timeout=5)
            await connection.close()
        settings = tls_settings(
            amqp_url, proxy.port, ca_file=pki.ca, cert_file=pki.client_cert, key_file=pki.client_key
        )
        connection = await settings.broker.connect("test-client-cert", timeout=5)
        try:
            channel = await connection.channel()
            queue = await channel.declare_queue(exclusive=True)
            assert queue.name
        finally:
            await connection.close()


async def test_tls_files_need_amqps_and_must_exist(pki, tmp_path):
    with pytest.raises(ValidationError, match="need amqps://"):
        BusSettings(amqp_url="amqp://guest:guest@127.0.0.1:5672/", ca_file=pki.ca)
    with pytest.raises(ValidationError, match="is not a file"):
        BusSettings(amqp_url="amqps://u:p@127.0.0.1:5671/", ca_file=tmp_path / "missing.pem")
    with pytest.raises(ValidationError, match="AMQP_KEY_FILE without AMQP_CERT_FILE"):
        BusSettings(amqp_url="amqps://u:p@127.0.0.1:5671/", key_file=pki.client_key)
