"""Entry point.

  python main.py                      serve every configured channel; with none configured, chat in the console
  python main.py ask "问题" ...        answer questions given as arguments
  python main.py ask --json -         one question per line on stdin → one JSON object per line
  python main.py console-link telegram:123   a one-time sign-in link to the web console for that staff account
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from bot.app import build_services, chat_with_console, make_clock, serve
from bot.channels import console
from bot.config import ConfigError, load_settings
from bot.messages import Incoming
from bot.router import Router
from bot.storage import StorageError
from bot.choices import numbered
from bot.web.links import TTL, SignInLinks, sign_in_url
from faq.schema import KnowledgeError


def _turn(line: str) -> tuple[str, str]:
    """A plain line is a question of the one "ask" conversation; a JSON line {"user", "text"} is a turn of
    that user's own conversation (its own context and dialogs)."""
    if line.lstrip().startswith("{"):
        try:
            data = json.loads(line)
            return str(data.get("user") or "ask"), str(data.get("text", ""))
        except (ValueError, AttributeError):
            pass
    return "ask", line.rstrip("\n")


async def ask(router: Router, questions, as_json: bool, staff: bool) -> None:
    for question in questions:
        user, text = _turn(question) if as_json else ("ask", question.rstrip("\n"))
        reply = await router.handle(Incoming("console", user, user, text=text, is_staff=staff))
        if as_json:
            out = reply.as_json() | {"buttons": [b.label for b in reply.buttons]}
            if user != "ask":
                out["user"] = user
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(f"问：{text.strip()}\n答：{numbered(reply)}\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运河财富小镇企业服务助手")
    sub = parser.add_subparsers(dest="command")
    ask_p = sub.add_parser("ask", help="answer questions and exit")
    ask_p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask_p.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    link_p = sub.add_parser("console-link", help="print a one-time sign-in link to the web console")
    link_p.add_argument("account", help="a BOT_STAFF account, platform:user_id")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "console-link":
            return console_link(settings, args.account)
        serving = args.command is None and settings.any_channel
        logging.basicConfig(level=logging.INFO if serving else logging.WARNING,
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
        svc = build_services(settings)
    except (ConfigError, KnowledgeError, StorageError) as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 2
    router = Router(svc)
    staff_here = True  # whoever runs the process on this machine is staff
    if args.command == "ask":
        questions = sys.stdin if args.questions in ([], ["-"]) else args.questions
        asyncio.run(ask(router, questions, args.json, staff_here))
    elif serving:
        asyncio.run(serve(settings, router))
    else:
        local = f"console:{console.USER}"
        asyncio.run(chat_with_console(settings, router, console.chat(router, staff=staff_here), local))
    return 0


def console_link(settings, account: str) -> int:
    """Works beside a running server: the link is a file in BOT_DATA_DIR that the server reads."""
    if account not in settings.staff:
        print(f"{account} 不在 BOT_STAFF 中，无法登录控制台。", file=sys.stderr)
        return 2
    token = SignInLinks(settings.data_dir, make_clock(settings)).issue(account)
    print(f"{sign_in_url(settings.console_url, token)}\n（一次性链接，{int(TTL.total_seconds() // 60)} 分钟内有效，请勿转发）")
    return 0


if __name__ == "__main__":
    sys.exit(main())
