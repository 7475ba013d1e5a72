"""Round 22: the kinds blind batch 22 missed, as rules on the words the model misreads.

Every sentence here is our own (none is a line of a blind batch); main's engine (27145ff) read
each one as noted in its comment. The rules are ``engine._reread_22`` (checked before the
earlier rounds'), three pinyin words of the normaliser (``ren`` 人, ``youren`` 有人, ``zaixian``
在线) and a person asked for in three more ways (``intents.person``: a live one, someone in
charge fetched, the agent she had before).
"""

from __future__ import annotations

import pytest

from intents.engine import _reread_22
from intents.normalize import normalize
from intents.person import person_asked

from .conftest import full_engine


def engine():
    return full_engine()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # presence checks told in more words, piece by piece
        ("店主 今天上线了没", "greeting.hello"),  # out of scope (fallback)
        ("喂 看得到我发的消息不", "greeting.hello"),  # the order's status
        ("喂喂 能听见吗 我用的语音输入", "greeting.hello"),  # out of scope (fallback)
        ("这个是官方的号吗", "greeting.hello"),  # out of scope (fallback)
        ("老板还活着吗哈哈哈", "greeting.hello"),  # out of scope (fallback)
        ("客服jj醒了没", "greeting.hello"),  # complaint
        ("hey is this shop staffed today", "greeting.hello"),  # out of scope (fallback)
        ("knock knock anyone home", "greeting.hello"),  # out of scope (fallback)
        ("qing wen you ren zai xian ma", "greeting.hello"),  # out of scope (fallback)
        # a closing told piece by piece
        ("那好 我就耐心等快递了 笔芯", "thanks.bye"),  # thanks, unsure ("did you mean")
        # an order given back because she will not wait
        ("那单退掉吧 等不及了", "order.cancel"),  # the return
        # the size changed before it is packed, in English
        ("ordered a medium, make it a small instead before you pack it", "order.modify"),
        # a person: a live one, the agent she had before
        ("我想跟活的客服说话", "human.agent"),  # a person, unsure ("did you mean")
        ("转给上次那个客服吧", "human.agent"),  # a person, unsure ("did you mean")
    ],
)
def test_round_22_kinds(text, intent):
    d = engine().match(text)
    expected_outcome = "fallback" if intent == "other.unknown" else "accept"
    assert (d.intent, d.outcome) == (intent, expected_outcome), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("喂 能看到我消息吗 三天了都没人回", "complaint.general"),  # a grievance after it
        ("在吗 我的快递到哪了", "order.status"),  # a question after it
        ("这个是官方正品吗", "quality.authenticity"),  # genuine, not the shop's account
        ("那单退掉吧 衣服收到了不喜欢", "returns.return"),  # received: a return
        ("好的 那我等着看你们怎么处理", "complaint.general"),  # a threat, no closing
    ],
)
def test_round_22_rules_leave_these(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "misread", "intent"),
    [
        # each rule checked on its own against the misreading it names
        ("救命 店家在不在 急死", "complaint.general", "greeting.hello"),
        ("早 客服mm上线了吗 有点事想问你", "other.unknown", "greeting.hello"),
        ("yo is the chat manned rn", "other.unknown", "greeting.hello"),
        ("好嘞 我就安心等着了 么么哒", "complaint.general", "thanks.bye"),
        ("你多大了 有没有男朋友", "complaint.general", "other.unknown"),
        ("do you have gift wrap for it", "bargain.discount", "other.unknown"),
        ("物流说签收了 我家根本没人收", "complaint.general", "order.status"),
        ("那个单子退了吧 不想等了", "returns.return", "order.cancel"),
        ("i ordered the grey one, make it black instead before you box it", "order.status",
         "order.modify"),
        ("does it come in anything darker", "color.real_color", "color.options"),
        ("转到昨天那个客服吧", "other.unknown", "human.agent"),
    ],
)
def test_round_22_rule_on_its_misreading(text, misread, intent):
    group = misread.split(".")[0]
    assert _reread_22(group, misread, text, text.lower(), normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("在不在 你们骗子吧", "complaint.general"),  # a grievance
        ("客服在吗 我衣服破了个洞", "complaint.general"),  # a problem told after it
        ("is this shop legit", "other.unknown"),  # not a presence check
        ("好的 我就等着 你们看着办", "complaint.general"),  # a threat, not a closing piece
        ("好的 我等着 什么时候发?", "order.status"),  # a question in it
        ("这件衣服多大", "complaint.general"),  # the garment's size, nobody asked about
        ("gift box with 20% off?", "bargain.discount"),  # money off asked
        ("显示签收了 你们骗人", "complaint.general"),  # a grievance
        ("订单退掉吧 不想等了 衣服到了再说", "returns.return"),  # arrived
        ("make it a large instead, it already came", "order.status"),  # arrived
        ("does the white come in a see through fabric", "color.real_color"),  # the look
        # a person asked for beside her order: the bot hands over with the order's topic
        ("我要找人工 我的订单一直没发货", "order.status"),
        ("i want to talk to a real person, my order still hasnt shipped", "order.status"),
    ],
)
def test_round_22_rules_do_not_take_these(text, misread):
    group = misread.split(".")[0]
    assert _reread_22(group, misread, text, text.lower(), normalize(text)) is None


def test_pinyin_and_a_person():
    assert normalize("qing wen you ren zai xian ma") == "请问有人在线吗"
    assert person_asked("我要跟活的客服聊") == "person"
    assert person_asked("把你们店长叫出来") == "person"
    assert person_asked("能转给之前那个客服吗") == "person"
    assert person_asked("找昨天的客服小姐姐") == "person"
    assert person_asked("活的还是死的") is None
