"""How a phone number is shown where it must not be in full (an order card, a read-back in a
chat that is seen over shoulders and in screenshots): the worker masks the order's own, the bot
a phone the customer typed, both the same way."""

from __future__ import annotations

import re

_NOT_DIGIT = re.compile(r"\D")


def mask_phone(phone: str) -> str:
    """``139****5678``: the first three and last four of its last eleven digits ("+86 139…"
    the same as "139…"); ``****`` for fewer than seven."""
    digits = _NOT_DIGIT.sub("", phone)[-11:]
    return f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 7 else "****"
