"""``kefu report`` and ``kefu intents unmatched`` on a scripted week: conversations with known
endings stored as the worker stores them, tickets with known first responses and ratings; the
printed containment, rates, handoff figures and topics are the expected ones, and the chart is a
real picture (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import matplotlib.image
import numpy
import pytest
import pytest_asyncio

from bus import contracts as c
from tests.support.cli import run_kefu
from worker.db.models import Ticket

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def kefu(shop, *args: str) -> tuple[int, str, str]:
    return await run_kefu(
        *args,
        AMQP_URL=shop.worker.settings.bus.url,
        KEFU_BUS_PREFIX=shop.worker.topology.prefix,
        DATABASE_URL=shop.worker.settings.database_url,
        HANDOFF_SLA_SECONDS="120",
        COLUMNS="200",
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def week(shop):
    """Eleven counted conversations (six settled, four not, one pending), one of greetings
    only; fourteen turns; three answered handoffs (30, 90 and 300 s; rated 5, 4, 2)."""
    now = datetime.now(UTC)
    ops = shop.worker.ops

    async def turn(chat: str, hours_ago: float, outcome: str = "answered", group=None, **extra):
        intent = {
            "shipping": "shipping.dispatch_time",
            "size": "size.recommend",
            "returns": "returns.policy",
            "color": "color.difference",
            "order": "order.status",
            "human": "human.agent",
            "greeting": "greeting.hello",
            "payment": "payment.methods",
        }.get(group)
        await ops.record_turn(
            c.TurnRecorded(
                occurred_at=now - timedelta(hours=hours_ago),
                event_id=uuid4().hex,
                conversation=chat,
                locale="zh_CN",
                outcome=outcome,
                intent=intent,
                group=group,
                **extra,
            )
        )

    async def rated(chat: str, hours_ago: float, solved: bool) -> None:
        await ops.record_rating(
            c.AnswerRated(
                occurred_at=now - timedelta(hours=hours_ago),
                event_id=uuid4().hex,
                conversation=chat,
                solved=solved,
            )
        )

    chats = {name: uuid4().hex for name in "c1 c2 c3 c4 c5 c6 c7 c8 c9 c10".split()}
    await turn(chats["c1"], 6 * 24, group="shipping")  # quiet: settled
    await turn(chats["c2"], 5 * 24, group="size")  # tapped solved: settled
    await rated(chats["c2"], 5 * 24 - 0.01, True)
    await turn(chats["c3"], 4 * 24, group="returns")  # came back: not settled
    await turn(chats["c3"], 4 * 24 - 6, group="returns")  # …the return itself: settled
    await turn(chats["c4"], 4 * 24, group="color")  # tapped not solved
    await rated(chats["c4"], 4 * 24 - 0.01, False)
    await turn(chats["c5"], 3 * 24, group="order")  # handed to a person
    await turn(chats["c5"], 3 * 24 - 0.05, "escalated", group="human")
    await turn(chats["c6"], 3 * 24, "fallback", text="<order> 这个能开专票吗")  # unanswered
    await turn(
        chats["c7"], 2 * 24, "clarified", text="能不能便宜点包邮", candidates=["shipping.fee"]
    )
    await turn(chats["c7"], 2 * 24 - 0.02, group="shipping")  # chose, answered: settled
    await turn(chats["c8"], 2 * 24, group="greeting")  # greetings only: not counted
    await turn(chats["c9"], 2, group="shipping")  # pending
    await turn(chats["c10"], 3 * 24, group="payment")  # settled
    await turn(chats["c10"], 3 * 24 - 20, group="shipping")  # another question: settled

    async with shop.db.write() as session:
        for n, (first_response, rating) in enumerate(((30, 5), (90, 4), (300, 2))):
            opened = now - timedelta(days=3, minutes=n)
            session.add(
                Ticket(
                    ticket_no=f"T{uuid4().hex[:12]}",
                    telegram_user_id=9_000 + n,
                    chat_id=9_000_000 + uuid4().int % 100_000,
                    reason="customer_asked",
                    state="closed",
                    opened_at=opened,
                    closed_at=opened + timedelta(minutes=20),
                    closed_by="agent",
                    first_response_at=opened + timedelta(seconds=first_response),
                    first_response_s=first_response,
                    handling_s=1200,
                    rating=rating,
                    rated_at=opened + timedelta(minutes=21),
                    transcript=[],
                    attachments=[],
                )
            )
    return chats


async def test_the_report_on_a_scripted_week(shop, week, tmp_path):
    code, out, err = await kefu(shop, "report", "--since", "7d", "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["conversations"]["counted"] == 11
    assert report["conversations"]["pending"] == 1
    assert report["conversations"]["settled"] == 6
    assert report["conversations"]["verdicts"] == {
        "quiet": 5,
        "solved": 1,
        "returned": 1,
        "not_solved": 1,
        "escalated": 1,
        "unanswered": 1,
        "pending": 1,
        "social": 1,
    }
    assert report["containment"] == pytest.approx(0.6)
    assert report["turns"] == 14
    assert report["outcomes"] == {"answered": 11, "clarified": 1, "fallback": 1, "escalated": 1}
    for rate in ("fallback", "clarify", "escalation"):
        assert report["rates"][rate] == pytest.approx(1 / 14)
    assert sum(report["volume"]["shipping"].values()) == 4
    assert report["answers"] == {"rated": 2, "solved": 1}
    handoffs = report["handoffs"]
    assert handoffs["opened"] == 3 and handoffs["answered"] == 3
    assert handoffs["first_response_p50_s"] == 90
    assert handoffs["first_response_p90_s"] == pytest.approx(258)
    assert handoffs["sla_breaches"] == 1
    assert handoffs["rating_avg"] == pytest.approx(11 / 3)
    assert [t["example"] for t in report["unmatched"]] == [
        "<order> 这个能开专票吗",
        "能不能便宜点包邮",
    ] or [t["example"] for t in report["unmatched"]] == [
        "能不能便宜点包邮",
        "<order> 这个能开专票吗",
    ]

    code, out, err = await kefu(shop, "report", "--since", "7d", "--png", str(tmp_path / "r.png"))
    assert code == 0, err
    assert "Verified containment: 60.0% (6 of 10 conversations settled by the bot; 1 pending)" in (
        out
    )
    assert "Settled by the bot = the customer tapped" in out  # the rule, stated
    assert "7.1%" in out  # the three rates
    image = matplotlib.image.imread(tmp_path / "r.png")
    (tmp_path / "r.png").replace(os.environ.get("KEFU_KEEP_CHART", tmp_path / "kept.png"))
    assert image.shape[:2] == (1000, 1500)
    pixels = image[..., :3].reshape(-1, 3)
    assert numpy.unique(pixels, axis=0).shape[0] > 50  # bars, text, colours: not blank
    assert pixels.std() > 0.05


async def test_unmatched_lists_what_the_bot_could_not_place(shop, week):
    code, out, err = await kefu(shop, "intents", "unmatched", "--since", "7d", "--json")
    assert code == 0, err
    topics = {t["example"]: t for t in json.loads(out)}
    assert topics["<order> 这个能开专票吗"]["fallback"] == 1
    assert topics["能不能便宜点包邮"]["clarified"] == 1
    assert topics["能不能便宜点包邮"]["guesses"] == {"shipping.fee": 1}
    code, out, _ = await kefu(shop, "intents", "unmatched", "--since", "1d")
    assert code == 0 and "nothing unmatched" in out


async def test_teach_adds_to_the_override_file_through_the_intents_api(shop, tmp_path):
    overrides = tmp_path / "overrides.jsonl"
    taught = ("能开增值税专票吗", "payment.invoice")
    code, out, err = await kefu(shop, "intents", "teach", *taught, "--overrides", str(overrides))
    assert code == 0, err
    assert json.loads(out) == {"text": taught[0], "intent": taught[1], "file": str(overrides)}
    stored = json.loads(overrides.read_text(encoding="utf-8"))
    assert stored == {"text": taught[0], "intent": taught[1]}
    code, _, err = await kefu(
        shop, "intents", "teach", "随便", "nope.nope", "--overrides", str(overrides)
    )
    assert code == 2 and "not an intent of the catalogue" in err
