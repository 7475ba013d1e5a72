"""Another item of the order named at an exchange's confirmation ("actually not the jeans,
they're fine. the tee, i need it in L") is the one exchanged, with the size now named (jobs
batch 10, session 20: the L went on the jeans, refused as the size they already are)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bus.contracts import OrderItemView
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


def item(item_id: int, name: str, size: str) -> OrderItemView:
    return OrderItemView(
        item_id=item_id, product_id=item_id, product_name=name, kind="regular",
        sku=f"SKU-{item_id}", size=size, color="白色", price=Decimal(99), quantity=1,
    )  # fmt: skip



async def _jeans_to_m_asked() -> tuple[ScriptedWorker, Harness]:
    """A verified customer with a T-shirt (M) and jeans (L) delivered two days ago, at the
    confirmation of the jeans exchanged to M."""
    worker = ScriptedWorker(
        order_view(
            state="completed",
            items=[item(1, "纯棉圆领T恤", "M"), item(2, "高腰牛仔裤", "L")],
            delivered_at=datetime.now(UTC) - timedelta(days=2),
        )
    )
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 牛仔裤想换M码")
    return worker, harness

async def test_another_item_named_at_the_confirmation_is_the_one_exchanged() -> None:
    worker, harness = await _jeans_to_m_asked()
    assert (worker.quotes[-1].item_id, worker.quotes[-1].new_size) == (2, "M")
    replies = await harness.say("说错了 牛仔裤不用换 是T恤要换L")
    assert (worker.quotes[-1].item_id, worker.quotes[-1].new_size) == (1, "L")
    assert any("T恤" in reply and "L" in reply for reply in replies)


async def test_the_size_kept_at_the_confirmation_is_no_denial() -> None:
    """ "尺码不变 还是M" to the quote for a black M (jobs batch 10): read as a "no" (不), then
    as a size question — the size advice asked her height and weight, and her "确认" after it
    was taken for that."""
    worker = ScriptedWorker(
        order_view(
            state="completed",
            items=[item(1, "定制真丝衬衫", "M").model_copy(update={"kind": "custom"})],
            delivered_at=datetime.now(UTC) - timedelta(hours=6),
        )
    )
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("KF20260001 真丝衬衫想换黑色")
    assert (worker.quotes[-1].new_size, worker.quotes[-1].new_color) == ("M", "黑色")
    assert await harness.say("尺码不变 还是M") == [harness.t("exchange.condition_noted_confirm")]


async def test_an_item_said_to_stay_is_not_taken_for_the_other() -> None:
    """ "the tee is fine, ill keep it. just the jeans to XL" at the jeans' confirmation: the jeans
    stay the one (jobs batch 7's mind changed, kept by this change)."""
    worker, harness = await _jeans_to_m_asked()
    await harness.say("T恤挺好的不用换 牛仔裤换XL")
    assert (worker.quotes[-1].item_id, worker.quotes[-1].new_size) == (2, "XL")
