"""The reloader of a running bot (bot/ops/reload.py): a changed file is picked up, a broken one
keeps the previous model, is logged once per version of the files and told to the ops chat."""

from __future__ import annotations

import logging
import os

from bot.ops.reload import RELOADS, IntentReloader
from intents import IntentEngine

PHRASE = "放门卫就行"


def bump(path) -> None:
    """Make the change visible to a stat() even within the file system's time resolution."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


async def test_a_change_is_picked_up_and_a_broken_file_keeps_the_old_state(tmp_path, caplog):
    overrides = tmp_path / "overrides.jsonl"
    overrides.write_text("", encoding="utf-8")
    engine = IntentEngine.load(overrides_path=overrides, encoder=False)
    said: list[str] = []

    async def notify(text: str) -> None:
        said.append(text)

    reloader = IntentReloader(engine, 0, notify=notify)
    assert await reloader.check() is False  # nothing changed: nothing read
    failed_before = RELOADS.labels("failed")._value.get()

    overrides.write_text(f'{{"text": "{PHRASE}", "intent": "shipping.courier"}}\n', "utf-8")
    bump(overrides)
    assert await reloader.check() is True
    assert engine.match(PHRASE).intent == "shipping.courier"
    assert engine.info()["overrides"] == 1

    good = overrides.read_text("utf-8")
    overrides.write_text(good + '{"text": "半行\n', "utf-8")
    bump(overrides)
    with caplog.at_level(logging.ERROR, logger="bot.ops.reload"):
        assert await reloader.check() is False
        assert await reloader.check() is False  # the same broken files: not read again
    failures = [r for r in caplog.records if "reload failed" in r.getMessage()]
    assert len(failures) == 1 and "previous model" in failures[0].getMessage()
    assert RELOADS.labels("failed")._value.get() == failed_before + 1
    assert engine.match(PHRASE).intent == "shipping.courier"  # still the taught state
    assert len(said) == 1 and "reload failed" in said[0]

    overrides.write_text(good, "utf-8")
    bump(overrides)
    bump(overrides)
    assert await reloader.check() is True
    assert "reloaded" in said[-1]
    assert reloader.reloads == 2 and reloader.failures == 1
