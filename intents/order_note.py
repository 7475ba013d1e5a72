"""A special request to be written on the customer's order (备注): one reader for the engine
(a note asked where the model read a person, a greeting, a complaint or another topic by a word
in it: ``engine._reread``) and the bot (the order's job ``note``: ``bot.flows.orders.order_job``).
The standard library only.

Three ways to ask it:

* in so many words: "帮我备注一下…", "在订单上写一下…", "add a note to my order", "put on the
  order that…";
* what must not be in the parcel: "包裹里别放价格单和发票", "no receipt inside please", "don't put
  the price in the box" (a present, usually: "是送人的");
* how to deliver it, as an instruction: "放快递柜 别打电话", "送货前先打电话", "leave it at the
  door, no need to call".

Never a note told about after the fact ("我备注了别放发票 结果还是放了": a complaint), a parcel's
delivery reported ("快递员说放驿站了", "显示放快递柜了"), a question whether a place is possible
("能放菜鸟驿站吗": shipping), gift wrapping or a gift card (things the shop's rules don't offer:
``bot.services.questions``), or a courier asked for ("备注发顺丰": the courier job).
"""

from __future__ import annotations

import re

from intents.gate import gate

# in so many words
_ASKED = re.compile(
    r"(?:帮我|给我|麻烦|能|可以|请|帮忙)(?:在单子上|在订单上|在订单里|给我)?(?:加个?|写个?|打个?)?备注"
    r"|备注(?:一下|下|上|个|写|说|说明|[:：])|^备注"
    r"|(?:在|往)(?:单子|订单)(?:上|里)(?:写|备注|注明|标注)"
    r"|(?:单子|订单)(?:上|里)(?:帮我|给我)?(?:写|备注|注明|标注)一?下?"
    r"|(?:给|跟)仓库(?:留个?言|说一?声|备注)"
    r"|\b(?:add|put|leave|write|include|make|attach)\b (?:a |an |this |the )?(?:gift )?"
    r"(?:note|remark|comment)s?\b(?! (?:says|said|saying))"
    r"|\b(?:note|remark) (?:on|to|in|for) (?:my|the|this) order\b"
    r"|\bput (?:it |something |this )?on (?:my |the )?order\b|\bmark (?:on )?(?:my |the )?order\b",
    re.IGNORECASE,
)

# what must not be in the parcel
_NOT_INSIDE = re.compile(
    r"(?:别|不要|不用|千万别|请勿|勿|不能|别给我|不要给我)(?:再)?(?:放|塞|夹|带|附|装)(?:任何)?"
    r"[^，,。？?]{0,6}(?:价格|价签|标价|吊牌价|价钱|发票|小票|收据|单据|清单|价目)"
    r"|(?:价格单|价格签|发票|小票|收据|清单)(?:都)?(?:别|不要|不用)(?:放|塞|夹|带)"
    r"|\bno (?:price|receipt|invoice|bill)s?(?: tags?| slips?| lists?| labels?)?\b"
    r"(?:[^.?!]{0,30}\b(?:in|inside|in the (?:box|parcel|package|bag))\b|\s*(?:please|pls|thanks)"
    r"|[^.?!]{0,20}\b(?:gift|present)\b|$)"
    r"|\b(?:don'?t|do not|dont|pls don'?t|please don'?t|never|doesn'?t|does not|doesnt"
    r"|won'?t|wont|not to)"
    r" (?:put|include|send|add|enclose|leave|stick|pop|slip|throw|chuck)"
    r" (?:the |a |any |an )?(?:price|receipt|invoice|bill)"
    r"|\b(?:remove|take out|leave out) (?:the |any )?(?:price|receipt|invoice)"
    r"|\bwithout (?:the |a |any )?(?:price|receipt|invoice)s?\b",
    re.IGNORECASE,
)

# how to deliver it: not calling, or where to leave it — as an instruction
_NO_CALL = re.compile(
    r"(?:别|不要|不用|无需|不必|千万别)(?:给我)?(?:打电话|来电|打我电话|打我手机|敲门|按门铃)"
    r"|(?:送货|派送|送)(?:之?前|的时候)(?:先|请|麻烦)?(?:给我)?打(?:个)?电话"
    r"|\b(?:don'?t|do not|dont|no need to|please don'?t|pls don'?t)\b (?:call|ring|phone|knock)\b"
    r"|\bcall (?:me )?(?:before|ahead of) (?:delivery|delivering|you deliver|it comes)\b",
    re.IGNORECASE,
)
_LEAVE_AT = re.compile(
    r"(?:放|搁|送到|放到|放在|投)(?:楼下)?(?:的)?(?:快递柜|丰巢|驿站|菜鸟驿站|门卫|门口|前台|传达室|物业|保安室)"
    r"(?:就行|就好|就可以|即可|吧|里就行)"
    r"|\bleave (?:it|the parcel|the package|them)\b.{0,20}\b(?:at|in|with|by)\b"
    r" (?:the |my )?(?:door|doorstep|front door|locker|parcel locker|reception|front desk"
    r"|concierge|porch|neighbou?r|security|guard|security guard|gate ?keeper|doorman|porter"
    r"|mail ?room|front gate)",
    re.IGNORECASE,
)

# told after the fact, or a delivery reported: never a note to write now
_TOLD_BEFORE = re.compile(
    r"备注了|备注过|已经备注|写了备注|备注的是|备注里写|留言了|明明备注|不是备注"
    r"|还是放了|却放了|怎么放了|居然放了|竟然放了|放了发票|放了价格|放了小票"
    r"|(?:说|显示|写着|提示|已经|给我)(?:放|送)(?:到|在)?(?:了)?(?:快递柜|丰巢|驿站|门卫|门口)"
    r"|(?:快递柜|驿站|门卫|门口)了|找不到|没找到|没收到"
    r"|\b(?:i|we) (?:already )?(?:added|left|wrote|put|asked for|made) (?:a |the )?note\b"
    r"|\bthe note (?:said|says)\b|\b(?:ignored|despite|even though) (?:my |the )?note\b"
    r"|\b(?:left|was left|were left|been left|dropped)\b.{0,20}\b(?:at|in)\b"
    r"|\b(?:didn'?t|did not|never) (?:call|ring)\b|\bwithout calling\b",
    re.IGNORECASE,
)

# a courier asked for in a remark ("备注发顺丰"): the courier job's
_COURIER = re.compile(r"顺丰|\bsf\b|ems|邮政|京东快递", re.IGNORECASE)


_NOTE_GATE = gate(_ASKED, _NOT_INSIDE, _NO_CALL, _LEAVE_AT)


def order_note(text: str) -> bool:
    """The message asks for something to be written on the customer's order (see above)."""
    lower = text.lower()
    if _NOTE_GATE.search(lower) is None:
        return False  # (none of the four below can match: ``intents.gate``)
    if _TOLD_BEFORE.search(lower):
        return False
    asked = _ASKED.search(lower)
    if asked and _COURIER.search(lower):
        return False
    return bool(
        asked or _NOT_INSIDE.search(lower) or _NO_CALL.search(lower) or _LEAVE_AT.search(lower)
    )


# the words that ask, cut from the note so that what is left is what to write
_ASK_WORDS = re.compile(
    r"^(?:亲|你好|您好|在吗|客服|hi|hello|hey)[\s,，!！~]*"
    r"|(?:能不能|能否|可不可以|可以|能|麻烦|请|帮忙)?(?:帮我|给我)?(?:在(?:单子|订单)(?:上|里))?"
    r"(?:加个?|写个?|打个?)?备注(?:一下|下)?(?:[:：，,]|说)?"
    r"|(?:帮我|给我|麻烦)?(?:在|往)?(?:我的?)?(?:单子|订单)(?:上|里)(?:帮我|给我)?(?:写|注明|标注)一?下?"
    r"[:：，,]?"
    r"|\b(?:can|could|would) you (?:please |pls )?"
    r"|\b(?:please|pls|plz)\b[,]?"
    r"|\b(?:add|put|leave|write|include|make|attach) (?:a |an |this |the )?(?:gift )?"
    r"(?:note|remark|comment)s?(?: (?:on|to|in|for) (?:my|the|this) order)?(?: that| saying)?[:,]?"
    r"|\bput (?:it )?on (?:my |the )?order(?: that)?[:,]?"
    r"|(?:可以|行)?吗[?？]*$|好吗[?？]*$|[?？]+$",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"[\u4e00-\u9fff]|[a-z]{2,}", re.IGNORECASE)


def note_words(text: str, limit: int = 200) -> str | None:
    """What to write on the order: the customer's words, the asking cut ("帮我备注一下 不要放发票"
    → "不要放发票"), on one line, at most ``limit`` characters. ``None`` when nothing is left to
    write ("帮我备注一下", "can you add a note to my order?"): the bot asks what to write."""
    kept = " ".join(_ASK_WORDS.sub(" ", text).split()).strip(" ,，。.:：;；!！~")
    if len(_CONTENT.findall(kept)) < 2:
        return None
    return kept[:limit]


_GIFT_WRAP = re.compile(
    r"包装成礼物|礼品包装|礼盒|包成礼物|礼品袋|贺卡|\bgift[- ]?wrap|\bwrap (?:it|them)\b"
    r"|\bgift (?:box|bag|card)\b|\bgreeting card\b",
    re.IGNORECASE,
)


def wants_gift_wrap(text: str) -> bool:
    """Gift wrapping, a gift box or a card asked beside the note ("add a note: gift wrap, no
    invoice inside"): the shop's rules don't offer it — the note can ask, never promise."""
    return _GIFT_WRAP.search(text) is not None


# -- a note asked beside another change ------------------------------------------------------
# "地址改成… 放门卫就行", "change my hoodie to XL please, and add a note to leave it in the
# parcel locker", "是送人的 别放价格单 还有地址我也要改一下": two jobs in one message — the
# change (its own confirmation) and the note, which is written as its own words only.

# where a clause ends: punctuation, a space beside a Chinese character, or words that add one
_CLAUSE_CUT = re.compile(
    r"[，,。;；!！?？\n]+"
    r"|(?<=[\u4e00-\u9fff])\s+|\s+(?=[\u4e00-\u9fff])"
    r"|(?<=\S)\s*(?=还有|另外|顺便|然后(?:再)?(?:帮我)?)"
    r"|(?i:\s+(?=(?:oh |and |also |plus |btw )*(?:and|also|plus|btw)\b))"
)
# a present told beside the note ("是送朋友的生日礼物", "this hoodie is a present"): said with it
_GIFT_TOLD = re.compile(r"送人|送朋友|送给|礼物|生日|\b(?:gift|present|birthday)\b", re.IGNORECASE)
# the other change in so many words: an address, a receiver, a size or colour to change
_CHANGE_ASKED = re.compile(
    r"地址|收件人|收货人|寄到|送到|改|换|"
    r"(?i:\baddress\b|\breceiver\b|\bchange\b|\bswap\b|\bswitch\b|\bship (?:it )?to\b"
    r"|\bdeliver (?:it )?to\b|\bsend (?:it )?to\b|\binstead\b|\bmake it\b)"
)
_CONNECTOR = re.compile(
    r"^(?:(?:(?:oh|and|also|plus|btw)\b|还有|另外|顺便|然后|再(?=帮|给))\s*)+", re.IGNORECASE
)
_LEADING_TO = re.compile(r"^to\s+(?=\w)", re.IGNORECASE)  # "add a note to leave it…"


def _clauses(text: str) -> list[str]:
    return [c.strip() for c in _CLAUSE_CUT.split(text) if c and c.strip()]


def note_beside_change(text: str) -> tuple[str, str] | None:
    """A note asked beside another change of the order, cut apart: ``(note, rest)`` — the
    note's own words (the asking cut, ``note_words``; a present told beside it kept) and the
    rest of the message, which asks the change ("地址改成上海市… 放门卫就行" → ("放门卫就行",
    "地址改成上海市…")). ``None`` when the message is only a note ("帮我备注一下 是送人的 别放
    价格单"), or holds no note."""
    if not order_note(text):
        return None
    clauses = _clauses(text)
    is_note = [order_note(c) for c in clauses]
    if not any(is_note):
        return None
    for i, clause in enumerate(clauses):
        # a present told right beside the note is said with it ("是送人的 别放价格单")
        beside = (i + 1 < len(clauses) and is_note[i + 1]) or (i > 0 and is_note[i - 1])
        if not is_note[i] and beside and _GIFT_TOLD.search(clause) and not _CHANGE_ASKED.search(
            clause
        ):
            is_note[i] = True
    kept = [_CONNECTOR.sub("", c).strip() for c in clauses]
    asked = " ".join(c for c, noted in zip(kept, is_note, strict=True) if c and not noted)
    if not asked or not _CHANGE_ASKED.search(asked):
        return None
    noted_words = [
        _LEADING_TO.sub("", note_words(c, limit=len(c) + 1) or "")
        for c, noted in zip(kept, is_note, strict=True)
        if noted
    ]
    said = [w for w in noted_words if w]
    if not said:
        return None
    # the clauses as she said them, one after another ("leave it in the parcel locker, dont
    # call me"; "是送人的 别放价格单")
    words = "".join(
        w if i == 0 else (", " if w[0].isascii() and said[i - 1][-1].isascii() else " ") + w
        for i, w in enumerate(said)
    )
    return words[:200], asked
