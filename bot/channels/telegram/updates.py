"""Checks a webhook update's JSON before python-telegram-bot sees it: PTB checks no types, so a forged update
(text that is a number, a message without a chat) would otherwise fail deep inside a handler.

Only the fields the channel reads are checked; anything else is left to PTB.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Shape:
    """A JSON object: fields it must have and fields it may have, each a type, a Shape or [Shape]."""
    required: dict = field(default_factory=dict)
    optional: dict = field(default_factory=dict)


USER = Shape({"id": int, "is_bot": bool, "first_name": str}, {"last_name": str, "username": str})
CHAT = Shape({"id": int, "type": str}, {"title": str, "username": str})
ENTITY = Shape({"type": str, "offset": int, "length": int}, {"user": USER})
MESSAGE = Shape({"message_id": int, "date": int, "chat": CHAT},
                {"from": USER, "text": str, "caption": str, "entities": [ENTITY], "caption_entities": [ENTITY]})
MESSAGE.optional["reply_to_message"] = MESSAGE
CALLBACK = Shape({"id": str, "from": USER}, {"data": str, "message": MESSAGE})
UPDATE = Shape({"update_id": int}, {"message": MESSAGE, "callback_query": CALLBACK})


def problem(value: object, shape: object = UPDATE, where: str = "update") -> str | None:
    """What is wrong with `value` as `shape` (naming the field), or None when nothing is."""
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not a list"
        return next((p for i, item in enumerate(value) if (p := problem(item, shape[0], f"{where}[{i}]"))), None)
    if isinstance(shape, Shape):
        if not isinstance(value, dict):
            return f"{where} is not an object"
        missing = next((name for name in shape.required if name not in value), None)
        if missing:
            return f"{where}.{missing} is missing"
        fields = {**shape.required, **shape.optional}
        return next((p for name, inner in fields.items()
                     if name in value and (p := problem(value[name], inner, f"{where}.{name}"))), None)
    if not isinstance(value, shape) or (shape is int and isinstance(value, bool)):
        return f"{where} is not {shape.__name__}"
    return None
