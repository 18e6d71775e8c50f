"""Entry point.

  python main.py                      serve every configured channel; with none configured, chat in the console
  python main.py ask "问题" ...        answer questions given as arguments
  python main.py ask --json -         one question per line on stdin → one JSON object per line
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from bot.app import build_services, serve
from bot.channels import console
from bot.config import ConfigError, load_settings
from bot.messages import Incoming
from bot.router import Router
from bot.storage import StorageError
from bot.choices import numbered
from faq.schema import KnowledgeError


async def ask(router: Router, questions, as_json: bool, staff: bool) -> None:
    for question in questions:
        reply = await router.handle(Incoming("console", "ask", "ask", text=question.rstrip("\n"), is_staff=staff))
        if as_json:
            print(json.dumps(reply.as_json(), ensure_ascii=False), flush=True)
        else:
            print(f"问：{question.strip()}\n答：{numbered(reply)}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运河财富小镇企业服务助手")
    sub = parser.add_subparsers(dest="command")
    ask_p = sub.add_parser("ask", help="answer questions and exit")
    ask_p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask_p.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        serving = args.command is None and settings.any_channel
        logging.basicConfig(level=logging.INFO if serving else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        svc = build_services(settings)
    except (ConfigError, KnowledgeError, StorageError) as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 2
    router = Router(svc)
    staff_here = settings.console_staff      # BOT_CONSOLE_STAFF: the local user is staff unless set to 0
    if args.command == "ask":
        questions = sys.stdin if args.questions in ([], ["-"]) else args.questions
        asyncio.run(ask(router, questions, args.json, staff_here))
    elif serving:
        asyncio.run(serve(settings, router))
    else:
        asyncio.run(console.chat(router, staff=staff_here))
    return 0


if __name__ == "__main__":
    sys.exit(main())
