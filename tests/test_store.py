"""The storage layer: real TinyDB files on disk, atomic writes, refusal of corrupt files, backups."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import ROOT
from bot.messages import Incoming
from bot.storage import StorageError
from bot.store import Audience, Broadcast, Profile, Store
from bot.store.database import iso
from bot.store.deliveries import Outcome
from tests.conftest import TODAY


def tg(user: str, name: str = "", chat: str | None = None, group: bool = False) -> Incoming:
    return Incoming("telegram", chat or user, user, text="你好", display_name=name, is_group=group)


BANK = Profile("我们是银行，实收资本10亿", ("银行",), {"实收资本": "10亿元"}, "2026-11-22T10:00:00+08:00")


async def test_profile_round_trip_survives_reopen(tmp_path):
    store = Store(tmp_path)
    assert await store.users.profile("telegram:1") is None
    await store.users.save_profile("telegram:1", BANK)
    profile = await store.users.profile("telegram:1")
    with pytest.raises(TypeError):
        profile.figures["实收资本"] = "changed"        # records cannot be changed behind the store's back
    reopened = Store(tmp_path)
    assert await reopened.users.profile("telegram:1") == BANK


async def test_register_writes_once_and_only_on_change(tmp_path, monkeypatch):
    store = Store(tmp_path)
    await store.users.register(tg("7", "张三"))
    await store.db.settle()                                      # written soon after: the answer does not wait
    mtime = os.stat(store.path).st_mtime_ns
    commits, commit = [], store.db.storage.commit
    monkeypatch.setattr(store.db.storage, "commit", lambda pending: (commits.append(pending), commit(pending)))
    for _ in range(20):
        await store.users.register(tg("7", "张三"))
    await store.db.settle()
    assert commits == [] and os.stat(store.path).st_mtime_ns == mtime
    await store.users.register(tg("7", "张三丰"))                # a changed name is written
    await store.db.settle()
    user = await Store(tmp_path).users.get("telegram:7")
    assert user.name == "张三丰" and user.chat_id == "7" and user.active
    assert user.subscriptions == ("news",) and user.segments == ()


async def test_register_from_a_group_keeps_the_private_chat_as_address(tmp_path):
    store = Store(tmp_path)
    await store.users.register(tg("7", "张三", chat="-100123", group=True))
    assert (await store.users.get("telegram:7")).chat_id == "7"


async def test_inactive_recipient_writing_again_is_reactivated(tmp_path):
    store = Store(tmp_path)
    await store.users.register(tg("7"))
    await store.users.mark_gone({"telegram:7": "blocked"})
    assert not (await store.users.get("telegram:7")).active
    assert await store.broadcasts.recipients(Audience()) == []
    await store.users.register(tg("7"))
    assert [r.key for r in await store.broadcasts.recipients(Audience())] == ["telegram:7"]


async def test_choose_segments_and_subscriptions(tmp_path):
    store = Store(tmp_path)
    await store.users.register(tg("7"))
    for _ in range(2):                                     # the same choice twice: the same state
        await store.users.choose("telegram:7", "segments", "licensed", on=True)
        await store.users.choose("telegram:7", "subscriptions", "events", on=True)
    assert (await store.users.get("telegram:7")).segments == ("licensed",)
    assert [r.key for r in await store.broadcasts.recipients(Audience("segment", "licensed"))] == ["telegram:7"]
    event_audience = Audience("event", "licensed", 1)
    assert [r.key for r in await store.broadcasts.recipients(event_audience)] == ["telegram:7"]
    assert await store.broadcasts.recipients(replace(event_audience, value="quasi")) == []
    await store.users.choose("telegram:7", "segments", "licensed", on=False)
    assert await store.broadcasts.recipients(Audience("segment", "licensed")) == []
    with pytest.raises(ValueError):
        await store.users.choose("telegram:7", "profile", "x", on=True)


async def test_concurrent_writers_share_flushes_and_lose_nothing(tmp_path):
    store = Store(tmp_path)
    msgs = [Incoming("wecom", f"u{i}", f"u{i}", text=f"问题{i}") for i in range(200)]
    await asyncio.gather(*(store.users.save_profile(m.user_key, Profile(m.text)) for m in msgs),
                         *(store.unanswered.log(m, TODAY) for m in msgs))
    assert 1 <= store.db.storage.flushes < 20      # group commit: far fewer file rewrites than writers
    appends = (tmp_path / "unanswered.log").read_text("utf-8").splitlines()
    assert 1 <= len(appends) < 20                  # and far fewer appends to the log
    again = Store(tmp_path)
    rows = await again.unanswered.since(TODAY - timedelta(days=1))
    assert sorted(r.text for r in rows) == sorted(m.text for m in msgs)
    assert [(await again.users.profile(m.user_key)).description for m in msgs] == [m.text for m in msgs]


async def test_write_is_atomic_and_leaves_no_temp_files(tmp_path):
    store = Store(tmp_path)
    await store.audit.record("console:staff", "test", TODAY, n=1)
    assert json.loads(store.path.read_text("utf-8"))["audit"]["1"]["action"] == "test"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_interrupted_write_leftover_is_removed_and_old_data_kept(tmp_path):
    store = Store(tmp_path)
    asyncio.run(store.users.save_profile("wecom:a", BANK))
    stale = tmp_path / f".store.json.{os.getpid() + 1}.tmp"
    stale.write_text('{"users": {"1": {"half', "utf-8")          # a crash between write and os.replace
    again = Store(tmp_path)
    assert not stale.exists()
    assert asyncio.run(again.users.profile("wecom:a")) == BANK


@pytest.mark.parametrize("content", [b'{"users": {"1": {"key": "tel', b"", b"\xff\xfe garbage", b"[1, 2]"])
def test_corrupt_file_is_refused_and_left_intact(tmp_path, content):
    path = tmp_path / "store.json"
    path.write_bytes(content)
    with pytest.raises(StorageError, match="拒绝启动"):
        Store(tmp_path)
    assert path.read_bytes() == content


def backups(folder) -> list[str]:
    return sorted(p.name for p in (folder / "backups").iterdir())


def test_backups_rotate_when_the_content_changed(tmp_path):
    for i in range(7):
        store = Store(tmp_path, backups=3)
        asyncio.run(store.audit.record("a", f"run{i}", TODAY))
    assert backups(tmp_path) == ["store.json.1", "store.json.2", "store.json.3"]
    newest = json.loads((tmp_path / "backups" / "store.json.1").read_text("utf-8"))
    assert len(newest["audit"]) == 6              # the file as it was when the 7th run opened it


def test_starts_without_changes_keep_the_older_backups(tmp_path):
    asyncio.run(Store(tmp_path).audit.record("a", "first", TODAY))
    for _ in range(6):
        Store(tmp_path)                            # six starts that change nothing (like `ask` "你好")
    assert backups(tmp_path) == ["store.json.1"]
    asyncio.run(Store(tmp_path).audit.record("a", "second", TODAY))
    Store(tmp_path)
    assert backups(tmp_path) == ["store.json.1", "store.json.2"]
    first, second = (json.loads((tmp_path / "backups" / f"store.json.{i}").read_text("utf-8")) for i in (2, 1))
    assert len(first["audit"]) == 1 and len(second["audit"]) == 2


def test_temp_files_of_interrupted_writes_are_removed_at_start(tmp_path):
    (tmp_path / "archive").mkdir(parents=True)
    (tmp_path / "deliveries").mkdir()
    leftovers = [tmp_path / "archive" / ".broadcast-3.json.4242.tmp", tmp_path / ".store.json.4242.tmp",
                 tmp_path / ".wecom_state.json.4242.tmp", tmp_path / "deliveries" / ".broadcast-4.json.4242.tmp"]
    for path in leftovers:
        path.write_bytes(b'[{"half": ')
    kept = tmp_path / "archive" / "broadcast-2.json"
    kept.write_text("[]")
    Store(tmp_path)
    assert [p for p in leftovers if p.exists()] == [] and kept.exists()


def test_product_refuses_to_start_on_a_corrupt_data_file(tmp_path):
    path = tmp_path / "store.json"
    path.write_bytes(b'{"users": {')
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path), "TELEGRAM_BOT_TOKEN": "", "WECOM_CORP_ID": ""}
    proc = subprocess.run([sys.executable, "main.py", "ask", "你好"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "store.json" in proc.stderr and "拒绝启动" in proc.stderr
    assert path.read_bytes() == b'{"users": {'


def test_in_place_table_behaves_like_tinydb(tmp_path):
    from tinydb import Query, TinyDB
    from tinydb.storages import MemoryStorage

    from bot.storage import AtomicJSONStorage, InPlaceTinyDB
    ours = InPlaceTinyDB(tmp_path / "db.json", storage=AtomicJSONStorage).table("t")
    plain = TinyDB(storage=MemoryStorage).table("t")
    for table in (ours, plain):
        table.insert_multiple({"n": i, "tag": "odd" if i % 2 else "even"} for i in range(10))
        table.update({"seen": True}, Query().tag == "odd")
        table.update({"n": 100}, doc_ids=[2])
        table.remove(Query().n == 4)
        table.upsert({"n": 7, "tag": "seven"}, Query().n == 7)
        table.insert({"n": 11})
    assert [(d.doc_id, dict(d)) for d in ours.all()] == [(d.doc_id, dict(d)) for d in plain.all()]
    assert ours.get(doc_id=2) == {"n": 100, "tag": "odd", "seen": True}
    assert len(ours) == 10 and 5 not in [d.doc_id for d in ours.all()]


async def test_who_was_told_of_an_event_is_read_back_from_the_archive_after_a_restart(tmp_path):
    store = Store(tmp_path)
    await store.users.register(tg("7"))
    await store.users.choose("telegram:7", "subscriptions", "events", on=True)
    audience = Audience("event", "all", 1)
    bid = await store.broadcasts.create(Broadcast("event.published", "活动", audience, "sending", iso(TODAY), event=1))
    await store.broadcasts.record(bid, [(0, Outcome("sent", 1))])
    assert (await store.broadcasts.finish(bid, TODAY))["sent"] == 1
    await store.broadcasts.archive(bid)
    await store.users.choose("telegram:7", "subscriptions", "events", on=False)     # told once: told of changes
    again = Store(tmp_path)
    assert (await again.broadcasts.get(bid)).archived is True
    assert [r.key for r in await again.broadcasts.recipients(audience)] == ["telegram:7"]
    assert await again.broadcasts.recipients(replace(audience, event=2)) == []
