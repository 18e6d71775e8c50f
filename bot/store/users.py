"""Users: recipients of notices, their address, language, 分会 segments, subscriptions and profile."""
from __future__ import annotations

import copy
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from bot.messages import Incoming
from bot.storage import StorageError
from bot.store.database import Database, iso

log = logging.getLogger(__name__)
DEFAULT_SUBSCRIPTIONS = ("news",)     # staff announcements to everyone; event notices ("events") are opt-in
CHOICES = ("segments", "subscriptions")


@dataclass(frozen=True, slots=True)
class Address:
    """Where a recipient is reached, and in which language."""
    key: str
    platform: str
    chat_id: str
    lang: str = "zh"


class Users:
    def __init__(self, db: Database):
        self.db = db
        self._ids: dict[str, int] = {}
        self._seen: dict[str, tuple] = {}
        self._langs: dict[str, str | None] = {}       # user key → the language they write or chose
        for doc in db.tables["users"].all():
            self._index(doc, doc.doc_id)

    def _index(self, doc: dict, doc_id: int) -> None:
        self._ids[doc["key"]] = doc_id
        self._seen[doc["key"]] = (doc["chat_id"], doc["name"], doc["active"])
        self._langs[doc["key"]] = doc.get("lang")

    def _doc(self, key: str) -> dict | None:
        doc_id = self._ids.get(key)
        return self.db.tables["users"].get(doc_id=doc_id) if doc_id is not None else None

    def upsert(self, key: str, fields: dict, defaults: dict | None = None) -> None:
        """Inside a write: creates the user or changes their fields."""
        users = self.db.tables["users"]
        doc_id = self._ids.get(key)
        if doc_id is None:
            platform, _, user_id = key.partition(":")
            doc = {"key": key, "platform": platform, "user_id": user_id, "chat_id": user_id, "name": "",
                   "segments": [], "subscriptions": list(DEFAULT_SUBSCRIPTIONS), "profile": {}, "active": True,
                   "reason": "", "since": "", **(defaults or {}), **fields}
            doc_id = users.insert(doc)
        else:
            users.update(fields, doc_ids=[doc_id])
        self._index(users.get(doc_id=doc_id), doc_id)

    async def seen(self, msg: Incoming, when: datetime | None = None, lang: str | None = None) -> None:
        """Registers the writer as a recipient, or refreshes their address/name/language; one write only when
        something changed (a new user, another chat, a new display name, a new language, or someone inactive
        writing again)."""
        chat_id = msg.user_id if msg.is_group else msg.chat_id      # notices go to the private chat
        name = msg.display_name or ""
        known = self._seen.get(msg.user_key)
        same_lang = lang is None or self._langs.get(msg.user_key) == lang
        if known is not None and known[0] == chat_id and (known[1] == name or not name) and known[2] and same_lang:
            return
        fields = {"chat_id": chat_id, "active": True, "reason": ""}
        if name:
            fields["name"] = name
        if lang is not None:
            fields["lang"] = lang
        defaults = {"platform": msg.platform, "user_id": msg.user_id, "since": iso(when) if when else ""}
        try:
            async with self.db.write():
                self.upsert(msg.user_key, fields, defaults)
        except StorageError:       # answering the user matters more; the change stays in memory and is retried
            log.exception("could not save recipient %s", msg.user_key)

    async def ensure_recipient(self, platform: str, chat_id: str, name: str,
                               subscriptions: Iterable[str] = DEFAULT_SUBSCRIPTIONS) -> None:
        """A recipient that never writes to the bot (a WeCom group robot): created once, left as staff set it."""
        key = f"{platform}:{chat_id}"
        if key in self._ids:
            return
        async with self.db.write():
            self.upsert(key, {"chat_id": chat_id, "name": name, "subscriptions": list(subscriptions)})

    def language(self, user_key: str) -> str | None:
        return self._langs.get(user_key)

    async def set_language(self, user_key: str, lang: str) -> None:
        """Remembers the user's language; a write only when it changes."""
        if self._langs.get(user_key) == lang:
            return
        try:
            async with self.db.write():
                self.upsert(user_key, {"lang": lang})
        except StorageError:
            log.exception("could not save the language of %s", user_key)

    async def get(self, user_key: str) -> dict | None:
        async with self.db.read():
            doc = self._doc(user_key)
            return copy.deepcopy(dict(doc)) if doc else None

    async def profile(self, user_key: str) -> dict | None:
        async with self.db.read():
            doc = self._doc(user_key)
            return copy.deepcopy(doc["profile"]) if doc and doc.get("profile") else None

    async def save_profile(self, user_key: str, profile: dict) -> None:
        async with self.db.write():
            self.upsert(user_key, {"profile": copy.deepcopy(profile)})

    async def choose(self, user_key: str, field: str, value: str, on: bool) -> None:
        """Puts `value` in the user's `field` list ("segments" or "subscriptions") or takes it out; doing it
        twice changes nothing."""
        if field not in CHOICES:
            raise ValueError(field)
        async with self.db.write():
            doc = self._doc(user_key)
            current = list(doc[field]) if doc else list(DEFAULT_SUBSCRIPTIONS if field == "subscriptions" else [])
            if doc and (value in current) == on:
                return
            self.upsert(user_key, {field: [v for v in current if v != value] + ([value] if on else [])})

    async def mark_gone(self, gone: dict[str, str]) -> None:
        """Recipients a platform says are gone {user key: reason}: inactive until they write again."""
        known = {key: reason for key, reason in gone.items() if key in self._ids}
        if not known:
            return
        async with self.db.write():
            for key, reason in known.items():
                self.upsert(key, {"active": False, "reason": reason})

    def active(self, wanted: Callable[[dict], bool]) -> list[Address]:
        """Inside a transaction: the active users `wanted` picks."""
        return [Address(d["key"], d["platform"], d["chat_id"], d.get("lang") or "zh")
                for d in self.db.raw("users").values() if d["active"] and wanted(d)]

    def address(self, key: str) -> Address:
        """Inside a transaction: where `key` is reached, its stored chat or the id after the platform for an
        account never seen."""
        doc = self._doc(key)
        platform, _, chat_id = key.partition(":")
        return Address(key, platform, doc["chat_id"] if doc else chat_id, doc.get("lang", "zh") if doc else "zh")

    async def platforms(self) -> list[str]:
        async with self.db.read():
            return sorted({d["platform"] for d in self.db.raw("users").values() if d["active"]})
