"""What staff and users write is stored and sent exactly as typed; only matching sees the folded text.
End to end: the real Telegram client against the fake Bot API, real delivery, real TinyDB file."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.config import load_settings
from bot.messages import Incoming
from tests.fakes.telegram_server import FakeBotApi
from tests.test_delivery_e2e import STAFF, Product, telegram_users, texts_to, when

ANNOUNCEMENT = "【通知】本周五下午小镇会客厅停电检修，请各企业提前安排。"
DESCRIPTION = "①面积100㎡（含）；报名截止：12月10日。"
TITLE = "年度项目路演（第二场）"


@pytest.fixture
async def telegram():
    async with FakeBotApi() as fake:
        yield fake


@pytest.fixture
def settings(tmp_path, telegram):
    return load_settings({"BOT_DATA_DIR": str(tmp_path / "data"), "BOT_STAFF": f"telegram:{STAFF}",
                          "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url},
                         env_file=None)


def on_disk(settings, table: str) -> dict:
    return json.loads((settings.data_dir / "store.json").read_text("utf-8"))[table]


async def staff_saw(telegram: FakeBotApi, marker: str) -> None:
    await telegram.wait_for(lambda: any(marker in m["text"] for m in telegram.sent_to(STAFF)))


async def test_announcement_is_stored_and_delivered_exactly_as_typed(telegram, settings, kb):
    async with Product(settings, kb) as product:
        await telegram_users(telegram, {1001: ()})
        telegram.push_message(f"/broadcast {ANNOUNCEMENT}", user_id=STAFF)
        await staff_saw(telegram, "请选择受众")
        telegram.push_callback("bc:aud:all", user_id=STAFF)
        await staff_saw(telegram, ANNOUNCEMENT)                       # the preview shows it unchanged
        telegram.push_callback("bc:send", user_id=STAFF)
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "停电检修"))
        await product.svc.delivery.wait()
    assert texts_to(telegram, 1001, "停电检修") == [ANNOUNCEMENT]
    assert [b["text"] for b in on_disk(settings, "broadcasts").values()] == [ANNOUNCEMENT]


async def test_event_text_is_stored_and_noticed_exactly_as_typed(telegram, settings, kb):
    async with Product(settings, kb) as product:
        line = f"{when(product, timedelta(days=9))} ｜ {TITLE} ｜ 小镇会客厅 ｜ 全体 ｜ 项目路演 ｜ ｜ {DESCRIPTION}"   # full-width bars
        await telegram_users(telegram, {1001: ("sub:events:on",)})
        telegram.push_message(f"／newevent　{line}", user_id=STAFF)   # full-width slash and space
        await telegram.wait_for(lambda: texts_to(telegram, 1001, "【活动通知】"))
        await product.svc.delivery.wait()
    [notice] = texts_to(telegram, 1001, "【活动通知】")
    assert f"【项目路演】{TITLE}" in notice and DESCRIPTION in notice.splitlines()
    [event] = on_disk(settings, "events").values()
    assert (event["title"], event["description"]) == (TITLE, DESCRIPTION)


async def test_matching_reads_the_folded_text_while_the_message_keeps_what_was_typed(router):
    msg = Incoming("console", "u1", "u1", text="小镇面积１００㎡吗？")
    assert (msg.text, msg.folded) == ("小镇面积１００㎡吗？", "小镇面积100m2吗?")
    assert (await router.handle(Incoming("console", "u1", "u1", text="／ｈｅｌｐ"))).text.startswith("可用命令")
    assert (await router.handle(Incoming("console", "u1", "u1", text="ｈｅｌｌｏ！"))).intent == "help"
