"""Events, subscriptions and reminders through the router, with an in-process outbox and the fixed clock."""
from __future__ import annotations

import json

import pytest

from bot.store import Store
from bot.store.database import iso


async def subscribe(ask, user: str, *segments: str) -> None:
    await ask("/subscribe", user=user)
    reply = await ask(payload="sub:events:on", user=user)
    assert "已订阅联盟活动通知" in reply.text
    for seg in segments:
        await ask(payload=f"seg:{seg}:on", user=user)


async def publish(ask, services, line: str = "2026-12-01 14:00 | 年度项目路演 | 小镇会客厅 | 类金融行业分会"):
    reply = await ask(f"/newevent {line}", staff=True)
    await services.delivery.wait()
    return reply


async def test_one_line_publish_notifies_only_the_audience_subscribers(ask, services, outbox):
    await subscribe(ask, "quasi_fan", "quasi")
    await subscribe(ask, "licensed_fan", "licensed")
    await ask("你好", user="bystander")                     # known, but not subscribed to event notices
    reply = await publish(ask, services)
    assert "活动已发布" in reply.text and "#1" in reply.text
    [notice] = outbox.texts("quasi_fan")
    assert "【活动通知】" in notice and "年度项目路演" in notice and "2026年12月1日（周二）14:00" in notice
    assert "类金融行业分会" in notice and "【项目路演】" in notice
    assert outbox.texts("licensed_fan") == [] and outbox.texts("bystander") == []
    assert outbox.sent["quasi_fan"][0].buttons[0].payload == "ev:show:1"


async def test_event_for_everyone_reaches_every_event_subscriber(ask, services, outbox):
    await subscribe(ask, "a", "quasi")
    await subscribe(ask, "b")
    await publish(ask, services, "2026-12-03 09:30 | 金融知识讲座 | 英蓝中心 | 全体")
    assert len(outbox.texts("a")) == 1 and len(outbox.texts("b")) == 1


@pytest.mark.parametrize("line, problem", [
    ("2026-12-01 14:00 | 标题 | 地点", "字段不够"),
    ("2026-13-01 14:00 | 标题 | 地点 | 全体", "不是有效的日期"),
    ("2026-11-01 14:00 | 标题 | 地点 | 全体", "已经过去"),
    ("2026-12-01 14:00 | 标题 | 地点 | 外星分会", "受众"),
    ("2026-12-01 14:00 |  | 地点 | 全体", "标题：不能为空"),
    ("2026-12-01 14:00 | 标题 | 地点 | 全体 | 茶话会", "类型"),
    ("2026-12-01 14:00 | 标题 | 地点 | 全体 | 培训 | ftp://x", "报名链接"),
    ("2026-12-01 14:00 | " + "长" * 61 + " | 地点 | 全体", "标题：太长（最多 60 字）"),
])
async def test_bad_one_line_forms_are_refused_clearly(ask, services, outbox, line, problem):
    reply = await ask(f"/newevent {line}", staff=True)
    assert reply.text.startswith("未发布") and problem in reply.text
    assert await services.store.events.all() == []


async def test_guided_flow_publishes_after_preview(ask, services, outbox):
    await subscribe(ask, "fan", "foreign")
    assert "活动标题" in (await ask("/newevent", staff=True)).text
    assert "不是标题" in (await ask("2026-12-20 09:30", staff=True)).text         # a time is not a title
    reply = await ask("外资机构政策沙龙", staff=True)
    assert "类型" in reply.text and any(b.payload == "ne:论坛" for b in reply.buttons)
    await ask(payload="ne:沙龙", staff=True)
    assert "看不懂" in (await ask("下周三", staff=True)).text                 # stays on the same step
    await ask("2026-12-10 15:00", staff=True)
    reply = await ask("英蓝中心 8 楼", staff=True)
    assert [b.payload for b in reply.buttons][:2] == ["ne:all", "ne:licensed"]
    assert "报名链接" in (await ask(payload="ne:foreign", staff=True)).text      # the one-line form's order
    assert "简介" in (await ask("https://example.org/s", staff=True)).text
    preview = await ask("跳过", staff=True)
    assert "请确认" in preview.text and "特邀外资金融机构" in preview.text and await services.store.events.all() == []
    reply = await ask(payload="ne:publish", staff=True)
    await services.delivery.wait()
    assert "活动已发布" in reply.text
    [event] = await services.store.events.all()
    assert event.type == "沙龙" and event.signup == "https://example.org/s" and event.description == ""
    assert len(outbox.texts("fan")) == 1
    assert services.dialogs.get("console:staff") is None


async def test_listing_details_and_free_text(ask, services, outbox):
    empty = await ask("/events")
    assert "暂无" in empty.text and [b.payload for b in empty.buttons] == ["sub:events:on"]    # one tap subscribes
    await ask(payload="sub:events:on")
    assert [b.payload for b in (await ask("/events")).buttons] == ["/subscribe"]
    await publish(ask, services)
    await publish(ask, services, "2026-11-30 09:00 | 法律公益服务日 | 小镇会客厅 | 全体")
    for question in ("/events", "最近有什么活动", "近期有什么路演吗", "有没有活动"):
        reply = await ask(question)
        assert reply.intent == "events", question
        assert reply.text.index("法律公益服务日") < reply.text.index("年度项目路演")     # soonest first
    details = await ask(payload="ev:show:1")
    assert "小镇会客厅" in details.text and "活动编号：#1" in details.text
    assert [b.payload for b in details.buttons] == ["sub:events:off", "/events"]      # subscribed above
    staff_view = await ask(payload="ev:show:1", staff=True)
    assert "/cancelevent 1" in [b.payload for b in staff_view.buttons]


async def test_history_questions_still_go_to_the_faq(ask, outbox):
    reply = await ask("联盟都有哪些类型的活动")
    assert reply.intent == "faq"


async def test_subscriptions_are_explicit_and_reversible(ask, services):
    reply = await ask("/subscribe", user="u9")
    assert "⬜ 联盟活动通知" in reply.text and "✅ 管委会公告" in reply.text
    assert any(b.payload == "seg:key:on" and b.label.startswith("加入") for b in reply.buttons)
    reply = await ask(payload="seg:key:on", user="u9")
    assert "已加入“重点企业行业分会”通知" in reply.text and "✅ 重点企业行业分会" in reply.text
    assert any(b.payload == "seg:key:off" and b.label.startswith("退出") for b in reply.buttons)
    reply = await ask(payload="seg:key:off", user="u9")
    assert "已退出" in reply.text
    reply = await ask(payload="sub:news:off", user="u9")
    assert "已退订管委会公告" in reply.text
    user = await Store(services.settings.data_dir).users.get("console:u9")     # on disk
    assert user.segments == () and user.subscriptions == ()
    assert "⬜" in (await ask(payload="seg:nonsense:on", user="u9")).text


@pytest.mark.parametrize("payload, field, value", [("sub:events:on", "subscriptions", "events"),
                                                   ("sub:news:off", "subscriptions", None),
                                                   ("seg:quasi:on", "segments", "quasi")])
async def test_a_repeated_or_replayed_press_sets_the_same_state(ask, services, payload, field, value):
    first = await ask(payload=payload, user="u7")
    again = [await ask(payload=payload, user="u7") for _ in range(2)]
    user = await services.store.users.get("console:u7")
    assert (value in getattr(user, field)) if value else "news" not in getattr(user, field)
    assert all(reply.text == first.text for reply in again)


async def test_buttons_sent_before_they_named_a_state_show_the_settings_and_change_nothing(ask, services):
    await ask(payload="sub:events:on", user="u8")
    before = await services.store.users.get("console:u8")
    for old in ("sub:events", "seg:quasi", "sub:news"):
        reply = await ask(payload=old, user="u8")
        assert reply.text.startswith("您当前的通知设置") and "✅ 联盟活动通知" in reply.text
    assert await services.store.users.get("console:u8") == before


async def test_reminders_fire_once_at_their_time_and_late_ones_are_skipped(ask, services, outbox, clock):
    await subscribe(ask, "fan", "quasi")
    await publish(ask, services, "2026-11-24 10:00 | 路演 | 会客厅 | 类金融")
    reminders = sorted(await services.store.events.reminders("pending"), key=lambda r: r.due)
    assert [(r.offset, iso(r.due)) for r in reminders] == [
        (86400, "2026-11-23T10:00:00+08:00"), (3600, "2026-11-24T09:00:00+08:00")]
    assert await services.scheduler.fire_due() == []                   # nothing due yet
    clock.advance(days=1, seconds=-1)
    assert await services.scheduler.fire_due() == []                   # one second early
    clock.advance(seconds=1)
    assert [r.offset for r in await services.scheduler.fire_due()] == [86400]
    await services.delivery.wait()
    assert "【活动提醒】活动将于 1 天后开始" in outbox.texts("fan")[-1]
    assert await services.scheduler.fire(reminders[0].id) is None     # never twice
    clock.advance(days=1, minutes=1)                                    # slept through the 1-hour one
    [late] = await services.scheduler.fire_due()
    assert late.status == "skipped" and "开始" in late.note
    await services.delivery.wait()
    assert len(outbox.texts("fan")) == 2


async def test_missed_reminder_is_sent_late_while_the_event_has_not_started(ask, services, outbox, clock):
    await subscribe(ask, "fan")
    await publish(ask, services, "2026-11-24 10:00 | 讲座 | 会客厅 | 全体")
    clock.advance(days=1, hours=5)                       # the bot was down at the 1-day mark
    [sent] = await services.scheduler.fire_due()
    await services.delivery.wait()
    assert sent.offset == 86400 and sent.status == "fired"
    assert "1 天后" in outbox.texts("fan")[-1]


async def test_edit_and_cancel_notify_the_same_people(ask, services, outbox, clock):
    await subscribe(ask, "fan", "quasi")
    await publish(ask, services)
    await ask(payload="sub:events:off", user="fan")       # unsubscribes afterwards: still told of changes
    reply = await ask("/editevent 1 | 地点 | 英蓝中心 3 楼", staff=True)
    await services.delivery.wait()
    assert "已修改" in reply.text
    assert "【活动变更】" in outbox.texts("fan")[-1] and "地点：小镇会客厅 → 英蓝中心 3 楼" in outbox.texts("fan")[-1]
    reply = await ask("/editevent 1 | 时间 | 2026-12-02 16:00", staff=True)
    await services.delivery.wait()
    dues = sorted(iso(r.due) for r in await services.store.events.reminders("pending"))
    assert dues == ["2026-12-01T16:00:00+08:00", "2026-12-02T15:00:00+08:00"]     # moved with the event
    confirm = await ask("/cancelevent 1", staff=True)
    assert confirm.buttons[0].payload == "evadm:cancel:1"
    reply = await ask(payload="evadm:cancel:1", staff=True)
    await services.delivery.wait()
    assert "已取消" in reply.text and "【活动取消】" in outbox.texts("fan")[-1]
    assert len(outbox.texts("fan")) == 4
    assert await services.store.events.reminders("pending") == []
    clock.advance(days=10)
    assert await services.scheduler.fire_due() == []
    assert "暂无" in (await ask("/events")).text
    actions = [a.action for a in await services.store.audit.all()]
    assert actions == ["event.publish", "event.edit", "event.edit", "event.cancel"]


async def test_edit_dialog_and_unknown_event(ask, services, outbox):
    await publish(ask, services)
    assert "例如 /cancelevent 3" in (await ask("/cancelevent", staff=True)).text
    assert "没有编号为 99 的活动" in (await ask("/editevent 99", staff=True)).text
    assert "没有编号为" in (await ask("/editevent " + "9" * 500, staff=True)).text
    reply = await ask("/editevent 1", staff=True)
    assert "ee:title" in [b.payload for b in reply.buttons]
    assert "当前标题" in (await ask(payload="ee:title", staff=True)).text
    reply = await ask("2026 年度项目路演（第二场）", staff=True)
    assert "已修改" in reply.text
    assert (await services.store.events.get(1)).title == "2026 年度项目路演（第二场）"      # stored as typed


async def test_import_yaml_all_or_nothing(ask, services, outbox):
    await subscribe(ask, "fan")
    bad = "- {title: 路演, start: 2026-12-01 14:00, place: 会客厅}\n- {title: 讲座, start: 2026-12-05, place: ''}"
    await ask("/importevents", staff=True)
    reply = await ask(bad, staff=True)
    assert "全部未导入" in reply.text and "第 2 项（讲座）" in reply.text and "地点" in reply.text
    good = ("- {title: 路演, start: 2026-12-01 14:00, place: 会客厅, audience: 全体}\n"
            "- {title: 人才峰会, start: '2026-12-05 09:00', place: 英蓝中心, audience: 重点企业行业分会}")
    await ask("/importevents", staff=True)
    preview = await ask(good, staff=True)
    assert "将导入 2 个活动" in preview.text and await services.store.events.all() == []
    reply = await ask(payload="imp:confirm", staff=True)
    await services.delivery.wait()
    assert "已发布 2 个活动" in reply.text
    assert [e.type for e in await services.store.events.all()] == ["项目路演", "人才峰会"]
    assert len(outbox.texts("fan")) == 1              # the 重点企业 event is not for a non-member


async def test_import_from_a_file_in_the_data_folder(ask, services, outbox):
    folder = services.settings.data_dir / "imports"
    folder.mkdir(parents=True)
    (folder / "dec.yaml").write_text("events:\n  - title: 论坛\n    start: 2026-12-08 14:00\n    place: 会客厅\n",
                                     "utf-8")
    reply = await ask("/importevents dec.yaml", staff=True)
    assert "将导入 1 个活动" in reply.text
    assert "找不到" in (await ask("/importevents nope.yaml", staff=True)).text
    (folder / "gbk.yaml").write_bytes("events:\n  - title: 论坛\n".encode("gbk"))
    assert "UTF-8" in (await ask("/importevents gbk.yaml", staff=True)).text


@pytest.mark.parametrize("command", ["/newevent 2026-12-01 14:00 | a | b | 全体", "/cancelevent 1", "/importevents",
                                     "/broadcast 你好", "/broadcast_status", "/unanswered", "/editevent 1"])
async def test_staff_commands_refuse_enterprises(ask, services, command):
    reply = await ask(command)
    assert "仅限小镇管委会工作人员" in reply.text
    assert await services.store.events.all() == [] and await services.store.audit.all() == []


async def test_forged_staff_buttons_are_refused(ask, services, outbox):
    await publish(ask, services)
    reply = await ask(payload="evadm:cancel:1")
    assert "仅限" in reply.text and (await services.store.events.get(1)).status == "scheduled"


async def test_every_event_change_reaches_disk_together_with_its_audit_record(ask, services, outbox, monkeypatch):
    """Each file write is checked: no state of the file holds a change without its audit record, so a
    kill -9 between writes cannot leave one unaudited."""
    import bot.storage
    snapshots: list[dict] = []
    real_write = bot.storage.atomic_write

    def recording(path, data: bytes) -> None:
        if path == services.store.path:
            snapshots.append(json.loads(data))
        real_write(path, data)

    monkeypatch.setattr(bot.storage, "atomic_write", recording)
    await subscribe(ask, "fan", "quasi")
    await publish(ask, services)
    await ask("/editevent 1 | 地点 | 英蓝中心 3 楼", staff=True)
    await ask(payload="evadm:cancel:1", staff=True)
    await services.delivery.wait()
    for data in snapshots:
        audited = {(a["detail"].get("event"), a["action"]) for a in data.get("audit", {}).values()}
        for eid, event in data.get("events", {}).items():
            assert (int(eid), "event.publish") in audited
            assert event.get("place") != "英蓝中心 3 楼" or (int(eid), "event.edit") in audited
            assert event["status"] != "cancelled" or (int(eid), "event.cancel") in audited
    assert snapshots[-1]["events"]["1"]["status"] == "cancelled"
