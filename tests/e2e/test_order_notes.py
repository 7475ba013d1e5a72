"""A special request written on the customer's order (备注), end to end through the fake Bot
API, the real worker and RabbitMQ, in Chinese and English: the order in view (or her only one
not shipped yet) found, the note read back once, written on her yes as a remark the warehouse
sees, and said so; the words asked for when she named none; the contact asked for when she
proved the order by its digits only; a parcel that has left refused plainly with what she can
still do; gift wrapping, which is no note, answered as before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from worker.db.models import Order, Remark

PAID = {"state": "paid", "delivered_ago": None, "paid_ago": timedelta(hours=3)}


async def remarks_of(stack, order_no: str) -> list[Remark]:
    async with stack.shop.db.read() as session:
        found = await session.scalars(
            select(Remark).join(Order).where(Order.order_no == order_no).order_by(Remark.id)
        )
        return list(found.all())


def read_back(stack, order_no: str, note: str, locale: str = "zh_CN", *extra: str) -> str:
    parts = [stack.replies.text("order.note.confirm", locale, order_no=order_no, note=note)]
    parts += [stack.replies.text(key, locale) for key in extra]
    parts.append(stack.replies.text("order.note.confirm_ask", locale))
    return stack.shown("\n".join(parts))


async def test_a_gift_note_on_the_order_in_view_is_read_back_then_written_zh(stack) -> None:
    """The words that got "礼品包装我定不了，要转人工吗？" before: a note on her order."""
    customer = stack.customer()
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    [card] = await customer.says(f"订单 {order.order_no}")
    assert order.order_no in card.text
    _card, confirm = await customer.says("是送人的 包裹里别放价格单和发票可以吗", replies=2)
    note = "是送人的 包裹里别放价格单和发票"
    assert confirm.text == read_back(stack, order.order_no, note)
    assert await remarks_of(stack, order.order_no) == []  # nothing written before the yes
    [done] = await customer.presses(confirm, "是的")
    assert done.text == stack.t("order.note.done", order_no=order.order_no, note=note)
    [remark] = await remarks_of(stack, order.order_no)
    assert remark.content.endswith(note) and remark.flag == "red"
    # the stale button pressed again (or the update redelivered): still one note
    query = customer.fake.user_presses_button(confirm, "是的", user_id=customer.user_id)
    await customer.says("谢谢")  # (after the press: a chat's updates are handled in turn)
    assert customer.fake.callback_answer(query) is not None
    assert len(await remarks_of(stack, order.order_no)) == 1
    # the same note asked again: on the order already, said so, nothing written twice
    _card, confirm = await customer.says("帮我备注一下 是送人的 包裹里别放价格单和发票", replies=2)
    [already] = await customer.presses(confirm, "是的")
    assert already.text.startswith(f"订单 {order.order_no} 上已经有这条备注了")
    assert len(await remarks_of(stack, order.order_no)) == 1


async def test_a_gift_note_in_english_goes_on_her_only_unshipped_order(stack) -> None:
    """ "add a note and remove the receipt" asked for the order, then offered a return."""
    customer = stack.customer(language_code="en")
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    _card, confirm = await customer.says(
        "its a gift for my mom, can you add a note and remove the receipt?", replies=2
    )
    note = "its a gift for my mom, and remove the receipt"
    assert confirm.text == read_back(stack, order.order_no, note, "en")
    assert confirm.button("Yes") and confirm.button("No")
    [done] = await customer.says("yes please")
    assert done.text == stack.t("order.note.done", "en", order_no=order.order_no, note=note)
    assert "warehouse" in done.text
    [remark] = await remarks_of(stack, order.order_no)
    assert remark.content.endswith(note) and remark.flag == "red"


async def test_the_words_are_asked_for_when_none_were_said_zh(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    _card, ask = await customer.says("帮我备注一下", replies=2)
    assert ask.text == stack.t("order.note.ask_text", order_no=order.order_no)
    [confirm] = await customer.says("放快递柜 别打电话")
    assert confirm.text == read_back(stack, order.order_no, "放快递柜 别打电话")
    [declined] = await customer.presses(confirm, "不是")
    assert declined.text == stack.t("order.note.declined")
    assert await remarks_of(stack, order.order_no) == []
    # "算了" at "what should it say?": no note, said so (never a note that reads "算了")
    _card, ask = await customer.says("帮我备注一下", replies=2)
    [dropped] = await customer.says("算了")
    assert dropped.text == stack.t("order.note.declined")
    assert await remarks_of(stack, order.order_no) == []
    # asked again, said yes: a delivery instruction is an ordinary (blue) remark
    _card, confirm = await customer.says("备注一下 放快递柜 别打电话", replies=2)
    [done] = await customer.says("好的")
    note = "放快递柜 别打电话"
    assert done.text == stack.t("order.note.done", order_no=order.order_no, note=note)
    [remark] = await remarks_of(stack, order.order_no)
    assert remark.flag == "blue"


async def test_proved_by_its_digits_the_contact_is_asked_before_the_note_en(stack) -> None:
    order = await stack.make_order(kind="regular", linked=False, **PAID)
    customer = stack.customer(language_code="en")
    [card] = await customer.says(f"{order.order_no} {order.phone[-4:]}")
    assert order.order_no in card.text
    _card, confirm = await customer.says(
        "please add a note to my order: leave it at the front door, no need to call", replies=2
    )
    note = "leave it at the front door, no need to call"
    assert confirm.text == read_back(stack, order.order_no, note, "en")
    [contact] = await customer.presses(confirm, "Yes")
    assert await remarks_of(stack, order.order_no) == []  # the digits read, never write
    assert contact.text  # her own contact asked for
    _linked, done = await customer.shares_contact(order.phone, replies=2)
    assert done.text == stack.t("order.note.done", "en", order_no=order.order_no, note=note)
    [remark] = await remarks_of(stack, order.order_no)
    assert remark.content.endswith(note)


async def test_a_parcel_that_has_left_takes_no_note_zh_and_en(stack) -> None:
    customer = stack.customer()
    order = await stack.make_order(
        kind="regular",
        state="shipped",
        delivered_ago=None,
        telegram_user_id=customer.user_id,
        paid_ago=timedelta(days=2),
        shipped_ago=timedelta(days=1),
    )
    async with stack.shop.db.read() as session:
        row_tracking = await session.scalar(
            select(Order.tracking_no).where(Order.order_no == order.order_no)
        )
    [_shown] = await customer.says(f"订单 {order.order_no}")
    _card, refused = await customer.says("帮我备注一下 别放发票", replies=2)
    assert refused.text == stack.t(
        "order.note.refused.already_shipped_tracked",
        order_no=order.order_no,
        tracking_no=row_tracking,
    )
    assert refused.button(stack.t("button.human"))
    english = stack.customer(language_code="en")
    done_order = await stack.make_order(
        kind="regular", state="completed", telegram_user_id=english.user_id
    )
    [_shown] = await english.says(f"my order {done_order.order_no}")
    _card, refused = await english.says("add a note to my order: no price tag inside", replies=2)
    assert refused.text == stack.t(
        "order.note.refused.order_completed", "en", order_no=done_order.order_no
    )
    assert await remarks_of(stack, order.order_no) == []
    assert await remarks_of(stack, done_order.order_no) == []


async def test_gift_wrapping_is_no_note_and_stays_honest_zh_and_en(stack) -> None:
    [wrap] = await stack.customer().says("能不能帮我包装成礼物")
    assert wrap.text == stack.t("bargain.gift_wrap")
    [wrap_en] = await stack.customer(language_code="en").says("can you gift wrap it")
    assert wrap_en.text == stack.t("bargain.gift_wrap", "en")
    # asked beside a note: the note read back, the wrapping said plainly not promised
    customer = stack.customer(language_code="en")
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    _card, confirm = await customer.says("pls add a note: gift wrap, no invoice inside", replies=2)
    assert confirm.text == read_back(
        stack, order.order_no, "gift wrap, no invoice inside", "en", "order.note.wrap_caveat"
    )
