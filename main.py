"""Entry point.

  python main.py                      serve every configured channel; with none configured, chat in the console
  python main.py ask "问题" ...        answer questions given as arguments
  python main.py ask --json -         one question per line on stdin → one JSON object per line; a line
                                      {"user": "u1", "text": "…"} is a turn of that user's own conversation

One process owns a data folder (bot/datalock.py). `ask` beside a running bot sends its questions to it
(bot/local_admin.py); beside a console chat, or when a second server is started, the newcomer refuses
with exit code 3.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Iterable

from bot.app import build_services, serve, start_delivery, stop_delivery
from bot.channels.console import ConsoleChat
from bot.config import ConfigError, Settings, load_settings
from bot.datalock import DataDirBusy, DataDirLock
from bot.local_admin import AdminUnavailable, answer, as_wire, ask_running, shown, turn
from bot.router import Router
from bot.storage import StorageError
from faq.schema import KnowledgeError

BUSY_EXIT = 3


async def ask_here(router: Router, questions: Iterable[str], as_json: bool, staff: bool) -> None:
    for question in questions:
        user, text = turn(question, as_json)
        reply = await answer(router, text, staff, user)
        print(shown(text, as_wire(reply), as_json, user), flush=True)


async def console_chat(router: Router, staff: bool) -> None:
    """The chat, with delivery and the scheduler running, so notices and scheduled sends appear in it."""
    chat = ConsoleChat(router, staff=staff)
    await start_delivery(router.svc)
    try:
        await chat.run()
    finally:
        await stop_delivery(router.svc)


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
    else:
        asyncio.run(console_chat(router, staff_here))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="运河财富小镇企业服务助手")
    sub = parser.add_subparsers(dest="command")
    ask_p = sub.add_parser("ask", help="answer questions and exit (through the running bot, if one runs)")
    ask_p.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask_p.add_argument("questions", nargs="*", help="questions; '-' reads one per line from stdin")
    args = parser.parse_args(argv)
    as_json = getattr(args, "json", False)
    questions = sys.stdin if getattr(args, "questions", None) in ([], ["-"]) else getattr(args, "questions", [])

    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"启动失败：{exc}", file=sys.stderr)
        return 2
    serving = args.command is None and settings.any_channel
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
