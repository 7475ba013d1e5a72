"""What the desk writes: the topic's name and context card for the agents, the queue and wait
for the customer. Every value that came from a customer (names, messages, captions) goes
through ``replies.text``, which HTML-escapes it; the card is trimmed to fit one message."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, tzinfo

from bus.contracts import OrderReturnView, QueuePlace, TicketView, TranscriptLine
from replies.render import Html, Replies

CARD_LIMIT = 4000  # under Telegram's 4096, with room for the state line
TOPIC_NAME_LIMIT = 128
LINE_LIMIT = 200  # characters of one transcript line on the card
STAR = "⭐"


def mask_name(name: str) -> str:
    """The customer's Telegram name as topic titles show it: the first character and **."""
    name = name.strip()
    return f"{name[:1]}**" if name else "**"


def duration(replies: Replies, locale: str, seconds: int | float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return replies.text("desk.duration.seconds", locale, seconds=seconds)
    minutes = seconds // 60
    if minutes < 60:
        return replies.text("desk.duration.minutes", locale, minutes=minutes)
    return replies.text("desk.duration.hours", locale, hours=minutes // 60, minutes=minutes % 60)


def waited(ticket: TicketView, now: datetime | None = None) -> float:
    return ((now or datetime.now(UTC)) - ticket.opened_at).total_seconds()


def label(
    replies: Replies, locale: str, ticket: TicketView, titles: Mapping[str, Mapping[str, str]]
) -> str:
    """What the ticket is about, in a word or two: the recognised question's title, else the
    reason for the escalation."""
    title = titles.get(ticket.intent or "", {})
    if ticket.intent and ticket.intent != "human.agent" and title:
        return title.get(locale) or title.get("zh_CN") or ticket.intent
    return replies.text(f"desk.reason.{ticket.reason}", locale)


def topic_name(
    replies: Replies, locale: str, ticket: TicketView, titles: Mapping[str, Mapping[str, str]]
) -> str:
    name = replies.text(
        "desk.topic.name",
        locale,
        customer=mask_name(ticket.customer_name),
        label=label(replies, locale, ticket, titles),
        ticket_no=ticket.ticket_no,
    )
    # Topic names are plain text: the template's escaping is undone.
    return _plain(name)[:TOPIC_NAME_LIMIT]


def closed_topic_name(replies: Replies, locale: str, name: str) -> str:
    return _plain(replies.text("desk.topic.closed", locale, name=name))[:TOPIC_NAME_LIMIT]


def _plain(text: str) -> str:
    return html.unescape(text)


def escape_caption(caption: str | None) -> str | None:
    """A customer's caption, shown again as Telegram HTML."""
    return html.escape(caption[:900], quote=False) if caption else None


def card(
    replies: Replies, locale: str, ticket: TicketView, titles: Mapping[str, Mapping[str, str]]
) -> Html:
    """The topic's first post: who, why, where they are in the queue, their orders in short,
    the last lines of the conversation and how many attachments follow."""
    t = replies.text
    head: list[str] = [
        t("desk.card.head", locale, ticket_no=ticket.ticket_no),
        t("desk.card.customer", locale, name=ticket.customer_name or "—"),
    ]
    if ticket.customer_masked:
        head.append(
            t("desk.card.record", locale, name=ticket.customer_masked, phone=ticket.phone_masked)
        )
    else:
        head.append(t("desk.card.unlinked", locale))
    head.append(
        t(
            "desk.card.language",
            locale,
            language=t(f"desk.language.{ticket.locale}", locale)
            if ticket.locale in ("zh_CN", "en")
            else ticket.locale,
        )
    )
    head.append(t("desk.card.reason", locale, reason=t(f"desk.reason.{ticket.reason}", locale)))
    if ticket.intent and ticket.confidence is not None:
        title = titles.get(ticket.intent, {})
        head.append(
            t(
                "desk.card.intent",
                locale,
                intent=title.get(locale) or title.get("zh_CN") or ticket.intent,
                confidence=round(ticket.confidence * 100),
            )
        )
    if ticket.place is not None:
        head.append(t("desk.card.place", locale, position=ticket.place.position))
    if ticket.order_no:
        head.append(t("desk.card.order", locale, order_no=ticket.order_no))
    if ticket.orders:
        head.append(t("desk.card.orders", locale))
        for order in ticket.orders:
            head.append(
                t(
                    "desk.card.order_line",
                    locale,
                    order_no=order.order_no,
                    state=t(f"order.state.{order.state}", locale),
                    item=order.first_item_name,
                    count=order.item_count,
                    total=replies.format_money(order.total + order.postage, locale),  # paid
                )
            )
    tail: list[str] = []
    if ticket.attachment_count:
        tail.append(t("desk.card.attachments", locale, count=ticket.attachment_count))
    tail.append(t("desk.card.hint", locale))
    lines: list[str] = [
        t(f"desk.card.line.{line.role}", locale, text=_short(said(replies, locale, line)))
        for line in ticket.transcript
    ]
    while True:
        body = list(head)
        if lines:
            body.append("")
            body.append(
                t(
                    "desk.card.transcript",
                    locale,
                    shown=len(lines),
                    total=ticket.transcript_length,
                )
            )
            body.extend(lines)
        body.append("")
        body.extend(tail)
        text = "\n".join(body)
        if len(text) <= CARD_LIMIT or not lines:
            return Html(text[:CARD_LIMIT])
        lines = lines[1:]  # the oldest goes first


def order_returns(replies: Replies, locale: str, returns: Sequence[OrderReturnView]) -> str | None:
    """The order's returns under its card at ``/order``: each one's number, state, refund and
    photos (when each came, its caption); ``None`` when it has none."""
    if not returns:
        return None
    t = replies.text
    lines = [t("desk.order.returns", locale)]
    for record in returns:
        photos = (
            t("desk.order.return_photos", locale, count=len(record.photos))
            if record.photos
            else t("desk.order.return_no_photos", locale)
        )
        lines.append(
            t(
                "desk.order.return_line",
                locale,
                return_no=record.return_no,
                state=t(f"desk.return_state.{record.state}", locale),
                refund=replies.format_money(record.refund_amount, locale),
                photos=photos,
            )
        )
        for item in record.items:
            # each item with its own cause and who pays its postage back: the shop's fault is
            # checked when the parcel arrives, her own choice is hers to send
            name = item.product_name_en if locale == "en" and item.product_name_en else (
                item.product_name
            )
            lines.append(
                t(
                    "desk.order.return_item",
                    locale,
                    item=f"{name} {item.color}/{item.size}",
                    quantity=str(item.quantity),
                    cause=t(f"returns.cause.{item.cause}", locale),
                    postage=t(f"desk.order.return_postage.{item.return_postage_payer}", locale),
                )
            )
        if len({i.cause for i in record.items}) > 1 and record.return_postage_payer == "customer":
            lines.append(t("desk.order.return_parcel_hers", locale))
        for photo in record.photos:
            caption = f" “{_short(photo.caption)}”" if photo.caption else ""
            lines.append(
                t(
                    "desk.order.photo_line",
                    locale,
                    time=replies.format_datetime(photo.received_at, locale),
                    caption=caption,
                )
            )
    return "\n".join(lines)


# what the chat memory writes for a message that is not text (``bot.middlewares.describe_message``):
# "[photo] caption", "[sticker 😊]", "[contact shared]" — words of no language, worded for the
# desk in its own
_NOT_TEXT = re.compile(
    r"^\[(photo|video|voice|audio|document|video_note|sticker|contact shared|location|message)"
    r"(?: ([^\]]{1,16}))?\](.*)$",
    re.DOTALL,
)


def said(replies: Replies, locale: str, line: TranscriptLine) -> str:
    """A transcript line's text as the desk reads it: a customer's photo, sticker, contact or
    location in the desk's language (a zh card said "[contact shared]")."""
    text = line.text
    if line.role != "customer":
        return text
    found = _NOT_TEXT.match(text)
    if found is None:
        return text
    kind, extra, rest = found.groups()
    if (extra is not None) != (kind == "sticker"):
        return text  # not a marker the memory writes
    worded = replies.text(f"desk.said.{kind.replace(' ', '_')}", locale, emoji=extra or "")
    return html.unescape(worded) + rest


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= LINE_LIMIT else text[: LINE_LIMIT - 1] + "…"


def stars(replies: Replies, locale: str, score: int) -> str:
    return replies.text("desk.stars", locale, stars=STAR * score, score=score)


# ── the customer's side ──────────────────────────────────────────────────────────────────


def place_parts(replies: Replies, locale: str, place: QueuePlace | None) -> tuple[Html, Html]:
    """(where they are, how long it may take) as two sentences; empty when unknown."""
    if place is None:
        return Html(""), Html("")
    if place.position == 1:
        where = replies.text("handoff.place.next", locale)
    else:
        where = replies.text("handoff.place.behind", locale, ahead=place.position - 1)
    wait = Html("")
    if place.expected_minutes is not None:
        wait = replies.text("handoff.wait", locale, minutes=place.expected_minutes)
    return where, wait


HISTORY_LINE_LIMIT = 500  # characters of one transcript line in /history


def history(
    replies: Replies, locale: str, zone: tzinfo, tickets: list[TicketView]
) -> list[str]:
    """``/history``: each ticket (oldest first) with its head line and its transcript tail, one
    line per message; agents' notes marked as such. Every value is escaped by the templates."""
    lines: list[str] = []
    for ticket in reversed(tickets):
        lines.append(
            replies.text(
                "desk.history.head",
                locale,
                ticket_no=ticket.ticket_no,
                customer=mask_name(ticket.customer_name),
                state=replies.text(f"desk.history.state.{ticket.state}", locale),
                opened=ticket.opened_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            )
        )
        hidden = ticket.transcript_length - len(ticket.transcript)
        if hidden > 0:
            lines.append(replies.text("desk.history.earlier", locale, count=hidden))
        for line in ticket.transcript:
            text = said(replies, locale, line)
            if len(text) > HISTORY_LINE_LIMIT:
                text = text[: HISTORY_LINE_LIMIT - 1] + "…"
            lines.append(
                replies.text(
                    "desk.history.note" if line.internal else "desk.history.line",
                    locale,
                    at=line.at.astimezone(zone).strftime("%m-%d %H:%M"),
                    who=replies.text(f"desk.history.who.{line.role}", locale),
                    text=text,
                )
            )
    return lines
