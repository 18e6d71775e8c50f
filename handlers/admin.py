"""Staff maintenance commands."""
from __future__ import annotations

from bot.messages import Incoming, Reply
from faq.schema import KnowledgeError


async def reload(msg: Incoming, svc) -> Reply:
    try:
        summary = svc.kb.reload()
    except KnowledgeError as exc:
        return Reply(f"资料文件有误，未重新加载（仍使用原资料）：\n{exc}", intent="staff", confidence=1.0)
    return Reply(f"资料已重新加载：{summary}。", intent="staff", confidence=1.0)
