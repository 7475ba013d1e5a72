"""A new address typed in English is shown back as the customer wrote it: its city kept and the
province in English ("Jiangsu Nanjing Gulou District", not "江苏 Gulou District")."""

from __future__ import annotations

from tests.support.bot import Harness
from tests.support.views import order_view
from tests.support.worker import PHONE, ScriptedWorker


async def test_the_new_address_read_back_in_english_keeps_the_city() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    await harness.share_contact(PHONE)
    answers = await harness.say("I need to change the delivery address", language="en")
    assert answers[-1] == harness.t("address.ask_new", "en")
    [shown] = await harness.say(
        "Li Na, 13812345678, 1 Zhongshan Road, Gulou District, Nanjing, Jiangsu", language="en"
    )
    assert shown == harness.t(
        "address.parsed",
        "en",
        name="Li Na",
        phone="138****5678",  # masked as the order's own receiver is
        region="Jiangsu Nanjing Gulou District",
        street="1 Zhongshan Road",
    )
