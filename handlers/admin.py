"""Staff maintenance commands."""
from __future__ import annotations

import asyncio

from bot.messages import Incoming, Reply
from bot.services import Services
from faq.schema import KnowledgeError


async def reload(svc: Services, msg: Incoming) -> Reply:
    try:
        summary = await asyncio.to_thread(svc.kb.reload)      # the bot goes on answering meanwhile
    except KnowledgeError as exc:
        outcome, reply = f"failed: {exc}", f"资料文件有误，未重新加载（仍使用原资料）：\n{exc}"
    else:
        outcome, reply = summary, f"资料已重新加载：{summary}。"
    await svc.store.audit.record(msg.user_key, "reload", svc.clock.now(), outcome=outcome)
    return Reply(reply, intent="staff", confidence=1.0)
