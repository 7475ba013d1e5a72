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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--encoder-noise",
        metavar="EPS[:SEED]",
        help="nudge every sentence vector by EPS (e.g. 0.02): finds the tests that rest on a "
        "near-tie another CPU may decide otherwise (tests/support/encoder_noise.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    """Everything the run logs at INFO and above goes through the privacy scan, and so does
    every message a test sends as a customer through the fake Bot API. With
    ``--encoder-noise`` the sentence encoder's vectors are nudged in this process."""
    noise = config.getoption("--encoder-noise", default=None)
    if noise:
        from tests.support.encoder_noise import install

        install(noise)
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
    no queue or exchange of a test's bus prefix left on the broker.

    Under pytest-xdist (``scripts/test.sh`` runs the tests in several processes) each worker
    checks its own logs and prefixes and hands what it found to the controller
    (``workeroutput``, read in ``pytest_testnodedown``), which reports it and fails the run:
    a worker's own exit status does not reach the run's."""
    logging.getLogger().removeHandler(SCAN)
    findings = _findings()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller reports
        workeroutput["kefu_findings"] = findings
        return
    findings += _FROM_WORKERS
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    for title, lines in findings:
        if reporter is not None:
            reporter.section(title, sep="=", red=True)
            for line in lines:
                reporter.line(line)
    if findings:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


_FROM_WORKERS: list[tuple[str, list[str]]] = []


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error) -> None:
    """(xdist's controller) what a worker's own session-end checks found."""
    _FROM_WORKERS.extend(
        (title, list(lines)) for title, lines in getattr(node, "workeroutput", {}).get(
            "kefu_findings", ()
        )
    )


def _findings() -> list[tuple[str, list[str]]]:
    """This process's session-end checks: (section title, lines) for each that failed."""
    findings: list[tuple[str, list[str]]] = []
    leaks = SCAN.leaks()
    SCAN.cleanup()
    if leaks:
        findings.append((
            "personal data in the logs (issue 11)",
            [*leaks[:30], f"{len(leaks)} log line(s) hold personal data; see tests/logscan.py"],
        ))  # fmt: skip
    left = _topology_left()
    if left:
        findings.append(("broker topology left by the tests", left))
    return findings


def _topology_left() -> list[str]:
    """The lines naming what a bus prefix a test made with ``tests.support.topology.new_prefix``
    still has on the broker (deleted now), or none."""
    made = topology.made()
    if not made:
        return []
    try:
        left = topology.leftovers(made)
    except OSError as exc:
        return [f"could not list the broker's queues (management API): {exc}"]
    if not left:
        return []
    by_prefix: dict[str, list[str]] = {}
    for leftover in left:
        by_prefix.setdefault(leftover.prefix, []).append(f"{leftover.kind} {leftover.name}")
    lines = [
        f"{made[prefix]} ({prefix}): {', '.join(sorted(names))}"
        for prefix, names in sorted(by_prefix.items())
    ]
    lines.append(
        f"{len(left)} queue(s)/exchange(s) of {len(by_prefix)} test prefix(es) left on the "
        "broker (deleted now); delete a prefix's topology when its test ends"
    )
    for leftover in left:
        try:
            topology.delete(leftover)
        except OSError:
            pass
    return lines


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
