"""``kefu intents unmatched [--since 7d] [--json]``: the messages the bot could not place (fallbacks
and "did you mean…?"), anonymised by the bot, grouped into topics and counted — the shop's list of
what to teach next."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from ops.report import parse_since, print_topics
from ops.unmatched import group_topics
from worker.reports import unmatched_turns
from worker.settings import WorkerSettings


async def cmd_unmatched(args: argparse.Namespace) -> int:
    from worker.db.session import Database

    since = parse_since(args.since, datetime.now(UTC))
    db = Database(WorkerSettings().database_url)
    try:
        turns = await unmatched_turns(db, since)
    except SQLAlchemyError as exc:
        print(
            f"cannot read the shop's records ({type(exc).__name__}); run: kefu db upgrade",
            file=sys.stderr,
        )
        return 1
    finally:
        await db.dispose()
    topics = group_topics(turns)[: args.top]
    if args.json:
        print(json.dumps([t.as_dict() for t in topics], ensure_ascii=False, indent=2))
        return 0
    print_topics(
        topics,
        Console(),
        title=f"unmatched since {since:%Y-%m-%d %H:%M} UTC: {len(turns)} message(s), "
        f"{len(topics)} topic(s) shown",
    )
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    intents = sub.add_parser("intents", help="what the bot could not place, to teach it")
    actions = intents.add_subparsers(dest="intents_action", required=True)
    unmatched = actions.add_parser(
        "unmatched", help="fallback and clarify messages (anonymised), grouped and counted"
    )
    unmatched.add_argument("--since", default="7d")
    unmatched.add_argument("--top", type=int, default=50)
    unmatched.add_argument("--json", action="store_true")
    unmatched.set_defaults(run=cmd_unmatched)
