"""A message whose questions different routes answer ("小镇在哪 管委会电话多少", "Where is the town? Whom do I
contact?"; a building, a subsidy and a contact in one message; two measures each with its own figure): each part is routed on its own and the replies are joined,
each block once, so that no question is lost to the route that took the whole message."""
from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Literal

from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq.reading import ASKING, asked_at_spaces
from handlers.calc import SEVERAL
from handlers.contacts import asks_for_contact
from policy_data import render
from policy_data.english import for_reading
from policy_data.extract import Reading as PolicyReading, read as read_policy

Owner = Literal["contacts", "policy", "faq"]
Routed = Callable[[Incoming], Awaitable[Reply]]
# A part ends with its sentence, or where "另外…" starts another.
PART_END = re.compile(rf"(?<=[。？！?!；;\n])|(?={'|'.join(map(re.escape, phrases().parts.starts))})")
# An English part ends with its sentence too: ". " before a capital ("…is 2号 still valid. Where is the town?").
EN_PART_END = re.compile(r"(?<=[?!;\n])|(?<=\.)(?=\s+[A-Z])")
# "total", "each", "respectively": the quick-check adds the figures up, as 一共/分别 in Chinese.
SEVERAL_EN = re.compile(r"\b(?:total|in all|altogether|combined|each|respectively|both|sum)\b", re.IGNORECASE)
FIGURE = re.compile(r"\d")
MAX_BUTTONS = 8


def pieces(text: str, english: bool = False) -> list[str]:
    """The message's sentences (in Chinese each run of a sentence asking a question of its own at its spaces),
    without those that neither ask nor give a figure (a self-introduction)."""
    if english:
        found = [sentence.strip() for sentence in EN_PART_END.split(text) if sentence.strip()]
    else:
        found = [run for sentence in PART_END.split(text) if sentence.strip() for run in asked_at_spaces(sentence.strip())]
    return [p for p in found if ASKING.search(p) or FIGURE.search(p)]


def _owner(svc: Services, msg: Incoming, piece: str, policy: PolicyReading) -> Owner | None:
    """Who answers the piece on its own, when that is plain from its words (the FAQ: a question naming a place or
    body); None: it goes with its neighbour."""
    if asks_for_contact(piece, msg.english):
        return "contacts"
    if policy.candidates():
        return "policy"
    reading = svc.kb.reader_for(msg.lang).read(piece)
    return "faq" if ASKING.search(piece) and reading.entities else None


def _priced(policy: PolicyReading) -> bool:
    return any(f.kind == "money" for f in policy.figures)


def groups(svc: Services, msg: Incoming) -> list[str]:
    """The texts to route one by one: the pieces of each owner together, the policy ones first, then in the order
    asked; a policy piece with a figure of its own stays apart. [] when one route answers the whole message."""
    if (SEVERAL_EN if msg.english else SEVERAL).search(msg.text):    # a total over several figures is the quick-check's
        return []
    found = pieces(msg.text, msg.english)
    if len(found) < 2:
        return []
    book, read_once = svc.kb.policy, {}

    def policy_of(text: str) -> PolicyReading:        # each text read once, however often it is asked about
        if text not in read_once:
            read_once[text] = read_policy(for_reading(text, book, msg.lang), book)
        return read_once[text]

    owned: list[tuple[Owner | None, str]] = [(_owner(svc, msg, p, policy_of(p)), p) for p in found]
    asked = [policy_of(p) for o, p in owned if o == "policy"]
    named = [frozenset(r.candidates()) for r in asked]
    apart = sum(map(_priced, asked)) > 1 or (      # "新设金融总部能拿多少？另外资管…100亿补多少？": each its own question
        any(map(_priced, asked)) and len(asked) > 1 and all(_priced(r) or r.asks_amount() for r in asked)
        and all(a.isdisjoint(b) for n, a in enumerate(named) for b in named[n + 1:]))
    if len({o for o, _ in owned if o}) < 2 and not apart:
        return []
    merged: list[list] = []
    for owner, piece in owned:
        if merged and (owner is None or merged[-1][0] is None):
            merged[-1] = [merged[-1][0] or owner, f"{merged[-1][1]} {piece}"]
        else:
            merged.append([owner, piece])
    texts: dict[object, str] = {}
    for n, (owner, piece) in enumerate(merged):
        key = n if apart and owner == "policy" and (_priced(policy_of(piece)) or policy_of(piece).candidates()) else owner
        texts[key] = f"{texts[key]} {piece}" if key in texts else piece
    first = [t for k, t in texts.items() if k != "contacts" and k != "faq"]     # the money first, then the rest
    return [*first, *(t for k, t in texts.items() if k in ("contacts", "faq"))] if len(texts) > 1 else []


async def answer_each(svc: Services, msg: Incoming, routed: Routed) -> Reply | None:
    """Each group of the message routed on its own and the replies joined; None when one route answers it all."""
    texts = groups(svc, msg)
    if not texts:
        return None
    reader, topic = svc.kb.reader_for(msg.lang), svc.conversations.get(msg.user_key)
    replies, asking = [], None
    for text in texts:               # each part on its own: a question one part asks is not taken by the next part
        replies.append(await routed(replace(msg, text=text, reading=reader.read(text, topic))))
        asking = svc.dialogs.pop(msg.user_key) or asking
    if asking is not None:           # the figure a part asked for answers that part ("10亿" after "…能拿多少？另外…")
        svc.dialogs.put(msg.user_key, asking)
    return _joined(svc, msg, replies)


def _joined(svc: Services, msg: Incoming, replies: list[Reply]) -> Reply:
    """The replies' blocks, each once, with the validity of the documents involved last."""
    book = svc.kb.policy
    validity = render.validity_notes(list(book.policies.values()), svc.policy_date(), msg.lang)
    blocks: list[str] = []
    for reply in replies:
        blocks += [b for b in reply.text.split("\n\n") if b.strip() and b not in blocks]
    valid = [b for b in blocks if b in validity]
    blocks = [b for b in blocks if b not in validity]
    if sum(r.intent == "calc" for r in replies) > 1:    # two measures priced for one enterprise: the stacking rule
        cited = "\n\n".join(valid)
        blocks += [r for r in (render.no_double(p, lang=msg.lang) for p in book.policies.values() if p.number in cited)
                   if r not in blocks]
    buttons: list[Button] = []
    for reply in replies:
        buttons += [b for b in reply.buttons if all(b.payload != o.payload and b.label != o.label for o in buttons)]
    lead = next((r for r in replies if r.intent != "fallback"), replies[0])
    return Reply("\n\n".join(blocks + valid), intent=lead.intent, confidence=min(r.confidence for r in replies),
                 buttons=buttons[:MAX_BUTTONS], sources=list(dict.fromkeys(s for r in replies for s in r.sources)))
