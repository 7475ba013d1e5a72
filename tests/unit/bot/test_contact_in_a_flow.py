"""``/contact`` in the middle of a flow keeps the flow: once the contact is shared and linked,
the flow goes on from where it was (instead of the chat forgetting what it was doing)."""

from __future__ import annotations

from bot.flows.orders import OrderQuery
from bot.flows.size import SizeAdvice
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


async def state_of(harness: Harness, user_id: int = 5001) -> str | None:
    from aiogram.fsm.storage.base import StorageKey

    key = StorageKey(bot_id=harness.bot.id, chat_id=user_id, user_id=user_id)
    return await harness.dp.storage.get_state(key)


async def test_contact_while_an_order_question_waits_for_the_number_shows_the_order() -> None:
    worker = ScriptedWorker(order_view(state="shipped", address_refusal="already_shipped"))
    harness = Harness(worker.bus())
    [ask] = await harness.say("我的订单到哪了")
    assert ask == harness.t("ask.order_no")
    assert await state_of(harness) == OrderQuery.waiting_for_order.state
    [prompt] = await harness.say("/contact")
    assert prompt == harness.t("contact.prompt")
    assert await state_of(harness) == OrderQuery.waiting_for_order.state  # kept
    linked, card = await harness.share_contact(PHONE)
    assert linked == harness.t("contact.linked")
    assert "KF20260001" in card  # their only order, at once
    assert await state_of(harness) is None


async def test_contact_while_size_advice_waits_for_the_body_asks_for_it_again() -> None:
    harness = Harness(ScriptedWorker().bus())
    [ask] = await harness.say("我170 穿什么码")
    assert await state_of(harness) == SizeAdvice.waiting_for_body.state
    await harness.say("/contact")
    linked, again = await harness.share_contact(PHONE)
    assert linked == harness.t("contact.linked")
    assert again == ask  # the flow's question, with the height it already knows
    assert await state_of(harness) == SizeAdvice.waiting_for_body.state


async def test_contact_outside_any_flow_only_links() -> None:
    harness = Harness(ScriptedWorker().bus())
    await harness.say("/contact")
    assert await harness.share_contact(PHONE) == [harness.t("contact.linked")]
    assert await state_of(harness) is None


async def test_a_pause_for_the_contact_ends_with_a_person_when_the_number_is_unknown() -> None:
    worker = ScriptedWorker(order_view(state="paid", address_refusal=None))
    harness = Harness(worker.bus())
    await harness.say("我要改收货地址 KF20260001 尾号" + PHONE[-4:])
    assert await state_of(harness) == "Identity:waiting_for_contact"
    unknown, offer = await harness.share_contact("13800000000")
    assert unknown == harness.t("contact.unknown_phone")
    assert offer == harness.t("contact.not_order_owner")
    assert await state_of(harness) is None
