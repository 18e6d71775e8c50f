"""The logs' appends and the WeCom dedupe journal's share worker-thread jobs: what is queued while a job runs
goes in the next one, each write fsynced in its own file and answered with its own outcome."""
from __future__ import annotations

import asyncio
import json
import threading

import pytest

from bot.channels.wecom.state import WeComState
from bot.store import group_commit
from bot.store.group_commit import GroupCommit
from bot.store.log_table import LogTable


@pytest.fixture
def jobs(monkeypatch) -> list[int]:
    """The number of writes in each job run so far."""
    sizes, run_all = [], group_commit._run_all

    def counted(writes):
        sizes.append(len(writes))
        return run_all(writes)

    monkeypatch.setattr(group_commit, "_run_all", counted)
    return sizes


async def test_writes_queued_while_a_job_runs_share_the_next_job_and_keep_their_own_errors(jobs):
    commits, ran, release = GroupCommit(), [], threading.Event()

    def held():
        release.wait(10)
        ran.append("held")

    def failing():
        raise OSError(28, "No space left on device")

    first = asyncio.ensure_future(commits.run(held))
    await asyncio.sleep(0.05)                      # the first job is under way, waiting for `release`
    later = [asyncio.ensure_future(commits.run(lambda n=n: ran.append(n))) for n in (1, 2)]
    broken = asyncio.ensure_future(commits.run(failing))
    release.set()
    await asyncio.gather(first, *later)
    with pytest.raises(OSError):
        await broken
    assert jobs == [1, 3] and ran == ["held", 1, 2]


async def test_a_claim_and_an_unanswered_question_made_together_share_one_job(tmp_path, jobs):
    commits = GroupCommit()
    state = WeComState(tmp_path / "wecom_state.json", commits=commits)
    questions = LogTable(tmp_path / "unanswered.log", commits)
    claimed, _ = await asyncio.gather(state.claim("app:1", 660),
                                      questions.insert([{"at": "2026-12-02T09:00:00+08:00", "text": "护照"}]))
    assert claimed and jobs == [2]
    assert WeComState(tmp_path / "wecom_state.json").seen("app:1")
    assert json.loads((tmp_path / "unanswered.log").read_text("utf-8"))[0]["text"] == "护照"


async def test_a_cancelled_job_does_not_leave_its_writers_waiting():
    commits, started, release = GroupCommit(), threading.Event(), threading.Event()

    def held():
        started.set()
        release.wait(10)

    writer = asyncio.ensure_future(commits.run(held))
    assert await asyncio.to_thread(started.wait, 5)      # the job is in its thread, holding the write
    commits._worker.cancel()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(writer, 5)
    release.set()


async def test_settle_runs_what_is_queued_also_after_a_worker_was_cancelled_before_its_batch():
    commits, ran = GroupCommit(), []
    writers = [asyncio.ensure_future(commits.run(lambda n=n: ran.append(n))) for n in range(3)]
    await asyncio.sleep(0)                       # the writes are queued, the worker waits one turn
    commits._worker.cancel()
    await commits.settle()
    assert ran == [0, 1, 2]
    await asyncio.wait_for(asyncio.gather(*writers), 5)
