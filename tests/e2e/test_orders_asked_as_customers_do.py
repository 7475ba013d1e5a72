"""Her orders asked about the way customers ask (session 21, helper orders21), end to end
through the fake Bot API, the real worker and RabbitMQ: a return's quote says the day to post
the parcel by, not a bare clock time."""

from __future__ import annotations

import re
from datetime import timedelta

from tests.e2e.test_named_item_jobs import name_product


async def test_a_return_quote_says_the_day_to_send_it_by_not_a_clock_time_zh_and_en(stack) -> None:
    """The quote said "请在 2026年12月10日 3:21 前寄出": a window ending in the small hours read
    as a clock in the wrong zone. Now the last whole day before it, with its weekday, in the
    shop's time zone."""
    for locale, language, says, yes in (
        ("zh_CN", "zh-hans", "牛仔裤小了 想退", "是的"),
        ("en", "en", "the jeans are too small, i want to return them", "yes"),
    ):
        order = await stack.make_order(
            kind="regular", state="shipped", delivered_ago=timedelta(days=2)
        )
        await name_product(stack, order.product_id, "高腰牛仔裤", "High-waist Jeans")
        customer = stack.customer(language_code=language)
        await customer.shares_contact(order.phone)
        await customer.says(says)
        [quote] = await customer.says(yes)
        line = next(
            (s for s in quote.text.splitlines() if "寄出" in s or "send it by" in s.lower()), ""
        )
        assert line, quote.text
        assert re.search(r"\d{1,2}:\d{2}", line) is None, line
        day = (
            r"\d{1,2}月\d{1,2}日（周.）当天或之前寄出"
            if locale == "zh_CN"
            else r"by [A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ at the latest"
        )
        assert re.search(day, line), line
