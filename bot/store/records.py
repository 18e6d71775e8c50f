"""The records the store hands out and takes in, and their one codec to and from the rows of store.json.

Records are frozen: a change goes through the store, never through a record someone else holds. `row()`
writes the keys in the order the rows have always had and leaves out a field still at its "absent" value, so
the file keeps its shape; `of(row)` accepts every row an earlier version wrote (missing keys take defaults).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Literal, Mapping

from bot.store.database import iso

DEFAULT_SUBSCRIPTIONS = ("news",)     # staff announcements to everyone; event notices ("events") are opt-in


def _without(row: dict[str, Any], absent: Mapping[str, Any]) -> dict[str, Any]:
    """`row` without the optional keys still at their absent value (rows never had them)."""
    return {k: v for k, v in row.items() if k not in absent or v != absent[k]}


@dataclass(frozen=True, slots=True)
class Audience:
    """Who a broadcast is for; the rules of who that is are in bot/alliance/audience.py."""
    kind: Literal["all", "segment", "platform", "event", "direct"] = "all"
    value: str = ""                    # a segment id, a platform, "all" (event audiences); "" for "all"
    event: int | None = None           # "event": the event whose earlier notices' recipients stay in
    keys: tuple[str, ...] = ()         # "direct": the accounts ("platform:id") it names

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Audience:
        if row["kind"] == "direct":
            return cls("direct", keys=tuple(row["value"]))
        return cls(row["kind"], row.get("value", ""), row.get("event"))

    def row(self) -> dict[str, Any]:
        if self.kind == "direct":
            return {"kind": "direct", "value": list(self.keys)}
        return {"kind": self.kind, **({"value": self.value} if self.value else {}),
                **({"event": self.event} if self.event is not None else {})}


@dataclass(frozen=True, slots=True)
class Profile:
    """The sentence an enterprise saved about itself (/profile), and what the bot read in it."""
    description: str
    types: tuple[str, ...] = ()                  # the kinds of institution it names, as labels
    figures: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))   # label → as shown: 实收资本 → 10亿元
    saved: str = ""                              # ISO time

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Profile | None:
        """None for the empty profile of a user who never saved one."""
        if not row:
            return None
        return cls(row.get("description", ""), tuple(row.get("types", ())),
                   MappingProxyType(dict(row.get("figures", {}))), row.get("saved", ""))

    def row(self) -> dict[str, Any]:
        return {"description": self.description, "types": list(self.types), "figures": dict(self.figures),
                "saved": self.saved}


def _profile_row(profile: Profile | None) -> dict[str, Any]:
    return profile.row() if profile else {}


@dataclass(frozen=True, slots=True)
class User:
    """A recipient: whoever wrote to the bot, or a group robot staff configured."""
    key: str                           # "platform:user id", unique
    platform: str
    user_id: str
    chat_id: str                       # where notices go: the private chat, never a group
    name: str = ""
    segments: tuple[str, ...] = ()     # the 分会 whose announcements they joined
    subscriptions: tuple[str, ...] = DEFAULT_SUBSCRIPTIONS     # "news", "events"
    profile: Profile | None = None
    active: bool = True                # False once a platform said they are gone, until they write again
    reason: str = ""                   # why they are inactive
    since: str = ""                    # ISO time of their first message
    lang: str | None = None            # the language they write or chose; None until known

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> User:
        return cls(row["key"], row["platform"], row.get("user_id", ""), row["chat_id"], row.get("name", ""),
                   tuple(row.get("segments", ())), tuple(row.get("subscriptions", DEFAULT_SUBSCRIPTIONS)),
                   Profile.of(row.get("profile") or {}), row.get("active", True), row.get("reason", ""),
                   row.get("since", ""), row.get("lang"))

    def row(self) -> dict[str, Any]:
        return _without({"key": self.key, "platform": self.platform, "user_id": self.user_id, "chat_id": self.chat_id,
                         "name": self.name, "segments": list(self.segments), "subscriptions": list(self.subscriptions),
                         "profile": _profile_row(self.profile), "active": self.active, "reason": self.reason,
                         "since": self.since, "lang": self.lang}, {"lang": None})


@dataclass(frozen=True, slots=True)
class Event:
    """An alliance event staff published; `id` is 0 until it is stored."""
    title: str
    start: datetime                    # in Asia/Shanghai
    place: str
    type: str = "其他"
    audience: str = "all"              # a segment id, or "all"
    description: str = ""
    signup: str = ""                   # a http(s) link, or ""
    status: Literal["scheduled", "cancelled"] = "scheduled"
    created_by: str = ""
    created: str = ""                  # ISO time
    updated: str = ""                  # ISO time of the last edit, "" before any
    id: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any], event_id: int = 0) -> Event:
        return cls(row["title"], datetime.fromisoformat(row["start"]), row["place"], row.get("type", "其他"),
                   row.get("audience", "all"), row.get("description", ""), row.get("signup", ""),
                   row.get("status", "scheduled"), row.get("created_by", ""), row.get("created", ""),
                   row.get("updated", ""), event_id)

    def row(self) -> dict[str, Any]:
        return _without({**self.content(), "status": self.status, "created_by": self.created_by,
                         "created": self.created, "updated": self.updated},
                        {"created_by": "", "created": "", "updated": ""})

    def content(self) -> dict[str, Any]:
        """What staff write, in its stored form."""
        return {"title": self.title, "type": self.type, "start": iso(self.start), "place": self.place,
                "audience": self.audience, "description": self.description, "signup": self.signup}


@dataclass(frozen=True, slots=True)
class Reminder:
    """A notice planned for an event: "published", "changed", "cancelled" (sent at once) or "before" it starts."""
    kind: Literal["published", "changed", "cancelled", "before"]
    due: datetime
    offset: int = 0                    # "before": seconds before the start
    status: str = "pending"            # pending → fired / skipped / cancelled / replaced
    note: str = ""                     # a line for the notice, or why it was not sent
    event: int = 0
    broadcast: int | None = None       # the broadcast it became, once fired
    settled: bool = False              # its timer settled it (fired or not): only then is `broadcast` stored
    id: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any], reminder_id: int = 0) -> Reminder:
        return cls(row["kind"], datetime.fromisoformat(row["due"]), row.get("offset", 0), row["status"],
                   row.get("note", ""), row.get("event", 0), row.get("broadcast"), "broadcast" in row, reminder_id)

    def row(self) -> dict[str, Any]:
        return {"kind": self.kind, "offset": self.offset, "due": iso(self.due), "status": self.status,
                "note": self.note, "event": self.event, **({"broadcast": self.broadcast} if self.settled else {})}


@dataclass(frozen=True, slots=True)
class Broadcast:
    """A message to an audience: a staff announcement, an event notice or reminder, or a ticket message."""
    kind: str                          # "announcement", "event.<reminder kind>", "ticket"
    text: str                          # as staff typed it (a "---en---" line may start an English part)
    audience: Audience
    status: Literal["scheduled", "sending", "done", "cancelled"]
    created: str                       # ISO time
    created_by: str = ""
    event: int | None = None           # event notices: the event
    ticket: int | None = None          # ticket messages: the ticket
    buttons: tuple[tuple[str, str], ...] = ()    # (label, payload)
    due: datetime | None = None        # scheduled: when it is to be sent
    total: int = 0                     # recipients, once resolved
    started: str = ""
    finished: str = ""
    sent: int = 0                      # the outcome counts, kept when its records are archived
    failed: int = 0
    skipped: int = 0
    archived: bool = False             # its delivery records are compacted into archive/
    id: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any], bid: int = 0) -> Broadcast:
        due = row.get("due")
        return cls(row["kind"], row["text"], Audience.of(row["audience"]), row["status"], row.get("created", ""),
                   row.get("created_by", ""), row.get("event"), row.get("ticket"),
                   tuple((label, payload) for label, payload in row.get("buttons", ())),
                   datetime.fromisoformat(due) if due else None, row.get("total", 0), row.get("started", ""),
                   row.get("finished", ""), row.get("sent", 0), row.get("failed", 0), row.get("skipped", 0),
                   row.get("archived", False), bid)

    def row(self) -> dict[str, Any]:
        return _without({"kind": self.kind, "event": self.event, "ticket": self.ticket, "text": self.text,
                         "buttons": [list(b) for b in self.buttons], "audience": self.audience.row(),
                         "status": self.status, "created": self.created, "created_by": self.created_by,
                         "due": iso(self.due) if self.due else None, "total": self.total, "started": self.started,
                         "finished": self.finished, "sent": self.sent, "failed": self.failed,
                         "skipped": self.skipped, "archived": self.archived},
                        BROADCAST_ABSENT if self.finished else BROADCAST_UNFINISHED)


# the keys a broadcast has only when it is one of those kinds, or has reached that point
BROADCAST_ABSENT = MappingProxyType({"event": None, "ticket": None, "buttons": [], "created_by": "", "due": None,
                                     "started": "", "archived": False})
BROADCAST_UNFINISHED = MappingProxyType({**BROADCAST_ABSENT, "finished": "", "sent": 0, "failed": 0, "skipped": 0})


@dataclass(frozen=True, slots=True)
class TicketEntry:
    """One line of a ticket's history, exactly as it was written."""
    at: str                            # ISO time; "" for the exchanges before the handoff
    role: Literal["user", "bot", "staff"]
    who: str                           # a user key, or "bot"
    text: str

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> TicketEntry:
        return cls(row["at"], row["from"], row["who"], row["text"])

    def row(self) -> dict[str, Any]:
        return {"at": self.at, "from": self.role, "who": self.who, "text": self.text}


@dataclass(frozen=True, slots=True)
class Ticket:
    """A user's request for a person; open until staff or the user close it."""
    user: str                          # the user's key
    platform: str
    name: str
    opened: str                        # ISO time
    status: Literal["open", "closed"] = "open"
    profile: Profile | None = None     # the user's profile when it was opened
    history: tuple[TicketEntry, ...] = ()
    notices: tuple[int, ...] = ()      # the broadcasts that carried its messages
    closed: str = ""
    closed_by: str = ""
    id: int = 0

    @classmethod
    def of(cls, row: Mapping[str, Any], ticket_id: int = 0) -> Ticket:
        return cls(row["user"], row["platform"], row.get("name", ""), row["opened"], row["status"],
                   Profile.of(row.get("profile") or {}), tuple(TicketEntry.of(e) for e in row.get("history", ())),
                   tuple(row.get("notices", ())), row.get("closed", ""), row.get("closed_by", ""), ticket_id)

    def row(self) -> dict[str, Any]:
        return _without({"user": self.user, "platform": self.platform, "name": self.name, "status": self.status,
                         "opened": self.opened, "profile": _profile_row(self.profile),
                         "history": [e.row() for e in self.history], "notices": list(self.notices),
                         "closed": self.closed, "closed_by": self.closed_by}, {"closed": "", "closed_by": ""})


@dataclass(frozen=True, slots=True)
class Audit:
    """A staff action: what was done, by whom, when; a change takes its Audit along so both land in one write."""
    actor: str
    action: str
    when: datetime
    detail: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Audit:
        return cls(row["actor"], row["action"], datetime.fromisoformat(row["at"]), dict(row.get("detail", {})))

    def row(self, **more: Any) -> dict[str, Any]:
        return {"at": iso(self.when), "actor": self.actor, "action": self.action, "detail": {**self.detail, **more}}


@dataclass(frozen=True, slots=True)
class Question:
    """A question the bot could not answer (unanswered.log), for staff to turn into an FAQ entry."""
    id: int
    at: str                    # ISO time, +08:00
    user: str                  # "platform:id"
    text: str                  # as typed
    resolved: str = ""         # "faq:<entry id>" or "dismissed" once staff dealt with it

    @property
    def platform(self) -> str:
        return self.user.partition(":")[0]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Question:
        return cls(row["id"], row["at"], row["user"], row["text"], row.get("resolved", ""))


@dataclass(frozen=True, slots=True)
class Asked:
    """One question's outcome (analytics.log), for the dashboard."""
    id: int
    at: str                    # ISO time, +08:00
    platform: str
    user: str
    text: str                  # as typed
    intent: str
    outcome: Literal["answered", "fallback", "handoff"]

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> Asked:
        return cls(row["id"], row["at"], row["platform"], row["user"], row["text"], row["intent"], row["outcome"])
