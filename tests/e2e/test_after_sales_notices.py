"""The shop's after-sales steps told to the customer in her own chat, in her chat's language:
her parcel received (and checked, or refused and why), her refund sent, her exchange's
replacement on its way — and her questions afterwards answered from the new state. Through
the real bot (aiogram's HTTP client against the fake Bot API), the real worker and RabbitMQ;
the steps go over the bus as ``kefu returns receive`` and the rest send them."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from uuid import uuid4

import pytest

from bus.contracts import (
    CreateReturn,
    ExchangeCreated,
    IssueRefund,
    ReceiveExchangeParcel,
    ReceiveReturn,
    RefundIssued,
    ReturnCreated,
    ReturnLine,
    ReturnReceived,
    ShipExchange,
)
from tests.e2e.desk import ticket_no_in, ticket_row
from tests.e2e.test_order_jobs import returns_of
from tests.integration.conftest import exchange_request

pytestmark = pytest.mark.asyncio(loop_scope="session")


def key() -> str:
    return f"test-{uuid4().hex}"


async def her_return(stack, language_code: str):
    """A customer who shared her contact (her chat's language set by her app), and a return of
    her order, delivered yesterday, waiting for its parcel."""
    await stack.dp["notices"].ready()
    customer = stack.customer(language_code=language_code)
    order = await stack.make_order(kind="regular", delivered_ago=timedelta(days=1), linked=False)
    await customer.shares_contact(order.phone)
    created = await stack.shop.rpc.call(
        CreateReturn(
            idempotency_key=key(),
            order_no=order.order_no,
            telegram_user_id=customer.user_id,
            items=[ReturnLine(item_id=order.item_id)],
            cause="size",
            fit_for_resale=True,
        )
    )
    assert isinstance(created, ReturnCreated), created
    return customer, order, created.record


def refund_values(stack, locale: str, amount: Decimal) -> dict[str, str]:
    refund = stack.replies.policy.returns.refund
    return {
        "amount": stack.replies.format_money(amount, locale),
        "process": str(refund.process_days),
        "arrival": str(refund.arrival_days),
    }


async def test_her_parcel_received_then_her_refund_sent_told_in_chinese(stack) -> None:
    """Before, nothing moved a return on: "你们收到我退的货了吗" could only ever hear that the
    parcel was awaited. Now the shop's receipt and refund reach her chat, and her questions
    read them."""
    customer, order, record = await her_return(stack, "zh-hans")
    received = await stack.shop.rpc.call(
        ReceiveReturn(idempotency_key=key(), return_no=record.return_no)
    )
    assert isinstance(received, ReturnReceived)
    [notice] = await customer.replies()
    values = refund_values(stack, "zh_CN", record.refund_amount)
    assert notice.text == stack.t(
        "notice.return_received", return_no=record.return_no, order_no=order.order_no, **values
    )
    status, _card = await customer.says("你们收到我退的货了吗", replies=2)
    when = stack.replies.format_datetime(received.received_at, "zh_CN")
    assert status.text == stack.t(
        "refund.status.received", return_no=record.return_no, received_at=when, **values
    )
    issued = await stack.shop.rpc.call(IssueRefund(idempotency_key=key(), number=record.return_no))
    assert isinstance(issued, RefundIssued)
    [notice] = await customer.replies()
    assert notice.text == stack.t(
        "notice.refund_issued",
        return_no=record.return_no,
        refund_no=issued.refund_no,
        **values,
    )
    status, _card = await customer.says("退款到哪了", replies=2)
    when = stack.replies.format_datetime(issued.issued_at, "zh_CN")
    assert status.text == stack.t(
        "refund.status.refunded", return_no=record.return_no, refunded_at=when, **values
    )


async def test_a_refused_parcel_is_told_in_english_with_why_and_a_person(stack) -> None:
    await stack.dp["notices"].ready()
    customer = stack.customer(language_code="en")
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    # her return made in her chat, in English
    await customer.says("I want to return it")
    await customer.says("changed my mind")
    await customer.says("yes")
    await customer.says("Confirm the return")
    [record] = await returns_of(stack, order.order_no)
    refused = await stack.shop.rpc.call(
        ReceiveReturn(
            idempotency_key=key(),
            return_no=record.return_no,
            outcome="refused",
            refusal="worn",
        )
    )
    assert isinstance(refused, ReturnReceived) and refused.state == "cancelled"
    [notice] = await customer.replies()
    why = stack.t("returns.refusal.worn", "en")
    assert notice.text == stack.t(
        "notice.return_refused", "en", return_no=record.return_no, order_no=order.order_no, why=why
    )
    assert "/human" in notice.text
    # asked afterwards: the refusal and why, never "we're still waiting for it"
    status, _card = await customer.says(f"where is my refund for {order.order_no}?", replies=2)
    when = stack.replies.format_datetime(refused.received_at, "en")
    assert status.text == stack.t(
        "refund.status.refused", "en", return_no=record.return_no, received_at=when, why=why
    )
    await customer.hears_nothing_more()


async def test_her_exchange_back_and_its_replacement_on_its_way(stack) -> None:
    await stack.dp["notices"].ready()
    customer = stack.customer()
    order = await stack.make_order(kind="custom", target_stock=2, linked=False)
    await customer.shares_contact(order.phone)
    created = await stack.shop.rpc.call(
        exchange_request(order, telegram_user_id=customer.user_id)
    )
    assert isinstance(created, ExchangeCreated), created
    rma_no = created.exchange.rma_no
    await stack.shop.rpc.call(ReceiveExchangeParcel(idempotency_key=key(), rma_no=rma_no))
    [notice] = await customer.replies()
    assert notice.text == stack.t(
        "notice.exchange_received", rma_no=rma_no, order_no=order.order_no
    )
    await stack.shop.rpc.call(
        ShipExchange(idempotency_key=key(), rma_no=rma_no, courier="sf", tracking_no="SF0011223344")
    )
    [notice] = await customer.replies()
    assert notice.text == stack.t(
        "notice.exchange_shipped",
        rma_no=rma_no,
        order_no=order.order_no,
        courier=stack.t("notice.courier.sf"),
        tracking_no="SF0011223344",
    )


async def test_did_you_get_it_with_the_order_number_says_where_the_return_is(stack) -> None:
    """ "KF… 你们收到我退的货了吗" is heard as a return asked again (the item is being returned
    already): it said only "already being returned, or refunded" — not whether the parcel came.
    Now it says where that return is, from its own state."""
    customer, order, record = await her_return(stack, "zh-hans")
    received = await stack.shop.rpc.call(
        ReceiveReturn(idempotency_key=key(), return_no=record.return_no)
    )
    assert isinstance(received, ReturnReceived)
    await customer.replies()  # the notice
    replies = await customer.says(f"{order.order_no} 你们收到我退的货了吗")
    values = refund_values(stack, "zh_CN", record.refund_amount)
    when = stack.replies.format_datetime(received.received_at, "zh_CN")
    assert replies[-1].text == stack.t(
        "refund.status.received", return_no=record.return_no, received_at=when, **values
    )
    await customer.hears_nothing_more()


@pytest.mark.parametrize(
    ("language_code", "locale", "words"),
    [
        ("zh-hans", "zh_CN", ["我想退货", "不想要了", "是的", "确认退货"]),
        ("en", "en", ["I want to return it", "changed my mind", "yes", "Confirm the return"]),
    ],
)
async def test_was_my_money_refunded_after_a_return_made_in_her_chat(
    stack, language_code: str, locale: str, words: list[str]
) -> None:
    """The return made in her chat is the chat's last job done, and "钱退了吗" / "did my money
    come back?" was answered as "is it done?" of that job: "the return RT… was made (at …),
    the details are above" — after the shop had refunded her, not a word of the money. A
    question about the money is the refund's: its state says it was sent, and when."""
    await stack.dp["notices"].ready()
    customer = stack.customer(language_code=language_code)
    order = await stack.make_order(
        kind="regular", delivered_ago=timedelta(days=1), telegram_user_id=customer.user_id
    )
    for text in words:
        await customer.says(text)
    [record] = await returns_of(stack, order.order_no)
    await stack.shop.rpc.call(ReceiveReturn(idempotency_key=key(), return_no=record.return_no))
    issued = await stack.shop.rpc.call(IssueRefund(idempotency_key=key(), number=record.return_no))
    assert isinstance(issued, RefundIssued)
    await customer.replies(2)  # the two notices
    asked = "钱退了吗" if locale == "zh_CN" else "did my money come back?"
    status = (await customer.says(asked))[0]
    values = refund_values(stack, locale, record.refund_amount)
    when = stack.replies.format_datetime(issued.issued_at, locale)
    assert status.text == stack.t(
        "refund.status.refunded", locale, return_no=record.return_no, refunded_at=when, **values
    )


@pytest.mark.parametrize(
    ("language_code", "locale", "dispute"),
    [
        ("en", "en", "what?? i never wore it, it was tried on once"),
        ("zh-hans", "zh_CN", "凭什么说我穿过 我就试了一下"),
    ],
)
async def test_her_dispute_of_a_refused_parcel_gets_a_colleague_offered(
    stack, language_code: str, locale: str, dispute: str
) -> None:
    """Told her parcel was refused on its check, she argues: "i never wore it!" got "Did you
    mean: complaint / where is my order / a faulty item?". It is her dispute of that check: a
    colleague offered to look at it again, and her yes is a ticket."""
    customer, _order, record = await her_return(stack, language_code)
    await customer.says("hello" if locale == "en" else "你好")  # her chat's language, written
    await stack.shop.rpc.call(
        ReceiveReturn(
            idempotency_key=key(), return_no=record.return_no, outcome="refused", refusal="worn"
        )
    )
    await customer.replies()  # the notice
    [offer] = await customer.says(dispute)
    assert offer.text == stack.t("returns.check_disputed", locale, return_no=record.return_no)
    [ticket] = await customer.presses(offer, offer.inline_buttons[0][0].text)
    row = await ticket_row(stack, ticket_no_in(ticket.text))
    assert row.reason == "ineligible"
    said = [line["text"] for line in row.transcript]
    why = stack.t("returns.refusal.worn", locale)
    assert any(why in line for line in said)  # the notice she disputes, in the transcript
    assert dispute in said
    await customer.hears_nothing_more()
