"""Who to contact for what. The documents publish no phone numbers: the bot says so plainly."""
from __future__ import annotations

import re

from bot.messages import Button, Incoming, Reply
from faq import nlp
from handlers.handoff import BUTTON, REACH_NOW

# After synonym folding, "电话/联系人/找谁/热线…" all read "联系方式".
ASKS_FOR_CONTACT = ("联系方式", "咨询谁", "负责部门", "邮箱")
NOT_PUBLISHED = "暂未公布（来源文件未载明，待管委会工作人员补充）"


def render(contact, svc) -> Reply:
    lines = [f"【{contact.name}】", REACH_NOW, f"电话：{contact.phone or NOT_PUBLISHED}"]
    if contact.address:
        lines.append(f"地址：{contact.address}")
    if contact.hours:
        lines.append(f"办公时间：{contact.hours}")
    lines += [f"职责：{contact.role}", f"可咨询：{'、'.join(contact.contact_for)}"]
    return Reply("\n".join(lines), intent="contacts", confidence=1.0, buttons=[BUTTON],
                 sources=[svc.kb.knowledge.cite(contact.source)])


def _names(contact) -> list[str]:
    """The contact's name, the parts of it (e.g. the short form in brackets) and its keywords, folded."""
    parts = re.split(r"[（）()·“”\s]+", contact.name)
    return [n for n in (nlp.synonyms().fold(nlp.normalise(x)) for x in [contact.name, *parts, *contact.keywords])
            if len(n) >= 2]


def _named_in(folded: str, contacts):
    """The contact whose longest name or keyword appears in the question, if any."""
    hits = [(len(n), c) for c in contacts for n in _names(c) if n in folded]
    return max(hits, key=lambda hit: hit[0])[1] if hits else None


async def answer(msg: Incoming, svc) -> Reply | None:
    folded = nlp.synonyms().fold(nlp.normalise(msg.text))
    if not any(word in folded for word in ASKS_FOR_CONTACT):
        return None
    contact = _named_in(folded, svc.kb.knowledge.contacts)
    reply = render(contact, svc) if contact else await list_all(msg, svc)
    if "phone" in msg.reading.aspects and not (contact and contact.phone):
        reply.intent = "fallback"          # the number asked for is not published: an honest "don't know"
        await svc.store.log_unanswered(msg, svc.clock.now())
    return reply


async def list_all(msg: Incoming, svc) -> Reply:
    contacts = svc.kb.knowledge.contacts
    published = [f"{c.name}：{'；'.join(x for x in (c.phone, c.address) if x)}" for c in contacts
                 if c.phone or c.address]
    lines = [REACH_NOW, *(published or ["来源文件均未公布电话，号码待管委会工作人员补充。"]),
             "可以联系以下机构（点选查看职责与联系方式）：" if contacts else "联系人资料尚未录入。"]
    return Reply("\n".join(lines), intent="contacts", confidence=1.0,
                 buttons=[Button(c.name[:20], f"contact:{c.id}") for c in contacts] + [BUTTON])


async def by_payload(msg: Incoming, svc) -> Reply:
    key = msg.payload.removeprefix("contact:")
    for contact in svc.kb.knowledge.contacts:
        if contact.id == key:
            return render(contact, svc)
    return await list_all(msg, svc)
