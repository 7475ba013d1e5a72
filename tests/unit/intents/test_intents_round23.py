"""Round 23: the kinds blind batch 23 missed, as rules on the words the model misreads.

Every sentence here is our own (none is a line of a blind batch); main's engine (99a351f) read
each one as noted in its comment. The rules are ``engine._reread_23`` (checked before the
earlier rounds'), three pinyin words of the normaliser (``dan`` 单, ``danzi`` 单子, ``chexiao``
撤销), a person asked for in more ways (``intents.person``: a landline to ring, any humans about,
escalated to someone above) and "program" among what the customer asks she is talking to.
"""

from __future__ import annotations

import pytest

from intents.engine import _reread_23
from intents.normalize import normalize
from intents.person import asks_if_bot, person_asked, person_words

from .conftest import full_engine


def engine():
    return full_engine()


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # presence checks with more checks and remarks beside them
        ("老板娘好呀 这会儿有空搭理我不", "greeting.hello"),  # greeting, unsure ("did you mean")
        ("客服还没打烊吧", "greeting.hello"),  # complaint
        ("在么 我是之前买过你家衬衫的老顾客", "greeting.hello"),  # complaint, unsure
        ("hey testing, is this chat going to reach anyone", "greeting.hello"),  # complaint
        ("good afternoon, are u guys open for a quick question", "greeting.hello"),  # fallback
        ("hi, first time writing to you", "greeting.hello"),  # complaint
        ("morning, is anyone still replying today", "greeting.hello"),  # fallback
        # a person: a landline to ring, any humans about, escalated
        ("能留个座机吗 我打过去说", "human.agent"),  # fallback
        ("any real people around?", "human.agent"),  # fallback
        ("could you escalate this to your manager please", "human.agent"),  # complaint, unsure
        # out of scope: a voucher bought for someone, a showroom, a message sent to the wrong chat
        ("could i get a voucher for my sister for her birthday", "other.unknown"),  # money off
        ("do u guys sell gift vouchers", "other.unknown"),  # session 21: money off
        ("any showroom in leeds? want to see the colours first", "other.unknown"),  # colours
        ("发错人了不好意思", "other.unknown"),  # complaint, unsure
        # an accusation about her money: the complaint
        ("我的退款半个月了还没到 你们是想吞我的钱吗", "complaint.general"),  # the refund
        # sent back for another size: the exchange
        ("can i send them back for a size 10 instead", "returns.exchange"),  # the return
        # an order withdrawn in pinyin
        ("na ge danzi bu yao le chexiao ba", "order.cancel"),  # complaint, unsure
    ],
)
def test_round_23_kinds(text, intent):
    d = engine().match(text)
    expected_outcome = "fallback" if intent == "other.unknown" else "accept"
    assert (d.intent, d.outcome) == (intent, expected_outcome), d


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("在吗 我买的外套还没到 等了一会了", "order.status"),  # a question after the remark
        ("你好 我来了 我的订单怎么还没发", "order.status"),  # the same
        ("不好意思 我要退货", "returns.return"),  # an apology before a request
        ("hi first time ordering, when will it ship", "shipping.dispatch_time"),
        ("笑死 你们这质量还有脸卖", "complaint.general"),  # a laugh at the goods: sarcasm
        ("羊角扣大衣 扣子拆下来了一个", "quality.problem"),  # a horn button come off: the fault
        ("羊角扣大衣 穿了一天扣子就掉了", "quality.problem"),
        ("the hood came off the first time i zipped it", "quality.problem"),
        ("少发了一双袜子", "quality.problem"),  # a missing item said plainly: the fault
        ("客服呢 出来一下", "human.agent"),  # where the person is: not a particle
    ],
)
def test_round_23_rules_leave_these(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "misread", "intent"),
    [
        # each rule checked on its own against the misreading it names
        ("亲 过年也有人值班吗", "other.unknown", "greeting.hello"),
        ("店家 大晚上的还打扰 不好意思啊 在吗", "complaint.general", "greeting.hello"),
        ("店主 赶紧出来冒个泡啦", "human.agent", "greeting.hello"),
        ("hello hope you're well", "complaint.general", "greeting.hello"),
        ("谢啦老板 祝你们618大卖", "bargain.discount", "thanks.bye"),
        ("嗯 那个 让我想想", "complaint.general", "other.unknown"),
        ("我家狗把裤子咬了个洞 跟你们没关系哈 就是说一声", "complaint.general", "other.unknown"),
        ("哈哈哈你们模特好高啊", "complaint.general", "other.unknown"),
        ("is it dpd or evri you guys use", "order.status", "shipping.courier"),
        ("你们发不发海外 我在新加坡", "complaint.general", "shipping.region"),
        ("朋友说还行 就怕偏不偏大", "complaint.general", "size.fit"),
        ("周三下的单 到现在还显示待发货", "shipping.dispatch_time", "order.status"),
        ("等了好几天还没发出 啥时候发", "shipping.dispatch_time", "order.status"),
        ("放驿站三天了 去问说查不到", "complaint.general", "order.status"),
        ("上午下午各拍了一单 能合并寄吗", "shipping.dispatch_time", "order.modify"),
        ("before you ship it can you add another pair of socks", "complaint.general",
         "order.modify"),
        ("what material is the navy jumper made of", "color.real_color", "quality.material"),
        ("买的时候有运费险吗 退货用得上吗", "returns.return", "returns.postage"),
        ("please ditch my order, bought it twice by mistake", "order.status", "order.cancel"),
        ("新买的牛仔裤要不要单独洗 怕掉色", "quality.problem", "quality.material"),
        ("你们漏发了一条腰带", "complaint.general", "quality.problem"),
        ("风衣的内胆能拆吗", "quality.problem", "other.unknown"),
        ("is the hood removable", "quality.problem", "other.unknown"),
    ],
)
def test_round_23_rule_on_its_misreading(text, misread, intent):
    group = misread.split(".")[0]
    assert _reread_23(group, misread, text, text.lower(), normalize(text)) == intent


@pytest.mark.parametrize(
    ("text", "misread"),
    [
        ("在吗 你们骗子吧 等了一会了", "complaint.general"),  # a grievance
        ("您好 打扰一下 我的快递到哪了", "order.status"),  # a question after the apology
        ("我是上周没收到货的那个", "other.unknown"),  # who she is, by her problem
        ("hi first time ordering, where is my parcel", "complaint.general"),  # a question
        ("谢谢 祝你们早日倒闭", "complaint.general"),  # no good wish: sarcasm
        ("谢谢 祝你们双十二大卖 能便宜点吗", "bargain.discount"),  # a question beside it
        ("嗯 那个 我的退款呢", "complaint.general"),  # not only hesitation
        ("哈哈 又发错了 服了", "complaint.general"),  # a laugh at a fault
        ("不怪你们 但是快递太慢了吧？", "complaint.general"),  # a question in it
        ("不怪你们 是快递的问题 帮我催一下", "complaint.general"),  # a request in it
        ("哈哈 帮我看看物流", "complaint.general"),  # a request beside the laugh
        ("is my parcel with dpd or evri", "order.status"),  # her order
        ("你们骗子吧 发不发海外", "complaint.general"),  # a grievance
        ("等了好几天还没发出 你们要多久才发", "order.status"),  # not a timing misread
        ("下单了好几天 啥时候发", "returns.return"),  # not a timing misread
        ("can i send it back for a refund", "returns.return"),  # no size
        ("洗了一次就掉色了 要不要单独洗", "quality.problem"),  # washed: the fault told
        ("帽子拆下来就坏了", "quality.problem"),  # a part broke
        ("发错人了 你们骗人", "complaint.general"),  # a grievance
    ],
)
def test_round_23_rules_do_not_take_these(text, misread):
    group = misread.split(".")[0]
    assert _reread_23(group, misread, text, text.lower(), normalize(text)) is None


def test_pinyin_and_a_person():
    assert normalize("na ge danzi bu yao le chexiao ba") == "那个单子不要了撤销吧"
    assert person_asked("能留个座机吗 我打过去说") == "call"
    assert person_asked("any humans online right now") == "person"
    assert person_asked("please escalate my case to a supervisor") == "person"
    assert person_asked("whoever is above you, i want them") == "person"
    assert person_asked("我给你们留个地址") is None
    assert asks_if_bot("对面是真人还是程序啊")
    assert not person_words("对面是真人还是程序啊")
