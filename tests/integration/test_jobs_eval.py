"""``kefu jobs eval``: a scripted job runs on its own seeded demo shop through the real worker
and dispatcher, and is judged by what the shop holds afterwards — a finished job passes, an
unfinished one fails with why, and a malformed file is refused before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ops.jobs import JobFileError, customer_side, load_jobs, run_jobs

JOBS = """
- name: address-changed
  says:
    - 收货地址写错了 帮我改下
    - /contact 18364805280
    - (tap) {unshipped}
    - 江苏省南京市鼓楼区中山北路30号 5楼
    - 对
  expect:
    address: {order: unshipped, contains: 中山北路30号}
    said: ["地址"]
- name: only-a-greeting
  language: en
  says:
    - hello
    - (tap) {returnable}
  expect:
    return: {order: returnable}
    not_said: ["hello"]
"""


@pytest.mark.asyncio(loop_scope="session")
async def test_a_finished_job_passes_and_an_unfinished_one_fails(amqp_url, tmp_path: Path):
    path = tmp_path / "jobs.yaml"
    path.write_text(JOBS, encoding="utf-8")
    finished, unfinished = await run_jobs(load_jobs(path), amqp_url=amqp_url)

    assert finished.passed, finished.failures
    assert "中山北路30号" in finished.transcript

    assert not unfinished.passed
    assert any(f.startswith("return") and "0 return(s)" in f for f in unfinished.failures)
    # no order list was shown to a stranger: the tap is skipped, and said so
    assert "no button" in unfinished.transcript
    # each job's queues are gone when it ends (they were all left on the broker)
    import aio_pika
    import aiormq

    connection = await aio_pika.connect(amqp_url)
    async with connection:
        for result in (finished, unfinished):
            channel = await connection.channel()
            with pytest.raises(aiormq.exceptions.ChannelNotFoundEntity):
                await channel.declare_queue(f"{result.bus_prefix}.commands", passive=True)


def test_only_what_the_customer_is_told_counts():
    transcript = (
        "你 › 转人工\n客服 › 已经转人工\n   [1] 取消\n你 › 还有一件事\n"
        "工作台 #7 › 新工单\n最近对话\n   [1] ✋ 接手\n"
    )
    # the ticket's card in the agents' group is no answer to the customer's second message
    assert customer_side(transcript) == "客服 › 已经转人工\n   [1] 取消"


def test_a_malformed_file_is_refused(tmp_path: Path):
    path = tmp_path / "jobs.yaml"
    path.write_text("- name: x\n  says: [hi]\n  expect: {refund: 1}\n", encoding="utf-8")
    with pytest.raises(JobFileError, match="unknown expectations"):
        load_jobs(path)
    path.write_text("- name: x\n  says: [hi]\n", encoding="utf-8")
    with pytest.raises(JobFileError, match="nothing expected"):
        load_jobs(path)
    path.write_text("- name: x\n  says: ['yes', 5280]\n  expect: {ticket: {}}\n", "utf-8")
    (job,) = load_jobs(path)
    assert job.says == ["yes", "5280"]  # what the customer types, never a bool or a number


@pytest.mark.parametrize(
    ("expect", "problem"),
    [
        ("{any_record: [exchange, ticket]}", "exchange needs its order"),
        ("{address: {order: unshipped}}", "address needs the words"),
        ("{item_changed: {order: unshipped}}", "item_changed needs the item"),
        ("{said: 'hello'}", "said needs a list"),
    ],
)
def test_an_uncheckable_expectation_is_refused_before_it_runs(
    tmp_path: Path, expect: str, problem: str
):
    """They failed the job as it ran (a KeyError), scored as the bot's failure."""
    path = tmp_path / "jobs.yaml"
    path.write_text(f"- name: x\n  says: [hi]\n  expect: {expect}\n", encoding="utf-8")
    with pytest.raises(JobFileError, match=problem):
        load_jobs(path)


def test_a_note_is_checked_on_its_order(tmp_path: Path):
    """``note``: the customer's words written on the order as a remark (the shop's record)."""
    from ops.jobs import Facts, check

    path = tmp_path / "jobs.yaml"
    path.write_text("- name: x\n  says: [hi]\n  expect: {note: {contains: x}}\n", "utf-8")
    with pytest.raises(JobFileError, match="note needs its order"):
        load_jobs(path)
    roles = {"unshipped": "KF1", "returnable": "KF2"}
    facts = Facts(roles, {"KF1": None, "KF2": None}, {}, {}, {}, set(), [], "",
                  notes={"KF1": ["客户备注（经机器人）：放快递柜 别打电话"]})  # fmt: skip
    assert check({"note": {"order": "unshipped", "contains": "快递柜"}}, facts) == []
    assert check({"note": "unshipped"}, facts) == []
    assert check({"note": {"order": "unshipped", "contains": "礼物"}}, facts)
    assert check({"note": {"order": "returnable"}}, facts)


def test_a_returns_parcel_number_is_checked_on_the_return():
    """``return: {tracking: …}``: the number of the parcel she sent back, on her return."""
    from types import SimpleNamespace

    from ops.jobs import Facts, check

    record = SimpleNamespace(return_tracking_no="75318246609172", items=[])
    facts = Facts({"returnable": "KF2"}, {"KF2": None}, {"KF2": [record]}, {}, {}, set(), [], "")
    assert check({"return": {"order": "returnable", "tracking": "75318246609172"}}, facts) == []
    assert check({"return": {"order": "returnable", "tracking": "75000000000000"}}, facts)
    record.return_tracking_no = None
    assert check({"return": {"order": "returnable", "tracking": "75318246609172"}}, facts)


def test_an_address_receiver_is_checked_on_the_order():
    """``address: {receiver: …}``: the receiver's name she corrected, on the order."""
    from types import SimpleNamespace

    from ops.jobs import Facts, check

    order = SimpleNamespace(address="江苏省南京市鼓楼区中山路218号", receiver_name="刘欣怡")
    facts = Facts({"unshipped": "KF1"}, {"KF1": order}, {}, {}, {}, set(), [], "")
    want = {"order": "unshipped", "contains": "中山路218号"}
    assert check({"address": want}, facts) == []
    assert check({"address": {**want, "receiver": "刘欣怡"}}, facts) == []
    assert check({"address": {**want, "receiver": "刘新怡"}}, facts)
    assert check({"address": {**want, "contains": "中山路12号", "receiver": "刘欣怡"}}, facts)
