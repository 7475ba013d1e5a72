"""Every policy answer opens with the yes or no the policy decides, never a template's word.

The walk renders every answer template of every locale with every decision it can carry —
each item kind, each region group, with and without the slots, under the demo policy and
under a policy whose decisions are the other way round — and checks the first clause against
the decision with a table of yes / no / "it depends" openers per locale. An answer the policy
decides nothing for must not open with any of them. A template no combination reaches fails
the walk, so a new variant cannot slip past it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import replies.render as render
from replies.render import Replies
from replies.verdicts import VERDICTS, YES_NO_INTENTS, Verdict
from shop.enums import ITEM_KINDS
from shop.policy import ShopPolicy

OPENERS: dict[str, dict[Verdict, tuple[str, ...]]] = {
    "zh_CN": {
        "yes": ("可以", "能", "是的", "是", "有的", "好的", "当然", "没问题", "行", "支持", "对"),
        "no": ("不", "没", "抱歉", "很遗憾", "遗憾", "无法", "暂不", "对不起"),
        "depends": ("要看", "看情况", "视情况", "不一定", "得看"),
    },
    "en": {
        "yes": ("yes", "yeah", "sure", "of course", "certainly", "absolutely", "definitely",
                "we do", "you can", "we can"),
        "no": ("no", "sorry", "unfortunately", "we don't", "we do not", "you can't",
               "you cannot", "we can't", "not"),
        "depends": ("it depends", "depends", "maybe", "not always", "not necessarily"),
    },
}
NOT_VERDICTS: dict[str, tuple[str, ...]] = {
    "zh_CN": ("不客气", "不好意思"),  # "you're welcome", "excuse me": courtesy, not a no
    "en": ("no problem", "not sure"),
}
REGIONS = (None, "上海", "北京", "新疆", "香港", "海外")
BODIES: tuple[dict[str, Any], ...] = (
    {}, {"height_cm": 165}, {"weight_kg": 52}, {"height_cm": 165, "weight_kg": 52},
)
FIRST_CLAUSE = re.compile(r"[，。,.;；:：!！?？\n]")


def first_clause(text: str) -> str:
    return FIRST_CLAUSE.split(text.strip(), maxsplit=1)[0].strip().lower()


def opens_with(clause: str, locale: str, verdict: Verdict) -> bool:
    words = OPENERS[locale][verdict]
    if locale == "en":
        return any(re.match(rf"{re.escape(word)}\b", clause) for word in words)
    return clause.startswith(words)


def which_openers(clause: str, locale: str) -> set[Verdict]:
    if clause.startswith(NOT_VERDICTS[locale]):
        return set()
    return {verdict for verdict in VERDICTS if opens_with(clause, locale, verdict)}


def reversed_policy(shop_yaml: Path) -> ShopPolicy:
    """The demo policy with its decisions the other way round: cash on delivery offered,
    custom-made items refundable, proxy purchases never exchanged, regular items not
    returnable, the ways to pay not said to be complete, coupons issued, SF not sent on
    request."""
    raw = yaml.safe_load(shop_yaml.read_text(encoding="utf-8"))
    raw["payment"]["cod_offered"] = True
    raw["returns"]["custom"].update(return_allowed=True, return_days=3)
    raw["returns"]["proxy"].update(exchange="no", exchange_changes=[])
    raw["returns"]["regular"].update(return_allowed=False, exchange="discretionary")
    raw["payment"]["methods_complete"] = False  # "PayPal?": nobody knows, no verdict
    raw["prices"]["coupons"] = True
    raw["shipping"]["sf_on_request"] = False  # "能发顺丰吗": SF only where it must, no yes
    return ShopPolicy.model_validate(raw)


def no_coupons_policy(shop_yaml: Path) -> ShopPolicy:
    """The demo policy saying it issues no coupons (the demo's says nothing about them)."""
    raw = yaml.safe_load(shop_yaml.read_text(encoding="utf-8"))
    raw["prices"]["coupons"] = False
    return ShopPolicy.model_validate(raw)


# what a payment or discount question may name: nothing, a way the demo shop takes, one it
# doesn't, both; coupons or not
ASKED: dict[str, tuple[dict[str, Any], ...]] = {
    "payment.methods": tuple(
        {"payments": frozenset(named)} for named in ((), ("alipay",), ("paypal",),
                                                      ("paypal", "bank_card"))
    ),
    "bargain.discount": ({"coupon": False}, {"coupon": True}),
    # couriers: none, the shop's own, SF, one it doesn't use, EMS (overseas only)
    "shipping.courier": tuple(
        {"couriers": frozenset(named)}
        for named in ((), ("zto",), ("sf",), ("yunda",), ("sf", "yto"), ("ems",))
    ),
    # how soon dispatch is asked for: not at all, today, tomorrow, within 3 and 5 days
    "shipping.dispatch_time": tuple({"days": days} for days in (None, 0, 1, 3, 5)),
}


def combinations(replies: Replies) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for intent in replies.intent_ids:
        for locale in replies.locales:
            for kind in (None, *ITEM_KINDS):
                for region in REGIONS:
                    for body in BODIES:
                        for asked in ASKED.get(intent, ({},)):
                            yield intent, locale, {
                                "item_kind": kind, "region": region, **body, **asked
                            }


def test_every_answer_opens_with_the_policy_decision(
    policy: ShopPolicy, shop_yaml: Path, locales_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    used: set[str] = set()
    real_fill = render._fill

    def recording_fill(template: str, values: Any, where: str) -> render.Html:
        used.add(where)
        return real_fill(template, values, where)

    monkeypatch.setattr(render, "_fill", recording_fill)
    problems: list[str] = []
    carried: dict[str, set[Verdict]] = {}
    for shop in (policy, reversed_policy(shop_yaml), no_coupons_policy(shop_yaml)):
        replies = Replies(shop, locales_dir)
        for intent, locale, context in combinations(replies):
            before = set(used)
            text = replies.answer(intent, locale, **context)
            keys = {w for w in used - before if w.startswith("answers.")}
            verdict = replies.verdict(
                intent,
                item_kind=context["item_kind"],
                region=context["region"],
                payments=context.get("payments", frozenset()),
                coupon=context.get("coupon", False),
                couriers=context.get("couriers", frozenset()),
                days=context.get("days"),
            )
            clause = first_clause(text)
            found = which_openers(clause, locale)
            if verdict is None:
                if found:
                    problems.append(f"{intent} {locale}: decides nothing but opens "
                                    f"{clause!r} ({', '.join(sorted(found))})")
                continue
            for key in keys:
                carried.setdefault(key, set()).add(verdict)
            # "不一定" starts like a no: a depends opener may also read as one
            others = found - {verdict} - ({"no"} if verdict == "depends" else set())
            if not opens_with(clause, locale, verdict) or others:
                problems.append(f"{intent} {locale} {context['item_kind']}: the policy says "
                                f"{verdict}, the answer opens {clause!r}")
            # after the opener, the answer never starts with the opposite
            rest = FIRST_CLAUSE.split(text.strip(), maxsplit=1)[1]
            if which_openers(first_clause(rest), locale) - {verdict, "depends"}:
                problems.append(f"{intent} {locale}: {verdict}, then {first_clause(rest)!r}")
    assert not problems, "\n".join(dict.fromkeys(problems))
    # every answer template of every locale was rendered at least once
    all_keys = {
        f"{key} ({locale})"
        for locale in replies.locales
        for key in replies._templates[locale]
        if key.startswith("answers.")
    }
    assert all_keys - used == set()
    # only the yes/no questions carry decisions; a verdict variant carries its own verdict
    for key, verdicts in carried.items():
        intent = key.split(" ")[0].split("[")[0][len("answers."):]
        assert intent in YES_NO_INTENTS, key
        variant = key.split("[")[1].split("]")[0] if "[" in key else None
        if variant in VERDICTS:
            assert verdicts == {variant}, key


def test_a_verdict_variant_is_chosen_by_the_decision_not_the_wording(
    policy: ShopPolicy, shop_yaml: Path, locales_dir: Path
) -> None:
    demo, turned = Replies(policy, locales_dir), Replies(reversed_policy(shop_yaml), locales_dir)
    assert demo.answer("returns.return", "zh_CN", item_kind="custom").startswith("不可以")
    assert turned.answer("returns.return", "zh_CN", item_kind="custom").startswith("可以")
    assert demo.answer("returns.return", "en", item_kind="proxy").startswith("No.")
    assert demo.answer("returns.return", "en", item_kind="regular").startswith("Yes.")
    assert turned.answer("returns.return", "en", item_kind="regular").startswith("No.")
    assert demo.answer("payment.cod", "en").startswith("No.")
    assert turned.answer("payment.cod", "zh_CN").startswith("可以")
    assert demo.answer("returns.exchange", "en", item_kind="proxy").startswith("It depends.")
    assert turned.answer("returns.exchange", "en", item_kind="proxy").startswith("No.")
    # about no item in particular: the rules per kind, no yes and no no
    assert which_openers(first_clause(demo.answer("returns.return", "zh_CN")), "zh_CN") == set()


def test_openers_table_reads_clauses_as_a_customer_would() -> None:
    assert which_openers(first_clause("可以的，规则是这样的"), "zh_CN") == {"yes"}
    assert which_openers(first_clause("不可以。定制款不退款"), "zh_CN") == {"no"}
    assert which_openers(first_clause("Yes, here's how it works"), "en") == {"yes"}
    assert which_openers(first_clause("Normally it ships in 2 days"), "en") == set()
    assert which_openers(first_clause("Sorry, we don't offer that"), "en") == {"no"}


def test_a_way_to_pay_named_is_answered_by_the_policys_list(
    policy: ShopPolicy, shop_yaml: Path, locales_dir: Path
) -> None:
    demo, turned = Replies(policy, locales_dir), Replies(reversed_policy(shop_yaml), locales_dir)
    huabei = demo.answer("payment.methods", "zh_CN", payments=frozenset({"huabei"}))
    assert huabei.startswith("不支持。花呗") and "支付宝" in huabei
    assert demo.answer("payment.methods", "zh_CN", payments=frozenset({"alipay"})).startswith(
        "支持。"
    )
    paypal = demo.answer("payment.methods", "en", payments=frozenset({"paypal", "bank_card"}))
    assert paypal.startswith("No. PayPal isn't") and "bank card" in paypal
    # a list not said to be complete: no verdict, the list
    assert turned.answer("payment.methods", "en", payments=frozenset({"paypal"})) == (
        turned.answer("payment.methods", "en")
    )


def test_coupons_are_answered_as_the_policy_says_or_not_at_all(
    policy: ShopPolicy, shop_yaml: Path, locales_dir: Path
) -> None:
    silent = Replies(policy, locales_dir)
    assert silent.verdict("bargain.discount", coupon=True) is None
    assert silent.answer("bargain.discount", "zh_CN", coupon=True) == silent.answer(
        "bargain.discount", "zh_CN"
    )
    none = Replies(no_coupons_policy(shop_yaml), locales_dir)
    assert none.answer("bargain.discount", "zh_CN", coupon=True).startswith("没有。本店不发优惠券")
    assert none.answer("bargain.discount", "en", coupon=True).startswith("No. We don't issue")
    some = Replies(reversed_policy(shop_yaml), locales_dir)
    assert some.answer("bargain.discount", "zh_CN", coupon=True).startswith("有的。")
    # not asked about coupons: the discount answer as ever, no yes or no
    assert none.verdict("bargain.discount") is None


def test_a_courier_named_is_answered_by_the_policys_couriers(
    policy: ShopPolicy, shop_yaml: Path, locales_dir: Path
) -> None:
    demo, turned = Replies(policy, locales_dir), Replies(reversed_policy(shop_yaml), locales_dir)
    sf, yunda = frozenset({"sf"}), frozenset({"yunda"})
    assert demo.answer("shipping.courier", "zh_CN", couriers=sf).startswith("可以。")
    refused = demo.answer("shipping.courier", "zh_CN", couriers=yunda)
    assert refused.startswith("不可以。韵达快递")
    assert demo.answer("shipping.courier", "en", couriers=frozenset({"yto", "sf"})).startswith(
        "No. We don't ship with YTO Express."
    )
    # SF not sent on request: no yes (the rules say where it goes); EMS is overseas only
    assert demo.verdict("shipping.courier", couriers=frozenset({"ems"})) is None
    assert turned.verdict("shipping.courier", couriers=sf) is None
    assert turned.verdict("shipping.courier", couriers=frozenset({"zto"})) == "yes"
    assert demo.verdict("shipping.courier") is None  # "发什么快递" names none


def test_can_it_ship_by_then_is_answered_by_the_dispatch_days(
    policy: ShopPolicy, locales_dir: Path
) -> None:
    demo = Replies(policy, locales_dir)  # in-stock items leave within 2–3 days of payment
    assert demo.answer("shipping.dispatch_time", "zh_CN", days=1).startswith("不一定。")
    assert demo.answer("shipping.dispatch_time", "zh_CN", days=3).startswith("能。")
    assert demo.answer("shipping.dispatch_time", "en", days=0).startswith("Not necessarily.")
    assert demo.verdict("shipping.dispatch_time") is None  # "多久发货" asks no yes or no
