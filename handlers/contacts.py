"""Who to contact for what. The documents publish no phone numbers: the bot says so plainly."""
from __future__ import annotations

from rapidfuzz import fuzz

from bot.messages import Button, Incoming, Reply
from faq import nlp

# After synonym folding, "电话/联系人/找谁/热线…" all read "联系方式".
ASKS_FOR_CONTACT = ("联系方式", "对接", "咨询谁", "哪个部门", "负责部门", "邮箱")
NOT_PUBLISHED = "暂未公布（来源文件未载明，待管委会工作人员补充）"


def render(contact, svc) -> Reply:
    lines = [f"【{contact.name}】", f"职责：{contact.role}", f"可咨询：{'、'.join(contact.contact_for)}",
             f"电话：{contact.phone or NOT_PUBLISHED}"]
    if contact.address:
        lines.append(f"地址：{contact.address}")
    if not contact.phone:
        lines.append("在电话公布前，可通过本助手留言或直接前往小镇管委会咨询。")
    return Reply("\n".join(lines), intent="contacts", confidence=1.0, sources=[svc.kb.knowledge.cite(contact.source)])


def _best(text: str, contacts) -> tuple[float, object | None]:
    folded = nlp.synonyms().fold(nlp.normalise(text))
    best, best_score = None, 0.0
    for c in contacts:
        names = [nlp.synonyms().fold(nlp.normalise(n)) for n in [c.name, *c.keywords]]
        score = max(fuzz.partial_ratio(n, folded) if len(n) >= 2 else 0 for n in names)
        if score > best_score:
            best, best_score = c, score
    return best_score, best


async def answer(msg: Incoming, svc) -> Reply | None:
    folded = nlp.synonyms().fold(nlp.normalise(msg.text))
    if not any(word in folded for word in ASKS_FOR_CONTACT):
        return None
    contacts = svc.kb.knowledge.contacts
    score, contact = _best(msg.text, contacts)
    if contact is not None and score >= 80:
        reply = render(contact, svc)
        reply.confidence = score / 100
        return reply
    return await list_all(msg, svc)


async def list_all(msg: Incoming, svc) -> Reply:
    contacts = svc.kb.knowledge.contacts
    text = ("可以联系以下机构（点选查看职责与联系方式）。来源文件均未公布电话，号码待管委会工作人员补充：" if contacts
            else "联系人资料尚未录入，请直接前往运河财富小镇管委会咨询。")
    return Reply(text, intent="contacts", confidence=1.0,
                 buttons=[Button(c.name[:20], f"contact:{c.id}") for c in contacts])


async def by_payload(msg: Incoming, svc) -> Reply:
    key = msg.payload.removeprefix("contact:")
    for contact in svc.kb.knowledge.contacts:
        if contact.id == key:
            return render(contact, svc)
    return await list_all(msg, svc)
