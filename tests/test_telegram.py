"""End to end: the real python-telegram-bot client against the fake Bot API on 127.0.0.1."""
from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import re
import time

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from telegram import Bot

from bot.app import make_channels
from bot.outbox import RecipientGone, SendError
from bot.channels.telegram.channel import TelegramChannel
from bot.channels.telegram.outbox import TelegramOutbox, TelegramPacing
from bot.flood import NOTICE
from bot.inbound import BUSY
from bot.messages import Reply
from bot.router import Router, public_commands, staff_commands
from handlers.faq import FALLBACK
from handlers.menu import menu_buttons
from tests.fakes import FakeBotApi

STAFF, USER, GROUP = 9001, 1001, -100500
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
async def start_bot(api, services):
    """start_bot(telegram_…=settings, http=None, ready=True, **channel options) → a running TelegramChannel."""
    running: list[TelegramChannel] = []

    async def start(*, http=None, ready=True, **options):
        changes = {"telegram_bot_token": api.token, "telegram_api_base_url": api.base_url,
                   "staff": frozenset({f"telegram:{STAFF}"})}
        changes.update({k: options.pop(k) for k in list(options) if k.startswith("telegram_") or k == "inbound_queue"})
        settings = dataclasses.replace(services.settings, **changes)
        svc = dataclasses.replace(services, settings=settings, outboxes={})
        options = {"paced": False, "poll_timeout": 1, "retry_delay": 0.05, "outbox_backoff": 0.01, **options}
        channel = TelegramChannel(settings, Router(svc), http, **options)
        running.append(channel)
        await channel.start()
        if ready:
            await asyncio.wait_for(channel.ready.wait(), 5)
        return channel

    yield start
    for channel in running:
        await channel.stop()


async def say(api: FakeBotApi, text: str | None, user: int = USER, chat: int | None = None, replies: int = 1,
              **kwargs) -> list[dict]:
    """Sends one message and returns the bot's next `replies` messages in that chat."""
    chat = user if chat is None else chat
    before = len(api.sent_to(chat))
    api.push_message(text, user_id=user, chat_id=chat, **kwargs)
    return (await api.wait_sent(before + replies, chat_id=chat))[before:]


async def settled(api: FakeBotApi, channel: TelegramChannel, update_id: int) -> None:
    """Returns once the bot received update `update_id` and finished processing everything it received."""
    await api.wait_for(lambda: api.confirmed > update_id)
    await channel.app.update_queue.join()


async def logged(caplog, text: str, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while text not in caplog.text:
            await asyncio.sleep(0.01)


async def press(api: FakeBotApi, data: str, user: int = USER) -> dict:
    before = len(api.sent_to(user))
    api.push_callback(data, user_id=user)
    return (await api.wait_sent(before + 1, chat_id=user))[before]


def buttons(message: dict) -> list[tuple[str, str]]:
    return [(b["text"], b["callback_data"]) for row in message["reply_markup"]["inline_keyboard"] for b in row]


async def test_start_shows_the_menu_as_buttons_and_registers_chinese_commands(api, start_bot):
    await start_bot()
    [menu] = await say(api, "/start")
    assert menu["text"].startswith("您好！我是运河财富小镇企业服务助手")
    assert buttons(menu) == [(b.label, b.payload) for b in menu_buttons()]
    assert ("常见问题", "/faq") in buttons(menu) and ("联系方式", "/contacts") in buttons(menu)

    public = [c["command"] for c in api.commands[("default", None)]]
    assert public == [r.key for r in public_commands()]
    assert "reload" not in public
    assert all(CJK.search(c["description"]) for c in api.commands[("default", None)])
    assert [c["command"] for c in api.commands[("chat", STAFF)]] == public + [r.key for r in staff_commands()]


async def test_a_faq_question_is_answered_with_its_source_as_footer(api, start_bot):
    await start_bot()
    [answer] = await say(api, "运河财富小镇在哪里？")
    assert "拱墅" in answer["text"]
    assert re.search(r"\n\n<i>来源：[^<]+</i>$", answer["html"])


async def test_every_menu_is_reachable_by_tapping(api, start_bot):
    await start_bot()
    await say(api, "/start")
    categories = await press(api, "/faq")
    assert api.callback_answers and api.callback_answers[-1]["callback_query_id"].startswith("cq")
    category = buttons(categories)[0]
    assert category[1].startswith("faq:cat:")
    questions = await press(api, category[1])
    assert category[0] in questions["text"]
    label, payload = buttons(questions)[0]
    answer = await press(api, payload)
    assert "来源：" in answer["text"]
    contacts = await press(api, "/contacts")
    detail = await press(api, buttons(contacts)[0][1])
    assert "职责：" in detail["text"]


async def test_the_fallbacks_suggestions_are_buttons(api, start_bot):
    await start_bot()
    [reply] = await say(api, "量子纠缠的猫今天吃什么")
    assert reply["text"].startswith(FALLBACK.splitlines()[0])
    *near, person = buttons(reply)
    assert near and all(payload.startswith("faq:") for _, payload in near) and person[1] == "/handoff"


async def test_the_quick_check_asks_for_the_missing_figure_and_computes(api, start_bot):
    await start_bot()
    before = len(api.sent_to(USER))
    api.push_message("新设金融总部能拿多少补贴？", user_id=USER)     # sent together: answered in order, so
    api.push_message("10亿", user_id=USER)                        # the figure lands in the open dialog
    ask, result = (await api.wait_sent(before + 2, chat_id=USER))[before:]
    assert "请告诉我实收资本" in ask["text"] and ("取消", "/cancel") in buttons(ask)
    assert "10亿元 × 2% = 2000万元" in result["text"]
    assert result["html"].endswith("<i>来源：杭政办〔2023〕2号·第6条</i>")


async def test_the_quick_check_works_by_tapping_too(api, start_bot):
    await start_bot()
    measures = await press(api, "/calc")
    assert ("第6条 新设金融总部补助", "calc:hq-new") in buttons(measures)
    ask = await press(api, "calc:hq-new")
    assert "实收资本" in ask["text"]
    [result] = await say(api, "8000万元")
    assert "8000万元 × 2% = 160万元" in result["text"]


async def test_in_groups_only_commands_mentions_and_replies_are_answered(api, start_bot):
    await start_bot()
    api.push_message("小镇在哪里？", user_id=USER, chat_id=GROUP)                   # not addressed
    api.push_message("/start@SomeOtherBot", user_id=USER, chat_id=GROUP)           # another bot's command
    api.push_sticker(user_id=USER, chat_id=GROUP)
    replies = await say(api, "@CanalTownBot 运河财富小镇在哪里？", chat=GROUP)
    assert "拱墅" in replies[0]["text"]
    [menu] = await say(api, "/start@CanalTownBot", chat=GROUP)
    assert buttons(menu)
    [answer] = await say(api, "小镇金融联盟有哪些分会？", chat=GROUP, reply_to_bot=True)
    assert "分会" in answer["text"]
    assert len(api.sent_to(GROUP)) == 3


async def test_staff_commands_refuse_non_staff(api, start_bot):
    await start_bot()
    [refusal] = await say(api, "/reload")
    assert "仅限小镇管委会工作人员" in refusal["text"]
    [done] = await say(api, "/reload", user=STAFF)
    assert done["text"].startswith("资料已重新加载")


async def test_non_text_messages_get_a_polite_answer(api, start_bot):
    await start_bot()
    for push in (api.push_sticker, api.push_photo):
        before = len(api.sent_to(USER))
        push(user_id=USER)
        [reply] = (await api.wait_sent(before + 1, chat_id=USER))[before:]
        assert reply["text"].startswith("我没有读到文字内容")
        assert buttons(reply)
    before = len(api.sent_to(USER))
    api.push_photo(caption="运河财富小镇在哪里？", user_id=USER)
    [answer] = (await api.wait_sent(before + 1, chat_id=USER))[before:]
    assert "拱墅" in answer["text"]


async def test_a_429_is_waited_out_then_the_reply_goes_through(api, start_bot):
    await start_bot()
    api.flood("sendMessage", retry_after=1)
    started = time.monotonic()
    [reply] = await say(api, "你好")
    assert time.monotonic() - started >= 1.0
    first, second = api.calls_to("sendMessage")
    assert second.at - first.at >= 1.0
    assert reply["text"].startswith("您好")


async def test_the_bot_survives_a_5xx_storm_and_never_logs_its_token(api, start_bot, caplog):
    caplog.set_level(logging.DEBUG)
    await start_bot()
    api.fail("getUpdates", 502, times=2)                        # polling backs off and resumes
    api.fail("sendMessage", 500, times=3)                       # the outbox retries (4 tries)
    [reply] = await say(api, "你好")
    assert reply["text"].startswith("您好") and len(api.calls_to("sendMessage")) == 4

    api.fail("sendMessage", 503, times=4)                       # more than the retries: that reply is lost …
    lost = api.push_message("小镇在哪里？", user_id=USER)
    [after] = await say(api, "运河财富小镇在哪里？")              # … but the next one is answered
    assert "拱墅" in after["text"]
    assert f"update {lost}: reply not delivered: network: Service Unavailable" in caplog.text
    assert "Telegram polling failed (NetworkError: Bad Gateway" in caplog.text
    assert api.token not in caplog.text and api.token.split(":")[1] not in caplog.text


async def test_an_unexpected_error_is_logged_with_the_update_id(api, start_bot, caplog, monkeypatch):
    channel = await start_bot()
    real_send = channel.outbox.send

    async def broken(chat_id, reply):
        raise RuntimeError("renderer exploded")
    monkeypatch.setattr(channel.outbox, "send", broken)
    failing = api.push_message("你好", user_id=USER)
    await logged(caplog, f"Telegram update {failing} failed: RuntimeError: renderer exploded")
    monkeypatch.setattr(channel.outbox, "send", real_send)
    [reply] = await say(api, "你好")
    assert reply["text"].startswith("您好")


async def test_a_flooding_user_gets_one_notice_and_is_ignored_briefly(api, start_bot, clock):
    channel = await start_bot()
    before = len(api.sent_to(USER))
    for _ in range(23):
        last = api.push_message("你好", user_id=USER)
    await settled(api, channel, last)
    replies = api.sent_to(USER)[before:]
    assert len(replies) == 21 and [r["text"] for r in replies[-2:]] == [replies[0]["text"], NOTICE]
    clock.advance(seconds=31)
    [back] = await say(api, "运河财富小镇在哪里？")
    assert "拱墅" in back["text"]
    assert len(api.sent_to(USER)) == before + 22              # the 22nd and 23rd got nothing


async def test_a_user_who_blocked_the_bot_is_recipient_gone(api, start_bot, caplog):
    channel = await start_bot()
    for chat, wording in ((2001, "Forbidden: bot was blocked by the user"),
                          (2002, "Forbidden: user is deactivated"),
                          (-2003, "Forbidden: bot was kicked from the supergroup chat")):
        api.block(chat, wording)
        with pytest.raises(RecipientGone, match=wording):
            await channel.outbox.send(str(chat), Reply("通知", intent="help"))
    api.fail("sendMessage", 400, description="Bad Request: can't parse entities: unsupported tag")
    with pytest.raises(SendError) as bad:
        await channel.outbox.send("2004", Reply("通知", intent="help"))
    assert bad.value.permanent and not isinstance(bad.value, RecipientGone)
    caplog.set_level(logging.INFO)
    api.push_message("你好", user_id=2001)                       # answering a blocked user: logged, no crash
    await logged(caplog, "chat is gone (Forbidden: bot was blocked by the user)")
    [reply] = await say(api, "你好")
    assert reply["text"].startswith("您好")


async def test_the_outbox_splits_long_replies_in_order(api, start_bot, services):
    channel = await start_bot()
    text = "\n\n".join(f"第{i}条：" + "小镇政策说明" * 100 for i in range(12))      # ~7 300 characters
    await channel.outbox.send("3001", Reply(text, sources=["某文件"], buttons=[menu_buttons()[0]], intent="help"))
    sent = api.sent_to(3001)
    assert len(sent) == 2 and "\n\n".join(m["text"] for m in sent) == text + "\n\n来源：某文件"
    assert "reply_markup" not in sent[0] and buttons(sent[1]) == [(menu_buttons()[0].label, "/faq")]


async def test_a_429_asking_for_too_long_is_handed_back_to_the_caller(api, start_bot):
    channel = await start_bot()
    api.flood("sendMessage", retry_after=120)
    started = time.monotonic()
    with pytest.raises(SendError) as exc:
        await channel.outbox.send("3002", Reply("广播", intent="help"))
    assert exc.value.retry_after == 120 and time.monotonic() - started < 1


async def test_start_up_retries_network_errors_and_a_bad_token_stops_only_this_channel(api, start_bot, caplog):
    api.fail("getMe", 502, times=2)
    await start_bot()
    assert len(api.calls_to("getMe")) == 3

    channel = await start_bot(ready=False, telegram_bot_token="999:revoked")
    await logged(caplog, "Telegram channel not started: InvalidToken")
    assert not channel.ready.is_set()


async def test_webhook_mode_checks_the_secret_and_the_body(api, start_bot, caplog):
    http = web.Application()
    channel = await start_bot(http=http, telegram_webhook_url="https://bot.example.org/telegram/webhook",
                              telegram_webhook_secret="s3cret_-X")
    assert api.webhook["url"] == "https://bot.example.org/telegram/webhook"
    assert api.webhook["secret_token"] == "s3cret_-X"
    update = {"update_id": 1, "message": api.message("你好", user_id=USER)}
    async with TestClient(TestServer(http, host="127.0.0.1")) as client:
        post = lambda body, **headers: client.post("/telegram/webhook", data=body, headers=headers)  # noqa: E731
        assert (await post(json.dumps(update))).status == 403
        assert (await post(json.dumps(update), **{"X-Telegram-Bot-Api-Secret-Token": "guess"})).status == 403
        secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret_-X"}
        assert (await post("{not json", **secret)).status == 400
        assert (await post("[1, 2]", **secret)).status == 400
        for forged in FORGED:
            assert (await post(json.dumps(forged(api)), **secret)).status == 400
        assert (await post(json.dumps(update), **secret)).status == 200
        [reply] = await api.wait_sent(1, chat_id=USER)
        assert (await post(json.dumps(update), **secret)).status == 200          # redelivered: not answered again
        later = {"update_id": 9, "message": api.message("小镇在哪", user_id=USER)}
        assert (await post(json.dumps(later), **secret)).status == 200
        first, second = await api.wait_sent(2, chat_id=USER)
    assert reply["text"].startswith("您好") and first == reply and "大运河" in second["text"]
    assert not api.calls_to("getUpdates")
    assert caplog.text.count("wrong or missing secret token") == 2
    assert caplog.text.count("malformed update") == 2 + len(FORGED)
    assert "Traceback" not in caplog.text and "failed" not in caplog.text
    assert channel.ready.is_set()


def _message(api: FakeBotApi, **changes) -> dict:
    message = {**api.message("你好", user_id=USER), **changes}
    return {"update_id": 3, "message": {k: v for k, v in message.items() if v is not None}}


FORGED = [
    lambda api: {"update_id": 2, "message": {"text": "no chat"}},
    lambda api: _message(api, chat=None),
    lambda api: _message(api, text=5),
    lambda api: _message(api, text=["/start"]),
    lambda api: _message(api, chat={"id": "1001", "type": "private"}),
    lambda api: _message(api, chat={"id": True, "type": "private"}),
    lambda api: _message(api, entities=[{"type": "mention", "offset": "0", "length": 3}]),
    lambda api: _message(api, reply_to_message={"message_id": 1, "date": 0, "chat": 7}),
    lambda api: {"update_id": 4, "callback_query": {"id": "q", "from": api.user(USER), "data": 7}},
    lambda api: {"update_id": "5"},
]


def test_make_channels_adds_telegram_when_a_token_is_set(services):
    http = web.Application()
    assert make_channels(services.settings, Router(services), http) == []
    settings = dataclasses.replace(services.settings, telegram_bot_token="1:x")
    router = Router(dataclasses.replace(services, settings=settings, outboxes={}))
    [channel] = make_channels(settings, router, http)
    assert isinstance(channel, TelegramChannel) and router.svc.outboxes["telegram"] is channel.outbox


@pytest.fixture
async def bare_bot(api):
    bot = Bot(api.token, base_url=api.base_url)
    async with bot:
        yield bot


async def test_pacing_keeps_per_chat_and_group_limits_without_holding_up_other_chats(api, bare_bot):
    outbox = TelegramOutbox(bare_bot, TelegramPacing(private=((1, 0.3),), group=((2, 0.6),)))
    await asyncio.gather(*(outbox.send(chat, Reply(f"第{i}条", intent="help"))
                           for i in range(3) for chat in ("4001", str(GROUP))), outbox.send("4002", Reply("另一位", intent="help")))
    private = [m["at"] for m in api.sent_to(4001)]
    group = [m["at"] for m in api.sent_to(GROUP)]
    [other] = [m["at"] for m in api.sent_to(4002)]
    assert [m["text"] for m in api.sent_to(4001)] == ["第0条", "第1条", "第2条"]
    # (the limiter counts a send as it starts; the fake timestamps its arrival: allow for the difference)
    assert private[1] - private[0] >= 0.25 and private[2] - private[1] >= 0.25
    assert group[1] - group[0] < 0.3 and group[2] - group[0] >= 0.5       # 2 per 0.6 s, then wait
    assert other < private[1]                                             # another chat is not queued behind


def metric(of: TelegramChannel, name: str, **labels: str) -> float:
    return of.metrics.registry.get_sample_value(name, labels) or 0.0


async def test_a_full_inbound_queue_answers_busy_at_once_instead_of_late(api, start_bot, caplog):
    channel = await start_bot(inbound_queue=2)
    slow_a, slow_b, busy, presser = 2001, 2002, 2003, 2004
    for chat in (slow_a, slow_b):                     # two answers stuck in sending: the queue is full
        api.hold(chat)
        api.push_message("小镇在哪里", user_id=chat)
    try:
        await api.wait_for(lambda: {c.params["chat_id"] for c in api.calls_to("sendMessage")} >= {slow_a, slow_b})
        assert metric(channel, "bot_inbound_queue_depth", channel="telegram") == 2
        api.push_message("小镇面积多大", user_id=busy)
        api.push_message("管委会怎么联系", user_id=busy)
        api.push_callback("/faq", user_id=presser)
        await api.wait_for(lambda: metric(channel, "bot_updates_total", channel="telegram", kind="message",
                                          outcome="shed") == 2)
        await api.wait_for(lambda: api.callback_answers)
    finally:
        for chat in (slow_a, slow_b):
            api.release(chat)
    await settled(api, channel, api.push_message("你好", user_id=busy))

    texts = [m["text"] for m in api.sent_to(busy)]
    assert texts[0] == BUSY and len(texts) == 2 and texts[1].startswith("您好！")    # once; then answered
    assert api.callback_answers[-1]["text"] == BUSY and api.sent_to(presser) == []
    assert all("拱墅" in api.sent_to(chat)[0]["text"] for chat in (slow_a, slow_b))  # queued ones answered
    assert metric(channel, "bot_updates_total", channel="telegram", kind="callback", outcome="shed") == 1
    assert metric(channel, "bot_inbound_shedding_episodes_total", channel="telegram") == 1
    assert metric(channel, "bot_inbound_queue_depth", channel="telegram") == 0
    assert len([r for r in caplog.records if "inbound queue full" in r.getMessage()]) == 1


async def test_an_english_client_is_answered_in_english_and_lang_switches(api, start_bot, services):
    await start_bot()
    assert [c["command"] for c in api.localized_commands[("en", "default", None)]] == [r.key for r in public_commands()]
    api.languages[USER] = "en-GB"
    [menu] = await say(api, "/start")
    assert menu["text"].startswith("Hello!") and ("FAQ", "/faq") in buttons(menu)
    [answer] = await say(api, "What is the total planned area of Canal Wealth Town?")
    assert "3.3" in answer["text"] and "Sources:" in answer["text"]
    [switched] = await say(api, "/lang zh")
    assert "之后用中文回答" in switched["text"]
    [helped] = await say(api, "/help")
    assert helped["text"].startswith("可用命令")
    assert (await services.store.users.get(f"telegram:{USER}")).lang == "zh"
    api.languages[USER + 1] = "en"
    [chinese] = await say(api, "小镇在哪", user=USER + 1)           # the text decides, not the client's setting
    assert "坐落于拱墅区" in chinese["text"]
