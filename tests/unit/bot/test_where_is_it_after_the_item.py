"""Where "it" is, asked a message after she named the item ("my down jacket", then "sorry got
distracted. where is it now?"): her order of that item, looked up (jobs batch 10, session 20:
"I couldn't quite work out what you need", a person offered)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from bus.contracts import OrderItemView
from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


async def test_where_it_is_after_the_item_named_looks_up_her_order() -> None:
    jacket = OrderItemView(
        item_id=1, product_id=1, product_name="轻薄羽绒服", kind="regular", sku="DJ-L",
        size="L", color="酒红色", price=Decimal(399), quantity=1,
    )  # fmt: skip
    worker = ScriptedWorker(
        order_view(
            state="shipped",
            items=[jacket],
            shipped_at=datetime.now(UTC) - timedelta(days=1),
            courier="zto",
            tracking_no="75614133399387",
        )
    )
    harness = Harness(worker.bus())
    await harness.share_contact(PHONE)
    await harness.say("my down jacket", language="en")
    replies = await harness.say("sorry got distracted. where is it now?", language="en")
    assert any("KF20260001" in reply and "75614133399387" in reply for reply in replies), replies
