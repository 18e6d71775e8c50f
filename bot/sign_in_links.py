"""One-time sign-in links for the web console.

A link's token is never stored: a file named by its SHA-256 in BOT_DATA_DIR/console-links/ holds who it
signs in and until when. The file is the single source for the chat command, `main.py console-link` (which may
run beside the server) and the server, and removing it is what spends the link, so a token works once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from bot.clock import Clock
from bot.storage import atomic_write

log = logging.getLogger(__name__)
LINK_DIR = "console-links"
TTL = timedelta(minutes=10)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLinks:
    def __init__(self, data_dir: Path, clock: Clock, ttl: timedelta = TTL):
        self.folder, self.clock, self.ttl = Path(data_dir) / LINK_DIR, clock, ttl

    def issue(self, actor: str) -> str:
        """A fresh token for `actor` ("platform:user_id"), valid for `ttl`."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._drop_expired()
        token = secrets.token_urlsafe(24)
        body = {"actor": actor, "expires": (self.clock.now() + self.ttl).isoformat()}
        atomic_write(self.folder / _digest(token), json.dumps(body).encode())
        return token

    def _read(self, path: Path) -> dict | None:
        try:
            body = json.loads(path.read_text("utf-8"))
            expires = datetime.fromisoformat(body["expires"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        return body if expires > self.clock.now() else None

    def peek(self, token: str) -> str | None:
        """Who the token would sign in, without spending it (the page that asks to confirm)."""
        if not token.isascii() or len(token) > 100:
            return None
        body = self._read(self.folder / _digest(token))
        return body["actor"] if body else None

    def redeem(self, token: str) -> str | None:
        """Spends the token; its actor, or None when it is unknown, used or expired."""
        if not token.isascii() or len(token) > 100:
            return None
        path = self.folder / _digest(token)
        body = self._read(path)
        try:
            path.unlink()                   # only one caller can remove it: a link signs in once
        except FileNotFoundError:
            return None
        return body["actor"] if body else None

    def _drop_expired(self) -> None:
        for path in self.folder.iterdir():
            if path.is_file() and not path.name.startswith(".") and self._read(path) is None:
                path.unlink(missing_ok=True)


def sign_in_url(base_url: str, token: str) -> str:
    return f"{base_url}/console/login/{token}"
