"""The platform-neutral message model: every channel turns its updates into Incoming and renders Reply."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

from bot.inputs import fold

if TYPE_CHECKING:
    from faq.reading import Reading


def _derived(*reads: str):
    """A cached property worked out from the named fields; `Incoming.but` works it out again when one changes."""
    def wrap(method) -> cached_property:
        prop = cached_property(method)
        prop.reads = frozenset(reads)
        return prop
    return wrap

# "fallback": the bot does not know (counted as unanswered); "error": an apology after an internal failure.
Intent = Literal["faq", "policy", "calc", "contacts", "events", "help", "fallback", "clarify", "staff", "handoff",
                 "error"]


@dataclass(frozen=True)
class Incoming:
    platform: str            # "console", "telegram", "wecom", "wecom_kf"
    chat_id: str             # where the reply goes (a group or a private chat)
    user_id: str             # who wrote; with platform it identifies the person
    text: str = ""            # for reading: control characters removed, a very long text cut to its start and end
    payload: str | None = None   # a pressed button's payload, instead of text
    is_staff: bool = False
    display_name: str = ""
    is_group: bool = False
    language_code: str | None = None   # the platform's language setting: a hint for a new user only
    lang: str = "zh"                   # the language to answer in, set once by the router ("zh" | "en")
    reading: "Reading | None" = field(default=None, compare=False, repr=False)   # set once by the router
    reply_to: str = ""       # id of the bot's message this one quotes (Telegram replies), else ""
    typed: str = ""          # set by the router: the whole text as written — what is stored and passed on

    @_derived("platform", "user_id")
    def user_key(self) -> str:
        return f"{self.platform}:{self.user_id}"

    @_derived("text")
    def folded(self) -> str:
        """The text as matching sees it (NFKC); `typed` is what is stored and sent."""
        return fold(self.text)

    @property
    def english(self) -> bool:
        return self.lang == "en"

    def but(self, **changes) -> Incoming:
        """`dataclasses.replace(self, **changes)` without its work per field (the router makes a copy of every
        message): the fields are copied as they are, and what is worked out from a changed field is worked out
        again."""
        if unknown := changes.keys() - _FIELDS:
            raise TypeError(f"Incoming has no field {sorted(unknown)[0]!r}")
        copy = object.__new__(Incoming)
        kept = {k: v for k, v in self.__dict__.items() if k in _FIELDS or not _DERIVED[k] & changes.keys()}
        copy.__dict__.update(kept, **changes)
        return copy

    def say(self, zh: str, en: str) -> str:
        """The text in the language this message is answered in."""
        return en if self.lang == "en" else zh


_FIELDS = frozenset(Incoming.__dataclass_fields__)
# Every cached property and the fields it reads; one declared without `_derived` fails here, at import.
_DERIVED = {name: prop.reads for name, prop in vars(Incoming).items() if isinstance(prop, cached_property)}


@dataclass(frozen=True)
class Button:
    label: str
    payload: str             # kept ≤ 64 bytes so it fits Telegram's callback_data


@dataclass
class Reply:
    text: str
    intent: Intent
    confidence: float = 0.0
    buttons: list[Button] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    lang: str = "zh"          # set by the router: channels word their own additions (sources, choices) in it
    confirms: str | None = None   # the measure (id) whose condition the reply asks the user to confirm

    def sources_line(self) -> str:
        if not self.sources:
            return ""
        return ("Sources: " + "; ".join(self.sources)) if self.lang == "en" else "来源：" + "；".join(self.sources)

    def as_json(self) -> dict:
        return {"intent": self.intent, "text": self.text, "confidence": round(self.confidence, 3),
                "sources": self.sources}
