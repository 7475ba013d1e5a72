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
    # (its card just above: the note read back at once, not the card again)
    [confirm] = await customer.says("是送人的 包裹里别放价格单和发票可以吗")
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
    [confirm] = await customer.says("帮我备注一下 是送人的 包裹里别放价格单和发票")
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
    [ask] = await customer.says("帮我备注一下")  # (the card shown a moment ago: not again)
    [dropped] = await customer.says("算了")
    assert dropped.text == stack.t("order.note.declined")
    assert await remarks_of(stack, order.order_no) == []
    # asked again, said yes: a delivery instruction is an ordinary (blue) remark
    [confirm] = await customer.says("备注一下 放快递柜 别打电话")
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
    [confirm] = await customer.says(
        "please add a note to my order: leave it at the front door, no need to call"
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
    [refused] = await customer.says("帮我备注一下 别放发票")
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
    [refused] = await english.says("add a note to my order: no price tag inside")
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


# -- a note asked beside another change (jobs batch 4: the whole message was written as the note,
# the change dropped; or the note offered with a button and lost once she shared her contact)


async def test_an_address_change_and_a_note_in_one_message_are_both_done_zh(stack) -> None:
    """ "地址改成… 放门卫就行": the address read back with the note beside it, one yes for both;
    the note holds its own words only (never the address)."""
    customer = stack.customer()
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    card, parsed = await customer.says(
        "地址改成上海市徐汇区漕溪北路398号汇智大厦1203室 放门卫就行", replies=2
    )
    assert order.order_no in card.text
    beside = stack.t("order.note.beside", note="放门卫就行")
    assert beside in parsed.text and "漕溪北路398号汇智大厦1203室" in parsed.text
    assert parsed.text.endswith("对吗？确认后我再提交修改。")  # the read-back's question last
    assert await remarks_of(stack, order.order_no) == []  # nothing written before the yes
    changed, noted = await customer.presses(parsed, "没问题", replies=2)
    assert changed.text.startswith("地址已改好") and "漕溪北路398号" in changed.text
    assert noted.text == stack.t("order.note.done", order_no=order.order_no, note="放门卫就行")
    notes = [r.content for r in await remarks_of(stack, order.order_no) if "放门卫" in r.content]
    assert len(notes) == 1 and "漕溪" not in notes[0] and "地址" not in notes[0]
    async with stack.shop.db.read() as session:
        row = await session.scalar(select(Order).where(Order.order_no == order.order_no))
    assert row is not None and row.province == "上海"


async def test_a_gift_note_then_the_address_asked_goes_on_after_the_contact_zh(stack) -> None:
    """Batch 4's words: the note first, the address change after "还有"; her contact shared at
    "which order?", the new address typed at its question — both done on her one yes."""
    order = await stack.make_order(kind="regular", linked=False, **PAID)
    customer = stack.customer()
    [ask] = await customer.says("是送朋友的生日礼物 包裹里别放价格单哈 还有收货地址我也要改一下")
    assert ask.text == stack.t("ask.order_no")
    await customer.hears_nothing_more()  # (the note is no separate job offered with a button)
    *_linked, asked = await customer.shares_contact(order.phone, replies=3)
    assert asked.text == stack.t("address.ask_new")
    [parsed] = await customer.says("上海市徐汇区漕溪北路398号汇智大厦1203室")
    note = "是送朋友的生日礼物 包裹里别放价格单哈"
    assert stack.t("order.note.beside", note=note) in parsed.text
    _changed, noted = await customer.says("对的", replies=2)
    assert noted.text == stack.t("order.note.done", order_no=order.order_no, note=note)
    [remark] = [r for r in await remarks_of(stack, order.order_no) if "价格单" in r.content]
    assert remark.content.endswith(note) and "地址" not in remark.content


async def test_a_size_change_and_a_note_in_one_message_are_both_done_en(stack) -> None:
    """ "change it to L please, and add a note to leave it in the parcel locker, dont call me":
    the size said back with the note, one yes; a change declined and then picked from the sizes
    in stock leaves the note read back on its own (she never saw it beside the new size)."""
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular", telegram_user_id=customer.user_id, size="M", **PAID
    )
    _card, confirm = await customer.says(
        "change it to L please, and add a note to leave it in the parcel locker, dont call me",
        replies=2,
    )
    note = "leave it in the parcel locker, dont call me"
    assert "L / black" in confirm.text
    assert stack.t("order.note.beside", "en", note=note) in confirm.text
    changed, noted = await customer.says("yes", replies=2)
    assert "L / black" in changed.text
    assert noted.text == stack.t("order.note.done", "en", order_no=order.order_no, note=note)
    [remark] = [r for r in await remarks_of(stack, order.order_no) if "locker" in r.content]
    assert remark.content.endswith(note) and " L" not in remark.content
    # in Chinese: "不是" to the change, a size picked from the buttons — the note on its own
    other = stack.customer()
    second = await stack.make_order(
        kind="regular", telegram_user_id=other.user_id, size="M", **PAID
    )
    _card, confirm = await other.says("改成L码 备注一下别打电话", replies=2)
    assert stack.t("order.note.beside", note="别打电话") in confirm.text
    [sizes] = await other.presses(confirm, "不是")
    changed, alone = await other.presses(sizes, "S / 黑色", replies=2)
    assert "S / 黑色" in changed.text
    assert alone.text == read_back(stack, second.order_no, "别打电话")
    assert [r for r in await remarks_of(stack, second.order_no) if "电话" in r.content] == []
    [done] = await other.presses(alone, "是的")
    assert done.text == stack.t("order.note.done", order_no=second.order_no, note="别打电话")


async def test_a_note_read_back_is_confirmed_by_a_yes_and_what_it_does_zh_and_en(stack) -> None:
    """ "可以 就这么写", "yes add it": the yes and the thing asked, done as asked, write the note
    read back (blind jobs batch 7: "please answer yes or no", and the note never went on)."""
    for locale, asked, yes in (
        ("zh_CN", "麻烦备注一下 到了先打电话 白天家里没人", "可以 就这么写"),
        ("en", "please add a note: phone me first, nobody home in the day", "yes add it"),
    ):
        customer = stack.customer(language_code="en" if locale == "en" else "zh-hans")
        order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
        await customer.says(f"{order.order_no}")
        # (the order's card just shown: the note's step at once, no card again)
        [confirm] = await customer.says(asked)
        assert order.order_no in confirm.text  # the note read back
        assert await remarks_of(stack, order.order_no) == []
        [done] = await customer.says(yes)
        assert order.order_no in done.text
        assert len(await remarks_of(stack, order.order_no)) == 1, locale


async def test_two_orders_asked_to_ship_together_is_a_note_never_a_change(stack) -> None:
    """Found by jobs batch 9 (session 19): "两单能合并一起发吗" started a change of size or
    colour ("can't change an unpaid order"). The shop's rules don't say whether parcels are
    combined: her wish is read back as a note on the order, and written on her yes — nothing
    promised."""
    customer = stack.customer()
    order = await stack.make_order(kind="regular", telegram_user_id=customer.user_id, **PAID)
    replies = await customer.says(f"{order.order_no} 我还拍了一单 两单能合并一起发吗", replies=2)
    confirm = replies[-1]
    assert order.order_no in confirm.text and "合并一起发" in confirm.text
    assert confirm.button("是的") and "尺码" not in confirm.text
    [done] = await customer.presses(confirm, "是的")
    assert order.order_no in done.text
    [remark] = await remarks_of(stack, order.order_no)
    assert "合并一起发" in remark.content
    english = stack.customer(language_code="en")
    other = await stack.make_order(kind="regular", telegram_user_id=english.user_id, **PAID)
    asked = f"{other.order_no} can you ship it together with my other order?"
    replies = await english.says(asked, replies=2)
    assert other.order_no in replies[-1].text and replies[-1].button("Yes")
