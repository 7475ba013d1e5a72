"""A local fake of the Telegram Bot API for end-to-end tests.

The real bot talks to it through aiogram's real aiohttp session::

    async with FakeTelegramAPI() as fake:
        api = TelegramAPIServer.from_base(fake.base_url)
        bot = Bot(fake.token, session=AiohttpSession(api=api))
        ...  # dp.start_polling(bot) in a task, or setWebhook to a local SimpleRequestHandler
        fake.user_says("你好")
        [reply] = await fake.wait_for_messages(1001)

It keeps the state Telegram keeps (chats, messages with per-chat ids, files, forum topics,
pending updates, the webhook) and answers like Telegram does, including the errors a real bot
meets: unknown chats, over-long texts, badly formed HTML, unmodified edits, flood control.
Everything here is plain JSON in and out: the fake never imports aiogram, so aiogram's own
parsing of what we send is part of what the tests exercise. Known differences from the real
service are listed in docs/testing.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import html
import itertools
import json
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any

from aiohttp import ClientError, ClientSession, ClientTimeout, web

logger = logging.getLogger(__name__)

DEFAULT_USER_ID = 1001
MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
#: Update types Telegram delivers when allowed_updates is empty (the rest must be asked for).
DEFAULT_UPDATE_TYPES = frozenset(
    {
        "message",
        "edited_message",
        "channel_post",
        "edited_channel_post",
        "callback_query",
        "inline_query",
        "chosen_inline_result",
        "shipping_query",
        "pre_checkout_query",
        "poll",
        "poll_answer",
        "my_chat_member",
        "chat_join_request",
        "business_message",
    }
)
#: The emoji Telegram accepts as a reaction (ReactionTypeEmoji in the Bot API).
REACTION_EMOJI = frozenset(
    (
        "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 "
        "🥱 🥴 😍 🐳 ❤‍🔥 🌚 🌭 💯 🤣 ⚡ 🍌 🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 "
        "😴 😭 🤓 👻 👨‍💻 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 🗿 "
        "🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 🤷‍♂ 🤷 🤷‍♀ 😡 "
    ).split()
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
MEDIA_METHODS = {
    "sendphoto": "photo",
    "senddocument": "document",
    "sendvoice": "voice",
    "sendsticker": "sticker",
    "sendvideo": "video",
    "sendaudio": "audio",
    "sendanimation": "animation",
}
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)

# Parameters Telegram reads as JSON objects/arrays, integers and booleans. Multipart bodies carry
# everything as strings (aiogram JSON-encodes non-strings), so decoding needs to know the type:
# a text "123" must stay a string.
JSON_PARAMS = frozenset(
    {
        "reply_markup",
        "reply_parameters",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "menu_button",
        "allowed_updates",
        "link_preview_options",
        "media",
        "permissions",
        "message_ids",
        "results",
        "options",
        "rights",
        "reaction",
    }
)
INT_PARAMS = frozenset(
    {
        "message_id",
        "offset",
        "limit",
        "timeout",
        "message_thread_id",
        "reply_to_message_id",
        "from_chat_id",
        "user_id",
        "duration",
        "icon_color",
        "cache_time",
        "max_connections",
        "width",
        "height",
        "video_start_timestamp",
    }
)
BOOL_PARAMS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "show_alert",
        "drop_pending_updates",
        "allow_sending_without_reply",
        "disable_web_page_preview",
        "has_spoiler",
        "show_caption_above_media",
        "only_if_banned",
        "revoke_messages",
        "is_personal",
        "allow_paid_broadcast",
        "supports_streaming",
        "disable_content_type_detection",
        "remove_caption",
    }
)
CHAT_ID_PARAMS = frozenset({"chat_id", "from_chat_id"})


class ApiError(Exception):
    """An `ok: false` answer: raised inside a method handler, turned into the HTTP response."""

    def __init__(self, error_code: int, description: str, retry_after: int | None = None):
        super().__init__(description)
        self.error_code = error_code
        self.description = description
        self.retry_after = retry_after


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


# ------------------------------------------------------------------ what the tests look at


@dataclass(frozen=True)
class Button:
    """One inline keyboard button."""

    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class ReplyButton:
    """One reply keyboard button."""

    text: str
    request_contact: bool = False


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    filename: str
    content: bytes


@dataclass
class Call:
    """One Bot API request: method name as sent, decoded params, and how the fake answered."""

    method: str
    params: dict[str, Any]
    ok: bool = True
    error_code: int | None = None
    description: str | None = None
    result: Any = None
    retry_after: int | None = None

    def __repr__(self) -> str:
        outcome = "ok" if self.ok else f"{self.error_code} {self.description!r}"
        return f"Call({self.method}, {self.params!r} -> {outcome})"


@dataclass
class SentMessage:
    """A message the bot sent, kept current: edits and deletions are applied in place."""

    message_id: int
    chat_id: int
    method: str
    kind: str  # text, photo, document, voice, sticker, video, audio, animation, contact, ...
    text: str  # what the user reads: the text, or the caption of a media message ("" if none)
    raw_text: str | None  # text or caption exactly as the bot sent it (with markup)
    parse_mode: str | None
    entities: list[dict[str, Any]] = field(default_factory=list)
    message_thread_id: int | None = None
    reply_to_message_id: int | None = None
    reply_markup: dict[str, Any] | None = None
    file_id: str | None = None
    forwarded_from: tuple[int, int] | None = None  # (chat_id, message_id) for forwardMessage
    copied_from: tuple[int, int] | None = None  # (chat_id, message_id) for copyMessage
    media_group_id: str | None = None  # the album it belongs to (sendMediaGroup, copyMessages)
    edits: int = 0
    deleted: bool = False

    @property
    def inline_buttons(self) -> list[list[Button]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            [Button(b.get("text", ""), b.get("callback_data"), b.get("url")) for b in row]
            for row in rows
        ]

    @property
    def reply_buttons(self) -> list[list[ReplyButton]]:
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [[_reply_button(b) for b in row] for row in rows]

    @property
    def remove_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    def button(self, text_substring: str) -> Button:
        """The one inline button whose text contains `text_substring`."""
        found = [b for row in self.inline_buttons for b in row if text_substring in b.text]
        if len(found) != 1:
            shown = [b.text for row in self.inline_buttons for b in row]
            raise AssertionError(
                f"expected one inline button containing {text_substring!r} in message "
                f"{self.message_id}, found {len(found)}; buttons: {shown}"
            )
        return found[0]

    def __repr__(self) -> str:
        extra = ""
        if self.inline_buttons:
            extra += f", inline={[[b.text for b in r] for r in self.inline_buttons]}"
        if self.reply_buttons:
            extra += f", keyboard={[[b.text for b in r] for r in self.reply_buttons]}"
        if self.deleted:
            extra += ", deleted"
        return (
            f"SentMessage(#{self.message_id} {self.method} to {self.chat_id}"
            f"{'' if self.message_thread_id is None else f' thread {self.message_thread_id}'}: "
            f"{self.text!r}{extra})"
        )


def _reply_button(raw: Any) -> ReplyButton:
    if isinstance(raw, str):
        return ReplyButton(raw)
    return ReplyButton(raw.get("text", ""), bool(raw.get("request_contact")))


# ------------------------------------------------------------------ entity parsing


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit Telegram counts offsets and limits in."""
    return len(text.encode("utf-16-le")) // 2


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z-]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_CHAR_REF_RE = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]*);")


def _cant_parse(detail: str, source: str, index: int) -> ApiError:
    offset = len(source[:index].encode("utf-8"))
    return _bad(f"can't parse entities: {detail} at byte offset {offset}")


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's HTML parse mode: the plain text and its entities, or ApiError(400).

    Only Telegram's tags are allowed; every `<` and `&` that is not markup must be escaped.
    """
    out: list[str] = []
    utf16_pos = 0
    stack: list[tuple[str, int, dict[str, str], int]] = []
    entities: list[dict[str, Any]] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "<":
            match = _TAG_RE.match(source, i)
            if match is None:
                raise _cant_parse("unescaped '<' or unfinished tag (use &lt;)", source, i)
            closing, name, rest = match.group(1), match.group(2).lower(), match.group(3)
            if closing:
                if not stack:
                    raise _cant_parse(f'unexpected end tag "{name}"', source, i)
                if stack[-1][0] != name:
                    raise _cant_parse(
                        f'unmatched end tag, expected "</{stack[-1][0]}>", found "</{name}>"',
                        source,
                        i,
                    )
                tag, start, attrs, _ = stack.pop()
                entity = _html_entity(tag, attrs, start, utf16_pos - start, stack)
                if entity is not None and entity["length"] > 0:
                    entities.append(entity)
            else:
                if name not in _HTML_TAGS:
                    raise _cant_parse(f'unsupported start tag "{name}"', source, i)
                attrs = {
                    m.group(1).lower(): html.unescape((m.group(2) or "").strip("\"'"))
                    for m in _ATTR_RE.finditer(rest.rstrip("/"))
                    if m.group(1)
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _cant_parse('unsupported start tag "span"', source, i)
                stack.append((name, utf16_pos, attrs, i))
            i = match.end()
            continue
        if ch == "&":
            match = _CHAR_REF_RE.match(source, i)
            if match is None:
                raise _cant_parse("unescaped '&' (use &amp;)", source, i)
            ref = match.group(1)
            if ref.startswith(("#x", "#X")):
                decoded = chr(int(ref[2:], 16))
            elif ref.startswith("#"):
                decoded = chr(int(ref[1:]))
            elif ref in _HTML_NAMED_ENTITIES:
                decoded = _HTML_NAMED_ENTITIES[ref]
            else:
                raise _cant_parse(f'unsupported HTML entity "&{ref};"', source, i)
            out.append(decoded)
            utf16_pos += utf16_len(decoded)
            i = match.end()
            continue
        out.append(ch)
        utf16_pos += utf16_len(ch)
        i += 1
    if stack:
        tag, _, _, at = stack[-1]
        raise _cant_parse(f'can\'t find end tag corresponding to start tag "{tag}"', source, at)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(
    tag: str, attrs: dict[str, str], offset: int, length: int, outer: list[Any]
) -> dict[str, Any] | None:
    kind = _HTML_TAGS[tag]
    entity: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    if tag == "a":
        href = attrs.get("href")
        if not href:
            return None
        if href.startswith("tg://user?id="):
            entity = {
                **entity,
                "type": "text_mention",
                "user": {"id": int(href.split("=", 1)[1]), "is_bot": False, "first_name": ""},
            }
        else:
            entity["url"] = href
    elif tag == "code" and outer and outer[-1][0] == "pre":
        return None  # <pre><code class="language-x"> is one pre entity with a language
    elif tag == "pre":
        return entity
    elif tag == "blockquote" and "expandable" in attrs:
        entity["type"] = "expandable_blockquote"
    elif tag == "tg-emoji":
        entity["custom_emoji_id"] = attrs.get("emoji-id", "")
    return entity


_MD2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MD2_MARKS = {"*": "bold", "_": "italic", "__": "underline", "~": "strikethrough", "||": "spoiler"}


def parse_markdown_v2(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's MarkdownV2: reserved characters outside markup must be escaped with '\\'."""
    out: list[str] = []
    pos = 0
    open_marks: dict[str, tuple[int, int]] = {}
    entities: list[dict[str, Any]] = []
    link_start: tuple[int, int] | None = None
    i = 0

    def emit(text: str) -> None:
        nonlocal pos
        out.append(text)
        pos += utf16_len(text)

    while i < len(source):
        ch = source[i]
        if ch == "\\":
            if i + 1 >= len(source) or not 1 <= ord(source[i + 1]) <= 126:
                raise _cant_parse("wrong escape with '\\'", source, i)
            emit(source[i + 1])
            i += 2
            continue
        if ch == "`":
            fence = "```" if source.startswith("```", i) else "`"
            end = source.find(fence, i + len(fence))
            if end < 0:
                raise _cant_parse("can't find end of the entity starting", source, i)
            body = source[i + len(fence) : end]
            language = None
            if fence == "```" and "\n" in body:
                language, body = body.split("\n", 1)
            start = pos
            emit(body.replace("\\`", "`").replace("\\\\", "\\"))
            entity = {
                "type": "pre" if fence == "```" else "code",
                "offset": start,
                "length": pos - start,
            }
            if language:
                entity["language"] = language
            entities.append(entity)
            i = end + len(fence)
            continue
        mark = source[i : i + 2] if source[i : i + 2] in ("__", "||") else ch
        if mark in _MD2_MARKS:
            if mark in open_marks:
                start, _ = open_marks.pop(mark)
                if pos > start:
                    entities.append(
                        {"type": _MD2_MARKS[mark], "offset": start, "length": pos - start}
                    )
            else:
                open_marks[mark] = (pos, i)
            i += len(mark)
            continue
        if ch == "[" and link_start is None:
            link_start = (pos, i)
            i += 1
            continue
        if ch == "]" and link_start is not None and source.startswith("(", i + 1):
            end = source.find(")", i + 2)
            if end < 0:
                raise _cant_parse("can't find end of a URL", source, i)
            start, _ = link_start
            entities.append(
                {
                    "type": "text_link",
                    "offset": start,
                    "length": pos - start,
                    "url": source[i + 2 : end],
                }
            )
            link_start = None
            i = end + 1
            continue
        if ch == ">" and (i == 0 or source[i - 1] == "\n"):
            i += 1
            continue
        if ch in _MD2_RESERVED:
            raise _cant_parse(
                f"character '{ch}' is reserved and must be escaped with the preceding '\\'",
                source,
                i,
            )
        emit(ch)
        i += 1
    if open_marks or link_start is not None:
        at = min([at for _, at in open_marks.values()] + ([link_start[1]] if link_start else []))
        raise _cant_parse("can't find end of the entity starting", source, at)
    return "".join(out), entities


def parse_markdown(source: str) -> tuple[str, list[dict[str, Any]]]:
    """Telegram's legacy Markdown: *bold*, _italic_, `code`, [text](url); nothing left open."""
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    i = 0
    kinds = {"*": "bold", "_": "italic", "`": "code"}
    while i < len(source):
        ch = source[i]
        if ch in kinds:
            end = source.find(ch, i + 1)
            if end < 0:
                raise _cant_parse("can't find end of the entity starting", source, i)
            body = source[i + 1 : end]
            entities.append({"type": kinds[ch], "offset": pos, "length": utf16_len(body)})
            out.append(body)
            pos += utf16_len(body)
            i = end + 1
            continue
        if ch == "[":
            match = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(source, i)
            if match is None:
                raise _cant_parse("can't find end of the entity starting", source, i)
            body = match.group(1)
            entities.append(
                {
                    "type": "text_link",
                    "offset": pos,
                    "length": utf16_len(body),
                    "url": match.group(2),
                }
            )
            out.append(body)
            pos += utf16_len(body)
            i = match.end()
            continue
        out.append(ch)
        pos += utf16_len(ch)
        i += 1
    return "".join(out), entities


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None
) -> tuple[str, list[dict[str, Any]]]:
    """The plain text and entities Telegram would store for (text, parse_mode, entities)."""
    if entities:
        return text, list(entities)
    mode = (parse_mode or "").lower()
    if mode == "html":
        return parse_html(text)
    if mode == "markdownv2":
        return parse_markdown_v2(text)
    if mode == "markdown":
        return parse_markdown(text)
    if mode:
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    return text, []


# ------------------------------------------------------------------ the server


@dataclass
class _StoredMessage:
    json: dict[str, Any]
    sent: SentMessage | None = None  # set when the bot sent it
    deleted: bool = False


@dataclass
class _Topic:
    message_thread_id: int
    name: str
    icon_color: int
    icon_custom_emoji_id: str | None = None
    closed: bool = False


@dataclass
class _File:
    file_id: str
    file_unique_id: str
    content: bytes
    file_path: str


@dataclass
class _Failure:
    error_code: int
    description: str
    retry_after: int | None
    times: int


Handler = Callable[[dict[str, Any]], Awaitable[Any]]


class FakeTelegramAPI:
    """A Bot API server on 127.0.0.1 (random port) with scriptable users; see module docs."""

    def __init__(
        self,
        token: str = "123456:TEST",
        bot_username: str = "kefu_test_bot",
        *,
        bot_first_name: str = "Kefu Test",
        webhook_attempts: int = 3,
        webhook_retry_delay: float = 0.05,
    ) -> None:
        if ":" not in token:
            raise ValueError("a bot token looks like '<bot id>:<secret>'")
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.webhook_attempts = webhook_attempts
        self.webhook_retry_delay = webhook_retry_delay

        self.calls: list[Call] = []
        #: Updates never delivered: filtered by allowed_updates, or the webhook kept failing.
        self.dropped_updates: list[dict[str, Any]] = []
        #: Updates the webhook accepted (2xx), in order.
        self.delivered_updates: list[dict[str, Any]] = []
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        #: The bot's reaction on each message it reacted to: (chat_id, message_id) → emoji
        #: (an empty list once it took its reaction back).
        self.reactions: dict[tuple[int, int], list[str]] = {}

        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._members: dict[tuple[int, int], str] = {}
        self._blocked_by: set[int] = set()
        self._left_chats: set[int] = set()
        self._messages: dict[int, dict[int, _StoredMessage]] = {}
        self._last_message_id: dict[int, int] = {}
        self._bot_messages: dict[int, list[SentMessage]] = {}
        self._seen: dict[int, int] = {}
        self._reply_keyboards: dict[int, dict[str, Any] | None] = {}
        self._topics: dict[int, dict[int, _Topic]] = {}
        self._files: dict[str, _File] = {}
        self._callbacks: dict[str, dict[str, Any]] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._returned_calls: set[int] = set()

        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._poll_generation = 0
        self._webhook: dict[str, Any] | None = None
        self._webhook_error: tuple[int, str] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._webhook_session: ClientSession | None = None

        self._changed = asyncio.Event()
        self._chat_waiters: dict[int, list[asyncio.Future[None]]] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Handler] = self._method_table()

    # ---------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("FakeTelegramAPI is not started")
        return f"http://127.0.0.1:{self._port}"

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(
            app, shutdown_timeout=1.0, handler_cancellation=True, access_log=None
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        self._webhook_session = ClientSession(timeout=ClientTimeout(total=10))
        logger.debug("fake Telegram Bot API listening on %s", self.base_url)

    async def stop(self) -> None:
        self._closing = True
        self._poke()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._webhook_session is not None:
            await self._webhook_session.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._runner = None

    async def __aenter__(self) -> FakeTelegramAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    def _poke(self) -> None:
        """Wake everything waiting for a change; later waiters wait on a fresh event."""
        self._changed.set()
        self._changed = asyncio.Event()

    # ---------------------------------------------------------------- chats and users

    def add_chat(
        self,
        chat_id: int,
        *,
        type: str = "supergroup",
        title: str | None = "客服工作台",
        is_forum: bool = False,
        username: str | None = None,
        bot_status: str = "administrator",
    ) -> dict[str, Any]:
        """Register a group/supergroup/channel (private chats appear when a user writes)."""
        chat: dict[str, Any] = {"id": chat_id, "type": type}
        if type == "private":
            chat["first_name"] = title or "User"
        else:
            chat["title"] = title or "Group"
        if is_forum:
            chat["is_forum"] = True
            self._topics.setdefault(chat_id, {})
        if username:
            chat["username"] = username
        self._chats[chat_id] = chat
        self._members[(chat_id, self.bot_id)] = bot_status
        self._left_chats.discard(chat_id)
        return chat

    def set_chat_member(self, chat_id: int, user_id: int, status: str = "member") -> None:
        """What getChatMember answers for this user (creator/administrator/member/left/kicked)."""
        self._members[(chat_id, user_id)] = status

    def add_user(
        self,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        """Register a user (their name shows in every message and button press of theirs)."""
        user = self._user(user_id, first_name, language_code, username)
        if last_name:
            user["last_name"] = last_name
        return user

    def user_blocks_bot(self, user_id: int) -> None:
        """From now on, sending to this user's private chat answers 403 like Telegram."""
        self._blocked_by.add(user_id)

    def user_unblocks_bot(self, user_id: int) -> None:
        self._blocked_by.discard(user_id)

    def topics(self, chat_id: int) -> dict[int, dict[str, Any]]:
        """The forum topics of a chat: thread id -> {name, icon_color, closed}."""
        return {
            tid: {"name": t.name, "icon_color": t.icon_color, "closed": t.closed}
            for tid, t in self._topics.get(chat_id, {}).items()
        }

    def _user(
        self,
        user_id: int,
        first_name: str | None,
        language_code: str | None,
        username: str | None = None,
    ) -> dict[str, Any]:
        user = self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or "小明",
        }
        if first_name:
            user["first_name"] = first_name
        if language_code:
            user["language_code"] = language_code
        if username:
            user["username"] = username
        self._users[user_id] = user
        return user

    def _chat_for_user(
        self, user: dict[str, Any], chat_id: int | None, chat_type: str
    ) -> dict[str, Any]:
        if chat_type == "private":
            if chat_id not in (None, user["id"]):
                raise ValueError("a private chat's id is the user's id")
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            if "username" in user:
                chat["username"] = user["username"]
            self._chats[user["id"]] = chat
            return chat
        if chat_id is None:
            raise ValueError(f"a {chat_type} chat needs chat_id")
        if chat_id not in self._chats:
            self.add_chat(chat_id, type=chat_type)
        self._members.setdefault((chat_id, user["id"]), "member")
        return self._chats[chat_id]

    def _next_message_id(self, chat_id: int) -> int:
        self._last_message_id[chat_id] = self._last_message_id.get(chat_id, 0) + 1
        return self._last_message_id[chat_id]

    # ---------------------------------------------------------------- what users do

    def _user_message(
        self,
        content: dict[str, Any],
        *,
        user_id: int,
        chat_id: int | None,
        first_name: str | None,
        language_code: str | None,
        chat_type: str,
        message_thread_id: int | None,
        reply_to_message_id: int | None = None,
        username: str | None = None,
    ) -> int:
        user = self._user(user_id, first_name, language_code, username)
        chat = self._chat_for_user(user, chat_id, chat_type)
        message_id = self._next_message_id(chat["id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(chat),
            "from": dict(user),
            **content,
        }
        if message_thread_id is not None:
            topic = self._topics.get(chat["id"], {}).get(message_thread_id)
            if chat.get("is_forum") and topic is None and message_thread_id != 1:
                raise ValueError(f"chat {chat['id']} has no topic {message_thread_id}")
            message["message_thread_id"] = message_thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if reply_to_message_id is not None:
            replied = self._messages.get(chat["id"], {}).get(reply_to_message_id)
            if replied is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat['id']}")
            message["reply_to_message"] = _without_reply(replied.json)
        self._messages.setdefault(chat["id"], {})[message_id] = _StoredMessage(message)
        self._enqueue("message", message)
        return message_id

    def user_says(
        self,
        text: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str | None = "小明",
        language_code: str | None = "zh-hans",
        chat_type: str = "private",
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        username: str | None = None,
    ) -> int:
        """The user sends a text message; returns its message_id."""
        content: dict[str, Any] = {"text": text}
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        return self._user_message(
            content,
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
            reply_to_message_id=reply_to_message_id,
            username=username,
        )

    def user_shares_contact(
        self,
        phone: str,
        *,
        user_id: int = DEFAULT_USER_ID,
        contact_user_id: int | None = None,
        include_user_id: bool = True,
        first_name: str | None = "小明",
        chat_id: int | None = None,
        chat_type: str = "private",
    ) -> int:
        """The user shares a contact: their own by default; pass contact_user_id to spoof one,
        include_user_id=False for a phone-book contact that is not on Telegram."""
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or "小明"}
        if include_user_id:
            contact["user_id"] = user_id if contact_user_id is None else contact_user_id
        return self._user_message(
            {"contact": contact},
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            language_code=None,
            chat_type=chat_type,
            message_thread_id=None,
        )

    def _new_file(self, kind: str, content: bytes, extension: str) -> _File:
        unique = secrets.token_hex(6)
        file = _File(
            file_id=f"{kind.upper()}-{unique}-{secrets.token_urlsafe(12)}",
            file_unique_id=f"U{unique}",
            content=content,
            file_path=f"{kind}s/file_{len(self._files)}.{extension}",
        )
        self._files[file.file_id] = file
        return file

    def _media_user_message(
        self,
        content: dict[str, Any],
        caption: str | None,
        *,
        user_id: int,
        chat_id: int | None,
        chat_type: str,
        message_thread_id: int | None,
    ) -> int:
        if caption is not None:
            content["caption"] = caption
        return self._user_message(
            content,
            user_id=user_id,
            chat_id=chat_id,
            first_name=None,
            language_code=None,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_sends_photo(
        self,
        *,
        user_id: int = DEFAULT_USER_ID,
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
        content: bytes = b"\x89PNG fake photo",
    ) -> int:
        file = self._new_file("photo", content, "jpg")
        sizes = [
            {
                "file_id": f"{file.file_id}-s",
                "file_unique_id": f"{file.file_unique_id}s",
                "width": 90,
                "height": 90,
                "file_size": len(content),
            },
            {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "width": 800,
                "height": 800,
                "file_size": len(content),
            },
        ]
        self._files[sizes[0]["file_id"]] = file
        return self._media_user_message(
            {"photo": sizes},
            caption,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_sends_sticker(
        self,
        *,
        user_id: int = DEFAULT_USER_ID,
        emoji: str = "👍",
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
    ) -> int:
        file = self._new_file("sticker", b"RIFF fake webp", "webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": len(file.content),
        }
        return self._media_user_message(
            {"sticker": sticker},
            None,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_sends_voice(
        self,
        *,
        user_id: int = DEFAULT_USER_ID,
        duration: int = 3,
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
    ) -> int:
        file = self._new_file("voice", b"OggS fake voice", "oga")
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(file.content),
        }
        return self._media_user_message(
            {"voice": voice},
            None,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_sends_document(
        self,
        *,
        user_id: int = DEFAULT_USER_ID,
        file_name: str = "收据.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
        content: bytes = b"%PDF-1.4 fake",
    ) -> int:
        file = self._new_file("document", content, file_name.rsplit(".", 1)[-1] or "bin")
        document = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": len(content),
        }
        return self._media_user_message(
            {"document": document},
            caption,
            user_id=user_id,
            chat_id=chat_id,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_sends_album(
        self,
        count: int = 3,
        *,
        user_id: int = DEFAULT_USER_ID,
        caption: str | None = None,
        kind: str = "photo",
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
    ) -> list[int]:
        """An album: ``count`` photos (or documents) sent together, each its own message and
        update with one shared media_group_id, the caption on the first (as Telegram does)."""
        if not 2 <= count <= 10:
            raise ValueError("an album has 2-10 items")
        group = str(secrets.randbits(60))
        ids = []
        for n in range(count):
            if kind == "photo":
                file = self._new_file("photo", f"photo {n}".encode(), "jpg")
                media: Any = [
                    {
                        "file_id": file.file_id,
                        "file_unique_id": file.file_unique_id,
                        "width": 800,
                        "height": 800,
                        "file_size": len(file.content),
                    }
                ]
            else:
                file = self._new_file("document", f"doc {n}".encode(), "pdf")
                media = {
                    "file_id": file.file_id,
                    "file_unique_id": file.file_unique_id,
                    "file_name": f"file{n}.pdf",
                    "file_size": len(file.content),
                }
            content: dict[str, Any] = {kind: media, "media_group_id": group}
            ids.append(
                self._media_user_message(
                    content,
                    caption if n == 0 else None,
                    user_id=user_id,
                    chat_id=chat_id,
                    chat_type=chat_type,
                    message_thread_id=message_thread_id,
                )
            )
        return ids

    def user_forwards(
        self,
        text: str,
        *,
        origin_user_id: int,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        message_thread_id: int | None = None,
    ) -> int:
        """The user forwards a text message that ``origin_user_id`` wrote (forward_origin set,
        entities of a leading /command kept, as a client does)."""
        origin = self._users.get(origin_user_id) or {
            "id": origin_user_id,
            "is_bot": False,
            "first_name": f"user{origin_user_id}",
        }
        content: dict[str, Any] = {
            "text": text,
            "forward_origin": {"type": "user", "sender_user": dict(origin),
                               "date": int(time.time()) - 60},
        }
        command = re.match(r"/[A-Za-z0-9_]+(@[A-Za-z0-9_]+)?", text)
        if command:
            content["entities"] = [
                {"type": "bot_command", "offset": 0, "length": utf16_len(command.group(0))}
            ]
        return self._user_message(
            content,
            user_id=user_id,
            chat_id=chat_id,
            first_name=None,
            language_code=None,
            chat_type=chat_type,
            message_thread_id=message_thread_id,
        )

    def user_presses(
        self,
        callback_data: str,
        *,
        message_id: int,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        first_name: str | None = None,
        forged: bool = False,
    ) -> str:
        """The user presses the inline button with this callback_data under a bot message.

        Like a real client, only a button that is on the message (as it is now) can be pressed;
        anything else is a test bug and raises AssertionError. ``forged=True`` plays a modified
        client that sends any callback_data under the message. Returns the callback query id.
        """
        chat_id = user_id if chat_id is None else chat_id
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted or stored.sent is None:
            raise AssertionError(f"no bot message {message_id} in chat {chat_id} to press on")
        buttons = [b for row in stored.sent.inline_buttons for b in row]
        if not forged and not any(b.callback_data == callback_data for b in buttons):
            raise AssertionError(
                f"message {message_id} has no button with callback_data {callback_data!r}; "
                f"buttons: {[(b.text, b.callback_data) for b in buttons]}"
            )
        user = self._user(user_id, first_name, None)
        query_id = str(secrets.randbits(63))
        query = {
            "id": query_id,
            "from": dict(user),
            "message": copy.deepcopy(stored.json),
            "chat_instance": str(abs(hash((chat_id, self.bot_id)))),
            "data": callback_data,
        }
        self._callbacks[query_id] = {"answered": False}
        self._enqueue("callback_query", query)
        return query_id

    def user_presses_button(
        self, message: SentMessage, text_substring: str, *, user_id: int | None = None
    ) -> str:
        """Press the inline button whose text contains `text_substring` on `message`."""
        button = message.button(text_substring)
        if button.callback_data is None:
            raise AssertionError(f"button {button.text!r} is a URL button, not a callback")
        return self.user_presses(
            button.callback_data,
            message_id=message.message_id,
            chat_id=message.chat_id,
            user_id=message.chat_id if user_id is None else user_id,
        )

    def user_sends(
        self,
        content: dict[str, Any],
        *,
        user_id: int = DEFAULT_USER_ID,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> int:
        """Any message content (a location, a poll, dice, a venue…) sent by this user, stored
        and queued as the helpers above do; returns its message id. Files in it (any object
        with a ``file_id``) become files the fake knows, as Telegram knows what users send."""

        def register(value: Any) -> None:
            if isinstance(value, dict):
                if isinstance(value.get("file_id"), str) and value["file_id"] not in self._files:
                    self._files[value["file_id"]] = _File(
                        file_id=value["file_id"],
                        file_unique_id=str(value.get("file_unique_id", value["file_id"])),
                        content=b"user file",
                        file_path=f"documents/file_{len(self._files)}.bin",
                    )
                for item in value.values():
                    register(item)
            elif isinstance(value, list):
                for item in value:
                    register(item)

        register(content)
        return self._user_message(
            dict(content),
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            language_code=language_code,
            chat_type=chat_type,
            message_thread_id=None,
        )

    def user_presses_inline(self, callback_data: str, *, user_id: int = DEFAULT_USER_ID) -> str:
        """A button press that comes with no message (a button under an inline-mode message,
        ``inline_message_id``): any data. Returns the callback query id."""
        user = self._user(user_id, None, None)
        query_id = str(secrets.randbits(63))
        self._callbacks[query_id] = {"answered": False}
        self._enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": dict(user),
                "inline_message_id": f"inline-{query_id}",
                "chat_instance": str(abs(hash((user_id, self.bot_id)))),
                "data": callback_data,
            },
        )
        return query_id

    def take_updates(self) -> list[dict[str, Any]]:
        """The queued updates, removed from the queue: for a test that feeds them to the
        dispatcher itself (``dp.feed_raw_update``) instead of polling."""
        taken, self._updates = self._updates, []
        return taken

    def enqueue_update(self, update_type: str, payload: dict[str, Any]) -> int:
        """Queue any raw update (e.g. edited_message, my_chat_member); returns its update_id."""
        return self._enqueue(update_type, payload)

    def _enqueue(self, update_type: str, payload: dict[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, update_type: payload})
        self._poke()
        return update_id

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        return list(self._updates)

    # ---------------------------------------------------------------- what the bot did

    async def wait_for_bot_message(self, chat_id: int, after: int) -> None:
        """Until the bot has sent more than ``after`` messages to this chat (counted as
        :meth:`messages` counts them). Wakes only this chat's waiters: the load benchmark has
        a thousand customers waiting at once (wrap it in ``asyncio.timeout``)."""
        while len(self.messages(chat_id)) <= after:
            waiter = asyncio.get_running_loop().create_future()
            self._chat_waiters.setdefault(chat_id, []).append(waiter)
            await waiter

    def messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in this chat as they are now (edits applied, deleted left out)."""
        return [m for m in self._bot_messages.get(chat_id, []) if not m.deleted]

    def current_reply_keyboard(self, chat_id: int) -> list[list[ReplyButton]] | None:
        """The reply keyboard the user currently sees in this chat, if any."""
        markup = self._reply_keyboards.get(chat_id)
        if not markup:
            return None
        return [[_reply_button(b) for b in row] for row in markup["keyboard"]]

    def fail_next(
        self,
        method: str,
        error_code: int = 429,
        description: str | None = None,
        retry_after: int | None = None,
        *,
        times: int = 1,
    ) -> None:
        """The next `times` calls of `method` fail with this error (nothing else happens).

        429 carries parameters.retry_after (default 1); other codes carry it only if given.
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            description = {
                429: f"Too Many Requests: retry after {retry_after}",
                400: "Bad Request",
                403: "Forbidden: bot was blocked by the user",
                409: "Conflict",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(error_code, "Error")
        self._failures.setdefault(method.lower(), deque()).append(
            _Failure(error_code, description, retry_after, times)
        )

    # The waits take a plain `timeout` on purpose: it is the assertion's deadline, and the
    # tests read better with `await fake.wait_for_messages(chat, timeout=5)`.
    async def _wait_until(self, ready: Callable[[], Any], timeout: float) -> Any:  # noqa: ASYNC109
        try:
            async with asyncio.timeout(timeout):
                while not (result := ready()):
                    await self._changed.wait()
                return result
        except TimeoutError:
            return None

    async def wait_for_messages(
        self,
        chat_id: int,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[SentMessage]:
        """The next `count` messages the bot sends to this chat since the last wait, in order."""

        def ready() -> list[SentMessage] | None:
            new = self._bot_messages.get(chat_id, [])[self._seen.get(chat_id, 0) :]
            return new[:count] if len(new) >= count else None

        found = await self._wait_until(ready, timeout)
        if found is None:
            seen = self._bot_messages.get(chat_id, [])[self._seen.get(chat_id, 0) :]
            raise AssertionError(
                self._timeout_report(
                    f"waited {timeout}s for {count} new bot message(s) in chat {chat_id}, "
                    f"got {len(seen)}: {seen}"
                )
            )
        self._seen[chat_id] = self._seen.get(chat_id, 0) + count
        return found

    async def wait_until(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition"  # noqa: ASYNC109
    ) -> Any:
        """Wait until `predicate()` is truthy (checked after every API call, user action and
        webhook delivery) and return its value; AssertionError on timeout."""
        found = await self._wait_until(predicate, timeout)
        if not found:
            raise AssertionError(self._timeout_report(f"waited {timeout}s for {what}"))
        return found

    async def assert_no_new_messages(self, chat_id: int, wait: float = 0.3) -> None:
        """Give the bot `wait` seconds and check it sent this chat nothing new."""
        await asyncio.sleep(wait)
        new = self._bot_messages.get(chat_id, [])[self._seen.get(chat_id, 0) :]
        if new:
            raise AssertionError(f"expected no new messages in chat {chat_id}, got {new}")

    async def wait_for_call(
        self,
        method: str,
        timeout: float = 10.0,  # noqa: ASYNC109
        predicate: Callable[[Call], bool] | None = None,
    ) -> Call:
        """The first call of `method` (matching `predicate`) not returned by an earlier wait;
        calls made before this wait count too."""
        wanted = method.lower()

        def ready() -> Call | None:
            for index, call in enumerate(self.calls):
                if (
                    index not in self._returned_calls
                    and call.method.lower() == wanted
                    and (predicate is None or predicate(call))
                ):
                    self._returned_calls.add(index)
                    return call
            return None

        found = await self._wait_until(ready, timeout)
        if found is None:
            raise AssertionError(self._timeout_report(f"waited {timeout}s for a {method} call"))
        return found

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method.lower() == method.lower()]

    def _timeout_report(self, headline: str) -> str:
        lines = [headline, "last API calls:"]
        lines += [f"  {c!r}" for c in self.calls[-15:] if c.method != "getUpdates"] or ["  none"]
        if self._updates:
            lines.append(f"updates not yet fetched/confirmed: {self._updates}")
        if self.dropped_updates:
            lines.append(f"dropped updates (allowed_updates/webhook): {self.dropped_updates}")
        return "\n".join(lines)

    # ---------------------------------------------------------------- HTTP layer

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for file in self._files.values():
            if file.file_path == path:
                return web.Response(body=file.content)
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _handle_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        try:
            params = await _read_params(request)
        except ApiError as exc:
            self.calls.append(Call(method, {}, False, exc.error_code, exc.description))
            return _error_response(exc)
        call = await self.call(method, params)
        if call.ok:
            return web.json_response({"ok": True, "result": call.result})
        assert call.error_code is not None and call.description is not None
        return _error_response(ApiError(call.error_code, call.description, call.retry_after))

    async def call(self, method: str, params: dict[str, Any]) -> Call:
        """Run one API method as if it arrived over HTTP (also used for webhook replies)."""
        call = Call(method, params)
        self.calls.append(call)
        try:
            failure = self._take_failure(method)
            if failure is not None:
                raise ApiError(failure.error_code, failure.description, failure.retry_after)
            handler = self._handlers.get(method.lower())
            call.result = True if handler is None else await handler(params)
        except ApiError as exc:
            call.ok = False
            call.error_code = exc.error_code
            call.description = exc.description
            call.retry_after = exc.retry_after
        self._poke()
        return call

    def _take_failure(self, method: str) -> _Failure | None:
        queue = self._failures.get(method.lower())
        if not queue:
            return None
        failure = queue[0]
        failure.times -= 1
        if failure.times <= 0:
            queue.popleft()
        return failure

    def _method_table(self) -> dict[str, Handler]:
        table: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMessageReaction": self._set_message_reaction,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "copyMessage": self._copy_message,
            "copyMessages": self._copy_messages,
            "forwardMessage": self._forward_message,
            "getFile": self._get_file,
            "sendMediaGroup": self._send_media_group,
            "createForumTopic": self._create_forum_topic,
            "editForumTopic": self._edit_forum_topic,
            "closeForumTopic": self._close_forum_topic,
            "reopenForumTopic": self._reopen_forum_topic,
            "deleteForumTopic": self._delete_forum_topic,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "leaveChat": self._leave_chat,
        }
        for name, kind in MEDIA_METHODS.items():
            table[name] = self._media_sender(name, kind)
        return {name.lower(): handler for name, handler in table.items()}

    # ---------------------------------------------------------------- updates and webhook

    async def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def _confirm(self, offset: int | None) -> None:
        if offset is not None and offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]

    def _deliverable(self) -> list[dict[str, Any]]:
        kept = []
        for update in self._updates:
            kind = next(k for k in update if k != "update_id")
            if kind in self._allowed_updates:
                kept.append(update)
            else:
                self.dropped_updates.append(update)
        self._updates = kept
        return kept

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        allowed = params.get("allowed_updates")
        if allowed is not None:
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        offset = params.get("offset")
        limit = max(1, min(int(params.get("limit") or 100), 100))
        timeout = max(0, int(params.get("timeout") or 0))
        self._confirm(offset)
        self._poll_generation += 1
        generation = self._poll_generation
        self._poke()  # an older long poll is now terminated

        def ready() -> list[dict[str, Any]] | str | None:
            if self._poll_generation != generation:
                return "conflict"
            if self._closing or self._webhook is not None:
                return "closing"
            self._confirm(offset)
            return self._deliverable()[:limit] or None

        result = self._deliverable()[:limit] or await self._wait_until(ready, timeout)
        if result == "conflict":
            raise ApiError(
                409,
                "Conflict: terminated by other getUpdates request; make sure "
                "that only one bot instance is running",
            )
        return result if isinstance(result, list) else []

    async def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = _require(params, "url", allow_empty=True)
        if not url:
            return await self._delete_webhook(params)
        if not re.match(r"https?://", url):
            raise _bad("bad webhook: an HTTP(S) URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self._updates.clear()
        if params.get("allowed_updates") is not None:
            allowed = params["allowed_updates"]
            self._allowed_updates = frozenset(allowed) if allowed else DEFAULT_UPDATE_TYPES
        self._webhook = {
            "url": url,
            "secret_token": secret,
            "max_connections": params.get("max_connections") or 40,
        }
        self._webhook_error = None
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._deliver_webhook())
        return True

    async def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self._webhook = None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        task, self._webhook_task = self._webhook_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._poke()
        return True

    async def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._webhook:
            info["max_connections"] = self._webhook["max_connections"]
            if self._allowed_updates != DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self._allowed_updates)
        if self._webhook_error:
            info["last_error_date"], info["last_error_message"] = self._webhook_error
        return info

    async def _deliver_webhook(self) -> None:
        while self._webhook is not None and not self._closing:
            pending = await self._wait_until(
                lambda: self._closing or self._webhook is None or self._deliverable(), 60
            )
            if not isinstance(pending, list) or self._webhook is None:
                continue
            update = pending[0]
            if await self._post_update(update):
                self.delivered_updates.append(update)
            else:
                self.dropped_updates.append(update)
            with contextlib.suppress(ValueError):
                self._updates.remove(update)
            self._poke()

    async def _post_update(self, update: dict[str, Any]) -> bool:
        assert self._webhook is not None and self._webhook_session is not None
        headers = {}
        if self._webhook["secret_token"]:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self._webhook["secret_token"]
        for attempt in range(self.webhook_attempts):
            if attempt:
                await asyncio.sleep(self.webhook_retry_delay * 2 ** (attempt - 1))
            try:
                async with self._webhook_session.post(
                    self._webhook["url"], json=update, headers=headers
                ) as response:
                    body = await response.read()
                    content_type = response.headers.get("Content-Type", "")
                    if 200 <= response.status < 300:
                        await self._run_webhook_reply(body, content_type)
                        return True
                    error = f"Wrong response from the webhook: {response.status} {response.reason}"
            except (ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}"
            self._webhook_error = (int(time.time()), error)
            logger.debug("webhook delivery of update %s failed: %s", update["update_id"], error)
        return False

    async def _run_webhook_reply(self, body: bytes, content_type: str) -> None:
        """A webhook may answer with one method call in its body; Telegram runs it."""
        params: dict[str, Any] = {}
        if content_type.startswith("multipart/form-data"):
            raw, files = _parse_multipart(body, content_type)
            params = _decode_params(raw, files)
        elif content_type.startswith("application/json") and body.strip():
            with contextlib.suppress(ValueError):
                loaded = json.loads(body)
                params = loaded if isinstance(loaded, dict) else {}
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            await self.call(method, params)

    # ---------------------------------------------------------------- chats

    def _resolve_chat(self, value: Any, *, for_sending: bool = False) -> dict[str, Any]:
        if isinstance(value, str) and value.startswith("@"):
            for chat in self._chats.values():
                if chat.get("username", "").lower() == value[1:].lower():
                    value = chat["id"]
                    break
        chat = self._chats.get(value) if isinstance(value, int) else None
        if chat is None:
            raise _bad("chat not found")
        if for_sending:
            if chat["type"] == "private" and chat["id"] in self._blocked_by:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            if chat["id"] in self._left_chats or self._members.get((chat["id"], self.bot_id)) in (
                "left",
                "kicked",
            ):
                raise ApiError(403, f"Forbidden: bot is not a member of the {chat['type']} chat")
        return chat

    async def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(_require(params, "chat_id"))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(_require(params, "chat_id"))
        user_id = _require(params, "user_id")
        if user_id == self.bot_id:
            user = self.bot_user
        else:
            user = self._users.get(user_id) or {
                "id": user_id,
                "is_bot": False,
                "first_name": f"user{user_id}",
            }
        default = "member" if chat["type"] == "private" and chat["id"] == user_id else "left"
        status = self._members.get((chat["id"], user_id), default)
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "creator":
            member["is_anonymous"] = False
        elif status == "administrator":
            member.update(
                {
                    right: True
                    for right in (
                        "can_manage_chat",
                        "can_delete_messages",
                        "can_manage_video_chats",
                        "can_restrict_members",
                        "can_promote_members",
                        "can_change_info",
                        "can_invite_users",
                        "can_post_stories",
                        "can_edit_stories",
                        "can_delete_stories",
                        "can_send_welcome_messages",
                        "can_manage_topics",
                        "can_pin_messages",
                    )
                },
                can_be_edited=False,
                is_anonymous=False,
            )
        elif status == "kicked":
            member["until_date"] = 0
        return member

    async def _leave_chat(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(_require(params, "chat_id"))
        if chat["type"] == "private":
            raise _bad("chat member status can't be changed in private chats")
        self._left_chats.add(chat["id"])
        self._members[(chat["id"], self.bot_id)] = "left"
        return True

    # ---------------------------------------------------------------- sending

    def _check_thread(self, chat: dict[str, Any], thread_id: int | None) -> None:
        if thread_id is None or not chat.get("is_forum") or thread_id == 1:
            return
        topic = self._topics.get(chat["id"], {}).get(thread_id)
        if topic is None:
            raise _bad("message thread not found")
        if topic.closed and self._members.get((chat["id"], self.bot_id)) not in (
            "administrator",
            "creator",
        ):
            raise _bad("TOPIC_CLOSED")

    def _reply_target(self, chat: dict[str, Any], params: dict[str, Any]) -> dict[str, Any] | None:
        reply = params.get("reply_parameters")
        if reply is None and params.get("reply_to_message_id") is not None:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply"),
            }
        if not reply:
            return None
        if not isinstance(reply, dict) or not isinstance(reply.get("message_id"), int):
            raise _bad("invalid reply parameters")
        chat_id = chat["id"]
        if reply.get("chat_id") is not None:
            chat_id = self._resolve_chat(reply["chat_id"])["id"]
        stored = self._messages.get(chat_id, {}).get(reply["message_id"])
        if stored is None or stored.deleted:
            if reply.get("allow_sending_without_reply"):
                return None
            raise _bad("message to be replied not found")
        return stored.json

    def _store_bot_message(
        self,
        chat: dict[str, Any],
        params: dict[str, Any],
        content: dict[str, Any],
        *,
        method: str,
        kind: str,
        text: str,
        raw_text: str | None,
        entities: list[dict[str, Any]],
        file_id: str | None = None,
        reply_markup: dict[str, Any] | None = None,
    ) -> tuple[dict[str, Any], SentMessage]:
        """Validate what every send method shares, store the message, return its JSON."""
        thread_id = params.get("message_thread_id")
        self._check_thread(chat, thread_id)
        replied = self._reply_target(chat, params)
        message_id = self._next_message_id(chat["id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": dict(chat),
            "from": self.bot_user,
            **content,
        }
        if thread_id is not None and (chat.get("is_forum") or chat["type"] == "private"):
            message["message_thread_id"] = thread_id
            if chat.get("is_forum"):
                message["is_topic_message"] = True
        if replied is not None:
            message["reply_to_message"] = _without_reply(replied)
        if reply_markup and "inline_keyboard" in reply_markup:
            message["reply_markup"] = reply_markup
        sent = SentMessage(
            message_id=message_id,
            chat_id=chat["id"],
            method=method,
            kind=kind,
            text=text,
            raw_text=raw_text,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            message_thread_id=thread_id,
            reply_to_message_id=(replied or {}).get("message_id"),
            reply_markup=reply_markup,
            file_id=file_id,
            media_group_id=content.get("media_group_id"),
        )
        self._messages.setdefault(chat["id"], {})[message_id] = _StoredMessage(message, sent)
        self._bot_messages.setdefault(chat["id"], []).append(sent)
        for waiter in self._chat_waiters.pop(chat["id"], []):
            if not waiter.done():
                waiter.set_result(None)
        if reply_markup and "keyboard" in reply_markup:
            self._reply_keyboards[chat["id"]] = reply_markup
        elif reply_markup and reply_markup.get("remove_keyboard"):
            self._reply_keyboards[chat["id"]] = None
        return message, sent

    async def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        raw = params.get("text") or ""
        text, entities = _checked_text(raw, params, "entities", MAX_TEXT_LENGTH)
        markup = _checked_markup(params.get("reply_markup"))
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        message, _ = self._store_bot_message(
            chat,
            params,
            content,
            method="sendMessage",
            kind="text",
            text=text,
            raw_text=raw,
            entities=entities,
            reply_markup=markup,
        )
        return message

    def _media_sender(self, method: str, kind: str) -> Handler:
        async def send(params: dict[str, Any]) -> dict[str, Any]:
            chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
            file = self._input_file(_require(params, kind), kind)
            caption_raw = params.get("caption")
            content: dict[str, Any] = {kind: _media_object(kind, file)}
            caption, entities = "", []
            if caption_raw:
                caption, entities = _checked_text(
                    caption_raw, params, "caption_entities", MAX_CAPTION_LENGTH, caption=True
                )
                content["caption"] = caption
                if entities:
                    content["caption_entities"] = entities
            message, _ = self._store_bot_message(
                chat,
                params,
                content,
                method=_canonical(method),
                kind=kind,
                text=caption,
                raw_text=caption_raw,
                entities=entities,
                file_id=file.file_id,
                reply_markup=_checked_markup(params.get("reply_markup")),
            )
            return message

        return send

    def _input_file(self, value: Any, kind: str) -> _File:
        if isinstance(value, UploadedFile):
            file = self._new_file(kind, value.content, value.filename.rsplit(".", 1)[-1])
            return file
        if not isinstance(value, str) or not value:
            raise _bad(f"there is no {kind} in the request")
        if value.startswith(("http://", "https://")):
            return self._new_file(kind, b"downloaded from " + value.encode(), "bin")
        file = self._files.get(value)
        if file is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        return file

    async def _send_media_group(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        media = _require(params, "media")
        if not isinstance(media, list) or not 2 <= len(media) <= 10:
            raise _bad("media must contain 2-10 items")
        kinds = {item.get("type") for item in media if isinstance(item, dict)}
        if not kinds <= {"photo", "video", "document", "audio"} or (
            len(kinds) > 1 and kinds & {"document", "audio"}
        ):
            raise _bad("documents and audio can only be grouped with their own kind")
        prepared = []
        for item in media:
            value = item.get("media")
            if isinstance(value, str) and value.startswith("attach://"):
                value = params.get(value.removeprefix("attach://"))
            file = self._input_file(value, item["type"])
            caption_raw = item.get("caption")
            caption, entities = "", []
            if caption_raw:
                caption, entities = _checked_text(
                    caption_raw, {"parse_mode": item.get("parse_mode")}, "caption_entities",
                    MAX_CAPTION_LENGTH, caption=True)
            prepared.append((item["type"], file, caption_raw, caption, entities))
        group_id = str(secrets.randbits(60))
        messages = []
        for kind, file, caption_raw, caption, entities in prepared:
            content: dict[str, Any] = {kind: _media_object(kind, file),
                                       "media_group_id": group_id}
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
            message, _ = self._store_bot_message(
                chat, {**params, "parse_mode": None}, content, method="sendMediaGroup",
                kind=kind, text=caption, raw_text=caption_raw, entities=entities,
                file_id=file.file_id,
            )
            messages.append(message)
        return messages

    async def _copy_message(self, params: dict[str, Any]) -> dict[str, int]:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        source_chat = self._resolve_chat(_require(params, "from_chat_id"))
        source = self._source_message(source_chat["id"], _require(params, "message_id"), "copy")
        sent = self._copy_one(chat, source_chat, source, params)
        return {"message_id": sent.message_id}

    async def _copy_messages(self, params: dict[str, Any]) -> list[dict[str, int]]:
        """Copies in order; an album stays an album (a new media_group_id in the target).
        Messages that cannot be found or copied are skipped, as Telegram does."""
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        source_chat = self._resolve_chat(_require(params, "from_chat_id"))
        ids = _require(params, "message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a list of 1-100 ids")
        if any(not isinstance(i, int) for i in ids) or ids != sorted(set(ids)):
            raise _bad("message identifiers must be specified in strictly increasing order")
        groups: dict[str, str] = {}
        copied = []
        for message_id in ids:
            try:
                source = self._source_message(source_chat["id"], message_id, "copy")
            except ApiError:
                continue
            group = source.get("media_group_id")
            if group is not None:
                group = groups.setdefault(group, str(secrets.randbits(60)))
            one = {k: v for k, v in params.items() if k != "caption"}
            if params.get("remove_caption"):
                one["caption"] = ""
            sent = self._copy_one(chat, source_chat, source, one, media_group_id=group)
            copied.append({"message_id": sent.message_id})
        return copied

    def _copy_one(
        self,
        chat: dict[str, Any],
        source_chat: dict[str, Any],
        source: dict[str, Any],
        params: dict[str, Any],
        *,
        media_group_id: str | None = None,
    ) -> SentMessage:
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        if "contact" in content or "text" in content or "sticker" in content:
            caption_raw = None
        else:
            caption_raw = params.get("caption")
        if caption_raw == "":
            content.pop("caption", None)
            content.pop("caption_entities", None)
            caption_raw = None
        if caption_raw is not None:
            caption, entities = _checked_text(
                caption_raw, params, "caption_entities", MAX_CAPTION_LENGTH, caption=True
            )
            content.pop("caption_entities", None)
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        if media_group_id is not None:
            content["media_group_id"] = media_group_id
        kind = _kind_of(content)
        text = content.get("text") or content.get("caption") or ""
        _, sent = self._store_bot_message(
            chat,
            params,
            content,
            method="copyMessage",
            kind=kind,
            text=text,
            raw_text=caption_raw if caption_raw is not None else text,
            entities=content.get("entities") or content.get("caption_entities") or [],
            file_id=_file_id_of(content),
            reply_markup=_checked_markup(params.get("reply_markup")),
        )
        sent.copied_from = (source_chat["id"], source["message_id"])
        return sent

    async def _forward_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        source_chat = self._resolve_chat(_require(params, "from_chat_id"))
        source = self._source_message(source_chat["id"], _require(params, "message_id"), "forward")
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        sender = source.get("from")
        if source_chat["type"] == "private" and sender is not None:
            origin: dict[str, Any] = {"type": "user", "sender_user": sender, "date": source["date"]}
        else:
            origin = {"type": "chat", "sender_chat": source_chat, "date": source["date"]}
        content["forward_origin"] = origin
        text = content.get("text") or content.get("caption") or ""
        message, sent = self._store_bot_message(
            chat,
            {"message_thread_id": params.get("message_thread_id")},
            content,
            method="forwardMessage",
            kind=_kind_of(content),
            text=text,
            raw_text=text,
            entities=content.get("entities") or content.get("caption_entities") or [],
            file_id=_file_id_of(content),
        )
        sent.forwarded_from = (source_chat["id"], params["message_id"])
        return message

    def _source_message(self, chat_id: int, message_id: int, verb: str) -> dict[str, Any]:
        stored = self._messages.get(chat_id, {}).get(message_id)
        if stored is None or stored.deleted:
            raise _bad(f"message to {verb} not found")
        if stored.json.get("forum_topic_created"):
            raise _bad(
                "message can't be copied" if verb == "copy" else "message can't be forwarded"
            )
        return stored.json

    async def _send_chat_action(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        action = _require(params, "action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self._check_thread(chat, params.get("message_thread_id"))
        return True

    async def _set_message_reaction(self, params: dict[str, Any]) -> bool:
        """Like Telegram for a bot: one of the standard emoji (a bot has no premium, so at most
        one reaction), on a message that exists in a chat the bot can write to."""
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        message_id = _require(params, "message_id")
        stored = self._messages.get(chat["id"], {}).get(message_id)
        if stored is None or stored.deleted:
            raise _bad("message to react not found")
        reaction = params.get("reaction") or []
        if not isinstance(reaction, list):
            raise _bad("can't parse reaction types JSON object")
        if len(reaction) > 1:
            raise _bad("REACTIONS_TOO_MANY")
        emoji = []
        for item in reaction:
            if not isinstance(item, dict) or item.get("type") != "emoji":
                raise _bad("REACTION_INVALID")
            if item.get("emoji") not in REACTION_EMOJI:
                raise _bad("REACTION_INVALID")
            emoji.append(item["emoji"])
        self.reactions[(chat["id"], message_id)] = emoji
        return True

    # ---------------------------------------------------------------- editing and deleting

    def _editable(self, params: dict[str, Any]) -> _StoredMessage:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")
        chat = self._resolve_chat(_require(params, "chat_id"))
        stored = self._messages.get(chat["id"], {}).get(_require(params, "message_id"))
        if stored is None or stored.deleted:
            raise _bad("message to edit not found")
        if stored.sent is None or stored.sent.method == "forwardMessage":
            raise _bad("message can't be edited")
        return stored

    def _apply_markup_edit(self, stored: _StoredMessage, markup: dict[str, Any] | None) -> None:
        assert stored.sent is not None
        old = stored.sent.reply_markup
        if old is None or "inline_keyboard" in old:
            stored.sent.reply_markup = markup
        if markup is None:
            stored.json.pop("reply_markup", None)
        else:
            stored.json["reply_markup"] = markup

    def _finish_edit(self, stored: _StoredMessage) -> dict[str, Any] | bool:
        assert stored.sent is not None
        stored.sent.edits += 1
        stored.json["edit_date"] = int(time.time())
        return stored.json

    async def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        stored = self._editable(params)
        assert stored.sent is not None
        if "text" not in stored.json:
            raise _bad("there is no text in the message to edit")
        raw = params.get("text") or ""
        text, entities = _checked_text(raw, params, "entities", MAX_TEXT_LENGTH)
        markup = _checked_markup(params.get("reply_markup"), inline_only=True)
        if (
            text == stored.json["text"]
            and entities == stored.json.get("entities", [])
            and markup == stored.json.get("reply_markup")
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        stored.json["text"] = text
        if entities:
            stored.json["entities"] = entities
        else:
            stored.json.pop("entities", None)
        stored.sent.text, stored.sent.raw_text, stored.sent.entities = text, raw, entities
        stored.sent.parse_mode = params.get("parse_mode")
        self._apply_markup_edit(stored, markup)
        return self._finish_edit(stored)

    async def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        stored = self._editable(params)
        assert stored.sent is not None
        if "text" in stored.json:
            raise _bad("there is no caption in the message to edit")
        raw = params.get("caption") or ""
        caption, entities = (
            ("", [])
            if not raw
            else _checked_text(raw, params, "caption_entities", MAX_CAPTION_LENGTH, caption=True)
        )
        markup = _checked_markup(params.get("reply_markup"), inline_only=True)
        if (
            caption == stored.json.get("caption", "")
            and markup == stored.json.get("reply_markup")
            and entities == stored.json.get("caption_entities", [])
        ):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        stored.json.pop("caption_entities", None)
        stored.json.pop("caption", None)
        if caption:
            stored.json["caption"] = caption
        if entities:
            stored.json["caption_entities"] = entities
        stored.sent.text, stored.sent.raw_text, stored.sent.entities = caption, raw, entities
        self._apply_markup_edit(stored, markup)
        return self._finish_edit(stored)

    async def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        stored = self._editable(params)
        markup = _checked_markup(params.get("reply_markup"), inline_only=True)
        if markup == stored.json.get("reply_markup"):
            raise _bad(NOT_MODIFIED.removeprefix("Bad Request: "))
        self._apply_markup_edit(stored, markup)
        return self._finish_edit(stored)

    async def _delete_message(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(_require(params, "chat_id"))
        self._delete_one(chat, _require(params, "message_id"))
        return True

    async def _delete_messages(self, params: dict[str, Any]) -> bool:
        chat = self._resolve_chat(_require(params, "chat_id"))
        ids = _require(params, "message_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
            raise _bad("message_ids must be a list of 1-100 ids")
        for message_id in ids:
            with contextlib.suppress(ApiError):
                self._delete_one(chat, message_id)
        return True

    def _delete_one(self, chat: dict[str, Any], message_id: int) -> None:
        stored = self._messages.get(chat["id"], {}).get(message_id)
        if stored is None or stored.deleted:
            raise _bad("message to delete not found")
        is_admin = self._members.get((chat["id"], self.bot_id)) in ("administrator", "creator")
        if stored.sent is None and chat["type"] != "private" and not is_admin:
            raise _bad("message can't be deleted")
        stored.deleted = True
        if stored.sent is not None:
            stored.sent.deleted = True

    async def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = _require(params, "callback_query_id")
        state = self._callbacks.get(query_id)
        if state is None or state["answered"]:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        if len(params.get("text") or "") > 200:
            raise _bad("MESSAGE_TOO_LONG")
        state["answered"] = True
        state["answer"] = params
        return True

    def callback_answer(self, query_id: str) -> dict[str, Any] | None:
        """The params of answerCallbackQuery for this query, or None if not answered yet."""
        return self._callbacks.get(query_id, {}).get("answer")

    # ---------------------------------------------------------------- commands, menu, files

    async def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = _require(params, "commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("commands must be a list of at most 100 commands")
        for command in commands:
            if not isinstance(command, dict) or not re.fullmatch(
                r"[a-z0-9_]{1,32}", str(command.get("command", ""))
            ):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("command description must be 1-256 characters")
        self.commands[_command_key(params)] = commands
        return True

    async def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(_command_key(params), [])

    async def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(_command_key(params), None)
        return True

    async def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            chat_id = self._resolve_chat(chat_id)["id"]
        button = params.get("menu_button") or {"type": "default"}
        if button.get("type") not in ("commands", "web_app", "default"):
            raise _bad("unsupported menu button type")
        self.menu_buttons[chat_id] = button
        return True

    async def _get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.menu_buttons.get(params.get("chat_id"), {"type": "default"})

    async def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        file = self._files.get(_require(params, "file_id"))
        if file is None:
            raise _bad("invalid file_id")
        return {
            "file_id": params["file_id"],
            "file_unique_id": file.file_unique_id,
            "file_size": len(file.content),
            "file_path": file.file_path,
        }

    # ---------------------------------------------------------------- forum topics

    def _forum(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._resolve_chat(_require(params, "chat_id"), for_sending=True)
        if not chat.get("is_forum"):
            raise _bad("the chat is not a forum")
        if self._members.get((chat["id"], self.bot_id)) not in ("administrator", "creator"):
            raise _bad("not enough rights to manage topics")
        return chat

    def _topic(self, chat: dict[str, Any], params: dict[str, Any]) -> _Topic:
        topic = self._topics.get(chat["id"], {}).get(_require(params, "message_thread_id"))
        if topic is None:
            raise _bad("TOPIC_ID_INVALID")
        return topic

    async def _create_forum_topic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat = self._forum(params)
        name = _require(params, "name")
        if not 1 <= len(name) <= 128:
            raise _bad("topic name must be 1-128 characters")
        icon_color = params.get("icon_color") or 0x6FB9F0
        if icon_color not in (0x6FB9F0, 0xFFD67E, 0xCB86DB, 0x8EEE98, 0xFF93B2, 0xFB6F5F):
            raise _bad("TOPIC_ICON_COLOR_INVALID")
        thread_id = self._next_message_id(chat["id"])
        topic = _Topic(thread_id, name, icon_color, params.get("icon_custom_emoji_id"))
        self._topics.setdefault(chat["id"], {})[thread_id] = topic
        created = {"name": name, "icon_color": icon_color}
        service = {
            "message_id": thread_id,
            "date": int(time.time()),
            "chat": dict(chat),
            "from": self.bot_user,
            "message_thread_id": thread_id,
            "forum_topic_created": created,
            "is_topic_message": True,
        }
        self._messages.setdefault(chat["id"], {})[thread_id] = _StoredMessage(service)
        result = {"message_thread_id": thread_id, "name": name, "icon_color": icon_color}
        if topic.icon_custom_emoji_id:
            result["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
        return result

    async def _edit_forum_topic(self, params: dict[str, Any]) -> bool:
        chat = self._forum(params)
        topic = self._topic(chat, params)
        name = params.get("name")
        emoji = params.get("icon_custom_emoji_id")
        if (name is None or name == topic.name) and (
            emoji is None or emoji == topic.icon_custom_emoji_id
        ):
            raise _bad("TOPIC_NOT_MODIFIED")
        if name is not None:
            if not 1 <= len(name) <= 128:
                raise _bad("topic name must be 1-128 characters")
            topic.name = name
        if emoji is not None:
            topic.icon_custom_emoji_id = emoji or None
        return True

    async def _close_forum_topic(self, params: dict[str, Any]) -> bool:
        topic = self._topic(self._forum(params), params)
        if topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = True
        return True

    async def _reopen_forum_topic(self, params: dict[str, Any]) -> bool:
        topic = self._topic(self._forum(params), params)
        if not topic.closed:
            raise _bad("TOPIC_NOT_MODIFIED")
        topic.closed = False
        return True

    async def _delete_forum_topic(self, params: dict[str, Any]) -> bool:
        chat = self._forum(params)
        topic = self._topic(chat, params)
        del self._topics[chat["id"]][topic.message_thread_id]
        for stored in self._messages.get(chat["id"], {}).values():
            if stored.json.get("message_thread_id") == topic.message_thread_id:
                stored.deleted = True
                if stored.sent is not None:
                    stored.sent.deleted = True
        return True


# ---------------------------------------------------------------------- helpers

_CONTENT_KEYS = frozenset(
    {
        "text",
        "entities",
        "caption",
        "caption_entities",
        "photo",
        "document",
        "voice",
        "sticker",
        "video",
        "audio",
        "animation",
        "contact",
        "location",
        "venue",
        "poll",
    }
)


def _kind_of(content: dict[str, Any]) -> str:
    for kind in (
        "photo",
        "document",
        "voice",
        "sticker",
        "video",
        "audio",
        "animation",
        "contact",
        "location",
        "venue",
        "poll",
    ):
        if kind in content:
            return kind
    return "text"


def _file_id_of(content: dict[str, Any]) -> str | None:
    kind = _kind_of(content)
    media = content.get(kind)
    if kind == "photo":
        return media[-1]["file_id"]
    if isinstance(media, dict):
        return media.get("file_id")
    return None


def _media_object(kind: str, file: _File) -> Any:
    base = {
        "file_id": file.file_id,
        "file_unique_id": file.file_unique_id,
        "file_size": len(file.content),
    }
    if kind == "photo":
        return [{**base, "width": 800, "height": 800}]
    if kind == "sticker":
        return {
            **base,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
    if kind in ("voice", "audio"):
        return {**base, "duration": 1}
    if kind in ("video", "animation"):
        return {**base, "width": 640, "height": 360, "duration": 1}
    return {**base, "file_name": file.file_path.rsplit("/", 1)[-1]}


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k != "reply_to_message"}


def _canonical(lowered: str) -> str:
    return "send" + lowered.removeprefix("send").capitalize()


def _command_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), params.get("language_code") or ""


def _require(params: dict[str, Any], name: str, *, allow_empty: bool = False) -> Any:
    value = params.get(name)
    if value is None or (value == "" and not allow_empty):
        raise _bad(f"{name} is empty")
    return value


def _checked_text(
    raw: Any, params: dict[str, Any], entities_param: str, limit: int, *, caption: bool = False
) -> tuple[str, list[dict[str, Any]]]:
    if not isinstance(raw, str):
        raise _bad("text must be a string")
    text, entities = format_text(raw, params.get("parse_mode"), params.get(entities_param))
    if not caption and not text.strip():
        raise _bad("message text is empty")
    if utf16_len(text) > limit:
        raise _bad("message caption is too long" if caption else "message is too long")
    return text, entities


def _checked_markup(markup: Any, *, inline_only: bool = False) -> dict[str, Any] | None:
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise _bad("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad(
                'can\'t parse inline keyboard: field "inline_keyboard" must be an array of arrays'
            )
        for button in (b for row in rows for b in row):
            if not isinstance(button, dict) or not button.get("text"):
                raise _bad("can't parse inline keyboard button: text is required")
            actions = [k for k in button if k != "text"]
            if len(actions) != 1:
                raise _bad(
                    "can't parse inline keyboard button: exactly one optional field must be used"
                )
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise _bad("BUTTON_DATA_INVALID")
            url = button.get("url")
            if url is not None and not re.match(r"(https?|tg)://", str(url)):
                raise _bad("BUTTON_URL_INVALID")
        return markup
    if inline_only:
        raise _bad("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) and r for r in rows):
            raise _bad('can\'t parse keyboard: field "keyboard" must be an array of arrays')
        for button in (b for row in rows for b in row):
            if not (isinstance(button, str) or (isinstance(button, dict) and button.get("text"))):
                raise _bad("can't parse keyboard button: text is required")
        return markup
    if markup.get("remove_keyboard") is True or markup.get("force_reply") is True:
        return markup
    raise _bad("can't parse reply keyboard markup JSON object")


def _error_response(exc: ApiError) -> web.Response:
    body: dict[str, Any] = {
        "ok": False,
        "error_code": exc.error_code,
        "description": exc.description,
    }
    if exc.retry_after is not None:
        body["parameters"] = {"retry_after": exc.retry_after}
    return web.json_response(body, status=exc.error_code)


async def _read_params(request: web.Request) -> dict[str, Any]:
    """Params from the query string and the body (form, multipart or JSON), decoded by name."""
    raw: dict[str, Any] = dict(request.query)
    files: dict[str, UploadedFile] = {}
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError as exc:
            raise _bad("can't parse JSON body") from exc
        if not isinstance(body, dict):
            raise _bad("JSON body must be an object")
        return {**_decode_params(raw, {}), **body}
    if content_type == "multipart/form-data":
        body_bytes = await request.read()
        form, files = _parse_multipart(body_bytes, request.headers["Content-Type"])
        raw.update(form)
    elif content_type == "application/x-www-form-urlencoded":
        raw.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
    return _decode_params(raw, files)


def _parse_multipart(
    body: bytes, content_type: str
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not name:
            continue
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[name] = UploadedFile(filename, payload)
        else:
            charset = part.get_content_charset() or "utf-8"
            fields[name] = payload.decode(charset)
    return fields, files


def _decode_params(raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, value in raw.items():
        if not isinstance(value, str):
            params[name] = value
        elif value.startswith("attach://") and value[9:] in files:
            params[name] = files[value[9:]]
        elif name in JSON_PARAMS:
            try:
                params[name] = json.loads(value)
            except ValueError as exc:
                if name == "reply_markup":
                    raise _bad("can't parse reply keyboard markup JSON object") from exc
                raise _bad(f"can't parse {name} JSON object") from exc
        elif name in INT_PARAMS or name in CHAT_ID_PARAMS:
            params[name] = _to_int(name, value)
        elif name in BOOL_PARAMS:
            params[name] = value.lower() in ("true", "1")
        else:
            params[name] = value
    for name, file in files.items():
        if name not in params and not any(v is file for v in params.values()):
            params[name] = file
    return params


def _to_int(name: str, value: str) -> int | str:
    if re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if name in CHAT_ID_PARAMS and value.startswith("@"):
        return value
    raise _bad(f"invalid {name} specified")
