"""Per-user multi-turn state (e.g. a quick-check waiting for a figure), with a timeout.

Each flow keeps its state in a dataclass of its own (a subclass of DialogState naming the flow and the buttons
its steps own); the router gives an open dialog's step handler the user's text and those buttons, and calls
any other press of them stale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import ClassVar, TypeVar

from bot.clock import Clock
from bot.expiring import Expiring
from bot.payloads import Payload

DIALOG_TTL = timedelta(minutes=10)


@dataclass
class DialogState:
    flow: ClassVar[str]          # the routing table's key for the step handler that continues it
    buttons: ClassVar[tuple[Payload, ...]] = ()     # its steps' own buttons: the step handler answers them
    picks: ClassVar[bool] = False     # its step asks to pick a button: a number or a part of a label typed picks it


S = TypeVar("S", bound=DialogState)


class Dialogs(Expiring[DialogState]):
    def __init__(self, clock: Clock, ttl: timedelta = DIALOG_TTL):
        super().__init__(clock, ttl)

    def of(self, user_key: str, kind: type[S]) -> S | None:
        """The user's open dialog when it is one of `kind`'s."""
        state = self.get(user_key)
        return state if isinstance(state, kind) else None

    def state(self, user_key: str, kind: type[S]) -> S:
        """For a flow's step handler, which the router calls only while its flow is open."""
        if (state := self.of(user_key, kind)) is None:
            raise LookupError(f"no open {kind.flow} dialog for {user_key}")
        return state
