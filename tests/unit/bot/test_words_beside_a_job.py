"""The bot's readers of words said beside a job (blind jobs batches 8 and 9, session 19): an item
named a message before "这个能换吗", the rest kept "the same" beside a yes, her own name for an
invoice's title, a size step said back, a refund wanted in so many words, a parcel asked while
a ticket waits. Every sentence is our own."""

from __future__ import annotations

import pytest

from bot.desk.customer import _WHERE_ASKED
from bot.flows.exchange import _one_step
from bot.flows.invoice import InvoiceDraft
from bot.flows.returns import wants_a_return
from bot.services.choices import with_item_before, yes_or_no
from bot.services.memory import ChatMemory
from bot.services.sizes import size_wish


@pytest.mark.parametrize(
    ("text", "before", "after"),
    [
        # "it" / "这个" after a message naming the item: that item goes with it
        ("这个能换吗", "连衣裙收到了 胸口那里太紧", "连衣裙收到了 胸口那里太紧 这个能换吗"),
        ("can i return it?", "the hoodie came today, way too baggy",
         "the hoodie came today, way too baggy can i return it?"),
        # the message names its own item, or points at nothing, or the one before names none
        ("这条裙子能换吗", "毛衣收到了", "这条裙子能换吗"),
        ("能换吗", "毛衣收到了", "能换吗"),
        ("这个能换吗", "你好 在吗", "这个能换吗"),
        ("这个能换吗", None, "这个能换吗"),
    ],
)
def test_the_item_of_the_message_before(text: str, before: str | None, after: str) -> None:
    assert with_item_before(text, before) == after


def test_the_message_before_is_hers_not_the_bots() -> None:
    memory = ChatMemory()
    memory.record("customer", "牛仔裤收到了 腰大了", 20)
    memory.record("bot", "您是想问下面哪一个？", 20)
    memory.record("customer", "这个能换吗", 20)
    assert memory.said_before() == "牛仔裤收到了 腰大了"
    assert ChatMemory().said_before() is None


@pytest.mark.parametrize(
    ("text", "yes"),
    [
        ("对 其他不变", True),
        ("是的 电话不变", True),
        ("对的 别的都一样", True),
        ("yes the rest is the same", True),
        ("不对 其他不变", False),
    ],
)
def test_a_yes_with_the_rest_kept(text: str, yes: bool) -> None:
    assert (yes_or_no(text) is True) is yes


@pytest.mark.parametrize(
    ("text", "own", "title"),
    [
        ("just put it under my name", True, "Personal"),
        ("写我名字就行", True, "本人"),
        ("use my full name please", True, "Personal"),
        ("my name is Li Na", False, None),  # (a name given: not "my name")
        ("我的名字是李娜", False, None),
    ],
)
def test_her_own_name_as_the_title(text: str, own: bool, title: str | None) -> None:
    """At the step that asks the title ("What name goes on the invoice?")."""
    draft = InvoiceDraft(title_type="personal")
    draft.read(text, title_expected=True)
    assert draft.own_name is own
    if own:
        assert draft.title == title


def test_her_first_words_take_the_type_only() -> None:
    """ "…personal, just under my name": the title is still asked (she may change her mind
    there: "wait, my company is paying")."""
    draft = InvoiceDraft()
    draft.read("can i get an invoice for my hoodie order, personal, just under my name")
    assert (draft.title_type, draft.title, draft.own_name) == ("personal", None, False)


def test_yes_to_your_name_or_personal_is_her_name() -> None:
    """ "What name goes on the invoice? Your name, or just 'Personal'." — "yes" (it was the
    title "yes")."""
    draft = InvoiceDraft(title_type="personal")
    draft.read("yes", title_expected=True)
    assert draft.own_name and draft.title == "Personal"


@pytest.mark.parametrize(
    ("text", "old", "new", "same"),
    [
        ("换小一码的", "L", "M", True),
        ("can i get one size up", "M", "L", True),
        ("换小一码的", "L", "S", False),  # two down: not the one step said
        ("换大一码", "L", "M", False),  # the other way
        ("换小一码", "L", None, False),
    ],
)
def test_a_size_step_said_back(text: str, old: str, new: str | None, same: bool) -> None:
    assert _one_step(size_wish(text), old, new) is same


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("just give me my money back", True),
        ("i want a refund, the zip broke", True),
        ("can i get a refund?", False),  # the rules asked
        ("what is your refund policy", False),
    ],
)
def test_a_refund_wanted_in_so_many_words(text: str, wanted: bool) -> None:
    assert wants_a_return(text, False) is wanted


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("那我先问下 大衣发到哪了", True),
        ("meanwhile where's my parcel", True),
        ("快递显示到哪了", True),
        ("我还在等", False),
        ("still waiting, hello??", False),
        ("it's about my parcel", False),  # what the ticket is about, no where asked
        ("has my parcel shipped yet", True),
    ],
)
def test_a_parcel_asked_while_a_ticket_waits(text: str, named: bool) -> None:
    assert (_WHERE_ASKED.search(text) is not None) is named
