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


class JeansCustomMade(ReturningWorker):
    """The jeans (12) are custom-made: never refunded for her own reasons, a fault lifts it."""

    def terms(self, request: QuoteReturn) -> ReturnTerms:
        terms = super().terms(request)
        if request.cause == "quality" or 12 not in {x.item_id for x in request.items}:
            return terms
        refused = {"eligible": False, "reasons": ["custom_no_return"]}
        items = [
            item.model_copy(update={**refused, "kind": "custom"}) if item.item_id == 12 else item
            for item in terms.items
        ]
        return terms.model_copy(update={**refused, "items": items})


async def test_both_asked_with_a_custom_one_and_no_reason_asks_why_first() -> None:
    """"两件都想退" with no reason: the custom-made jeans are not refused with the tee before
    the reason is asked (a fault would lift their rule); her own reason then offers the tee."""
    worker = JeansCustomMade()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [why] = await harness.say("KF20260001 T恤和牛仔裤两件都想退")
    assert "方便说一下退货原因" in why and "纯棉圆领T恤" in why and "高腰牛仔裤" in why, why
    assert "不退款" not in why and "不能退" not in why, why
    [offer] = await harness.say("就是不想要了")
    assert "高腰牛仔裤" in offer.split("\n")[0] and "纯棉圆领T恤" in offer.split("\n")[-1], offer
    [fit] = await harness.say("好的")
    assert harness.t("returns.fit_question") in fit and "高腰牛仔裤" not in fit, fit


async def test_both_asked_with_a_custom_one_then_its_fault_takes_both() -> None:
    worker = JeansCustomMade()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 T恤和牛仔裤两件都想退")
    [quote] = await harness.say("两件都开线了")
    assert "确认退货" in quote, quote
    assert [line.item_id for line in worker.quotes[-1].items] == [11, 12]


class JeansReturnedAlready(ReturningWorker):
    """The jeans (12) are on a return already: no cause lifts it (a BLOCKING reason)."""

    def terms(self, request: QuoteReturn) -> ReturnTerms:
        terms = super().terms(request)
        if 12 not in {x.item_id for x in request.items}:
            return terms
        refused = {"eligible": False, "reasons": ["already_returned"]}
        items = [
            item.model_copy(update=refused) if item.item_id == 12 else item for item in terms.items
        ]
        return terms.model_copy(update={**refused, "items": items})


async def test_a_blocking_reason_of_one_item_offers_the_other() -> None:
    """Already returned: said of the jeans alone, before any reason is asked, and the tee
    offered; yes asks the tee's reason, and the return made is of the tee."""
    worker = JeansReturnedAlready()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    [offer] = await harness.say("KF20260001 T恤和牛仔裤两件都想退")
    first = offer.split("\n")[0]
    assert "高腰牛仔裤" in first and "纯棉圆领T恤" not in first, offer
    assert "已经在办理退货" in offer and "纯棉圆领T恤" in offer.split("\n")[-1], offer
    [why] = await harness.say("好")
    assert "方便说一下退货原因" in why and "高腰牛仔裤" not in why, why
    [fit] = await harness.say("尺码不合适")
    assert harness.t("returns.fit_question") in fit, fit
    [quote] = await harness.say("没穿过")
    assert "确认退货" in quote, quote
    await harness.press(harness.t("button.confirm_return"))
    [request] = worker.created
    assert [line.item_id for line in request.items] == [11]


async def test_a_blocking_reason_of_one_item_then_no_makes_nothing() -> None:
    worker = JeansReturnedAlready()
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 T恤和牛仔裤两件都想退")
    [options] = await harness.say("不用了")
    assert "高腰牛仔裤" in options and worker.created == [], options
