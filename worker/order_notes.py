"""``orders.add_note``: a special request of the customer's written on her order (备注) — "是送人
的，包裹里别放价格单", "放快递柜，别打电话", "it's a gift, no receipt inside".

Like the other order commands (``worker/order_changes.py``) it is the order's verified
customer's only (``ProofGate.strong``), run once per idempotency key (``ShopService
._run_command``) with the order row locked, and refused as data: once the parcel has left, the
warehouse has packed it and no remark can reach it. Recorded as a seller's remark in the shop's
one format (``content — author — time``), appended, never edited; red when it needs the
warehouse's attention (a present, no price or invoice inside), blue for the rest (a delivery
instruction). The same words twice on one order are one remark (``already``). A new remark
publishes ``order.note_added`` (the order and the flag, never the words).

The note is the customer's own words, so it may hold a phone number or an address: it goes to
the remark (the shop's record, which agents read) and never to a log line.
"""

from __future__ import annotations

import logging
import re

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bus import contracts as c
from shop.enums import OrderState, RemarkFlag
from worker.db.models import Order, Remark
from worker.db.queries import aware
from worker.proof import ProofRefusal
from worker.service import BOT_AUTHOR, ShopService

logger = logging.getLogger(__name__)

NOTE_PREFIX = "客户备注（经机器人）："

# what makes a note the warehouse must not miss (red): a present, no price or invoice inside
_ATTENTION = re.compile(
    r"礼物|礼品|送人|送给|生日|价格|价签|吊牌价|标价|发票|小票|单据|清单"
    r"|\b(gift|present|birthday|price|prices|receipt|receipts|invoice|invoices)\b",
    re.IGNORECASE,
)

NOTE_REFUSALS: dict[OrderState, c.NoteRefusal] = {
    "shipped": "already_shipped",
    "completed": "order_completed",
    "closed": "order_closed",
}
"""The states a note can no longer reach the warehouse in (unpaid and paid ones can)."""


def note_flag(text: str) -> RemarkFlag:
    """Red for what needs the warehouse's attention (a present, no price or invoice in the
    parcel), blue for the rest (the shop's flag colours, docs/worker.md)."""
    return "red" if _ATTENTION.search(text) else "blue"


def note_content(text: str) -> str:
    """The remark's content: the customer's words on one line, after the prefix that says whose
    they are."""
    return NOTE_PREFIX + " ".join(text.split())


class OrderNotes:
    """``orders.add_note``."""

    def __init__(self, shop: ShopService) -> None:
        self.shop = shop

    def routes(self) -> list[c.Route]:
        return [c.AddOrderNote.served_by(self.add_note)]

    async def add_note(
        self, request: c.AddOrderNote
    ) -> c.OrderNoteAdded | c.OrderNoteRefused | c.OrderNotFound | c.Throttled | c.ContactRequired:
        async def apply(
            session: AsyncSession,
        ) -> tuple[c.OrderNoteAdded | c.OrderNoteRefused | ProofRefusal, c.Event | None]:
            order = await self.shop.order_for_update(session, request.order_no)
            refusal = await self.shop.proof.strong(session, request, order, request.METHOD)
            if refusal is not None:
                return refusal, None
            assert order is not None
            reason = NOTE_REFUSALS.get(order.state)
            if reason is not None:
                tracking = order.tracking_no if reason == "already_shipped" else None
                return c.OrderNoteRefused(reason=reason, tracking_no=tracking), None
            content = note_content(request.text)
            flag = note_flag(request.text)
            earlier = await self._same_note(session, order, content)
            if earlier is not None:
                return (
                    c.OrderNoteAdded(
                        order_no=order.order_no,
                        content=content,
                        flag=earlier.flag,
                        recorded_at=aware(earlier.created_at),
                        already=True,
                    ),
                    None,
                )
            now = self.shop.clock()
            session.add(
                Remark(
                    order_id=order.id,
                    content=content,
                    author=BOT_AUTHOR,
                    flag=flag,
                    created_at=now,
                )
            )
            await session.flush()
            # (the words stay out of the log: they may hold a phone number or an address)
            logger.info(
                "note added to order %s (%s, %d chars)", order.order_no, flag, len(request.text)
            )
            # published after the commit, as the other order commands' events are (the shop's
            # listeners learn of it; the words stay in the remark)
            return (
                c.OrderNoteAdded(
                    order_no=order.order_no, content=content, flag=flag, recorded_at=now
                ),
                c.OrderNoteAddedEvent(occurred_at=now, order_no=order.order_no, flag=flag),
            )

        return await self.shop._run_command(request, apply)

    async def _same_note(self, session: AsyncSession, order: Order, content: str) -> Remark | None:
        """The customer's same words on this order already (asked twice, in two chats)."""
        found = await session.scalars(
            select(Remark)
            .where(Remark.order_id == order.id, Remark.content == content)
            .order_by(Remark.id)
            .limit(1)
        )
        return found.first()
