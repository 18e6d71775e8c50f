"""The records at the store boundary: a data folder written before them loads unchanged, and what the store
writes now has the shape (keys and their order) the rows have always had."""
from __future__ import annotations

import json
from datetime import datetime

import pytest

from bot.clock import SHANGHAI
from bot.messages import Incoming
from bot.store import Audience, Audit, Broadcast, Event, Profile, Reminder, Store, Ticket, TicketEntry, User
from tests.conftest import TODAY

STAMP = "2026-11-20T09:30:00+08:00"
PROFILE = {"description": "我们是外资银行，实收资本10亿", "types": ["外资银行"], "figures": {"实收资本": "10亿元"},
           "saved": "2026-11-20T09:31:02.123456+08:00"}
# store.json as the store wrote it before records: each row with its keys in the order they were written
OLD = {
    "users": {
        "1": {"key": "telegram:7", "platform": "telegram", "user_id": "7", "chat_id": "7", "name": "张三",
              "segments": ["quasi"], "subscriptions": ["news", "events"], "profile": PROFILE, "active": True,
              "reason": "", "since": STAMP, "lang": "zh"},
        "2": {"key": "wecom_robot:ops", "platform": "wecom_robot", "user_id": "ops", "chat_id": "ops",
              "name": "群机器人 ops", "segments": [], "subscriptions": ["news", "events"], "profile": {},
              "active": False, "reason": "gone: 93000", "since": ""},
    },
    "events": {
        "1": {"title": "金融项目路演", "type": "项目路演", "start": "2026-12-01T14:00:00+08:00", "place": "小镇会客厅",
              "audience": "quasi", "description": "", "signup": "https://example.org/s", "status": "scheduled",
              "created_by": "telegram:staff", "created": STAMP, "updated": "2026-11-21T08:00:00+08:00"},
    },
    "reminders": {
        "1": {"kind": "published", "offset": 0, "due": STAMP, "status": "fired", "note": "", "event": 1,
              "broadcast": 2},
        "2": {"kind": "before", "offset": 3600, "due": "2026-12-01T13:00:00+08:00", "status": "pending", "note": "",
              "event": 1},
        "3": {"kind": "before", "offset": 86400, "due": "2026-11-30T14:00:00+08:00", "status": "skipped",
              "note": "活动不存在", "event": 1, "broadcast": None},
    },
    "broadcasts": {
        "1": {"kind": "announcement", "text": "通知\n---en---\nNotice", "audience": {"kind": "segment", "value": "quasi"},
              "status": "scheduled", "created": STAMP, "created_by": "telegram:staff", "due": "2026-12-02T09:00:00+08:00",
              "total": 0},
        "2": {"kind": "event.published", "event": 1, "text": "【活动通知】", "buttons": [["查看活动详情", "ev:1"]],
              "audience": {"kind": "event", "value": "quasi", "event": 1}, "status": "done", "created": STAMP,
              "created_by": "system", "total": 1, "finished": STAMP, "sent": 1, "failed": 0, "skipped": 0,
              "archived": True},
        "3": {"kind": "ticket", "ticket": 1, "text": "【转人工 #1】", "audience": {"kind": "direct", "value": ["telegram:staff"]},
              "status": "done", "created": STAMP, "total": 1, "finished": STAMP, "sent": 1, "failed": 0, "skipped": 0,
              "archived": True},
        "4": {"kind": "announcement", "text": "x", "audience": {"kind": "all"}, "status": "done", "created": STAMP,
              "created_by": "console:staff", "due": "2026-11-20T10:00:00+08:00", "total": 0, "started": STAMP,
              "finished": STAMP, "sent": 0, "failed": 0, "skipped": 0, "archived": True},
    },
    "audit": {
        "1": {"at": STAMP, "actor": "telegram:staff", "action": "broadcast.send",
              "detail": {"audience": {"kind": "all"}, "text": "x", "broadcast": 4}},
    },
    "tickets": {
        "1": {"user": "telegram:7", "platform": "telegram", "name": "张三", "status": "closed", "opened": STAMP,
              "profile": PROFILE, "history": [{"at": "", "from": "user", "who": "telegram:7", "text": "你好 "},
                                              {"at": STAMP, "from": "staff", "who": "telegram:staff", "text": "您好"}],
              "notices": [3], "closed": STAMP, "closed_by": "telegram:staff"},
    },
}
CODECS = {"users": lambda row, _: User.of(row), "events": Event.of, "reminders": Reminder.of,
          "broadcasts": Broadcast.of, "tickets": Ticket.of, "audit": lambda row, _: Audit.of(row)}


def ordered(row: dict) -> str:
    """A row as JSON, so that equal text means the same keys in the same order."""
    return json.dumps(row, ensure_ascii=False)


@pytest.fixture
def old_folder(tmp_path):
    (tmp_path / "store.json").write_text(json.dumps(OLD, ensure_ascii=False), "utf-8")
    return tmp_path


@pytest.mark.parametrize("table", list(CODECS))
def test_every_old_row_decodes_and_encodes_back_to_the_same_keys_in_the_same_order(table):
    for key, row in OLD[table].items():
        assert ordered(CODECS[table](row, int(key)).row()) == ordered(row), (table, key)


async def test_an_old_data_folder_loads_into_typed_records(old_folder):
    store = Store(old_folder)
    user = await store.users.get("telegram:7")
    assert user.segments == ("quasi",) and user.subscriptions == ("news", "events") and user.lang == "zh"
    assert user.profile.description == PROFILE["description"] and user.profile.figures["实收资本"] == "10亿元"
    robot = await store.users.get("wecom_robot:ops")
    assert robot.profile is None and not robot.active and robot.lang is None
    [event] = await store.events.all()
    assert event.id == 1 and event.start == datetime(2026, 12, 1, 14, 0, tzinfo=SHANGHAI) and event.audience == "quasi"
    assert [(r.id, r.kind, r.offset) for r in await store.events.reminders("pending")] == [(2, "before", 3600)]
    scheduled, notice, ticket_message, _ = await store.broadcasts.all()
    assert scheduled.audience == Audience("segment", "quasi") and scheduled.due == datetime(2026, 12, 2, 9, 0, tzinfo=SHANGHAI)
    assert notice.audience == Audience("event", "quasi", 1) and notice.buttons == (("查看活动详情", "ev:1"),)
    assert ticket_message.audience == Audience("direct", keys=("telegram:staff",)) and ticket_message.ticket == 1
    ticket = await store.tickets.get(1)
    assert ticket.history[0] == TicketEntry("", "user", "telegram:7", "你好 ")      # as typed, trailing space too
    assert ticket.closed_by == "telegram:staff" and ticket.notices == (3,)
    [entry] = await store.audit.all()
    assert entry.detail["broadcast"] == 4 and entry.when.isoformat() == STAMP


async def test_a_write_leaves_the_old_rows_as_they_were(old_folder):
    store = Store(old_folder)
    await store.users.register(Incoming("telegram", "8", "8", display_name="李四"), TODAY, "en")
    await store.users.choose("telegram:7", "segments", "key", on=True)
    document = json.loads((old_folder / "store.json").read_text("utf-8"))
    for table, rows in OLD.items():
        for key, row in rows.items():
            if (table, key) != ("users", "1"):
                assert ordered(document[table][key]) == ordered(row), (table, key)
    assert ordered(document["users"]["1"]) == ordered({**OLD["users"]["1"], "segments": ["quasi", "key"]})


async def test_new_rows_have_the_shape_the_store_always_wrote(tmp_path):
    store = Store(tmp_path)
    await store.users.register(Incoming("telegram", "7", "7", display_name="张三"), TODAY, "zh")
    await store.users.ensure_recipient("wecom_robot", "ops", "群机器人 ops", ("news", "events"))
    await store.broadcasts.create(Broadcast("announcement", "x", Audience(), "scheduled", STAMP, "console:staff",
                                            due=datetime(2026, 11, 20, 10, 0, tzinfo=SHANGHAI)))
    ticket = await store.tickets.open(Ticket("telegram:7", "telegram", "张三", STAMP, profile=Profile.of(PROFILE),
                                             history=(TicketEntry("", "user", "telegram:7", "你好 "),)))
    await store.tickets.update(ticket.id, [TicketEntry(STAMP, "staff", "telegram:staff", "您好")],
                               closed=STAMP, closed_by="telegram:staff")
    await store.tickets.update(ticket.id, notice=3)
    document = json.loads(store.path.read_text("utf-8"))
    since = TODAY.isoformat(timespec="seconds")
    assert ordered(document["users"]["1"]) == ordered({**OLD["users"]["1"], "segments": [], "subscriptions": ["news"],
                                                       "profile": {}, "since": since})
    assert ordered(document["users"]["2"]) == ordered({**OLD["users"]["2"], "active": True, "reason": ""})
    assert ordered(document["broadcasts"]["1"]) == ordered({k: v for k, v in OLD["broadcasts"]["4"].items()
                                                            if k in ("kind", "text", "audience", "status", "created",
                                                                     "created_by", "due", "total")}
                                                           | {"status": "scheduled"})
    assert ordered(document["tickets"]["1"]) == ordered(OLD["tickets"]["1"])
