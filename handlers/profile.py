"""/profile: an enterprise saves one sentence about itself (type, paid-in capital, AUM, plans); the bot
reads it with the same vocabulary as free text and lists the measures that fit.

The profile keeps the sentence itself, so a corrected vocabulary or new policy file applies to it at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from bot import inputs
from bot.dialogs import DialogState
from bot.messages import Button, Incoming, Reply
from bot.services import Services
from bot.store import Profile
from handlers.calc import QUESTION_MARKS
from handlers.policy import ASK_TYPE, ASK_TYPE_EN, describe_and_match
from policy_data.english import for_reading
from policy_data.extract import beneficiary_types, facts_for, read
from policy_data.loader import PolicyBook
from policy_data.render import fmt_value


@dataclass
class ProfileDialog(DialogState):
    """Waiting for the sentence that describes the enterprise."""
    flow: ClassVar[str] = "profile"


def _cancel(msg: Incoming) -> Button:
    return Button(msg.say("取消", "Cancel"), "/cancel")


def _figures(book: PolicyBook, readable: str) -> dict[str, str]:
    """The figures the sentence gives by name, e.g. {"实收资本": "10亿元"}."""
    reading, named = read(readable, book), {}
    for measure in book.measures:
        facts = facts_for(book, measure, reading)
        for key, value in facts.values.items():
            if key not in facts.assumed:
                named.setdefault(measure.input(key).label, fmt_value(measure.input(key), value))
    return named


async def _save(svc: Services, msg: Incoming, description: str) -> Reply:
    """Stores the sentence as typed; English is read through the English vocabulary."""
    book = svc.kb.policy
    readable = for_reading(description, book, msg.lang)
    types = beneficiary_types(readable, book)
    if not types:
        svc.dialogs.put(msg.user_key, ProfileDialog())
        return Reply(msg.say("没有看出贵单位属于哪类机构。" + ASK_TYPE + "\n（输入“取消”退出）",
                             "I cannot tell what kind of institution you are. " + ASK_TYPE_EN + "\n(Type “cancel” to "
                                                                                               "leave.)"),
                     intent="policy", confidence=0.5, buttons=[_cancel(msg)])
    profile = Profile(description, tuple(book.types[t].label for t in types), _figures(book, readable),
                      svc.clock.now().isoformat())
    figures = "；".join(f"{k}{v}" for k, v in profile.figures.items())
    summary = f"类型：{'、'.join(profile.types)}" + (f"；{figures}" if figures else "")
    if msg.english:
        summary = ", ".join(book.types[t].en.label for t in types)
    await svc.store.users.save_profile(msg.user_key, profile)
    lead = msg.say(f"已保存您的单位情况（{summary}）。以后可直接问“适合我们的政策有哪些”，或发送 /profile 查看。",
                   f"Saved your profile ({summary}). Send /profile any time to see what fits.")
    return describe_and_match(svc, readable, lead, msg.lang)


async def command(svc: Services, msg: Incoming) -> Reply:
    description = inputs.arguments(msg.typed).strip()
    if description:
        return await _save(svc, msg, description)
    stored = await svc.store.users.profile(msg.user_key)
    if stored and stored.description:
        return describe_and_match(svc, for_reading(stored.description, svc.kb.policy, msg.lang),
                                  msg.say(f"您保存的单位情况：{stored.description}\n（发送“/profile 新的描述”可更新）",
                                          f"Your saved profile: {stored.description}\n(Send “/profile new "
                                          f"description” to update it.)"), msg.lang)
    svc.dialogs.put(msg.user_key, ProfileDialog())
    return Reply(msg.say("请用一句话介绍贵单位：类型、实收资本或管理规模、打算做什么。例如：“我们是外资保险公司，实收资本5亿，"
                         "准备在杭州设科技保险专营机构”。（输入“取消”退出）",
                         "Describe your institution in one sentence: its type, paid-in capital or AUM, and what you "
                         "plan. E.g. “We are a foreign insurer with paid-in capital of RMB 500 million, planning a "
                         "sci-tech insurance specialist institution in Hangzhou”. (Type “cancel” to leave.)"),
                 intent="policy", confidence=1.0, buttons=[_cancel(msg)])


async def continue_dialog(svc: Services, msg: Incoming) -> Reply | None:
    svc.dialogs.pop(msg.user_key)
    if not beneficiary_types(for_reading(msg.text, svc.kb.policy, msg.lang), svc.kb.policy) \
            and QUESTION_MARKS.search(msg.text):
        return None                      # a question, not a description: let the other routes answer it
    return await _save(svc, msg, msg.typed)
