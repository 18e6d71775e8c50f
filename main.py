"""Entry point.

  python main.py                      serve every configured channel; with none configured, chat in the console
  python main.py ask "问题" ...        answer questions given as arguments
  python main.py ask --json -         one question per line on stdin → one JSON object per line; a line
                                      {"user": "u1", "text": "…"} is a turn of that user's own conversation
  python main.py console-link telegram:123   a one-time sign-in link to the web console for that staff account

One process owns a data folder (bot/datalock.py). `ask` beside a running bot sends its questions to it
(bot/local_admin.py); beside a console chat, or when a second server is started, the newcomer refuses
with exit code 3.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from typing import Iterable

from bot.app import build_services, chat_with_console, serve, settle
from bot.clock import Clock
from bot.channels.console import USER, ConsoleChat
from bot.config import ConfigError, Settings, load_settings
from bot.datalock import DataDirBusy, DataDirLock
from bot.local_admin import AdminUnavailable, answer, as_wire, ask_running, shown, turns
from bot.router import Router
from bot.storage import StorageError
from bot.sign_in_links import TTL, SignInLinks, sign_in_url
from faq.schema import KnowledgeError

BUSY_EXIT = 3


async def ask_here(router: Router, questions: Iterable[str], as_json: bool, staff: bool) -> None:
    for user, text in turns(questions, as_json):
        reply = await answer(router, text, staff, user)
        print(shown(text, as_wire(reply), as_json, user), flush=True)
    await settle(router.svc)


def run_here(command: str | None, settings: Settings, questions: Iterable[str], as_json: bool) -> int:
    """Everything that opens the data folder; the caller holds its lock."""
    try:
        svc = build_services(settings)
    except (KnowledgeError, StorageError) as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 2
    router = Router(svc)
    svc.delivery.defer_missing = not settings.any_channel or command == "ask"    # this process is not the bot
    staff_here = settings.console_staff      # BOT_CONSOLE_STAFF: the local user is staff unless set to 0
    if command == "ask":
        asyncio.run(ask_here(router, questions, as_json, staff_here))
    elif settings.any_channel:
        asyncio.run(serve(settings, router))
    else:        # the terminal chat, with the staff web console on 127.0.0.1 beside it
        chat = ConsoleChat(router, staff=staff_here)
        asyncio.run(chat_with_console(settings, router, chat.run(), f"console:{USER}"))
    return 0


def console_link(settings: Settings, account: str) -> int:
    """Works beside a running server: the link is a file in BOT_DATA_DIR that the server reads."""
    if account not in settings.staff:
        print(f"{account} 不在 BOT_STAFF 中，无法登录控制台。", file=sys.stderr)
        return 2
    token = SignInLinks(settings.data_dir, Clock()).issue(account)
    print(f"{sign_in_url(settings.console_url, token)}\n（一次性链接，{int(TTL.total_seconds() // 60)} 分钟内有效，请勿转发）")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运河财富小镇企业服务助手")
    sub = parser.add_subparsers(dest="command")
    ask_p = sub.add_parser("ask", help="answer questions and exit (through the running bot, if one runs)")
    ask_p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask_p.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    link_p = sub.add_parser("console-link", help="print a one-time sign-in link to the web console")
    link_p.add_argument("account", help="a BOT_STAFF account, platform:user_id")
    args = parser.parse_args(argv)
    as_json = getattr(args, "json", False)
    questions = sys.stdin if getattr(args, "questions", None) in ([], ["-"]) else getattr(args, "questions", [])

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 2
    if args.command == "console-link":
        return console_link(settings, args.account)
    serving = args.command is None and settings.any_channel
    # python-telegram-bot: time periods as timedelta already (its coming default), not a deprecation warning per 429
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    logging.basicConfig(level=logging.INFO if serving else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    lock = DataDirLock(settings.data_dir)
    try:
        lock.acquire(args.command or ("serve" if serving else "console"))
    except DataDirBusy as busy:
        if args.command != "ask":
            print(busy, file=sys.stderr)
            return BUSY_EXIT
        try:
            asyncio.run(ask_running(settings.data_dir, busy.pid, questions, as_json))
        except AdminUnavailable as exc:
            print(exc, file=sys.stderr)
            return BUSY_EXIT
        return 0
    try:
        return run_here(args.command, settings, questions, as_json)
    finally:
        lock.release()


if __name__ == "__main__":
    sys.exit(main())
