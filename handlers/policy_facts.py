"""Questions about what the policy document itself says, answered from its data: which article names a place
or body ("运河财富小镇在文件第几条出现") and which measures cap per year ("哪几条提到了年度封顶")."""
from __future__ import annotations

import re

from bot.messages import Incoming, Reply
from bot.services import Services
from faq.schema import holds_any
from policy_data import render

ARTICLE_NUMBER = re.compile(r"第\s*(\d{1,2})\s*条")
YEARLY = ("年度", "每年")


def _notes(svc: Services, policies: list) -> list[str]:
    return render.validity_notes(policies, svc.policy_date())


def article_naming(svc: Services, msg: Incoming) -> Reply | None:
    """The reviewed answer of a policy document that names, with its article, the place or body the question
    names (the one naming it most often); None when no such answer exists."""
    book, lexicon = svc.kb.policy, svc.kb.knowledge.lexicon
    docs = {p.doc for p in book.policies.values()}
    names = [n for e in msg.reading.entities if e not in docs and e in lexicon.entities
             for n in (lexicon.entities[e].name, *lexicon.entities[e].aliases) if len(n) > 1]
    if not names:
        return None
    held = [(sum(e.answer.count(n) for n in names), e) for e in svc.kb.knowledge.faq
            if e.source.doc in docs and ARTICLE_NUMBER.search(e.answer) and any(n in e.answer for n in names)]
    if not held:
        return None
    entry = max(held, key=lambda pair: pair[0])[1]
    policies = [p for p in book.policies.values() if p.doc == entry.source.doc]
    return render.reply("policy", "\n\n".join([entry.answer, *_notes(svc, policies)]), confidence=0.8,
                        sources=[svc.kb.knowledge.cite(entry.source)])


def yearly_caps(svc: Services) -> Reply:
    """The measures whose cap is per year (单户企业年度上限, 每家机构每年上限…), with the cap."""
    book = svc.kb.policy
    capped = [(m, c) for m in book.measures for c in m.caps if any(w in c.label for w in YEARLY)]
    lines = [f"· {render.article(m)} {m.title}：{c.label}{render.money(c.amount)}" for m, c in capped]
    policies = list(dict.fromkeys(book.policy(m) for m, _ in capped)) or list(book.policies.values())
    head = "写明按年度封顶（年度上限）的措施：" if capped else "文件中没有按年度设定上限的措施。"
    return render.reply("policy", "\n\n".join([head + ("\n" + "\n".join(lines) if lines else ""), *_notes(svc, policies)]),
                        confidence=0.8, sources=list(dict.fromkeys(render.citation(svc.kb.knowledge.documents,
                                                                                   book.policy(m), m) for m, _ in capped)))


def asks_yearly_caps(svc: Services, text: str) -> bool:
    return holds_any(text, svc.kb.policy.words["yearly_cap"])

