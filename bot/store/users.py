"""Users: recipients of notices, their address, language, 分会 segments, subscriptions and profile."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Iterable, Literal

from bot.messages import Incoming
from bot.storage import StorageError
from bot.store.database import Database, iso
from bot.store.records import DEFAULT_SUBSCRIPTIONS, Profile, User

log = logging.getLogger(__name__)
Choice = Literal["segments", "subscriptions"]


@dataclass(frozen=True, slots=True)
class Address:
    """Where a recipient is reached, and in which language."""
    key: str
    platform: str
    chat_id: str
    lang: str = "zh"


class Users:
    """Every user is held in memory as a record too (updated with each write), so the message path and
    audience resolution read no rows."""

    def __init__(self, db: Database):
        self.db = db
        self._ids: dict[str, int] = {}
        self._users: dict[str, User] = {}
        for doc in db.tables["users"].all():
            self._index(doc, doc.doc_id)

    def _index(self, doc: dict[str, Any], doc_id: int) -> None:
        self._ids[doc["key"]] = doc_id
        self._users[doc["key"]] = User.of(doc)

    def _upsert(self, key: str, fields: dict[str, Any], new: User | None = None) -> None:
        """Inside a write: changes the user's stored fields, or stores `new` (or a fresh user) under `key`."""
        users = self.db.tables["users"]
        doc_id = self._ids.get(key)
        if doc_id is None:
            platform, _, user_id = key.partition(":")
            doc_id = users.insert({**(new or User(key, platform, user_id, user_id)).row(), **fields})
        else:
            users.update(fields, doc_ids=[doc_id])
        self._index(users.get(doc_id=doc_id), doc_id)

    async def register(self, msg: Incoming, when: datetime | None = None, lang: str | None = None) -> None:
        """Registers the writer as a recipient, or refreshes their address/name/language; one write only when
        something changed (a new user, another chat, a new display name, a new language, or someone inactive
        writing again)."""
        chat_id = msg.user_id if msg.is_group else msg.chat_id      # notices go to the private chat
        name = msg.display_name or ""
        known = self._users.get(msg.user_key)
        if (known is not None and known.chat_id == chat_id and (known.name == name or not name) and known.active
                and (lang is None or known.lang == lang)):
            return
        fields: dict[str, Any] = {"chat_id": chat_id, "active": True, "reason": ""}
        if name:
            fields["name"] = name
        if lang is not None:
            fields["lang"] = lang
        new = User(msg.user_key, msg.platform, msg.user_id, chat_id, since=iso(when) if when else "")
        async with self.db.write_soon():       # the answer does not wait for the file: nobody was promised this
            self._upsert(msg.user_key, fields, new)

    async def ensure_recipient(self, platform: str, chat_id: str, name: str,
                               subscriptions: Iterable[str] = DEFAULT_SUBSCRIPTIONS) -> None:
        """A recipient that never writes to the bot (a WeCom group robot): created once, left as staff set it."""
        key = f"{platform}:{chat_id}"
        if key in self._ids:
            return
        async with self.db.write():
            self._upsert(key, {"chat_id": chat_id, "name": name, "subscriptions": list(subscriptions)})

    def language(self, user_key: str) -> str | None:
        user = self._users.get(user_key)
        return user.lang if user else None

    async def set_language(self, user_key: str, lang: str) -> None:
        """Remembers the user's language; a write only when it changes."""
        if self.language(user_key) == lang:
            return
        try:
            async with self.db.write():
                self._upsert(user_key, {"lang": lang})
        except StorageError:
            log.exception("could not save the language of %s", user_key)

    async def get(self, user_key: str) -> User | None:
        return self._users.get(user_key)

    async def profile(self, user_key: str) -> Profile | None:
        user = self._users.get(user_key)
        return user.profile if user else None

    async def save_profile(self, user_key: str, profile: Profile) -> None:
        async with self.db.write():
            self._upsert(user_key, {"profile": profile.row()})

    async def choose(self, user_key: str, field: Choice, value: str, on: bool) -> None:
        """Puts `value` in the user's `field` ("segments" or "subscriptions") or takes it out; doing it twice
        changes nothing."""
        if field not in ("segments", "subscriptions"):
            raise ValueError(field)
        async with self.db.write():
            user = self._users.get(user_key)
            current = getattr(user, field) if user else (DEFAULT_SUBSCRIPTIONS if field == "subscriptions" else ())
            if user and (value in current) == on:
                return
            self._upsert(user_key, {field: [v for v in current if v != value] + ([value] if on else [])})

    async def mark_gone(self, gone: dict[str, str]) -> None:
        """Recipients a platform says are gone {user key: reason}: inactive until they write again."""
        known = {key: reason for key, reason in gone.items() if key in self._ids}
        if not known:
            return
        async with self.db.write():
            for key, reason in known.items():
                self._upsert(key, {"active": False, "reason": reason})

    def active(self, wanted: Callable[[User], bool]) -> list[Address]:
        """Inside a transaction: the active users `wanted` picks."""
        return [Address(u.key, u.platform, u.chat_id, u.lang or "zh") for u in self._users.values()
                if u.active and wanted(u)]

    def address(self, key: str) -> Address:
        """Inside a transaction: where `key` is reached, its stored chat or the id after the platform for an
        account never seen."""
        user = self._users.get(key)
        platform, _, chat_id = key.partition(":")
        return Address(key, platform, user.chat_id if user else chat_id, (user.lang or "zh") if user else "zh")

    async def platforms(self) -> list[str]:
        return sorted({u.platform for u in self._users.values() if u.active})
