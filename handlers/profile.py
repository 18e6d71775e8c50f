"""/profile: an enterprise saves one sentence about itself (type, paid-in capital, AUM, plans); the bot
reads it with the same vocabulary as free text and lists the measures that fit.

The profile keeps the sentence itself, so a corrected vocabulary or new policy file applies to it at once.
Without storage (svc.store is None) matching still works, and the reply says nothing was saved.
"""
from __future__ import annotations

from bot.messages import Button, Incoming, Reply
from handlers.calc import QUESTION_MARKS
from handlers.policy import ASK_TYPE, describe_and_match
from policy_data.extract import beneficiary_types, facts_for, read
from policy_data.render import fmt_value

FLOW = "profile"
CANCEL = Button("取消", "/cancel")


def _figures(book, description: str) -> dict[str, str]:
    """The figures the sentence gives by name, e.g. {"实收资本": "10亿元"}."""
    reading, named = read(description, book), {}
    for measure in book.measures:
        facts = facts_for(book, measure, reading)
        for key, value in facts.values.items():
            if key not in facts.assumed:
                named.setdefault(measure.input(key).label, fmt_value(measure.input(key), value))
    return named


async def _save(msg: Incoming, svc, description: str) -> Reply:
    book = svc.kb.policy
    types = beneficiary_types(description, book)
    if not types:
        svc.dialogs.start(msg.user_key, FLOW)
        return Reply("没有看出贵单位属于哪类机构。" + ASK_TYPE + "\n（输入“取消”退出）", intent="policy",
                     confidence=0.5, buttons=[CANCEL])
    profile = {"description": description, "types": [book.types[t].label for t in types],
               "figures": _figures(book, description), "saved": svc.clock.now().isoformat()}
    figures = "；".join(f"{k}{v}" for k, v in profile["figures"].items())
    summary = f"类型：{'、'.join(profile['types'])}" + (f"；{figures}" if figures else "")
    if svc.store is None:
        lead = f"（档案存储暂不可用，本次未保存；以下按您刚才的描述匹配。{summary}）"
    else:
        await svc.store.save_profile(msg.user_key, profile)
        lead = f"已保存您的单位情况（{summary}）。以后可直接问“适合我们的政策有哪些”，或发送 /profile 查看。"
    return describe_and_match(svc, description, lead)


async def command(msg: Incoming, svc) -> Reply:
    description = msg.text.partition(" ")[2].strip()
    if description:
        return await _save(msg, svc, description)
    stored = await svc.store.get_profile(msg.user_key) if svc.store is not None else None
    if stored and stored.get("description"):
        return describe_and_match(svc, stored["description"],
                                  f"您保存的单位情况：{stored['description']}\n（发送“/profile 新的描述”可更新）")
    svc.dialogs.start(msg.user_key, FLOW)
    note = "" if svc.store is not None else "\n（档案存储暂不可用：可以匹配，但不会保存。）"
    return Reply("请用一句话介绍贵单位：类型、实收资本或管理规模、打算做什么。例如：“我们是外资保险公司，实收资本5亿，"
                 "准备在杭州设科技保险专营机构”。（输入“取消”退出）" + note, intent="policy", confidence=1.0,
                 buttons=[CANCEL])


async def continue_dialog(msg: Incoming, svc) -> Reply | None:
    if msg.payload is not None:
        return None
    svc.dialogs.end(msg.user_key)
    if not beneficiary_types(msg.text, svc.kb.policy) and QUESTION_MARKS.search(msg.text):
        return None                      # a question, not a description: let the other routes answer it
    return await _save(msg, svc, msg.text)
