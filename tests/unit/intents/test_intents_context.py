"""A fragment is read in the chat's context; a clear new question never is."""

import pytest

from intents import Context, IntentEngine, MatcherConfig


def ctx(intent: str, seconds: float = 20.0, turns: int = 1) -> Context:
    return Context(last_intent=intent, seconds_ago=seconds, turns_ago=turns)


@pytest.mark.parametrize(
    ("text", "last", "intent"),
    [
        ("XL行不", "size.recommend", "size.recommend"),
        ("那M呢", "size.recommend", "size.recommend"),
        ("那运费呢", "returns.return", "returns.postage"),
        ("What about Beijing?", "shipping.fee", "shipping.fee"),
        ("北京呢", "shipping.delivery_time", "shipping.delivery_time"),
        ("黑色的呢", "color.options", "color.options"),
        ("那什么时候到", "order.status", "order.status"),
        # the same question of another product
        ("what about the jeans", "size.recommend", "size.recommend"),
        ("那牛仔裤呢", "quality.material", "quality.material"),
        # a fit wished for, or a waist, after size advice (read as "runs big or small?")
        ("喜欢宽松一点呢", "size.recommend", "size.recommend"),
        ("腰围2尺3呢", "size.recommend", "size.recommend"),
    ],
)
def test_a_fragment_is_read_in_context(any_engine, text, last, intent):
    d = any_engine.match(text, context=ctx(last))
    assert (d.intent, d.outcome) == (intent, "accept"), (text, d.intent, d.outcome)
    assert d.used_context and d.source == "context"


def test_a_fit_wished_for_alone_is_a_size_question(any_engine):
    # nothing but the fit and words around it: size advice, with the topic or without
    for context in (ctx("size.recommend"), None):
        d = any_engine.match("what if I like it loose", context=context)
        assert (d.intent, d.outcome, d.slots.fit) == ("size.recommend", "accept", "loose")


@pytest.mark.parametrize(
    "text", ["那我拍900的呢", "满700呢", "and if its 650?", "how about 480 rmb"]
)
def test_an_amount_after_a_postage_answer_is_that_spends_postage(any_engine, text):
    # a bare amount reads as sizing on its own; after a postage answer it is the postage's
    d = any_engine.match(text, context=ctx("shipping.fee"))
    assert (d.intent, d.outcome) == ("shipping.fee", "accept"), (text, d.intent)
    assert d.slots.spend_yuan is not None


def test_the_region_of_a_follow_up_is_in_its_slots(any_engine):
    d = any_engine.match("What about Beijing?", context=ctx("shipping.fee"))
    assert d.slots.region == "北京"


@pytest.mark.parametrize(
    ("text", "last", "intent"),
    [
        ("我的快递到哪了", "size.recommend", "order.status"),
        ("退货地址是哪里", "shipping.fee", "returns.address"),
        ("能开发票吗", "color.options", "payment.invoice"),
        ("where is my refund", "size.fit", "returns.refund_progress"),
        # a courier question is its own, after a returns answer or an order card
        ("发什么快递", "returns.return", "shipping.courier"),
        ("发什么快递", "order.status", "shipping.courier"),
        # an order number with its digits is a look-up of that order, also after a return
        ("KF26200341 尾号5280", "returns.return", "order.status"),
        # a shipping question of its own after a returns answer (not a follow-up: no 那…呢)
        ("你们包邮吗", "returns.return", "shipping.fee"),
        # worded as a follow-up, but a question of its own
        ("what about shipping?", "size.recommend", "shipping.fee"),
        ("how about returns", "quality.material", "returns.return"),
    ],
)
def test_context_never_overrides_a_clear_new_question(any_engine, text, last, intent):
    d = any_engine.match(text, context=ctx(last))
    assert d.intent == intent
    assert not d.used_context


def test_a_fragment_read_only_weakly_is_no_surer_for_the_topic(any_engine):
    """ "没穿过 吊牌还在" after an exchange answer (the item's condition, told early) reads
    weakly as an order question; the topic makes it a refund question no surer than that —
    not an answer about refunds the customer never asked for."""
    d = any_engine.match("没穿过 吊牌还在", context=ctx("returns.exchange"))
    assert d.outcome != "accept", (d.intent, d.confidence)


def test_the_flow_counts_like_the_last_intent(any_engine):
    d = any_engine.match("XL行不", context=Context(flow="size.recommend"))
    assert d.group == "size" and d.used_context


def test_an_old_topic_no_longer_counts(any_engine):
    stale = ctx("returns.return", seconds=7200)
    d = any_engine.match("那运费呢", context=stale)
    assert d.intent == "shipping.fee" and not d.used_context
    d = any_engine.match("那运费呢", context=ctx("returns.return", turns=9))
    assert d.intent == "shipping.fee"


def test_social_or_unknown_topics_are_no_context(any_engine):
    for last in ("greeting.hello", "thanks.bye", "other.unknown", "not.an_intent", "size"):
        d = any_engine.match("那运费呢", context=ctx(last))
        assert d.group == "shipping" if last != "size" else d.group in ("shipping", "size")


def test_context_limits_come_from_config(full: IntentEngine):
    strict = IntentEngine(full.catalog, MatcherConfig(context_max_age_s=10), model=full.model)
    assert strict.match("那运费呢", context=ctx("returns.return", seconds=60)).intent == (
        "shipping.fee"
    )


def test_context_is_a_frozen_model_the_bot_can_keep():
    c = Context(flow="returns", last_intent="returns.return", seconds_ago=3, turns_ago=1)
    assert Context.model_validate_json(c.model_dump_json()) == c
    with pytest.raises(ValueError):
        Context(turns_ago=-1)


@pytest.mark.parametrize(
    "text",
    ["多久能到账", "钱几天能到账呀", "when will I get my money back"],
)
@pytest.mark.parametrize("last", [None, "returns.return", "returns.refund_progress"])
def test_money_arriving_is_a_refund_question_not_delivery(any_engine, text, last):
    """到账 is money arriving: "多久能到账" right after a returns answer (or on its own) was
    read as the parcel's delivery time."""
    d = any_engine.match(text, context=ctx(last) if last else None)
    assert (d.intent, d.outcome) == ("returns.refund_progress", "accept"), (text, d.intent)
    # the parcel's own time stays the parcel's
    assert any_engine.match("快递多久能到", context=ctx(last) if last else None).intent == (
        "shipping.delivery_time"
    )


@pytest.mark.parametrize("last", [None, "returns.return"])
def test_money_arriving_worded_like_a_parcels_time(full, lexical, last):
    """ "到账大概要多久" reads like "大概要多久到" of a parcel: the engine as the bot runs it
    (the encoder where the lexical head is unsure) hears the money; the lexical head alone
    does only after a returns answer."""
    context = ctx(last) if last else None
    assert full.match("到账大概要多久", context=context).intent == "returns.refund_progress"
    if last is not None:
        assert lexical.match("到账大概要多久", context=context).intent == (
            "returns.refund_progress"
        )


@pytest.mark.parametrize(
    "text",
    [
        "订单还没付钱 明天付来得及吗",
        "还没付款的单子会不会被关闭",
        "i haven't paid yet, will it expire?",
        "订单还有效吗",  # whether it is still open: a yes or no, and its card
        "is the order still open?",
    ],
)
def test_an_unpaid_order_still_open_is_an_order_question(any_engine, text):
    d = any_engine.match(text)
    assert (d.intent, d.outcome) == ("order.status", "accept"), (text, d.intent, d.outcome)
