"""A return of two items where only one may go back: ``split_terms`` (which items, and the
refused ones' reasons), and the flow's offer answered in words rather than by its buttons."""

from __future__ import annotations

from decimal import Decimal

from bot.flows.returns import split_terms
from bus.contracts import DaySpan, QuoteReturn, ReturnItemTerms, ReturnTerms
from tests.support.bot import Harness
from tests.support.worker import PHONE
from tests.unit.bot.test_return_flow import ReturningWorker


def terms_of(*items: tuple[int, list[str]]) -> ReturnTerms:
    reasons: list[str] = []
    for _, said in items:
        reasons.extend(r for r in said if r not in reasons)
    return ReturnTerms(
        eligible=not reasons,
        reasons=reasons,
        items=[
            ReturnItemTerms(
                item_id=item_id, eligible=not said, reasons=said, kind="regular", quantity=1,
                amount=Decimal(0 if said else 100),
            )
            for item_id, said in items
        ],
        items_amount=Decimal(100),
        postage_refund=Decimal(0),
        refund_amount=Decimal(100),
        return_postage_payer="customer",
        return_address="杭州市余杭区示例路 1 号",
        refund_process_days=DaySpan(min=1, max=2),
        refund_arrival_days=DaySpan(min=1, max=5),
    )


def test_split_names_the_refused_items_and_only_their_reasons() -> None:
    terms = terms_of(
        (1, []), (2, ["custom_no_return"]), (3, ["window_expired", "custom_no_return"])
    )
    assert split_terms(terms) == ([1], [2, 3], ["custom_no_return", "window_expired"])


def test_no_split_when_all_go_back_none_do_or_the_order_is_refused() -> None:
    assert split_terms(terms_of((1, []), (2, []))) is None
    assert split_terms(terms_of((1, ["window_expired"]), (2, ["custom_no_return"]))) is None
    # an order-level reason refuses the whole, whatever an item says
    assert split_terms(terms_of((1, []), (2, ["not_delivered_yet"]))) is None


class JeansPastWindow(ReturningWorker):
    """The jeans (12) are past their window for any reason but the shop's fault."""

    def terms(self, request: QuoteReturn) -> ReturnTerms:
        terms = super().terms(request)
        if request.cause == "quality" or 12 not in {x.item_id for x in request.items}:
            return terms
        refused = {"eligible": False, "reasons": ["window_expired"]}
        items = [
            item.model_copy(update=refused) if item.item_id == 12 else item for item in terms.items
        ]
        return terms.model_copy(update={**refused, "items": items})


async def test_the_tee_alone_taken_when_yes_is_typed() -> None:
    worker = JeansPastWindow()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [offer] = await harness.say("KF20260001 T恤和牛仔裤都不想要了 都退")
    assert "高腰牛仔裤" in offer.split("\n")[0] and "纯棉圆领T恤" in offer, offer
    [fit] = await harness.say("好的")
    assert harness.t("returns.fit_question") in fit and "高腰牛仔裤" not in fit, fit
    [quote] = await harness.say("没穿过 吊牌还在")
    assert harness.t("button.confirm_return") in quote or "确认退货" in quote
    assert [line.item_id for line in worker.quotes[-1].items] == [11]
    await harness.press(harness.t("button.confirm_return"))
    [request] = worker.created
    assert [line.item_id for line in request.items] == [11]


async def test_no_typed_gives_a_person_and_makes_nothing() -> None:
    worker = JeansPastWindow()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 T恤和牛仔裤都不想要了 都退")
    [options] = await harness.say("不用了")
    assert harness.t("returns.offer_human") in options, options
    assert "高腰牛仔裤" in options and worker.created == []
