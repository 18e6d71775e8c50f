"""The console application: mounted under /console on the one HTTP server.

Every request but the sign-in page and static files needs a live session of an account that is staff at
that moment; every POST must carry the session's CSRF token. Pages are server-rendered Jinja2 templates.
"""
from __future__ import annotations

import hmac
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from bot.services import Services
from bot.web import pages
from bot.web.base import CONSOLE, COOKIE, PREFIX, SESSION, SESSION_TOKEN, Console, Invalid, console_of, refuse
from bot.web.knowledge_files import EditError, KnowledgeEditor
from bot.sign_in_links import SignInLinks
from bot.web.sessions import BadLinkLimit, Sessions, StaffList

HERE = Path(__file__).resolve().parent
PUBLIC = (f"{PREFIX}/login/", f"{PREFIX}/static/")
HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
                                      "form-action 'self'; base-uri 'none'",
           "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@web.middleware
async def guard(request: web.Request, handler) -> web.StreamResponse:
    response = await _guarded(request, handler)
    response.headers.update(HEADERS)
    if not request.path.startswith(f"{PREFIX}/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


async def _guarded(request: web.Request, handler) -> web.StreamResponse:
    console = console_of(request)
    if request.path.startswith(PUBLIC):
        return await handler(request)
    token = request.cookies.get(COOKIE, "")
    session = console.sessions.get(token) if token else None
    if session is None:
        return refuse(request, 401, "请先登录：在聊天中向机器人发送 /console，点开收到的一次性登录链接。")
    if not console.is_staff(session.actor):
        console.sessions.close(token)
        return refuse(request, 403, "您的账号已不在工作人员名单（BOT_STAFF）中，无法继续使用控制台。")
    request[SESSION], request[SESSION_TOKEN] = session, token
    if request.method == "POST":
        try:
            form = await request.post()
        except (ValueError, UnicodeDecodeError):      # not UTF-8, or a multipart body without its boundary
            return refuse(request, 400, "表单无法读取（编码或格式有误），请刷新页面后重试。")
        sent = str(form.get("_csrf") or request.headers.get("X-CSRF-Token") or "")
        if not hmac.compare_digest(sent.encode(), session.csrf.encode()):
            return refuse(request, 403, "表单已失效（缺少或错误的校验码），请刷新页面后重试。")
    try:
        return await handler(request)
    except (Invalid, EditError) as exc:
        return refuse(request, getattr(exc, "status", 400), str(exc))


def make_console(svc: Services, staff: StaffList, editor: KnowledgeEditor | None = None) -> web.Application:
    app = web.Application(middlewares=[guard], client_max_size=256 * 1024)
    env = aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                               undefined=jinja2.StrictUndefined)
    env.filters.update(pages.FILTERS)
    app[CONSOLE] = Console(svc, staff, SignInLinks(svc.settings.data_dir, svc.clock), Sessions(svc.clock),
                           BadLinkLimit(svc.clock),
                           editor or KnowledgeEditor(svc.kb, svc.store, svc.clock, svc.settings.data_dir),
                           svc.settings.console_url.startswith("https://"))
    app.router.add_static("/static/", HERE / "static")
    app.add_routes(pages.ROUTES)
    return app


def mount(http: web.Application, svc: Services, staff: StaffList, editor: KnowledgeEditor | None = None) -> None:
    """Serves the console at /console/ on `http`."""
    async def to_console(request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{PREFIX}/")
    http.router.add_get(PREFIX, to_console)
    http.add_subapp(PREFIX, make_console(svc, staff, editor))
