"""The yes or no a "can I…?" question gets, decided by the shop's policy, never by a template.

A policy answer to a yes/no question ("定制的衣服能退吗", "Can I pay cash on delivery?") opens with
the verdict the policy decides: :func:`decide` returns it from the policy and what the
question is about (the item kind, the region), or ``None`` when the policy cannot decide without
more (a return question about no item in particular gets the rules for each kind, with no
yes or no). :meth:`replies.render.Replies.answer` puts the locale's opener for that verdict
(``parts.verdict.yes`` / ``no`` / ``depends``) in front of the answer variant written for it, so
the first words are a function of the decision; the templates themselves never open with a
yes or no word (``tests/unit/replies/test_verdicts.py`` walks every answer template in every
locale with every verdict it can carry).
"""

from __future__ import annotations

from typing import Literal, get_args

from shop.couriers import policy_code
from shop.enums import ItemKind
from shop.policy import ShopPolicy

Verdict = Literal["yes", "no", "depends"]
"""``depends``: neither as a rule — a person decides case by case (e.g. ``exchange:
discretionary`` for proxy purchases)."""
VERDICTS: tuple[Verdict, ...] = get_args(Verdict)

YES_NO_INTENTS: frozenset[str] = frozenset(
    {
        "returns.return",
        "returns.exchange",
        "payment.cod",
        "shipping.region",
        "payment.methods",
        "bargain.discount",
        "shipping.courier",
        "shipping.dispatch_time",
    }
)
"""The policy answers to "can I…?" questions that the policy alone decides. (Whether an order's
address can still change, or an order be cancelled, depends on the order: those answers give
the rules, and the order flows say yes or no with the worker's decision.)"""


def decide(
    policy: ShopPolicy,
    intent: str,
    *,
    item_kind: ItemKind | None = None,
    region: str | None = None,
    payments: frozenset[str] = frozenset(),
    coupon: bool = False,
    couriers: frozenset[str] = frozenset(),
    days: int | None = None,
) -> Verdict | None:
    """The policy's yes or no for ``intent`` about this item kind / region / the ways to pay
    named (``shop.payments`` keys) / coupons / the couriers named (``shop.couriers`` keys) / how
    many days from now dispatch is asked for;
    ``None`` when the question is not a yes/no one, or the policy needs to know more to decide
    (or doesn't say)."""
    if intent == "returns.return":
        if item_kind is None:
            return None
        return "yes" if policy.kind_rule(item_kind).return_allowed else "no"
    if intent == "returns.exchange":
        if item_kind is None:
            return None
        mode = policy.kind_rule(item_kind).exchange
        return "yes" if mode == "yes" else "no" if mode == "no" else "depends"
    if intent == "payment.cod":
        return "yes" if policy.payment.cod_offered else "no"
    if intent == "payment.methods":
        # "支持花呗吗": yes when every way named is accepted; a way the policy doesn't list is a
        # no only when the list is complete (otherwise nobody knows: no verdict).
        if not payments:
            return None
        if payments <= policy.payment.accepted:
            return "yes"
        return "no" if policy.payment.methods_complete else None
    if intent == "bargain.discount":
        # "有优惠券吗": what the policy says about coupons; silent, no verdict (the bot says it
        # doesn't know, bot/handlers/policy.py)
        if not coupon or policy.prices.coupons is None:
            return None
        return "yes" if policy.prices.coupons else "no"
    if intent == "shipping.courier":
        # "能发顺丰吗": yes for the default courier, and SF when the shop sends it on request; a
        # courier the shop doesn't use is a no; EMS (overseas only) and SF when it goes only
        # to Hong Kong, Macau and Taiwan are answered by the rules, with no yes or no.
        if not couriers:
            return None
        codes = {policy_code(policy.shipping, key) for key in couriers}
        if None in codes:
            return "no"
        usable = {"default", "sf"} if policy.shipping.sf_on_request else {"default"}
        return "yes" if codes <= usable else None
    if intent == "shipping.dispatch_time":
        # "明天能发吗": in-stock items leave within the policy's days of payment, sooner with
        # luck — a yes by then, before then nobody can promise it (never a flat no).
        if days is None:
            return None
        return "yes" if days >= policy.shipping.dispatch.in_stock_days.max else "depends"
    if intent == "shipping.region":
        # Every region group has a way to ship (remote regions, SF to HK/Macau/Taiwan, EMS or a
        # forwarder overseas); only a named region makes it an answer to "do you ship to X?".
        return "yes" if region else None
    return None
