"""``bot.propagation.LeanDispatcher`` walks the routers as aiogram's ``Dispatcher`` does: the same
filters called with the same data in the same order, the same handler with the same data, the
same answer — on a tree that uses every rule of aiogram's walk, and on Kefu's own dispatcher."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from aiogram import BaseMiddleware, Dispatcher, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.filters import Filter
from aiogram.types import Message

from bot.dispatcher import create_dispatcher
from bot.local import LocalCustomer, LocalSession, local_bot
from bot.propagation import LeanDispatcher
from bot.settings import BotSettings
from bus.testing import InMemoryBus
from tests.support.bot import engine, replies

Log = list[tuple[Any, ...]]


def seen(data: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """What a callback was given: every key, and the value's name or repr."""
    return tuple(
        sorted(
            (key, getattr(value, "name", None) or type(value).__name__)
            for key, value in data.items()
        )
    )


class Word(Filter):
    """Passes when the text has ``word``; gives ``data`` (a dict) when it has one."""

    def __init__(self, log: Log, name: str, word: str, data: dict[str, Any] | None = None) -> None:
        self.log, self.name, self.word, self.data = log, name, word, data

    async def __call__(self, message: Message, **data: Any) -> bool | dict[str, Any]:
        self.log.append(("filter", self.name, seen(data)))
        if self.word not in (message.text or ""):
            return False
        return self.data if self.data is not None else True


class Named(Filter):
    """Passes when the data has ``key`` (what an earlier filter or router gave), and names
    only the parameters it takes."""

    def __init__(self, log: Log, key: str) -> None:
        self.log, self.key = log, key

    async def __call__(self, message: Message, letter: str | None = None) -> bool:
        self.log.append(("named", self.key, letter))
        return letter is not None


class Inner(BaseMiddleware):
    def __init__(self, log: Log, name: str = "inner") -> None:
        self.log, self.name = log, name

    async def __call__(self, handler: Any, event: Any, data: dict[str, Any]) -> Any:
        self.log.append(("inner", self.name, seen(data)))
        data[f"from_{self.name}"] = "yes"
        return await handler(event, data)


class Outer(BaseMiddleware):
    def __init__(self, log: Log, name: str = "outer") -> None:
        self.log, self.name = log, name

    async def __call__(self, handler: Any, event: Any, data: dict[str, Any]) -> Any:
        self.log.append(("outer", self.name, seen(data)))
        data[f"from_{self.name}"] = "yes"
        return await handler(event, data)


def build(dp: Dispatcher, log: Log) -> Dispatcher:
    """One tree that uses every rule of aiogram's walk."""

    def handler(name: str, answer: Any = None, *, skip: bool = False) -> Any:
        async def handle(message: Message, **data: Any) -> Any:
            log.append(("handler", name, seen(data)))
            if skip:
                raise SkipHandler
            if "boom" in (message.text or ""):
                raise RuntimeError("boom")
            return answer if answer is not None else name

        return handle

    async def only_message(message: Message, event_router: Router, handler: Any) -> str:
        log.append(("few", event_router.name, type(handler).__name__))
        return "few"

    def thread_filter(message: Message) -> bool:  # sync: aiogram runs it in a thread
        log.append(("sync", threading.current_thread() is threading.main_thread()))
        return "sync" in (message.text or "")

    first = Router(name="first")
    first.message.filter(Word(log, "first-root", "", {"letter": "a"}))  # data for all below
    # a failing handler's dict never reaches the next one
    first.message.register(
        handler("gives-b"), Word(log, "b", "", {"letter": "b"}), Word(log, "no", "zzz")
    )
    first.message.register(handler("named"), Named(log, "letter"), Word(log, "named", "named"))
    first.message.register(handler("skipped", skip=True), Word(log, "skip", "skip"))
    first.message.register(handler("after-skip"), Word(log, "after", "skip"))
    first.message.register(handler("sync"), thread_filter)
    first.message.register(only_message, Word(log, "few", "few"))

    nested = Router(name="nested")
    nested.message.filter(Word(log, "nested-root", "deep", {"depth": "2"}))
    nested.message.register(handler("deep"), Word(log, "deep-more", "more"))
    deeper = Router(name="deeper")
    deeper.message.register(handler("deepest"), Word(log, "deepest", "deep"))
    nested.include_router(deeper)
    first.include_router(nested)

    # a sibling sees nothing the first subtree's filters gave
    sibling = Router(name="sibling")
    sibling.message.register(handler("sibling"), Word(log, "sibling", "sib"))
    with_inner = Router(name="with-inner")
    with_inner.message.middleware(Inner(log))
    with_inner.message.register(handler("inner"), Word(log, "inner", "inner"))
    with_outer = Router(name="with-outer")
    with_outer.message.outer_middleware(Outer(log))
    with_outer.message.register(handler("outer"), Word(log, "outer", "outer"))
    errors = Router(name="errors")

    @errors.error()
    async def on_error(event: Any, **data: Any) -> str:
        log.append(("error", type(event.exception).__name__, seen(data)))
        return "handled error"

    dp.include_routers(sibling, first, with_inner, with_outer, errors)
    dp["shop"] = "the shop"
    # the update's outer middlewares, chained in their order around the update's trigger; an
    # inner one on the root's messages, before a router's own (the order from the root down)
    dp.update.outer_middleware(Outer(log, "update-first"))
    dp.update.outer_middleware(Outer(log, "update-second"))
    dp.message.middleware(Inner(log, "root-inner"))
    return dp


TEXTS = [
    "nothing at all",
    "named",
    "skip me",
    "sync please",
    "few",
    "deep",
    "deep more",
    "sib",
    "inner",
    "outer",
    "deep boom",
    "boom",
]


def walk(dp: Dispatcher, texts: list[str]) -> tuple[Log, list[Any]]:
    import asyncio

    log: Log = []
    dp.name = "dp"
    build(dp, log)
    bot = local_bot(LocalSession(keep=False))
    customer = LocalCustomer(bot, 7001)
    answers = []

    async def run() -> None:
        for text in texts:
            log.append(("text", text))
            update = customer.says(text)
            try:
                answers.append(await dp.feed_update(bot, update))
            except RuntimeError as exc:
                answers.append(("raised", str(exc)))

    asyncio.run(run())
    return log, answers


def test_the_lean_walk_is_aiograms() -> None:
    lean_log, lean_answers = walk(LeanDispatcher(), TEXTS)
    log, answers = walk(Dispatcher(), TEXTS)
    assert lean_answers == answers
    assert lean_log == log
    # the tree does use every rule (a test that cannot fail is a defect)
    kinds = {entry[0] for entry in log}
    assert {"filter", "named", "handler", "sync", "few", "inner", "outer", "error"} <= kinds
    assert answers[TEXTS.index("named")] == "named"  # the root's letter, not the failed "b"
    assert answers[TEXTS.index("skip me")] == "after-skip"
    assert answers[TEXTS.index("deep more")] == "deep"
    assert answers[TEXTS.index("deep")] == "deepest"
    assert ("sync", False) in log  # a sync filter ran in a thread
    # every update passed the update's two outer middlewares, in their order, and a handler
    # the inner middlewares from the root down
    outers = [entry[1] for entry in log if entry[0] == "outer"]
    assert outers[:2] == ["update-first", "update-second"]
    start = log.index(("text", "inner"))
    end = log.index(("text", TEXTS[TEXTS.index("inner") + 1]))
    assert [e[1] for e in log[start:end] if e[0] == "inner"] == ["root-inner", "inner"]
    assert answers[TEXTS.index("inner")] == "inner"


@pytest.mark.parametrize("dispatcher", [LeanDispatcher, Dispatcher])
def test_the_tree_tells_the_walks_apart(dispatcher: type[Dispatcher]) -> None:
    """A walk that dropped a router's filter data would fail the comparison above: the named
    handler takes the root's letter only."""
    log, answers = walk(dispatcher(), ["named"])
    assert answers == ["named"]
    assert ("named", "letter", "a") in log


QUESTIONS = [
    "付款后多久发货",
    "能便宜点吗",
    "衣服有色差吗",
    "/start",
    "我要退货",
    "KF20260001",
    "谢谢",
    "你好 有人吗",
    "what's your return policy",
    "asdfgh",
]


async def _replies(lean: bool) -> list[list[str]]:
    settings = BotSettings(KEFU_FLOOD_RATE=1000)
    dp = create_dispatcher(settings, rpc=InMemoryBus(), engine=engine(), replies=replies())
    assert isinstance(dp, LeanDispatcher)
    if not lean:
        dp.propagate_event = lambda update_type, event, **kw: Router.propagate_event(  # type: ignore[method-assign]
            dp, update_type, event, **kw
        )
    session = LocalSession()
    bot = local_bot(session)
    customer = LocalCustomer(bot, 7002, language="zh-hans")
    said = []
    for text in QUESTIONS:
        before = len(session.sent)
        await dp.feed_update(bot, customer.says(text))
        said.append([m.text for m in session.sent[before:]])
    return said


async def test_kefu_answers_the_same_either_way() -> None:
    lean = await _replies(lean=True)
    plain = await _replies(lean=False)
    assert lean == plain
    assert all(lean)  # every message answered


class Gated(Filter):
    """Passes for a decision of ``intent`` only, and says so in ``admits`` (as ``Job`` and
    ``IntentRoute`` do): the lean walk asks ``admits`` first and calls no filter of a handler
    it rules out."""

    def __init__(self, log: Log, intent: str) -> None:
        self.log, self.intent = log, intent

    def admits(self, decision: Any) -> bool:
        return decision == self.intent

    async def __call__(self, message: Message, decision: Any = None) -> bool:
        self.log.append(("gated", self.intent, decision))
        return self.admits(decision)


def gated_walk(dp: Dispatcher, decisions: list[str]) -> tuple[Log, list[Any]]:
    import asyncio

    log: Log = []
    router = Router(name="gated")
    router.message.register(
        lambda message: "refund", Word(log, "before-gate", ""), Gated(log, "refund")
    )
    router.message.register(lambda message: "other", Word(log, "other", ""))
    dp.include_router(router)
    current: list[str] = []

    async def decide(handler: Any, event: Any, data: dict[str, Any]) -> Any:
        data["decision"] = current[0]
        return await handler(event, data)

    dp.update.outer_middleware(decide)
    bot = local_bot(LocalSession(keep=False))
    customer = LocalCustomer(bot, 7003)
    answers = []

    async def run() -> None:
        for decision in decisions:
            current[:] = [decision]
            answers.append(await dp.feed_update(bot, customer.says("hello")))

    asyncio.run(run())
    return log, answers


def test_a_filters_admits_rules_a_handler_out_without_calling_its_filters() -> None:
    decisions = ["refund", "size", "refund"]
    lean_log, lean_answers = gated_walk(LeanDispatcher(), decisions)
    log, answers = gated_walk(Dispatcher(), decisions)
    assert lean_answers == answers == ["refund", "other", "refund"]
    # aiogram called the handler's filters for "size" too; the lean walk did not
    assert [e for e in log if e[0] == "gated"] == [
        ("gated", "refund", "refund"),
        ("gated", "refund", "size"),
        ("gated", "refund", "refund"),
    ]
    assert [e for e in lean_log if e[0] == "gated"] == [
        ("gated", "refund", "refund"),
        ("gated", "refund", "refund"),
    ]
    assert [e[1] for e in lean_log if e[0] == "filter"] == ["before-gate", "other", "before-gate"]
