"""The return flow on the in-memory bus: every request and reply crosses JSON as on the wire.
Two items, "all of them", the shop's fault (no condition question, the shop pays the postage),
the quote, the confirmation under one idempotency key, and the number."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from bus.contracts import (
    ContactRequired,
    CreateReturn,
    DaySpan,
    OrderItemView,
    OrderNotFound,
    QuoteReturn,
    ReturnCreated,
    ReturnItemTerms,
    ReturnItemView,
    ReturnRejected,
    ReturnTerms,
    ReturnView,
    Throttled,
)
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker

ITEMS = [
    OrderItemView(
        item_id=item_id,
        product_id=item_id,
        product_name=name,
        kind="regular",
        sku=f"SKU{item_id}",
        size="M",
        color="白色",
        price=Decimal(price),
        quantity=1,
    )
    for item_id, name, price in ((11, "纯棉圆领T恤", 99), (12, "高腰牛仔裤", 199))
]


class ReturningWorker(ScriptedWorker):
    def __init__(self) -> None:
        super().__init__(order_view(state="shipped", items=ITEMS, delivered_at=datetime.now(UTC)))
        self.quotes: list[QuoteReturn] = []
        self.created: list[CreateReturn] = []

    def terms(self, request: QuoteReturn) -> ReturnTerms:
        amount = sum(
            (i.price for i in ITEMS if i.item_id in {x.item_id for x in request.items}), Decimal(0)
        )
        return ReturnTerms(
            eligible=True,
            items=[
                ReturnItemTerms(
                    item_id=x.item_id, eligible=True, kind="regular", quantity=1, amount=amount
                )
                for x in request.items
            ],
            items_amount=amount,
            postage_refund=Decimal(0),
            refund_amount=amount,
            return_postage_payer="seller" if request.cause == "quality" else "customer",
            seller_postage="reimbursed" if request.cause == "quality" else None,
            return_address="杭州市余杭区示例路 1 号 可芙小店售后组",
            refund_process_days=DaySpan(min=1, max=2),
            refund_arrival_days=DaySpan(min=1, max=5),
        )

    async def quote(
        self, request: QuoteReturn
    ) -> ReturnTerms | OrderNotFound | Throttled | ContactRequired:
        self.quotes.append(request)
        return self.terms(request)

    async def create(
        self, request: CreateReturn
    ) -> ReturnCreated | ReturnRejected | OrderNotFound | Throttled | ContactRequired:
        if not self.owner(request.telegram_user_id):
            return ContactRequired(reason="write")
        self.created.append(request)
        terms = self.terms(QuoteReturn(**request.model_dump(exclude={"idempotency_key"})))
        record = ReturnView(
            return_no="RT202612010001",
            order_no=request.order_no,
            state="awaiting_return",
            cause=request.cause,
            items=[
                ReturnItemView(
                    item_id=i.item_id,
                    product_name=i.product_name,
                    sku=i.sku,
                    size=i.size,
                    color=i.color,
                    quantity=1,
                    unit_price=i.price,
                    amount=i.price,
                )
                for i in ITEMS
            ],
            items_amount=terms.items_amount,
            postage_refund=Decimal(0),
            refund_amount=terms.refund_amount,
            return_postage_payer=terms.return_postage_payer,
            seller_postage=terms.seller_postage,
            created_at=datetime.now(UTC),
        )
        return ReturnCreated(
            record=record,
            return_address=terms.return_address,
            refund_process_days=terms.refund_process_days,
            refund_arrival_days=terms.refund_arrival_days,
        )

    def routes(self):
        return [
            *super().routes(),
            QuoteReturn.served_by(self.quote),
            CreateReturn.served_by(self.create),
        ]


async def test_both_items_returned_for_a_quality_problem_with_the_shop_paying_postage() -> None:
    worker = ReturningWorker()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [choose] = await harness.say("KF20260001 这单我要退货")
    assert choose == harness.t("returns.choose_item", order_no="KF20260001")
    [why] = await harness.press(harness.t("button.return_all"))
    assert "纯棉圆领T恤" in why and "高腰牛仔裤" in why
    # The shop's fault: no question about tags and wear, the quote at once.
    [quote] = await harness.press(harness.t("returns.cause.quality"))
    assert "298" in quote and harness.t("returns.postage.seller_reimbursed") in quote
    [done] = await harness.press(harness.t("button.confirm_return"))
    assert "RT202612010001" in done and "298" in done
    [request] = worker.created
    assert [line.item_id for line in request.items] == [11, 12]
    assert (request.cause, request.fit_for_resale) == ("quality", True)
    assert request.idempotency_key.startswith("tg:5001:")
    assert {q.cause for q in worker.quotes} == {"changed_mind", "quality"}


async def test_words_instead_of_a_reason_hear_the_buttons_and_a_new_question_leaves() -> None:
    worker = ReturningWorker()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 这单我要退货")
    await harness.press("纯棉圆领T恤")
    [again] = await harness.say("嗯嗯")
    assert again == harness.t("returns.ask_cause_again")
    answers = await harness.say("运费怎么算")
    assert answers and harness.t("returns.ask_cause_again") not in answers
    assert worker.created == []
