"""Staff broadcasts and the delivery service, with in-process outboxes (end-to-end ones: test_delivery_e2e.py)."""
from __future__ import annotations

import asyncio
import io
import json

import pytest

from bot.outbox import SendError
from bot.channels.console import ConsoleOutbox
from bot.choices import Choices
from bot.alliance.delivery import Delivery
from bot.messages import Incoming
from bot.store import Store
from tests.conftest import TODAY
from tests.outboxes import MemoryOutbox, transient
from tests.records import announcement


@pytest.fixture
def outbox(services) -> MemoryOutbox:
    box = services.outboxes["console"] = MemoryOutbox("console")
    services.delivery.backoff = 0.01
    return box


async def test_broadcast_to_a_segment_reaches_exactly_that_segment(ask, services, outbox):
    for user, seg in (("a", "licensed"), ("b", "licensed"), ("c", "quasi"), ("d", None)):
        await ask("你好", user=user)
        if seg:
            await ask(payload=f"seg:{seg}:on", user=user)
    assert "公告内容" in (await ask("/broadcast", staff=True)).text
    reply = await ask("12 月 1 日起会客厅暂停开放。", staff=True)
    assert "bc:aud:segment:licensed" in [b.payload for b in reply.buttons]
    assert "bc:aud:platform:console" in [b.payload for b in reply.buttons]
    preview = await ask(payload="bc:aud:segment:licensed", staff=True)
    assert "传统持牌金融行业分会" in preview.text and "当前 2 位" in preview.text
    assert outbox.sent == {}
    reply = await ask(payload="bc:send", staff=True)
    await services.delivery.wait()
    assert "开始发送" in reply.text
    assert {chat for chat, replies in outbox.sent.items() if replies} == {"a", "b"}
    assert outbox.texts("a") == ["12 月 1 日起会客厅暂停开放。"]
    [entry] = await services.store.audit.all()
    assert entry.actor == "console:staff" and entry.action == "broadcast.send"
    assert entry.detail["audience"] == {"kind": "segment", "value": "licensed"}     # as stored
    status = await ask("/broadcast_status", staff=True)
    assert "#1 公告" in status.text and "2 / 0 / 0（已完成）" in status.text


async def test_a_long_broadcast_is_sent_whole_and_as_typed(ask, services, outbox):
    await ask("你好", user="a")
    body = "【通知】" + "".join(f"第{i}项：会客厅　暂停开放，请相互转告。" for i in range(40))    # > 500 characters
    await ask(f"／broadcast　{body}", staff=True)                        # a full-width slash and space
    await ask(payload="bc:aud:all", staff=True)
    await ask(payload="bc:send", staff=True)
    await services.delivery.wait()
    assert len(body) > 500 and outbox.texts("a") == [body]


async def test_broadcast_to_all_skips_those_who_declined_announcements(ask, services, outbox):
    await ask("你好", user="a")
    await ask(payload="sub:news:off", user="b")          # declines staff announcements
    await ask("/broadcast 通知：系统维护", staff=True)
    await ask(payload="bc:aud:all", staff=True)
    await ask(payload="bc:send", staff=True)
    await services.delivery.wait()
    assert outbox.texts("a") == ["通知：系统维护"] and outbox.texts("b") == []
    assert outbox.texts("staff") == ["通知：系统维护"]      # staff are users too


async def test_scheduled_broadcast_waits_for_its_time_and_can_be_cancelled(ask, services, outbox, clock):
    await ask("你好", user="a")
    for _ in range(2):
        await ask("/broadcast 周五下午停电", staff=True)
        await ask(payload="bc:aud:all", staff=True)
        await ask(payload="bc:later", staff=True)
        assert "已经过去" in (await ask("2026-11-01 09:00", staff=True)).text
        reply = await ask("2026-11-23 09:00", staff=True)
        assert "已定时" in reply.text
    status = await ask("/broadcast_status", staff=True)
    assert "定时待发" in status.text and [b.payload for b in status.buttons] == ["bc:unschedule:2", "bc:unschedule:1"]
    assert "已取消" in (await ask(payload="bc:unschedule:2", staff=True)).text
    assert "不是待发送" in (await ask(payload="bc:unschedule:2", staff=True)).text
    assert await services.scheduler.fire_broadcast(1) is False          # not yet
    clock.advance(days=1)
    assert await services.scheduler.fire_broadcast(1) is True
    assert await services.scheduler.fire_broadcast(1) is False          # claimed once
    assert await services.scheduler.fire_broadcast(2) is False          # cancelled
    await services.delivery.wait()
    assert outbox.texts("a") == ["周五下午停电"]
    actions = [a.action for a in await services.store.audit.all()]
    assert actions.count("broadcast.schedule") == 2 and "broadcast.unschedule" in actions


async def test_unanswered_top_questions_of_the_week(ask, services, clock):
    for user in ("a", "b", "c"):
        await ask("小镇食堂几点开饭", user=user)
    await ask("明天杭州天气怎么样", user="a")
    clock.advance(days=-8)
    await ask("小镇有健身房吗", user="a")               # last week's: not shown
    clock.advance(days=8)
    reply = await ask("/unanswered", staff=True)
    assert "共 4 条" in reply.text
    assert reply.text.index("小镇食堂几点开饭（3 次）") < reply.text.index("明天杭州天气怎么样（1 次）")
    assert "健身房" not in reply.text


# ---- the delivery service ----------------------------------------------------------------------------------
async def seed(store: Store, n: int, platform: str = "console") -> None:
    for i in range(n):
        await store.users.register(Incoming(platform, f"u{i}", f"u{i}", text="hi"))


async def start_broadcast(store: Store, text: str = "公告") -> int:
    return await store.broadcasts.create(announcement(TODAY, text))


async def test_blocked_recipient_is_marked_inactive_and_skipped_next_time(services, outbox):
    store = services.store
    await seed(store, 3)
    outbox.gone.add("u1")
    services.delivery.start(await start_broadcast(store))
    await services.delivery.wait()
    assert (await store.users.get("console:u1")).active is False
    counts = (await store.broadcasts.counts([1]))[1]
    assert counts == {"sent": 2, "failed": 1}
    assert "blocked" in next(iter(await store.broadcasts.failure_reasons(1)))
    bid = await start_broadcast(store, "第二条")
    assert (await store.broadcasts.get(bid)).total == 2
    services.delivery.start(bid)
    await services.delivery.wait()
    assert outbox.texts("u0") == ["公告", "第二条"] and outbox.texts("u1") == []


async def test_outside_the_bot_other_platforms_are_left_for_it(services):
    """A console chat shows its user's notice, skips `ask`'s user and leaves Telegram's to the bot."""
    store, screen = services.store, io.StringIO()
    services.outboxes["console"] = ConsoleOutbox(screen, Choices())
    for user in ("local", "ask"):
        await store.users.register(Incoming("console", user, user, text="hi"))
    await seed(store, 1, platform="telegram")
    services.delivery.defer_missing = True
    services.delivery.start(bid := await start_broadcast(store))
    await services.delivery.wait()
    assert "【收到通知】\n公告" in screen.getvalue()
    assert (await store.broadcasts.get(bid)).status == "sending"
    assert [d.platform for d in await store.broadcasts.pending(bid)] == ["telegram"]

    telegram = services.outboxes["telegram"] = MemoryOutbox("telegram")   # the bot, next time it starts
    del services.outboxes["console"]
    services.delivery.defer_missing = False
    assert await services.delivery.resume() == [bid]
    await services.delivery.wait()
    assert telegram.texts("u0") == ["公告"] and screen.getvalue().count("公告") == 1
    done = await store.broadcasts.get(bid)
    assert (done.status, done.sent, done.failed, done.skipped) == ("done", 2, 0, 1)


async def test_console_users_without_an_open_console_are_skipped_not_failed(services):
    store = services.store
    await seed(store, 2)
    services.delivery.start(bid := await start_broadcast(store))          # the bot: no console here
    await services.delivery.wait()
    done = await store.broadcasts.get(bid)
    assert (done.sent, done.failed, done.skipped) == (0, 0, 2)
    assert (await store.broadcasts.counts([bid]))[bid] == {"skipped": 2}


async def test_transient_errors_are_retried_with_a_bound(services, outbox):
    store = services.store
    await seed(store, 3)
    outbox.fail("u0", transient(), transient(retry_after=0.05))         # recovers on the 3rd attempt
    outbox.fail("u1", *[transient() for _ in range(10)])                # never recovers
    outbox.fail("u2", SendError("Bad Request: message is too long", permanent=True))
    started = asyncio.get_running_loop().time()
    services.delivery.start(await start_broadcast(store))
    await services.delivery.wait()
    assert asyncio.get_running_loop().time() - started >= 0.05          # honoured retry_after
    assert outbox.texts("u0") == ["公告"] and outbox.texts("u1") == [] and outbox.texts("u2") == []
    records = {d.recipient: d for d in await store.broadcasts.records(1)}
    assert records["console:u0"].status == "sent" and records["console:u0"].attempts == 3
    assert records["console:u1"].status == "failed" and records["console:u1"].attempts == 4
    assert records["console:u2"].status == "failed" and records["console:u2"].attempts == 1
    assert (await store.users.get("console:u1")).active is True         # a failure is not a block
    broadcast = await store.broadcasts.get(1)
    assert broadcast.status == "done" and (broadcast.sent, broadcast.failed) == (1, 2)


async def test_a_platform_without_a_channel_fails_clearly(services, outbox):
    await seed(services.store, 1, platform="telegram")
    services.delivery.start(await start_broadcast(services.store))
    await services.delivery.wait()
    assert "没有配置 telegram 渠道" in next(iter(await services.store.broadcasts.failure_reasons(1)))


async def test_finished_broadcasts_move_their_records_out_of_the_live_file(services, outbox):
    store = services.store
    await seed(store, 5)
    outbox.gone.add("u3")
    services.delivery.start(await start_broadcast(store))
    await services.delivery.wait()
    live = json.loads(store.path.read_text("utf-8"))
    assert "deliveries" not in live and live["broadcasts"]["1"]["archived"] is True
    assert list((store.path.parent / "deliveries").iterdir()) == []
    archived = json.loads((store.path.parent / "archive" / "broadcast-1.json").read_text("utf-8"))
    assert sorted(d["recipient"] for d in archived) == [f"console:u{i}" for i in range(5)]
    assert (await store.broadcasts.counts([1]))[1] == {"sent": 4, "failed": 1}
    assert "blocked" in next(iter(await store.broadcasts.failure_reasons(1)))


async def test_a_finished_broadcast_not_yet_archived_is_archived_at_start_up(services, outbox, clock):
    store = services.store
    await seed(store, 3)
    bid = await start_broadcast(store)
    await store.broadcasts.finish(bid, clock.now())      # as if stopped right after finishing
    await Delivery(store, services.outboxes, clock).resume()
    assert (await store.broadcasts.get(bid)).archived is True
    assert outbox.sent == {}


async def test_group_commit_batches_delivery_records(services, outbox):
    store = services.store
    await seed(store, 500)
    writes, record = [], store.broadcasts.record
    store.broadcasts.record = lambda bid, results, gone=None: (writes.append(len(results)), record(bid, results, gone))[1]
    outbox.delay = 0.001
    services.delivery.window, services.delivery.concurrency = 200, 8
    services.delivery.start(await start_broadcast(store))
    await services.delivery.wait()
    assert sum(writes) == 500 and 3 <= len(writes) <= 8 and max(writes) < 200
    assert (await store.broadcasts.counts([1]))[1] == {"sent": 500}


async def test_no_more_than_a_window_of_sends_is_ever_out_or_uncommitted(services, outbox):
    """What a kill -9 can make a restart send twice: sends under way or done but not yet committed."""
    store = services.store
    await seed(store, 300)
    counts = {"started": 0, "committed": 0, "worst": 0}
    record, send = store.broadcasts.record, outbox.send

    async def committing(bid, results, gone=None):
        await record(bid, results, gone)
        counts["committed"] += len(results)

    async def sending(chat_id, reply):
        counts["started"] += 1
        counts["worst"] = max(counts["worst"], counts["started"] - counts["committed"])
        await send(chat_id, reply)

    store.broadcasts.record, outbox.send = committing, sending
    services.delivery.window = 40
    services.delivery.start(await start_broadcast(store))
    await services.delivery.wait()
    assert counts["worst"] == 40 and counts["committed"] == 300


async def test_stopped_broadcast_resumes_after_restart_without_resending(services, outbox, clock, tmp_path):
    store = services.store
    await seed(store, 300)
    outbox.delay = 0.002
    services.delivery.window, services.delivery.concurrency = 40, 4
    bid = await start_broadcast(store)
    services.delivery.start(bid)
    while sum(len(v) for v in outbox.sent.values()) < 60:
        await asyncio.sleep(0.005)
    await services.delivery.stop()              # a graceful stop commits what is known
    first = {chat for chat, replies in outbox.sent.items() if replies}
    assert 60 <= len(first) < 300
    again = Store(services.settings.data_dir)   # a new process: storage is all it has
    assert (await again.broadcasts.get(bid)).status == "sending"
    assert len(await again.broadcasts.pending(bid)) == 300 - len(first)
    second = MemoryOutbox("console")
    delivery = Delivery(again, {"console": second}, clock)
    assert await delivery.resume() == [bid]
    await delivery.wait()
    assert set(second.sent) == {f"u{i}" for i in range(300)} - first     # nobody skipped, nobody twice
    assert (await again.broadcasts.get(bid)).status == "done"


async def test_a_slow_platform_holds_up_no_other(services, outbox):
    store = services.store
    slow = services.outboxes["telegram"] = MemoryOutbox("telegram")
    slow.delay = 0.05
    await seed(store, 40, platform="telegram")          # each of its sends takes a while
    await seed(store, 40, platform="console")
    services.delivery.start(await start_broadcast(store))
    while sum(len(v) for v in outbox.sent.values()) < 40:
        await asyncio.sleep(0.005)
    assert sum(len(v) for v in slow.sent.values()) < 40
    await services.delivery.wait()
    assert sum(len(v) for v in slow.sent.values()) == 40


async def test_each_recipient_gets_the_notice_in_their_language(ask, services, outbox):
    await ask("你好", user="zh")
    await ask("Where is Canal Wealth Town?", user="en")
    for text in ("12月1日起会客厅暂停开放。\n---en---\nThe reception hall is closed from 1 December.", "仅中文的通知"):
        await ask("/broadcast", staff=True)
        await ask(text, staff=True)
        await ask(payload="bc:aud:all", staff=True)
        await ask(payload="bc:send", staff=True)
        await services.delivery.wait()
    assert outbox.texts("zh") == ["12月1日起会客厅暂停开放。", "仅中文的通知"]
    assert outbox.texts("en")[0] == "The reception hall is closed from 1 December."
    note, chinese = outbox.texts("en")[1].split("\n")
    assert "only available in Chinese" in note and chinese == "仅中文的通知"
