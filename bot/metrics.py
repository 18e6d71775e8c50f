"""Prometheus metrics, served as `GET /metrics` on the one HTTP server.

Each Services has its own CollectorRegistry (never the library's global one), so processes, tests and
benchmarks that build several never mix their figures.
"""
from __future__ import annotations

from collections.abc import Callable, Sized
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge

if TYPE_CHECKING:
    from aiohttp import web


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.updates = Counter("bot_updates", "Messages and button presses received, by outcome",
                               ["channel", "kind", "outcome"], registry=self.registry)
        self.deliveries = Counter("bot_deliveries", "Notice and broadcast send attempts, by outcome",
                                  ["platform", "outcome"], registry=self.registry)
        self.queue_depth = Gauge("bot_inbound_queue_depth", "Messages accepted by a channel, not yet answered",
                                 ["channel"], registry=self.registry)
        self.queue_limit = Gauge("bot_inbound_queue_limit", "Messages a channel holds before shedding",
                                 ["channel"], registry=self.registry)
        self.shedding = Counter("bot_inbound_shedding_episodes", "Times a channel's inbound queue filled up",
                                ["channel"], registry=self.registry)
        self.dedupe_ids = Gauge("bot_dedupe_ids", "Message ids remembered so a retried message is answered once",
                                ["channel"], registry=self.registry)
        self._updated: dict[tuple[str, str, str], Counter] = {}

    def updated(self, channel: str, kind: str, outcome: str) -> None:
        """One more update of bot_updates_total; each combination's counter is looked up once."""
        counter = self._updated.get((channel, kind, outcome))
        if counter is None:
            counter = self._updated[channel, kind, outcome] = self.updates.labels(channel, kind, outcome)
        counter.inc()

    def watch_queue(self, channel: str, limit: int, depth: Callable[[], float]) -> None:
        self.queue_limit.labels(channel).set(limit)
        self.queue_depth.labels(channel).set_function(depth)

    def watch_dedupe(self, channel: str, ids: object) -> None:
        """Reports len(ids) when the object has a size; a dedupe store without one is left out."""
        if isinstance(ids, Sized):
            self.dedupe_ids.labels(channel).set_function(lambda: len(ids))

    async def serve(self, request: web.Request) -> web.Response:
        """The text format the scraper asks for in Accept (the library's negotiation; plain 0.0.4 by default)."""
        from aiohttp import web
        from prometheus_client.exposition import choose_encoder
        encode, content_type = choose_encoder(request.headers.get("Accept", ""))
        return web.Response(body=encode(self.registry), headers={"Content-Type": content_type})
