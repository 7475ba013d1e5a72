"""Normalisation: one pipeline for catalogue text and customer text."""

from intents.normalize import MAX_CHARS, core, normalize, prepare, stem


def test_full_width_becomes_half_width():
    assert prepare("ＫＦ２０２６０００１　ＸＬ") == "kf20260001 xl"


def test_traditional_becomes_simplified():
    assert normalize("請問這個會褪色嗎") == normalize("请问这个会褪色吗")
    assert "尺码" in normalize("尺碼偏大還是偏小")


def test_case_folding_and_punctuation_and_emoji_are_stripped():
    assert normalize("When will it SHIP???!! 😭😭") == "when will it ship"
    assert normalize("发货了吗？？？🙏🙏") == "发货了吗"


def test_repeated_characters_collapse_but_digits_do_not_merge():
    assert normalize("谢谢谢谢") == normalize("谢谢") == "谢"
    assert normalize("soooo good") == "soo good"
    # digit runs become one placeholder, so 100 and 160 look alike to the matcher
    assert normalize("160 100斤") == "0 0斤"


def test_fillers_are_dropped_in_core_form_only():
    assert normalize("亲 在吗") == "亲 在吗"
    assert core("亲～ 包邮吗呀") == "包邮"
    assert core("um pls ship it") == "ship it"


def test_light_stemming_makes_inflections_meet():
    assert stem("shipped") == stem("shipping") == stem("ships") == "ship"
    assert stem("sizes") == stem("size")
    assert stem("arrived") == stem("arrive")
    assert normalize("boxes") == "box"


def test_empty_and_symbol_only_text_normalise_to_empty():
    assert normalize("") == ""
    assert normalize("😀🎉✨") == ""
    assert core("哈哈哈 嗯嗯") == ""


def test_long_text_is_truncated():
    assert len(prepare("发" * (MAX_CHARS * 10))) == MAX_CHARS
