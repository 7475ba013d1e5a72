"""Bus prefixes for tests, and what of them is left on the broker.

Every test that declares queues or exchanges on the shared broker (itself, through a worker or
bot it starts in-process, or through a process it spawns) takes its prefix from
``new_prefix()``. The prefixes are remembered with the test that made them, and when the
session ends ``tests/conftest.py`` asks the management API for every queue and exchange that
still carries one: a test (or fixture) that leaves its topology behind fails the run, and the
leftovers are deleted so that the next run does not start with them (a broker holding
thousands of idle queues from earlier runs is slower to declare and to list).
"""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from uuid import uuid4

_made: dict[str, str] = {}
"""prefix -> the test (or fixture) that made it."""


def new_prefix() -> str:
    """A bus prefix no other test (or earlier run) uses: ``t`` and 12 hex digits."""
    prefix = f"t{uuid4().hex[:12]}"
    _made[prefix] = os.environ.get("PYTEST_CURRENT_TEST", "?").rsplit(" (", 1)[0]
    return prefix


def made() -> dict[str, str]:
    """The prefixes made in this process so far, with the test that made each."""
    return dict(_made)


@dataclass(frozen=True)
class Leftover:
    kind: str  # "queue" or "exchange"
    name: str
    prefix: str


def _management() -> tuple[str, dict[str, str]]:
    port = os.environ.get("KEFU_MGMT_PORT", "15672")
    token = base64.b64encode(b"guest:guest").decode("ascii")
    return f"http://127.0.0.1:{port}/api", {"Authorization": f"Basic {token}"}


def _get(path: str) -> list[dict]:
    base, auth = _management()
    request = urllib.request.Request(base + path, headers=auth)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def leftovers(prefixes: set[str] | dict[str, str] | None = None) -> list[Leftover]:
    """The queues and exchanges on the broker (vhost ``/``) whose names start with one of
    ``prefixes`` (default: every prefix made in this process) followed by a dot. Raises
    ``urllib.error.URLError`` when the management API does not answer."""
    wanted = set(_made if prefixes is None else prefixes)
    if not wanted:
        return []
    found = []
    for kind, path in (("queue", "/queues/%2F"), ("exchange", "/exchanges/%2F")):
        for entry in _get(f"{path}?columns=name"):
            name = entry["name"]
            head = name.split(".", 1)[0]
            if head in wanted and "." in name:
                found.append(Leftover(kind, name, head))
    return found


def names() -> set[str]:
    """Every queue and exchange name on the broker (vhost ``/``), through the management API."""
    return {entry["name"] for path in ("/queues/%2F", "/exchanges/%2F")
            for entry in _get(f"{path}?columns=name")}  # fmt: skip


def delete(leftover: Leftover) -> None:
    """Delete one leftover queue or exchange through the management API."""
    base, auth = _management()
    kind = "queues" if leftover.kind == "queue" else "exchanges"
    url = f"{base}/{kind}/%2F/{urllib.parse.quote(leftover.name, safe='')}"
    request = urllib.request.Request(url, headers=auth, method="DELETE")
    try:
        urllib.request.urlopen(request, timeout=10).close()
    except urllib.error.HTTPError as exc:
        if exc.code != 404:  # gone meanwhile (an auto-delete queue)
            raise


def drop(prefix: str) -> None:
    """Delete every queue and exchange of one test's ``prefix`` (for tests whose processes
    declared their topology themselves: a spawned worker, a client that found no worker)."""
    for leftover in leftovers({prefix}):
        delete(leftover)
