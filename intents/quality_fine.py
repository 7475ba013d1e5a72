"""The quality said to be fine: "质量挺好的就是小了", "不是质量问题 是码数不对", "quality is
fine, it's just too small", "nothing wrong with it, just too big".

A customer who says there is no defect is not reporting one, though 质量 / quality is in her
words: the engine reads the fit, the exchange or the return she asks instead
(``engine._quality_fine``), and the bot's reader of why an item goes back
(``bot.services.choices.return_cause``) does not take the praised quality for the cause. A
question about the quality ("质量好吗", "is the quality good?") praises nothing and is not
matched.
"""

from __future__ import annotations

import re

_QUALITY_FINE_ZH = re.compile(
    r"(?:质量|做工|面料|料子|用料|品质)(?:本身|上)?(?:都|也|倒是|其实|是)?(?:挺|很|还|蛮|非常|特别|都)?"
    r"(?:好|不错|没问题|没毛病|没啥问题|可以|ok|满意)(?:的|啦|哈|呀|啊)?(?![吗嘛么不没?？])"
    r"|(?:不是|并不是|不算|没有|没|也不是)(?:啥|什么)?(?:质量|做工|品质)(?:上的|方面的)?问题",
    re.IGNORECASE,
)
_QUALITY_FINE_EN = re.compile(
    r"\b(?:quality|material|fabric|stitching|item itself|product itself)"
    r"\s+(?:is|'s|was|seems|looks)"
    r"\s+(?:totally |really |perfectly |actually |all )?(?:fine|good|great|ok|okay|perfect|nice)\b"
    r"(?!\?)|\bnothing(?: is)? wrong with (?:it|the (?:quality|item|material|fabric))\b"
    r"|\bnot (?:a |an )?(?:quality|defect) (?:issue|problem)"
    r"|\bno (?:quality|defect) (?:issue|problem)",
    re.IGNORECASE,
)


def quality_said_fine(text: str) -> bool:
    """The quality said to be fine (or a defect denied) in ``text``."""
    return _QUALITY_FINE_ZH.search(text) is not None or _QUALITY_FINE_EN.search(text) is not None


def without_quality_praise(text: str) -> str:
    """``text`` with the words that say the quality is fine blanked out: what is left names the
    real cause ("质量挺好的就是小了" → the size; "质量没问题 但是开线了" → still the seam)."""
    return _QUALITY_FINE_EN.sub(" ", _QUALITY_FINE_ZH.sub(" ", text))
