"""Interactive chat in the terminal: the same router and handlers the real channels use. Event notices,
reminders and broadcasts for the console user are printed into the chat while it is open."""
from __future__ import annotations

import asyncio
import sys
from typing import TextIO

from bot.outbox import NotShown
from bot.choices import Choices, numbered
from bot.messages import Incoming, Reply
from bot.router import Router

USER = "local"
PROMPT = "\n您："


class ConsoleOutbox:
    """The console's outbound side: a notice appears in the chat; its choices answer to numbers like any reply."""
    platform = "console"

    def __init__(self, stdout: TextIO, choices: Choices):
        self.stdout, self.choices = stdout, choices

    async def send(self, chat_id: str, reply: Reply) -> None:
        if chat_id != USER:
            raise NotShown(f"控制台用户 {chat_id} 不在这个终端")
        self.choices.remember(f"console:{USER}", reply.buttons)
        self.stdout.write(f"\n\n【收到通知】\n{numbered(reply)}\n{PROMPT}")
        self.stdout.flush()


class ConsoleChat:
    def __init__(self, router: Router, staff: bool = False, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout):
        self.router, self.staff, self.stdin, self.stdout = router, staff, stdin, stdout
        self.choices = Choices()
        router.svc.outboxes[ConsoleOutbox.platform] = ConsoleOutbox(stdout, self.choices)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        self.stdout.write("运河财富小镇企业服务助手（控制台）。输入问题后回车；输入 /help 查看命令，Ctrl-D 退出。\n")
        first = True
        while True:
            if first:
                line, first = "/start", False
            else:
                self.stdout.write(PROMPT)
                self.stdout.flush()
                line = await loop.run_in_executor(None, self.stdin.readline)
                if not line:
                    self.stdout.write("\n再见！\n")
                    return
            line = line.strip()
            payload = self.choices.resolve(f"console:{USER}", line)
            msg = Incoming("console", USER, USER, text="" if payload else line, payload=payload, is_staff=self.staff)
            reply = await self.router.handle(msg)
            self.choices.remember(msg.user_key, reply.buttons)
            self.stdout.write(f"\n助手：{numbered(reply)}\n")
