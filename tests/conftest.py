"""Fixtures shared by every test: the real RabbitMQ broker and unique names on it; and the
privacy check of the whole run's logs (``tests/logscan.py``).

The broker is the one scripts/broker.sh starts (scripts/test.sh starts it). Point AMQP_URL and
KEFU_MGMT_PORT elsewhere to test against another node.
"""

import asyncio
import base64
import logging
import os
from collections.abc import AsyncIterator
from uuid import uuid4

import aio_pika
import pytest
import pytest_asyncio
from yarl import URL

from tests.fakes.telegram_api import FakeTelegramAPI
from tests.logscan import SCAN

DEFAULT_AMQP_URL = "amqp://guest:guest@127.0.0.1:{port}/".format(
    port=os.environ.get("KEFU_AMQP_PORT", "5672")
)
CONNECT_TIMEOUT = 10.0


def pytest_configure(config: pytest.Config) -> None:
    """Everything the run logs at INFO and above goes through the privacy scan, and so does
    every message a test sends as a customer through the fake Bot API."""
    root = logging.getLogger()
    root.addHandler(SCAN)
    if root.getEffectiveLevel() > logging.INFO:
        root.setLevel(logging.INFO)
    says = FakeTelegramAPI.user_says

    def recorded(self: FakeTelegramAPI, text: str, **kwargs):
        SCAN.customer_said(text)
        return says(self, text, **kwargs)

    FakeTelegramAPI.user_says = recorded  # type: ignore[method-assign]


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """No full phone number, address or customer message in the logs of the whole run."""
    logging.getLogger().removeHandler(SCAN)
    leaks = SCAN.leaks()
    SCAN.cleanup()
    if not leaks:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.section("personal data in the logs (issue 11)", sep="=", red=True)
        for leak in leaks[:30]:
            reporter.line(leak)
        reporter.line(f"{len(leaks)} log line(s) hold personal data; see tests/logscan.py")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def amqp_url() -> str:
    """The broker URL, checked once per session with a real connection; fails when unreachable."""
    url = os.environ.get("AMQP_URL", DEFAULT_AMQP_URL)
    try:
        connection = await asyncio.wait_for(
            aio_pika.connect_robust(url, timeout=CONNECT_TIMEOUT), CONNECT_TIMEOUT + 1
        )
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"
    else:
        await connection.close()
        return url
    shown = URL(url).with_password("***") if URL(url).password else url
    pytest.fail(
        f"RabbitMQ not reachable at {shown} ({error}); run scripts/broker.sh start", pytrace=False
    )


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def amqp_connection(amqp_url: str) -> AsyncIterator[aio_pika.abc.AbstractRobustConnection]:
    """One robust connection for the whole session; open your own channels on it."""
    connection = await aio_pika.connect_robust(amqp_url, timeout=CONNECT_TIMEOUT)
    try:
        yield connection
    finally:
        await connection.close()


@pytest.fixture
def unique_name() -> str:
    """A queue/exchange name no other test (or earlier run) uses: test.<32 hex digits>."""
    return f"test.{uuid4().hex}"


@pytest.fixture(scope="session")
def management_api() -> tuple[str, dict[str, str]]:
    """(base URL, auth headers) of the RabbitMQ management HTTP API, as guest on loopback.

    Use as ``aiohttp.ClientSession(headers=auth)`` and ``f"{base}/queues/%2F/{name}"``
    (aiohttp 3.14 deprecates BasicAuth objects, so auth is the Authorization header itself).
    """
    port = os.environ.get("KEFU_MGMT_PORT", "15672")
    token = base64.b64encode(b"guest:guest").decode("ascii")
    return f"http://127.0.0.1:{port}/api", {"Authorization": f"Basic {token}"}
