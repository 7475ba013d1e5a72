""" "so what are my options then?" right after the bot refused to change a shipped order's
address: what she can still do, from the order and the shop's policy — ask its courier (the
courier and tracking number; redirecting or holding a parcel is the courier's service, never
promised here), let it arrive and send back what can go back (the policy's window for the
order's kinds of items, the postage hers), or a person who contacts the courier for her (a
button: the ticket opens when pressed). It was "did you mean…?"."""

from __future__ import annotations

import re

from bot.services.conversation import Conversation
from bot.services.orders import lookup
from bus import Bus
from bus.contracts import OrderFound, OrderView
from bus.errors import BusError

OPTIONS_TURNS = 2
"""How many messages after the refusal "what are my options?" is about it."""

_ASKED_EN = re.compile(
    r"\b(what are|what're) (my|the) (options|choices|alternatives)\b|\bmy options\b"
    r"|\bwhat (else )?can (i|you|we) do\b|\bwhat (do|should|can) i do( now| then)?\b"
    r"|\b(any|other|another) (other )?(way|option|options|alternative)s?\b|\bnow what\b"
    r"|\bso what now\b|\bwhat now\b|\bis there (anything|nothing)\b",
    re.IGNORECASE,
)
_ASKED_ZH = re.compile(
    r"(那|那我|我)?(该|要|能|可以)?(怎么办|咋办|怎么弄|怎么处理)|(有|还有)(什么|啥|别的|其他)(办法|方法|选择)"
    r"|(别的|其他)(办法|方法)|没(有)?(别的|其他)?办法(了)?吗|那(现在)?怎么"
)
ZH_LONGEST = 16


def options_asked(text: str) -> bool:
    """ "so what are my options then?", "what can I do", "那怎么办", "还有别的办法吗"."""
    stripped = text.strip()
    if _ASKED_EN.search(stripped):
        return True
    return len(stripped) <= ZH_LONGEST and _ASKED_ZH.search(stripped) is not None


def asked(conv: Conversation, text: str | None) -> bool:
    """A shipped order's address change was refused a message or two ago, and ``text`` asks
    what she can do now."""
    refused = conv.memory.address_refused
    return (
        refused is not None
        and text is not None
        and conv.memory.turns - refused[0] <= OPTIONS_TURNS
        and options_asked(text)
    )


def _return_line(conv: Conversation, order: OrderView | None) -> str:
    """What sending it back after delivery allows, for the order's kinds of items."""
    returns = conv.replies.policy.returns
    kinds = {item.kind for item in order.items} if order is not None else {"regular"}
    if "regular" in kinds and returns.regular.return_allowed:
        return conv.t("address.options.return_regular", days=str(returns.regular.return_days))
    return conv.t("address.options.return_none")


async def say_options(conv: Conversation, rpc: Bus) -> None:
    """Her options for the shipped order whose address could not change, a person offered."""
    refused = conv.memory.address_refused
    assert refused is not None
    conv.memory.address_refused = None
    order_no = refused[1]
    order: OrderView | None = None
    try:
        found = await lookup(rpc, conv, order_no)
    except BusError:
        found = None  # the options still stand; the courier is named without its number
    if isinstance(found, OrderFound):
        order = found.order
    if order is not None and order.tracking_no:
        courier = conv.t(
            "address.options.courier_tracked",
            courier=conv.replies.courier_name(order.courier or "", conv.locale),
            tracking_no=order.tracking_no,
        )
    else:
        courier = conv.t("address.options.courier")
    text = conv.t(
        "address.options.shipped",
        order_no=order_no,
        courier=courier,
        back=_return_line(conv, order),
    )
    await conv.say(text, reply_markup=conv.offer_human("other"))
