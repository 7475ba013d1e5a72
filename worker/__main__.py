"""``python -m worker``: serve the shop's data on the bus until interrupted."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
from pathlib import Path

from prometheus_client import start_http_server

from worker import create_worker
from worker.db.session import unavailable
from worker.settings import WorkerSettings

logger = logging.getLogger("worker")


async def serve(settings: WorkerSettings, *, seed: bool) -> None:
    worker = create_worker(settings)
    if settings.database_url.startswith("sqlite"):
        path = settings.database_url.split("///", 1)[-1]
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # Kefu runs on Linux (Debian) only
        loop.add_signal_handler(sig, stop.set)
    delay = 1.0
    while True:
        try:
            if seed and await worker.seed_demo():
                logger.info("seeded the demo shop")
            await worker.start()
            break
        except Exception as exc:
            what = unavailable(exc)
            if what is None:
                raise
            # Not serving without the database: every answer would be "unavailable".
            logger.error("database unavailable at start (%s); trying again in %.0f s", what, delay)
            await worker.db.dispose()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            if stop.is_set():
                return
            delay = min(delay * 2, 30.0)
    try:
        await stop.wait()
    finally:
        await worker.stop()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m worker", description=__doc__)
    parser.add_argument("--seed", action="store_true", help="seed the demo shop if empty")
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args()
    logging.basicConfig(
        level=args.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("aio_pika").setLevel(logging.WARNING)
    logging.getLogger("aiormq").setLevel(logging.WARNING)
    settings = WorkerSettings()
    if settings.metrics_port:
        start_http_server(settings.metrics_port, addr="127.0.0.1")
    asyncio.run(serve(settings, seed=args.seed))


if __name__ == "__main__":
    main()
