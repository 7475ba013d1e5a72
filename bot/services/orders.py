"""Finding the customer's own orders over the bus, and showing them.

The worker decides what a customer may see (linked Telegram user, or the last four digits of
the phone the order was placed with) and what they may change (the linked customer only); the
bot only remembers which proof worked for which order so that the customer is not asked twice.
When the worker wants the strong proof (``ContactRequired``), the bot asks for the customer's
own Telegram contact and remembers where to pick the conversation up once it is linked.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext

from bot import keyboards
from bot.services.conversation import Conversation
from bot.states import Identity
from bus import Bus
from bus.contracts import (
    ContactRequired,
    ListOrders,
    LookupOrder,
    NotLinked,
    OrderFound,
    OrderList,
    OrderNotFound,
    OrderSummary,
    OrderView,
    Throttled,
)
from replies import views

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lookup:
    """The outcome of one lookup: ``order`` set (with the ``access`` it was found with:
    "owner" may change it, "last4" may only read it), or ``needs_proof``, or ``not_found``, or
    ``throttled`` (seconds), or ``locked`` (the order's last-four route is closed: only the
    customer's contact opens it)."""

    order: OrderView | None = None
    access: str = "last4"
    needs_proof: bool = False
    not_found: bool = False
    throttled: int | None = None
    locked: bool = False


async def lookup(rpc: Bus, conv: Conversation, order_no: str, last4: str | None = None) -> Lookup:
    """Look the order up as this customer; without a link or a proof, ask for the proof."""
    memory = conv.memory
    proof = last4 or memory.proof_for(order_no)
    if proof is None and not memory.linked:
        return Lookup(needs_proof=True)
    reply = await rpc.call(
        LookupOrder(order_no=order_no, telegram_user_id=conv.user_id, phone_last4=proof)
    )
    if isinstance(reply, OrderFound):
        memory.remember_proof(order_no, proof)
        memory.set("region", reply.order.province)
        return Lookup(order=reply.order, access=reply.access)
    if isinstance(reply, Throttled):
        return Lookup(throttled=reply.retry_after_s)
    if isinstance(reply, ContactRequired):
        return Lookup(locked=True)
    assert isinstance(reply, OrderNotFound)
    if proof is None:
        # Linked, but not this customer's order: the proof may still open it.
        return Lookup(needs_proof=True)
    return Lookup(not_found=True)


async def list_orders(rpc: Bus, conv: Conversation, limit: int = 10) -> list[OrderSummary] | None:
    """The linked customer's latest orders; ``None`` when the chat is not linked."""
    reply = await rpc.call(ListOrders(telegram_user_id=conv.user_id, limit=limit))
    if isinstance(reply, NotLinked):
        conv.memory.set("linked", False)
        return None
    assert isinstance(reply, OrderList)
    return reply.orders


def order_card(conv: Conversation, order: OrderView) -> str:
    """State, items, courier and tracking number, times — the customer's own order only."""
    return conv.replies.order_card(order_view_of(order), conv.locale)


def order_view_of(order: OrderView) -> views.OrderView:
    """The bus's order view as ``replies/`` renders it (the agents' desk shows it too)."""
    return views.OrderView(
        order_no=order.order_no,
        state=order.state,
        items=[
            views.OrderItemView(
                title=item.product_name,
                size=item.size,
                color=item.color,
                quantity=item.quantity,
                price_yuan=item.price,
            )
            for item in order.items
        ],
        courier=order.courier,
        tracking_no=order.tracking_no,
        created_at=order.created_at,
        paid_at=order.paid_at,
        shipped_at=order.shipped_at,
        completed_at=order.completed_at,
        closed_at=order.closed_at,
    )


def order_button_label(conv: Conversation, order: OrderSummary) -> str:
    return (f"{order.order_no} · {order.first_item_name} · {conv.t('order.state.' + order.state)}")[
        :60
    ]


async def show_order_choices(
    conv: Conversation, rpc: Bus, flow: str, *, ask_contact: bool = True
) -> Lookup | None:
    """Linked customers pick from their orders (one order is taken at once: its lookup is
    returned); others are asked for the order number, with the share-contact button."""
    orders = await list_orders(rpc, conv) if conv.memory.linked else None
    if orders is None:
        markup = keyboards.share_contact(conv.t) if ask_contact else None
        await conv.say(conv.t("ask.order_no"), reply_markup=markup)
        return None
    if not orders:
        await conv.say(conv.t("order.list.empty") + "\n" + conv.t("ask.order_no"))
        return None
    if len(orders) == 1:
        found = await lookup(rpc, conv, orders[0].order_no)
        if found.order is not None:
            return found
    await conv.say(
        conv.t("choose.order"),
        reply_markup=keyboards.orders(
            flow, ((o.order_no, order_button_label(conv, o)) for o in orders)
        ),
    )
    return None


async def answer_lookup(
    conv: Conversation,
    result: Lookup,
    state: FSMContext | None = None,
    resume: dict[str, Any] | None = None,
) -> bool:
    """Say what went wrong with a lookup; ``True`` when there is nothing more to say. A closed
    last-four route asks for the contact, to go on with ``resume`` once it is linked."""
    if result.locked:
        assert state is not None, "a lookup that can be locked needs the FSM to resume"
        await ask_for_contact(conv, state, "last4_locked", resume or {})
        return True
    if result.throttled is not None:
        minutes = max(1, (result.throttled + 59) // 60)
        await conv.say(conv.t("order.throttled", minutes=minutes))
        return True
    if result.not_found:
        await conv.say(conv.t("order.not_found"))
        return True
    if result.needs_proof:
        await conv.say(conv.t("ask.phone_last4"))
        return True
    return False


async def ask_for_contact(
    conv: Conversation, state: FSMContext, reason: str, resume: dict[str, Any]
) -> None:
    """The worker wants the order's verified customer (``ContactRequired``): ask for the
    customer's own Telegram contact, and keep ``resume`` (what the conversation was doing) for
    the identity handler to pick up once the contact is linked. A chat that is linked already
    is linked to someone else than the order's customer: sharing again cannot help, so a
    person is offered instead."""
    if conv.memory.linked:
        logger.info("chat %s is verified, but not as this order's customer", conv.chat_id)
        await state.clear()
        await conv.say(
            conv.t("contact.not_order_owner"), reply_markup=keyboards.offer_human(conv.t, "other")
        )
        return
    await state.set_state(Identity.waiting_for_contact)
    await state.update_data(resume=resume)
    key = "contact.needed_for_change" if reason == "write" else "contact.needed_locked"
    await conv.say(conv.t(key), reply_markup=keyboards.share_contact(conv.t))
