"""Who to contact for what. The documents publish no phone numbers: the bot says so plainly."""
from __future__ import annotations

import re
from functools import lru_cache

from bot.labels import paged, short_label
from bot.messages import Button, Incoming, Reply
from bot.payloads import CONTACT
from bot.phrases import phrases
from bot.services import Services
from faq import english, nlp
from faq.schema import Contact, holds_any, one_of
from handlers.handoff import button, reach_now, reachable

# After synonym folding, "电话/联系人/找谁/热线…" all read "联系方式".
ASKS_FOR_CONTACT = ("联系方式", "咨询谁", "负责部门", "邮箱")
ASKS_FOR_CONTACT_EN = one_of(phrases().contacts.asks_en)
ROLE = "role:"                 # contact:role:<id>, a contact's role in full
PAGE = "list:"                 # contact:list:<n>, the n-th page of the list
NOT_PUBLISHED = "暂未公布（来源文件未载明，待管委会工作人员补充）"
NOT_PUBLISHED_EN = "not published yet (the source documents don't give one; committee staff will add it)"


def _card(svc: Services, msg: Incoming, contact: Contact) -> Reply:
    en = contact.en if msg.english else None
    if en:
        lines = [f"[{en.name}]", reach_now(svc, msg), f"Phone: {contact.phone or NOT_PUBLISHED_EN}"]
    else:
        lines = [f"【{contact.name}】", reach_now(svc, msg), f"电话：{contact.phone or NOT_PUBLISHED}"]
    if contact.address:
        lines.append(msg.say("地址：", "Address: ") + contact.address)
    if contact.hours:
        lines.append(msg.say("办公时间：", "Office hours: ") + contact.hours)
    buttons = _person(svc, msg)
    if en:           # the English role is long for a phone: it is one tap away
        lines.append(f"Ask them about: {'; '.join(en.contact_for)}")
        buttons.append(Button("Their role in full", CONTACT(f"{ROLE}{contact.id}")))
    else:
        lines += [f"职责：{contact.role}", f"可咨询：{'、'.join(contact.contact_for)}"]
    return Reply("\n".join(lines), intent="contacts", confidence=1.0, buttons=buttons,
                 sources=[svc.kb.knowledge.cite(contact.source, msg.lang)])


def _person(svc: Services, msg: Incoming) -> list[Button]:
    """A contact card's way to a person now: the handoff button, where someone can receive it."""
    return [button(msg)] if reachable(svc, msg) else []


def _role(svc: Services, msg: Incoming, contact: Contact) -> Reply:
    en = contact.en if msg.english else None
    text = f"[{en.name}]\nRole: {en.role}" if en else f"【{contact.name}】\n职责：{contact.role}"
    return Reply(text, intent="contacts", confidence=1.0, buttons=_person(svc, msg),
                 sources=[svc.kb.knowledge.cite(contact.source, msg.lang)])


def _names(contact: Contact) -> list[str]:
    """The contact's names (Chinese and English), the parts of them (e.g. the short form in brackets) and
    its keywords, folded."""
    parts = re.split(r"[（）()·“”,;\s]+", contact.name)
    chinese = (nlp.fold_phrase(x) for x in [contact.name, *parts, *contact.keywords])
    latin = (english.fold_phrase(x) for x in [contact.en.name, *contact.en.keywords]) if contact.en else ()
    return [n for n in (*chinese, *latin) if len(n) >= 2]


class _FoldedNames:
    """Every contact's folded names, folded once per knowledge snapshot (a reload brings a new list)."""

    def __init__(self) -> None:
        self._of: list | None = None
        self._names: list[tuple[str, object]] = []

    def __call__(self, contacts: list) -> list[tuple[str, object]]:
        if contacts is not self._of:
            self._of, self._names = contacts, [(n, c) for c in contacts for n in _names(c)]
        return self._names


_folded_names = _FoldedNames()


def _named_in(folded: str, contacts):
    """The contact whose longest name or keyword appears in the question, if any."""
    hits = [(len(n), c) for n, c in _folded_names(contacts) if n in folded]
    return max(hits, key=lambda hit: hit[0])[1] if hits else None


@lru_cache(maxsize=4096)          # asked of every free text and of each part of one
def asks_for_contact(text: str, english_text: bool) -> bool:
    if english_text:
        return bool(ASKS_FOR_CONTACT_EN.search(text.lower()))
    return holds_any(nlp.fold_phrase(text), ASKS_FOR_CONTACT)


async def answer(svc: Services, msg: Incoming) -> Reply | None:
    if not asks_for_contact(msg.text, msg.english):
        return None
    folded = english.fold_phrase(msg.text) if msg.english else nlp.fold_phrase(msg.text)
    contact = _named_in(folded, svc.kb.knowledge.contacts)
    if contact is None and svc.kb.policy.patterns["procedure"].search(msg.folded):
        return None          # "找谁申请": how the policy says to apply (its lead department), not every body listed
    reply = _card(svc, msg, contact) if contact else await list_all(svc, msg)
    if "phone" in msg.reading.aspects and not (contact and contact.phone):
        reply.intent = "fallback"          # the number asked for is not published: an honest "don't know"
        await svc.store.unanswered.log(msg, svc.clock.now())
    return reply


async def list_all(svc: Services, msg: Incoming) -> Reply:
    return _listed(svc, msg, 0)


def _listed(svc: Services, msg: Incoming, page: int) -> Reply:
    contacts = svc.kb.knowledge.contacts
    published = [f"{c.name}：{'；'.join(x for x in (c.phone, c.address) if x)}" for c in contacts
                 if c.phone or c.address]
    if msg.english:
        lines = [reach_now(svc, msg), *(published or ["The source documents publish no phone numbers; committee staff will "
                                               "add them."]),
                 "You can contact these bodies (tap one for its role and contact details):" if contacts
                 else "No contacts have been entered yet."]
    else:
        lines = [reach_now(svc, msg), *(published or ["来源文件均未公布电话，号码待管委会工作人员补充。"]),
                 "可以联系以下机构（点选查看职责与联系方式）：" if contacts else "联系人资料尚未录入。"]
    if page:
        lines = [msg.say("更多可联系的机构（点选查看职责与联系方式）：", "More bodies to contact (tap one for its role and contact details):")]
    more = Button(msg.say("更多机构", "More bodies"), CONTACT(f"{PAGE}{page + 1}"))
    listed = [Button(_label(c, msg.english), CONTACT(c.id)) for c in contacts]
    return Reply("\n".join(lines), intent="contacts", confidence=1.0, buttons=paged(listed, page, more, _person(svc, msg)))


def _label(contact: Contact, english: bool) -> str:
    return short_label(contact.en.name.split(" (")[0], "en") if english and contact.en else short_label(contact.name)


def every_button(svc: Services) -> list[Button]:
    """Each contact's list buttons in both languages and its full names, for a label typed back."""
    contacts = svc.kb.knowledge.contacts
    names = [(c, name) for c in contacts for name in (c.name, *([c.en.name] if c.en else ()))]
    return ([Button(_label(c, english), CONTACT(c.id)) for c in contacts for english in (False, True)]
            + [Button(name, CONTACT(c.id)) for c, name in names])


async def by_payload(svc: Services, msg: Incoming) -> Reply:
    key = CONTACT.arg(msg.payload)
    for contact in svc.kb.knowledge.contacts:
        if contact.id == key:
            return _card(svc, msg, contact)
        if f"{ROLE}{contact.id}" == key:
            return _role(svc, msg, contact)
    shown = key.removeprefix(PAGE)
    return _listed(svc, msg, int(shown) if key.startswith(PAGE) and shown.isdigit() else 0)
