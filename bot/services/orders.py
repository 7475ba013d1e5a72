"""Finding the customer's own orders over the bus, and showing them.

The worker decides what a customer may see (linked Telegram user, or the last four digits of
the phone the order was placed with) and what they may change (the linked customer only); the
bot only remembers which proof worked for which order so that the customer is not asked twice.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection
from datetime import UTC, datetime, timedelta
from itertools import zip_longest

from bot import keyboards
from bot.keyboards import OrderFlow
from bot.services import choices
from bot.services.conversation import Conversation, Markup
from bot.services.outcomes import ProofNeeded
from bus import Bus
from bus.contracts import (
    ContactRequired,
    ListOrders,
    LookupOrder,
    NotLinked,
    OrderFound,
    OrderItemView,
    OrderNotFound,
    OrderSummary,
    OrderView,
    Throttled,
)
from bus.errors import BusTimeout, BusUnavailable
from intents.paying import says_unpaid
from replies import views
from replies.render import OrderAsk
from shop.colours import colour_name
from shop.enums import LIVE_RETURN_STATES, ORDER_STATES, OrderState

logger = logging.getLogger(__name__)

Lookup = OrderFound | OrderNotFound | Throttled | ContactRequired | ProofNeeded
"""What asking for an order gives: the order (``OrderFound.access`` says whether the customer
may change it: "owner", or only read it: "last4"), or why not."""


async def lookup(
    rpc: Bus,
    conv: Conversation,
    order_no: str,
    last4: str | None = None,
    *,
    with_returns: bool = False,
) -> Lookup:
    """Look the order up as this customer; without a link or a proof, the proof is needed
    (``with_returns``: its returns too, for a refund asked about).

    An order proven in this chat is asked for with the proof that worked (kept in the chat
    memory; the phone the order was placed with never changes), whatever digits are typed
    again: a slip of the keyboard on an order already proven never counts as a wrong answer
    toward the throttle."""
    memory = conv.memory
    proof = memory.proof_for(order_no) or last4
    if proof is None and not await is_linked(rpc, conv):
        return ProofNeeded()
    reply = await rpc.call(
        LookupOrder(
            order_no=order_no,
            telegram_user_id=conv.user_id,
            phone_last4=proof,
            with_returns=with_returns,
        )
    )
    if isinstance(reply, OrderFound):
        memory.remember_order(order_no, proof, reply.order.province)
        if reply.access == "owner":
            memory.linked = True
    elif isinstance(reply, OrderNotFound) and proof is None:
        # Linked, but not this customer's order: a typo, or the digits may still open it.
        return ProofNeeded(not_hers=order_no)
    return reply


ORDERS_KNOWN: int | None = None
"""How many of a customer's orders the bot reads from what a turn listed: all of them (the
worker is asked for every one — ``ListOrders(limit=None)`` —, since an item named may be in
any: "我的西装外套到哪了" about a blazer bought months and dozens of orders ago)."""
LIST_SHOWN = 10
"""How many a job's list shows: the latest the job can be about, among all known (a cancel's
list had only the paid orders among her latest ten: an older paid one was missing)."""


async def list_orders(
    rpc: Bus, conv: Conversation, limit: int | None = 10
) -> list[OrderSummary] | None:
    """The linked customer's latest ``limit`` orders (None: all of them, newest first);
    ``None`` when the chat is not linked.
    Asked of the worker once a turn (the request's naming, the list and its words all read
    the same answer; a worker that did not answer is not asked again in the turn)."""
    if conv.orders is None:
        if conv.orders_failed is not None:
            raise conv.orders_failed  # the worker did not answer this turn: not asked twice
        try:
            reply = await rpc.call(ListOrders(telegram_user_id=conv.user_id, limit=None))
        except (BusUnavailable, BusTimeout) as exc:
            conv.orders_failed = exc
            raise
        conv.orders = reply.orders if not isinstance(reply, NotLinked) else []
        conv.memory.linked = not isinstance(reply, NotLinked)
    return conv.orders[:limit] if conv.memory.linked else None


async def is_linked(rpc: Bus, conv: Conversation) -> bool:
    """Whether the chat is linked to a customer: the chat memory's word, else the worker's."""
    if conv.memory.linked is None:
        await list_orders(rpc, conv, limit=1)
    return conv.memory.linked is True


def item_name(conv: Conversation, item: OrderItemView) -> str:
    """The item's product in the customer's language (its English name for English)."""
    if not conv.locale.startswith("zh") and item.product_name_en:
        return item.product_name_en
    return item.product_name


def item_label(conv: Conversation, item: OrderItemView, *, brackets: bool = False) -> str:
    """ "纯棉圆领T恤 M/白色" — "Cotton Crew-neck T-shirt M/white" (``brackets``: "…（M/白色）")."""
    variant = f"{item.size}/{colour_name(item.color, conv.locale)}"
    if brackets:
        opened, closed = ("（", "）") if conv.locale.startswith("zh") else (" (", ")")
        return f"{item_name(conv, item)}{opened}{variant}{closed}"
    return f"{item_name(conv, item)} {variant}"


def order_card(conv: Conversation, order: OrderView) -> str:
    """State, items, courier and tracking number, times — the customer's own order only."""
    return conv.replies.order_card(order_view_of(order, conv.locale), conv.locale)


async def show_card(
    conv: Conversation,
    order: OrderView,
    card: str | None = None,
    reply_markup: Markup | None = None,
) -> None:
    """The order's card said, and remembered: the order in view, its card fresh (a question
    about it a moment later gets the short answer, a short follow-up is about it) — whatever
    path showed it."""
    await conv.say(card if card is not None else order_card(conv, order), reply_markup=reply_markup)
    conv.memory.card_shown(order.order_no, card_as_read(conv, order))


def card_as_read(conv: Conversation, order: OrderView) -> str:
    """What the card says, whatever the language it was shown in: an English chat's customer
    who writes Chinese next ("ok 那什么时候能到啊") has the same card in view, not news."""
    return conv.replies.order_card(order_view_of(order, "zh_CN"), "zh_CN")


def order_brief(conv: Conversation, order: OrderView) -> str:
    """The order's state in a line or two (the courier and tracking number, the time it is
    paid, shipped or due by): the answer under its card shown a moment ago."""
    return conv.replies.order_brief(order_view_of(order, conv.locale), conv.locale)


def order_view_of(order: OrderView, locale: str = "zh_CN") -> views.OrderView:
    """The bus's order view as ``replies/`` renders it, names and colours in ``locale``'s
    language (the agents' desk shows it too, in the desk's)."""
    english = not locale.startswith("zh")
    return views.OrderView(
        order_no=order.order_no,
        state=order.state,
        items=[
            views.OrderItemView(
                title=item.product_name_en
                if english and item.product_name_en
                else item.product_name,
                size=item.size,
                color=colour_name(item.color, locale),
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
        delivered_at=order.delivered_at,
        total=order.total + order.postage,  # what was paid: the items' sum and the postage
        postage=order.postage,
        dispatch_due_by=order.dispatch_due_by,
        delivery_due_by=order.delivery_due_by,
    )


def order_button_label(conv: Conversation, order: OrderSummary, named: str = "") -> str:
    """The order's number, an item's name and its state. ``named``: the words that named
    these orders alike ("我的裤子发货了没"): the item they name, not always the first (the
    T-shirt was shown for the order whose jeans were meant)."""
    names = order.item_names or [order.first_item_name]
    index = 0
    if named and len(names) > 1:
        pairs = list(zip_longest(names, order.item_names_en, fillvalue=""))
        hits = choices.names_mentioned(named, pairs)
        if len(hits) == 1:
            index = hits[0]
    name = names[index]
    english = order.item_names_en
    if not conv.locale.startswith("zh") and index < len(english) and english[index]:
        name = english[index]
    return f"{order.order_no} · {name} · {conv.t('order.state.' + order.state)}"[:60]


FLOW_STATES: dict[OrderFlow, frozenset[OrderState]] = {
    "x": frozenset({"paid", "shipped", "completed"}),  # (paid: the size changes on the order)
    "r": frozenset({"shipped", "completed"}),
    "i": frozenset({"paid", "shipped", "completed"}),
}


Keep = Callable[[OrderSummary], bool]
"""Which of the customer's orders a list shows, beyond their states."""


def refund_under_way(arrival_days: int, now: datetime | None = None) -> Keep:
    """Orders whose refund is under way: a live return (waiting for the parcel, or received
    and being checked), or one refunded less than ``arrival_days`` ago (the money may still
    be on its way to the customer's account)."""
    at = now or datetime.now(UTC)

    def keep(order: OrderSummary) -> bool:
        record = order.latest_return
        if record is None:
            return False
        if record.state in LIVE_RETURN_STATES:
            return True
        return (
            record.state == "refunded"
            and record.refunded_at is not None
            and at - record.refunded_at <= timedelta(days=arrival_days)
        )

    return keep


def can_be_returned(order: OrderSummary, now: datetime | None = None) -> bool:
    """An order a return list offers: delivered and within its return window (the worker's
    ``return_until``, None until delivery). On its way, past it — or only custom-made or proxy
    items — it is not offered; named, the worker's terms say why."""
    return order.return_until is not None and order.return_until > (now or datetime.now(UTC))


def can_be_exchanged(order: OrderSummary, now: datetime | None = None) -> bool:
    """An order an exchange list offers: delivered and within its exchange window (the
    worker's ``exchange_until``: 48 hours for custom-made items, 7 days for regular ones, none
    for proxy purchases). Not delivered yet, past it, or only proxy items: not offered; named,
    the worker's terms say why (one not shipped has its size changed on the order instead)."""
    return order.exchange_until is not None and order.exchange_until > (now or datetime.now(UTC))


def delivered(order: OrderSummary) -> bool:
    """An order that has arrived (a faulty item's remedy may be asked of it, any window
    lifted)."""
    return order.delivered_at is not None


LISTED_ONLY_IF: dict[OrderFlow, Keep] = {"r": can_be_returned, "x": can_be_exchanged}
"""The jobs whose list offers only the orders they can still be done on (a return, an
exchange): possibly none, which ``offer_orders`` says plainly (``NONE_LISTED``)."""
NONE_LISTED: dict[OrderFlow, str] = {
    "r": "returns.none_returnable",
    "x": "exchange.none_exchangeable",
}


def shown_orders(
    orders: list[OrderSummary],
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> list[OrderSummary]:
    """The orders a job's list shows: returns and exchanges of what can still be returned or
    exchanged, an invoice of what was paid, or the ``states`` the job can be about (the
    worker still decides; the others would only crowd the list). A return or exchange list
    may be empty (``offer_orders`` says so); the others fall back to every order. ``keep``:
    the orders it keeps, whatever their state, when it keeps any (a refund's list: those with
    one under way). The latest ``LIST_SHOWN`` of them (``fitting_orders``: all)."""
    return first_page(fitting_orders(orders, flow, states, keep))


OPEN_STATES: frozenset[OrderState] = frozenset({"awaiting_payment", "paid", "shipped"})
"""Orders still under way: what a customer asking about "my orders" most likely means."""


def first_page(orders: list[OrderSummary]) -> list[OrderSummary]:
    """The ``LIST_SHOWN`` orders a list shows of more: those still under way first (unpaid,
    waiting to ship, on their way — however old: a parcel late for weeks behind ten newer
    orders never showed), the latest finished ones after them, in the list's own order (newest
    first). The rest are reached by naming an item, the order's number, or "更早的"."""
    if len(orders) <= LIST_SHOWN:
        return orders
    kept = {o.order_no for o in [o for o in orders if o.state in OPEN_STATES][:LIST_SHOWN]}
    for order in orders:
        if len(kept) >= LIST_SHOWN:
            break
        kept.add(order.order_no)
    return [o for o in orders if o.order_no in kept]


def left_out(
    orders: list[OrderSummary],
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> list[OrderSummary]:
    """The orders a list would show had it no end, but does not (newest first)."""
    shown = {o.order_no for o in shown_orders(orders, flow, states, keep)}
    return [o for o in fitting_orders(orders, flow, states, keep) if o.order_no not in shown]


def fitting_orders(
    orders: list[OrderSummary],
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> list[OrderSummary]:
    """Every order ``shown_orders`` would show, had a list no end."""
    kept = [o for o in orders if keep(o)] if keep is not None else []
    if kept:
        return kept
    wanted = states or FLOW_STATES.get(flow, ORDER_STATES)
    fitting = [o for o in orders if o.state in wanted]
    still = LISTED_ONLY_IF.get(flow)
    if still is not None and not states and fitting:
        return [o for o in fitting if still(o)]
    return fitting or orders


async def order_in_words(
    rpc: Bus,
    conv: Conversation,
    text: str,
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> str | None:
    """The order a linked customer names at their order list without its number ("T恤那单",
    "第二个", "my latest order"): its number, or ``None``. ``flow``, ``states`` and ``keep`` as
    the list was offered with (positions count in the list shown)."""
    named = await orders_in_words(rpc, conv, text, flow, states, keep)
    return named[0].order_no if len(named) == 1 else None


async def orders_in_words(
    rpc: Bus,
    conv: Conversation,
    text: str,
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> list[OrderSummary]:
    """Every order the words name at the list, as ``order_in_words`` reads them (several: the
    ones named alike, "卫衣那单" of two orders with a hoodie)."""
    if conv.memory.linked is False or not text.strip():
        return []
    orders = await list_orders(rpc, conv, limit=ORDERS_KNOWN)
    if not orders:
        return []
    shown = shown_orders(orders, flow, states, keep)
    return choices.orders_named_at_list(text, shown, [o for o in orders if o not in shown])


async def offer_alike(
    conv: Conversation,
    rpc: Bus,
    text: str,
    flow: OrderFlow,
    states: Collection[OrderState] = (),
    keep: Keep | None = None,
) -> bool:
    """Words at the order list that name several orders alike ("卫衣那单", "the coat one"):
    those orders offered, and which of them asked — not the whole list again. False when the
    words name fewer than two."""
    alike = await orders_in_words(rpc, conv, text, flow, states, keep)
    if len(alike) < 2:
        return False
    await conv.say(
        conv.t("choose.order_named"),
        reply_markup=keyboards.orders(
            flow,
            ((o.order_no, order_button_label(conv, o, text)) for o in alike[:LIST_SHOWN]),
        ),
    )
    return True


async def order_mentioned(
    rpc: Bus, conv: Conversation, text: str, states: Collection[OrderState] = ()
) -> str | None:
    """The one order of a verified customer's whose item a request names ("change the hoodie
    to XL"), among all of hers however old, or ``None`` (not verified, nothing named, or named
    in two orders: the list then offers those). ``states``: only orders in these states count
    ("牛仔裤太长了能退吗": what has reached them)."""
    if conv.memory.linked is False or not text.strip():
        return None
    orders = await list_orders(rpc, conv, limit=ORDERS_KNOWN) or []
    if states:
        orders = [o for o in orders if o.state in states]
    named = choices.orders_mentioned(text, orders)
    if len(named) > 1 and says_unpaid(text):
        # "那个连衣裙的单子还没付款": of her two dress orders, the one awaiting payment
        named = [o for o in named if o.state == "awaiting_payment"] or named
    return named[0].order_no if len(named) == 1 else None


def named_orders(
    orders: list[OrderSummary],
    flow: OrderFlow,
    states: Collection[OrderState],
    text: str,
    keep: Keep | None = None,
) -> list[OrderSummary]:
    """The orders whose item the request names ("我的西装外套到哪了"), among every one of hers
    the job can be about — never only the latest the list shows (a blazer bought before her
    ten latest orders was missed, or another order's blazer taken). A return or an exchange
    looks among all that reached her, even those its list leaves out (on its way, past its
    window, nothing in it returned or exchanged that way): the worker's terms then say why
    not."""
    if not text:
        return []
    fitting = fitting_orders(orders, flow, states, keep)
    if flow in LISTED_ONLY_IF and not states and keep is None:
        reached = [o for o in orders if o.state in FLOW_STATES[flow]]
        named = choices.orders_mentioned(text, reached)
        # "the jeans" of two pairs, one still returnable: that one
        still = [o for o in named if o in fitting]
        if still:
            return still
        if named:
            # "i want to return my hoodie": a custom one that can't be, and an ordinary one not
            # shipped yet — she may mean either (the custom one was taken and refused)
            unsent = [
                o for o in choices.orders_mentioned(text, orders)
                if o.state == "paid" and o not in named
            ]  # fmt: skip
            return named + unsent
        # "阔腿裤不要了 退款吧" with the trousers not shipped yet: that order (the worker's
        # terms say why not, and that it can be cancelled) — her only returnable order, with
        # other things in it, was taken instead
        anywhere = choices.orders_mentioned(text, orders)
        return anywhere if len(anywhere) == 1 else []
    named = choices.orders_mentioned(text, fitting)
    if len(named) > 1 and _ON_ITS_WAY_SAID.search(text):
        # "my blazer has been on the way for weeks": of her two blazers, the one shipped (the
        # other, paid and not sent, was offered beside it)
        named = [o for o in named if o.state == "shipped"] or named
    if named or keep is not None:
        return named
    by_state = _named_by_state(text, fitting)
    if by_state:
        return by_state
    # "羽绒服那单取消掉" when the down jacket's only order has shipped: that order (its card and
    # the worker's refusal say why not) — never the list of orders that could be cancelled;
    # "where is my hoodie" of two hoodies, neither on its way: those two to pick from, not
    # her parcels on their way (none of which has a hoodie)
    anywhere = choices.orders_mentioned(text, orders)
    return anywhere if len(anywhere) == 1 or flow == "q" else []


_NOT_SHIPPED_SAID = re.compile(
    r"(?:还没|没有?|未|尚未)(?:发货|发出|寄出)的?(?:那|这)?(?:个|一)?(?:单|订单|单子)"
    r"|\b(?:the )?(?:order|one) (?:that )?(?:hasn'?t|has not|isn'?t|is not|wasn'?t) "
    r"(?:been )?(?:shipped|sent|dispatched)\b|\b(?:unshipped|not(?:-| yet )shipped) order\b",
    re.IGNORECASE,
)


_ON_ITS_WAY_SAID = re.compile(
    r"\b(?:on (?:the|its|it'?s) way|in transit)\b|\b(?:still )?(?:hasn'?t|has not|not yet|never)"
    r" (?:arrived|come|turned up|got here|reached me)\b|在路上|运输中|寄出|发出来?(?:了|都)"
    r"|还没(?:有)?(?:到|收到|送到)",
    re.IGNORECASE,
)
"""An order named as sent and not here yet ("on the way for weeks", "还没收到"): a shipped one."""


def _named_by_state(text: str, orders: list[OrderSummary]) -> list[OrderSummary]:
    """The one order the words name by its state ("cancel my unpaid order", "还没发货的那单"):
    a list of one, else none (two unpaid orders: the list is offered)."""
    if says_unpaid(text):
        state = "awaiting_payment"
    elif _NOT_SHIPPED_SAID.search(text):
        state = "paid"
    else:
        return []
    named = [o for o in orders if o.state == state]
    return named if len(named) == 1 else []


def _taken_at_once(
    orders: list[OrderSummary],
    flow: OrderFlow,
    states: Collection[OrderState],
    text: str,
    keep: Keep | None = None,
) -> OrderSummary | None:
    """An only order, or the only one whose item the request names ("T恤太小了想换大一号"),
    is taken at once (not when another the job could be about has one too: "the hoodie" of
    two — those two are offered; an order the job can't be about doesn't count — "change the
    address of my hoodie order" means the hoodie not shipped yet, not last month's)."""
    named = named_orders(orders, flow, states, text, keep)
    if len(named) == 1:
        return named[0]
    if named:
        return None
    shown = shown_orders(orders, flow, states, keep)
    if flow in LISTED_ONLY_IF and not states and keep is None and not shown:
        reached = [o for o in orders if o.state in FLOW_STATES[flow]]
        if len(reached) == 1:
            return reached[0]
    return shown[0] if len(shown) == 1 else None


async def order_ask(
    conv: Conversation,
    rpc: Bus,
    flow: OrderFlow,
    *,
    states: Collection[OrderState] = (),
    text: str = "",
) -> OrderAsk:
    """How rules said before ``offer_orders`` (same arguments) end: "send the order number",
    "pick it from the list below" for a verified customer whose list follows, or nothing when
    their only order (or the one named) is taken at once. The worker is asked as
    ``offer_orders`` asks it, once a turn; when it can't be reached, the number."""
    if conv.memory.linked is False:
        return "number"
    try:
        orders = await list_orders(rpc, conv, limit=ORDERS_KNOWN)
    except (BusUnavailable, BusTimeout):
        # (offer_orders then says the worker is away; the rules before it are answered all
        # the same: "七天无理由退货吗" got "the order system is busy" with a slow worker)
        return "number"
    if not orders:
        return "number"
    if _taken_at_once(orders, flow, states, text) is not None:
        return "none"
    # (an empty return list: offer_orders then says none of them can be returned)
    return "list" if shown_orders(orders, flow, states) else "none"


async def offer_orders(
    conv: Conversation,
    rpc: Bus,
    flow: OrderFlow,
    *,
    ask_contact: bool = True,
    states: Collection[OrderState] = (),
    text: str = "",
    with_returns: bool = False,
    keep: Keep | None = None,
) -> OrderFound | None:
    """Linked customers pick from their orders (an only order is taken at once: it is
    returned, looked up ``with_returns`` when asked); others are asked for the order number,
    with the share-contact button. ``keep``: as ``shown_orders``'s (the caller says what an
    empty list means before asking)."""
    orders = (
        await list_orders(rpc, conv, limit=ORDERS_KNOWN)
        if conv.memory.linked is not False
        else None
    )
    if orders is None:
        markup = keyboards.share_contact(conv.t) if ask_contact else None
        await conv.say(conv.t("ask.order_no"), reply_markup=markup)
        return None
    if not orders:
        await conv.say(conv.t("order.list.empty") + "\n" + conv.t("ask.order_no"))
        return None
    only = _taken_at_once(orders, flow, states, text, keep)
    named = named_orders(orders, flow, states, text, keep)
    ask = "choose.order"
    more = 0
    if len(named) > 1:
        # "my blazer" in two of her orders: which one — those two only, however old
        orders, ask = named[:LIST_SHOWN], "choose.order_named"
    else:
        more = len(left_out(orders, flow, states, keep))
        orders = shown_orders(orders, flow, states, keep)
    if only is not None:
        found = await lookup(rpc, conv, only.order_no, with_returns=with_returns)
        if isinstance(found, OrderFound):
            return found
    if not orders:
        # a return or an exchange asked for and nothing left it can be done on: said plainly
        # (an order named still gets the worker's own reasons)
        await conv.say(conv.t(NONE_LISTED.get(flow, "returns.none_returnable")))
        return None
    named_by = text if ask == "choose.order_named" else ""
    said = conv.t(ask)
    if more:
        # older finished orders left out: how to reach them, in a line
        said += "\n" + conv.t("order.list.more", count=more)
    await conv.say(
        said,
        reply_markup=keyboards.orders(
            flow, ((o.order_no, order_button_label(conv, o, named_by)) for o in orders)
        ),
    )
    return None
