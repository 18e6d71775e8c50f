"""A person behind the bot on Telegram, end to end: the real python-telegram-bot client against the fake Bot
API; staff hear of tickets in their group and in private, answer with /reply or by replying to the notice."""
from __future__ import annotations

import asyncio
import dataclasses

import pytest

from bot.channels.telegram.channel import TelegramChannel
from bot.router import Router
from handlers.handoff import STAFF_MARK
from tests.fakes import FakeBotApi
from tests.test_telegram import say

STAFF, USER, OTHER, STAFF_GROUP = 9001, 1001, 1002, -100700


@pytest.fixture
async def bot(api, services):
    settings = dataclasses.replace(
        services.settings, telegram_bot_token=api.token, telegram_api_base_url=api.base_url,
        staff=frozenset({f"telegram:{STAFF}"}), handoff_to=(f"telegram:{STAFF_GROUP}", f"telegram:{STAFF}"))
    svc = dataclasses.replace(services, settings=settings, outboxes={})
    channel = TelegramChannel(settings, Router(svc), paced=False, poll_timeout=1, retry_delay=0.05,
                              outbox_backoff=0.01)
    await channel.start()
    await asyncio.wait_for(channel.ready.wait(), 5)
    yield svc
    await svc.delivery.stop()
    await channel.stop()


async def notices(api: FakeBotApi, svc, chat: int, count: int) -> list[dict]:
    await svc.delivery.wait()
    return await api.wait_sent(count, chat_id=chat)


async def test_ticket_over_telegram_with_reply_and_quote(api, bot):
    [answer] = await say(api, "运河财富小镇在哪里？")
    [opened] = await say(api, "我要找人工客服")
    assert "工单 #1" in opened["text"]
    [notice] = await notices(api, bot, STAFF_GROUP, 1)
    assert notice["text"].startswith("【转人工 #1】用户1001（Telegram 1001）请求人工服务")
    assert "· 用户：运河财富小镇在哪里？" in notice["text"] and "本次：我要找人工客服" in notice["text"]
    assert (await notices(api, bot, STAFF, 1))[0]["text"] == notice["text"]

    [confirm] = await say(api, "/reply 1 您好，<b>这里</b>是管委会 & 招商科", user=STAFF)
    assert "已发送给" in confirm["text"]
    to_user = (await notices(api, bot, USER, 3))[-1]
    assert to_user["text"] == f"{STAFF_MARK}\n您好，<b>这里</b>是管委会 & 招商科"     # as typed, not as HTML

    [ack] = await say(api, "我们的营业执照在办理中")                  # goes to the ticket
    assert "工单 #1" in ack["text"] and "来源" not in ack["text"]
    [added] = (await notices(api, bot, STAFF_GROUP, 2))[1:]
    assert "留言：\n我们的营业执照在办理中" in added["text"]

    [quoted] = await say(api, "好的，材料齐了请告诉我们。", user=STAFF, chat=STAFF_GROUP, reply_to=added["message_id"])
    assert "已发送给" in quoted["text"]
    assert (await notices(api, bot, USER, 5))[-1]["text"] == f"{STAFF_MARK}\n好的，材料齐了请告诉我们。"

    [refused] = await say(api, "我也来回复", user=OTHER, chat=STAFF_GROUP, reply_to=notice["message_id"])
    assert refused["text"] == "抱歉，只有小镇管委会工作人员可以回复或结束工单。"

    [closed] = await say(api, "/close 1", user=STAFF)
    assert closed["text"] == "工单 #1 已结束。"
    assert "已结束本次人工服务" in (await notices(api, bot, USER, 6))[-1]["text"]
    [again] = await say(api, "运河财富小镇在哪里？")
    assert again["text"] == answer["text"]                          # the bot answers again


async def test_non_staff_reply_command_is_refused(api, bot):
    await say(api, "转人工")
    [refused] = await say(api, "/reply 1 你好", user=OTHER)
    assert refused["text"] == "抱歉，该功能仅限小镇管委会工作人员使用。"


async def test_the_handoff_button_opens_a_ticket(api, bot):
    [fallback] = await say(api, "量子纠缠的猫今天吃什么")
    person = fallback["reply_markup"]["inline_keyboard"][-1][0]
    assert (person["text"], person["callback_data"]) == ("转人工", "/handoff")
    before = len(api.sent_to(USER))
    api.push_callback("/handoff", user_id=USER)
    [opened] = (await api.wait_sent(before + 1, chat_id=USER))[before:]
    assert "工单 #1" in opened["text"]
