"""The intent catalogue: YAML data files validated by pydantic on load.

A catalogue is a directory of ``*.yaml`` files (the default one is ``intents/data/``) or a single
file. Each file holds a list of intents under the key ``intents``::

    intents:
      - id: shipping.dispatch_time        # group.name; the group must be one of GROUPS
        action: answer                    # answer | lookup | exchange | escalate | ask-slot
        title: {zh: 发货时间, en: When it ships}
        keywords: [什么时候发货, 几天发货, {text: 发货, weight: 0.6}]
        examples:
          zh: [付款后多久发货, ...]       # at least 15
          en: [when do you ship, ...]     # at least 8

Errors name the file and the line of the offending entry, e.g.
``intents/data/shipping.yaml:12: intents[0].examples.zh: List should have at least 15 items``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import yaml  # type: ignore[import-untyped, unused-ignore]
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CATALOG_DIR = Path(__file__).parent / "data"

GROUPS: tuple[str, ...] = (
    "shipping", "size", "color", "returns", "order", "bargain", "quality", "payment",
    "greeting", "thanks", "human", "complaint", "other",
)
FALLBACK_INTENT = "other.unknown"
MIN_ZH_EXAMPLES = 15
MIN_EN_EXAMPLES = 8

_ID = re.compile(r"^([a-z]+)\.([a-z][a-z0-9_]*)$")


class Action(StrEnum):
    ANSWER = "answer"
    LOOKUP = "lookup"
    EXCHANGE = "exchange"
    ESCALATE = "escalate"
    ASK_SLOT = "ask-slot"


class CatalogError(ValueError):
    """The catalogue could not be loaded; the message names file and line."""


NonEmpty = Annotated[str, Field(min_length=1, max_length=200)]


class Title(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: NonEmpty
    en: NonEmpty


class Keyword(BaseModel):
    """A keyword or phrase; finding it in a message is evidence for the intent.

    ``weight`` defaults by length: one CJK character 0.4, two 0.7, three or more 1.0; one English
    word 0.7, two or more 1.0.

    A *pair* ``地址…改`` (parts separated by ``…`` or ``...``) matches when every part occurs, in
    this order, at most ``MatcherConfig.pair_window`` characters apart (地址我要改成, 退货的话邮费);
    its weight defaults to 1.0, and keywords inside its parts do not count on their own.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    text: NonEmpty
    weight: float | None = Field(default=None, gt=0, le=3)


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    zh: list[NonEmpty] = Field(min_length=MIN_ZH_EXAMPLES)
    en: list[NonEmpty] = Field(min_length=MIN_EN_EXAMPLES)

    def all(self) -> list[str]:
        return [*self.zh, *self.en]


class Intent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    action: Action
    title: Title
    keywords: list[Keyword] = Field(min_length=1)
    examples: Examples

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        m = _ID.match(value)
        if not m:
            raise ValueError(f"id {value!r} must look like group.name (lowercase, a-z0-9_)")
        if m.group(1) not in GROUPS:
            raise ValueError(f"group {m.group(1)!r} of {value!r} is not one of {', '.join(GROUPS)}")
        return value

    @field_validator("keywords", mode="before")
    @classmethod
    def _keywords_from_strings(cls, value: Any) -> Any:
        if isinstance(value, list):
            # a bare number (618, 12315) is a keyword too
            return [
                {"text": str(v)} if isinstance(v, str | int | float) and not isinstance(v, bool)
                else v
                for v in value
            ]
        return value

    @property
    def group(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def title_zh(self) -> str:
        return self.title.zh

    @property
    def title_en(self) -> str:
        return self.title.en


class Catalog(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    intents: list[Intent] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_ids(self) -> Catalog:
        seen: set[str] = set()
        for intent in self.intents:
            if intent.id in seen:
                raise ValueError(f"duplicate intent id {intent.id!r}")
            seen.add(intent.id)
        return self

    def get(self, intent_id: str) -> Intent | None:
        for intent in self.intents:
            if intent.id == intent_id:
                return intent
        return None

    @property
    def ids(self) -> list[str]:
        return [i.id for i in self.intents]


class _FileModel(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intents: list[Intent] = Field(min_length=1)


def _node_line(node: yaml.Node | None, loc: Iterable[int | str]) -> int | None:
    """Follow a pydantic error location through the YAML node tree; 1-based line or None."""
    if node is None:
        return None
    line = int(node.start_mark.line) + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                if getattr(key_node, "value", None) == part:
                    node = value_node
                    break
            else:
                return line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
            else:
                return line
        else:
            return line
        line = int(node.start_mark.line) + 1
    return line


def _format_loc(loc: Iterable[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(file)"


def _load_file(path: Path) -> list[Intent]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read: {exc}") from exc
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        data = yaml.load(text, Loader=loader)  # CSafeLoader or SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        raise CatalogError(f"{where}: not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    if data is None:
        raise CatalogError(f"{path}:1: the file is empty; expected a mapping with 'intents'")
    try:
        return _FileModel.model_validate(data).intents
    except ValidationError as exc:
        node = yaml.compose(text, Loader=loader)  # the node tree knows every entry's line
        lines = []
        for err in exc.errors():
            loc = err["loc"]
            # field validators of a list item report the item's own path; keep the useful part
            line = _node_line(node, loc)
            lines.append(f"{path}:{line or 1}: {_format_loc(loc)}: {err['msg']}")
        raise CatalogError("invalid catalogue:\n" + "\n".join(lines)) from exc


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Load and validate a catalogue directory (all ``*.yaml``, sorted) or one YAML file."""
    root = Path(path) if path is not None else DEFAULT_CATALOG_DIR
    if root.is_dir():
        files = sorted([*root.glob("*.yaml"), *root.glob("*.yml")])
        if not files:
            raise CatalogError(f"{root}: no *.yaml catalogue files")
    elif root.is_file():
        files = [root]
    else:
        raise CatalogError(f"{root}: no such catalogue file or directory")
    intents: list[Intent] = []
    where: dict[str, Path] = {}
    for file in files:
        for intent in _load_file(file):
            if intent.id in where:
                raise CatalogError(
                    f"{file}: duplicate intent id {intent.id!r} (also in {where[intent.id]})"
                )
            where[intent.id] = file
            intents.append(intent)
    return Catalog(intents=intents)
