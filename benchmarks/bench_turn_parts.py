"""What each of the policy turn's own duties costs, beside the bare aiogram echo, in one run.

``bench_bot.py`` says how a policy turn compares with the echo; this says where the difference
goes, by taking duties *out* of Kefu's dispatcher (one copy per variant, the rest unchanged) and
measuring every variant and the echo in alternating blocks in the same process. A variant is a
measurement, never a way to run Kefu: without its turn events or its router levels the bot
would go unmonitored or answer out of order.

* **full**: ``create_dispatcher`` as the bot runs it (in-process storage, no desk);
* **no turn events**: without ``TurnMiddleware`` (the event built and offered, the noting bus
  and state);
* **memory through JSON**: each chat's ``ChatMemory`` validated from its JSON-native form and
  dumped back every turn, as with Redis (the in-process storage keeps it live: ``bot.storage``);
* **intents router first**: the router of confidently matched intents straight on the
  dispatcher, before the private-chat router and the routers before the intents (two router
  levels fewer for a plain question);
* **both out, no flood control**: no turn events, the intents router first, and no flood
  count;
* **aiogram's walk**: the routers walked by aiogram's own ``Router.propagate_event`` and update
  trigger, as before ``bot.propagation.LeanDispatcher`` (the same handlers, data and answers:
  what the lean walk saves);
* **echo**: ``bench_bot.py``'s bare aiogram echo.

```
.venv/bin/python benchmarks/bench_turn_parts.py            # 20 rounds of 200 turns per row
.venv/bin/python benchmarks/bench_turn_parts.py --rounds 40
.venv/bin/python benchmarks/bench_turn_parts.py --json     # also the rows as JSON
```
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_bot
from aiogram import Dispatcher, Router
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.fsm.storage.memory import MemoryStorage

VARIANTS = ("full", "no turn events", "memory through JSON", "intents router first",
            "both out, no flood control", "aiogram's walk")  # fmt: skip


def variant(name: str) -> Dispatcher:
    dp = bench_bot.kefu_dispatcher(None)
    outer = dp.update.outer_middleware._middlewares
    by_type = {type(m).__name__: m for m in outer}
    everything = name.startswith("both out")
    if name == "no turn events" or everything:
        outer.remove(by_type["TurnMiddleware"])
    if everything:
        outer.remove(by_type["FloodMiddleware"])
    if name == "aiogram's walk":
        dp.update.__class__ = TelegramEventObserver
        dp.propagate_event = partial(Router.propagate_event, dp)  # type: ignore[method-assign]
    if name == "memory through JSON":
        by_type["ChatContextMiddleware"].storage = MemoryStorage()
    if name == "intents router first" or everything:
        customers = next(r for r in dp.sub_routers if r.name == "bot.customers")
        intents = next(r for r in customers.sub_routers if r.name == "bot.intents")
        customers.sub_routers.remove(intents)
        dp.sub_routers.insert(0, intents)
        intents._parent_router = dp
    return dp


async def main_async(rounds: int, block: int, as_json: bool = False) -> None:
    bot, _session = bench_bot.make_bot()
    runs: list[tuple[str, Dispatcher, list[str]]] = [
        (name, variant(name), bench_bot.POLICY_QUESTIONS) for name in VARIANTS
    ]
    runs.append(("bare aiogram echo", bench_bot.echo_dispatcher(), ["hello there"]))
    for _name, dp, texts in runs:
        for update in bench_bot.updates(bot, texts, 300, 500):  # warm-up
            await bench_bot.feed(dp, bot, update)
    latencies: list[list[float]] = [[] for _ in runs]
    for _ in range(rounds):
        for index, (_name, dp, texts) in enumerate(runs):
            for update in bench_bot.updates(bot, texts, block, 500):
                started = time.perf_counter()
                await bench_bot.feed(dp, bot, update)
                latencies[index].append(time.perf_counter() - started)
    p50 = [statistics.median(values) * 1e6 for values in latencies]
    echo = p50[-1]
    print(f"{'variant':<30}{'p50 us':>9}{'vs full':>10}{'vs echo':>9}")
    for (name, _dp, _texts), value in zip(runs, p50, strict=True):
        print(f"{name:<30}{value:>9.1f}{value - p50[0]:>+10.1f}{value / echo:>8.2f}x")
    if as_json:
        print(json.dumps([{"variant": name, "turns": len(values), "p50_us": value,
                           "vs_echo": value / echo}
                          for (name, _dp, _texts), value, values
                          in zip(runs, p50, latencies, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--block", type=int, default=200)
    parser.add_argument("--json", action="store_true", help="also print the rows as JSON")
    args = parser.parse_args()
    asyncio.run(main_async(args.rounds, args.block, args.json))


if __name__ == "__main__":
    main()
