"""Slot extraction from customer-style text."""

import pytest

from intents.slots import Slots, chinese_numerals_to_digits, extract_slots


@pytest.mark.parametrize(
    ("text", "height"),
    [
        ("我160", None),
        ("身高160", 160),
        ("160cm", 160),
        ("1米6", 160),
        ("1.6m", 160),
        ("一米六", 160),
        ("一米六五", 165),
        ("1米72的个子", 172),
        ("5'6\" 120 lbs", 168),
    ],
)
def test_height_forms(text, height):
    assert extract_slots(text).height_cm == height


@pytest.mark.parametrize(
    ("text", "weight"),
    [
        ("50kg", 50.0),
        ("100斤", 50.0),
        ("一百斤", 50.0),
        ("一百二十斤", 60.0),
        ("一百二斤", 60.0),
        ("110 lb", 49.9),
        ("体重55公斤", 55.0),
        ("体重130", 65.0),
    ],
)
def test_weight_forms(text, weight):
    assert extract_slots(text).weight_kg == weight


def test_height_and_weight_without_units_in_a_size_question():
    s = extract_slots("亲 160 100斤穿什么码")
    assert (s.height_cm, s.weight_kg) == (160, 50.0)
    s = extract_slots("帮我选个码 172 140")
    assert (s.height_cm, s.weight_kg) == (172, 70.0)


def test_numbers_without_size_context_are_not_read_as_body_measurements():
    s = extract_slots("这个160块包邮吗")
    assert s.height_cm is None and s.weight_kg is None


@pytest.mark.parametrize(
    ("text", "order_no"),
    [
        ("KF20260001到哪了", "KF20260001"),
        ("kf 2026 0001", "KF20260001"),
        ("订单号：ＫＦ２０２６００４２", "KF20260042"),
        ("KF2026000", None),
        ("KF202600011", None),
    ],
)
def test_order_number(text, order_no):
    assert extract_slots(text).order_no == order_no


def test_phone_last_four():
    assert extract_slots("手机尾号1234").phone_last4 == "1234"
    assert extract_slots("last four 5678 please").phone_last4 == "5678"
    assert extract_slots("后四位是 0099").phone_last4 == "0099"


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("穿M码", "M"),
        ("xxl有吗", "XXL"),
        ("3XL", "XXXL"),
        ("均码吗", "FREE"),
        ("平时穿38码", "38"),
        ("size 41", "41"),
        ("I'm fine", None),
        ("1.6m", None),
    ],
)
def test_size_labels(text, size):
    assert extract_slots(text).size == size


@pytest.mark.parametrize(
    ("text", "color"),
    [
        ("要黑色的", "黑色"),
        ("白的好看", "白色"),
        ("酒红还有吗", "酒红色"),
        ("in navy please", "藏青色"),
        ("grey one", "灰色"),
        # two English words: the light one, not plain blue
        ("could i get it in light blue instead", "浅蓝色"),
        ("the sky-blue one in M", "浅蓝色"),
        ("dark grey if you have it", "深灰色"),
        ("我明白了", None),
        ("黑店", None),
    ],
)
def test_colours_are_canonical(text, color):
    assert extract_slots(text).color == color


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("寄新疆多少钱", "新疆"),
        ("发到杭州", "浙江"),
        ("能寄香港吗", "香港"),
        ("do you ship to Taiwan", "台湾"),
        ("我在美国", "海外"),
        ("黑龙江能到吗", "黑龙江"),
    ],
)
def test_regions(text, region):
    assert extract_slots(text).region == region


def test_quantity_and_fit():
    assert extract_slots("买两件包邮吗").quantity == 2
    assert extract_slots("要3个").quantity == 3
    assert extract_slots("换一件").quantity is None
    assert extract_slots("want two pieces").quantity == 2
    assert extract_slots("喜欢宽松一点").fit == "loose"
    assert extract_slots("修身款").fit == "tight"
    assert extract_slots("合身就行").fit == "regular"


def test_chinese_numerals():
    assert chinese_numerals_to_digits("一百二十斤") == "120斤"
    assert chinese_numerals_to_digits("一米六五") == "1米65"
    assert chinese_numerals_to_digits("十五") == "15"
    assert chinese_numerals_to_digits("三千五") == "3500"
    # 零 after a unit: the next digit is ones, not the colloquial tens (一百零五 is 105, not 150)
    assert chinese_numerals_to_digits("一百零五斤") == "105斤"
    assert chinese_numerals_to_digits("两百零八") == "208"
    assert chinese_numerals_to_digits("一千零五十") == "1050"


def test_a_weight_in_chinese_numerals_with_a_zero_is_read() -> None:
    """The bot's own example ("一米六五 一百零四斤") was read as a height without a weight, and
    the size advice asked for the weight again and again."""
    slots = extract_slots("我一米六二 一百零五斤 平时穿M")
    assert (slots.height_cm, slots.weight_kg) == (162, 52.5)
    assert extract_slots("一米六五 一百零四斤").weight_kg == 52.0


def test_empty_text_gives_empty_slots():
    assert extract_slots("") == Slots()
    assert extract_slots("🙂🙂") == Slots()


@pytest.mark.parametrize(
    ("text", "order_no", "last4"),
    [
        ("KF20260001 0008", "KF20260001", "0008"),
        ("ｋｆ２０２６０００１", "KF20260001", None),
        ("kf 2026 0001 尾号0008", "KF20260001", "0008"),
        ("0008", None, "0008"),
        ("尾号 5678", None, "5678"),
        ("KF20260001", "KF20260001", None),
    ],
)
def test_order_number_and_an_answered_last_four(text, order_no, last4):
    from intents.slots import answered_last4, order_number

    assert order_number(text) == order_no
    assert answered_last4(text) == last4  # never digits of the order number


@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("I wear 41, should I order 42?", "41"),
        ("41的脚穿42可以吗", "41"),
        ("平时穿37 这款要拍38吗", "37"),
        ("38可以吗", "38"),
        ("41?", "41"),
    ],
)
def test_shoe_sizes_are_sizes_never_weights_or_quantities(text, size):
    s = extract_slots(text)
    assert s.size == size
    assert s.weight_kg is None and s.quantity is None and s.height_cm is None


@pytest.mark.parametrize(
    ("text", "height", "weight"),
    [
        ("175/140", 175, 70.0),
        ("160 45", 160, 45.0),
        ("155 45 穿什么码", 155, 45.0),
        ("170,130斤", 170, 65.0),
        ("180 75kg", 180, 75.0),
    ],
)
def test_two_bare_numbers_are_a_height_and_a_weight(text, height, weight):
    s = extract_slots(text)
    assert (s.height_cm, s.weight_kg) == (height, weight)


def test_a_verb_led_number_is_a_quantity_only_when_small():
    assert extract_slots("买3件").quantity == 3
    assert extract_slots("order 2 pieces").quantity == 2
    assert extract_slots("I want to order 42").quantity is None
    assert extract_slots("拍38码").quantity is None


def test_slot_text_blanks_the_slot_values():
    from intents.slots import slot_text

    assert slot_text("XL行不").strip() == "行不"
    assert "beijing" not in slot_text("What about Beijing?")


@pytest.mark.parametrize(
    ("text", "last4"),
    [
        ("I want to return my order KF26961705 5280", "5280"),
        ("KF26961705，5280 这单我要退货", "5280"),
        ("KF26961705 尾号1234", "1234"),
        ("KF26961705 2026年买的", None),  # a year, not the digits
        ("KF26961705 1999元那件", None),  # a price
        ("KF26961705 想退货", None),
    ],
)
def test_four_digits_right_after_the_order_number_are_its_last_four(text, last4):
    slots = extract_slots(text)
    assert slots.order_no == "KF26961705"
    assert slots.phone_last4 == last4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # numbers written in Chinese are read as digits before the number patterns run
        ("一米七 一百二十斤穿什么码", {"height_cm": 170, "weight_kg": 60.0}),
        ("买两件包邮吗", {"quantity": 2}),
        # no digit at all: only the slots that need none
        ("XL行不", {"size": "XL"}),
        ("黑色的呢", {"color": "黑色"}),
        ("发什么快递", {}),
    ],
)
def test_texts_with_and_without_digits(text: str, expected: dict[str, object]) -> None:
    assert extract_slots(text).model_dump(exclude_none=True) == expected


@pytest.mark.parametrize(
    ("text", "waist", "hip"),
    [
        ("腰围2尺2穿什么码", 73.3, None),  # 尺: 1 尺 = 10 寸 = 33.3 cm
        ("二尺一的腰穿什么码", 70.0, None),
        ("我腰围74 臀围96 牛仔裤穿哪个码", 74.0, 96.0),
        ("腰围28寸", 71.1, None),  # a jeans size in inches
        ("waist 29 inches, hips 38", 73.7, 96.5),
        ('I have a 30" waist', 76.2, None),
        ("臀围 100cm", None, 100.0),
        ("2尺3", 76.7, None),
    ],
)
def test_waist_and_hip(text, waist, hip):
    slots = extract_slots(text)
    assert (slots.waist_cm, slots.hip_cm) == (waist, hip)


def test_a_waist_or_hip_is_never_a_height_or_weight():
    # "腰围74 臀围96 穿哪个码" was read as a weight of 74 kg
    slots = extract_slots("我腰围74 臀围96 牛仔裤穿哪个码")
    assert slots.weight_kg is None and slots.height_cm is None
    assert extract_slots("臀围 100cm").height_cm is None
    both = extract_slots("165 55公斤 腰围70")
    assert (both.height_cm, both.weight_kg, both.waist_cm) == (165, 55.0, 70.0)


def test_region_and_colour_words_are_found_as_one_plain_alternation_finds_them():
    # the guarded, split alternation (_words_pattern) is a speed-up only: the same match, at
    # the same place, as the words tried longest first
    import json
    import re
    from pathlib import Path

    from intents import slots

    def plain(words: dict[str, str], *more: str) -> re.Pattern[str]:
        return re.compile("|".join(
            [rf"(?<![a-z]){re.escape(w)}(?![a-z])" if w.isascii() else re.escape(w)
             for w in sorted(words, key=len, reverse=True)] + list(more)
        ))

    data = Path(__file__).resolve().parents[2] / "data"
    texts = [
        slots._prepared(json.loads(line)["text"])
        for path in sorted(data.glob("intents_*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    texts += list(slots._REGION_ALIASES) + list(slots._COLOR_WORDS)
    texts += ["hong kong", "shanghaixyz", "xred", "red-ish", "黑的", "white.", "白天"]
    single = r"([黑白红蓝绿黄灰粉紫棕])(?=[的款个件码]|$|\s)"
    cases = (
        (plain(slots._REGION_ALIASES), slots._REGION_RE),
        (plain(slots._COLOR_WORDS, single), slots._COLOR_RE),
    )
    for reference, pattern in cases:
        for text in texts:
            a, b = reference.search(text), pattern.search(text)
            assert (a and (a.span(), a.groups())) == (b and (b.span(), b.groups())), text


@pytest.mark.parametrize(
    ("text", "spend"),
    [
        ("下单满八百包邮不", 800),
        ("我买了一千二的东西", 1200),
        ("380块钱的能包邮么", 380),
        ("¥460 free shipping?", 460),
        ("if i spend 720 rmb", 720),
        # two orders said to count together are added up; otherwise the last amount counts
        ("前天买了200 今天又拍了350", 550),
        ("orders of 120 and 400 together", 520),
        ("以前买过100 这次想买900", 900),
        # numbers that are something else
        ("买两件", None),
        ("身高170 体重120斤", None),
        ("KF26200341 尾号5280", None),
        ("穿40码的鞋", None),
        ("3天能到吗", None),
    ],
)
def test_how_much_the_customer_spends(text, spend):
    assert extract_slots(text).spend_yuan == spend, text


@pytest.mark.parametrize(
    ("text", "height", "weight"),
    [
        # session 14: "胸围92" was read as a weight of 46 kg
        ("我胸围92 腰围72 连衣裙穿什么码", None, None),
        ("胸围 88cm 身高160 体重100斤", 160, 50.0),
        ("bust 34 inches, 165cm 55kg", 165, 55.0),
        ("i have a 90cm chest and weigh 60kg", None, 60.0),
        ("肩宽40 170 130斤", 170, 65.0),
    ],
)
def test_a_bust_chest_or_shoulder_measure_is_no_height_or_weight(text, height, weight):
    slots = extract_slots(text)
    assert (slots.height_cm, slots.weight_kg) == (height, weight)


@pytest.mark.parametrize(
    ("text", "bust"),
    [
        ("我胸围92 腰围72 连衣裙穿什么码", 92.0),
        ("胸围 88cm 身高160 体重100斤", 88.0),
        ("bust 34 inches, 165cm 55kg", 86.4),
        ("my bust is 36, which size?", 91.4),  # a bare 36 beside "bust": inches, no shoe size
        ("what size tee for a 34 inch bust", 86.4),
        ("i have a 90cm chest and weigh 60kg", 90.0),
        ("上胸围86 下胸围72", 86.0),  # the underbust is not the bust
        ("下胸围72 穿什么码", None),
        ("肩宽40 170 130斤", None),  # the shoulders are no bust
        ("胸围300", None),  # no body
        ("我穿38码 胸有点大", None),
    ],
)
def test_a_bust_or_chest_the_customer_measured(text, bust):
    assert extract_slots(text).bust_cm == bust, text
