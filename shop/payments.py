"""Ways to pay that customers ask about by name ("你们支持花呗吗", "can I pay with PayPal"), each
with the words customers use for it and its name in each language.

The shop's policy lists the ones it accepts by these keys (``payment.methods[].key``); whether
one it does not list is a plain "no" depends on ``payment.methods_complete``
(``replies.verdicts``).
"""

from __future__ import annotations

from typing import Final

from shop.names import NameBook

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

_BOOK = NameBook(PAYMENT_PRODUCTS, plurals=True)


def payments_named(text: str) -> frozenset[str]:
    """The ways to pay ``text`` names, by key ("花呗能用吗" → {"huabei"})."""
    return _BOOK.named(text)


def payment_name(key: str, locale: str) -> str:
    return _BOOK.name(key, locale)
