"""Reply templates per locale and the shop policy they are rendered from (pure)."""

from replies.policy import PolicyError, ShopPolicy, load_policy
from replies.render import Html, LocaleError, Replies, normalize_locale
from replies.sizing import SizeAdvice, SizeChart, SizeRow, recommend_size

__all__ = [
    "Html",
    "LocaleError",
    "PolicyError",
    "Replies",
    "ShopPolicy",
    "SizeAdvice",
    "SizeChart",
    "SizeRow",
    "load_policy",
    "normalize_locale",
    "recommend_size",
]
