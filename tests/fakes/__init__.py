"""Fake platform servers on 127.0.0.1 that the real SDK clients talk to (tests and benches)."""
from tests.fakes.telegram_server import FakeBotApi
from tests.fakes.wecom_server import FakeWeCom

__all__ = ["FakeBotApi", "FakeWeCom"]
