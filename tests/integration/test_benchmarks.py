"""Every benchmark still runs: each one small, as a subprocess, against the real parts it uses
(the broker, worker processes, PostgreSQL, the fake Bot API), its JSON read back.

Benchmarks are reports, so nothing ran them: one could rot unseen until the day its figures
were wanted (session 22 found them all working only by running each by hand). These tests judge
no speed — the sizes are far too small for figures and the machine is shared — only that a
benchmark finishes, answers every turn or call it made without an error, and prints its rows
and its ratio against the bare library. The ones that start processes of their own run in the
exclusive phase, and must leave none of their queues on the broker (bench_desk left ten a
run before its worker's prefix was dropped).
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.conftest import POSTGRES_URL
from tests.support import topology

pytestmark = [pytest.mark.asyncio(loop_scope="session"), pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[2]
BENCH_PREFIX = re.compile(r"(?:bench|load)[0-9a-f]+\.")
BOUND = 360  # seconds a small run may take on a loaded machine (they take 5–60 s alone)


async def run_benchmark(name: str, *args: str, amqp_url: str, clean: bool = False) -> Any:
    """Run ``benchmarks/<name>.py`` with ``args``; its exit code must be 0. Returns the JSON it
    printed last (the JSON value its output ends with). ``clean``: the run must leave no queue
    or exchange of a benchmark's prefix on the broker."""
    before = benchmarks_topology() if clean else set()
    env = dict(os.environ, AMQP_URL=amqp_url, KEFU_TEST_POSTGRES_URL=POSTGRES_URL,
               PYTHONUNBUFFERED="1")  # fmt: skip
    process = await asyncio.create_subprocess_exec(
        sys.executable, f"benchmarks/{name}.py", *args, cwd=ROOT, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        async with asyncio.timeout(BOUND):
            out, _ = await process.communicate()
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    text = out.decode("utf-8", "replace")
    assert process.returncode == 0, f"{name} exited {process.returncode}:\n{text[-3000:]}"
    if clean:
        assert not benchmarks_topology() - before, f"{name} left its topology on the broker"
    lines = text.splitlines()
    for start in reversed(range(len(lines))):  # from the end: the last value that parses
        if lines[start][:1] in "[{":
            try:
                return json.loads("\n".join(lines[start:]))
            except json.JSONDecodeError:
                continue
    raise AssertionError(f"{name} printed no JSON:\n{text[-3000:]}")


def benchmarks_topology() -> set[str]:
    """The queues and exchanges on the broker of a benchmark's bus prefix (``bench…``,
    ``load…``; the tests' own are ``t…``)."""
    return {name for name in topology.names() if BENCH_PREFIX.match(name)}


def a_figure(value: Any) -> bool:
    return isinstance(value, int | float) and math.isfinite(value) and value > 0


async def test_bench_bot_answers_every_turn_beside_the_echo(amqp_url: str) -> None:
    rows = await run_benchmark(
        "bench_bot", "--turns", "60", "--lookup-turns", "20", "--users", "10",
        "--concurrency", "4", "--json", amqp_url=amqp_url,
    )  # fmt: skip
    by_name = {row["name"]: row for row in rows}
    assert set(by_name) == {"bare aiogram echo", "kefu policy answer", "kefu order lookup"}
    for row in rows:
        assert row["replies"] >= row["turns"] > 0, row
        assert a_figure(row["p50_ms"]) and a_figure(row["updates_per_s"]), row


async def test_bench_turn_parts_measures_every_variant(amqp_url: str) -> None:
    rows = await run_benchmark(
        "bench_turn_parts", "--rounds", "2", "--block", "10", "--json", amqp_url=amqp_url
    )
    assert [row["variant"] for row in rows][-1] == "bare aiogram echo"
    assert len(rows) == 7
    for row in rows:
        assert row["turns"] == 20 and a_figure(row["p50_us"]) and a_figure(row["vs_echo"]), row


async def test_bench_intents_times_the_engine_and_bare_rapidfuzz(amqp_url: str) -> None:
    report = await run_benchmark(
        "bench_intents", "--rounds", "1", "--sample", "150", "--json", amqp_url=amqp_url
    )
    assert report["messages"] == 150
    assert {"engine", "engine-lexical", "wratio", "qratio"} <= set(report["results"])
    for figures in report["results"].values():
        assert a_figure(figures["p50_ms"]) and a_figure(figures["msgs_per_s"]), figures
    assert 0 <= report["encoder_share"] <= 1


async def test_bench_ops_records_turns_and_publishes_the_outbox(amqp_url: str) -> None:
    report = await run_benchmark(
        "bench_ops", "--turns", "60", "--users", "10", "--events", "100",
        "--report-turns", "500", "--json", amqp_url=amqp_url,
    )  # fmt: skip
    assert report["outbox"]["outbox_published"] == 100
    assert report["outbox"]["outbox_dropped"] == 0
    assert a_figure(report["turn events"]["ratio"])
    assert report["report"]["turns"] == 500


@pytest.mark.exclusive
async def test_bench_bus_calls_the_worker_beside_the_bare_echo(amqp_url: str) -> None:
    report = await run_benchmark(
        "bench_bus", "--calls", "60", "--warmup", "10", "--serial-calls", "40",
        "--processes", "1", "--json", amqp_url=amqp_url, clean=True,
    )  # fmt: skip
    assert len(report["results"]) >= 2
    for row in report["results"]:
        assert row["errors"] == 0 and row["calls"] == 60, row
        assert a_figure(row["p50_ms"]) and a_figure(row["calls_per_s"]), row
    for ratio in report["ratios"]:
        assert a_figure(ratio["p50_ratio"]) and a_figure(ratio["throughput_ratio"]), ratio


@pytest.mark.exclusive
async def test_bench_desk_escalates_and_relays(amqp_url: str) -> None:
    rows = await run_benchmark(
        "bench_desk", "--customers", "3", "--messages", "6", "--no-two", "--json",
        amqp_url=amqp_url, clean=True,
    )  # fmt: skip
    assert [row["row"] for row in rows] == ["bare aiogram", "Kefu, one bot process"]
    for row in rows:
        for key in ("escalation_p50_ms", "relay_in_p50_ms", "relay_out_p50_ms"):
            assert a_figure(row[key]), row


@pytest.mark.exclusive
async def test_bench_load_holds_conversations_without_an_error(amqp_url: str) -> None:
    report = await run_benchmark(
        "bench_load", "--customers", "8", "--workers", "1", "--think", "0.5", "--json",
        amqp_url=amqp_url, clean=True,
    )  # fmt: skip
    [run] = report["results"]
    assert run["turns"] == 8 * 6 and run["errors"] == 0, run["errors_by_kind"]
    assert a_figure(run["p50_ms"]) and a_figure(run["turns_per_s"])
    assert a_figure(report["bus_echo"]["p50_ms"])
