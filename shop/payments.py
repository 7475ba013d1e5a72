"""Ways to pay that customers ask about by name ("你们支持花呗吗", "can I pay with PayPal"), each
with the words customers use for it and its name in each language.

The shop's policy lists the ones it accepts by these keys (``payment.methods[].key``); whether
one it does not list is a plain "no" depends on ``payment.methods_complete``
(``replies.verdicts``).
"""

from __future__ import annotations

import re
from typing import Final

PAYMENT_PRODUCTS: Final[dict[str, tuple[dict[str, str], tuple[str, ...]]]] = {
    # key: ({locale: name}, words customers use for it — lower case, matched as words)
    "alipay": ({"zh_CN": "支付宝", "en": "Alipay"}, ("支付宝", "alipay", "ali pay")),
    "wechat_pay": (
        {"zh_CN": "微信支付", "en": "WeChat Pay"},
        ("微信支付", "微信付", "微信转账", "微信", "wechat pay", "wechat", "weixin"),
    ),
    "bank_card": (
        {"zh_CN": "银行卡", "en": "bank card"},
        (
            "银行卡", "信用卡", "借记卡", "储蓄卡", "刷卡", "bank card", "credit card",
            "debit card", "visa", "mastercard", "master card",
        ),
    ),
    "huabei": ({"zh_CN": "花呗", "en": "Huabei"}, ("花呗", "huabei", "hua bei")),
    "jd_baitiao": ({"zh_CN": "京东白条", "en": "JD Baitiao"}, ("白条", "baitiao")),
    "installments": (
        {"zh_CN": "分期付款", "en": "instalments"},
        ("分期", "installment", "instalment", "pay later", "buy now pay later"),
    ),
    "unionpay": (
        {"zh_CN": "云闪付", "en": "UnionPay"},
        ("云闪付", "银联", "unionpay", "union pay"),
    ),
    "paypal": ({"zh_CN": "PayPal", "en": "PayPal"}, ("paypal", "pay pal", "贝宝")),
    "apple_pay": ({"zh_CN": "Apple Pay", "en": "Apple Pay"}, ("apple pay", "苹果支付")),
    "google_pay": ({"zh_CN": "Google Pay", "en": "Google Pay"}, ("google pay", "谷歌支付")),
    "bank_transfer": (
        {"zh_CN": "银行转账", "en": "bank transfer"},
        ("银行转账", "对公转账", "对公", "汇款", "bank transfer", "wire transfer"),
    ),
    "crypto": (
        {"zh_CN": "加密货币", "en": "cryptocurrency"},
        ("比特币", "虚拟币", "加密货币", "usdt", "bitcoin", "crypto"),
    ),
}
"""Every way to pay the bot recognises by name."""

PAYMENT_KEYS: Final[frozenset[str]] = frozenset(PAYMENT_PRODUCTS)

# Longest words first, so "微信支付" wins over "微信" and "credit card" over "card".
_WORDS = sorted(
    ((word, key) for key, (_, words) in PAYMENT_PRODUCTS.items() for word in words),
    key=lambda pair: len(pair[0]),
    reverse=True,
)
_PATTERN = re.compile(
    "|".join(
        rf"(?<![a-z]){re.escape(word)}(?:s|es)?(?![a-z])" if word.isascii() else re.escape(word)
        for word, _ in _WORDS
    ),
    re.IGNORECASE,
)
_KEY_OF = {word: key for word, key in _WORDS}


def payments_named(text: str) -> frozenset[str]:
    """The ways to pay ``text`` names, by key ("花呗能用吗" → {"huabei"})."""
    return frozenset(_key_of(match.group(0).lower()) for match in _PATTERN.finditer(text))


def _key_of(word: str) -> str:
    """The key of a matched word ("credit cards": its plural)."""
    return _KEY_OF.get(word) or _KEY_OF.get(word[:-1]) or _KEY_OF[word[:-2]]


def payment_name(key: str, locale: str) -> str:
    names = PAYMENT_PRODUCTS[key][0]
    return names.get(locale) or names["zh_CN"]
