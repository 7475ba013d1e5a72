"""The shop's own examples: teach, reload without a restart, and the CLI."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from intents import IntentEngine, OverrideError, load_overrides, teach
from intents.catalog import DEFAULT_CATALOG_DIR
from intents.model import DEFAULT_MODEL_PATH

ROOT = Path(__file__).resolve().parents[3]
PHRASE = "能不能用我的积分换个杯子"


def _engine(overrides: Path) -> IntentEngine:
    return IntentEngine.load(
        DEFAULT_CATALOG_DIR, model_path=DEFAULT_MODEL_PATH, overrides_path=overrides,
        encoder=False,
    )


def test_teach_appends_relabels_and_validates(tmp_path, lexical):
    path = tmp_path / "overrides.jsonl"
    stored = teach(path, f"  {PHRASE} ", "bargain.discount", lexical.catalog)
    assert stored.text == PHRASE
    teach(path, PHRASE + "？", "other", lexical.catalog)  # same phrase: relabelled, not added
    assert [(o.text, o.intent) for o in load_overrides(path)] == [(PHRASE + "？",
                                                                    "other.unknown")]
    with pytest.raises(OverrideError, match="not an intent"):
        teach(path, "随便", "weather.today", lexical.catalog)
    with pytest.raises(OverrideError, match="several intents"):
        teach(path, "随便", "shipping", lexical.catalog)
    with pytest.raises(OverrideError, match="empty"):
        teach(path, "？？", "human", lexical.catalog)


def test_a_taught_phrase_is_accepted_after_reload(tmp_path):
    path = tmp_path / "overrides.jsonl"
    engine = _engine(path)
    before = engine.match(PHRASE)
    assert before.source != "override"
    teach(path, PHRASE, "bargain.discount", engine.catalog)
    assert engine.match(PHRASE).source != "override"  # not before the reload
    engine.reload()
    d = engine.match(PHRASE + "！")
    assert (d.intent, d.outcome, d.source) == ("bargain.discount", "accept", "override")


def test_reload_if_changed_notices_a_new_file_only_once(tmp_path):
    path = tmp_path / "overrides.jsonl"
    engine = _engine(path)
    assert engine.reload_if_changed() is False
    teach(path, PHRASE, "human.agent", engine.catalog)
    os.utime(path, (1, 1))  # a different mtime than at load, whatever the clock's resolution
    assert engine.reload_if_changed() is True
    assert engine.reload_if_changed() is False
    assert engine.match(PHRASE).intent == "human.agent"


def test_a_broken_file_keeps_the_running_state(tmp_path):
    path = tmp_path / "overrides.jsonl"
    engine = _engine(path)
    teach(path, PHRASE, "human.agent", engine.catalog)
    engine.reload()
    path.write_text("not json\n", encoding="utf-8")
    with pytest.raises(OverrideError):
        engine.reload()
    assert engine.match(PHRASE).intent == "human.agent"


def test_a_model_can_be_swapped_in_by_reload(tmp_path):
    model = tmp_path / "model.npz"
    model.write_bytes(DEFAULT_MODEL_PATH.read_bytes())
    engine = IntentEngine.load(DEFAULT_CATALOG_DIR, model_path=model, encoder=False)
    version = engine.model.version
    engine.reload()
    assert engine.model is not None and engine.model.version == version


def test_cli_teach_writes_the_given_file(tmp_path):
    path = tmp_path / "o.jsonl"
    out = subprocess.run(
        [sys.executable, "-m", "intents", "--no-encoder", "--overrides", str(path), "teach",
         PHRASE, "returns.refund_progress"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["intent"] == "returns.refund_progress"
    assert load_overrides(path)[0].intent == "returns.refund_progress"
    bad = subprocess.run(
        [sys.executable, "-m", "intents", "--no-encoder", "--overrides", str(path), "teach",
         PHRASE, "nope.nope"],
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )
    assert bad.returncode == 2 and "not an intent" in bad.stderr
