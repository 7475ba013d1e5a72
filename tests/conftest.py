"""Fixtures shared by every test: the real RabbitMQ broker and unique names on it; the
privacy check of the whole run's logs (``tests/logscan.py``); and the check that no test left
its queues or exchanges on the broker (``tests/support/topology.py``).

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
from tests.support import topology

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
    """No full phone number, address or customer message in the logs of the whole run, and
    no queue or exchange of a test's bus prefix left on the broker."""
    logging.getLogger().removeHandler(SCAN)
    leaks = SCAN.leaks()
    SCAN.cleanup()
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if leaks:
        if reporter is not None:
            reporter.section("personal data in the logs (issue 11)", sep="=", red=True)
            for leak in leaks[:30]:
                reporter.line(leak)
            reporter.line(f"{len(leaks)} log line(s) hold personal data; see tests/logscan.py")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if _topology_left(reporter):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _topology_left(reporter) -> bool:
    """True (and the leftovers named, then deleted) when a bus prefix a test made with
    ``tests.support.topology.new_prefix`` still has queues or exchanges on the broker."""
    made = topology.made()
    if not made:
        return False
    try:
        left = topology.leftovers(made)
    except OSError as exc:
        if reporter is not None:
            reporter.section("broker topology left by the tests", sep="=", red=True)
            reporter.line(f"could not list the broker's queues (management API): {exc}")
        return True
    if not left:
        return False
    if reporter is not None:
        reporter.section("broker topology left by the tests", sep="=", red=True)
        by_prefix: dict[str, list[str]] = {}
        for leftover in left:
            by_prefix.setdefault(leftover.prefix, []).append(f"{leftover.kind} {leftover.name}")
        for prefix, names in sorted(by_prefix.items()):
            reporter.line(f"{made[prefix]} ({prefix}): {', '.join(sorted(names))}")
        reporter.line(
            f"{len(left)} queue(s)/exchange(s) of {len(by_prefix)} test prefix(es) left on the "
            "broker (deleted now); delete a prefix's topology when its test ends"
        )
    for leftover in left:
        try:
            topology.delete(leftover)
        except OSError:
            pass
    return True


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
