"""Several questions in one message ("连衣裙有S码吗 还有能便宜点吗", "which courier? also do you
ship to Canada"): the message cut where a customer starts the next question, so that each can
be read on its own. Pure text work; what the parts mean is the engine's (``IntentEngine.match``)
and what is done with them the bot's.
"""

from __future__ import annotations

import re

from shop.enums import SIZE_LETTERS

__all__ = ["asks", "question_parts"]

# Where a next question starts: after a question mark, or at words that add one ("还有",
# "另外", "顺便问下", "also", "btw") right after a pause (punctuation, a space, a question's
# particle): "T恤还有白色吗" asks one thing. The words stay in the part they open. A full stop
# alone does not cut ("裙子太长了。能退吗" is one job).
_CUT = re.compile(
    r"(?<=[?？])"
    r"|(?<=[吗呢么嘛])(?=[\s，,]+[\u4e00-\u9fff])"  # "能寄到美国吗 要多久"
    # a question ended by 啊/呀, then one that asks in so many words ("换货运费谁出啊 能用微信付吗")
    r"|(?<=[啊呀])(?=[\s，,]+[\u4e00-\u9fff][^\s，,。.?？!！]{1,20}[吗呢么嘛?？])"
    r"|(?<=[，,。.;；!！\s吗呢吧啊呀么嘛])(?=还有就是|还有个问题|还有|另外|顺便|再问一?下|还想问|以及)"
    r"|(?i:(?<=[,.;!])(?=\s*(?:and also|also|btw|by the way|plus|another question)\b))"
    # two jobs on two items: "把T恤退了 裤子换成L", "T恤退掉，牛仔裤换L码", "return the tee,
    # and swap the jeans for an L" — cut where the second starts, so neither is lost
    r"|(?<=退了|退掉|退货|退回)(?=[\s，,；;]+[^\s，,；;?？]{1,10}换)"
    r"|(?<=[LMSXl码号])(?=[\s，,；;]+[^\s，,；;]{1,8}(?:退了|退掉|退货|要退|退回))"
    r"|(?i:(?<=\S)(?=,?\s+and (?:then )?(?:swap|exchange|return|send back)\b))"
    # a second job after a comma: "change my hoodie to size L, and cancel the floral dress",
    # "cancel my unpaid dress order, and where is my down jacket?"
    r"|(?i:(?<=,)(?=\s*and (?:also )?(?:please )?"
    r"(?:cancel|change|where(?:'s| is)|can you|could you)\b))"
)
# a part that asks for a job of its own (never a detail of the one before: "裤子换成L")
_JOB = re.compile(r"退|换|(?i:\b(?:return|swap|exchange|send back)\b)")
_MIN_CJK = 2
_MIN_WORDS = 2
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+")
_ASKS = re.compile(r"[?？吗呢么嘛]\s*$")


def _says_something(part: str) -> bool:
    return len(_CJK.findall(part)) >= _MIN_CJK or len(_WORD.findall(part)) >= _MIN_WORDS


# A detail of the question before it ("do you have the linen shirt in white? size L", "有黑色吗？
# M码"): a few words that ask nothing — no question mark or particle, no question word.
_DETAIL_CJK = 4
_DETAIL_WORDS = 3
_ASKING = re.compile(
    r"[?？吗呢么嘛]|[不没]\s*$|多少|多久|多大|多长|几|什么|啥|怎么|咋|哪|谁|如何|能不能|可不可以|有没有"
    r"|是不是"
    r"|(?i:\b(?:how|what|when|where|which|who|why|can|could|do|does|is|are|will|would)\b)"
)


# The size she has, told beside a size question ("whats the right hoodie size for 173cm 66kg? i
# ordered an M", "我拍的是M"): which size she is in, no question of its own (it was read as her
# order's status and led the turn: the order asked for, the advice queued behind it)
_HER_SIZE = re.compile(
    r"^(?:我(?:的)?)?(?:买|拍|下单|订|选|穿)(?:了)?(?:的)?(?:是)?"
    rf"\s*(?:{SIZE_LETTERS})\s*码?(?:的)?$"
    r"|(?i:^(?:(?:and |but )?i(?:'ve| have)? )?"
    r"(?:ordered|bought|got|picked|chose|went for|took|have|wear|usually wear)\s+"
    rf"(?:an? |the |size |a size )?(?:{SIZE_LETTERS})(?: size| one)?$)",
)


def _a_detail(part: str) -> bool:
    if _HER_SIZE.match(part):
        return True
    return (
        len(_CJK.findall(part)) <= _DETAIL_CJK
        and len(_WORD.findall(part)) <= _DETAIL_WORDS
        and _ASKING.search(part) is None
        and _JOB.search(part) is None
    )


# Two questions with only a space between them, each asking with a question word ("退货有几天
# 期限 退回来的运费谁付"): cut at the space ("T恤有几个颜色" or "什么时候发 我等了好几天了" is
# one question: the second piece asks nothing of its own)
_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_QUESTION_WORD = re.compile(
    r"多少|多久|多长时间|(?<!好)几(?:天|号|个|件|次)|什么|啥|谁|怎么|咋|哪|如何|能不能|可不可以|有没有"
)


def _spaced_questions(piece: str) -> list[str]:
    chunks = _SPACE.split(piece)
    if len(chunks) < 2:
        return [piece]
    out = [chunks[0]]
    for chunk in chunks[1:]:
        if (
            _QUESTION_WORD.search(out[-1])
            and _QUESTION_WORD.search(chunk)
            and len(_CJK.findall(out[-1])) >= _DETAIL_CJK
            and len(_CJK.findall(chunk)) >= _DETAIL_CJK
        ):
            out.append(chunk)
        else:
            out[-1] = f"{out[-1]} {chunk}"
    return out


def question_parts(text: str) -> list[str]:
    """The message's questions, in order; one part (the text) when it asks one. A piece too
    short to be read on its own ("嗯？", "ok?"), or a detail that asks nothing ("size L",
    "M码"), joins the one before it."""
    parts: list[str] = []
    pieces = [spaced for piece in _CUT.split(text) for spaced in _spaced_questions(piece)]
    for piece in pieces:
        piece = piece.strip(" ，,。.;；!！、")
        if not piece:
            continue
        told = parts and parts[-1][-1] in "啊呀" and _ASKING.search(parts[-1]) is None
        if parts and (not _says_something(piece) or _a_detail(piece) or told):
            # ("是啊 能退吗": a cut after 啊 only where the piece before asked something)
            parts[-1] = f"{parts[-1]} {piece}"
        else:
            parts.append(piece)
    return parts if len(parts) > 1 else [text]


def asks(part: str) -> bool:
    """Whether a part ends as a question does (a question mark or particle): "连衣裙有S码吗" asks,
    "裙子有点大" tells."""
    return _ASKS.search(part) is not None
