"""The run-wide checks of ``tests/conftest.py`` (personal data in the logs, broker topology left
behind) fail the run whether the tests run in one process or in several (pytest-xdist, as
``scripts/test.sh`` runs them): under xdist a worker's own exit status never reaches the run's,
so a check that only set it would pass whatever it found.

Each case runs pytest on :func:`test_leaking_probe` in a child process, where the probe logs a
full phone number, and expects the run to fail and to say why."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = "KEFU_SESSION_CHECK_PROBE"


@pytest.mark.skipif(os.environ.get(PROBE) != "1", reason="run only by test_a_leak_fails_the_run")
def test_leaking_probe() -> None:
    logging.getLogger("bot.probe").info("customer phone 13912345678")  # what must never be logged


@pytest.mark.timeout(300)  # three Python processes start in the xdist case: slow on a busy machine
@pytest.mark.parametrize("processes", [["-p", "no:xdist"], ["-n", "2"]], ids=["one", "xdist"])
def test_a_leak_fails_the_run(processes: list[str]) -> None:
    child = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *processes,
         f"{Path(__file__).relative_to(ROOT)}::test_leaking_probe"],
        cwd=ROOT, env={**os.environ, PROBE: "1"}, capture_output=True, text=True, timeout=280,
    )  # fmt: skip
    report = child.stdout + child.stderr
    assert "1 passed" in report, report[-2000:]  # the probe ran (and passed by itself)
    assert "personal data in the logs" in report, report[-2000:]
    assert "13912345678" in report  # the offending line is shown
    assert child.returncode == pytest.ExitCode.TESTS_FAILED, report[-2000:]
