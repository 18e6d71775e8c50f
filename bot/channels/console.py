"""Interactive chat in the terminal: the same router and handlers the real channels use."""
from __future__ import annotations

import asyncio
import sys

from bot.choices import Choices, numbered
from bot.messages import Incoming
from bot.router import Router

USER = "local"


async def chat(router: Router, staff: bool = False, stdin=sys.stdin, stdout=sys.stdout) -> None:
    choices = Choices()
    loop = asyncio.get_running_loop()
    stdout.write("运河财富小镇企业服务助手（控制台）。输入问题后回车；输入 /help 查看命令，Ctrl-D 退出。\n")
    first = True
    while True:
        if first:
            line, first = "/start", False
        else:
            stdout.write("\n您：")
            stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                stdout.write("\n再见！\n")
                return
        line = line.strip()
        payload = choices.resolve(f"console:{USER}", line)
        msg = Incoming("console", USER, USER, text="" if payload else line, payload=payload, is_staff=staff)
        reply = await router.handle(msg)
        choices.remember(msg.user_key, reply.buttons)
        stdout.write(f"\n助手：{numbered(reply)}\n")
