"""``bus.updates``: how the ingress and the bot processes read an update off the wire — the
same reading on both sides, so a chat's updates share one partition and one lane."""

import json

import pytest

from bus.topology import Topology
from bus.updates import MalformedUpdate, RawUpdate, chat_of, parse

USER = {"id": 55, "is_bot": False, "first_name": "a"}
GROUP = {"id": -100123, "type": "supergroup"}


def message(update_id: int, chat_id: int) -> dict:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_700_000_000,
            "chat": {"id": chat_id, "type": "private", "first_name": "测试"},
            "from": {"id": chat_id, "is_bot": False, "first_name": "测试"},
            "text": "你好",
        },
    }


def button(update_id: int, chat_id: int) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": str(update_id),
            "from": {"id": chat_id, "is_bot": False, "first_name": "测试"},
            "chat_instance": "1",
            "data": "x",
            "message": {
                "message_id": 1,
                "date": 1_700_000_000,
                "chat": {"id": chat_id, "type": "private", "first_name": "测试"},
                "text": "?",
            },
        },
    }


def test_chat_of_covers_the_update_kinds():
    assert chat_of({"update_id": 1, "edited_message": {"chat": GROUP, "from": USER}}) == -100123
    assert chat_of({"update_id": 1, "channel_post": {"chat": GROUP}}) == -100123
    assert chat_of({"update_id": 1, "my_chat_member": {"chat": GROUP, "from": USER}}) == -100123
    assert chat_of({"update_id": 1, "inline_query": {"id": "1", "from": USER}}) == 55
    assert chat_of({"update_id": 1, "poll_answer": {"poll_id": "1", "user": USER}}) == 55
    assert chat_of({"update_id": 1, "poll": {"id": "1"}}) is None
    # A button on a message in a private chat goes with that chat's messages.
    assert chat_of(button(1, 77)) == chat_of(message(2, 77)) == 77


def test_chat_of_ignores_ids_that_are_not_numbers():
    forged = {"chat": {"id": "77"}, "from": {"id": True}}
    assert chat_of({"update_id": 1, "message": forged}) is None
    assert chat_of({"update_id": 1, "message": {"chat": {"id": True}, "from": USER}}) == 55


def test_parse_reads_the_update_once():
    body = json.dumps(button(9, 77), ensure_ascii=False).encode()
    update = parse(body)
    assert update == RawUpdate(9, json.loads(body), 77)
    assert update.lane == 77
    # Without a chat or a user, the update is its own lane.
    assert parse(b'{"update_id": 10, "poll": {"id": "1"}}').lane == 10


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"\xff\xfe", "not JSON"),
        (b"[1, 2]", "no update_id"),
        (b'{"message": {}}', "no update_id"),
        (b'{"update_id": "5"}', "no update_id"),
        (b'{"update_id": true}', "no update_id"),
    ],
)
def test_parse_refuses_what_is_not_an_update(body, reason):
    with pytest.raises(MalformedUpdate) as refused:
        parse(body)
    assert str(refused.value) == reason


def test_a_chats_updates_share_a_partition():
    topology = Topology(partitions=16)
    chats = range(1000, 1064)
    for chat in chats:
        first, second = parse(json.dumps(message(1, chat))), parse(json.dumps(button(2, chat)))
        assert topology.partition_of(first.lane) == topology.partition_of(second.lane)
    assert len({topology.partition_of(chat) for chat in chats}) > 8  # and chats spread out
