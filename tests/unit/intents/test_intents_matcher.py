"""The engine's decisions through the public API and the CLI."""

import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

from intents import Decision, IntentEngine, MatcherConfig
from intents.__main__ import evaluate, format_report

ROOT = Path(__file__).resolve().parents[3]


@lru_cache(maxsize=1)
def engine() -> IntentEngine:
    return IntentEngine.load()


def test_size_question_with_height_and_weight_is_accepted_with_slots():
    d = engine().match("亲 160 100斤穿什么码")
    assert isinstance(d, Decision)
    assert (d.intent, d.group, d.action, d.outcome) == (
        "size.recommend", "size", "ask-slot", "accept")
    assert (d.slots.height_cm, d.slots.weight_kg) == (160, 50.0)
    assert 0.5 < d.confidence <= 1.0
    assert d.candidates[0].intent == "size.recommend"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("付完款多久寄出", "shipping.dispatch_time"),
        ("寄到成都要几天", "shipping.delivery_time"),
        ("能不能走顺丰", "shipping.courier"),
        ("新疆包邮吗", "shipping.fee"),
        ("能寄到澳门吗", "shipping.region"),
        ("這件尺碼偏小嗎", "size.fit"),
        ("ＸＬ的衣长多少", "size.chart"),
        ("实物有色差吗😅", "color.difference"),
        ("想换个大一码的", "returns.exchange"),
        ("退货地址给我下", "returns.address"),
        ("退款啥时候到账啊", "returns.refund_progress"),
        ("kf20260009到哪了", "order.status"),
        ("怎么还没发货啊", "order.status"),
        ("地址填错了要改", "order.change_address"),
        ("不要了 取消订单", "order.cancel"),
        ("能优惠点不", "bargain.discount"),
        ("纯棉的吗", "quality.material"),
        ("是正品吗亲", "quality.authenticity"),
        ("收到是坏的", "quality.problem"),
        ("支持货到付款吗", "payment.cod"),
        ("在吗在吗", "greeting.hello"),
        ("好的谢谢亲", "thanks.bye"),
        ("转人工！！", "human.agent"),
        ("我要投诉你们", "complaint.general"),
        ("when do you ship", "shipping.dispatch_time"),
        ("where is my parcel", "order.status"),
    ],
)
def test_typical_customer_messages(text, intent):
    d = engine().match(text)
    assert d.intent == intent, (text, d)
    assert d.outcome in {"accept", "clarify"}


@pytest.mark.parametrize(
    "text",
    ["这个电饭煲能预约煮粥吗", "蓝牙耳机能连电脑吗", "今天好冷", "qwertyuiop",
     "does it work with a Mac", "", "   ", "🙂🙂🙂", "？？？"],
)
def test_out_of_scope_falls_back_to_other(text):
    d = engine().match(text)
    assert (d.intent, d.group, d.outcome) == ("other.unknown", "other", "fallback")
    assert d.action == "escalate"


def test_shipping_general_vs_own_order():
    assert engine().match("你们一般几天发货").group == "shipping"
    assert engine().match("我的订单怎么还没发").group == "order"
    assert engine().match("哪家快递").group == "shipping"
    assert engine().match("我的快递到哪了").group == "order"


def test_candidates_are_ranked_bounded_and_answerable():
    for text in ["偏大吗 什么码合适", "退货运费谁出 地址在哪", "随便"]:
        d = engine().match(text)
        assert len(d.candidates) <= 3
        confs = [c.confidence for c in d.candidates]
        assert confs == sorted(confs, reverse=True)
        assert all(c.intent != "other.unknown" for c in d.candidates)
        assert all(c.intent.split(".")[0] == c.group for c in d.candidates)


def test_thresholds_come_from_config():
    strict = IntentEngine(engine().catalog, MatcherConfig(accept_threshold=1.0, accept_margin=20.0),
                          model=engine().model)
    d = strict.match("什么时候发货")
    assert (d.intent, d.outcome) == ("shipping.dispatch_time", "clarify")
    lax = IntentEngine(engine().catalog, MatcherConfig(clarify_threshold=1.0),
                       model=engine().model)
    assert lax.match("什么时候发货").outcome == "fallback"


def test_the_library_reads_no_environment(monkeypatch):
    """Settings are the caller's: no INTENTS_* variable changes the engine."""
    monkeypatch.setenv("INTENTS_ACCEPT_THRESHOLD", "0.99")
    assert not hasattr(MatcherConfig, "from_env")
    engine = IntentEngine.load(encoder=False)
    assert engine.config == MatcherConfig()
    assert engine.thresholds[0] == engine.model.thresholds.accept


def test_decision_is_frozen():
    d = engine().match("在吗")
    with pytest.raises(ValueError, match="frozen"):
        d.intent = "x"  # type: ignore[misc]


def test_evaluate_counts_fallback_as_other():
    report = evaluate(engine(), [{"text": "扫地机能爬坡吗", "group": "other"},
                                 {"text": "包邮吗", "group": "shipping"},
                                 {"text": "包邮吗", "group": "bargain"}])
    assert report.total == 3 and report.correct == 2
    assert report.confusion["bargain"]["shipping"] == 1
    assert report.intent_total == 0  # no row says its intent


def test_evaluate_scores_the_intent_where_a_row_names_it():
    # right group, wrong intent; right intent; a row without an intent label is not counted
    report = evaluate(engine(), [
        {"text": "包邮吗", "group": "shipping", "intent": "shipping.region"},
        {"text": "包邮吗", "group": "shipping", "intent": "shipping.fee"},
        {"text": "在吗", "group": "greeting"},
    ])
    assert report.correct == 3
    assert (report.intent_total, report.intent_correct) == (2, 1)
    assert "intent level 0.5000 (1/2 labelled with an intent)" in format_report(report)


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "intents", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=60, check=False)


def test_cli_match_prints_one_json_object():
    out = _cli("match", "亲 1米6 一百斤 穿啥码")
    assert out.returncode == 0, out.stderr
    obj = json.loads(out.stdout)
    assert set(obj) == {"intent", "group", "confidence", "outcome", "candidates", "slots"}
    assert obj["intent"] == "size.recommend"
    assert obj["slots"] == {"height_cm": 160, "weight_kg": 50.0}


def test_cli_jsonl_answers_every_line_and_reports_bad_ones():
    lines = "\n".join([json.dumps({"text": "包邮吗"}), "not json", json.dumps({"text": "在吗"})])
    out = _cli("match", "--jsonl", stdin=lines + "\n")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r.get("group") for r in rows] == ["shipping", None, "greeting"]
    assert "not JSON" in rows[1]["error"]
    assert out.returncode == 1


def test_cli_eval_prints_scores_matrix_and_accuracy(tmp_path):
    data = tmp_path / "e.jsonl"
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"text": "什么时候发货", "group": "shipping"}, {"text": "在吗", "group": "greeting"},
        {"text": "冰箱几级能效", "group": "other"}]) + "\n", encoding="utf-8")
    out = _cli("eval", "--matrix", "--calibration", str(data))
    assert out.returncode == 0, out.stderr
    assert "confusion matrix" in out.stdout
    assert "calibration" in out.stdout and "zh: 1.0000 (3/3)" in out.stdout
    assert "accuracy 1.0000 (3/3)" in out.stdout
    assert "shipping" in out.stdout.splitlines()[1]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("在吗 拍了一般多久发", "shipping.dispatch_time"),
        ("谢谢 那运费多少", "shipping.fee"),
        ("你好 这款还有货吗", "other.unknown"),
    ],
)
def test_greeting_or_thanks_around_a_question_gives_way_to_it(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize("text", ["您好 有人吗", "好的谢谢亲", "hi", "thank you so much"])
def test_greeting_or_thanks_alone_stays(text):
    assert engine().match(text).group in ("greeting", "thanks")


@pytest.mark.parametrize(
    "text",
    ["谢谢亲 那我等着收货", "好的 那我等着退款 谢谢", "好的亲 那我等快递上门 谢谢",
     "好的 地址没问题了 谢谢", "noted, thanks", "ok, thanks for letting me know"],
)
def test_a_closing_that_names_the_parcel_or_the_refund_stays_thanks(text):
    # the model says thanks; the rest ("那我等着收货", "那我等着退款") reads as the order or the
    # refund on its own, but it asks nothing and reports no problem: the customer says goodbye
    assert engine().match(text).group == "thanks"


@pytest.mark.parametrize(
    ("text", "group"),
    [("谢谢 可是我还没收到货", "order"), ("thanks! where is my parcel", "order"),
     ("谢谢 顺便问下运费多少", "shipping")],
)
def test_thanks_still_gives_way_to_a_question_or_a_problem(text, group):
    assert engine().match(text).group == group


def test_pair_keyword_matches_parts_apart_in_order():
    d = engine().match("地址我要改成杭州的 还来得及不")
    assert d.intent == "order.change_address"
    d = engine().match("退货的话邮费要我自己出吗")
    assert d.intent == "returns.postage"


def test_english_spelling_slips_are_corrected_to_catalogue_words():
    assert engine().match("refudn please").group == "returns"
    assert engine().match("paymnt failed").intent == "payment.methods"
    # ordinary words are not bent into catalogue words
    m = engine().matcher
    assert m._spell("tonight station") == "tonight station"
    assert m._spell("no broker") == "no broker"  # one changed letter is another word


@pytest.mark.parametrize(
    ("text", "group"),
    [
        # fading, dye and care are quality; colour words alone do not make them colour
        ("深色裤子洗了会褪色吗", "quality"),
        ("羊毛衫可以送干洗店吗", "quality"),
        ("熨斗能直接烫吗", "quality"),
        ("will the navy dye run onto my towels", "quality"),
        ("东西到了跟图片不一样", "quality"),
        ("收到的颜色跟图片不一样", "color"),
        # stock is other; which sizes or colours exist is size or colour
        ("这条裙子还有S码吗", "other"),
        ("白色的还有吗", "other"),
        ("这款都有哪些码", "size"),
        ("都有哪些颜色", "color"),
        # money matters
        ("运费险有没有", "returns"),
        ("才买两天就降价了 退差价吗", "bargain"),
        ("the price went down a day after I paid, refund the difference?", "bargain"),
        ("能开电子发票吗", "payment"),
        # my order versus shipping in general
        ("麻烦快点发 我急用", "order"),
        ("什么时候给我发货", "order"),
        ("package is stuck at customs", "order"),
        ("寄到广州要几天", "shipping"),
        # people and feelings
        ("人呢 叫你们客服来", "human"),
        ("你们这群骗子 我去消协打电话", "complaint"),
        ("you lied to me about the delivery", "complaint"),
    ],
)
def test_label_conventions(text, group):
    assert engine().match(text).group == group, (text, engine().match(text))


@pytest.mark.parametrize("text", ["好的", "嗯嗯", "收到", "ok", "好滴～"])
def test_bare_acknowledgement_falls_back(text):
    d = engine().match(text)
    assert (d.intent, d.outcome) == ("other.unknown", "fallback")
    assert d.acknowledgement


def test_other_fallbacks_are_not_acknowledgements():
    assert not engine().match("今天天气真好").acknowledgement
    assert not engine().match("好的谢谢").acknowledgement


@pytest.mark.parametrize("text", ["好的谢谢", "收到了 谢谢亲", "ok thanks"])
def test_acknowledgement_with_thanks_is_thanks(text):
    assert engine().match(text).intent == "thanks.bye"


def test_acknowledgements_come_from_config():
    d = IntentEngine(engine().catalog, MatcherConfig(acknowledgements=())).match("好的")
    assert d.group == "thanks"


def test_a_clear_winner_near_certainty_is_accepted_not_clarified():
    # Both candidates saturate near 1; on the logit scale the first is far ahead.
    d = engine().match("which size should I take? I'm 170 cm")
    assert (d.intent, d.outcome) == ("size.recommend", "accept")
    assert d.slots.height_cm == 170


@pytest.mark.parametrize(
    "text",
    ["掌柜的 醒着没", "亲 现在有人值班吗", "hey, you guys still open?", "hi hi is this the store"],
)
def test_a_presence_check_in_any_words_is_a_greeting(text):
    # the model alone reads these as out of scope or an order question
    d = engine().match(text)
    assert (d.intent, d.outcome) == ("greeting.hello", "accept")


@pytest.mark.parametrize("text", ["alright ty, will wait for the parcel",
                                  "okay i will wait"])
def test_a_closing_that_says_it_will_wait_is_thanks(text):
    # the model alone reads the parcel, or is not sure of the thanks
    d = engine().match(text)
    assert (d.intent, d.outcome) == ("thanks.bye", "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("客服在吗 我要投诉", "complaint.general"),
        ("ok i'll wait but when does it ship", "shipping.dispatch_time"),
        ("谢谢 那我等着 可是什么时候到呢", "order.status"),
        ("好的 我等了一个星期了 还没到", "order.status"),
        ("在吗 那件羽绒服还有货吗", "other.unknown"),
    ],
)
def test_a_greeting_or_closing_with_something_else_in_it_is_that(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("please call off my order, plans changed", "order.cancel"),
        ("我刚买的 能不能送到我单位去", "order.change_address"),
        ("还没发的话 颜色帮我换成黑的", "order.modify"),
    ],
)
def test_a_job_on_the_order_in_plain_words_is_that_job(text, intent):
    # the model alone: a change, the order's status with "did you mean", a "did you mean"
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("能送到办公室吗", "shipping.region"),  # a general question, no order named
        ("别发韵达 我们这不到", "shipping.courier"),  # not a cancel
        ("why was my order cancelled? i didn't cancel my order", "order.status"),
        ("取消订单的钱退回来了吗", "returns.refund_progress"),
        ("delivered to the wrong address apparently, nobody here got it", "order.status"),
    ],
)
def test_words_of_an_order_job_in_another_question_leave_it(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("我是你们家的会员 买这个能打折不", "bargain.discount"),  # the model alone: out of scope
        ("我下单的是藏青色 拆开来的是黑色", "order.status"),  # the model alone: the colour
        ("我买的是米色的 收到的是白色", "order.status"),
    ],
)
def test_member_prices_are_discounts_and_the_wrong_item_is_the_orders(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("会员怎么注册", "other.unknown"),  # an account, not a price
        ("我拍的是M 穿着小 能换L吗", "returns.exchange"),
        ("收到的颜色和图片不一样", "color.difference"),
    ],
)
def test_member_and_item_words_in_other_questions_leave_them(text, intent):
    assert engine().match(text).intent == intent


def test_a_person_asked_for_with_a_reason_is_the_handover():
    # the model alone: a complaint (打字, 电话 are heavy in complaints about nobody answering)
    d = engine().match("手机打字不方便 留个电话我打过去说吧")
    assert (d.intent, d.outcome) == ("human.agent", "accept")


@pytest.mark.parametrize("text", ["打电话没人接 你们还做不做生意了", "转人工 你们这机器人太垃圾了"])
def test_a_person_asked_for_in_anger_stays_a_complaint(text):
    assert engine().match(text).intent == "complaint.general"


# Round 14: kinds blind batch 14 missed, as rules on the words the model misreads. Every
# sentence here is our own; the model alone reads each one as noted.
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("能帮我催一下吗 外套下周要穿", "order.status"),  # model: size advice (clarify)
        ("pls hurry up the courier, need it for a trip", "order.status"),  # the courier
        ("我买的裤子什么时候能到啊 周末要出门", "order.status"),  # general delivery time
        ("那单先别给我发了 我再想想", "order.cancel"),  # the order's status
        ("单子不要了 还没发货的话帮我退掉", "order.cancel"),  # a return
        ("please send my order to my mum's house instead, she can sign for it",
         "order.change_address"),  # a "did you mean"
        ("can you put a note on my order - no receipt in the parcel, its a surprise",
         "order.modify"),  # the order's status
    ],
)
def test_urging_and_order_jobs_in_other_words_are_the_orders(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("帮我催一下退款", "returns.refund_progress"),  # urging a refund is the refund's
        ("hurry up and answer me", "complaint.general"),  # hurrying the chat, not the parcel
        ("可以备注发邮政吗", "shipping.courier"),  # a courier asked for in a remark
        ("my order was delivered to my neighbour's, can you check", "order.status"),
        ("the party got called off so i want to send the dress back, never worn",
         "returns.return"),  # "called off" in a story is not a cancel (the model: a cancel)
        ("一般下单后多久发货", "shipping.dispatch_time"),  # no order of the customer's named
    ],
)
def test_order_words_in_other_questions_leave_them(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("打字说不明白 换个人工吧", "human.agent"),  # model: a complaint
        ("is this a bot? its like talking to a wall", "complaint.general"),  # a person
        ("brilliant stuff, ta very much", "thanks.bye"),  # a complaint (praise as sarcasm)
        ("太棒了 谢谢你们 服务真到位", "thanks.bye"),  # a complaint
        ("oi shop crew", "greeting.hello"),  # out of scope
        ("heyyy folks", "greeting.hello"),
    ],
)
def test_social_messages_in_new_words(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    "text",
    ["哈哈哈哈哈哈 笑死我了", "帮我推荐条适合约会穿的裙子", "推荐一款秋天穿的外套呗"],
)
def test_laughter_and_picking_a_product_are_out_of_scope(text):
    # the model alone: a complaint; size advice (推荐 is heavy in size questions)
    assert engine().match(text).outcome == "fallback"


def test_laughter_with_what_went_wrong_is_not_chit_chat():
    # sarcasm names what went wrong: the order's (the model's reading), never out of scope
    d = engine().match("笑死 十天了还没发")
    assert d.group in ("order", "complaint") and d.outcome != "fallback"


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("cheers for wasting my whole week", "complaint.general"),
        ("等到花儿都谢了", "complaint.general"),
        ("我真的会谢", "complaint.general"),
        ("推荐个尺码 我170 60kg", "size.recommend"),
        ("转人工 你们这机器人太垃圾了", "complaint.general"),
    ],
)
def test_thanks_laughter_and_bot_words_in_grievances_leave_them(text, intent):
    assert engine().match(text).intent == intent


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("do nurses get money off", "bargain.discount"),  # model: refund status
        ("不想换别的了 把钱退我就行", "returns.return"),  # an exchange
        ("i dont want an exchange, just a refund please", "returns.return"),
        ("裤子退回你们那了 物流显示签收 我的钱呢", "returns.refund_progress"),  # the order
        ("sending the dress back - is the postage on me or you", "returns.postage"),  # address
        ("posting the jeans back tomorrow, is return postage covered", "returns.postage"),
        ("我能等快递送到了再给钱吗", "payment.cod"),  # the order's status
    ],
)
def test_money_questions_told_in_other_words(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent", "outcome"),
    [
        ("what can you help me with?", "greeting.hello", "accept"),  # model: out of scope
        ("so what do you do", "greeting.hello", "accept"),
        ("你都能帮我干啥", "greeting.hello", "accept"),  # model: out of scope
        ("有什么功能啊", "greeting.hello", "accept"),
        # what can be done about a grievance is the grievance, never the greeting
        ("what can you do about this mess, it's the third time", "complaint.general", None),
        ("你们能做什么补偿", "complaint.general", None),
    ],
)
def test_what_the_bot_is_for_is_answered_by_its_greeting(text, intent, outcome):
    d = engine().match(text)
    assert d.intent == intent
    if outcome is not None:
        assert d.outcome == outcome


# Round 15: kinds blind batch 15 missed, as rules on the words the model misreads. Every
# sentence here is our own; main's engine (60fae32) read each one as noted.
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("店里今晚有值班的吗", "greeting.hello"),  # out of scope (fallback)
        ("喂 有没有人 回我一下", "greeting.hello"),  # a person ("did you mean")
        ("anyone on the chat today", "greeting.hello"),  # out of scope
        ("hi all, who's on rn", "greeting.hello"),  # out of scope
        ("ty mate", "thanks.bye"),  # out of scope
    ],
)
def test_presence_and_thanks_in_chat_shorthand(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # the order's status ("did you mean")
        ("ordered the blue by mistake, make it the red one if not shipped yet", "order.modify"),
        ("单子还没发的话 改寄到我姐家吧", "order.change_address"),  # a change to the order
        ("下单时候手快 填的还是旧地址 我早就不住那了", "order.change_address"),  # status
        ("两个单分开付的 能打一个包寄过来吗", "order.modify"),  # how to pay
        ("it came with a hole, why should i pay to mail it back", "returns.postage"),  # return
    ],
)
def test_order_jobs_and_return_postage_in_other_words(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


@pytest.mark.parametrize(
    ("text", "group"),
    [
        ("can i return it if i took the tags off", "returns"),  # "took … off" is not money
        ("一路顺风 谢谢", "thanks"),  # 顺风 is 顺丰 only in shop words
        ("能寄到哪些地方", "shipping"),  # where the shop ships, not where to send it back
        ("你们寄哪个快递", "shipping"),
        ("快递送到旧地址了 怎么办", "order"),  # where it went, not an address to change
        ("急急急 下单后多久发货", "shipping"),  # hurry before buying is the shop's timing
        ("周末上班吗", "other"),  # working hours, not a presence check
        ("where is that order now?", "order"),  # "order now" is not ordering now
        ("you said 20% off but charged me full price, scam", "complaint"),  # money off, angry
    ],
)
def test_round_15_words_in_other_questions_leave_them(text, group):
    assert engine().match(text).group == group


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        # found holding the console (main's reading noted): the size changed on the order
        ("改完地址还能改尺码吗 卫衣想要L", "order.modify"),  # the address change again
        ("还能改尺码吗 卫衣想要L", "order.modify"),  # size advice ("did you mean")
        # not paid yet is not shipped yet: the order's change, not its status
        ("i havent paid yet, can i still change it to size S before paying", "order.modify"),
        ("还没付款 能先改个颜色吗", "order.modify"),
    ],
)
def test_a_size_or_colour_changed_on_the_order_in_so_many_words(text, intent):
    d = engine().match(text)
    assert (d.intent, d.outcome) == (intent, "accept")


def test_an_address_to_change_is_still_the_address():
    for text in ("帮我改个地址", "能改一下收货地址吗 还没发货吧"):
        assert engine().match(text).intent == "order.change_address"
