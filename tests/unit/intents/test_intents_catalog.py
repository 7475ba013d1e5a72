"""The catalogue: the fixed intent contract, and clear errors for a shop owner's edits."""

import pytest

from intents import GROUPS, CatalogError, IntentEngine, load_catalog
from intents.catalog import MIN_EN_EXAMPLES, MIN_ZH_EXAMPLES

# The fixed contract between intents/, replies/ and bot/: id -> action.
CONTRACT = {
    "shipping.dispatch_time": "answer", "shipping.delivery_time": "answer",
    "shipping.courier": "answer", "shipping.fee": "answer", "shipping.region": "answer",
    "size.recommend": "ask-slot", "size.chart": "answer", "size.fit": "answer",
    "color.difference": "answer", "color.real_color": "answer", "color.options": "answer",
    "returns.return": "answer", "returns.exchange": "exchange",
    "returns.refund_progress": "lookup", "returns.postage": "answer", "returns.address": "answer",
    "order.status": "lookup", "order.change_address": "lookup", "order.cancel": "lookup",
    "bargain.discount": "answer", "quality.material": "answer", "quality.smell": "answer",
    "quality.authenticity": "answer", "quality.problem": "escalate", "payment.methods": "answer",
    "payment.cod": "answer", "greeting.hello": "answer", "thanks.bye": "answer",
    "human.agent": "escalate", "complaint.general": "escalate", "other.unknown": "escalate",
}


def test_default_catalogue_holds_every_contract_intent_with_its_action():
    catalog = load_catalog()
    for intent_id, action in CONTRACT.items():
        intent = catalog.get(intent_id)
        assert intent is not None, intent_id
        assert intent.action.value == action, intent_id


def test_every_intent_is_in_a_fixed_group_with_titles_and_enough_examples():
    catalog = load_catalog()
    for intent in catalog.intents:
        assert intent.group in GROUPS
        assert intent.title_zh and intent.title_en
        assert len(intent.examples.zh) >= MIN_ZH_EXAMPLES
        assert len(intent.examples.en) >= MIN_EN_EXAMPLES
        assert intent.keywords


def test_engine_exposes_the_catalogue():
    engine = IntentEngine.load()
    assert {i.id for i in engine.catalog.intents} >= set(CONTRACT)


_ZH = ", ".join(f"例句{i}" for i in range(15))
_EN = ", ".join(f"example {i}" for i in range(8))
GOOD = f"""\
intents:
  - id: shipping.dispatch_time
    action: answer
    title: {{zh: 发货时间, en: When it ships}}
    keywords: [什么时候发货, 618]
    examples:
      zh: [{_ZH}]
      en: [{_EN}]
"""


def test_a_valid_single_file_loads(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD, encoding="utf-8")
    catalog = load_catalog(path)
    assert catalog.ids == ["shipping.dispatch_time"]
    assert [k.text for k in catalog.intents[0].keywords] == ["什么时候发货", "618"]


def test_too_few_examples_names_file_and_line(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(GOOD.replace("例句14, ", "").replace(", 例句14", ""), encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = str(err.value)
    assert f"{path}:7:" in message  # the zh: line
    assert "examples.zh" in message and "at least 15" in message


def test_unknown_group_and_bad_action_are_reported_with_lines(tmp_path):
    path = tmp_path / "shop.yaml"
    bad = GOOD.replace("shipping.dispatch_time", "weather.today").replace("answer", "dance")
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = str(err.value)
    assert f"{path}:2: intents[0].id:" in message and "weather" in message
    assert f"{path}:3: intents[0].action:" in message


def test_broken_yaml_names_the_line(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text("intents:\n  - id: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"shop\.yaml:\d+: not valid YAML"):
        load_catalog(path)


def test_duplicate_ids_across_files_are_rejected(tmp_path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(GOOD, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"duplicate intent id 'shipping\.dispatch_time'"):
        load_catalog(tmp_path)


def test_missing_catalogue_and_empty_file_are_clear_errors(tmp_path):
    with pytest.raises(CatalogError, match="no such catalogue"):
        load_catalog(tmp_path / "nope")
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    with pytest.raises(CatalogError, match="empty"):
        load_catalog(tmp_path / "empty.yaml")


def test_unknown_field_is_rejected(tmp_path):
    path = tmp_path / "shop.yaml"
    path.write_text(GOOD.replace("    action: answer\n", "    action: answer\n    colour: red\n"),
                    encoding="utf-8")
    with pytest.raises(CatalogError, match=r"shop\.yaml:4: intents\[0\]\.colour"):
        load_catalog(path)
