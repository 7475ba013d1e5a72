"""The fake Bot API, driven by a real aiogram Bot and Dispatcher over aiogram's aiohttp session.

The routers here are tiny echo bots written for these tests, not Kefu's bot: they check that the
fake speaks the Bot API the way aiogram expects, so that the e2e tier can trust it.
"""

import asyncio
import html
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.filters import Command
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InputMediaPhoto,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiohttp import web

from tests.fakes.telegram_api import (
    Button,
    FakeTelegramAPI,
    ReplyButton,
    parse_html,
    parse_markdown_v2,
)

USER = 1001
DESK = -1009876543210


@pytest_asyncio.fixture
async def fake() -> AsyncIterator[FakeTelegramAPI]:
    async with FakeTelegramAPI(token="123456:TEST", bot_username="kefu_test_bot") as server:
        yield server


def make_bot(fake: FakeTelegramAPI, token: str | None = None) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))
    return Bot(token or fake.token, session=session,
               default=DefaultBotProperties(parse_mode="HTML"))


@pytest_asyncio.fixture
async def bot(fake: FakeTelegramAPI) -> AsyncIterator[Bot]:
    bot = make_bot(fake)
    try:
        yield bot
    finally:
        await bot.session.close()


def echo_router() -> Router:
    """A small bot: echoes text, shows buttons, reports contacts and the API errors it meets."""
    router = Router(name="echo")

    @router.message(Command("menu"))
    async def cmd_menu(message: Message) -> None:
        keyboard = InlineKeyboardBuilder()
        keyboard.button(text="✅ 确认换货", callback_data="exchange:confirm")
        keyboard.button(text="取消", callback_data="exchange:cancel")
        await message.answer("要换成 <b>M 码</b> 吗？", reply_markup=keyboard.as_markup())

    @router.message(Command("phone"))
    async def cmd_phone(message: Message) -> None:
        keyboard = ReplyKeyboardMarkup(
            keyboard=[[KeyboardButton(text="发送手机号", request_contact=True)]],
            resize_keyboard=True,
        )
        await message.answer("请分享手机号", reply_markup=keyboard)

    @router.message(Command("raw"))
    async def cmd_raw(message: Message) -> None:
        try:
            await message.answer(f"你说的是: {message.text.removeprefix('/raw ')}")
        except TelegramBadRequest as exc:
            await message.answer(html.escape(f"发送失败: {exc.message}"))

    @router.message(F.contact)
    async def handle_contact(message: Message) -> None:
        await message.answer(
            f"contact user_id={message.contact.user_id} from={message.from_user.id}",
            reply_markup=ReplyKeyboardRemove(),
        )

    @router.message(F.photo)
    async def handle_photo(message: Message) -> None:
        await message.answer(f"photo {message.photo[-1].file_id} {message.caption or ''}")

    @router.message(F.text)
    async def echo(message: Message) -> None:
        await message.answer(html.escape(message.text))

    @router.callback_query(F.data == "exchange:confirm")
    async def on_confirm(callback: CallbackQuery) -> None:
        await callback.answer("已提交")
        await callback.message.edit_text("换货申请已提交")

    return router


@asynccontextmanager
async def polling(bot: Bot, router: Router | None = None) -> AsyncIterator[Dispatcher]:
    dp = Dispatcher()
    dp.include_router(router or echo_router())
    task = asyncio.create_task(
        dp.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        yield dp
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(task, 10)


@asynccontextmanager
async def webhook_app(
    dp: Dispatcher, bot: Bot, *, secret: str | None = None, in_background: bool = True
) -> AsyncIterator[str]:
    app = web.Application()
    SimpleRequestHandler(dp, bot, handle_in_background=in_background,
                         secret_token=secret).register(app, path="/tg")
    setup_application(app, dp, bot=bot)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/tg"
    finally:
        await runner.cleanup()


# ---------------------------------------------------------------------- polling conversations


async def test_polling_delivers_user_message_and_echo_comes_back(fake, bot):
    async with polling(bot):
        sent_id = fake.user_says("我的订单到哪了 <急>")
        [reply] = await fake.wait_for_messages(USER)

    assert reply.text == "我的订单到哪了 <急>"  # the user sees the unescaped text
    assert reply.raw_text == "我的订单到哪了 &lt;急&gt;"
    assert reply.parse_mode == "HTML"
    assert reply.chat_id == USER
    assert reply.message_id == sent_id + 1
    assert [c.method for c in fake.calls][:2] == ["getMe", "getUpdates"]


async def test_inline_button_press_is_answered_and_edit_drops_the_keyboard(fake, bot):
    async with polling(bot):
        fake.user_says("/menu")
        [menu] = await fake.wait_for_messages(USER)
        assert menu.text == "要换成 M 码 吗？"
        assert menu.entities == [{"type": "bold", "offset": 4, "length": 3}]
        assert menu.inline_buttons == [[Button("✅ 确认换货", "exchange:confirm"),
                                        Button("取消", "exchange:cancel")]]

        query_id = fake.user_presses_button(menu, "确认")
        answer = await fake.wait_for_call("answerCallbackQuery")
        edit = await fake.wait_for_call("editMessageText")

    assert answer.params == {"callback_query_id": query_id, "text": "已提交"}
    assert fake.callback_answer(query_id) == answer.params
    assert edit.ok
    [current] = fake.messages(USER)
    assert current is menu and menu.edits == 1
    assert menu.text == "换货申请已提交"
    assert menu.inline_buttons == []  # editMessageText without reply_markup removes it


async def test_pressing_a_button_that_is_not_there_is_a_test_bug(fake, bot):
    fake.user_says("你好")
    async with polling(bot):
        [reply] = await fake.wait_for_messages(USER)
    with pytest.raises(AssertionError, match="no button with callback_data"):
        fake.user_presses("exchange:confirm", message_id=reply.message_id)
    with pytest.raises(AssertionError, match="no bot message 1"):
        fake.user_presses("x", message_id=1)  # the user's own message has no buttons


async def test_answering_a_callback_query_twice_is_rejected(fake, bot):
    fake.user_says("hi")
    sent = await bot.send_message(
        USER, "pick", reply_markup=InlineKeyboardBuilder().button(text="a", callback_data="a")
        .as_markup())
    query_id = fake.user_presses("a", message_id=sent.message_id)
    assert await bot.answer_callback_query(query_id) is True
    with pytest.raises(TelegramBadRequest, match="query is too old"):
        await bot.answer_callback_query(query_id)


async def test_contact_sharing_carries_the_contact_user_id(fake, bot):
    async with polling(bot):
        fake.user_says("/phone")
        [ask] = await fake.wait_for_messages(USER)
        assert ask.reply_buttons == [[ReplyButton("发送手机号", request_contact=True)]]
        assert fake.current_reply_keyboard(USER) == ask.reply_buttons

        fake.user_shares_contact("+8613800000000")
        fake.user_shares_contact("+8613900000000", contact_user_id=4242)
        own, spoofed = await fake.wait_for_messages(USER, count=2)

    assert own.text == f"contact user_id={USER} from={USER}"
    assert spoofed.text == f"contact user_id=4242 from={USER}"
    assert own.remove_keyboard
    assert fake.current_reply_keyboard(USER) is None


async def test_unescaped_html_reaches_the_bot_as_bad_request(fake, bot):
    async with polling(bot):
        fake.user_says("/raw 尺码 M<L & 颜色")
        [reply] = await fake.wait_for_messages(USER)

    assert reply.text.startswith("发送失败: Bad Request: can't parse entities")
    failed = [c for c in fake.calls_of("sendMessage") if not c.ok]
    assert failed[0].error_code == 400
    assert failed[0].params["text"] == "你说的是: 尺码 M<L & 颜色"
    assert len(fake.messages(USER)) == 1  # the failed send left nothing in the chat


async def test_photo_from_user_reaches_handler_and_file_downloads(fake, bot):
    async with polling(bot):
        fake.user_sends_photo(caption="鞋底开胶了", content=b"jpeg bytes")
        [reply] = await fake.wait_for_messages(USER)
    file_id = reply.text.split()[1]
    file = await bot.get_file(file_id)
    data = await bot.download_file(file.file_path)
    assert data.read() == b"jpeg bytes"
    assert reply.text.endswith("鞋底开胶了")


# ---------------------------------------------------------------------- webhook mode


async def test_webhook_posts_updates_with_secret_to_simple_request_handler(fake, bot):
    dp = Dispatcher()
    dp.include_router(echo_router())
    async with webhook_app(dp, bot, secret="s3cret_token") as url:
        assert await bot.set_webhook(url, secret_token="s3cret_token")
        info = await bot.get_webhook_info()
        assert info.url == url
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates()

        fake.user_says("在吗")
        [reply] = await fake.wait_for_messages(USER)
        assert reply.text == "在吗"
        assert fake.delivered_updates[0]["message"]["text"] == "在吗"
        assert await bot.delete_webhook()
    assert (await bot.get_webhook_info()).url == ""


async def test_webhook_reply_in_response_body_is_executed(fake, bot):
    router = Router()

    @router.message()
    async def reply_in_webhook(message: Message):
        return message.answer("在的，请问有什么可以帮您？")  # returned, not awaited

    dp = Dispatcher()
    dp.include_router(router)
    async with webhook_app(dp, bot, in_background=False) as url:
        await bot.set_webhook(url)
        fake.user_says("在吗")
        [reply] = await fake.wait_for_messages(USER)
    assert reply.text == "在的，请问有什么可以帮您？"


async def test_webhook_retries_failures_then_drops_the_update(fake, bot):
    statuses = [500, 502, 200]
    received: list[dict] = []

    async def flaky(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.json_response({}, status=statuses.pop(0) if statuses else 500)

    app = web.Application()
    app.router.add_post("/tg", flaky)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        await bot.set_webhook(f"http://127.0.0.1:{runner.addresses[0][1]}/tg")
        first = fake.user_says("one")
        await fake.wait_until(lambda: fake.delivered_updates, what="a delivered update")
        fake.user_says("two")  # every attempt fails from now on: 3 tries, then dropped
        await fake.wait_until(lambda: fake.dropped_updates, what="a dropped update")
        info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()

    assert [u["message"]["message_id"] for u in received] == [first] * 3 + [first + 1] * 3
    assert fake.delivered_updates[0]["message"]["text"] == "one"
    assert fake.dropped_updates[0]["message"]["text"] == "two"
    assert "500" in info.last_error_message


# ---------------------------------------------------------------------- errors the bot must meet


async def test_fail_next_429_raises_retry_after_once(fake, bot):
    fake.user_says("hi")
    fake.fail_next("sendMessage", 429)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(USER, "第一条")
    assert caught.value.retry_after == 1
    sent = await bot.send_message(USER, "第二条")
    assert [m.text for m in fake.messages(USER)] == ["第二条"]
    assert sent.message_id == 2


async def test_fail_next_other_codes_map_to_aiogram_errors(fake, bot):
    fake.user_says("hi")
    fake.fail_next("sendMessage", 500)
    fake.fail_next("sendChatAction", 400, "Bad Request: not enough rights")
    with pytest.raises(TelegramServerError):
        await bot.send_message(USER, "x")
    with pytest.raises(TelegramBadRequest, match="not enough rights"):
        await bot.send_chat_action(USER, "typing")


async def test_text_limit_counts_what_the_user_sees(fake, bot):
    fake.user_says("hi")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(USER, "长" * 4097)
    await bot.send_message(USER, "<b>" + "长" * 4096 + "</b>")  # tags don't count
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(USER, "<b> </b>")


async def test_unknown_chat_blocked_user_and_bad_token(fake, bot):
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message(555, "hello")  # never wrote to the bot
    fake.user_says("hi")
    fake.user_blocks_bot(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked by the user"):
        await bot.send_message(USER, "hello")
    intruder = make_bot(fake, token="999:WRONG")
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await intruder.get_me()
    finally:
        await intruder.session.close()


async def test_edit_with_same_content_is_not_modified(fake, bot):
    fake.user_says("hi")
    sent = await bot.send_message(USER, "状态: 处理中")
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text("状态: 处理中", chat_id=USER, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await bot.edit_message_text("x", chat_id=USER, message_id=1)  # the user's message
    edited = await bot.edit_message_text("状态: 已发货", chat_id=USER,
                                         message_id=sent.message_id)
    assert edited.edit_date is not None
    assert fake.messages(USER)[0].text == "状态: 已发货"


async def test_message_ids_increase_per_chat_and_replies_are_checked(fake, bot):
    first = fake.user_says("a")
    group_msg = fake.user_says("b", user_id=2002, chat_id=-100555, chat_type="supergroup")
    reply = await bot.send_message(USER, "c", reply_to_message_id=first)
    other = await bot.send_message(-100555, "d")
    assert (first, reply.message_id) == (1, 2)
    assert (group_msg, other.message_id) == (1, 2)
    assert reply.reply_to_message.text == "a"
    with pytest.raises(TelegramBadRequest, match="message to be replied not found"):
        await bot.send_message(USER, "e", reply_to_message_id=99)


async def test_delete_message(fake, bot):
    fake.user_says("hi")
    sent = await bot.send_message(USER, "临时")
    assert await bot.delete_message(USER, sent.message_id)
    assert fake.messages(USER) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(USER, sent.message_id)


# ---------------------------------------------------------------------- long polling details


async def test_get_updates_long_poll_returns_when_an_update_arrives(fake, bot):
    async def later() -> None:
        await asyncio.sleep(0.2)
        fake.user_says("迟到的消息")

    started = time.monotonic()
    task = asyncio.create_task(later())
    updates = await bot.get_updates(timeout=20)
    await task
    assert time.monotonic() - started < 10  # woke on the update, not at the 20s timeout
    assert [u.message.text for u in updates] == ["迟到的消息"]
    # not confirmed yet: served again; confirmed by offset: gone
    assert [u.update_id for u in await bot.get_updates()] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1) == []
    assert fake.pending_updates == []


async def test_a_second_get_updates_terminates_the_first_with_conflict(fake, bot):
    first = asyncio.create_task(bot.get_updates(timeout=20))
    await fake.wait_for_call("getUpdates")
    second = asyncio.create_task(bot.get_updates(timeout=20))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 5)
    fake.user_says("hi")
    assert [u.message.text for u in await asyncio.wait_for(second, 5)] == ["hi"]


async def test_allowed_updates_drops_other_update_types(fake, bot):
    fake.user_says("hi")
    sent = await bot.send_message(
        USER, "pick", reply_markup=InlineKeyboardBuilder().button(text="a", callback_data="a")
        .as_markup())
    fake.user_presses("a", message_id=sent.message_id)
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.event_type for u in updates] == ["message"]
    assert "callback_query" in fake.dropped_updates[0]


async def test_every_user_action_parses_as_an_aiogram_update(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    topic = await bot.create_forum_topic(DESK, "订单 A1001")
    fake.user_says("/start", language_code="en")
    fake.user_shares_contact("+8613800000000", include_user_id=False)
    fake.user_sends_photo(caption="图")
    fake.user_sends_sticker()
    fake.user_sends_voice(duration=7)
    fake.user_sends_document(file_name="发票.pdf")
    fake.user_says("agent note", user_id=3003, chat_id=DESK, chat_type="supergroup",
                   message_thread_id=topic.message_thread_id)
    sent = await bot.send_message(
        USER, "pick", reply_markup=InlineKeyboardBuilder().button(text="a", callback_data="a")
        .as_markup())
    fake.user_presses("a", message_id=sent.message_id)

    updates = [Update.model_validate(u) for u in fake.pending_updates]
    assert [u.event_type for u in updates] == ["message"] * 7 + ["callback_query"]
    start, contact, photo, sticker, voice, document, note = (u.message for u in updates[:7])
    assert start.entities[0].type == "bot_command" and start.from_user.language_code == "en"
    assert contact.contact.user_id is None
    assert photo.caption == "图" and len(photo.photo) == 2
    assert sticker.sticker.emoji == "👍" and voice.voice.duration == 7
    assert document.document.file_name == "发票.pdf"
    assert note.message_thread_id == topic.message_thread_id and note.is_topic_message
    assert updates[7].callback_query.message.text == "pick"


# ---------------------------------------------------------------------- media, forum, chats


async def test_forum_topics_copy_and_forward_for_the_agents_desk(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    topic = await bot.create_forum_topic(DESK, "小明 · 换货")
    thread = topic.message_thread_id
    assert fake.topics(DESK)[thread]["name"] == "小明 · 换货"

    photo = fake.user_sends_photo(caption="破了个洞")
    copied = await bot.copy_message(DESK, USER, photo, message_thread_id=thread)
    forwarded = await bot.forward_message(DESK, USER, photo, message_thread_id=thread)
    note = await bot.send_message(DESK, "客户已发图", message_thread_id=thread)

    copy_msg, forward_msg, note_msg = await fake.wait_for_messages(DESK, count=3)
    assert copy_msg.message_id == copied.message_id and copy_msg.kind == "photo"
    assert copy_msg.text == "破了个洞" and copy_msg.copied_from == (USER, photo)
    assert forwarded.forward_origin.sender_user.id == USER
    assert forward_msg.forwarded_from == (USER, photo)
    assert note.message_thread_id == thread == note_msg.message_thread_id

    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await bot.send_message(DESK, "x", message_thread_id=thread + 100)
    assert await bot.close_forum_topic(DESK, thread)
    with pytest.raises(TelegramBadRequest, match="TOPIC_NOT_MODIFIED"):
        await bot.close_forum_topic(DESK, thread)
    assert fake.topics(DESK)[thread]["closed"]
    assert await bot.reopen_forum_topic(DESK, thread)
    assert await bot.edit_forum_topic(DESK, thread, name="小明 · 已完成")
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await bot.create_forum_topic(USER, "nope")
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await bot.copy_message(DESK, USER, 999)


async def test_send_media_by_file_id_and_by_upload(fake, bot):
    fake.user_says("hi")
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_photo(USER, "no-such-file-id")
    uploaded = await bot.send_document(
        USER, BufferedInputFile(b"order,total\nA1001,99\n", filename="orders.csv"),
        caption="<i>对账单</i>")
    again = await bot.send_document(USER, uploaded.document.file_id)
    call = fake.calls_of("sendDocument")[0]
    assert call.params["document"].filename == "orders.csv"
    assert call.params["document"].content == b"order,total\nA1001,99\n"
    first, second = fake.messages(USER)
    assert (first.kind, first.text, first.raw_text) == ("document", "对账单", "<i>对账单</i>")
    assert second.file_id == first.file_id == again.document.file_id
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await bot.send_photo(USER, again.document.file_id, caption="字" * 1025)


async def test_media_group_is_one_message_per_item(fake, bot):
    fake.user_says("hi")
    fake.user_sends_photo()
    [_, photo_update] = fake.pending_updates
    photo_id = photo_update["message"]["photo"][-1]["file_id"]
    album = await bot.send_media_group(USER, [
        InputMediaPhoto(media=photo_id, caption="<b>正面</b>"),
        InputMediaPhoto(media=BufferedInputFile(b"back", filename="back.jpg")),
    ])
    assert [m.caption for m in album] == ["正面", None]
    assert album[0].media_group_id == album[1].media_group_id
    front, back = await fake.wait_for_messages(USER, count=2)
    assert (front.kind, front.text, front.file_id) == ("photo", "正面", photo_id)
    assert back.kind == "photo" and back.file_id != photo_id


async def test_get_chat_and_configurable_chat_member(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    fake.set_chat_member(DESK, 3003, "administrator")
    fake.set_chat_member(DESK, 3004, "member")
    chat = await bot.get_chat(DESK)
    assert (chat.type, chat.title, chat.is_forum) == ("supergroup", "客服台", True)
    assert (await bot.get_chat_member(DESK, 3003)).status == "administrator"
    assert (await bot.get_chat_member(DESK, 3004)).status == "member"
    assert (await bot.get_chat_member(DESK, 3005)).status == "left"
    assert (await bot.get_chat_member(DESK, fake.bot_id)).status == "administrator"
    assert await bot.leave_chat(DESK)
    with pytest.raises(TelegramForbiddenError, match="not a member"):
        await bot.send_message(DESK, "还在吗")


async def test_commands_menu_chat_action_and_unknown_methods(fake, bot):
    from aiogram.types import BotCommand, MenuButtonCommands

    fake.user_says("hi")
    assert await bot.set_my_commands([BotCommand(command="start", description="开始")])
    assert [c.command for c in await bot.get_my_commands()] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad-Name", description="x")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == []
    assert await bot.set_chat_menu_button(menu_button=MenuButtonCommands())
    assert await bot.send_chat_action(USER, "typing")
    with pytest.raises(TelegramBadRequest, match="action"):
        await bot.send_chat_action(USER, "dancing")
    assert await bot.set_my_description("客服机器人")  # not modelled: recorded, answered true
    assert fake.calls_of("setMyDescription")[0].params == {"description": "客服机器人"}


async def test_json_bodies_are_accepted_too(fake):
    fake.user_says("hi")
    async with aiohttp.ClientSession() as http:
        url = f"{fake.base_url}/bot{fake.token}/sendMessage"
        async with http.post(url, json={"chat_id": USER, "text": "123",
                                        "reply_markup": {"remove_keyboard": True}}) as resp:
            body = await resp.json()
        async with http.post(url, json={"text": "no chat"}) as resp:
            missing = await resp.json()
    assert body["ok"] and body["result"]["text"] == "123"
    assert fake.messages(USER)[0].remove_keyboard
    assert missing == {"ok": False, "error_code": 400,
                       "description": "Bad Request: chat_id is empty"}


async def test_wait_for_messages_timeout_reports_what_happened(fake, bot):
    fake.user_says("hi")
    await bot.send_message(USER, "one")
    fake.fail_next("sendMessage", 400, "Bad Request: can't parse entities: boom")
    with pytest.raises(TelegramBadRequest):
        await bot.send_message(USER, "two")
    with pytest.raises(AssertionError) as caught:
        await fake.wait_for_messages(USER, count=2, timeout=0.2)
    report = str(caught.value)
    assert "got 1" in report and "'one'" in report and "boom" in report
    # nothing was consumed by the failed wait
    assert [m.text for m in await fake.wait_for_messages(USER, timeout=0.2)] == ["one"]
    await fake.assert_no_new_messages(USER, wait=0.05)


# ---------------------------------------------------------------------- entity parsing


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        ("<b>粗</b> &lt;tag&gt; &amp; &quot;q&quot; &#20320;&#x597D;", '粗 <tag> & "q" 你好'),
        ('<a href="https://shop.example/o?id=1&amp;x=2">订单</a>', "订单"),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1"),
        ("<blockquote expandable>引用</blockquote><tg-spoiler>秘</tg-spoiler>", "引用秘"),
        ('<span class="tg-spoiler">s</span><u>u</u><s>s</s><i>i</i><code>c</code>', "susic"),
        ("a > b", "a > b"),
    ],
)
def test_well_formed_html_parses_to_plain_text(source, plain):
    assert parse_html(source)[0] == plain


@pytest.mark.parametrize(
    ("source", "detail"),
    [
        ("1 < 2", "unescaped '<'"),
        ("M&S", "unescaped '&'"),
        ("<b>bold", 'end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'expected "</i>"'),
        ("<br>", 'unsupported start tag "br"'),
        ("<span>x</span>", 'unsupported start tag "span"'),
        ("&nbsp;", "unsupported HTML entity"),
        ("x</b>", 'unexpected end tag "b"'),
    ],
)
def test_malformed_html_is_rejected_like_telegram(source, detail):
    from tests.fakes.telegram_api import ApiError

    with pytest.raises(ApiError) as caught:
        parse_html(source)
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert detail in caught.value.description


def test_link_href_is_unescaped():
    _, [link] = parse_html('<a href="https://shop.example/o?id=1&amp;x=2">订单</a>')
    assert link["url"] == "https://shop.example/o?id=1&x=2"


def test_html_entity_offsets_are_utf16():
    plain, entities = parse_html("😀<b>好</b>")
    assert plain == "😀好"
    assert entities == [{"type": "bold", "offset": 2, "length": 1}]


def test_markdown_v2_requires_escaping_reserved_characters():
    from tests.fakes.telegram_api import ApiError

    assert parse_markdown_v2(r"*订单* A1001 已发货\!")[0] == "订单 A1001 已发货!"
    with pytest.raises(ApiError, match=r"character '\.' is reserved"):
        parse_markdown_v2("价格 9.9")
    with pytest.raises(ApiError, match="can't find end"):
        parse_markdown_v2("*未闭合")


# ---------------------------------------------------------------------- the agents' desk


async def test_a_users_album_is_one_update_per_item_with_one_group(fake, bot):
    ids = fake.user_sends_album(3, caption="三个角度")
    updates = [Update.model_validate(u) for u in fake.pending_updates]
    messages = [u.message for u in updates]
    assert [m.message_id for m in messages] == ids
    assert len({m.media_group_id for m in messages}) == 1 and messages[0].media_group_id
    assert [m.caption for m in messages] == ["三个角度", None, None]
    assert all(len(m.photo) == 1 for m in messages)
    docs = fake.user_sends_album(2, kind="document")
    assert [Update.model_validate(u).message.document is not None
            for u in fake.pending_updates[-2:]] == [True, True]
    with pytest.raises(ValueError, match="2-10"):
        fake.user_sends_album(1)
    assert docs[0] == ids[-1] + 1


async def test_copy_messages_keeps_an_album_together_and_skips_the_missing(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    topic = await bot.create_forum_topic(DESK, "小明 · 质量")
    first, second = fake.user_sends_album(2, caption="正面")
    text = fake.user_says("两张图")
    copied = await bot.copy_messages(
        DESK, USER, [first, second, text, 999], message_thread_id=topic.message_thread_id
    )
    assert len(copied) == 3  # 999 does not exist: skipped
    a, b, t = await fake.wait_for_messages(DESK, count=3)
    assert a.kind == b.kind == "photo" and t.kind == "text"
    assert a.media_group_id and a.media_group_id == b.media_group_id and t.media_group_id is None
    assert (a.text, a.copied_from, t.copied_from) == ("正面", (USER, first), (USER, text))
    assert a.message_thread_id == topic.message_thread_id
    with pytest.raises(TelegramBadRequest, match="increasing order"):
        await bot.copy_messages(DESK, USER, [second, first])
    without = await bot.copy_messages(DESK, USER, [first, second], remove_caption=True)
    c1, _ = await fake.wait_for_messages(DESK, count=2)
    assert len(without) == 2 and c1.text == ""


async def test_copying_to_a_user_who_blocked_the_bot_is_forbidden(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    topic = await bot.create_forum_topic(DESK, "小明")
    fake.user_says("hi")
    reply = fake.user_says("您好", user_id=3003, chat_id=DESK, chat_type="supergroup",
                           message_thread_id=topic.message_thread_id)
    fake.user_blocks_bot(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.copy_message(USER, DESK, reply)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.copy_messages(USER, DESK, [reply])


async def test_a_forwarded_message_says_where_it_came_from(fake, bot):
    fake.add_chat(DESK, type="supergroup", title="客服台", is_forum=True)
    fake.user_forwards("/close", origin_user_id=4004, user_id=3003, chat_id=DESK,
                       chat_type="supergroup")
    [update] = [Update.model_validate(u) for u in fake.pending_updates]
    message = update.message
    assert message.forward_origin.sender_user.id == 4004
    assert message.from_user.id == 3003 and message.text == "/close"
    assert message.entities[0].type == "bot_command"


async def test_a_reaction_is_one_standard_emoji_on_a_message_that_exists(fake, bot):
    from aiogram.types import ReactionTypeEmoji

    said = fake.user_says("我再补充一句")
    assert await bot.set_message_reaction(USER, said, [ReactionTypeEmoji(emoji="✍")])
    assert fake.reactions[(USER, said)] == ["✍"]
    with pytest.raises(TelegramBadRequest, match="REACTION_INVALID"):
        await bot.set_message_reaction(USER, said, [ReactionTypeEmoji(emoji="🧥")])
    with pytest.raises(TelegramBadRequest, match="REACTIONS_TOO_MANY"):
        await bot.set_message_reaction(
            USER, said, [ReactionTypeEmoji(emoji="👍"), ReactionTypeEmoji(emoji="👌")]
        )
    with pytest.raises(TelegramBadRequest, match="message to react not found"):
        await bot.set_message_reaction(USER, said + 100, [ReactionTypeEmoji(emoji="👍")])
    assert await bot.set_message_reaction(USER, said, [])
    assert fake.reactions[(USER, said)] == []
    fake.user_blocks_bot(USER)
    with pytest.raises(TelegramForbiddenError, match="blocked"):
        await bot.set_message_reaction(USER, said, [ReactionTypeEmoji(emoji="👍")])
