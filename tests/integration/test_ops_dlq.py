"""Poison commands, as ops meet them: dead-lettered with their reason, shown by ``kefu dlq
list/show`` with personal data masked, and replayed after the fix — applied exactly once, also
when the worker had applied one before it failed (real broker, ``kefu`` run as a command)."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from sqlalchemy import select

from bus import contracts as c
from bus.errors import BusRemoteError
from bus.rpc import RpcClient
from bus.settings import BusSettings
from tests.support.cli import run_kefu
from tests.support.polling import eventually
from tests.support.topology import new_prefix
from worker import Worker, create_worker
from worker.db.models import ProcessedCommand, Ticket
from worker.settings import WorkerSettings

pytestmark = pytest.mark.asyncio(loop_scope="session")

CHAT = 5_550_001
PHONE = "13812345678"


class Bug(RuntimeError):
    pass


async def start(settings: WorkerSettings, *, buggy: bool = False) -> Worker:
    worker = create_worker(settings)
    if buggy:
        real = worker.tickets.append

        async def append_with_a_bug(request):  # the bug a release shipped with
            if "before" in request.lines[0].text:
                raise Bug("crashed before writing")
            await real(request)  # written and committed…
            raise Bug("crashed after the commit")  # …then the handler fails

        worker.handlers = worker.handlers.replacing(c.AppendToTicket.served_by(append_with_a_bug))
    await worker.start()
    return worker


@pytest_asyncio.fixture(loop_scope="session")
async def settings(amqp_url, amqp_connection, tmp_path: Path):
    bus = BusSettings(amqp_url=amqp_url, prefix=new_prefix())
    yield WorkerSettings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'dlq.db'}", bus=bus)
    channel = await amqp_connection.channel()
    await bus.topology.delete(channel)
    await channel.close()


async def kefu(settings: WorkerSettings, *args: str) -> tuple[int, str, str]:
    return await run_kefu(
        *args,
        AMQP_URL=settings.bus.url,
        KEFU_BUS_PREFIX=settings.bus.prefix,
        DATABASE_URL=settings.database_url,
    )


def append(key: str, text: str) -> c.AppendToTicket:
    return c.AppendToTicket(
        idempotency_key=key,
        chat_id=CHAT,
        role="customer",
        lines=[c.TranscriptLine(role="customer", text=text, at=datetime.now(UTC))],
    )


async def transcript(worker: Worker) -> list[str]:
    async with worker.db.read() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.chat_id == CHAT))
        return [line["text"] for line in ticket.transcript]


async def test_a_poison_command_is_listed_shown_masked_and_replayed_once(settings):
    worker = await start(settings)
    rpc = RpcClient(settings.bus.url, timeout=10, topology=settings.bus.topology)
    await rpc.connect(wait=10)
    await rpc.call(
        c.OpenTicket(
            idempotency_key=f"t:{uuid4().hex}",
            telegram_user_id=CHAT,
            chat_id=CHAT,
            customer_name="王小明",
            reason="customer_asked",
        )
    )
    await worker.stop()

    # The buggy release: one append applied then failed, one failed before writing.
    worker = await start(settings, buggy=True)
    applied_then_failed = append(f"t:{uuid4().hex}", f"after: 我的电话是{PHONE}，快点发货")
    failed_before = append(f"t:{uuid4().hex}", "before: 尾号5280 的订单怎么还没发")
    for request in (applied_then_failed, failed_before):
        with pytest.raises(BusRemoteError) as refused:
            await rpc.call(request)
        assert refused.value.code == "internal"
    assert (await transcript(worker)).count(applied_then_failed.lines[0].text) == 1

    code, out, err = await kefu(settings, "dlq", "list")
    assert code == 0, err
    letters = [json.loads(line) for line in out.splitlines()]
    assert len(letters) == 2
    assert {letter["method"] for letter in letters} == {"tickets.append"}
    assert all(
        letter["reason"] == "internal: the worker could not handle this request"
        for letter in letters
    )
    assert PHONE not in out and "5280" not in out

    code, out, err = await kefu(settings, "dlq", "show", letters[0]["id"])
    assert code == 0, err
    shown = json.loads(out)
    assert shown["id"] == letters[0]["id"] and shown["method"] == "tickets.append"
    assert shown["headers"]["x-kefu-error-code"] == "internal"
    assert shown["body"]["chat_id"] == CHAT
    # (the digits in the body: a header's Unix time may contain them by chance)
    assert PHONE not in out and "5280" not in json.dumps(shown["body"], ensure_ascii=False)
    assert any(
        "<phone>" in line["text"] or "<num>" in line["text"] for line in shown["body"]["lines"]
    )
    code, _, err = await kefu(settings, "dlq", "show", "000000000000")
    assert code == 1 and "no dead letter" in err

    # The fix: a worker without the bug. Replay: the one never written is applied now, the one
    # written before the failure is answered from its record, not applied again.
    await worker.stop()
    worker = await start(settings)
    code, out, err = await kefu(settings, "dlq", "replay")
    assert code == 0 and "replayed 2 message(s)" in out, (out, err)

    async def both_done() -> bool:
        async with worker.db.read() as session:
            keys = await session.scalars(
                select(ProcessedCommand.key).where(
                    ProcessedCommand.key.in_(
                        [applied_then_failed.idempotency_key, failed_before.idempotency_key]
                    )
                )
            )
            return len(keys.all()) == 2

    await eventually(both_done)
    await asyncio.sleep(0.5)  # anything applied twice would be there by now
    lines = await transcript(worker)
    assert lines.count(applied_then_failed.lines[0].text) == 1
    assert lines.count(failed_before.lines[0].text) == 1

    # Replayed again (a copy someone kept, a retry): still once each.
    for request in (applied_then_failed, failed_before):
        assert isinstance(await rpc.call(request), c.Appended)
    lines = await transcript(worker)
    assert lines.count(applied_then_failed.lines[0].text) == 1
    assert lines.count(failed_before.lines[0].text) == 1
    code, out, _ = await kefu(settings, "dlq", "list")
    assert out.strip() == ""
    await rpc.close()
    await worker.stop()
