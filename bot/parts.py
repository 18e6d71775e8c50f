"""A message whose questions different routes answer ("小镇在哪 管委会电话多少", "Where is the town? Whom do I
contact?"; a building, a subsidy and a contact in one message; two measures each with its own figure): each part is routed on its own and the replies are joined,
each block once, so that no question is lost to the route that took the whole message."""
from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Literal

from bot.labels import MAX_BUTTONS
from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq.reading import ASKING, asked_at_spaces
from faq.schema import holds_any
from handlers.calc_guards import SEVERAL
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


def pieces(text: str, english: bool = False) -> list[str]:
    """The message's sentences (in Chinese each run of a sentence asking a question of its own at its spaces),
    without those that neither ask nor give a figure (a self-introduction)."""
    return list(_pieces(text, english))


@lru_cache(maxsize=4096)          # every free text is cut into its parts first; the same texts come again
def _pieces(text: str, english: bool) -> tuple[str, ...]:
    if english:
        found = [sentence.strip() for sentence in EN_PART_END.split(text) if sentence.strip()]
    else:
        found = [run for sentence in PART_END.split(text) if sentence.strip() for run in asked_at_spaces(sentence.strip())]
    return tuple(p for p in found if ASKING.search(p) or FIGURE.search(p))


def _owner(svc: Services, msg: Incoming, piece: str, policy: PolicyReading) -> Owner | None:
    """Who answers the piece on its own, when that is plain from its words (the FAQ: a question naming a place or
    body); None: it goes with its neighbour."""
    if asks_for_contact(piece, msg.english):
        return "contacts"
    if policy.candidates() or _asks_direction(svc, policy):
        return "policy"
    reading = svc.kb.reader_for(msg.lang).read(piece)
    return "faq" if ASKING.search(piece) and reading.entities else None


def _asked_apart(svc: Services, msg: Incoming, piece: str, policy: PolicyReading) -> bool:
    """"另外这个政策是哪个部门牵头": a question with no figure or measure of its own beside a total, asking of the
    document, a contact or a place rather than an amount."""
    if FIGURE.search(piece) or policy.candidates() or policy.asks_amount():
        return False
    return policy.about_policy() or _owner(svc, msg, piece, policy) in ("contacts", "faq")


def _asks_direction(svc: Services, policy: PolicyReading) -> bool:
    """"另外有没有人才补贴": support asked of a direction the policy summaries cover (talent), not of the town."""
    book, said = svc.kb.policy, policy.text
    return any(k.lower() in said for s in book.summaries for k in s.keywords) \
        and holds_any(said, book.words["support"]) and not holds_any(said, book.words["town"])


def _priced(policy: PolicyReading) -> bool:
    return any(f.kind == "money" for f in policy.figures)


def _apart(owned: list[tuple[Owner | None, str]], policy_of: Callable[[str], PolicyReading]) -> Callable[[str], bool]:
    """Which policy pieces are routed each on its own: those with a money figure or a measure of their own, when two
    have a figure, or one has and the others ask an amount of other measures (each priced with its own cap); with no
    figure at all, those naming measures no other piece names ("保险资金…有补助吗？
    科创保险专营机构有补助吗？": each measure's own card). A piece without a figure beside a priced one is the quick-check's
    (the same figure asked of another measure)."""
    asked = [p for o, p in owned if o == "policy"]
    priced = [p for p in asked if _priced(policy_of(p))]
    named = [frozenset(policy_of(p).candidates()) for p in asked]
    disjoint = all(a.isdisjoint(b) for n, a in enumerate(named) for b in named[n + 1:])
    # "新设金融总部能拿多少？另外资管…100亿补多少？": each its own question, priced or asked of its own measure
    if len(priced) > 1 or (priced and len(asked) > 1 and disjoint
                           and all(_priced(policy_of(p)) or policy_of(p).asks_amount() for p in asked)):
        return lambda piece: _priced(policy_of(piece)) or bool(policy_of(piece).candidates())
    if priced or len(asked) < 2 or not all(named) or not disjoint:
        return lambda piece: False
    return lambda piece: piece in asked or bool(policy_of(piece).candidates())


def groups(svc: Services, msg: Incoming) -> list[str]:
    """The texts to route one by one: the pieces of each owner together, the policy ones first, then in the order
    asked; a policy piece with a figure of its own stays apart. [] when one route answers the whole message."""
    found = pieces(msg.text, msg.english)
    if len(found) < 2:
        return []
    book, read_once = svc.kb.policy, {}

    def policy_of(text: str) -> PolicyReading:        # each text read once, however often it is asked about
        if text not in read_once:
            read_once[text] = read_policy(for_reading(text, book, msg.lang), book)
        return read_once[text]

    several = SEVERAL_EN if msg.english else SEVERAL
    if several.search(msg.text):    # a total over several figures is the quick-check's, but not a question beside it
        apart = [p for p in found if not several.search(p) and _asked_apart(svc, msg, p, policy_of(p))]
        rest = [p for p in found if p not in apart]
        return [" ".join(rest), *apart] if apart and rest else []
    owned: list[tuple[Owner | None, str]] = [(_owner(svc, msg, p, policy_of(p)), p) for p in found]
    apart = _apart(owned, policy_of)
    owners = {o for o, _ in owned}
    if len(owners - {None}) < 2 and not any(o == "policy" and apart(p) for o, p in owned) \
            and not {None, "contacts"} <= owners:
        return []
    merged: list[list] = []
    for owner, piece in owned:
        # a contact card answers nothing else: a question beside it that no one owns is the FAQ's ("…电话多少 有几个博物馆")
        if merged and {owner, merged[-1][0]} == {None, "contacts"}:
            owner, merged[-1][0] = owner or "faq", merged[-1][0] or "faq"
        if merged and (owner is None or merged[-1][0] is None):
            merged[-1] = [merged[-1][0] or owner, f"{merged[-1][1]} {piece}"]
        else:
            merged.append([owner, piece])
    texts: dict[object, str] = {}
    for n, (owner, piece) in enumerate(merged):
        key = n if owner == "policy" and apart(piece) else owner
        texts[key] = f"{texts[key]} {piece}" if key in texts else piece
    first = [t for k, t in texts.items() if k != "contacts" and k != "faq"]     # the money first, then the rest
    return [*first, *(t for k, t in texts.items() if k in ("contacts", "faq"))] if len(texts) > 1 else []


async def answer_each(svc: Services, msg: Incoming, routed: Routed) -> Reply | None:
    """Each group of the message routed on its own and the replies joined; None when one route answers it all."""
    texts = groups(svc, msg)
    if not texts:
        return None
    reader, topic = svc.kb.reader_for(msg.lang), svc.conversations.get(msg.user_key)
    replies, asking = [], []
    for text in texts:               # each part on its own: a question one part asks is not taken by the next part
        replies.append(await routed(replace(msg, text=text, reading=reader.read(text, topic))))
        if (dialog := svc.dialogs.pop(msg.user_key)) is not None:
            asking.append(dialog)
    if len(asking) == 1:             # the figure a part asked for answers that part ("10亿" after "…能拿多少？另外…");
        svc.dialogs.put(msg.user_key, asking[0])      # when two parts ask, a bare figure could be either's
    return _joined(svc, msg, replies)


def _joined(svc: Services, msg: Incoming, replies: list[Reply]) -> Reply:
    """The replies' blocks, each once, with the validity of the documents involved last."""
    book = svc.kb.policy
    validity = render.validity_notes(list(book.policies.values()), svc.policy_date(), msg.lang)
    said = [[b for b in reply.text.split("\n\n") if b.strip()] for reply in replies]
    shared = {b for n, own in enumerate(said) for b in own if any(b in other for other in said[n + 1:])}
    blocks: list[str] = []
    for own in said:          # a block several replies hold ("就高不重复…") once, after them all
        blocks += [b for b in own if b not in blocks and b not in shared]
    blocks += [b for b in dict.fromkeys(b for own in said for b in own) if b in shared]
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
                 buttons=buttons[:MAX_BUTTONS], sources=list(dict.fromkeys(s for r in replies for s in r.sources)),
                 confirms=next((r.confirms for r in replies if r.confirms), None))
