"""Reply templates per locale, rendered from the shop policy (``shop/``) (pure)."""

from replies.render import Html, LocaleError, Replies, normalize_locale
from replies.sizing import SizeAdvice, SizeChart, SizeRow, recommend_size

__all__ = [
    "Html",
    "LocaleError",
    "Replies",
    "SizeAdvice",
    "SizeChart",
    "SizeRow",
    "normalize_locale",
    "recommend_size",
]
