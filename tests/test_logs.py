"""The append-only logs beside store.json: delivery outcomes, unanswered questions, analytics. Real files;
a crash mid-append is a line cut short on disk."""
from __future__ import annotations

import json

import pytest

from bot.messages import Incoming
from bot.storage import StorageError
from bot.store import Store
from bot.store.deliveries import Outcome
from tests.conftest import TODAY
from tests.records import announcement, on_disk

ANNOUNCEMENT = announcement(TODAY, "公告")


async def seeded(folder, users: int = 5) -> tuple[Store, int]:
    store = Store(folder)
    for i in range(users):
        await store.users.register(Incoming("telegram", str(i), str(i), text="你好"))
    return store, await store.broadcasts.create(ANNOUNCEMENT)


def tear(path, fragment: bytes) -> None:
    """What a crash in the middle of an append leaves: part of a line, no newline."""
    with open(path, "ab") as f:
        f.write(fragment)


async def test_a_torn_last_line_of_a_delivery_log_is_ignored_and_nothing_acknowledged_is_lost(tmp_path):
    store, bid = await seeded(tmp_path)
    await store.broadcasts.record(bid, [(0, Outcome("sent", 1, ref="m1")),
                                        (1, Outcome("failed", 4, "timeout"))])
    await store.broadcasts.record(bid, [(2, Outcome("skipped", 1, "控制台未打开"))])
    log = tmp_path / "deliveries" / f"broadcast-{bid}.log"
    acknowledged = log.read_bytes()
    tear(log, b'[[3,{"status":"sent","attem')

    again = Store(tmp_path)
    records = await again.broadcasts.records(bid)
    assert [(r.status, r.attempts, r.reason, r.ref) for r in records] == [
        ("sent", 1, "", "m1"), ("failed", 4, "timeout", ""), ("skipped", 1, "控制台未打开", ""),
        ("pending", 0, "", ""), ("pending", 0, "", "")]
    assert [r.recipient for r in await again.broadcasts.pending(bid)] == ["telegram:3", "telegram:4"]
    assert log.read_bytes() == acknowledged                # the fragment is cut off, so appends start cleanly
    await again.broadcasts.record(bid, [(3, Outcome("sent", 2))])
    assert [d.status for d in on_disk(tmp_path, bid)] == ["sent", "failed", "skipped", "sent", "pending"]


async def test_a_torn_last_line_of_the_question_log_is_ignored(tmp_path):
    store = Store(tmp_path)
    for text in ("第一个问题", "second question"):
        await store.unanswered.log(Incoming("wecom", "u1", "u1", text=text), TODAY)
    [first, _] = await store.unanswered.since(TODAY)
    await store.unanswered.resolve([first.id], "faq:town-1")
    tear(tmp_path / "unanswered.log", '[{"at":"2026-'.encode())
    again = Store(tmp_path)
    rows = await again.unanswered.since(TODAY)
    assert [(r.text, r.resolved) for r in rows] == [("第一个问题", "faq:town-1"), ("second question", "")]
    await again.unanswered.log(Incoming("wecom", "u2", "u2", text="第三个"), TODAY)
    assert [r.text for r in await Store(tmp_path).unanswered.since(TODAY)] == ["第一个问题", "second question", "第三个"]


async def test_a_damaged_line_before_the_last_is_refused_and_left_intact(tmp_path):
    store = Store(tmp_path)
    for text in ("a", "b"):
        await store.unanswered.log(Incoming("wecom", "u1", "u1", text=text), TODAY)
    log = tmp_path / "unanswered.log"
    lines = log.read_bytes().split(b"\n")
    damaged = b"\n".join([lines[0][:-3], *lines[1:]])
    log.write_bytes(damaged)
    with pytest.raises(StorageError, match="拒绝启动"):
        Store(tmp_path)
    assert log.read_bytes() == damaged


async def test_outcomes_are_appended_not_rewritten(tmp_path):
    store, bid = await seeded(tmp_path, users=50)
    plan = tmp_path / "deliveries" / f"broadcast-{bid}.json"
    before, flushes = plan.read_bytes(), store.db.storage.flushes
    for i in range(0, 50, 10):
        await store.broadcasts.record(bid, [(j, Outcome("sent", 1)) for j in range(i, i + 10)])
    assert plan.read_bytes() == before and store.db.storage.flushes == flushes     # neither file rewritten
    assert len((tmp_path / "deliveries" / f"broadcast-{bid}.log").read_text("utf-8").splitlines()) == 5
    assert (await Store(tmp_path).broadcasts.counts([bid]))[bid] == {"sent": 50}


async def test_records_of_a_broadcast_store_json_never_named_are_removed_at_start(tmp_path):
    """A crash after a new broadcast's records were written but before store.json was."""
    store, bid = await seeded(tmp_path, users=2)
    folder = tmp_path / "deliveries"
    (folder / f"broadcast-{bid + 1}.json").write_bytes((folder / f"broadcast-{bid}.json").read_bytes())
    Store(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [f"broadcast-{bid}.json"]


async def test_data_from_before_the_logs_is_taken_in(tmp_path):
    """store.json with delivery records and unanswered questions inside, and analytics.json beside it."""
    old = {"users": {}, "events": {}, "reminders": {}, "audit": {}, "tickets": {}, "analytics": {},
           "broadcasts": {"1": {**ANNOUNCEMENT.row(), "total": 2}},
           "deliveries": {"1": {"broadcast": 1, "recipient": "wecom:a", "platform": "wecom", "chat_id": "a",
                                "lang": "zh", "status": "sent", "attempts": 1, "reason": "", "at": "x"},
                          "2": {"broadcast": 1, "recipient": "wecom:b", "platform": "wecom", "chat_id": "b",
                                "lang": "en", "status": "pending", "attempts": 0, "reason": ""}},
           "unanswered": {"3": {"at": TODAY.isoformat(timespec="seconds"), "user": "wecom:a", "text": "旧问题"}}}
    (tmp_path / "store.json").write_text(json.dumps(old, ensure_ascii=False), "utf-8")
    analytics = {"analytics": {"1": {"at": TODAY.isoformat(timespec="seconds"), "platform": "wecom",
                                     "user": "wecom:a", "text": "小镇在哪", "intent": "faq", "outcome": "answered"}}}
    (tmp_path / "analytics.json").write_text(json.dumps(analytics, ensure_ascii=False), "utf-8")

    Store(tmp_path)
    store = Store(tmp_path)                       # a second start finds everything where the first put it
    assert [(r.recipient, r.status) for r in await store.broadcasts.pending(1)] == [("wecom:b", "pending")]
    assert (await store.broadcasts.counts([1]))[1] == {"sent": 1, "pending": 1}
    assert [(r.id, r.text) for r in await store.unanswered.since(TODAY)] == [(3, "旧问题")]
    day = (TODAY.replace(hour=0), TODAY.replace(hour=23))
    assert [r.text for r in await store.analytics.between(*day)] == ["小镇在哪"]
    live = json.loads((tmp_path / "store.json").read_text("utf-8"))
    assert not {"deliveries", "unanswered", "analytics"} & set(live) and not (tmp_path / "analytics.json").exists()
