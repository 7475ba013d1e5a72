"""The ``kefu`` command run as ops run it: a child process with its settings in the environment."""

from __future__ import annotations

import asyncio
import os
import sys


async def run_kefu(*args: str, typed: str | None = None, **env: str) -> tuple[int, str, str]:
    """``python -m ops.cli *args`` with ``env`` over this process's environment; ``typed``: what
    the person at the terminal answers (standard input; none: an empty input, never this
    process's own).

    Returns the exit code, standard output and standard error (decoded).
    """
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "ops.cli",
        *args,
        env=dict(os.environ, **env),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate((typed or "").encode()), 60)
    return process.returncode or 0, out.decode(), err.decode()
