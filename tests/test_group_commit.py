"""store.json's flush: encoded holding the lock, written without it — reads and the next changes go on while the
file is written, and a failed write loses nothing (it is written by the next flush)."""
from __future__ import annotations

import asyncio
import json
import threading

import pytest

from bot import storage
from bot.storage import StorageError
from bot.store.database import Database


async def put(db: Database, name: str) -> None:
    async with db.write() as tables:
        tables["users"].insert({"name": name})


async def names(db: Database) -> list[str]:
    async with db.read() as tables:
        return sorted(u["name"] for u in tables["users"].all())


def names_on_disk(db: Database) -> list[str]:
    if not db.path.exists():
        return []
    return sorted(u["name"] for u in json.loads(db.path.read_text("utf-8"))["users"].values())


@pytest.fixture
def db(tmp_path) -> Database:
    return Database(tmp_path / "store.json")


@pytest.fixture
def held_commit(db, monkeypatch) -> tuple[threading.Event, threading.Event]:
    """(writing, release): the file write of the next flush waits for `release`, having set `writing`."""
    writing, release = threading.Event(), threading.Event()
    commit = db.storage.commit

    def slow_commit(pending):
        writing.set()
        release.wait(10)
        commit(pending)

    monkeypatch.setattr(db.storage, "commit", slow_commit)
    return writing, release


@pytest.fixture
def full_disk_once(monkeypatch) -> None:
    """The next file write fails as on a full disk; the ones after it succeed."""
    real, failures = storage.atomic_write, [OSError(28, "No space left on device")]

    def write(path, data):
        if failures:
            raise failures.pop()
        real(path, data)

    monkeypatch.setattr(storage, "atomic_write", write)


async def test_reads_and_new_changes_go_on_while_a_flush_writes_the_file(db, held_commit):
    writing, release = held_commit
    first = asyncio.create_task(put(db, "甲"))
    assert await asyncio.to_thread(writing.wait, 10)
    assert await names(db) == ["甲"]                                    # read while the file is being written
    second = asyncio.create_task(put(db, "乙"))
    while len(await names(db)) < 2:                                    # changed while the file is being written
        await asyncio.sleep(0)
    assert not first.done() and not second.done()
    release.set()
    await asyncio.gather(first, second)
    assert names_on_disk(db) == ["乙", "甲"]


async def test_a_failed_write_is_written_by_the_next_flush(db, request):
    await put(db, "甲")
    request.getfixturevalue("full_disk_once")
    with pytest.raises(StorageError):
        await put(db, "乙")
    assert names_on_disk(db) == ["甲"]
    await put(db, "丙")
    assert names_on_disk(db) == ["丙", "乙", "甲"]


async def test_a_change_written_soon_returns_before_the_file_is_written_and_reaches_it(db, held_commit):
    writing, release = held_commit
    async with db.write_soon() as tables:
        tables["users"].insert({"name": "甲"})
    assert await names(db) == ["甲"] and names_on_disk(db) == []    # returned at once; seen in memory
    assert await asyncio.to_thread(writing.wait, 10)              # and its flush is under way
    release.set()
    await db.settle()
    assert names_on_disk(db) == ["甲"]


async def test_a_change_written_soon_that_fails_is_logged_and_written_by_the_next_flush(db, request, caplog):
    await put(db, "甲")
    request.getfixturevalue("full_disk_once")
    async with db.write_soon() as tables:
        tables["users"].insert({"name": "乙"})
    await db.settle()
    assert names_on_disk(db) == ["甲"] and "could not save a change nobody waited for" in caplog.text
    await put(db, "丙")
    assert names_on_disk(db) == ["丙", "乙", "甲"]
