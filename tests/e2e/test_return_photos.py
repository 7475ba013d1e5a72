"""A photo for her return is kept with it, end to end through the fake Bot API, the real
worker and RabbitMQ: sent after the return is confirmed (the return just made), sent before
(held and put on it as it is made), and with several returns under way (she picks which).
Found in console rounds: a photo after "退货单 RT… 已生成" got "shall I pass it to a
colleague?", as if the return did not exist."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

from sqlalchemy import select

from bus.contracts import CreateReturn, ReturnCreated, ReturnLine
from worker.db.models import Order, Return, ReturnPhoto


async def photos_of(stack, return_no: str) -> list[ReturnPhoto]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(ReturnPhoto)
            .join(Return, Return.id == ReturnPhoto.return_id)
            .where(Return.return_no == return_no)
            .order_by(ReturnPhoto.id)
        )
        return list(found.all())


async def returns_of(stack, order_no: str) -> list[Return]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(select(Return).join(Order).where(Order.order_no == order_no))
        return list(found.all())


async def up_to_the_quote(customer, start: str, size: str, yes: str):
    [why] = await customer.says(start)
    [fit] = await customer.presses(why, size)
    [quote] = await customer.presses(fit, yes)
    return quote


async def test_a_photo_after_her_return_is_confirmed_goes_with_it_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    quote = await up_to_the_quote(customer, "我要退货", "尺码不合适", "是的")
    [made] = await customer.presses(quote, "确认退货")
    [record] = await returns_of(stack, order.order_no)
    assert record.return_no in made.text
    [kept] = await customer.sends_photo(caption="吊牌都在 没穿过")
    assert kept.text == stack.t(
        "return_photo.kept", return_no=record.return_no, order_no=order.order_no
    )
    assert "转给" not in kept.text and not kept.inline_buttons  # no "pass it to a colleague?"
    [photo] = await photos_of(stack, record.return_no)
    assert photo.caption == "吊牌都在 没穿过" and photo.file_id and photo.file_unique_id
    [second] = await customer.sends_photo()
    assert second.text == stack.t(
        "return_photo.kept_many", return_no=record.return_no, order_no=order.order_no, count="2"
    )
    assert len(await photos_of(stack, record.return_no)) == 2


async def test_a_photo_sent_before_confirming_goes_on_the_return_as_it_is_made_en(stack) -> None:
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    quote = await up_to_the_quote(customer, "I want to return this", "Size doesn't fit", "Yes")
    assert quote.button("Confirm")
    [held] = await customer.sends_photo(caption="this is how it looks on me")
    assert held.text == stack.t("return_photo.held", "en")
    assert await returns_of(stack, order.order_no) == []  # nothing made before she confirms
    [made] = await customer.presses(quote, "Confirm")
    [record] = await returns_of(stack, order.order_no)
    assert record.return_no in made.text
    assert stack.t("return_photo.with_created", "en", return_no=record.return_no) in made.text
    [photo] = await photos_of(stack, record.return_no)
    assert photo.caption == "this is how it looks on me"


async def test_with_two_returns_under_way_she_picks_which_the_photo_is_for(stack) -> None:
    """Two returns of hers under way and none in view: which one? (their numbers as buttons);
    the one pressed keeps the photo. Right after the bot made one, that one is in view: no
    question."""
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular",
        also=("regular",),
        delivered_ago=timedelta(days=1),
        telegram_user_id=customer.user_id,
    )
    made = []
    for item_id in order.item_ids:
        reply = await stack.shop.rpc.call(
            CreateReturn(
                idempotency_key=f"test-{uuid4().hex}",
                order_no=order.order_no,
                telegram_user_id=customer.user_id,
                items=[ReturnLine(item_id=item_id)],
                cause="size",
                fit_for_resale=True,
            )
        )
        assert isinstance(reply, ReturnCreated)
        made.append(reply.record.return_no)
    [which] = await customer.sends_photo(caption="退货的衣服 拍给你们看下")
    assert which.text == stack.t("return_photo.which")
    assert [b.text for row in which.inline_buttons for b in row] == made[::-1]  # newest first
    [kept] = await customer.presses(which, made[0])
    assert kept.text == stack.t("return_photo.kept", return_no=made[0], order_no=order.order_no)
    assert len(await photos_of(stack, made[0])) == 1 and await photos_of(stack, made[1]) == []


async def test_a_photo_with_no_return_in_view_is_kept_for_a_person_as_before(stack) -> None:
    customer = stack.customer()
    [kept] = await customer.sends_photo()
    assert kept.text == stack.t("media.photo_kept")


async def test_a_photo_sent_before_the_return_was_asked_goes_on_it_zh(stack) -> None:
    """"看 这里开线了" + photo with no return in view (kept for a person, as before), then "我要
    退货": the return made takes the photo, where the after-sales team sees it, and says so."""
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    [kept] = await customer.sends_photo(caption="裤脚这里开线了")
    assert kept.text == stack.t("media.photo_kept")
    quote = await up_to_the_quote(customer, "我要退货", "尺码不合适", "是的")
    [made] = await customer.presses(quote, "确认退货")
    [record] = await returns_of(stack, order.order_no)
    assert stack.t("return_photo.with_created", return_no=record.return_no) in made.text
    [photo] = await photos_of(stack, record.return_no)
    assert photo.caption == "裤脚这里开线了"
