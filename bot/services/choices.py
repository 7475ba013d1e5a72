"""Typed answers to a question the bot asked with buttons.

Customers don't always press: to "退哪一件？" they type "牛仔裤", "第二件" or "both"; to
"换成 L，对吗？" they type "对"; to "why are you returning it?" they type "太大了". Each reader
here takes the typed text and gives what the button would have given, or ``None`` when the
text doesn't say — then the flow asks again (or, for a clear new question, steps aside).
Nothing here guesses: a text that fits two options, or says yes and no, is ``None``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Literal, TypeVar

from rapidfuzz import fuzz

from bus import Bus
from bus.contracts import OrderItemView, OrderSummary, ProductList, SearchProducts
from bus.errors import BusError
from intents import Slots
from intents.garments import mended, names_a_garment
from intents.quality_fine import without_quality_praise
from intents.wrong_item import wrong_item
from shop.enums import ReturnCause

T = TypeVar("T")

# What a short answer may carry around its word: particles, punctuation, "please", "thanks".
_PARTICLES = re.compile(r"[\s,，.。!！~～、…?？吧呀啊哦呢嘛啦哈的了]+")
_CLAUSE = re.compile(r"[,，.。!！;；\n]")

_YES_ZH = frozenset(
    "是 是的 对 对的 对啊 没错 好 好的 好滴 行 可以 嗯 嗯嗯 确认 确定 没问题 就这样 就这个 要 要的"
    " 同意 ok okay".split()
)
_NO_ZH = frozenset(
    "不 不是 不对 不要 不用 不用了 不行 不了 否 算 算了 取消 不换了 不退了 错了 不同意 别".split()
)
_YES_EN = frozenset(
    {
        "yes", "yes please", "yeah", "yea", "ya", "yep", "yup", "sure", "ok", "okay", "correct",
        "right", "that's right", "thats right", "confirm", "confirmed", "go ahead", "please do",
        "fine", "sounds good", "y", "ok sure", "okay sure", "sure thing", "yes sure", "yes pls",
        "yes thanks", "yes thank you", "please", "yes do", "do it", "sure please", "ok please",
        "ok thanks", "okay thanks", "true", "that's true",
    }
)  # fmt: skip
_NO_EN = frozenset(
    {
        "no", "nope", "nah", "no thanks", "no thank you", "cancel", "wrong", "not right",
        "don't", "dont", "never mind", "n", "stop", "no need", "not now", "no, thanks",
        "nope thanks", "no it's fine", "no its fine",
    }
)  # fmt: skip


def yes_or_no(text: str) -> bool | None:
    """ "对" / "好的，就这样" / "yes please" → True; "不对" / "算了" / "no" → False; else None.
    Only the first clause counts, and it must be the answer word itself (with particles):
    "不确定" and "是不是要先寄回" are not answers."""
    first = _CLAUSE.split(text.strip(), maxsplit=1)[0].strip()
    lowered = first.lower().strip(" !.?")
    if lowered in _YES_EN:
        return True
    if lowered in _NO_EN:
        return False
    for core in (lowered.strip("~～。！"), _PARTICLES.sub("", first).lower()):
        if core in _YES_ZH:
            return True
        if core in _NO_ZH:
            return False
    # two answer words run together: "好的确认", "嗯 没问题", "ok confirm", "yes go ahead"
    if _all_of(_PARTICLES.sub("", first).lower(), _YES_ZH) or _all_of(lowered, _YES_EN, " "):
        return True
    if _all_of(_PARTICLES.sub("", first).lower(), _NO_ZH) or _all_of(lowered, _NO_EN, " "):
        return False
    # a yes, then that it is right now: "对 这次没错了", "yes thats right now" (jobs batch 6:
    # the corrected address shown back, she said so, and was asked "yes or no?")
    rest = yes_then(text)
    if rest is not None and _AFFIRMED.fullmatch(_PARTICLES.sub(" ", rest).strip().lower()):
        return True
    return None


_AFFIRMED = re.compile(
    # "对了 这样没问题", "yes thats it" (jobs batch 7: the address read back, confirmed so, was
    # taken for thanks and left unconfirmed)
    r"(?:这次|这回|现在|都|这样|这样子|这个)?"
    r"(?:没错|对的?|正确|没问题|就这样|是的|可以)(?: ?(?:了|啦))?"
    r"|(?:(?:that|it|everything) ?(?:'?s|is) ?|all )?(?:right|correct|good|fine)(?: now)?"
    r"|(?:that|this) ?(?:'?s|is) (?:it|the one)"
    # "可以 就这么写", "yes add it": the yes, and the thing asked, done as asked
    r"|就?(?:这么|这样)(?:写|办|改|弄|加)(?:吧|就行|就好)?|(?:写|加|改|办)吧"
    r"|(?:add|do|change|write|put|send) (?:it|that|this)(?: (?:please|pls|then))?"
    # "yes please ask", "好的 帮我问问" to a person offered: the yes, and the asking she
    # agreed to (jobs batch 13: "did you mean…?")
    r"|(?:please |pls |plz )?(?:ask|check)(?: (?:them|someone|a person|a colleague|for me))?"
    r"|(?:帮我|麻烦)?(?:问问|问一下|问下|申请一下|申请)(?:吧)?"
    # "对 其他不变", "yes the rest stays the same": the yes, and nothing else to change
    r"|(?:其他|其它|别的?|其余|剩下的?|电话|手机号?|收件人|名字)? ?的? ?(?:都|也)? ?"
    r"(?:不变|不用改|不用动|不改|一样|照旧)(?: ?(?:了|的))?"
    r"|(?:the )?(?:rest|everything else|others?) (?:is|are|stays?|can stay) (?:the )?same"
)
_HEAD = re.compile(r"^\s*([^\s,，.。!！~～]+)[\s,，.。!！~～]+(\S.*)$", re.DOTALL)


def yes_then(text: str) -> str | None:
    """What follows a yes word that opens the message ("对 黑色 还是S码" → "黑色 还是S码",
    "yes, the L" → "the L"); ``None`` when it doesn't open with one or nothing follows."""
    m = _HEAD.match(text)
    if m is None or yes_or_no(m.group(1)) is not True:
        return None
    return m.group(2).strip()


_CONTRAST = re.compile(
    r"不|别|但|可是|不过|改|换|还有|另外|\b(?:no|not|but|instead|change|except|also)\b|n'?t\b",
    re.IGNORECASE,
)


def yes_restating(text: str) -> bool:
    """A yes followed only by words that say the proposal again ("对 黑色 还是S码", "yes the
    black one"): no other wish, no "but", no question of its own. The caller has checked that
    the sizes and colours named are the proposal's."""
    rest = yes_then(text)
    return rest is not None and not _CONTRAST.search(rest) and not asks_a_question(rest)


_NOT_SPACE = r"[^\s,，。.!！?？;；:：]"
_CORRECTIONS = (
    # 是浦东新区 不是新去 / 应该是西湖区，不是西胡区
    re.compile(
        rf"(?:应该|应当)?是\s*(?P<right>{_NOT_SPACE}{{2,20}}?)\s*[,，]?\s*(?:而)?不是\s*"
        rf"(?P<wrong>{_NOT_SPACE}{{1,20}})"
    ),
    # 不是新去 是浦东新区
    re.compile(
        rf"不是\s*(?P<wrong>{_NOT_SPACE}{{1,20}}?)\s*[,，]?\s*(?:而)?(?:应该)?是\s*"
        rf"(?P<right>{_NOT_SPACE}{{2,20}})"
    ),
    # 西胡区应该是西湖区 / 把西胡区改成西湖区
    re.compile(
        rf"(?:把)?(?P<wrong>{_NOT_SPACE}{{1,20}}?)\s*(?:应该是|应为|改成|改为|换成)\s*"
        rf"(?P<right>{_NOT_SPACE}{{2,20}})"
    ),
    # it's 西湖区 not 西胡区 / I meant Xihu, not Xihu
    re.compile(
        r"\b(?:it'?s|its|is|should be|(?:i )?meant)\s+(?P<right>[^\s,]+)\s*,?\s+not\s+"
        r"(?P<wrong>[^\s,.!?]+)",
        re.IGNORECASE,
    ),
    # not 西胡区, it's 西湖区
    re.compile(
        r"\bnot\s+(?P<wrong>[^\s,]+)\s*,?\s+(?:it'?s|its|but|rather)\s+"
        r"(?P<right>[^\s,.!?]+)",
        re.IGNORECASE,
    ),
    # 西湖区 instead of 西胡区
    re.compile(r"(?P<right>[^\s,]+)\s+instead of\s+(?P<wrong>[^\s,.!?]+)", re.IGNORECASE),
)
_TYPO_OWNED = re.compile(r"打错|写错|输错|错了|typo|misspel|mistake|wrong", re.IGNORECASE)
_RIGHT_ALONE = re.compile(
    # ("名字打错了 是周子涵 涵是三点水那个": the right words, then how they are written)
    rf"是\s*(?P<right>{_NOT_SPACE}{{2,20}})(?=\s|$)|\b(?:it'?s|its|should be)"
    r"\s+(?P<right_en>[^\s,.!?]+)[.!]?\s*$",
    re.IGNORECASE,
)


def correction(text: str) -> tuple[str, str | None] | None:
    """A slip corrected in so many words: (the right words, the wrong ones) — "是浦东新区 不是
    新去", "its 西湖区 not 西胡区", "西胡区应该是西湖区"; (the right words, None) for "打错了 是
    浦东新区" (the wrong ones left to find). ``None`` when the message corrects nothing."""
    for pattern in _CORRECTIONS:
        m = pattern.search(text)
        if m is not None and m.group("right") != m.group("wrong"):
            return m.group("right").strip(), m.group("wrong").strip()
    if _TYPO_OWNED.search(text):
        m = _RIGHT_ALONE.search(text)
        if m is not None:
            return (m.group("right") or m.group("right_en")).strip(), None
    return None


def corrected(field: str, right: str, wrong: str | None) -> str | None:
    """``field`` with the slip put right, or ``None`` when the slip is not in it. The wrong
    words may be a part of the right ones ("浦东新去…", right 浦东新区, wrong 新去: the "浦东"
    before it is kept once); without them, the one stretch of the field as long as the right
    words that differs from them in a character or two."""
    if wrong:
        at = field.find(wrong)
        if at < 0:
            return None
        start, end = at, at + len(wrong)
        # the right words may begin with what comes before the wrong ones, and end with what
        # follows them: that overlap is replaced too, not doubled
        for size in range(min(len(right), start), 0, -1):
            if right.startswith(field[start - size : start]):
                start -= size
                break
        for size in range(min(len(right), len(field) - end), 0, -1):
            if right.endswith(field[end : end + size]):
                end += size
                break
        return field[:start] + right + field[end:]
    if len(right) < 3 or right in field:
        return None
    near = [
        i for i in range(len(field) - len(right) + 1)
        if 0 < sum(a != b for a, b in zip(field[i : i + len(right)], right, strict=True))
        <= max(1, len(right) // 4)
    ]  # fmt: skip
    if len(near) != 1:
        return None
    return field[: near[0]] + right + field[near[0] + len(right) :]


def _all_of(text: str, words: frozenset[str], sep: str = "") -> bool:
    """Whether ``text`` is two or more of ``words`` one after another (``sep`` between)."""
    if sep:
        parts = [p for p in re.split(r"[\s,]+", text) if p]
        if len(parts) < 2:
            return False
        # the longest phrase at each point ("yes" "go ahead")
        i = 0
        count = 0
        while i < len(parts):
            for j in range(len(parts), i, -1):
                if " ".join(parts[i:j]) in words:
                    i, count = j, count + 1
                    break
            else:
                return False
        return count >= 2
    if len(text) < 2 or len(text) > 8:
        return False
    ends = {0: 0}  # position -> answer words so far
    for i in range(len(text)):
        if i not in ends:
            continue
        for j in range(i + 1, len(text) + 1):
            if text[i:j] in words:
                ends[j] = max(ends.get(j, 0), ends[i] + 1)
    return ends.get(len(text), 0) >= 2


_NOT_LABEL = re.compile(r"[^\w]+|_")


def button_typed(text: str, labels: Mapping[str, T]) -> T | None:
    """The value of the button whose label the customer typed instead of pressing it
    ("确认退货" for "✅ 确认退货", "confirm the return"): the label's words, without its emoji,
    punctuation, spaces or case; else ``None``."""
    typed = _NOT_LABEL.sub("", text).lower()
    if not typed:
        return None
    words = {_NOT_LABEL.sub("", label).lower(): value for label, value in labels.items()}
    if typed in words:
        return words[typed]
    # the label cut short in Chinese ("确认退" for "确认退货"): the one label it begins, when
    # it holds most of it (jobs batch 6: "确认退" started the return over at "which item?")
    if typed.isascii() or len(typed) < 3:
        return None
    begun = [value for word, value in words.items() if word.startswith(typed)]
    held = all(len(typed) * 4 >= len(word) * 3 for word in words if word.startswith(typed))
    return begun[0] if len(begun) == 1 and held else None


_POLITE = re.compile(
    r"^(?:谢谢(?:你|您)?|多谢|麻烦(?:你|您)?了|辛苦了|thanks?(?: you)?|thx|please|pls|cheers)$",
    re.IGNORECASE,
)

_POLITE_TAIL = re.compile(
    r"\s*(?:谢谢(?:你|您)?|麻烦(?:你|您)?了|thanks?(?: you)?|thx)[!！.。~～]*$", re.IGNORECASE
)


def bare_yes_or_no(text: str) -> bool | None:
    """A message that is nothing but a yes or a no ("好的", "嗯", "要的，谢谢", "yes please",
    "ok sure", "不用了", "no thanks"): the answer to an offer. A yes or no followed by anything
    else ("好的，那运费多少") is not bare: ``None``."""
    clauses = [c.strip() for c in _CLAUSE.split(text.strip()) if c.strip(" ?？~～")]
    if not clauses or len(clauses) > 3:
        return None
    first = _POLITE_TAIL.sub("", clauses[0]) or clauses[0]  # "不用了谢谢"
    half = len(first) // 2
    if len(first) % 2 == 0 and first[:half] == first[half:]:
        first = first[:half]  # "好的好的", "对对"
    answer = yes_or_no(first)
    if answer is None:
        return None
    for rest in clauses[1:]:
        if yes_or_no(rest) is not answer and not _POLITE.match(rest.strip(" !.?？～~")):
            return None
    return answer


_NUMERALS = dict(zip("一二两三四五六七八九", (1, 2, 2, 3, 4, 5, 6, 7, 8, 9), strict=True))
_ORDINAL_ZH = re.compile(r"^(?:第)?([1-9一二两三四五六七八九])(?:个|件|条|项|款|号)?$")
_ORDINAL_EN = {
    "first": 1, "1st": 1, "one": 1, "second": 2, "2nd": 2, "two": 2, "third": 3, "3rd": 3,
    "three": 3, "fourth": 4, "4th": 4, "four": 4, "fifth": 5, "5th": 5, "five": 5,
}  # fmt: skip
_LAST = re.compile(r"^(?:最后(?:一|那)?(?:个|件|条)?|the last(?: one)?|last(?: one)?)$", re.I)
_EN_FILLER = re.compile(r"\b(the|one|please|item|number|no\.|#)\b|#", re.I)


_A_QUESTION = re.compile(
    r"(?:[?？]|(?:[吗呢么嘛]|多少|多大|多长|多宽|多重|多久|几[个件天号码]?|什么|啥|哪[个里些儿]?"
    r"|怎么样|咋样|如何)(?:[?？!！。.~～\s]*))\s*$"
)


def asks_a_question(text: str) -> bool:
    """The message is a question of its own ("do you have it in M?", "有M码吗", "腰围多少"),
    not an answer to the bot's."""
    return _A_QUESTION.search(text.strip()) is not None


def ordinal(text: str, count: int) -> int | None:
    """ "2" / "第二件" / "the second one" / "最后一个" → the 0-based position among ``count``
    options; None when the text is not a position or is out of range."""
    core = _PARTICLES.sub("", text.strip()).lower()
    core = re.sub(r"^(?:要|选|退|换)", "", core)
    position: int | None = None
    found = _ORDINAL_ZH.match(core)
    if found:
        digit = found.group(1)
        position = int(digit) if digit.isdigit() else _NUMERALS[digit]
    elif _LAST.match(text.strip().strip(".!?。！？")):
        position = count
    else:
        words = _EN_FILLER.sub(" ", text.lower()).split()
        if len(words) == 1 and words[0] in _ORDINAL_EN:
            position = _ORDINAL_EN[words[0]]
    if position is None or not 1 <= position <= count:
        return None
    return position - 1


_ALL = re.compile(
    r"^(?:全部|都|全都|两件都|两个都|都要|都退|全退|全部都?退|一起|all|both|everything|all of them|"
    r"both of them)(?:退|要|吧|了)*$",
    re.I,
)


def wants_all(text: str) -> bool:
    """ "全部" / "都退" / "both" → every option."""
    return _ALL.match(_PARTICLES.sub("", text.strip()).lower()) is not None or bool(
        re.fullmatch(r"\s*(all|both)( of them| items?| please)*[.!]?\s*", text, re.I)
    )


def _any(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives), re.IGNORECASE)


# The shop's fault first: "发错了尺码" is a wrong item, not a size the customer chose.
_CAUSES: tuple[tuple[ReturnCause, re.Pattern[str]], ...] = (
    ("wrong_item", _any(
        "发错", "寄错", "错发", "不是我(买|订|下单)的", "wrong (item|size sent|colou?r)",
        "not what i ordered", "sent (me )?the wrong",
    )),
    ("quality", _any(
        "质量", "破了", "破洞",
        # "袖口那里是破的" (jobs batch 11: the fault was not heard, "did you mean…?")
        "(?<![打突])破(的|口|损)",
        "开线", "脱线", "线头", "掉色", "褪色", "起球", "污渍", "有个?洞",
        "坏了", "(?<![不会])坏(的|掉)", "损坏", "瑕疵", "残次", "脏", "扣子?(掉|坏|松)", "掉扣",
        "拉链(是|有点)?(坏|卡|拉不)", "开胶",
        "缩水", "抽丝", "勾丝", "damaged", "broken", "defect", "faulty", "hole", "torn",
        "stain", "ripped", "poor quality", "fell apart",
        r"\b(button|strap|zip|hood|pocket|lining|sole|toggle|hook|belt loop)s? (has |have )?"
        r"((keeps?|kept) )?(fell|falls|falling|came|comes|coming|come|popped|pops|ripped|torn) off",
        "missing (a )?button", r"\bzip(per)?\b[\w' ]{0,25}\b(broke|stuck|jammed|came off)",
        r"\b(broke|split|tore|came apart) (after|on|the first|when)", "shr[ua]nk", "faded",
        "coming apart", "loose threads?", r"\bpill(ing|ed|s)?\b", "bobbl(ing|es|ed)",
    )),
    ("not_as_described", _any(
        "色差", "(和|跟|与)(图片|描述|照片|详情页?)(不|差(?!不多)|区别)", "货不对板",
        "实物.*不一样",
        "not as (described|pictured)", "looks different", "different from the (photo|picture)",
        "nothing like (the |your )?(photos?|pictures?)", r"colou?r (is|was|looks) (way )?off\b",
    )),
    ("size", _any(
        "尺码", "大了", "小了", "太大", "太小", "偏大", "偏小", "不合身", "穿不上", "码数", "size",
        "(?<!时间)(?<!等得)(?<!等的)太长", "太短", "偏长", "偏短",
        # "T恤有点小", "腰太紧了", "裤腰松了" (a fit, never "紧急" or "放松")
        "(有点|有些|有一点|稍微|略)(大|小|紧|松|长|短)", "(太|偏|好|很|特别|超)(紧|松)",
        "(?<![要抓赶])紧了", "(?<![放轻])松了",
        "too (big|small|large|tight|loose|long|short)", "do(es)?(n'?t| not) fit",
        r"\b(a bit|a little|kinda|slightly) (big|small|large|tight|loose|long|short)\b",
    )),
    ("changed_mind", _any(
        "不喜欢", "不想要", "不要了", "不需要", "买多了", "买重", "改主意", "拍错", "后悔",
        "changed my mind", "don'?t (like|want|need)", "no longer (want|need)", "by mistake",
        # "dont really like them" (jobs batch 11): the word between took the reason away
        r"\b(don'?t|do not) (really|actually|even|much|quite) (like|want|need|love)\b",
        r"\bnot (really )?a (big )?fan\b",
    )),
)  # fmt: skip


# where one item's words end and the next one's begin: punctuation, a space between Chinese
# words, "and"/"but"/"also" (and their Chinese kin)
_CLAUSES = re.compile(
    r"[，,。.;；!！?？:：、]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])"
    r"|\b(?:and|but|also|plus|while|whereas)\b|还有|另外|而且|然后",
    re.IGNORECASE,
)


def causes_per_item(text: str, items: Sequence[OrderItemView]) -> dict[int, ReturnCause]:
    """Each item's own cause when a message gives two items two ("裤子小了 衬衫开线了 都想退",
    "the jeans are too tight and the tee came with a hole"): item id → cause, for every item of
    ``items`` it names with a cause of its own; empty when it gives one cause for all (the
    common case: asked once, taken for every item), or fewer than two items a cause each, or
    causes that don't differ. A cause said with no item of its own goes with the item named
    just before it ("衬衫 领口开线了")."""
    if len(items) < 2:
        return {}
    found: dict[int, ReturnCause] = {}
    pending: list[int] = []  # items named whose cause has not come yet
    for clause in (c for c in _CLAUSES.split(text) if c and c.strip()):
        for piece in _one_item_each(clause, items):
            named = items_mentioned(piece, items, every=True)
            cause = return_cause(piece)
            if len(named) == 1:
                item_id = named[0].item_id
                if cause is not None:
                    found.setdefault(item_id, cause)
                    pending = []
                else:
                    pending = [item_id]
            elif cause is not None and len(pending) == 1:
                found.setdefault(pending[0], cause)
                pending = []
    if len(found) < 2 or len(set(found.values())) < 2:
        return {}
    return found


def own_choice_too(text: str) -> bool:
    """A fault told beside a reason of her own ("裤子小了 衬衫开线了"): some part of the message
    gives a cause that is not the shop's fault (the apology is then for the faulty item only)."""
    return any(
        cause not in ("quality", "wrong_item")
        for cause in (return_cause(c) for c in _CLAUSES.split(text) if c and c.strip())
        if cause is not None
    )


def _one_item_each(clause: str, items: Sequence[OrderItemView]) -> list[str]:
    """A clause that names two items with no break between them ("裤子小了衬衫开线了"): cut where
    the first one's words end, so that each piece names one item and its cause."""
    if len(items_mentioned(clause, items, every=True)) < 2 or len(clause) > 80:
        return [clause]
    for cut in range(2, len(clause) - 1):
        left, right = clause[:cut], clause[cut:]
        if return_cause(left) is None or return_cause(right) is None:
            continue
        if (
            len(items_mentioned(left, items, every=True)) == 1
            and len(items_mentioned(right, items, every=True)) == 1
        ):
            return [left, right]
    return [clause]


_REPLACE = _any(
    "换(一|个|件|条|双|新|货)",
    "重新(发|寄)",
    "补发",
    "exchange",
    "replace",
    "swap",
    "new one",
    "another one",
    "send (me )?(a )?new",
)
_REFUND = _any(
    "退(货|款|了|掉|回|钱)",
    "不要了",
    "refund",
    "return (it|them|this)",
    # "return both: the jeans are too tight and the tee came with a hole"
    r"\breturn(ing)? (both|all|everything|these|those|them)\b",
    # "两件都要退", "衬衫开线了 想退" (never "不想退")
    "(?<!不)(都|要|想)退(?!换)",
    # "袖口那里是破的 这种能退吗": whether it can go back, asked of her faulty item
    "(?<![不没])(能|可以|能不能)退(吗|不|么|嘛|$)",
    r"^\s*(pls |please )?return\b(?!\s*(polic|rules?\b|window|period))",
    "money back",
    "send (it|them) back",
    "get a return",
)


def remedy_asked(text: str) -> Literal["return", "exchange"] | None:
    """What a customer with a faulty item asks for instead of a person: their money back
    ("退了吧", "can i just get a refund") or a new one ("给我换一件", "send me a new one");
    ``None`` when neither (or both) is asked."""
    refund = _REFUND.search(text) is not None and _DROPS_RETURN.search(text) is None
    replace = _REPLACE.search(text) is not None
    if refund == replace:
        return None
    return "return" if refund else "exchange"


def return_cause(text: str) -> ReturnCause | None:
    """Why the item goes back, from the customer's words (the shop's fault first: "发错了尺码"
    is a wrong item, not a size choice); None when no cause is named. The quality said to be
    fine is no cause ("质量挺好的就是小了" is the size)."""
    text = without_quality_praise(text)
    if wrong_item(text):
        # "T恤收到是XL的 我买的是M" (jobs batch 12: no cause, and the reason asked): what came
        # and what was ordered, told as the wrong item's story
        return "wrong_item"
    for cause, words in _CAUSES:
        if words.search(text):
            return cause
    return None


_FIT = _any(
    "没穿",
    "未穿",
    "没洗",
    "未洗",
    "没拆",
    # "没上身 标签还在" (jobs batch 11): not put on, the label said for the tag
    "(没|未)上(过)?身",
    "吊牌(还在|都在|完好|没剪|没拆)",
    "标签[都也]*(还在|都在|在的|在$|在 |完好|没剪|没拆|挂着|留着)",
    # the tags told in other words, a try-on only (fine for resale): "他就试了一下 吊牌都还挂着"
    # opened a complaint ticket at a return's condition question (jobs batch 5)
    "吊牌[都也还]*(挂着|留着|在的|在$|在 )",
    "试(穿)?了一下",
    "只试(穿)?过",
    "试穿过",
    "(only|just) tried (it|them) on",
    "全新",
    "unworn",
    "not worn",
    "never worn",
    "never wore",
    "(haven'?t|have not|didn'?t|did not) (even )?(worn|wear|wore)",
    "tags? (are |is )?(still )?on",
    "unused",
    "brand new",
    "not washed",
)
_UNFIT = _any(
    "(?<![没未试])穿过",
    "(?<![没未])洗过",
    "剪了吊牌",
    "吊牌(剪|拆|掉|没了)",
    "标签(剪|拆|掉|没了)",
    "弄脏",
    "(?<!never )(?<!not )(?<!un)(?<!n't )(?<!nt )(?<!even )worn",
    "(?<!not )washed",
    "tags? (off|removed|cut)",
    "used it",
)


_MISREAD_AS_GRIEVANCE = ("complaint.", "quality.")


def only_condition_told(text: str, intent: str | None) -> bool:
    """ "没穿过 吊牌也没剪", "never wore it, tags on": the item's condition and nothing wrong
    with it (no fault, no wrong item), which the engine read as a complaint or a quality
    problem by its words."""
    if intent is None or not intent.startswith(_MISREAD_AS_GRIEVANCE):
        return False
    if asks_a_question(text) or return_cause(text) in ("quality", "wrong_item"):
        return False
    return any(p.search(text) is not None for p in (_FIT, _UNFIT, _CARE_TOLD))


# how she washed it, told as her account of a fault ("按洗标冷水洗的", "washed it cold like the
# label says"): the engine reads a fabric or care question in it
_CARE_TOLD = _any(
    "按(照)?(洗标|洗水标|水洗标|标签|说明)", "冷水(手)?洗的", "(手|机)洗的", "干洗的",
    r"\bwashed (it|them) (by hand|cold|in cold|as|like|according|following)",
    r"\bfollowed the (care|wash)",
)


def condition_told(text: str) -> bool | None:
    """The item's condition in so many words ("没穿过，吊牌还在" → True, "洗过一次" → False);
    None for anything else, a bare yes or no too (it answers no question about the item)."""
    if _UNFIT.search(text):
        return False
    if _FIT.search(text):
        return True
    return None


def fit_for_resale(text: str) -> bool | None:
    """ "没穿过，吊牌还在" → True; "洗过一次" → False; else the plain yes or no."""
    if _UNFIT.search(text):
        return False
    if _FIT.search(text):
        return True
    return yes_or_no(text)


_EN_ARTICLES = re.compile(r"^(?:the|that|this|my)\s+|\s+(?:one|please)$", re.IGNORECASE)
_POINTING = re.compile(r"那件|这件|那个|这个|那条|这条|要退|要换|退|换")


async def pick_item(
    rpc: Bus, text: str, items: Sequence[OrderItemView], slots: Slots
) -> OrderItemView | None:
    """The item of ``items`` the customer typed: its position ("第二件"), its name or part of it
    ("牛仔裤"), its colour or size ("白色那件"), or — for other names of the product ("the
    jeans", "hoodie") — the catalogue's own search. None unless exactly one fits best."""
    if not items:
        return None
    position = ordinal(text, len(items))
    if position is not None:
        return items[position]
    lowered = text.lower()
    scores: list[float] = []
    for item in items:
        names = [n.lower() for n in (item.product_name, item.product_name_en) if n]
        score = 0.0
        core = _PARTICLES.sub("", _POINTING.sub("", _EN_ARTICLES.sub("", lowered.strip())))
        if core and any(core in name or name in core for name in names):
            score += 2
        elif core and len(core) >= 2 and any(fuzz.partial_ratio(core, n) >= 80 for n in names):
            score += 1
        if slots.color and slots.color == item.color:
            score += 1
        if slots.size and slots.size.upper() == item.size.upper():
            score += 1
        scores.append(score)
    best = max(scores)
    if best > 0 and scores.count(best) == 1:
        return items[scores.index(best)]
    # Other names of the product (English, aliases): the catalogue knows them.
    query = text.strip()[:200]
    if not query:
        return None
    try:
        reply = await rpc.call(SearchProducts(query=query, limit=10))
    except BusError:
        return None  # the item is asked again; its buttons are still there
    if not isinstance(reply, ProductList):
        return None
    found = {p.product_id for p in reply.products}
    matching = [item for item in items if item.product_id in found]
    if len({item.product_id for item in matching}) == 1 and len(matching) == 1:
        return matching[0]
    return None


# "T恤那单" / "买卫衣的那个订单" / "the hoodie one": the words around a product name that point at
# an order.
_ORDER_POINTING = re.compile(
    r"(?:那|这)(?:一)?(?:单|笔|个订单|个单子|个|件)|订单|单子|买的?|下的|拍的|"
    r"\b(?:the|my|that|this|one|order|with|for|i bought|please)\b",
    re.IGNORECASE,
)
_LATEST = re.compile(
    r"^(?:最近|最新|刚刚?(?:买|下|拍)|上一|上次)(?:的|那|一|这)*(?:单|笔|个|次)?(?:订单)?$|"
    r"^(?:the |my )?(?:latest|newest|most recent|last)(?: one)? order$|"
    r"^(?:the |my )?(?:latest|newest|most recent)(?: one)?$",
    re.IGNORECASE,
)


def pick_order(
    text: str, shown: Sequence[OrderSummary], others: Sequence[OrderSummary] = ()
) -> str | None:
    """The order a customer names in words at their order list (``shown``, newest first):
    its position ("第二个", "the second one"), "最近那单" / "my latest order", or the name of
    something in it ("T恤那单", "the hoodie one"). A name that fits nothing shown may fit one of
    the customer's ``others`` (an order the list left out: the flow still decides). None unless
    exactly one fits."""
    named = orders_named_at_list(text, shown, others)
    return named[0].order_no if len(named) == 1 else None


_AGREED_THEN = re.compile(r"^(?:好|行|嗯|那就|那|就|要)+(?=.)")


def orders_named_at_list(
    text: str, shown: Sequence[OrderSummary], others: Sequence[OrderSummary] = ()
) -> list[OrderSummary]:
    """What ``pick_order`` reads, every order it fits: one, none, or those the words name alike
    ("卫衣那单" of two orders with a hoodie: the customer is asked which of those two)."""
    if not shown:
        return []
    position = ordinal(text, len(shown))
    if position is not None:
        return [shown[position]]
    if _LATEST.match(_PARTICLES.sub("", text.strip()).lower()) or _LATEST.match(
        text.strip().strip(".!?。！？").lower()
    ):
        return [shown[0]]
    pointed = _ORDER_POINTING.sub(" ", text.lower())
    if re.search(r"[a-z]", pointed) and not _CJK.search(pointed):
        core = " ".join(re.sub(r"[^\w\s-]", " ", pointed).split())
        long = len(core.split()) > 4
    else:
        # "好的 那就羽绒服吧", "好的 那就T恤吧": the name after an "ok, then…"
        core = _AGREED_THEN.sub("", _PARTICLES.sub("", pointed))
        long = len(core) > 12
    if len(core) >= 2 and core.endswith("子"):
        core = core[:-1]  # 裤子, 裙子, 鞋子: the name says 裤, 裙, 鞋
    if not core or long:
        return []  # a sentence is a question of its own, not a name
    parts = _items_together(core)
    if len(parts) > 1:  # "有卫衣和裙子的那个", "the hoodie and skirt one": the order holding each
        for orders in (shown, others):
            for level in (0, 1, 2):
                named = [o for o in orders if all(_names(o, part, level) for part in parts)]
                if named:
                    return named
        return []
    for orders in (shown, others):
        for level in (0, 1, 2):
            named = [order for order in orders if _names(order, core, level)]
            if named:
                return named
    return []


_TOGETHER = re.compile(r"\s*(?:和|跟|与|加|还有|以及|、|\+|&|/|\band\b|\bplus\b)\s*", re.IGNORECASE)
_HOLDING = re.compile(r"^(?:就是|是|有|带|里面有|包括|含)+")


def _items_together(core: str) -> list[str]:
    """The item names a customer strings together to name one order ("卫衣和裙子", "hoodie and
    skirt"), each as ``_names`` reads one; a single name is one part."""
    parts = []
    for part in _TOGETHER.split(_HOLDING.sub("", core)):
        part = part.strip()
        if len(part) >= 2 and part.endswith("子"):
            part = part[:-1]
        if part:
            parts.append(part)
    return parts


def _names(order: OrderSummary, core: str, level: int) -> bool:
    """Whether ``core`` is a name in the order: part of an item's name (level 0), or word by
    word, each word a garment of its kind (1: "the coat one" is the down jacket or the blazer
    — and never the cotton T-shirt by three letters of "coat") or nearly spelt (2)."""
    names = [
        name.lower()
        for name in (*order.item_names, *order.item_names_en) or (order.first_item_name,)
        if name
    ]
    if level == 0:
        return any(core in name or name in core for name in names)
    if not re.search(r"[a-z]", core):
        return level == 2 and len(core) >= 2 and any(
            fuzz.partial_ratio(core, name) >= 80 for name in names
        )
    name_words = {
        w for name in names for w in re.split(r"[\s-]+", _T_SHIRT.sub("tshirt", name))
        if len(w) >= 3
    }

    def fits(word: str) -> bool:
        return any(
            w == n or (level == 2 and len(w) >= 5 and fuzz.ratio(w, n) >= 80)
            for w in _GARMENT_WORDS.get(word, (word,))
            for n in name_words
        )

    said = [w for w in _T_SHIRT.sub("tshirt", core).split() if len(w) >= 3]
    return bool(said) and all(fits(word) for word in said)


_KIN_WORDS = {"pants": ("trousers", "jeans"), "pant": ("trousers", "jeans"), "trousers": ("pants",)}
"""An English garment word and the word the shop's names may use for the same thing."""

_GARMENT_WORDS = {
    "coat": ("coat", "jacket", "blazer", "trench"),
    "jacket": ("jacket", "coat", "blazer"),
    "pants": ("pants", "trousers", "jeans", "sweatpants"),
    "trousers": ("trousers", "pants", "jeans", "sweatpants"),
    "sweater": ("sweater", "cardigan", "jumper", "hoodie"),
    "jumper": ("jumper", "sweater", "cardigan", "hoodie"),
}
"""English words for a kind of garment, and the words the shop's names use for it."""


_POINTS_BACK = re.compile(
    r"这单|这一单|这笔|这个订单|这个单|这件|这条|这个|它|刚才|刚刚那|上面(?:那|的|这)|那单|那笔|"
    r"\b(?:this|that) (?:order|one|item|parcel|package)\b|\bit\b|\bthem\b",
    re.IGNORECASE,
)


_IN_GENERAL = re.compile(
    r"一般|通常|平时|正常(?:情况)?(?:下)?|大概要|\b(?:usually|normally|typically|generally"
    r"|in general|on average)\b",
    re.IGNORECASE,
)


def asks_in_general(text: str) -> bool:
    """ "发货一般几天", "how long does it usually take?": how it goes as a rule, in the words
    (the shop's answer, not one order's) — the question's own words say so."""
    return _IN_GENERAL.search(text) is not None


def points_back(text: str) -> bool:
    """ "这单我要退货" / "I want to return it": the text means the order the chat was about."""
    return _POINTS_BACK.search(text) is not None and not other_order(text)


def with_item_before(text: str, before: str | None) -> str:
    """``text`` after her message before it, when ``text`` points back naming no item ("这个能
    换吗", "can i return it?") and that message named one ("牛仔裤收到了 腰那里大了一圈"): the
    item "it" is (jobs batch 8: the jeans were lost, and she was asked which of two)."""
    if not before or not points_back(text) or names_a_garment(text):
        return text
    if not names_a_garment(before):
        return text
    return f"{before.strip()[:200]} {text.strip()}"


_OTHER_ORDER = re.compile(
    r"另一单|另外一单|另一个(?:订单|单子?)|另外(?:那|一)?个(?:订单|单子?)|其他(?:的)?(?:订单|单子?)"
    r"|别的(?:订单|单子?)|还有一单"
    r"|\bthe other (?:one|order|parcel)\b|\bmy other (?:order|parcel)\b",
    re.IGNORECASE,
)


def other_order(text: str) -> bool:
    """ "那另一单呢", "and the other one?": an order of hers other than the one the chat is
    about."""
    return _OTHER_ORDER.search(text) is not None


_WHERE = re.compile(
    r"到哪|在哪|哪儿|到了吗|到了没|发货了吗|发了吗|发了没|发货没|物流|状态|进度|"
    r"\bwhere(?:'?s| is| are)?\b|\btrack|\bstatus\b|\barriv|\bshipped\b|\bdelivered\b"
    # "did my linen trousers ever ship" (jobs batch 12: "did you mean…?")
    r"|\b(?:did|has|have)\b[^.?!,]{1,30}\b(?:ever |even |already )?ship\b",
    re.IGNORECASE,
)


def where_is_it(text: str) -> bool:
    """Where an order or its parcel is, asked ("我的羽绒服到哪了", "where is my down jacket")."""
    return _WHERE.search(text) is not None


# "那现在到哪了", "发了没", "shipped yet?": a status asked with no subject at all — nothing named,
# no "my parcel" — short, as a follow-up is
_SUBJECT = re.compile(
    r"快递|包裹|订单|单子|单号|衣服|裤|裙|衫|鞋|外套|东西|货|我的|我买的|我那"
    r"|\b(?:order|parcel|package|delivery|shipment|my|mine|the)\b|KF\d",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def bare_follow_up(text: str) -> bool:
    """A short question that names nothing ("那现在到哪了", "shipped yet?"): about the order the
    chat is on, when there is one in view."""
    if _SUBJECT.search(text) or other_order(text):
        return False
    cjk = len(_CJK.findall(text))
    return cjk <= 8 if cjk else len(text.split()) <= 5


def orders_mentioned(
    text: str, orders: Sequence[OrderSummary], *, every: bool = False
) -> list[OrderSummary]:
    """The orders whose items a request names in passing ("T恤太小了想换大一号", "the jeans are
    too long, can I swap them"): an item's name or its last part ("T恤" of 纯棉圆领T恤, "裤子"
    for …裤), or the last word of its English name; the orders naming it most fully
    (``every``: each order an item is named of at all, "T恤和真丝衬衫都想退": two)."""
    return _best(
        text,
        orders,
        lambda order: zip(
            order.item_names or [order.first_item_name], order.item_names_en or [""], strict=False
        ),
        every=every,
    )


def names_mentioned(text: str, names: Sequence[tuple[str, str]]) -> list[int]:
    """The places of the (Chinese, English) names a request names in passing, as
    ``orders_mentioned`` reads ("我的裤子发货了没": the jeans of a T-shirt and jeans)."""
    return _best(text, range(len(names)), lambda i: [names[i]])


def items_mentioned(
    text: str, items: Sequence[OrderItemView], *, every: bool = False
) -> list[OrderItemView]:
    """The items of an order a request names in passing ("T恤太小了想换大一号": the T-shirt of
    a T-shirt and jeans; "高腰牛仔裤" of two pairs of jeans), as ``orders_mentioned`` reads;
    ``every``: each item named at all, not only the best named ("T恤和牛仔裤都退")."""
    return _best(text, items, lambda item: [(item.product_name, item.product_name_en)], every=every)


_KEPT = re.compile(
    r"[^\s，,。；;！!？?退换]{1,8}?(?:我|就|先|还是|的话)*(?:留着|留下|保留|不退|不用退|不要退|别退|要留)"
    r"|\b(?:keep(?:ing)?|i'?ll keep|i want to keep|but not|not the)\s+(?:the\s+|my\s+)?"
    r"[a-z-]+(?:\s(?!and\b|but\b)[a-z-]+)?"
    # "the tee is fine", "牛仔裤不用换": the item stays as it is (an exchange's mind changed)
    r"|\b(?:the|my)\s+[a-z-]+\s+(?:is|are)\s+(?:fine|ok|okay|good|alright)\b"
    r"|[^\s，,。；;！!？?退换]{1,8}?(?:不用换|不换了|不要换|别换)"
    # "卫衣正常发" beside a cancel (jobs batch 12): the hoodie still ships
    r"|[^\s，,。；;！!？?退换]{1,8}?(?:正常|照常|继续)(?:发货|发|寄)",
    re.IGNORECASE,
)


def without_kept(text: str) -> str:
    """The request without the items it says stay ("我只退牛仔裤 T恤留着", "only the t-shirt,
    keeping the jeans"): the item kept is not the one named for going back."""
    return _KEPT.sub(" ", text)


# "T恤和牛仔裤一起买的那单", "the order with the tee and the jeans": the order, not the item
_ORDER_NAMED_BY = re.compile(
    r"[^\s，,。；;！!？?]{1,16}(?:那单|那一单|那个订单|的订单|的单子)"
    # "我那单拍了卫衣和格子裙 格子裙不想要了": what the order holds, told before the job
    r"|(?<=单)(?:里)?(?:拍|买|下单)了[^\s，,。；;！!？?]{1,16}"
    r"|\b(?:the|my) order with\b[^,.;!?]{0,40}",
    re.IGNORECASE,
)


def items_meant(text: str, items: Sequence[OrderItemView]) -> list[OrderItemView]:
    """The items a request names for the job, as ``items_mentioned`` reads them, less the
    ones it says stay; when that still names several, the words that only name the order
    ("T恤和牛仔裤一起买的那单 我只退牛仔裤") are left out, if what remains names one."""
    kept_out = without_kept(text)
    named = items_mentioned(kept_out, items)
    if len(named) == 1 and _ORDER_NAMED_BY.search(kept_out):
        # "我那单拍了卫衣和格子裙 格子裙不想要了": the item the rest names, not the one the
        # order's words name more fully
        rest = items_mentioned(_ORDER_NAMED_BY.sub(" ", kept_out), items)
        if rest:
            return rest
    if len(named) > 1:
        narrowed = items_mentioned(_ORDER_NAMED_BY.sub(" ", kept_out), items)
        if len(narrowed) == 1:
            return narrowed
    return named


def items_singled_out(text: str, items: Sequence[OrderItemView]) -> list[OrderItemView]:
    """The items a job on the order names apart from the words that name the order itself:
    "i only want to cancel the skirt, keep the hoodie coming" the skirt, "卫衣跟裙子那单不要了"
    none (both name the order: the whole of it is meant)."""
    rest = _ORDER_NAMED_BY.sub(" ", without_kept(text))
    rest = _ORDER_NAMED_EN.sub(" ", rest)
    return items_mentioned(rest, items, every=True)


# "please cancel my hoodie order", "the hoodie and skirt order": the order named by its items
_ORDER_NAMED_EN = re.compile(
    r"\b(?:my|the|that|this)\s+(?:(?!(?:from|of|in|on|for|my|the|this)\b)[a-z-]+\s+){1,4}"
    r"order\b",
    re.IGNORECASE,
)


_EVERY_ONE = re.compile(
    r"全部|都退|都要退|都想(要)?退|都不|一起退|两件都|两条都|全退|全都退"
    r"|\b(both|all of (them|it)|everything)\b",
    re.IGNORECASE,
)


def every_one_meant(text: str) -> bool:
    """ "T恤和牛仔裤都不合适 想全部退掉", "return both": every item named (or every item) goes."""
    return _EVERY_ONE.search(text) is not None


def _best(
    text: str,
    options: Sequence[T],
    names: Callable[[T], Iterable[tuple[str, str]]],
    *,
    every: bool = False,
) -> list[T]:
    if not text:
        return []
    lowered = mended(text.lower())  # "tshrit", "jeens": the garment typed with a slip
    # an order, phone or parcel number names no item: "…from order KF90024812" named the item
    # whose name ends in "48" (found by a flaky e2e test, its products named 测试商品2cf348)
    lowered = _NUMBER_RUN.sub(" ", lowered)
    # "tshirt", "t shirt", "t-shirt", "tee" and "crew neck" name "T-shirt" and "Crew-neck" alike
    words = set(re.findall(r"[a-z][a-z-]+", _T_SHIRT.sub("tshirt", lowered)))
    words |= {w.replace("-", "") for w in words}
    words |= {w[:-1] for w in words if w.endswith("s")}
    # "my linen pants": the shop's "trousers" — named less fully than by its own word (so the
    # jeans of "the jeans are too long, my pants" stay the ones named)
    kin = {k for w in words for k in _KIN_WORDS.get(w, ())} - words
    scores: list[float] = []
    for option in options:
        score: float = 0
        for zh, en in names(option):
            score = max(score, _named_in(zh.lower(), lowered) if zh else 0)
            if en:
                name = en.lower().split()
                score = max(score, _named_in_words(name, words))
                if kin and not score:
                    score = max(score, _named_in_words(name, words | kin) - 0.5)
        scores.append(score)
    best = max(scores, default=0)
    found = [
        o for o, score in zip(options, scores, strict=True) if score and (every or score == best)
    ]
    if every and len(found) > 1:
        # "T恤和那件真丝衬衫两件都想退": the 衬衫 inside 真丝衬衫 names no striped shirt of
        # another order — a name met only inside a longer one met elsewhere gives way to it
        found = _inside_longer_dropped(lowered, words, found, names)
    if every or len(found) < 2:
        return found
    # named alike ("开衫" of two cardigans): the one the rest of the message tells apart
    # ("我买的开衫能退吗 日本那个", "the japanese cardigan")
    told = _told_apart(lowered, words, [list(names(o)) for o in found])
    return [found[told]] if told is not None else found


def _inside_longer_dropped(
    lowered: str, words: set[str], found: list[T], names: Callable[[T], Iterable[tuple[str, str]]]
) -> list[T]:
    """``found`` without the options named only by a piece of the message that is part of a
    longer piece naming another option ("衬衫" of 条纹长袖衬衫 inside "真丝衬衫"; "shirt" of
    a striped shirt inside "silk shirt", "striped" not said)."""
    zh = [[_piece_named(n.lower(), lowered) for n, _ in names(o) if n] for o in found]
    en = [
        [
            (_words_named(e.lower().split(), words), {w for w in e.lower().split() if len(w) >= 3})
            for _, e in names(o)
            if e
        ]
        for o in found
    ]
    kept = []
    for i, option in enumerate(found):
        longer_zh = [q for j, pieces in enumerate(zh) if j != i for q in pieces if q]
        own_zh = [p for p in zh[i] if p]
        text = lowered
        for q in sorted(longer_zh, key=len, reverse=True):
            if any(len(q) > len(p) and p in q for p in own_zh):
                text = text.replace(q, " ")
        zh_left = any(p in text for p in own_zh)
        en_left = False
        for said, own_words in en[i]:
            if not said:
                continue
            wider = [
                (other, other_words)
                for j, pairs in enumerate(en)
                if j != i
                for other, other_words in pairs
                if said < other
            ]
            if not wider or any((own_words - ow) & words for _, ow in wider):
                en_left = True
        if zh_left or en_left or (not own_zh and not any(s for s, _ in en[i])):
            kept.append(option)
    return kept or found


def _piece_named(name: str, text: str) -> str | None:
    """The tail of ``name`` ``_named_in`` finds in ``text`` (two characters at least)."""
    n = _named_in(name, text)
    return name[-n:] if n >= 2 else None


def _words_named(name: list[str], words: set[str]) -> set[str]:
    """The last words of an English ``name`` ``_named_in_words`` finds among ``words``."""
    n = _named_in_words(name, words) - 1
    return {w.replace("-", "") for w in name[-n:]} if n > 0 else set()


def _told_apart(
    lowered: str, words: set[str], names: Sequence[Sequence[tuple[str, str]]]
) -> int | None:
    """Which option the message names by a piece of its name no other option's has (two
    Chinese characters or more, or an English word of three letters or more); None when none
    or several do."""
    scores = []
    for index, own in enumerate(names):
        others = [n for i, other in enumerate(names) if i != index for n in other]
        others_zh = [zh.lower() for zh, _ in others if zh]
        others_en = {w for _, en in others for w in en.lower().replace("-", " ").split()}
        score = 0
        for zh, en in own:
            zh = zh.lower()
            for n in range(len(zh), 1, -1):
                pieces = {zh[i : i + n] for i in range(len(zh) - n + 1)}
                if any(p in lowered and not any(p in o for o in others_zh) for p in pieces):
                    score = max(score, n)
                    break
            own_en = {w for w in en.lower().replace("-", " ").split() if len(w) >= 3}
            score = max(score, 2 * len((own_en - others_en) & words))
        scores.append(score)
    best = max(scores, default=0)
    return scores.index(best) if best and scores.count(best) == 1 else None


_T_SHIRT = re.compile(r"\bt[\s-]shirt|\btees?\b")


def _named_in_words(name: list[str], words: set[str]) -> int:
    """How much of an English ``name`` the message's ``words`` name: 1 + the number of its
    last words there ("silk shirt" of Custom Silk Shirt: 3, "shirt": 2 — so the silk shirt is
    told from a striped one), else 0."""
    name = [w.replace("-", "") for w in name]
    for n in range(len(name), 0, -1):
        if all(w in words or w.rstrip("s") in words for w in name[-n:]):
            return 1 + n
    return 0


def _latin_or_digit(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _as_word(piece: str, text: str) -> bool:
    """``piece`` in ``text`` with no Latin letter or digit right before or after it."""
    start = text.find(piece)
    while start >= 0:
        end = start + len(piece)
        before = text[start - 1] if start else " "
        after = text[end] if end < len(text) else " "
        if not _latin_or_digit(before) and not _latin_or_digit(after):
            return True
        start = text.find(piece, start + 1)
    return False


_NUMBER_RUN = re.compile(r"[a-z]{0,3}\d[\d\s-]{3,}\d")


def _named_in(name: str, text: str) -> int:
    """How much of ``name`` ``text`` names: the length of its longest tail there (at least two
    characters: "T恤", "牛仔裤", "高腰牛仔裤"), 1 for its last character with 子 ("裤子" for
    阔腿裤), else 0. A tail of Latin letters and digits only counts as a word of its own
    ("卫衣2024" is not named by "12024"; "t恤 a1" names "T恤A1")."""
    for n in range(len(name), 1, -1):
        tail = name[-n:]
        if tail.isascii() and tail.isalnum():
            if _as_word(tail, text):
                return n
            continue
        if tail in text:
            return n
    if f"{name[-1]}子" in text:
        return 1
    # two characters of it and its last: "格子裙" of 格子半身裙, "雪纺裙" of 雪纺碎花连衣裙
    # (jobs batch 12: the skirt of "卫衣和格子裙" was no item of the order), "碎花裙" of it too
    # (jobs batch 13: "碎花裙那单我不想要了" named no order)
    if len(name) <= 3 or name.isascii():
        return 0
    return 1 if any(name[i : i + 2] + name[-1] in text for i in range(len(name) - 2)) else 0


def named_among(text: str, names: Sequence[tuple[str, str]]) -> int | None:
    """Which of the options shown ``names`` (Chinese, English) a typed answer picks by what sets
    it apart from the others: "雪纺的" of 雪纺碎花连衣裙 and 针织中长连衣裙, "the knit one" — or
    by its place ("第二个"). ``None`` when it names none, or several alike."""
    place = ordinal(text, len(names))
    if place is not None:
        return place
    lowered = text.lower()
    words = set(re.findall(r"[a-z]{3,}", lowered))
    scores = []
    for index, (zh, en) in enumerate(names):
        others_zh = [n for i, (n, _) in enumerate(names) if i != index]
        others_en = {w for i, (_, e) in enumerate(names) if i != index for w in e.lower().split()}
        score = 0
        for n in range(len(zh), 1, -1):  # the longest piece of its name no other has
            pieces = {zh[i : i + n] for i in range(len(zh) - n + 1)}
            if any(p in lowered and not any(p in o for o in others_zh) for p in pieces):
                score = n
                break
        own = {w for w in en.lower().split() if len(w) >= 3} - others_en
        score = max(score, 2 * len(own & words))
        scores.append(score)
    best = max(scores, default=0)
    return scores.index(best) if best and scores.count(best) == 1 else None


_NEVER_MIND = re.compile(
    r"^(?:那|那就|还是)?(?:算了|不用了|不办了|先不(?:退|换|改|办|弄|开)了?|不(?:退|换|改|开)了"
    r"|不想(?:退|换|改)了|取消吧?)(?:吧|吧那|谢谢|先这样)*$"
    r"|^(?:oh |ok |okay |actually |hmm )*(?:never ?mind|forget (?:it|about it)|don'?t bother"
    r"|cancel (?:that|it|this)|scratch that|i'?ll (?:keep|leave) it"
    r"|(?:i )?changed my mind,? (?:i'?ll|i will) keep it)(?: then| please| thanks?)*$",
    re.IGNORECASE,
)


def never_mind(text: str) -> bool:
    """The whole message drops the job in progress: "算了" / "不退了" / "never mind" /
    "forget it" (not "算了 换个颜色吧", which goes on with something)."""
    core = re.sub(r"[\s,，.。!！~～]+", " ", text).strip()
    squeezed = core.replace(" ", "") if not core.isascii() else core
    return bool(core) and _NEVER_MIND.match(squeezed) is not None


_URGING = re.compile(
    r"快点|快一点|快些|赶紧|等(?:了)?(?:半天|好久|很久|这么久|老半天|半天了)|人呢|在吗|在不在|还在吗|有人吗"
    r"|怎么不(?:说话|回|理)|急死|着急|磨蹭|回个话"
    r"|\bhello\s*\?|\bhurry\b|\banyone (?:there|here)\b|\bare (?:you|u) (?:still )?there\b"
    r"|\bstill (?:there|waiting)\b|\b(?:i'?m|been) waiting\b|\bcome on\b"
    r"|\btaking (?:so |too )?long\b"
    r"|[?？]{2,}",
    re.IGNORECASE,
)
_URGING_FILLER = re.compile(
    r"[\s,，.。!！~～?？…、啊呀吧了呢吗嘛哦都我你们的还没好哈喂诶哎呐快]+"
    r"|\b(?:hello|hi|hey|which|one|please|pls|plz|so|well|ok|guys|u|you|i|am|im|are|there|still|yo"
    r"|lol|omg|man|now|here)\b",
    re.IGNORECASE,
)


def urging(text: str) -> bool:
    """The whole message hurries the bot along ("快点啊", "都等半天了", "hello?? which one",
    "anyone there?"): no answer to the question asked, nothing else said."""
    if _URGING.search(text) is None:
        return False
    return len(_URGING_FILLER.sub("", _URGING.sub("", text))) <= 1


_NO_PERSON = re.compile(
    r"(?:不用|不需要|不要|别|无需)(?:再)?(?:帮我|给我)?(?:转人工|转接|转了|转|找人工|人工了?|人工客服了?)"
    r"|不转了|^(?:哦|噢|嗯|啊|那|诶|欸|算了)*不用了"
    r"|\bno need (?:for (?:a|an) (?:person|agent|human)|to (?:transfer|pass) me)\b"
    r"|^(?:oh |ah |nah |no |ok |okay |actually |hmm |sorry )*"
    r"(?:never ?mind|nvm|forget it|no need)\b"
    r"|\b(?:don'?t|do not) need (?:a|an|the) (?:person|agent|human|colleague)\b",
    re.IGNORECASE,
)
_STAY_WITH_BOT = re.compile(
    r"(?:你|您)?(?:还是)?(?:直接)?(?:帮我|给我)?(?:办|弄|处理)(?:吧|就行|就好|一下)?"
    r"|\b(?:let'?s|lets|we can|i'?ll|you can)\s(?:just\s)?(?:finish|do|carry on with|continue)"
    r"\s(?:it|this|that)(?:\shere|\swith you)?|\bcarry on\b|\bhere\b",
    re.IGNORECASE,
)


def person_not_needed(text: str) -> str | None:
    """A customer waiting for a person who doesn't want one after all ("哦不用了不用转了",
    "nah never mind, let's just finish it here"): what else the message asks ("你直接帮我改成L
    就行" → "你直接帮我改成L就行"; nothing: ""), or ``None`` when it doesn't say so."""
    lowered = text.lower()
    if _NO_PERSON.search(re.sub(r"[\s,，.。!！~～]+", " ", lowered).strip()) is None:
        return None
    rest = _NO_PERSON.sub(" ", re.sub(r"[,，.。!！~～]+", " ", lowered))
    rest = " ".join(_STAY_WITH_BOT.sub(" ", rest).split())
    asks = len(re.findall(r"[\u4e00-\u9fff]", rest)) >= 2 or len(rest.split()) >= 2
    return text.strip() if asks else ""


_TO_EXCHANGE = re.compile(
    r"^(?:那|那就|要不|要不然|算了|还是|我还是|不退了)*(?:换(?:货|一下|吧|个|码|一件)?|改成换货|换一个吧)"
    r"(?:吧|好了|算了|一下吧)*$"
    r"|^(?:actually|on second thought|no|wait|hmm|ok|okay)?,? ?"
    r"(?:i'?d rather|let'?s|can i|i'?ll|i want to|just)?"
    r" ?(?:exchange|swap) (?:it|them|this|that)(?: instead)?(?: then| please)*$"
    r"|^(?:actually|on second thought|wait),? (?:an? )?exchange(?: instead)?(?: then| please)*$",
    re.IGNORECASE,
)
_TO_RETURN = re.compile(
    r"^(?:那|那就|要不|还是|我还是|不换了)*(?:退(?:货|掉|了|钱|款)?吧?|直接退(?:掉|了|钱|款)?吧?)(?:吧|好了|算了)*$"
    r"|^(?:actually|on second thought|wait),? ?(?:i'?d rather|let'?s|just)? ?"
    r"(?:return (?:it|them)|get a refund|refund (?:it|me))(?: instead)?(?: then| please)*$",
    re.IGNORECASE,
)


# The job in progress dropped in so many words, with the other one asked in the same message
# ("诶 要不不退了 能换小一码吗 M的", "instead of a refund can i just get it one size bigger?",
# "不换了 直接退钱吧", "forget the swap. i'd rather just get my money back"): the bare switches
# above are whole messages only, and these were read as new questions — the item lost.
_DROPS_RETURN = re.compile(
    r"不退了|不退啦|别退了|不要退了|不想退了|先不退|不退货了|不用退了"
    r"|instead of (?:a |the |getting a )?(?:refund|return)"
    r"|rather than (?:a |the )?(?:refund|return)"
    r"|forget (?:the|about the) (?:return|refund)"
    r"|(?:don'?t|do not) want (?:a |to )?(?:refund|return)",
    re.IGNORECASE,
)
_ASKS_EXCHANGE = re.compile(
    r"换|exchange|swap|size (?:up|down)|(?:one|a) size (?:up|down|bigger|smaller)|bigger|smaller"
    r"|(?:another|different|other) (?:size|colou?r)"
    # "actually can i just get them in M instead" mid-return (jobs batch 11): a size named
    r"|\b(?:get|have|want|need|take) (?:it|them|one|this|that|these) in (?:an? |size )?"
    r"(?:xxs|xs|s|m|l|xl|xxl|small|medium|large|\d{2})\b",
    re.IGNORECASE,
)
_DROPS_EXCHANGE = re.compile(
    r"不换了|不换啦|别换了|不要换了|不想换了|先不换|不换货了|不用换了"
    r"|instead of (?:an? |the )?(?:swap|exchange)|rather than (?:an? |the )?(?:swap|exchange)"
    r"|forget (?:the|about the) (?:swap|exchange)|no (?:swap|exchange)"
    r"|(?:don'?t|do not) want (?:an? |the |to )?(?:swap|exchange)",
    re.IGNORECASE,
)
_ASKS_RETURN = re.compile(
    r"退钱|退款|退货|退掉|退了|钱.{0,4}退|退.{0,3}钱|money back|refund|return", re.IGNORECASE
)


_GO_AHEAD = {
    "button.confirm_return": re.compile(
        r"(?:那就|那|就|还是)?(?:直接)?退(?:货|掉|了|款)?(?:吧|呗|啦)?"
        r"|(?:(?:go ahead and|please|just) )*"
        r"(?:(?:return|refund) (?:it|them)|send (?:it|them) back)(?: please)?",
        re.IGNORECASE,
    ),
    "button.confirm_exchange": re.compile(
        r"(?:那就|那|就|还是)?换(?:货|了|吧)?(?:吧|呗|啦)?"
        r"|(?:(?:go ahead and|please|just) )*(?:exchange|swap) (?:it|them)(?: please)?",
        re.IGNORECASE,
    ),
}


def go_ahead_with(text: str, confirm_button: str) -> bool:
    """ "嗯 退吧" / "yes, return it" at a return's confirmation, "那就换吧" at an exchange's: the
    job itself asked for again, a yes (it was read as a new request, and the return started
    over at "which item?" — jobs batch 5)."""
    pattern = _GO_AHEAD.get(confirm_button)
    if pattern is None:
        return False
    parts = [p for p in re.split(r"[\s,，.。!！~～]+", text.strip()) if p]
    if parts and len(parts) > 1 and yes_or_no(parts[0]) is True:
        parts = parts[1:]
    other = _DROPS_EXCHANGE if confirm_button == "button.confirm_return" else _DROPS_RETURN
    if len(parts) > 1 and not text.isascii():
        # "退吧 不想换了" at the return's confirmation (jobs batch 11): the other job dropped
        # beside it says the same yes (it started a return of another order)
        parts = [p for p in parts if other.fullmatch(p) is None] or parts
    rest = " ".join(parts) if text.isascii() else "".join(parts)
    return pattern.fullmatch(rest) is not None


def switched_to(text: str) -> Literal["return", "exchange"] | None:
    """The customer changes the job in progress: "还是换吧" / "actually exchange it" mid-return
    is an exchange of the same item; "还是退了吧" / "actually just refund it" mid-exchange a
    return — also when the message drops the one and asks the other in more words ("要不不退了
    能换小一码吗", "forget the swap, i'd rather get my money back")."""
    core = re.sub(r"[\s,，.。!！~～]+", " ", text).strip()
    squeezed = core.replace(" ", "") if not core.isascii() else core
    if _TO_EXCHANGE.match(squeezed):
        return "exchange"
    if _TO_RETURN.match(squeezed):
        return "return"
    # the one job dropped in so many words, the other asked (the more specific reading first)
    if _DROPS_RETURN.search(core) and _ASKS_EXCHANGE.search(_DROPS_RETURN.sub(" ", core)):
        return "exchange"
    if _DROPS_EXCHANGE.search(core) and _ASKS_RETURN.search(_DROPS_EXCHANGE.sub(" ", core)):
        return "return"
    # the change of mind with what she wants instead ("actually can i exchange them for a
    # bigger size instead", "不退了 换成L吧", "i'd rather swap it for an XL", "算了还是退款吧")
    lowered = core.lower()
    rest = _DROPS_EXCHANGE.sub(" ", _DROPS_RETURN.sub(" ", lowered))  # (not what she drops)
    exchange, back = _ASKS_EXCHANGE.search(rest), _ASKS_RETURN.search(rest)
    if _CHANGED_MIND.search(lowered) and (exchange is None) != (back is None) and not (
        _ASKS_ABOUT.search(lowered)
    ):
        return "exchange" if exchange is not None else "return"
    return None


_CHANGED_MIND = re.compile(
    r"不退了|不换了|还是|要不|算了|那就|改成|改主意"
    r"|\b(?:actually|instead|rather|on second thought|changed my mind|change of plan)\b"
)
_ASKS_ABOUT = re.compile(
    r"邮费|运费|地址|多久|几天|谁出|谁付|怎么寄|吗|\b(?:postage|shipping|address|who pays|how long"
    r"|how many days|where)\b"
)
"""A question about the job ("退回去的邮费还是我出吗"), not a change of it."""


_WHY = re.compile(
    r"为什么|为啥|干嘛|干什么用|有什么用|要这个做什么|凭什么|\bwhy\b"
    r"|what(?: is|'s) (?:it|that|this) for"
    r"|what do you need (?:it|that|this|them) for",
    re.IGNORECASE,
)


_PUSHED_BACK = re.compile(
    r"为什么|为啥|凭什么|怎么(?:就)?不(?:能|行|给)|咋(?:就)?不(?:能|行)|不是说|\bwhy\b|\bhow come\b"
    r"|\bbut (?:i|it'?s?|they'?re)\b",
    re.IGNORECASE,
)


def pushes_back(text: str) -> bool:
    """ "为什么不能退 我都没穿", "but i never wore it": the customer argues with a refusal just
    said (why, or that the item is as new) — no new request."""
    return _PUSHED_BACK.search(text) is not None or _FIT.search(text) is not None


def asks_why(text: str) -> bool:
    """ "why do you need that?" / "为什么要这个": why the bot asks (not an answer)."""
    return _WHY.search(text) is not None and not any(ch.isdigit() for ch in text)
