"""A newcomer can find their way (issue 13): ``/help`` and docs/bot.md name exactly the commands
the bot registers for customers, and no page of the documentation links to a file (or a
heading) that doesn't exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiogram.filters import Command

from bot.handlers import commands
from tests.support.bot import replies

ROOT = Path(__file__).parents[3]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
COMMAND = re.compile(r"(?<![\w/])/([a-z]+)\b")


def registered() -> list[frozenset[str]]:
    """The customers' commands, each as the names that reach one handler (/lang, /language)."""
    found = []
    for handler in commands.get_router().message.handlers:
        for flt in handler.filters or ():
            if isinstance(flt.callback, Command):
                found.append(frozenset(str(c) for c in flt.callback.commands))
    return found


@pytest.mark.parametrize("locale", replies().locales)
def test_help_names_every_customer_command_and_only_those(locale: str) -> None:
    help_text = replies().text("help", locale)
    named = set(COMMAND.findall(help_text))
    groups = registered()
    missing = [sorted(g) for g in groups if not named & g]
    assert not missing, f"/help ({locale}) does not name {missing}"
    known = set().union(*groups)
    assert named <= known, f"/help ({locale}) names commands nobody handles: {named - known}"


def test_docs_bot_md_names_the_same_commands_as_help() -> None:
    text = (ROOT / "docs" / "bot.md").read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("* `/start`"))
    bullet = [lines[start]]
    for ln in lines[start + 1:]:
        if not ln.startswith("  "):
            break
        bullet.append(ln)
    named = set(COMMAND.findall(" ".join(bullet)))
    groups = registered()
    assert all(named & g for g in groups), (named, groups)
    assert named <= set().union(*groups)


LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {slug(ln.lstrip("#")) for ln in lines if re.match(r"#{1,6} ", ln)}


@pytest.mark.parametrize("page", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_relative_link_reaches_a_file_and_heading(page: Path) -> None:
    broken = []
    for target in LINK.findall(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target) or target.startswith("<"):
            continue  # http(s), mailto: not ours to check
        file_part, _, anchor = target.partition("#")
        path = (page.parent / file_part).resolve() if file_part else page
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)} links to what doesn't exist: {broken}"


def test_the_link_check_sees_a_broken_link(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# Title\nsee [there](missing.md) and [here](#title)\n", encoding="utf-8")
    assert LINK.findall(page.read_text(encoding="utf-8")) == ["missing.md", "#title"]
    assert not (tmp_path / "missing.md").exists() and "title" in anchors(page)
