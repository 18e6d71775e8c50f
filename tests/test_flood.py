"""Per-user flood control (bot/flood.py), on the injectable clock."""
from __future__ import annotations

from datetime import timedelta

from bot.flood import FloodControl, Verdict


def test_over_twenty_a_minute_gets_one_notice_then_a_pause(clock):
    flood = FloodControl(clock)
    assert [flood.check("telegram:1") for _ in range(20)] == [Verdict.OK] * 20
    assert flood.check("telegram:1") is Verdict.WARN
    assert [flood.check("telegram:1") for _ in range(5)] == [Verdict.DROP] * 5
    assert flood.check("telegram:2") is Verdict.OK              # others are not affected
    clock.advance(seconds=29)
    assert flood.check("telegram:1") is Verdict.DROP
    clock.advance(seconds=2)
    assert [flood.check("telegram:1") for _ in range(20)] == [Verdict.OK] * 20   # afresh after the pause


def test_the_window_slides(clock):
    flood = FloodControl(clock)
    for _ in range(60):                      # one every 3 s: 20 a minute, never more
        assert flood.check("wecom:zhang") is Verdict.OK
        clock.advance(seconds=3)
    for _ in range(20):                      # then a burst: the last minute already holds 19
        clock.advance(seconds=0.1)
    assert [flood.check("wecom:zhang") for _ in range(2)] == [Verdict.OK, Verdict.WARN]


def test_memory_is_bounded_by_forgetting_the_least_recently_active(clock):
    flood = FloodControl(clock, limit=2, pause=timedelta(minutes=5), max_users=3)
    for user in ("a", "b", "c", "d"):
        flood.check(user)
    assert len(flood._recent) == 3 and "a" not in flood._recent
