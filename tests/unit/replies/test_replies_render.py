from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from replies import render
from replies.render import Html, LocaleError, Replies, writes_a_sentence_in, written_language
from replies.views import OrderItemView, OrderView
from shop.enums import EXCHANGE_REASONS
from shop.policy import ShopPolicy, load_policy

SHANGHAI = timezone(timedelta(hours=8))

# The fixed intent contract shared by intents/, replies/ and bot/.
INTENT_IDS = [
    "shipping.dispatch_time",
    "shipping.delivery_time",
    "shipping.courier",
    "shipping.fee",
    "shipping.region",
    "size.recommend",
    "size.chart",
    "size.fit",
    "color.difference",
    "color.real_color",
    "color.options",
    "returns.return",
    "returns.exchange",
    "returns.refund_progress",
    "returns.postage",
    "returns.address",
    "order.status",
    "order.change_address",
    "order.cancel",
    "order.modify",
    "bargain.discount",
    "quality.material",
    "quality.smell",
    "quality.authenticity",
    "quality.problem",
    "payment.methods",
    "payment.cod",
    "payment.invoice",
    "greeting.hello",
    "thanks.bye",
    "human.agent",
    "complaint.general",
    "other.unknown",
]
LOCALES = ["zh_CN", "en"]


def _copy_locales(src: Path, dst: Path) -> Path:
    target = dst / "locales"
    shutil.copytree(src, target)
    return target


def _edit(path: Path, change) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")


# ── loading and validation ──────────────────────────────────────────────────────────────────


def test_locales(replies: Replies) -> None:
    assert replies.locales == ["zh_CN", "en"]


def test_the_catalogue_covers_exactly_the_intent_contract(replies: Replies) -> None:
    assert replies.intent_ids == sorted(INTENT_IDS)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("intent_id", INTENT_IDS)
def test_every_intent_has_a_chat_sized_answer(replies: Replies, intent_id: str, locale: str):
    text = replies.answer(intent_id, locale)
    assert isinstance(text, Html)
    assert text.strip()
    assert "{" not in text and "}" not in text
    limit = 600 if locale == "zh_CN" else 700
    assert len(text) <= limit, f"{intent_id} ({locale}) is {len(text)} characters"


def test_answers_greet_with_the_shop_name(replies: Replies, policy: ShopPolicy) -> None:
    for locale in LOCALES:
        assert policy.shop_name.get(locale) in replies.answer("greeting.hello", locale)
        assert policy.shop_name.get(locale) in replies.text("welcome", locale)


def test_locale_key_parity(locales_dir: Path) -> None:
    def flat(path: Path) -> set[str]:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        keys = set()
        for section, entries in raw.items():
            for key, value in entries.items():
                if isinstance(value, dict):
                    keys |= {f"{section}.{key}[{v}]" for v in value}
                else:
                    keys.add(f"{section}.{key}")
        return keys

    assert flat(locales_dir / "zh_CN.yaml") == flat(locales_dir / "en.yaml")


def test_missing_key_in_a_locale_names_file_and_key(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    _edit(target / "en.yaml", lambda raw: raw["ui"].pop("flood"))
    with pytest.raises(LocaleError) as err:
        Replies(policy, target)
    assert "en.yaml" in str(err.value)
    assert "ui.flood" in str(err.value)


def test_extra_key_in_a_locale_is_refused(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    _edit(target / "en.yaml", lambda raw: raw["ui"].update({"surprise": "hi"}))
    with pytest.raises(LocaleError, match=r"en\.yaml.*ui\.surprise"):
        Replies(policy, target)


def test_placeholder_mismatch_names_file_and_key(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    _edit(
        target / "en.yaml",
        lambda raw: raw["ui"].update({"ticket.no_desk": "Ticket {ticket} {when}"}),
    )
    with pytest.raises(LocaleError) as err:
        Replies(policy, target)
    message = str(err.value)
    assert "en.yaml" in message and "ui.ticket.no_desk" in message and "ticket_no" in message


def test_unknown_answer_placeholder_is_refused(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    for name in ("zh_CN.yaml", "en.yaml"):
        _edit(target / name, lambda raw: raw["answers"].update({"size.fit": "{discount_now}"}))
    with pytest.raises(LocaleError, match=r"answers\.size\.fit.*discount_now"):
        Replies(policy, target)


def test_broken_html_in_a_template_is_refused(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    _edit(target / "en.yaml", lambda raw: raw["ui"].update({"flood": "<b>slow down"}))
    with pytest.raises(LocaleError, match=r"en\.yaml.*ui\.flood.*never closed"):
        Replies(policy, target)


def test_missing_default_locale_is_refused(tmp_path: Path, policy: ShopPolicy) -> None:
    (tmp_path / "en.yaml").write_text("answers: {}\nparts: {}\nui: {}\n", encoding="utf-8")
    with pytest.raises(LocaleError, match=r"zh_CN\.yaml"):
        Replies(policy, tmp_path)


def test_locale_without_policy_texts_is_refused(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    target = _copy_locales(locales_dir, tmp_path)
    shutil.copy(target / "en.yaml", target / "ja.yaml")
    with pytest.raises(LocaleError, match=r"shop_name.*'ja'"):
        Replies(policy, target)


# ── locale choice ───────────────────────────────────────────────────────────────────────────


@pytest.mark.parametrize(
    ("code", "locale"),
    [
        ("zh", "zh_CN"),
        ("zh-hans", "zh_CN"),
        ("zh-CN", "zh_CN"),
        ("zh-TW", "zh_CN"),
        ("en", "en"),
        ("en-US", "en"),
        ("EN-gb", "en"),
        ("fr", "zh_CN"),
        (None, "zh_CN"),
        ("", "zh_CN"),
    ],
)
def test_normalize_locale(replies: Replies, code: str | None, locale: str) -> None:
    assert replies.normalize_locale(code) == locale


def test_unknown_locale_falls_back_to_chinese(replies: Replies) -> None:
    assert replies.answer("greeting.hello", "de") == replies.answer("greeting.hello", "zh_CN")


# ── answers from the policy ─────────────────────────────────────────────────────────────────


def test_shipping_fee_depends_on_the_region(replies: Replies) -> None:
    general = replies.answer("shipping.fee", "zh_CN")
    assert "500" in general and "1,000" in general and "新疆" in general

    jiangsu = replies.answer("shipping.fee", "zh_CN", region="江苏")
    assert "江苏" in jiangsu and "500" in jiangsu and "1,000" not in jiangsu

    xinjiang = replies.answer("shipping.fee", "zh_CN", region="新疆")
    assert "偏远" in xinjiang and "10 元" in xinjiang

    hong_kong = replies.answer("shipping.fee", "en", region="香港")
    assert "Hong Kong" in hong_kong and "SF Express" in hong_kong and "freight collect" in hong_kong

    overseas = replies.answer("shipping.fee", "en", region="美国")
    assert "EMS" in overseas

    guangdong = replies.answer("shipping.fee", "en", region="广东")
    assert "Guangdong" in guangdong and "¥1,000" in guangdong


def test_size_recommend_asks_for_what_is_missing(replies: Replies) -> None:
    assert "身高" in replies.answer("size.recommend", "zh_CN")
    only_height = replies.answer("size.recommend", "zh_CN", height_cm=165)
    assert "165" in only_height and "体重" in only_height
    both = replies.answer("size.recommend", "en", height_cm=165, weight_kg=52.0)
    assert "165 cm" in both and "52 kg" in both and "Which item" in both


def test_no_cash_on_delivery(replies: Replies) -> None:
    assert "不支持货到付款" in replies.answer("payment.cod", "zh_CN")


def test_bargain_never_offers_an_improvised_discount(replies: Replies) -> None:
    text = replies.answer("bargain.discount", "zh_CN")
    assert "主管" in text and "5%" in text and "特价" in text


def test_return_address_is_the_shops(replies: Replies, policy: ShopPolicy) -> None:
    text = replies.answer("returns.address", "zh_CN")
    assert policy.returns.address.address.get("zh_CN") in text
    assert policy.returns.address.phone in text


def test_unknown_intent_is_a_clear_error(replies: Replies) -> None:
    with pytest.raises(KeyError, match=r"shipping\.teleport"):
        replies.answer("shipping.teleport", "zh_CN")


# ── UI strings ──────────────────────────────────────────────────────────────────────────────


def test_values_are_html_escaped(replies: Replies) -> None:
    text = replies.text("language.switched", "en", language="<i>x</i> & co")
    assert "&lt;i&gt;x&lt;/i&gt; &amp; co" in text
    assert "<i>" not in text


def test_templates_keep_their_own_markup(replies: Replies) -> None:
    text = replies.text("ticket.no_desk", "zh_CN", ticket_no="T<1>", when="soon")
    assert "<code>T&lt;1&gt;</code>" in text


def test_safe_html_is_not_escaped_twice(replies: Replies) -> None:
    inner = replies.text("order.delivery", "en", courier="ZTO", tracking_no="A&B")
    card = replies.text(
        "order.card",
        "en",
        order_no="KF20260001",
        state="shipped",
        items="",
        delivery=inner,
        times="",
    )
    assert "A&amp;B" in card and "&amp;amp;" not in card


def test_missing_value_is_a_clear_error(replies: Replies) -> None:
    with pytest.raises(KeyError, match=r"ui\.ticket\.no_desk.*ticket_no"):
        replies.text("ticket.no_desk", "en", when="now")


def test_unknown_ui_key_is_a_clear_error(replies: Replies) -> None:
    with pytest.raises(KeyError, match=r"ui\.no_such_key"):
        replies.text("no_such_key", "en")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_ui_string_renders_with_its_placeholders(replies: Replies, locale: str) -> None:
    for key in replies.ui_keys:
        values = {name: f"<{name}>" for name in replies.placeholders(key)}
        text = replies.text(key, locale, **values)
        for name in values:
            assert f"&lt;{name}&gt;" in text, (key, name)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_exchange_refusal_is_worded(replies: Replies, locale: str) -> None:
    seen = set()
    for code in EXCHANGE_REASONS:
        text = replies.exchange_refused(code, locale)
        assert code not in text
        seen.add(text)
    assert len(seen) == len(EXCHANGE_REASONS)


def test_refusal_lists_every_reason_and_offers_a_person(replies: Replies) -> None:
    text = replies.exchange_refused(["window_expired", "out_of_stock"], "zh_CN")
    assert "48 小时" in text and "没货" in text and "人工客服" in text
    odd = replies.exchange_refused(["mystery_code"], "en")
    assert "mystery_code" not in odd and "colleague" in odd


def test_exchange_quote_and_created(replies: Replies, policy: ShopPolicy) -> None:
    deadline = datetime(2026, 3, 5, 4, 0, tzinfo=UTC)
    quote = replies.exchange_quote(
        "zh_CN",
        item="卫衣 M/黑色",
        new_variant="L/黑色",
        postage_payer="customer",
        deadline=deadline,
    )
    assert "来回运费由您承担" in quote
    assert "2026年3月5日 12:00" in quote  # shown in shop time
    assert policy.returns.address.address.get("zh_CN") in quote
    no_deadline = replies.exchange_quote(
        "en", item="Hoodie", new_variant="L", postage_payer="seller"
    )
    assert "we pay the postage" in no_deadline and "confirm by" not in no_deadline
    created = replies.exchange_created("en", rma_no="RMA-0001", postage_payer="customer")
    assert "<code>RMA-0001</code>" in created and "both ways" in created


def test_order_card_states_items_courier_and_times(replies: Replies) -> None:
    order = OrderView(
        order_no="KF20260001",
        state="shipped",
        items=[
            OrderItemView(
                title="卫衣 <新款>", size="M", color="黑色", quantity=2, price_yuan=Decimal("129.5")
            )
        ],
        courier="中通快递",
        tracking_no="ZT123",
        created_at=datetime(2026, 3, 1, 2, 0, tzinfo=UTC),
        shipped_at=datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    )
    card = replies.order_card(order, "zh_CN")
    assert "KF20260001" in card and "已发货" in card
    assert "卫衣 &lt;新款&gt;" in card and "129.50 元" in card
    assert "<code>ZT123</code>" in card
    assert "2026年3月1日 10:00" in card and "2026年3月2日 14:00" in card
    assert "\n\n" not in card
    listing = replies.order_list([order], "en")
    assert "KF20260001" in listing and "¥259" in listing
    assert replies.order_list([], "en") == replies.text("order.list.empty", "en")


def test_an_unpaid_orders_card_says_when_it_closes_unpaid(replies: Replies) -> None:
    """ "how long do I have to pay?" showed the card without the answer: it says the time the
    order closes by itself, unpaid (created + the policy's hours)."""
    item = OrderItemView(title="卫衣", size="M", color="黑色", quantity=1, price_yuan=Decimal(99))
    created = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    unpaid = OrderView(order_no="KF20260004", state="awaiting_payment", items=[item],
                       created_at=created)
    hours = replies.policy.orders.unpaid_close_hours
    closes = replies.format_datetime(created + timedelta(hours=hours), "en")
    assert replies.text("order.expected.pay_by", "en", time=closes) in replies.order_card(
        unpaid, "en"
    )
    paid = unpaid.model_copy(update={"state": "paid", "paid_at": created})
    assert "Pay by" not in replies.order_card(paid, "en")


def test_closed_order_never_promises_a_tracking_number(replies: Replies) -> None:
    item = OrderItemView(title="卫衣", size="M", color="黑色", quantity=1, price_yuan=Decimal(99))
    created = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
    closed = OrderView(order_no="KF20260002", state="closed", items=[item], created_at=created)
    paid = OrderView(order_no="KF20260003", state="paid", items=[item], created_at=created)
    assert replies.text("order.delivery_closed", "zh_CN") in replies.order_card(closed, "zh_CN")
    assert replies.text("order.delivery_pending", "zh_CN") not in replies.order_card(
        closed, "zh_CN"
    )
    assert replies.text("order.delivery_pending", "en") in replies.order_card(paid, "en")


@pytest.mark.parametrize("locale", LOCALES)
def test_all_five_order_states_have_words(replies: Replies, locale: str) -> None:
    words = {
        replies.order_state(s, locale)
        for s in ("awaiting_payment", "paid", "shipped", "completed", "closed")
    }
    assert len(words) == 5


def test_ticket_reply_time_follows_service_hours(replies: Replies) -> None:
    # without the agents' desk: when the shop's staff will see the ticket, never "here"
    during = replies.ticket_recorded("T-7", datetime(2026, 3, 4, 15, 0, tzinfo=SHANGHAI), "zh_CN")
    assert "T-7" in during and "现在是服务时间" in during and "我会把回复转到这里" in during
    early = replies.ticket_recorded("T-7", datetime(2026, 3, 4, 7, 0, tzinfo=SHANGHAI), "en")
    assert "9:00 today" in early and "I'll pass it on to you here" in early
    late = replies.ticket_recorded("T-7", datetime(2026, 3, 4, 23, 0, tzinfo=SHANGHAI), "zh_CN")
    assert "明天 9:00" in late
    queued = replies.ticket_recorded(None, datetime(2026, 3, 4, 23, 0, tzinfo=SHANGHAI), "en")
    assert "tomorrow from 9:00" in queued and "I'll pass it on to you here" in queued
    # with the desk: when a person answers in the chat
    assert "明天 9:00" in replies.human_reply_time(datetime(2026, 3, 4, 23, 0, tzinfo=SHANGHAI),
                                                  "zh_CN")


def test_ticket_reply_after_a_weekend(replies: Replies, policy: ShopPolicy) -> None:
    hours = policy.service_hours.model_copy(update={"days": ["mon", "tue", "wed", "thu", "fri"]})
    weekdays = Replies(policy.model_copy(update={"service_hours": hours}))
    saturday = datetime(2026, 3, 7, 10, 0, tzinfo=SHANGHAI)
    text = weekdays.ticket_recorded("T-8", saturday, "en")
    assert "Monday, 9 March" in text and "9:00" in text
    assert "Monday to Friday" in weekdays.answer("human.agent", "en")


def test_money_and_dates(replies: Replies) -> None:
    assert replies.format_money(Decimal("1000"), "zh_CN") == "1,000 元"
    assert replies.format_money(1234.5, "en") == "¥1,234.50"
    moment = datetime(2026, 12, 31, 16, 5, tzinfo=UTC)  # 1 January 2027, 00:05 in Shanghai
    assert replies.format_datetime(moment, "zh_CN") == "2027年1月1日 0:05"
    assert replies.format_datetime(moment, "en") == "1 January 2027, 0:05"


def test_no_template_leaks_a_placeholder(replies: Replies) -> None:
    for locale in LOCALES:
        for key in replies.ui_keys:
            values = {name: "v" for name in replies.placeholders(key)}
            assert not re.search(r"\{\w+\}", replies.text(key, locale, **values)), key


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("你好", "zh"), ("T恤有XL吗", "zh"), ("KF26200341 这单到哪了", "zh"),
        ("hi, where is my parcel?", "en"), ("the jeans", "en"),
        ("thanks so much for your help", "en"),
        # typed the same in a chat of any language: the chat's language stays
        ("ok thanks", None), ("yes please", None), ("thank you", None),
        ("KF26980953 last four 5280", "en"),
        ("KF26980953 5280", None), ("M码", None), ("hello", None), ("asdkjh qwe", None),
        # an English sentence around a Chinese address: a mix, the chat's language stays
        ("can you send it to my office instead? 上海市浦东新区张江路88号 8楼", None),
        ("我的order还没ship吗", "zh"), ("我想问一下这件有没有size M", "zh"),
        ("", None),
    ],
)  # fmt: skip
def test_the_language_a_message_is_plainly_written_in(text: str, language: str | None) -> None:
    assert written_language(text) == language


@pytest.mark.parametrize(
    ("stored", "en", "zh"),
    [
        ("中通", "ZTO Express", "中通快递"), ("顺丰", "SF Express", "顺丰速运"),
        ("EMS", "China Post EMS", "邮政 EMS"), ("sf express", "SF Express", "顺丰速运"),
        ("圆通", "圆通", "圆通"),  # not one of the policy's couriers: as the shop wrote it
    ],
)  # fmt: skip
def test_an_orders_courier_in_the_customers_language(stored: str, en: str, zh: str) -> None:
    replies = Replies(load_policy())
    assert (replies.courier_name(stored, "en"), replies.courier_name(stored, "zh_CN")) == (en, zh)


def test_an_answer_asking_for_the_order_ends_as_what_follows(
    tmp_path: Path, policy: ShopPolicy, locales_dir: Path
) -> None:
    """The return and exchange rules end asking for the order number, pointing at the
    customer's own list below (it follows at once), or with nothing (the order is known)."""
    replies = Replies(policy, locales_dir)
    for locale in ("zh_CN", "en"):
        for intent, kind in (("returns.exchange", None), ("returns.exchange", "proxy"),
                             ("returns.return", None), ("returns.return", "regular")):
            number = replies.answer(intent, locale, item_kind=kind)
            listed = replies.answer(intent, locale, item_kind=kind, order_ask="list")
            none = replies.answer(intent, locale, item_kind=kind, order_ask="none")
            *rules, ask = number.split("\n")
            assert ("订单号" if locale == "zh_CN" else "order number") in ask
            assert listed.split("\n")[:-1] == rules and listed.split("\n")[-1] != ask
            assert ("下面" if locale == "zh_CN" else "below") in listed.split("\n")[-1]
            assert none == "\n".join(rules)
    # an answer without the ask is the same whatever follows
    assert replies.answer("returns.return", "en", item_kind="custom", order_ask="list") == (
        replies.answer("returns.return", "en", item_kind="custom")
    )
    # a template that ends with {order_ask} needs its two endings in the locale
    target = _copy_locales(locales_dir, tmp_path)
    for name in ("zh_CN.yaml", "en.yaml"):
        _edit(target / name, lambda raw: raw["answers"].update({"size.fit": "{order_ask}"}))
    with pytest.raises(LocaleError, match=r"answers\.size\.fit.*order_ask\.number\.size\.fit"):
        Replies(policy, target)


@pytest.mark.parametrize(
    ("text", "language", "sentence"),
    [
        # names, places and products of a language in a chat of the other: no sentence of it
        ("oops typo, its 西湖区 not 西胡区", "zh", False), ("浙江省杭州市余杭区", "zh", False),
        ("羽绒服", "zh", False), ("谢谢", "zh", False),
        ("Oversized Hoodie in Grey", "en", False), ("the Denim Jacket", "en", False),
        ("Nike Air Force 1", "en", False),
        # a sentence of it
        ("ok 那什么时候到啊", "zh", True), ("到了吗", "zh", True), ("还没发货", "zh", True),
        ("is the hoodie in stock", "en", True), ("where's my order", "en", True),
        ("can u send it today", "en", True),
        # a job asked alone, in so many words
        ("确认退货", "zh", True), ("退货已经寄出了 顺丰单号SF1234567890", "zh", True),
        ("what's the 退货地址?", "zh", False), ("Confirm the return", "en", True),
    ],
)  # fmt: skip
def test_a_sentence_of_a_language_not_only_its_names(
    text: str, language: str, sentence: bool
) -> None:
    assert writes_a_sentence_in(text, language) is sentence


@pytest.mark.parametrize(
    ("intent_id", "kwargs"),
    [
        ("shipping.courier", {}),
        ("shipping.courier", {"couriers": frozenset({"sf"})}),
        ("shipping.fee", {"region": "新疆"}),
        ("shipping.region", {"region": "浙江"}),
        ("payment.methods", {"payments": frozenset({"paypal"})}),
        ("size.recommend", {"height_cm": 165, "weight_kg": 52.0}),
        ("size.recommend", {"height_cm": 180}),
        ("returns.return", {"item_kind": "custom"}),
        ("returns.return", {"order_ask": "none"}),
    ],
)  # fmt: skip
def test_an_answer_rendered_once_is_the_answer_rendered_anew(
    policy: ShopPolicy, locales_dir: Path, intent_id: str, kwargs: dict[str, object]
) -> None:
    """Rendered answers are kept by their arguments: what is kept is exactly what would be
    rendered, and other arguments (another slot, another locale) are not given a kept one."""
    replies = Replies(policy, locales_dir)
    for locale in ("zh-hans", "en"):
        first = replies.answer(intent_id, locale, **kwargs)  # type: ignore[arg-type]
        assert first == Replies.answer.__wrapped__(replies, intent_id, locale, **kwargs)  # type: ignore[arg-type]
        assert replies.answer(intent_id, locale, **kwargs) is first  # type: ignore[arg-type]
    assert replies.answer(intent_id, "en", **kwargs) != replies.answer(  # type: ignore[arg-type]
        intent_id, "zh-hans", **kwargs  # type: ignore[arg-type]
    )
    bare = replies.answer("size.recommend", "en")
    assert replies.answer("size.recommend", "en", height_cm=170) != bare


def test_kept_answers_are_bounded(policy: ShopPolicy, locales_dir: Path) -> None:
    replies = Replies(policy, locales_dir)
    for n in range(render.ANSWERS_KEPT + 10):
        replies.answer("order.status", "en", order_no=f"KF{n:08d}")
    assert 0 < len(replies._answers) <= render.ANSWERS_KEPT
