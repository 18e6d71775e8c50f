"""The WeCom state on disk: claims saved before they count, written together, bounded by time and count,
readable after a crash (a torn journal line, a fold cut short) and after a restart."""
from __future__ import annotations

import asyncio
import json

import pytest

from bot.channels.wecom.state import COMPACT_AFTER, WeComState
from tests.fakes.wecom_callbacks import FakeTime

DAY = 86400


@pytest.fixture
def time():
    return FakeTime(1_764_000_000.0)


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_bytes().splitlines()]


async def test_claims_survive_a_restart_and_expire(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now)
    assert await state.claim("app:1", ttl=60) and not await state.claim("app:1", ttl=60)
    state.set_cursor("wk1", "CURSOR")
    await state.save()
    again = WeComState(tmp_path / "s.json", now=time.now)
    assert again.seen("app:1") and again.cursor("wk1") == "CURSOR"
    time.t += 61
    assert await again.claim("app:1", ttl=60)


async def test_a_claim_is_on_disk_when_it_returns_and_claims_made_together_share_one_write(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now)
    assert await state.claim("app:0", ttl=600)
    assert lines(state.journal) == [{"ids": {"app:0": time.t + 600}}]
    assert all(await asyncio.gather(*(state.claim(f"app:{i}", ttl=600) for i in range(1, 51))))
    [_, together] = lines(state.journal)
    assert sorted(together["ids"]) == sorted(f"app:{i}" for i in range(1, 51))


async def test_a_repeat_extends_the_id_and_its_extension_is_saved_with_the_next_write(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now)
    await state.claim("app:1", ttl=600)
    time.t += 500
    assert not await state.claim("app:1", ttl=600)
    await state.claim("app:2", ttl=600)
    time.t += 500                                   # 1000 s after the first claim, 500 after the repeat
    assert WeComState(tmp_path / "s.json", now=time.now).seen("app:1")


@pytest.mark.parametrize("extra", [0, 1, 30])
async def test_the_cap_forgets_the_oldest_and_claims_keep_working(tmp_path, time, caplog, extra):
    state = WeComState(tmp_path / "s.json", now=time.now, max_ids=10)
    for i in range(10 + extra):
        assert await state.claim(f"app:{i}", ttl=600)
    held = [i for i in range(10 + extra) if state.seen(f"app:{i}")]
    assert held == list(range(extra, 10 + extra))
    assert ("forgotten early" in caplog.text) == (extra > 0)
    assert not await state.claim(f"app:{9 + extra}", ttl=600)       # the newest is still a repeat
    restarted = WeComState(tmp_path / "s.json", now=time.now, max_ids=10)
    assert [i for i in range(10 + extra) if restarted.seen(f"app:{i}")] == held
    assert await restarted.claim("app:new", ttl=600)


async def test_restart_with_a_full_store_of_kf_ids_then_app_ids_are_claimed_and_kept(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now, max_ids=20)
    await asyncio.gather(*(state.claim(f"kf:msg{i}", ttl=3 * DAY) for i in range(20)))
    time.t += 3600
    state = WeComState(tmp_path / "s.json", now=time.now, max_ids=20)
    assert await state.claim("app:1", ttl=660) and not await state.claim("app:1", ttl=660)
    again = WeComState(tmp_path / "s.json", now=time.now, max_ids=20)
    assert again.seen("app:1") and not again.seen("kf:msg0") and again.seen("kf:msg19")


async def test_expired_ids_leave_even_when_longer_lived_ones_came_first(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now, max_ids=100)
    await state.claim("kf:old", ttl=3 * DAY)
    await asyncio.gather(*(state.claim(f"app:{i}", ttl=600) for i in range(50)))
    time.t += 601
    await state.claim("app:late", ttl=600)
    assert len(state) == 2 and state.seen("kf:old") and state.seen("app:late")


async def test_the_journal_is_folded_into_a_new_snapshot_and_a_fold_cut_short_is_harmless(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now)
    first = state.journal
    state.set_cursor("wk1", "OLD")
    await asyncio.gather(*(state.claim(f"app:{i}", ttl=600) for i in range(COMPACT_AFTER)))
    time.t += 601
    await state.claim("app:late", ttl=600)         # the journal now holds more entries than there are ids
    assert state.journal != first and not first.exists()
    snapshot = json.loads((tmp_path / "s.json").read_text())
    assert snapshot["ids"] == {"app:late": time.t + 600} and snapshot["kf_cursors"] == {"wk1": "OLD"}
    state.set_cursor("wk1", "NEW")
    await state.save()
    first.write_bytes(json.dumps({"ids": {}, "kf_cursors": {"wk1": "OLD"}}).encode() + b"\n")   # left behind
    again = WeComState(tmp_path / "s.json", now=time.now)
    assert again.cursor("wk1") == "NEW" and again.seen("app:late") and not first.exists()


async def test_a_journal_line_cut_short_by_a_crash_is_skipped(tmp_path, time, caplog):
    state = WeComState(tmp_path / "s.json", now=time.now)
    await state.claim("app:1", ttl=600)
    with open(state.journal, "ab") as f:
        f.write(b'{"ids": {"app:2": 17640')
    again = WeComState(tmp_path / "s.json", now=time.now)
    assert again.seen("app:1") and not again.seen("app:2")
    assert "skipped 1 unreadable line" in caplog.text
    assert await again.claim("app:2", ttl=600)
    assert WeComState(tmp_path / "s.json", now=time.now).seen("app:2")


async def test_a_claim_that_cannot_be_saved_raises_and_is_forgotten(tmp_path, time, caplog):
    state = WeComState(tmp_path / "s.json", now=time.now)
    state.journal.parent.mkdir(parents=True, exist_ok=True)
    state.journal.mkdir()                           # the journal cannot be opened for writing
    with pytest.raises(OSError):
        await state.claim("app:1", ttl=600)
    assert not state.seen("app:1") and "saving" in caplog.text
    state.journal.rmdir()
    assert await state.claim("app:1", ttl=600)


async def test_an_unreadable_snapshot_is_kept_aside_and_its_latest_journal_still_counts(tmp_path, time, caplog):
    state = WeComState(tmp_path / "s.json", now=time.now)
    await state.claim("app:1", ttl=600)
    (tmp_path / "s.json").write_text("{not json")
    again = WeComState(tmp_path / "s.json", now=time.now)
    assert (tmp_path / "s.bad").read_text() == "{not json" and "unreadable" in caplog.text
    assert again.seen("app:1") and again.cursor("wk1") == ""


async def test_customers_handed_to_people_survive_a_restart_and_a_fold(tmp_path, time):
    state = WeComState(tmp_path / "s.json", now=time.now, max_ids=5)
    state.hand_to_people("wk1:cust", 3)
    await state.save()
    assert WeComState(tmp_path / "s.json", now=time.now).with_people("wk1:cust") == 3
    for i in range(20):                                   # enough claims to fold the journal into a snapshot
        await state.claim(f"app:{i}", ttl=600)
    state.back_to_bot("wk1:cust")
    state.hand_to_people("wk1:other", 2)
    await state.save()
    again = WeComState(tmp_path / "s.json", now=time.now)
    assert again.with_people("wk1:cust") is None and again.with_people("wk1:other") == 2
