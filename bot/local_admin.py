"""`main.py ask` beside a running bot: the serving process offers POST /admin/ask on its one HTTP server,
for this machine only, and `ask` sends its questions there instead of opening the data folder itself.

The endpoint answers loopback peers that present the token the server wrote, with its address, to
BOT_DATA_DIR/admin.json (mode 0600: only the account running the bot can read it). Requests relayed by a
proxy (X-Forwarded-For / Forwarded) are refused, since their peer is loopback for everyone.
"""
from __future__ import annotations

import hmac
import ipaddress
import json
import logging
import os
import secrets
from pathlib import Path
from typing import Iterable, Iterator

import aiohttp
from aiohttp import web

from bot.choices import numbered
from bot.messages import Incoming, Reply
from bot.router import Router

log = logging.getLogger(__name__)
ADMIN_FILE = "admin.json"
ASK_PATH = "/admin/ask"
ASK_USER = "ask"                      # the console user `ask` speaks as, in this process or the running one
LOOPBACK_HOSTS = ("0.0.0.0", "::", "", "127.0.0.1", "localhost", "::1")


class AdminUnavailable(RuntimeError):
    """The running process offers no usable admin endpoint; the message says why, in Chinese and English."""


class BadTurn(ValueError):
    """A --json line that is no turn; the message says what is wrong with it, in Chinese and English."""


def turn(line: str, as_json: bool) -> tuple[str, str]:
    """(user, text) of one `ask` input. A plain line is a question of the one "ask" conversation; with --json a
    line {"user": "u1", "text": "…"} is a turn of that user's own conversation (its own context and dialogs)."""
    line = line.rstrip("\n")
    if not (as_json and line.lstrip().startswith("{")):
        return ASK_USER, line
    try:
        data = json.loads(line)
    except ValueError:
        raise BadTurn("不是有效的 JSON / not valid JSON") from None
    user, text = data.get("user"), data.get("text")         # a line opening with "{" is an object
    if not isinstance(text, str):
        raise BadTurn("text 必须是文字 / text must be a string")
    if user is not None and not isinstance(user, str):
        raise BadTurn("user 必须是文字 / user must be a string")
    return user or ASK_USER, text


def turns(questions: Iterable[str], as_json: bool) -> Iterator[tuple[str, str]]:
    """Each input's (user, text); a line that is no turn gets its error printed (naming the line) and is skipped."""
    for number, question in enumerate(questions, 1):
        try:
            yield turn(question, as_json)
        except BadTurn as exc:
            text = f"第{number}行 / line {number}: {exc}"
            print(json.dumps({"intent": "error", "text": text}, ensure_ascii=False) if as_json else text, flush=True)


async def answer(router: Router, text: str, staff: bool, user: str = ASK_USER) -> Reply:
    return await router.handle(Incoming("console", user, user, text=text, is_staff=staff))


def shown(question: str, reply: dict, as_json: bool, user: str = ASK_USER) -> str:
    """One answer as `ask` prints it; `reply` is {"json": Reply.as_json() with its buttons' labels,
    "numbered": text with choices}."""
    if as_json:
        return json.dumps(reply["json"] | ({"user": user} if user != ASK_USER else {}), ensure_ascii=False)
    return f"问：{question.strip()}\n答：{reply['numbered']}\n"


def as_wire(reply: Reply) -> dict:
    return {"json": reply.as_json() | {"buttons": [b.label for b in reply.buttons]}, "numbered": numbered(reply)}


def _is_loopback(remote: str | None) -> bool:
    try:
        address = ipaddress.ip_address(remote or "")
    except ValueError:
        return False
    return (getattr(address, "ipv4_mapped", None) or address).is_loopback     # a dual-stack "::" server


class LocalAdmin:
    """The server side: the route, and admin.json while the server is up."""

    def __init__(self, router: Router, data_dir: Path, staff: bool):
        self.router, self.path, self.staff = router, data_dir / ADMIN_FILE, staff
        self.token = secrets.token_urlsafe(32)

    def register(self, http: web.Application) -> None:
        http.router.add_post(ASK_PATH, self.ask)

    def publish(self, host: str, port: int) -> None:
        """Writes admin.json (0600, atomically) once the server listens."""
        reach = "127.0.0.1" if host in LOOPBACK_HOSTS else host
        data = json.dumps({"url": f"http://{reach}:{port}{ASK_PATH}", "token": self.token, "pid": os.getpid()})
        tmp = self.path.with_name(f".{ADMIN_FILE}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write(data)
        os.replace(tmp, self.path)

    def withdraw(self) -> None:
        self.path.unlink(missing_ok=True)

    async def ask(self, request: web.Request) -> web.Response:
        if not _is_loopback(request.remote) or "X-Forwarded-For" in request.headers or "Forwarded" in request.headers:
            log.warning("admin endpoint: refused a request from %s (not this machine)", request.remote)
            return web.json_response({"error": "local requests only"}, status=403)
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").encode()
        if not hmac.compare_digest(given, self.token.encode()):
            log.warning("admin endpoint: wrong or missing token")
            return web.json_response({"error": "wrong token"}, status=401)
        try:
            body = await request.json()
            text, user = body["text"], body.get("user", ASK_USER)
            if not isinstance(text, str) or not isinstance(user, str) or not user:
                raise TypeError("text or user is not a string")
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("admin endpoint: malformed request (%s)", type(exc).__name__)
            return web.json_response({"error": 'expected {"text": "...", "user": "..."}'}, status=400)
        return web.json_response(as_wire(await answer(self.router, text, self.staff, user)))


def _endpoint(data_dir: Path, holder_pid: int | None) -> dict:
    try:
        info = json.loads((data_dir / ADMIN_FILE).read_text("utf-8"))
    except (OSError, ValueError):
        info = None
    if not isinstance(info, dict) or not info.get("url") or info.get("pid") != holder_pid:
        raise AdminUnavailable(
            f"数据目录 {data_dir} 正被另一个进程（pid {holder_pid or '未知'}）使用，它没有开放本机管理接口（控制台聊天，或仍在启动）；"
            "为避免两个进程同时写入，本次不执行。请稍后重试，或先关闭它。 / The data folder is in use by process "
            f"{holder_pid or '?'}, which offers no local admin endpoint (a console chat, or still starting); "
            "refusing to write beside it. Try again shortly, or stop it first.")
    return info


async def ask_running(data_dir: Path, holder_pid: int | None, questions: Iterable[str], as_json: bool) -> None:
    """Sends each question to the running process and prints its answers; AdminUnavailable when it can't."""
    info = _endpoint(data_dir, holder_pid)
    headers = {"Authorization": f"Bearer {info['token']}"}
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session:
        for user, text in turns(questions, as_json):
            try:
                async with session.post(info["url"], json={"text": text, "user": user}, headers=headers) as resp:
                    if resp.status != 200:
                        raise AdminUnavailable(f"运行中的进程拒绝了请求（HTTP {resp.status}）。 / The running "
                                               f"process refused the request (HTTP {resp.status}).")
                    reply = await resp.json()
            except aiohttp.ClientError as exc:
                raise AdminUnavailable(f"连不上运行中的进程（{info['url']}：{type(exc).__name__}）。 / Cannot reach "
                                       f"the running process at {info['url']} ({type(exc).__name__}).") from None
            print(shown(text, reply, as_json, user), flush=True)
