"""The one reader of "a person or a call asked for" (``intents.person``), shared by the engine
and the bot."""

import pytest

from intents.person import mentions_person, person_asked

from .conftest import full_engine


@pytest.mark.parametrize(
    ("text", "asked"),
    [
        ("说不清 帮我找个人工来处理", "person"),
        ("有没有人工啊", "person"),
        ("could I phone you guys instead", "call"),
        ("stop the auto replies and transfer me to staff", "person"),  # round 15
        ("can you put me on to a live agent", "person"),
        ("enough bot answers, put a real person on", "person"),  # round 17
        ("could you put someone on please", "person"),
        ("put it on my order please", None),  # nobody put on the chat
        # (session 14, batch 3: read as a hello)
        ("are you a bot? get me someone who can actually help", "person"),
        ("find me a real person please", "person"),
        ("get me the jeans in XL", None),
        ("顺丰骑手的电话多少", None),  # the courier's line: about the parcel
        ("新地址 电话13900001111 杭州市", None),  # a contact, not a request
        ("这件有XL吗", None),
    ],
)
def test_the_bot_reads_a_person_or_a_call(text, asked):
    assert person_asked(text) == asked


@pytest.mark.parametrize(
    ("text", "mentioned"),
    [
        ("打电话一直占线", True),  # the engine weighs a grievance beside it itself
        ("顺丰骑手的电话多少", True),
        ("I just want a human", True),
        ("这件有XL吗", False),
    ],
)
def test_the_engine_reads_any_words_of_a_person_or_a_call(text, mentioned):
    assert mentions_person(text) is mentioned


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("are you a bot? get me someone who can actually help", "human.agent"),
        ("hello, get me someone who can actually help", "human.agent"),
        ("are you a bot?", "greeting.hello"),  # who answers, asked: not a request
        ("hello", "greeting.hello"),
    ],
)
def test_a_person_asked_beside_are_you_a_bot_is_the_handover(text, intent):
    assert full_engine().match(text).intent == intent
