"""Metrics live on a registry of their own; sizes are read through len() only when the object has one."""
from __future__ import annotations

from prometheus_client import REGISTRY

from bot.metrics import Metrics


def test_each_metrics_has_its_own_registry():
    first, second = Metrics(), Metrics()
    first.deliveries.labels("telegram", "sent").inc()
    sample = ("bot_deliveries_total", {"platform": "telegram", "outcome": "sent"})
    assert first.registry.get_sample_value(*sample) == 1.0
    assert second.registry.get_sample_value(*sample) is None and REGISTRY.get_sample_value(*sample) is None


def test_dedupe_size_is_read_from_len_when_available():
    metrics, ids = Metrics(), {"app:1": 1.0}
    metrics.watch_dedupe("wecom", ids)
    metrics.watch_dedupe("other", object())                  # no size to read: left out
    ids["app:2"] = 2.0
    assert metrics.registry.get_sample_value("bot_dedupe_ids", {"channel": "wecom"}) == 2.0
    assert metrics.registry.get_sample_value("bot_dedupe_ids", {"channel": "other"}) is None


def test_each_update_is_counted_under_its_own_labels():
    from bot.metrics import Metrics
    metrics = Metrics()
    for outcome in ("answered", "answered", "shed"):
        metrics.updated("wecom", "message", outcome)
    metrics.updated("telegram", "callback", "answered")
    value = metrics.registry.get_sample_value
    assert value("bot_updates_total", {"channel": "wecom", "kind": "message", "outcome": "answered"}) == 2
    assert value("bot_updates_total", {"channel": "wecom", "kind": "message", "outcome": "shed"}) == 1
    assert value("bot_updates_total", {"channel": "telegram", "kind": "callback", "outcome": "answered"}) == 1
