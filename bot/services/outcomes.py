"""What the worker's answers mean for the customer, said in one place.

A flow decides what happens next (wait for another answer, pause, finish); what the customer
reads when the worker says "not found", "too many attempts", "this needs your contact", "no"
or nothing at all is worded here, so that every flow says it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from bot import keyboards
from bot.services.conversation import Conversation
from bus.contracts import (
    AddressChangeRefused,
    ExchangeRejected,
    NotLinked,
    OrderNotFound,
    Throttled,
)


@dataclass(frozen=True)
class ProofNeeded:
    """Not a worker's answer: the bot cannot ask for the order yet, the customer has not said
    who they are (no linked contact, no last four digits for it). ``not_hers``: the chat is
    verified and the number is none of her orders (a typo, or an order placed with another
    phone): said so, not the bare question for digits she was never asked for before."""

    not_hers: str | None = None


Setback = (
    OrderNotFound | Throttled | ProofNeeded | NotLinked | ExchangeRejected | AddressChangeRefused
)
"""An answer that ends the step, said by :func:`explain` (``ContactRequired`` pauses the flow
instead: see ``bot.flows.base.Flow.pause_for_contact``)."""


def retry_minutes(seconds: int) -> int:
    """Whole minutes to wait, rounded up: "try again in 1 minute" after 90 seconds would send
    the customer back too early."""
    return max(1, -(-seconds // 60))


async def explain(conv: Conversation, outcome: Setback) -> None:
    if isinstance(outcome, Throttled):
        await conv.say(conv.t("order.throttled", minutes=retry_minutes(outcome.retry_after_s)))
    elif isinstance(outcome, OrderNotFound):
        await conv.say(conv.t("order.not_found"))
    elif isinstance(outcome, ProofNeeded) and outcome.not_hers:
        await conv.say(conv.t("order.not_among_yours", order_no=outcome.not_hers))
    elif isinstance(outcome, ProofNeeded):
        await conv.say(conv.t("ask.phone_last4"))
    elif isinstance(outcome, NotLinked):
        await conv.say(conv.t("contact.prompt"), reply_markup=keyboards.share_contact(conv.t))
    elif isinstance(outcome, ExchangeRejected):
        await exchange_refused(conv, outcome.reasons)
    else:
        await address_refused(conv, outcome)


async def exchange_refused(
    conv: Conversation, reasons: Iterable[str], kind: str | None = None
) -> None:
    """Every reason in plain words (a window named for the item's own ``kind``), and a person
    for what the rules don't cover."""
    await conv.say(
        conv.replies.exchange_refused(list(reasons), conv.locale, kind),
        reply_markup=conv.offer_human("ineligible"),
    )


async def address_refused(conv: Conversation, refusal: AddressChangeRefused) -> None:
    """Why the address can't change; a person for a shipped or closed order (an unpaid one
    only needs paying first, an address the worker could not place only sending again)."""
    by_customer = refusal.reason in ("not_paid", "unknown_region")
    markup = None if by_customer else conv.offer_human("other")
    await conv.say(conv.replies.address_refused(refusal.reason, conv.locale), reply_markup=markup)


async def ask_for_contact(conv: Conversation, reason: Literal["write", "last4_locked"]) -> None:
    """The worker wants the order's verified customer (``ContactRequired``)."""
    key = "contact.needed_for_change" if reason == "write" else "contact.needed_locked"
    await conv.say(conv.t(key), reply_markup=keyboards.share_contact(conv.t))


async def not_order_owner(conv: Conversation) -> None:
    """The chat is verified as another customer than the order's: sharing the contact again
    can't help, a person can."""
    await conv.say(conv.t("contact.not_order_owner"), reply_markup=conv.offer_human("other"))


async def unavailable(conv: Conversation, *, offer_person: bool = True) -> None:
    """The worker (or the broker) can't be reached: say so, and offer a person — or, when the
    offer itself failed, say when a person will be there. Said aside: a job waiting keeps its
    question as the one to point back to, not this apology."""
    if offer_person:
        await conv.say(
            conv.t("unavailable"), reply_markup=conv.offer_human("unavailable"), aside=True
        )
    else:
        # the person asked for could not be reached either: nothing was recorded, and no
        # colleague will come of it — she hears that plainly, and how to ask again
        await conv.say(conv.t("ticket.failed"), aside=True)
