"""The size a customer wants, from their words: one place for the exchange flow and the change
before shipping.

"想换L" names the size; "M码太小了" / "too small" is one step up from the size named or the
item's own; "大一号" one step up, "小一码" one step down. :func:`size_wish` reads the words,
:func:`wanted_size` turns the wish into a size of the product — asking the worker for the
product's sizes (``products.get``) only when the wish is a step, never when the size is named.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bus import Bus
from bus.contracts import GetProduct, ProductFound, VariantView
from intents.slots import COLOR_MARK, colors_marked, colors_named
from shop.colours import colour_name
from shop.enums import SIZE_LADDER, SIZE_LETTERS

if TYPE_CHECKING:
    from bot.services.conversation import Conversation

_SIZE = rf"({SIZE_LETTERS}|\d{{2,3}}(?=\s*[码号]))"
_TARGET = re.compile(
    r"(?:换成|改成|换|改|(?<![不别])要|想要|拿|就|那就"
    # "换个S码", "要一件L的", "来条M": the measure word between (the size was not read)
    r"|(?:换|改|(?<![不别])要|来|拿)一?[个件条]"
    r"|(?<![A-Za-z'’])(?:to|for|into|in|an?|size|need|want|get|take|prefer)(?: an?| the| size)?)\s*"
    + _SIZE
    + r"(?![A-Za-z])\s*(?:码|号)?",
    re.IGNORECASE,
)
# "need M not S", "要M 不要S", "not the S": a size named only to say it is not the one wanted
_NOT_SIZE = re.compile(
    r"(?:不要|不是|别|\bnot|\bno)\s*(?:the |an? |size )?" + _SIZE + r"(?![A-Za-z])(?:码|号)?",
    re.IGNORECASE,
)
_BASE = re.compile(
    r"(?<![A-Za-z'’])" + _SIZE + r"\s*(?:码|号)?\s*(?:的)?\s*(?:太|有点|偏|too|is too|'s too)",
    re.IGNORECASE,
)
_UP = re.compile(
    r"大一[号码点些]|大点|再大|太小|小了|偏小|有点小|紧|too small|too tight|bigger|larger|size up"
    r"|(?:a bit|bit|a little|slightly) (?:small|tight)|\bruns? small\b|\brunning small\b",
    re.IGNORECASE,
)
_DOWN = re.compile(
    r"小一[号码点些]|小点|再小|太大|大了|偏大|有点大|松|too big|too loose|too large|smaller"
    r"|size down|(?:a bit|bit|a little|slightly) (?:big|large|loose)|\bruns? (?:big|large)\b"
    r"|\brunning (?:big|large)\b",
    re.IGNORECASE,
)


_TO_COLOR = re.compile(
    r"(?:换成|改成|换|改|(?<![不别])要|想要|拿"
    r"|(?<![a-z])(?:to|for|into|in|want|need|get)(?: an?| the)?)\s*$",
    re.IGNORECASE,
)
_NOT_COLOR = re.compile(r"(?:不要|不是|别|\bnot|\bno)\s*(?:the |an? )?$", re.IGNORECASE)


# a mind changed in the message itself ("for a beige one.. no wait grey is better", "换米色 不对
# 灰色吧"): what comes after it is what she wants
_CORRECTED = re.compile(
    r"\bno,? wait\b|\bactually\b|\bi mean\b|\bon second thought\b|\bscratch that\b"
    r"|\bor rather\b|不对|算了|等等|等下|不不|哦不",
    re.IGNORECASE,
)


def wanted_color(text: str) -> str | None:
    """The colour the customer wants, of those she names: the one after "换成" / "for a",
    else the last one not denied ("swap the white tee for a black one" is black; the first
    colour named was taken, and the exchange was refused as the same colour). A mind changed
    midway ("for a beige one.. no wait grey is better"): the colour named after it (jobs
    batch 12: beige was exchanged)."""
    corrected = max(_CORRECTED.finditer(text), key=lambda m: m.start(), default=None)
    if corrected is not None:
        after = wanted_color(text[corrected.end():]) if corrected.end() < len(text) else None
        if after is not None:
            return after
    named = [(color, before) for color, before in colors_named(text)
             if not _NOT_COLOR.search(before)]  # fmt: skip
    wanted = [color for color, before in named if _TO_COLOR.search(before)]
    if wanted:
        return wanted[0]
    return named[-1][0] if named else None


@dataclass(frozen=True)
class SizeWish:
    """What the customer's words say about the size they want: a size by name ("想换L"), or
    one step from a size ("M码太小了": bigger than M; "too small": bigger than the one they
    have)."""

    target: str | None = None
    step: int = 0
    base: str | None = None

    @property
    def said(self) -> bool:
        return self.target is not None or self.step != 0


# "can i get it in light blue XL", "换浅蓝色XL", "black XL then": the size right after the colour
# wanted (the colour between lost it: "a bit small" then read as one up, L) — not the one she
# has, "白色M码小了"
_AFTER_COLOR = re.compile(
    re.escape(COLOR_MARK) + r"\s*色?\s*(?:的)?\s*" + _SIZE
    + r"(?![A-Za-z])(?!\s*(?:码|号)?\s*(?:的)?\s*"
    r"(?:太|有点|偏|小了|大了|紧|松|too\b|is\b|'s\b|are\b|was\b))",
    re.IGNORECASE,
)


def size_wish(text: str) -> SizeWish:
    text = _NOT_SIZE.sub(" ", text)
    target = _TARGET.search(text)
    if target is None and colors_named(text):
        target = _AFTER_COLOR.search(colors_marked(text))
    if target is not None:
        return SizeWish(target=target.group(1).upper())
    step = 1 if _UP.search(text) else -1 if _DOWN.search(text) else 0
    base = _BASE.search(text)
    return SizeWish(step=step, base=base.group(1).upper() if base else None)


def step_told(text: str) -> bool:
    """The words say bigger or smaller ("有点小", "a bit small", "size up"), whatever size is
    named beside them ("a bit small, can i get it in light blue XL": the XL is the wish)."""
    text = _NOT_SIZE.sub(" ", text)
    return _UP.search(text) is not None or _DOWN.search(text) is not None


def size_order(sizes: Sequence[str]) -> list[str]:
    """A product's sizes from the smallest: letters by the ladder, numbers by value."""

    def rank(size: str) -> tuple[int, float]:
        if size.upper() in SIZE_LADDER:
            return (0, SIZE_LADDER.index(size.upper()))
        return (1, float(size)) if size.isdigit() else (2, 0.0)

    return sorted(dict.fromkeys(sizes), key=rank)


def resolve_size(wish: SizeWish, current: str, sizes: Sequence[str]) -> str | None:
    """The size the customer means among the product's ``sizes``; ``None``: no such size (the
    largest is too small already)."""
    if wish.target is not None:
        return wish.target
    if wish.step == 0:
        return None
    ordered = size_order(sizes)
    base = wish.base if wish.base in ordered else current
    if base not in ordered:
        return None
    index = ordered.index(base) + wish.step
    return ordered[index] if 0 <= index < len(ordered) else None


async def wanted_size(rpc: Bus, product_id: int, wish: SizeWish, current: str) -> str | None:
    """The size ``wish`` means for an item of ``product_id`` now in size ``current``: the size
    named as it is (no bus call); one size up or down among the product's sizes
    (``products.get``); ``None`` when there is none that way (or nothing was wished)."""
    if wish.target is not None or wish.step == 0:
        return wish.target
    reply = await rpc.call(GetProduct(product_id=product_id))
    sizes = [v.size for v in reply.product.variants] if isinstance(reply, ProductFound) else []
    return resolve_size(wish, current, sizes)


def not_made_in(
    conv: Conversation,
    variants: Sequence[VariantView],
    item_title: str,
    new_size: str | None,
    new_color: str | None,
    *,
    together: tuple[str, str] | None = None,
) -> str | None:
    """ "卫衣 没有 黑色。这款只有这些尺码：…；颜色：…。": a size or colour named that the product
    doesn't come in, said with what it does come in (the exchange, and the change before
    shipping); ``None`` when it comes in both. ``together``: the (size, colour) wanted, said
    when each is made but not the two together."""
    locale = conv.locale
    sizes = list(dict.fromkeys(v.size for v in variants))
    colours = list(dict.fromkeys(v.color for v in variants))
    missing: list[str] = []
    if new_size and new_size.upper() not in {z.upper() for z in sizes}:
        missing.append(new_size)
    if new_color and new_color not in colours:
        missing.append(colour_name(new_color, locale))
    if not missing and together is not None:
        size, color = together
        if not any((v.size.upper(), v.color) == (size.upper(), color) for v in variants):
            missing.append(f"{size} / {colour_name(color, locale)}")
    if not missing:
        return None
    separator = "、" if locale.startswith("zh") else ", "
    return conv.t(
        "exchange.not_made_in",
        item=item_title,
        wanted=" / ".join(missing),
        sizes=separator.join(sizes),
        colours=separator.join(colour_name(c, locale) for c in colours),
    )


def sold_out(
    conv: Conversation,
    variants: Sequence[VariantView],
    size: str | None,
    color: str | None,
    own: tuple[str | None, str | None] = (None, None),
) -> str | None:
    """ "您想要的 米色 / XXL 暂时卖完了。XXL 现在有：灰色；米色现在有：S、M。": a size and colour
    the product is made in, none of it in stock now — said with what is in stock in that size (the
    other colours) and in that colour (the other sizes), the two a customer would take
    instead, never ``own`` (the size and colour she has); ``None`` when it is in stock, or not
    made at all (``not_made_in`` says that)."""
    if not size or not color:
        return None
    wanted = [v for v in variants if (v.size.upper(), v.color) == (size.upper(), color)]
    if not wanted or any(v.stock > 0 for v in wanted):
        return None
    locale = conv.locale
    separator = "、" if locale.startswith("zh") else ", "
    others = in_stock_others(variants, *own)
    in_size = [colour_name(v.color, locale) for v in others if v.size.upper() == size.upper()]
    in_colour = [v.size for v in others if v.color == color]
    said = [conv.t("exchange.sold_out", wanted=f"{colour_name(color, locale)} / {size}")]
    if in_size:
        said.append(
            conv.t("exchange.sold_out.in_size", size=size, colours=separator.join(in_size))
        )
    if in_colour:
        said.append(
            conv.t(
                "exchange.sold_out.in_colour",
                colour=colour_name(color, locale),
                sizes=separator.join(dict.fromkeys(in_colour)),
            )
        )
    return ("" if locale.startswith("zh") else " ").join(said)


def in_stock_others(
    variants: Sequence[VariantView],
    old_size: str | None,
    old_color: str | None,
    near: tuple[str | None, str | None] | None = None,
) -> list[VariantView]:
    """The sizes and colours in stock to pick instead of the item's own; ``near`` (the size and
    colour wanted) puts first the ones sharing its size, then its colour."""
    found = [v for v in variants if v.stock > 0 and (v.size, v.color) != (old_size, old_color)]
    if near is None:
        return found
    size, color = near
    return sorted(
        found, key=lambda v: (v.size.upper() != (size or "").upper(), v.color != color)
    )
