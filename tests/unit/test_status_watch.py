"""``kefu status --watch`` stops on Ctrl-C even when the cancellation is lost below it.

A refresh asks the bus and the management API; before Python 3.12 ``asyncio.wait_for`` (used by
the AMQP client) swallows a cancellation that races its result, and the watch, stopped by
cancelling its task, then went on after Ctrl-C (seen in CI: the e2e watch test timed out
waiting for the end). Here the refresh swallows every cancellation, in a process of its own
(a SIGINT in pytest's own process would stop the run)."""

from __future__ import annotations

import asyncio
import signal
import sys

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHILD = """
import asyncio, sys
from rich.text import Text
import ops.status as status

refreshes = 0

async def status_once(*args):
    global refreshes
    refreshes += 1
    print(f"refresh {refreshes}", flush=True)
    for _ in range(10):  # a call that loses a cancellation
        try:
            await asyncio.sleep(0.1)
        except asyncio.CancelledError:
            pass
    return None, []

status.status_once = status_once
status.render = lambda summary, alerts: Text("status")
sys.exit(asyncio.run(status._watch(None, None, None, 0.01)))
"""


async def test_ctrl_c_stops_the_watch_in_the_middle_of_a_refresh():
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, stdout=asyncio.subprocess.PIPE
    )
    assert child.stdout is not None
    try:
        async with asyncio.timeout(60):
            while b"refresh 2" not in await child.stdout.readline():
                pass
        child.send_signal(signal.SIGINT)  # in the middle of the second refresh
        async with asyncio.timeout(20):
            code = await child.wait()
    finally:
        if child.returncode is None:
            child.kill()
            await child.wait()
    assert code == 0
