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


async def test_the_request_around_the_address_stays_out_of_it() -> None:
    """Jobs batch 10 (session 20): "change the delivery address for my hoodie order to 500 …,
    receiver Zhou Lin, …" was read back with the request in the street and "receiver" in the
    name; then "sorry, not … Road. send it to my office instead, 1000 …, same receiver and
    phone" was "two names", and her yes after it wrote the first, wrong address."""
    harness = Harness(ScriptedWorker(order_view()).bus())
    await harness.share_contact(PHONE)
    await harness.say("I need to change the delivery address", language="en")
    [shown] = await harness.say(
        "please change the address for my order to 500 Zhangyang Road, Pudong, Shanghai, "
        "receiver Zhou Lin, 13812345678",
        language="en",
    )
    first = dict(name="Zhou Lin", phone="138****5678", region="Shanghai")
    assert shown == harness.t("address.parsed", "en", street="500 Zhangyang Road, Pudong", **first)
    [shown] = await harness.say(
        "sorry, not Zhangyang Road. send it to my office instead, 1000 Lujiazui Ring Road, "
        "Pudong, Shanghai, same receiver and phone",
        language="en",
    )
    assert shown == harness.t(
        "address.parsed", "en", street="1000 Lujiazui Ring Road, Pudong", **first
    )


async def test_an_address_with_a_problem_at_the_read_back_voids_the_one_shown() -> None:
    harness = Harness(ScriptedWorker(order_view()).bus())
    await harness.share_contact(PHONE)
    await harness.say("我要改收货地址")
    await harness.say("上海市浦东新区张杨路500号 周林 13812345678")
    # another address, with two phones in it: asked which — the one shown is void
    [asked] = await harness.say("不对 换成上海市浦东新区陆家嘴环路1000号 13812345678 13900001111")
    assert asked == harness.t("address.problem.ambiguous_phone")
    replies = await harness.say("对")
    assert not any("张杨路500号" in reply for reply in replies)
