"""``kefu intents``: the shop's learning loop.

``kefu intents unmatched [--since 7d] [--json]``: the messages the bot could not place (fallbacks
and "did you mean…?"), anonymised by the bot, grouped into topics and counted — what to teach
next. ``kefu intents teach "phrase" group.name`` adds a labelled example to the shop's override
file and ``kefu intents train`` refits the model, both through the intents package's own API
(``intents.teach``, ``python -m intents train``)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from sqlalchemy.exc import SQLAlchemyError

from ops.report import parse_since, print_topics
from ops.unmatched import group_topics
from worker.settings import WorkerSettings


async def cmd_unmatched(args: argparse.Namespace) -> int:
    from worker.db.session import Database
    from worker.reports import unmatched_turns

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


def cmd_teach(args: argparse.Namespace) -> int:
    from intents import OverrideError, load_catalog, teach
    from intents.overrides import DEFAULT_OVERRIDES_PATH

    path = Path(args.overrides) if args.overrides else DEFAULT_OVERRIDES_PATH
    try:
        stored = teach(path, args.text, args.intent, load_catalog())
    except OverrideError as exc:
        print(f"teach: {exc}", file=sys.stderr)
        return 2
    print(
        json.dumps(
            {"text": stored.text, "intent": stored.intent, "file": str(path)}, ensure_ascii=False
        )
    )
    print("taught; `kefu intents train` refits the model with it", file=sys.stderr)
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from intents.__main__ import main as intents_cli

    argv = ["--overrides", args.overrides] if args.overrides else []
    if args.no_encoder:
        argv.append("--no-encoder")
    argv.append("train")
    if args.out:
        argv += ["--out", args.out]
    return intents_cli(argv)


async def _sync(run: Any, args: argparse.Namespace) -> int:
    return int(run(args))


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
    taught = actions.add_parser("teach", help="add a labelled example to the override file")
    taught.add_argument("text", help="the phrase, as customers write it")
    taught.add_argument("intent", help="intent id (payment.invoice) or a one-intent group")
    taught.add_argument("--overrides", help="the override file (default: the built-in one)")
    taught.set_defaults(run=lambda a: _sync(cmd_teach, a))
    train = actions.add_parser("train", help="refit the intent model (needs the train extra)")
    train.add_argument("--overrides", help="the override file (default: the built-in one)")
    train.add_argument("--out", help="where to write the model (default: the built-in path)")
    train.add_argument("--no-encoder", action="store_true", help="lexical signals only")
    train.set_defaults(run=lambda a: _sync(cmd_train, a))
