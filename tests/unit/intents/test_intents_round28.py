"""Round 28: the kinds blind batch 28 missed — a return shown on an order she never returned,
paying on arrival for fear of being cheated, her own order asked after in a plain huff, a card
asked with where she is, see-through asked as "会不会透", a fault feared before buying, where to
post what she has packed, shipping waived, a carrier named in English, "do i pay the postage"
asked (not offered), 3Q typed twice before pet words, heavy rain as small talk, and 小姐姐
(normalised to 小姐) opening a presence check.

Every sentence here is our own (none is a line of a blind batch); main's engine (c5fe6e2)
read each one of the first list as noted in its comment. The rules are ``engine._reread_28``
(checked before the earlier rounds'), ``_POSTAGE_OFFERED`` (round 20), ``_PET_THANKS_21``,
``_SMALL_TALK_25`` and ``_OPENS_SOCIAL_ZH_26``.
"""

from __future__ import annotations

import pytest

from intents.engine import _POSTAGE_OFFERED

from .conftest import assert_reads_as, full_engine


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # a return shown that she never made: the parcel went back
        ("订单页怎么变成已退回了 我从来没申请过退款啊", "order.status"),  # refund progress
        ("it says returned on my order but i never asked for a return??", "order.status"),  # return
        # paying on arrival, the fear of a scam her reason
        ("担心遇到骗子 东西到了再转钱行吗", "payment.cod"),  # complaint, accepted
        # a card asked with where she is, nothing sent
        ("人在新西兰 国外的visa能用吗", "payment.methods"),  # the region
        # see-through asked as 会不会透
        ("这条白裤子会不会透 要不要穿安全裤", "color.real_color"),  # the fabric, unsure
        ("夏天穿会不会透 里面要不要套个吊带", "color.real_color"),  # the fabric
        # a fault feared before buying
        ("想买这件针织衫 就怕洗两次就起球", "quality.material"),  # a fault
        ("上次在别家买的洗了就缩 这件怕也缩水", "quality.material"),  # a fault
        # where to post what she packed
        ("taped the box already, where do i post them to", "returns.address"),  # fallback
        # shipping waived; a carrier named
        ("min order to have the postage waived?", "shipping.fee"),  # the order, unsure
        ("can mine go by ups? ill pay extra", "shipping.courier"),  # payment, unsure
        # who pays asked, not offered
        ("if i send it back do i pay the postage myself", "returns.postage"),  # the return
        # 3Q typed twice, pet words after
        ("3q3q 爱你哟", "thanks.bye"),  # fallback
        ("3Q3Q 爱你么么", "thanks.bye"),  # fallback
        # heavy rain as small talk
        ("我们这下暴雨了 你们那边咋样", "other.unknown"),  # complaint
        ("今天下大雪 出门都难 你们那呢", "other.unknown"),  # complaint, unsure
        # 小姐姐 opening a presence check with a remark
        ("小姐姐还在不 刚下课想问个事", "greeting.hello"),  # fallback
    ],
)
def test_round28_kinds(text: str, intent: str) -> None:
    assert_reads_as(text, intent)


@pytest.mark.parametrize(
    "text",
    [
        "我那件羽绒服呢 人呢货呢",  # main: order.status, "did you mean" (a complaint close)
        "我那单到底寄没寄 给句话",  # main: order.status, "did you mean"
        "box is ready, where can i drop it off to",  # main: returns.address, "did you mean"
    ],
)
def test_round28_accepted_not_asked_back(text: str) -> None:
    d = full_engine().match(text)
    assert d.outcome == "accept", d
    assert d.intent in ("order.status", "returns.address"), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("这件透气吗 夏天穿闷不闷", "quality.material"),  # 透气 is the fabric
        ("i'll pay the return postage myself, just want to send it back", "returns.return"),
        ("my dhl tracking hasnt moved in a week", "order.status"),  # her parcel, not a carrier
        ("收到洗了一次就掉色了 怕染到别的衣服", "quality.problem"),  # the fault told
        ("骗子店 我那单到底发不发", "complaint.general"),  # hostile
        ("你们这骗子 货到了再付钱都不敢", "complaint.general"),  # hostile, not a fear
        ("人在新加坡 能发过来吗", "shipping.region"),  # sending asked
        ("我在新加坡 运费怎么付", "shipping.fee"),  # the postage named
    ],
)
def test_round28_left_as_they_were(text: str, intent: str) -> None:
    assert_reads_as(text, intent)


def test_postage_offered_is_not_asked() -> None:
    assert _POSTAGE_OFFERED.search("ok i'll pay the postage myself") is not None
    assert _POSTAGE_OFFERED.search("do i pay the postage or you") is None
    assert _POSTAGE_OFFERED.search("should i cover the shipping") is None
