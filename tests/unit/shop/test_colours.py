"""Colour names in English: every colour a customer's words can name has one."""

from intents.slots import _COLOR_WORDS
from shop.colours import COLOUR_EN, colour_name


def test_every_colour_the_slots_read_has_an_english_name() -> None:
    assert set(_COLOR_WORDS.values()) <= set(COLOUR_EN)


def test_colour_names_by_locale() -> None:
    assert colour_name("酒红色", "en") == "burgundy"
    assert colour_name("酒红色", "zh_CN") == "酒红色"
    assert colour_name("星空紫", "en") == "星空紫"  # not in the table: as the shop wrote it
