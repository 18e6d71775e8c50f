"""FAQ answers from the knowledge base, browsing by category, and the honest fallback."""
from __future__ import annotations

from bot.messages import Button, Incoming, Reply
from faq.matcher import THRESHOLD
from handlers.handoff import with_offer

FALLBACK = ("抱歉，这个问题我暂时答不上来，资料中没有可靠的答案。\n"
            "您可以看看下面相近的问题，或点“转人工 / 留言给工作人员”请管委会工作人员回复（也可输入 /handoff）。")
PAGE = 12


def _answer(entry, svc, confidence: float) -> Reply:
    return Reply(entry.answer, intent="faq", confidence=confidence,
                 sources=[svc.kb.knowledge.cite(entry.source)])


def _question_button(entry) -> Button:
    label = entry.questions[0]
    return Button(label if len(label) <= 20 else label[:19] + "…", f"faq:{entry.id}")


async def answer(msg: Incoming, svc) -> Reply | None:
    match = svc.kb.faq.best(msg.text)
    if match and match.score >= THRESHOLD:
        return _answer(match.entry, svc, match.score)
    return None


async def fallback(msg: Incoming, svc) -> Reply:
    near = svc.kb.faq.rank(msg.text, limit=3)
    if svc.store is not None:
        await svc.store.log_unanswered(msg, svc.clock.now())
    return with_offer(msg, svc, Reply(FALLBACK, intent="fallback", confidence=near[0].score if near else 0.0,
                                      buttons=[_question_button(m.entry) for m in near]))


async def categories(msg: Incoming, svc) -> Reply:
    cats = list(dict.fromkeys(e.category for e in svc.kb.knowledge.faq))
    return Reply("常见问题分类，请点选：", intent="faq", confidence=1.0,
                 buttons=[Button(c, f"faq:cat:{c}") for c in cats])


async def by_payload(msg: Incoming, svc) -> Reply:
    key = msg.payload.removeprefix("faq:")
    faq = svc.kb.knowledge.faq
    if key.startswith("cat:"):
        entries = [e for e in faq if e.category == key[4:]][:PAGE]
        if entries:
            return Reply(f"“{key[4:]}”下的常见问题：", intent="faq", confidence=1.0,
                         buttons=[_question_button(e) for e in entries])
    else:
        for entry in faq:
            if entry.id == key:
                return _answer(entry, svc, 1.0)
    return Reply("这个问题已更新或不存在，请重新选择。", intent="faq", buttons=[Button("常见问题", "/faq")])
