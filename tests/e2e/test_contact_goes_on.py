"""A shared contact never ends in silence: what waited outside a flow goes on once it is
linked (``bot.handlers.identity.go_on_after_contact``) — a "did you mean…?" asked again, a lost
parcel with the money back asked ends with a person (blind jobs batch 3)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.test_named_item_jobs import name_product, urges_of
from tests.support.bot import engine

UNCLEAR = ["那个快递的事", "衣服的问题", "退还是换呢", "about my parcel", "能换吗"]


async def test_a_did_you_mean_left_waiting_through_the_contact_is_asked_again(stack) -> None:
    order = await stack.make_order(kind="regular", state="shipped")
    unclear = [p for p in UNCLEAR if engine().match(p).outcome == "clarify"]
    assert unclear, "no clarify outcome among the unclear phrases: update UNCLEAR"
    customer = stack.customer()
    [question] = await customer.says(unclear[0])
    assert question.text == stack.t("clarify.header")
    linked, again = await customer.shares_contact(order.phone, replies=2)
    assert linked.text == stack.t("contact.linked")
    assert again.text == stack.t("clarify.header")  # not "verified" and then nothing
    choices = [b.text for row in again.inline_buttons for b in row]
    assert choices == [b.text for row in question.inline_buttons for b in row]
    # a choice still answers the question she asked before the contact
    [answer, *_] = await customer.presses(again, choices[0])
    assert answer.text != stack.t("clarify.header")
    assert answer.text != stack.t("clarify.rephrase")


async def test_a_did_you_mean_long_behind_her_is_not_asked_again(stack) -> None:
    """Three questions later, the contact shared is not an answer to the old "did you mean…?"."""
    order = await stack.make_order(kind="regular", state="shipped")
    unclear = [p for p in UNCLEAR if engine().match(p).outcome == "clarify"]
    customer = stack.customer()
    [question] = await customer.says(unclear[0])
    assert question.text == stack.t("clarify.header")
    for asked in ("寄北京包邮吗", "你们用什么快递", "一般几天发货"):
        await customer.says(asked)
    [linked] = await customer.shares_contact(order.phone)
    assert linked.text == stack.t("contact.linked")
    await customer.hears_nothing_more()


async def test_a_lost_parcel_with_her_money_back_is_chased_and_goes_to_a_person_en(stack) -> None:
    blazer = await stack.long_in_transit_order()
    customer = stack.customer(language_code="en")
    [ask] = await customer.says(
        "my blazer has been in transit for nearly 4 weeks, i think it's lost. i want my money back"
    )
    assert ask.reply_buttons[0][0].request_contact  # not "did you mean: returns?"
    _, sorry, urged, told, ticket = await customer.shares_contact(blazer.phone, replies=5)
    assert blazer.order_no in sorry.text
    assert urged.text == stack.t("order.urged.delivery", "en")
    assert told.text == stack.t("order.lost_money_back.no_desk", "en", order_no=blazer.order_no)
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "not_received" and saved.order_no == blazer.order_no
    assert saved.ticket_no in ticket.text


async def overdue_trousers(stack):
    """A paid order of wide-leg trousers, ten days after payment and not shipped (late)."""
    order = await stack.make_order(
        kind="regular", state="paid", delivered_ago=None, paid_ago=timedelta(days=10)
    )
    await name_product(stack, order.product_id, "亚麻阔腿裤", "Linen Wide-leg Trousers")
    return order


async def test_when_her_ordered_item_ships_is_her_order_once_verified_zh(stack) -> None:
    """ "阔腿裤啥时候发货" from a customer whose trousers are late: the shop's times and the
    contact asked, and once it is shared her own order — late, its chase offered, chased."""
    order = await overdue_trousers(stack)
    customer = stack.customer()
    general, ask = await customer.says("阔腿裤啥时候发货", replies=2)
    assert general.text == stack.answer("shipping.dispatch_time")
    assert ask.text == stack.t("timing.own_order_contact")
    assert ask.reply_buttons[0][0].request_contact
    _, card, late = await customer.shares_contact(order.phone, replies=3)
    assert order.order_no in card.text
    assert late.button("催")  # the chase offered for the late order
    [urged] = await customer.says("好")
    assert urged.text == stack.t("order.urged.dispatch")
    assert len(await urges_of(stack, order.order_no)) == 1


async def test_when_her_ordered_item_ships_verified_already_is_her_order_en(stack) -> None:
    order = await overdue_trousers(stack)
    customer = stack.customer(language_code="en")
    await customer.shares_contact(order.phone)
    card, late = await customer.says("when will the wide-leg trousers ship?", replies=2)
    assert order.order_no in card.text and late.button("Talk to a person")
    # an item she has no order for: the shop's times, nothing asked
    [general] = await customer.says("when does the hoodie ship?")
    assert general.text == stack.answer("shipping.dispatch_time", "en")
