"""Colour difference, "did you mean…?", two misses, a person on request, complaints, and
photos/stickers/voice/documents — every escalation ends in a real ticket in the worker."""

from __future__ import annotations

from tests.support.bot import engine


async def test_colour_difference_asks_for_a_daylight_photo_and_the_photo_goes_to_the_ticket(
    stack,
) -> None:
    order = await stack.make_order(kind="custom", state="shipped")
    customer = stack.customer()
    await customer.shares_contact(order.phone)
    [answer] = await customer.says("收到的颜色跟图片不一样")
    causes = stack.answer(engine().match("收到的颜色跟图片不一样").intent)
    assert answer.text.startswith(causes)  # the causes
    assert "自然光" in answer.text  # the daylight photo
    assert order.order_no in answer.text and "定制" in answer.text  # their order's terms
    [kept] = await customer.sends_photo(caption="白天拍的")
    assert "保存" in kept.text
    [ticket] = await customer.presses(kept, "人工")
    assert "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "quality"
    assert [a["kind"] for a in saved.attachments] == ["photo"]
    assert saved.attachments[0]["caption"] == "白天拍的"
    assert any("颜色" in line["text"] for line in saved.transcript)


async def test_colour_difference_in_english(stack) -> None:
    customer = stack.customer(language_code="en")
    question = "is there any colour difference between the photos and the real thing?"
    [answer] = await customer.says(question)
    assert answer.text.startswith(stack.answer(engine().match(question).intent, "en"))
    # asked before buying: no photo of an item the customer doesn't have yet
    assert stack.t("color.ask_daylight_photo", "en") not in answer.text


async def test_whether_it_shows_through_is_answered_with_its_fabric_and_honestly(stack) -> None:
    """Found holding the console: "is it see through" got the colour-difference answer and a
    request for a daylight photo; the product pages record no sheerness."""
    customer = stack.customer(language_code="en")
    await customer.says("how do I wash the japanese cotton-linen shirt?")
    [sheer] = await customer.says("is it see through")
    assert "Japanese Cotton-linen Shirt" in sheer.text and "50% linen" in sheer.text
    # "linen" in its name names the shirt: no "Partly." verdict on a question of sheerness
    # (session 14), the composition says what it is made of
    [named] = await customer.says("is the japanese cotton-linen shirt see through in beige?")
    assert named.text.count("50% linen") == 1 and "Partly" not in named.text
    assert stack.shown(stack.t("products.sheer", "en")) in sheer.text
    assert sheer.button("Talk to a person")
    [zh] = await stack.customer().says("亚麻衬衫白色的透不透")
    assert stack.shown(stack.t("products.sheer")) in zh.text


UNCLEAR = [
    "我想换个尺码",
    "这个怎么弄",
    "尺码和颜色",
    "那个快递的事",
    "衣服的问题",
    "退还是换呢",
    "size and colour",
    "about my parcel",
    "价格和运费",
    "能换吗",
]


async def test_did_you_mean_offers_the_top_choices_and_a_choice_answers_it(stack) -> None:
    # Whatever the catalogue looks like today, some of these are too close to call.
    unclear = [p for p in UNCLEAR if engine().match(p).outcome == "clarify"]
    assert unclear, "no clarify outcome among the unclear phrases: update UNCLEAR"
    phrase = unclear[0]
    decision = engine().match(phrase)
    customer = stack.customer()
    [question] = await customer.says(phrase)
    assert "您是想问" in question.text
    titles = {i.id: i.title_zh for i in engine().catalog.intents}
    choices = [b.text for row in question.inline_buttons for b in row]
    expected = [titles[c.intent] for c in decision.candidates if c.intent != "other.unknown"]
    assert choices[: len(expected)] == expected
    assert choices[-1] == "都不是"
    # Choosing the first replays the question as that intent: an answer, not another question.
    replies = await customer.presses(question, expected[0])
    assert "您是想问" not in replies[0].text


async def test_did_you_mean_then_two_misses_offer_a_person_and_open_a_ticket(stack) -> None:
    customer = stack.customer()
    [rephrase] = await customer.says("asdkjh qwe")
    assert "换个说法" in rephrase.text
    [offer] = await customer.says("zzzz qqqq")
    assert offer.button("转人工")
    [ticket] = await customer.presses(offer, "转人工")
    assert "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "low_confidence"
    texts = [line["text"] for line in saved.transcript]
    assert "asdkjh qwe" in texts and "zzzz qqqq" in texts


async def test_asking_for_a_person_opens_one_ticket_with_the_conversation_en(stack) -> None:
    customer = stack.customer(language_code="en")
    await customer.says("when do you ship?")
    [ticket] = await customer.says("I want to talk to a real person")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in ticket.text and "I'll pass it on to you here" in ticket.text
    assert saved.reason == "customer_asked"
    assert saved.transcript[0]["text"] == "when do you ship?"
    assert saved.transcript[1]["role"] == "bot"


async def test_complaint_apologises_and_escalates(stack) -> None:
    customer = stack.customer()
    apology, ticket = await customer.says("我要投诉你们", replies=2)
    assert "抱歉" in apology.text
    assert "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "complaint"


async def test_quality_problem_collects_photos_for_the_agent(stack) -> None:
    customer = stack.customer()
    [answer] = await customer.says("收到的衣服破了个洞")
    assert "照片" in answer.text
    [ticket] = await customer.presses(answer, "人工")
    assert "工单" in ticket.text
    # After escalation, new evidence joins the open ticket.
    [kept] = await customer.sends_photo(caption="破洞")
    assert "保存" in kept.text
    [saved] = await stack.tickets(customer.user_id)  # refreshed before the reply was sent
    assert [a["caption"] for a in saved.attachments] == ["破洞"]


async def test_a_quality_problem_told_with_a_person_asked_for_opens_the_ticket(stack) -> None:
    """ "裤子有个洞 想找人工处理": the person is asked for, not waiting to be offered — the
    apology and the photos asked for the ticket, then the ticket itself; no button to press."""
    customer = stack.customer()
    apology, ticket = await customer.says("我收到的裤子有个洞 想找人工处理", replies=2)
    assert apology.text == stack.t("quality.problem_to_person") and not apology.inline_buttons
    assert "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert (saved.reason, saved.intent) == ("quality", "quality.problem")


async def test_compensation_instead_of_a_return_goes_to_a_person_with_the_photos(stack) -> None:
    """Found holding the console (session 14): "我不想退 能不能补偿点" after a fault and a photo
    started the return she had just declined. Compensation is a person's to grant: said
    plainly, and the ticket carries the photo."""
    customer = stack.customer()
    [_sorry] = await customer.says("我收到的裙子拉链坏了")
    [kept] = await customer.sends_photo(caption="拉链")
    assert await stack.tickets(customer.user_id) == []  # kept for a ticket, none yet
    said, ticket = await customer.says("我不想退 能不能补偿点", replies=2)
    assert said.text == stack.t("compensation.to_person") and "工单" in ticket.text
    [saved] = await stack.tickets(customer.user_id)
    assert saved.reason == "quality" and [a["caption"] for a in saved.attachments] == ["拉链"]
    assert kept.text
    # in English, the return declined in the same message, no fault told before
    english = stack.customer(language_code="en")
    said_en, _ticket = await english.says(
        "can i just keep the jeans and get a partial refund instead of returning them?", replies=2
    )
    assert said_en.text == stack.t("compensation.to_person", "en")
    [saved_en] = await stack.tickets(english.user_id)
    assert saved_en.reason == "discount"
    # haggling before buying is not this: the bargain answer, no ticket
    shopper = stack.customer()
    [bargain] = await shopper.says("能不能便宜点")
    assert bargain.text != stack.t("compensation.to_person")
    assert await stack.tickets(shopper.user_id) == []


async def test_a_person_asked_for_in_so_many_words_beside_a_question_is_the_turn(stack):
    """ "我要找人工 我的订单一直没发货": the engine is sure it is about the order, but the
    customer asked for a person — the ticket (with what it was about, for the agent), not the
    order number asked for. Declined ("不用转人工"), it is not a request."""
    customer = stack.customer()
    [ticket] = await customer.says("我要找人工 我的订单一直没发货")
    [saved] = await stack.tickets(customer.user_id)
    assert saved.ticket_no in ticket.text and "我会把回复转到这里" in ticket.text
    assert (saved.reason, saved.intent) == ("customer_asked", "order.status")
    english = stack.customer(language_code="en")
    [ticket_en] = await english.says(
        "I want to talk to a real person, my order still hasn't shipped"
    )
    [saved_en] = await stack.tickets(english.user_id)
    assert saved_en.ticket_no in ticket_en.text and "I'll pass it on to you here" in ticket_en.text
    declined = stack.customer()
    [answer] = await declined.says("不用转人工 你直接告诉我付款后几天发货")
    assert answer.text == stack.answer("shipping.dispatch_time")
    assert await stack.tickets(declined.user_id) == []


async def test_someone_wanted_to_look_into_it_is_a_person_asked_for_en(stack) -> None:
    """Jobs batch 5: "my blazer has been stuck in transit forever, i want a person to look into
    it" was "did you mean…?" (the engine unsure between the order and a fault), and no
    ticket: she asked for a person in so many words."""
    english = stack.customer(language_code="en")
    [ticket] = await english.says(
        "the coat is taking ages to arrive, can i have someone look into it please"
    )
    [saved] = await stack.tickets(english.user_id)
    assert saved.reason == "customer_asked"
    assert saved.ticket_no in ticket.text and "I'll pass it on to you here" in ticket.text


async def test_stickers_voice_and_documents_get_polite_answers(stack) -> None:
    customer = stack.customer()
    stack.fake.user_sends_sticker(user_id=customer.user_id)
    [sticker] = await customer.replies()
    assert "表情" in sticker.text
    stack.fake.user_sends_voice(user_id=customer.user_id)
    [voice] = await customer.replies()
    assert "语音" in voice.text
    stack.fake.user_sends_document(user_id=customer.user_id)
    [document] = await customer.replies()
    assert "文件" in document.text


async def test_flood_control_warns_once_then_drops(stack) -> None:
    customer = stack.customer()
    for i in range(40):
        stack.fake.user_says(f"你好{i}", user_id=customer.user_id)
    replies = await customer.replies(31)  # 30 answers, then one "slow down"
    assert "稍等" in replies[-1].text
    assert not any("稍等" in r.text for r in replies[:-1])
    await customer.hears_nothing_more()


async def test_a_phone_call_asked_for_at_the_order_number_wait_goes_to_a_person(stack) -> None:
    """Found holding the console: "能给个电话吗 打字说不清楚" while the bot waited for an order
    number heard "please send your order number" again. The wait ends: no number to give (the
    shop's policy has none), and a ticket an agent sees."""
    customer = stack.customer()
    [ask] = await customer.says("我的快递到哪了")
    assert ask.text == stack.t("ask.order_no")
    no_call, ticket = await customer.says("能给个电话吗 打字说不清楚", replies=2)
    assert no_call.text == stack.t("person.no_call.no_desk")
    [saved] = await stack.tickets(customer.user_id)
    assert (saved.reason, saved.intent) == ("customer_asked", "human.agent")
    assert saved.ticket_no in ticket.text
    assert any("电话" in line["text"] for line in saved.transcript)
    await customer.hears_nothing_more()
