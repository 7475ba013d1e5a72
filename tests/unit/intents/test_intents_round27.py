"""Round 27: the kinds blind batch 27 missed, read by their parts: a question in any clause,
paying *for* the delivery against paying *on* it, a garment's part with a fault, a laugh or a
slip set apart from what follows it, presence checks where the model heard a person or was
unsure, and 拉锁 for 拉链 in the normaliser.

Every sentence here is our own (none is a line of a blind batch); main's engine (9fafd6d, the
commit that added batch 27) read each one of the first list as noted in its comment. The rules
are ``engine._reread_27`` (checked before the earlier rounds'), ``engine._asks`` (clauses),
``engine._cash_on_delivery``, ``_POSTAGE``/``_WHO_PAYS``, ``_CANCEL``, ``_UNSHIPPED``/``_CHANGE``,
the return-by-reason rule stepping aside for the return address, the round-26 order-number rule
with the phone's last four, and the round-26 presence check (``这么早``, a person read, "up and
running", "tap tap", "evening" no longer the stem "even").
"""

from __future__ import annotations

import pytest

from intents.engine import _asks, _cash_on_delivery
from intents.normalize import normalize

from .conftest import assert_reads_as, full_engine


def engine():
    return full_engine()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a question in its second word, after a greeting, with a thanks at the end
        ("ok would you check what happened w my things, last 4 are 6021 cheers",
         "order.status"),  # thanks, by the closing rule
        # the return's postage in her words; a cancel; an unshipped change
        ("退回去的快递钱你们能补给我不", "returns.postage"),  # the return, unsure
        ("pls kill this order, bought it twice by accident", "order.cancel"),  # complaint, unsure
        ("趁还没打包 帮我把码数调到XL", "order.modify"),  # size advice, unsure
        # where the return goes, asked beside its reason
        ("鞋子不合适要退 装好箱了 寄哪里去", "returns.address"),  # the return, by rule
        # presence checks: the hour as a remark, the chat asked after, an attention-getter,
        # "evening" (its stem "even" judged the service)
        ("你好 不好意思这么晚还来打扰", "greeting.hello"),  # complaint
        ("evening! is the shop chat running tonight", "greeting.hello"),  # fallback
        ("morning, is the chat up and running yet", "greeting.hello"),  # fallback
        ("tap tap, is this chat live", "greeting.hello"),  # fallback
        # a garment's part with a fault
        ("拉锁卡住了 拽不动", "quality.problem"),  # the order's status
        # a laugh, then nothing the shop did; her own message sent by mistake
        ("😂 ok my sister just said the funniest thing", "other.unknown"),  # complaint
        ("不好意思 刚那句是误发的 不用管", "other.unknown"),  # complaint
        ("抱歉 刚才那条消息发错了 不用理", "other.unknown"),  # a fault, by rule
    ],
)
def test_round_27_kinds(text, intent):
    assert_reads_as(text, intent)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("快递卡住了 怎么一直不动", "order.status"),  # the parcel's words: not a part's fault
        ("怕扣子扣不上 180 160斤 拍几码", "size.recommend"),  # a button over a belly: the size
        ("lmao what a circus this shop is", "complaint.general"),  # the shop judged after the laugh
        ("哈哈 你们真行 十天了还没发", "complaint.general"),  # sarcasm after the laugh
        ("do i pay the driver when it arrives", "payment.cod"),  # paid on delivery
        ("包裹到我这了再付钱行吗", "payment.cod"),
        ("客服在吗 别让机器人回了", "human.agent"),  # the bot told off: a person wanted
        ("喂 店家 醒醒 有人没", "greeting.hello"),
    ],
)
def test_round_27_changes_leave_these(text, intent):
    assert engine().match(text).intent == intent


def test_paying_for_the_delivery_is_not_paying_on_it():
    text = "is there anything to pay for delivery or is it already in the price"
    assert not _cash_on_delivery(text, normalize(text))
    assert engine().match(text).intent != "payment.cod"  # main: payment.cod, by rule
    for on_it in ("can i pay cash on delivery", "do i pay the courier when it arrives",
                  "衣服到我手里以后再转钱给你可以不"):
        assert _cash_on_delivery(on_it.lower(), normalize(on_it)), on_it


def test_a_question_may_open_any_clause():
    for text in ("hey could u look up my stuff, thx", "ok so where is it then, cheers",
                 "hi - can you check it - ty"):
        assert _asks(text, normalize(text)), text
    for text in ("ok thanks, that is all", "cheers mate, have a good one", "好的 谢谢"):
        assert not _asks(text, normalize(text)), text


def test_round_27_normalisation():
    assert normalize("拉锁坏了") == normalize("拉链坏了")
