"""Sign-in through a one-time link, and sign-out."""
from __future__ import annotations

from aiohttp import web

from bot.web.base import COOKIE, PREFIX, SESSION, SESSION_TOKEN, actor_of, console_of, page, refuse

routes = web.RouteTableDef()
BAD_LINK = "登录链接无效、已使用过或已过期。请在聊天中重新发送 /console 获取新链接。"


def _checked(request: web.Request, actor: str | None) -> web.Response | None:
    """Only a bad link's confirmation counts against the limit: a chat app's preview of a spent link, or anyone
    opening links behind the same proxy, must not lock the staff out."""
    console = console_of(request)
    if actor is None:
        if request.method == "POST":
            console.limiter.miss(request.remote or "?")
        return refuse(request, 400, BAD_LINK)
    if not console.is_staff(actor):
        return refuse(request, 403, "该账号不在工作人员名单（BOT_STAFF）中。")
    return None


def _limited(request: web.Request) -> web.Response | None:
    if console_of(request).limiter.blocked(request.remote or "?"):
        return refuse(request, 429, "无效的登录链接尝试过多，请 10 分钟后再试。")
    return None


@routes.get("/login/{token}")
async def confirm(request: web.Request) -> web.Response:
    """Asks to confirm: opening the link (or a chat app's link preview) does not spend it; the button does."""
    actor = console_of(request).links.peek(request.match_info["token"])
    return _checked(request, actor) or page(request, "signin.html", actor=actor)


@routes.post("/login/{token}")
async def sign_in(request: web.Request) -> web.Response:
    if limited := _limited(request):
        return limited
    console = console_of(request)
    actor = console.links.redeem(request.match_info["token"])
    if refused := _checked(request, actor):
        return refused
    token, _ = console.sessions.open(actor)
    await console.svc.store.audit.record(actor, "console.signin", console.svc.clock.now())
    response = web.HTTPSeeOther(f"{PREFIX}/")
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=console.secure, path=PREFIX)
    raise response


@routes.post("/logout")
async def sign_out(request: web.Request) -> web.Response:
    console = console_of(request)
    console.sessions.close(request[SESSION_TOKEN])
    await console.svc.store.audit.record(actor_of(request), "console.signout", console.svc.clock.now())
    del request[SESSION]
    response = page(request, "message.html", message="已退出控制台。")
    response.del_cookie(COOKIE, path=PREFIX)
    return response
