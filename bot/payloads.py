"""Every button payload the bot sends, one codec per prefix: handlers build their buttons with these and the
router routes by them, so no payload is spelled in two places. A payload stays ≤ 64 bytes (Telegram's
callback_data); a menu button carries a command ("/faq") instead.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Payload:
    prefix: str

    def __call__(self, arg: object = "") -> str:
        return f"{self.prefix}{arg}"

    def arg(self, payload: str) -> str:
        return payload.removeprefix(self.prefix)

    def matches(self, payload: str) -> bool:
        return payload.startswith(self.prefix)


FAQ = Payload("faq:")                    # faq:<entry id>, faq:cat:<category>
CONTACT = Payload("contact:")            # contact:<contact id>, contact:role:<contact id>
CALC = Payload("calc:")                  # calc:<measure id>
POLICY = Payload("policy:")              # policy:m:<measure id>, ch:<chapter>, s:<summary id>, dir, mine
EVENT = Payload("ev:show:")              # ev:show:<event id>
SUBSCRIBE = Payload("sub:")              # sub:<topic>:on|off
SEGMENT = Payload("seg:")                # seg:<segment>:on|off
CANCEL_EVENT = Payload("evadm:cancel:")  # evadm:cancel:<event id>, staff confirming /cancelevent
UNSCHEDULE = Payload("bc:unschedule:")   # bc:unschedule:<broadcast id>
# the buttons of a dialog's own steps: stale once the dialog has ended
NEW_EVENT = Payload("ne:")               # ne:<choice>, ne:publish
EDIT_FIELD = Payload("ee:")              # ee:<field>
IMPORT_CONFIRM = Payload("imp:confirm")
AUDIENCE = Payload("bc:aud:")            # bc:aud:all, bc:aud:segment:<segment>, bc:aud:platform:<platform>
SEND_NOW = Payload("bc:send")
SEND_LATER = Payload("bc:later")
