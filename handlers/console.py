"""/console — a staff member gets a one-time link that signs them in to the web console."""
from __future__ import annotations

import asyncio

from bot.messages import Incoming, Reply
from bot.services import Services
from bot.sign_in_links import TTL, SignInLinks, sign_in_url


async def sign_in_link(svc: Services, msg: Incoming) -> Reply:
    links = SignInLinks(svc.settings.data_dir, svc.clock)
    token = await asyncio.to_thread(links.issue, msg.user_key)
    minutes = int(TTL.total_seconds() // 60)
    await svc.store.audit.record(msg.user_key, "console.link", svc.clock.now())
    return Reply(f"网页控制台登录链接（仅限本人使用一次，{minutes} 分钟内有效）：\n"
                 f"{sign_in_url(svc.settings.console_url, token)}\n请勿转发。",
                 intent="staff", confidence=1.0)
