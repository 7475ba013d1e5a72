"""conv15's blind follow-ups, scored through the fake Bot API (not collected by default: run
``pytest -s tests/e2e/eval_followups.py``; ``FOLLOWUPS=file.yaml`` for another batch). Each
line is said right after the card of her own order was shown; it prints what each got and the
score. It asserts nothing: a measurement, not a test."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import yaml

from tests.e2e.conftest import Stack

BATCH = Path(os.environ.get("FOLLOWUPS", "tests/data/followups_blind_conv15.yaml"))
AGES = {
    "shipped": {"paid_ago": timedelta(days=2), "shipped_ago": timedelta(days=1)},
    "paid": {"paid_ago": timedelta(hours=3)},
    "awaiting_payment": {},
}


def what_it_got(stack: Stack, text: str, order_no: str, locale: str) -> str:
    if stack.t("clarify.header", locale) in text:
        return "clarify"
    if stack.t("clarify.rephrase", locale).split(".")[0] in text:
        return "unknown"
    if order_no in text and any(
        stack.t("order.brief_more", shown) in text for shown in ("zh_CN", "en")
    ):
        return "brief"  # (in either language: "ok 那什么时候能到啊" in an English chat is Chinese)
    if any(
        stack.t(f"order.wait.{step}", shown, order_no=order_no, time="")[:12] in text
        for step in ("dispatch", "delivery")
        for shown in ("zh_CN", "en")
    ):
        return "wait"  # a wait complained of: sorry, not late, the time it is due by
    if order_no in text and (("合计" in text) or ("Total:" in text)):
        return "card"
    if order_no in text:
        return "order"
    return "other"


LINES = yaml.safe_load(BATCH.read_text(encoding="utf-8"))


async def test_score_the_follow_ups(stack: Stack) -> None:
    lines = LINES
    right = 0
    for line in lines:
        locale = "zh_CN" if line["lang"] == "zh" else "en"
        customer = stack.customer(language_code="zh-hans" if locale == "zh_CN" else "en")
        order = await stack.make_order(
            kind="regular",
            state=line["state"],
            delivered_ago=None,
            telegram_user_id=customer.user_id,
            **AGES[line["state"]],
        )
        await customer.says(order.order_no)
        [reply] = await customer.says(line["text"])
        got = what_it_got(stack, reply.text, order.order_no, locale)
        ok = (
            got == line["expect"]
            or (line["expect"] == "brief" and got == "wait")
            or (line["expect"] == "other" and got in ("other", "unknown"))
        )
        right += ok
        print(f"{'OK ' if ok else 'BAD'} {line['expect']:5} got {got:7} | {line['text']}"
              + ("" if ok else f"\n      -> {reply.text[:160]!r}"))
    print(f"SCORE {right}/{len(lines)}")
