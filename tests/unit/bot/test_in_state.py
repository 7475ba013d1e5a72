"""``bot.filters.InState`` passes exactly where aiogram's ``StateFilter`` passes, for every way
Kefu names states (a flow's group, several groups, one state, no state, any state)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram.filters import StateFilter
from aiogram.fsm.state import State, StatesGroup, any_state, default_state

from bot.desk.customer import Rating
from bot.filters import InState
from bot.flows import FLOWS
from bot.flows.base import Identity


class Outer(StatesGroup):
    first = State()

    class Inner(StatesGroup):
        deep = State()


GROUPS: list[Any] = [flow.states for flow in FLOWS]
EVERY_STATE: list[str | None] = [
    None, "", "*", "nothing:here", "Outer:first", "Outer.Inner:deep", "Inner:deep",
    *(name for group in [*GROUPS, Identity, Rating, Outer] for name in group.__all_states_names__),
]  # fmt: skip

NAMED: list[tuple[Any, ...]] = [
    (GROUPS[0],),
    tuple(GROUPS),
    (Identity.waiting_for_contact, *GROUPS),
    (Rating.waiting_for_comment,),
    (None,),
    (default_state,),
    ("*",),
    (any_state,),
    (Outer,),
    (Outer.Inner,),
    (Outer(),),  # a group given as an instance
    (Outer.Inner.deep, None),
]


@pytest.mark.parametrize("states", NAMED, ids=lambda states: ",".join(map(str, states))[:60])
def test_in_state_passes_where_aiograms_state_filter_passes(states: tuple[Any, ...]) -> None:
    ours, aiograms = InState(*states), StateFilter(*states)

    async def both(raw: str | None) -> tuple[bool, bool]:
        event: Any = object()
        return bool(await ours(event, raw_state=raw)), bool(await aiograms(event, raw_state=raw))

    results = [asyncio.run(both(raw)) for raw in EVERY_STATE]
    assert [a for a, _ in results] == [b for _, b in results]
    assert any(b for _, b in results)  # every row passes somewhere (a test that can fail)
