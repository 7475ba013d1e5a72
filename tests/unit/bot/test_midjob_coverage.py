"""Every state group of ``bot.flows`` has its "never mind" (``bot.handlers.midjob.NEVER_MIND``):
a new flow whose group is missing fails here — "算了" at its question was read as an answer
(or as "did you mean…?") and the flow kept waiting."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from aiogram.fsm.state import StatesGroup

import bot.flows
from bot.handlers.midjob import NEVER_MIND
from replies.render import Replies
from shop.policy import load_policy


def flow_state_groups() -> set[type[StatesGroup]]:
    groups: set[type[StatesGroup]] = set()
    for info in pkgutil.iter_modules(bot.flows.__path__, "bot.flows."):
        module = importlib.import_module(info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, StatesGroup) and value is not StatesGroup:
                groups.add(value)
    return groups


def test_every_flow_state_group_has_its_never_mind() -> None:
    groups = flow_state_groups()
    assert len(groups) >= 10  # the walk finds them (the check must be able to fail)
    missing = sorted(g.__full_group_name__ for g in groups - set(NEVER_MIND))
    assert not missing, f"add these state groups to bot.handlers.midjob.NEVER_MIND: {missing}"


def test_every_never_mind_reply_exists_in_both_languages() -> None:
    replies = Replies(load_policy())
    for key in set(NEVER_MIND.values()):
        for locale in ("zh_CN", "en"):
            assert replies.text(key, locale)
