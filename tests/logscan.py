"""The whole test run's logs, scanned for personal data (issue 11).

``tests/conftest.py`` attaches :data:`SCAN` to the root logger for the whole session (INFO and
above, exception text included) and checks it when the session ends: a full mainland mobile
number, a street address, or the full text of a message a test sent as a customer anywhere in
the logs fails the run, with the offending lines. Processes the tests start write their logs
to files from :meth:`LogScan.log_file`, which are scanned too.

Order numbers, Telegram ids and masked values (``139****0008``) are fine, and are what the
logs are for.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from pathlib import Path

PHONE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[ -]?)?1[3-9]\d{9}(?![0-9A-Za-z])")
"""A full mainland mobile number, on its own or after +86 (not inside a longer run of digits
or letters, such as a tracking number or a hex id)."""
ADDRESS = re.compile(r"(?:路|街|道|巷)\s*\d+\s*号|\d+\s*号\s*\d+\s*栋|\d+\s*栋\s*\d+\s*室")
"""A street and house number, or building and flat: how every address in the tests and the
demo shop reads (``中山路 12 号``, ``12号3栋501室``)."""
MIN_MESSAGE_CHARS = 8
"""Shorter customer messages ("好的", "KF123") say nothing about anyone."""
ORDER_NUMBER_ALONE = re.compile(r"\s*KF\d{8}\s*", re.IGNORECASE)
"""A message that is an order number and nothing else ("KF90001075"): what the logs are for."""


class LogScan(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.INFO)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s: %(message)s"))
        self.lines: list[str] = []
        self.messages: set[str] = set()
        self.files: list[Path] = []
        self._directory: Path | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a record that cannot even be formatted is not ours to judge
            self.handleError(record)

    def customer_said(self, text: str) -> None:
        """A test sent ``text`` as a customer: it must never appear whole in a log."""
        text = text.strip()
        if ORDER_NUMBER_ALONE.fullmatch(text):
            return
        if len(text) >= MIN_MESSAGE_CHARS and not text.startswith("/"):
            self.messages.add(text)

    def log_file(self, name: str) -> Path:
        """A file for a process's log output, scanned at the end of the run."""
        if self._directory is None:
            self._directory = Path(tempfile.mkdtemp(prefix="kefu-test-logs-"))
        path = self._directory / f"{len(self.files):03d}-{name}.log"
        self.files.append(path)
        return path

    def all_lines(self) -> list[str]:
        lines = list(self.lines)
        for path in self.files:
            if path.exists():
                lines.extend(path.read_text(encoding="utf-8", errors="replace").splitlines())
        return lines

    def leaks(self) -> list[str]:
        return find_leaks(self.all_lines(), self.messages)

    def cleanup(self) -> None:
        if self._directory is not None:
            shutil.rmtree(self._directory, ignore_errors=True)
            self._directory = None


def find_leaks(lines: list[str], messages: set[str]) -> list[str]:
    """Each line that holds a full phone number, an address, or one of ``messages`` whole,
    with what was found."""
    found = []
    for line in lines:
        hits = [m.group(0) for m in PHONE.finditer(line)]
        hits += [m.group(0) for m in ADDRESS.finditer(line)]
        hits += [message for message in messages if message in line]
        if hits:
            found.append(f"{hits!r} in: {line[:300]}")
    return found


SCAN = LogScan()
