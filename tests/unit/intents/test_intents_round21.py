"""Round 21: the kinds blind batch 21 missed, as rules on the words the model misreads.

Every sentence here is our own (none is a line of a blind batch); main's engine (c06c814) read
each one as noted in its comment. The rules are ``engine._reread_21`` (checked before the
earlier rounds'), two shorthands of the normaliser (``rg`` 人工, ``pyd`` 便宜点) and a person
fetched with 一下 (``intents.person``: ``找一下人工``).
"""

from __future__ import annotations

import pytest

from intents.engine import _reread_21
from intents.normalize import normalize
from intents.person import person_asked
from intents.slots import extract_slots

from .conftest import full_engine


def engine():
    return full_engine()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the staff at work asked, or the shop called out: presence checks
        ("下午好 客服还在上班不", "greeting.hello"),  # complaint
        ("老板 今天开工了没", "greeting.hello"),  # the order's status
        ("店家出来冒个泡", "greeting.hello"),  # complaint ("did you mean")
        # a closing in chat English
        ("ok noted tysm", "thanks.bye"),  # out of scope (fallback)
        # a job at the shop in other words
        ("你们缺不缺临时工 我想帮你们做客服", "other.unknown"),  # complaint
        # a price offered
        ("120出不出 能出我就拍了", "bargain.discount"),  # the order's status ("did you mean")
        # her things asked for in English words the model has not seen
        ("where are my clothes lol", "order.status"),  # out of scope (fallback)
        # the colour on her order changed before it leaves, in English
        ("just ordered the blue one, can i have it in white instead before you send it",
         "order.modify"),  # the change, unsure ("did you mean")
        # whose the return's postage is
        ("if i send it back is the postage mine or yours", "returns.postage"),  # the return
        # shorthands
        ("rg", "human.agent"),  # out of scope (fallback)
        ("pyd", "bargain.discount"),  # out of scope (fallback)
    ],
)
def test_round_21_kinds(text, intent):
    d = engine().match(text)
    expected_outcome = "fallback" if intent == "other.unknown" else "accept"
    assert (d.intent, d.outcome) == (intent, expected_outcome), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("你们几点下班", "other.unknown"),  # the hours asked
        ("叫你们店长出来", "human.agent"),  # someone in charge, not the shop called out
        ("ok understood", "other.unknown"),  # a bare acknowledgement
        ("仅退款一直显示处理中 我要退货", "returns.return"),  # the return still wanted
        ("申请的退款一直显示处理中 我已经寄回去了", "returns.refund_progress"),
    ],
)
def test_round_21_rules_leave_these(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "misread", "intent"),
    [
        # each rule checked on its own against the misreading it names
        ("晚上好 店里还有人上班吗", "other.unknown", "greeting.hello"),
        ("掌柜的快出来一下", "human.agent", "greeting.hello"),
        ("hiii", "other.unknown", "greeting.hello"),
        ("r u guys still open", "other.unknown", "greeting.hello"),
        ("alright got it ty", "complaint.general", "thanks.bye"),
        ("谢谢亲 笔芯", "other.unknown", "thanks.bye"),
        ("谢啦 么么哒", "other.unknown", "thanks.bye"),
        ("where do i get the voucher", "order.status", "bargain.discount"),
        ("两百卖不卖 包邮的话", "complaint.general", "bargain.discount"),
        ("i picked black but want navy instead, not shipped yet", "order.status",
         "order.modify"),
        ("换个大号 穿上腰勒", "size.recommend", "returns.exchange"),
        ("退款申请了好几天 一直处理中", "returns.return", "returns.refund_progress"),
        ("exchange it for a bigger one, whose pocket is the shipping on", "returns.exchange",
         "returns.postage"),
    ],
)
def test_round_21_rule_on_its_misreading(text, misread, intent):
    group = misread.split(".")[0]
    assert _reread_21(group, misread, text.lower(), normalize(text), extract_slots(text)) == intent


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("你们几点下班", "other.unknown"),  # the hours, a question word in it
        ("叫你们店长出来", "human.agent"),  # someone in charge
        ("出来", "human.agent"),  # nobody addressed
        ("ok understood", "other.unknown"),  # no thanks in it
        ("ok thanks but where is my parcel?", "other.unknown"),  # a question after it
        ("仅退款一直显示处理中 我要退货", "returns.return"),  # the return still wanted
        ("i ordered the M but want the L instead, it already arrived", "order.status"),
        ("优惠券用了 怎么退款少了", "order.status"),  # the refund's
        ("coupon didnt work, this shop is useless", "other.unknown"),  # a grievance
        ("一百八卖不卖 气死我了", "complaint.general"),  # a frustration cue
        ("换个大号会不会好点 还没买", "size.recommend"),  # nothing worn or received
        ("whats the postage to send it back", "returns.return"),  # who pays not asked as whose
    ],
)
def test_round_21_rules_do_not_take_these(text, misread):
    group = misread.split(".")[0]
    assert _reread_21(group, misread, text.lower(), normalize(text), extract_slots(text)) is None


def test_shorthands_and_a_person_fetched():
    assert normalize("rg rg") == "人工 人工"
    assert normalize("亲 pyd呗") == "亲 便宜点呗"
    assert "人工" not in normalize("purge the org chart")  # (inside a word: not the shorthand)
    assert person_asked("帮我找一下人工吧") == "person"
    assert person_asked("找下人工") == "person"
    assert person_asked("不用找人工") is None
