"""What she has bought: "我最近一个月在你们家都买了些什么", "what did i buy from you last month?";
whether she has bought an item: "我有没有买过风衣", "did I order a trench coat from you?".

A verified customer hears her orders of the time she names — the last 30 days, last calendar
month, this month, or her latest when she names none — each with its items, state and amount.
Not verified: the question waits while she shares her contact (``pend``), and is answered
once it is linked (``bot.handlers.identity.go_on_after_contact``). Before the intents: the
engine read the question as a complaint (jobs batch 6: a complaint ticket was opened), and
"我有没有买过风衣" as a product question (the trench coat's stock was offered: console tryout 22).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo

from aiogram import Router
from aiogram.filters import Filter
from aiogram.types import Message

from bot import keyboards
from bot.services import choices
from bot.services.conversation import Conversation
from bot.services.orders import first_page, list_orders
from bus import Bus
from bus.contracts import OrderSummary
from intents.garments import names_a_garment
from intents.slots import order_number

_ASKS = re.compile(
    r"买(?:了|过)(?:些|点|一些)?(?:什么|啥|哪些)(?!颜色|码|尺|号)|都买了(?:些|点)?(?:什么|啥|哪些)"
    r"|(?:购买|订单|下单|消费|购物)(?:记录|历史|明细)|下过(?:哪些|几个?)单"
    r"|\bwhat (?:did|have) i (?:buy|bought|order|ordered|purchase|purchased|get|got)\b"
    r"(?! (?:in|for) (?:size|colou?r))"
    r"|\bwhat i(?:'ve| have)? (?:bought|ordered|purchased)\b"
    r"|\b(?:order|purchase|buying|shopping) history\b"
    r"|\b(?:list|show)(?: me)? (?:all )?my (?:orders|purchases)\b|\ball (?:of )?my orders\b",
    re.IGNORECASE,
)
_LAST_MONTH = re.compile(
    r"上个?月|(?<!over the )(?<!in the )(?<!the )\blast month\b", re.IGNORECASE
)
_THIS_MONTH = re.compile(r"这个月|本月|\bthis month\b", re.IGNORECASE)
_RECENT = re.compile(
    r"最近|近一个月|这一个月|一个月|\bpast month\b|\blast (?:30|thirty) days\b|\bthe last month\b"
    r"|\brecently\b",
    re.IGNORECASE,
)
RECENT_DAYS = 30


def asks_purchases(text: str) -> bool:
    """She asks what she has bought ("我上个月买了啥", "show me my order history"), not about
    one order (its number named)."""
    return _ASKS.search(text) is not None and order_number(text) is None


# "我有没有买过风衣", "我之前买过衬衫吗", "did I order a trench coat from you?", "have I ever
# bought jeans here": whether an item is among her orders (not what the item is like)
_BOUGHT_IT = re.compile(
    r"(?:有没有|是不是|是否|有无)(?:在(?:你们|你家|这|店里)[^买订]{0,3})?(?:买|订|购买)过"
    r"|(?:买|订)过(?:一|两)?[件条个套]?[^\s的能可退换到怎么？?]{1,8}(?:吗|么|没有?)[?？。!！\s]*$"
    r"|(?<!what )(?<!when )(?<!where )(?<!which )(?<!why )(?<!how )"
    r"\b(?:did|have|had) i (?:ever |already |once |previously )?"
    r"(?:order|ordered|buy|bought|purchase|purchased)\b(?!.{0,40}\b(?:size|colou?r)\b)",
    re.IGNORECASE,
)


def asks_if_bought(text: str) -> bool:
    """She asks whether an item she names is among her orders ("我有没有买过风衣", "did I order
    a trench coat from you?") — not what she bought (``asks_purchases``), not one order's."""
    return (
        _BOUGHT_IT.search(text) is not None
        and names_a_garment(text)
        and order_number(text) is None
        and not asks_purchases(text)
    )


def period(text: str) -> str:
    """Which time she names: ``last_month``, ``this_month``, ``recent`` (30 days) or ``all``."""
    if _THIS_MONTH.search(text):
        return "this_month"
    if _RECENT.search(text):
        return "recent"
    if _LAST_MONTH.search(text):
        return "last_month"
    return "all"


def in_period(
    orders: list[OrderSummary], when: str, zone: tzinfo, now: datetime
) -> list[OrderSummary]:
    """Her orders placed in the time named (``period``), newest first; for ``all``, a list's
    first page (those under way first, however old, then her latest)."""
    local = now.astimezone(zone)
    if when == "recent":
        since = now - timedelta(days=RECENT_DAYS)
        return [o for o in orders if _aware(o.created_at) >= since]
    if when in ("this_month", "last_month"):
        first = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        if when == "this_month":
            start, end = first, None
        else:
            start, end = (first - timedelta(days=1)).replace(day=1), first
        return [
            o for o in orders
            if _aware(o.created_at) >= start and (end is None or _aware(o.created_at) < end)
        ]  # fmt: skip
    return first_page(orders)


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


class AsksPurchases(Filter):
    async def __call__(self, message: Message) -> bool:
        return asks_purchases(message.text or "")


class AsksIfBought(Filter):
    async def __call__(self, message: Message) -> bool:
        return asks_if_bought(message.text or "")


def get_router() -> Router:
    router = Router(name=__name__)

    @router.message(AsksPurchases())
    async def handle_purchases(message: Message, conv: Conversation, rpc: Bus) -> None:
        text = message.text or ""
        orders = await _her_orders(conv, rpc, text)
        if orders is not None:
            await say_purchases(conv, orders, period(text))

    @router.message(AsksIfBought())
    async def handle_if_bought(message: Message, conv: Conversation, rpc: Bus) -> None:
        text = message.text or ""
        orders = await _her_orders(conv, rpc, text)
        if orders is not None:
            await say_if_bought(conv, orders, text)

    return router


async def _her_orders(conv: Conversation, rpc: Bus, text: str) -> list[OrderSummary] | None:
    """Her orders, every one; ``None`` when they need her contact: then the question waits for
    it, to be answered once she shares it, and she is asked for it."""
    orders = await list_orders(rpc, conv, limit=None)
    if orders is None:
        conv.memory.pend(text)
        await conv.say(conv.t("purchases.verify"), reply_markup=keyboards.share_contact(conv.t))
    return orders


async def say_if_bought(conv: Conversation, orders: list[OrderSummary], text: str) -> None:
    """Yes, with the orders holding the item she names (however old), or no — the yes or no
    first, among all of her orders (never the catalogue's stock of it)."""
    named = choices.orders_mentioned(text, orders)
    if not named:
        await conv.say(conv.t("purchases.bought_no", count=len(orders)))
        return
    head = conv.t("purchases.bought_yes", count=len(named))
    await conv.say("\n".join([head, *_lines(conv, named), conv.t("purchases.tail")]))


def _lines(conv: Conversation, shown: list[OrderSummary]) -> list[str]:
    replies = conv.replies
    english = not conv.locale.startswith("zh")
    lines = []
    for order in shown:
        names = order.item_names or [order.first_item_name]
        if english and order.item_names_en:
            names = [en or zh for en, zh in zip(order.item_names_en, names, strict=False)]
        lines.append(
            conv.t(
                "purchases.line",
                date=replies.format_date(order.created_at, conv.locale),
                order_no=order.order_no,
                items=conv.t("purchases.items_joiner").join(names),
                state=conv.t("order.state." + order.state),
                amount=replies.format_money(order.total + order.postage, conv.locale),
            )
        )
    return lines


async def say_purchases(conv: Conversation, orders: list[OrderSummary], when: str) -> None:
    replies = conv.replies
    zone = replies.policy.service_hours.zone
    now = datetime.now(UTC)
    shown = in_period(orders, when, zone, now)
    label = conv.t(f"purchases.period.{when}", days=RECENT_DAYS)
    if not shown:
        none = "purchases.none_all" if when == "all" else "purchases.none"
        await conv.say(conv.t(none, period=label))
        return
    lines = _lines(conv, shown)
    if when == "all":
        # her first page: every order still under way however old, then her latest — not
        # "lately" (an order paid 35 days ago and never shipped is on it)
        key = "purchases.header_all" if len(orders) == len(shown) else "purchases.header_first"
        header = conv.t(key, count=len(shown))
    else:
        header = conv.t("purchases.header", period=label, count=len(shown))
    tail = [conv.t("purchases.tail")]
    if when == "all" and len(orders) > len(shown):
        # older finished ones left out: said, and how to reach them
        tail.append(conv.t("purchases.more", count=len(orders) - len(shown)))
    await conv.say("\n".join([header, *lines, *tail]))
