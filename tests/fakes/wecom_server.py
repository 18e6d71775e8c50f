"""A fake WeCom (企业微信) server API on 127.0.0.1 for tests and benches.

Endpoints: gettoken, message/send, kf/sync_msg, kf/send_msg, kf/send_msg_on_event, kf/service_state/get,
kf/service_state/trans, webhook/send.
It is strict where WeCom is: access tokens expire (42001) or are unknown (40014), text over 2048 bytes,
markdown over 4096 bytes and malformed msgmenus are refused, 微信客服 answers only within 48 hours of the
customer's last message and at most 5 times, a welcome_code (or a trans msg_code) works once. 微信客服 sessions
follow WeCom's states (0 未处理, 1 智能助手接待, 2 待接入池, 3 人工接待, 4 已结束) and only its allowed transitions
(95016 otherwise); a servicer must be listed in `servicers` (95014, WeCom's code for a servicer it cannot use)
and on duty (95018 here: the docs we checked name no code for that case, and the product treats any refusal alike). Like WeCom it silently DROPS app
messages beyond 30 a minute / 1000 an hour to one member (they land in `dropped`, not `sent`), and answers
45009 to a robot's 21st message within a minute. Pass `now` to share a test's fake clock.

    async with FakeWeCom(robot_keys=["k1"]) as wecom:
        ... WECOM_API_BASE_URL=wecom.base_url, WECOM_CORP_ID=wecom.corp_id, WECOM_SECRET=wecom.secret ...
        wecom.fail("message/send", errcode=42001)        # next message/send: token expired
        wecom.fail("kf/send_msg", status=502, times=3)   # three 502s
        wecom.gone.add("zhangsan")                       # user not found from now on
        wecom.hold("kf/send_msg")                        # sends recorded, never answered
        msgid = wecom.kf_customer_message("wkKF", "wmUSER", "你好")
        wecom.sent_to("kf/send_msg")                     # bodies the product sent, in order
        wecom.servicers["lisi"] = True                   # a servicer on duty (False: not on duty)
        wecom.kf_servicer_takes("wkKF", "wmUSER", "lisi")   # picks the customer up from the pool
        wecom.kf_end_session("wkKF", "wmUSER")           # the servicer ends the session
"""
from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Callable

from aiohttp import web

HOST = "127.0.0.1"
TEXT_LIMIT, MARKDOWN_LIMIT, MENU_HEAD_LIMIT, MENU_ITEM_LIMIT = 2048, 4096, 1024, 128
APP_LIMITS = ((30, 60), (1000, 3600))
ROBOT_LIMIT = (20, 60)
KF_WINDOW, KF_MESSAGES = 48 * 3600, 5
UNTOUCHED, BOT, POOL, PERSON, ENDED = range(5)          # 微信客服 service_state
KF_TRANSITIONS = {UNTOUCHED: {BOT, POOL, PERSON, ENDED}, BOT: {POOL, PERSON, ENDED}, POOL: {PERSON, ENDED},
                  PERSON: {PERSON, ENDED}, ENDED: set()}


@dataclass
class Fault:
    status: int = 200
    errcode: int = 0
    errmsg: str = "injected"


@dataclass
class Sent:
    path: str
    body: dict
    key: str = ""              # the robot key for webhook/send
    at: float = 0.0


@dataclass
class KfCustomer:
    last_message: float = 0.0
    answered: int = 0
    state: int = ENDED
    servicer: str = ""


@dataclass
class FakeWeCom:
    corp_id: str = "wwfakecorp0001"
    secret: str = "fake-app-secret"
    robot_keys: list[str] = field(default_factory=list)
    open_kfids: list[str] = field(default_factory=lambda: ["wkFakeKf0001"])
    now: Callable[[], float] = time.time
    token_ttl: int = 7200
    kf_page: int = 1000               # sync_msg page size (small values exercise has_more)

    def __post_init__(self):
        self.base_url = ""
        self.sent: list[Sent] = []
        self.dropped: list[Sent] = []             # app messages WeCom would silently discard
        self.requests: list[tuple[str, dict]] = []   # every API request: (path, query or body)
        self.token_requests = 0
        self.gone: set[str] = set()               # userids / external_userids that no longer exist
        self._tokens: dict[str, float] = {}       # token → expiry
        self._faults: dict[str, deque[Fault]] = defaultdict(deque)
        self._kf: dict[str, list[dict]] = {k: [] for k in self.open_kfids}  # message log; cursor = index
        self._customers: dict[str, KfCustomer] = defaultdict(KfCustomer)
        self._welcome_codes: set[str] = set()      # welcome_codes and trans msg_codes, each usable once
        self.servicers: dict[str, bool] = {}        # servicer userid → on duty (正在接待)
        self._app_sends: dict[str, list[float]] = defaultdict(list)
        self._robot_sends: dict[str, list[float]] = defaultdict(list)
        self._ids = itertools.count(1)
        self._held: set[str] = set()
        self._released = asyncio.Event()          # set at stop: held requests end
        self._runner: web.AppRunner | None = None

    # ---- lifecycle -------------------------------------------------------------------------------------
    async def start(self) -> "FakeWeCom":
        app = web.Application()
        app.router.add_get("/cgi-bin/gettoken", self._gettoken)
        for path, handler in (("message/send", self._message_send), ("kf/sync_msg", self._sync_msg),
                              ("kf/send_msg", self._kf_send), ("kf/send_msg_on_event", self._kf_on_event),
                              ("kf/service_state/get", self._state_get), ("kf/service_state/trans", self._trans),
                              ("webhook/send", self._webhook)):
            app.router.add_post(f"/cgi-bin/{path}", self._endpoint(path, handler))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, HOST, 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.base_url = f"http://{HOST}:{port}"
        return self

    async def stop(self) -> None:
        self._released.set()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> "FakeWeCom":
        return await self.start()

    async def __aexit__(self, *exc) -> None:
        await self.stop()

    # ---- test controls ---------------------------------------------------------------------------------
    def fail(self, path: str, *, errcode: int = 0, status: int = 200, times: int = 1,
             errmsg: str = "injected") -> None:
        """The next `times` requests to `path` ("gettoken", "message/send", …) get this errcode or status."""
        self._faults[path].extend(Fault(status, errcode, errmsg) for _ in range(times))

    def hold(self, path: str) -> None:
        """Requests to `path` still take effect (a send is recorded) but are never answered, as if the product
        died the moment WeCom accepted them."""
        self._held.add(path)

    def expire_tokens(self) -> None:
        """Every issued access token expires now (the next use gets 42001)."""
        self._tokens = dict.fromkeys(self._tokens, self.now() - 1)

    def sent_to(self, path: str, key: str | None = None) -> list[dict]:
        return [s.body for s in self.sent if s.path == path and (key is None or s.key == key)]

    def kf_customer_message(self, open_kfid: str, external_userid: str, text: str = "", *,
                            menu_id: str = "", send_time: float | None = None, msgtype: str = "text") -> str:
        """A customer writes to the 微信客服 account; returns its msgid (the callback is the test's job)."""
        at = self.now() if send_time is None else send_time
        msg = self._kf_message(open_kfid, external_userid, msgtype, at, origin=3)
        if msgtype == "text":
            msg["text"] = {"content": text, **({"menu_id": menu_id} if menu_id else {})}
        customer = self._customers[f"{open_kfid}:{external_userid}"]
        customer.last_message, customer.answered = at, 0
        if customer.state == ENDED:
            customer.state, customer.servicer = UNTOUCHED, ""
        return msg["msgid"]

    def kf_state(self, open_kfid: str, external_userid: str) -> int:
        return self._customers[f"{open_kfid}:{external_userid}"].state

    def kf_servicer_takes(self, open_kfid: str, external_userid: str, servicer: str) -> None:
        """A servicer picks the customer up from the waiting pool (session_status_change, change_type 1)."""
        self._status_change(open_kfid, external_userid, PERSON, 1, servicer)

    def kf_end_session(self, open_kfid: str, external_userid: str) -> None:
        """The servicer ends the session (change_type 3)."""
        self._status_change(open_kfid, external_userid, ENDED, 3, "")

    def _status_change(self, open_kfid: str, external_userid: str, state: int, change_type: int,
                       servicer: str) -> None:
        customer = self._customers[f"{open_kfid}:{external_userid}"]
        old, customer.state, customer.servicer = customer.servicer, state, servicer
        msg = self._kf_message(open_kfid, external_userid, "event", self.now(), origin=4)
        msg["event"] = {"event_type": "session_status_change", "open_kfid": open_kfid,
                        "external_userid": external_userid, "change_type": change_type,
                        "old_servicer_userid": old, "new_servicer_userid": servicer}

    def kf_enter_session(self, open_kfid: str, external_userid: str) -> str:
        """A customer opens the chat; returns the one-time welcome_code."""
        code = f"welcome{next(self._ids)}"
        self._welcome_codes.add(code)
        msg = self._kf_message(open_kfid, external_userid, "event", self.now(), origin=4)
        msg["event"] = {"event_type": "enter_session", "open_kfid": open_kfid,
                        "external_userid": external_userid, "scene": "", "welcome_code": code}
        return code

    def _kf_message(self, open_kfid: str, external_userid: str, msgtype: str, at: float, origin: int) -> dict:
        if open_kfid not in self._kf:
            raise ValueError(f"{open_kfid} is not one of open_kfids")
        msg = {"msgid": f"msg{next(self._ids)}", "open_kfid": open_kfid, "external_userid": external_userid,
               "send_time": int(at), "origin": origin, "msgtype": msgtype}
        self._kf[open_kfid].append(msg)
        return msg

    # ---- request handling --------------------------------------------------------------------------------
    @staticmethod
    def _err(errcode: int, errmsg: str, **extra) -> web.Response:
        return web.json_response({"errcode": errcode, "errmsg": errmsg, **extra})

    def _fault(self, path: str) -> web.Response | None:
        if not self._faults[path]:
            return None
        fault = self._faults[path].popleft()
        if fault.status != 200:
            return web.Response(status=fault.status, text="injected failure")
        return self._err(fault.errcode, fault.errmsg)

    async def _gettoken(self, request: web.Request) -> web.Response:
        self.requests.append(("gettoken", dict(request.query)))
        if (fault := self._fault("gettoken")) is not None:
            return fault
        if request.query.get("corpid") != self.corp_id:
            return self._err(40013, "invalid corpid")
        if request.query.get("corpsecret") != self.secret:
            return self._err(40001, "invalid credential")
        self.token_requests += 1
        token = f"token{next(self._ids)}"
        self._tokens[token] = self.now() + self.token_ttl
        return web.json_response({"errcode": 0, "errmsg": "ok", "access_token": token,
                                  "expires_in": self.token_ttl})

    def _endpoint(self, path: str, handler):
        async def endpoint(request: web.Request) -> web.Response:
            try:
                body = json.loads(await request.read())
            except ValueError:
                return self._err(47001, "data format error")
            self.requests.append((path, body))
            if (fault := self._fault(path)) is not None:
                return fault
            if path == "webhook/send":
                return await handler(request.query.get("key", ""), body)
            token = request.query.get("access_token")
            if not token:
                return self._err(41001, "access_token missing")
            if token not in self._tokens:
                return self._err(40014, "invalid access_token")
            if self._tokens[token] <= self.now():
                return self._err(42001, "access_token expired")
            response = await handler(body)
            if path in self._held:
                await self._released.wait()
            return response
        return endpoint

    @staticmethod
    def _size_error(body: dict) -> web.Response | None:
        kind = body.get("msgtype")
        if kind not in body or not isinstance(body[kind], dict):
            return FakeWeCom._err(40008, "invalid message type")
        if kind in ("text", "markdown"):
            content = body[kind].get("content", "")
            if not content:
                return FakeWeCom._err(44004, "empty content")
            if len(content.encode()) > (TEXT_LIMIT if kind == "text" else MARKDOWN_LIMIT):
                return FakeWeCom._err(45002, "content size out of limit")
        if kind == "msgmenu":
            menu = body["msgmenu"]
            items = menu.get("list", [])
            if len(menu.get("head_content", "").encode()) > MENU_HEAD_LIMIT or \
                    len(menu.get("tail_content", "").encode()) > MENU_HEAD_LIMIT or not 0 < len(items) <= 10:
                return FakeWeCom._err(40058, "invalid msgmenu")
            for item in items:
                click = item.get("click", {}) if item.get("type") == "click" else {}
                if not (0 < len(click.get("id", "").encode()) <= MENU_ITEM_LIMIT
                        and 0 < len(click.get("content", "").encode()) <= MENU_ITEM_LIMIT):
                    return FakeWeCom._err(40058, "invalid msgmenu item")
        return None

    @staticmethod
    def _within(times: list[float], now: float, count: int, seconds: float) -> bool:
        return sum(1 for t in times if t > now - seconds) < count

    async def _message_send(self, body: dict) -> web.Response:
        if body.get("agentid") is None or not body.get("touser"):
            return self._err(40056, "invalid agentid or touser")
        if (error := self._size_error(body)) is not None:
            return error
        user, now = body["touser"], self.now()
        if user in self.gone:
            return self._err(81013, "user & party & tag all invalid", invaliduser=user)
        record = Sent("message/send", body, at=now)
        sends = self._app_sends[user]
        if all(self._within(sends, now, count, seconds) for count, seconds in APP_LIMITS):
            sends.append(now)
            self.sent.append(record)
        else:
            self.dropped.append(record)             # WeCom: "超过部分会被丢弃不下发"
        return web.json_response({"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": f"m{len(self.sent)}"})

    async def _sync_msg(self, body: dict) -> web.Response:
        log = self._kf.get(body.get("open_kfid", ""))
        if log is None:
            return self._err(95000, "invalid open_kfid")
        cursor = body.get("cursor") or "0"
        if not cursor.isdigit():
            return self._err(95006, "invalid cursor")
        start, limit = int(cursor), min(int(body.get("limit") or 1000), 1000, self.kf_page)
        end = min(start + limit, len(log))
        return web.json_response({"errcode": 0, "errmsg": "ok", "next_cursor": str(end),
                                  "has_more": int(end < len(log)), "msg_list": log[start:end]})

    async def _kf_send(self, body: dict) -> web.Response:
        user, kfid = body.get("touser", ""), body.get("open_kfid", "")
        if kfid not in self._kf:
            return self._err(95000, "invalid open_kfid")
        if user in self.gone:
            return self._err(40096, "invalid external userid")
        if (error := self._size_error(body)) is not None:
            return error
        customer = self._customers.get(f"{kfid}:{user}")
        if customer is None or self.now() - customer.last_message > KF_WINDOW:
            return self._err(95002, "send msg time limit exceed")
        if customer.answered >= KF_MESSAGES:
            return self._err(95001, "send msg count limit exceed")
        customer.answered += 1
        if customer.state == UNTOUCHED:
            customer.state = BOT                    # answered through the API: 智能助手接待
        self.sent.append(Sent("kf/send_msg", body, at=self.now()))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"kf{len(self.sent)}"})

    async def _kf_on_event(self, body: dict) -> web.Response:
        if body.get("code") not in self._welcome_codes:
            return self._err(95007, "invalid or used welcome code")
        if (error := self._size_error(body)) is not None:
            return error
        self._welcome_codes.discard(body["code"])
        self.sent.append(Sent("kf/send_msg_on_event", body, at=self.now()))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": f"kf{len(self.sent)}"})

    async def _state_get(self, body: dict) -> web.Response:
        if body.get("open_kfid") not in self._kf:
            return self._err(95000, "invalid open_kfid")
        customer = self._customers.get(f"{body['open_kfid']}:{body.get('external_userid', '')}", KfCustomer())
        return web.json_response({"errcode": 0, "errmsg": "ok", "service_state": customer.state,
                                  "servicer_userid": customer.servicer if customer.state == PERSON else ""})

    async def _trans(self, body: dict) -> web.Response:
        key = f"{body.get('open_kfid', '')}:{body.get('external_userid', '')}"
        if body.get("open_kfid") not in self._kf:
            return self._err(95000, "invalid open_kfid")
        customer, wanted = self._customers.get(key), body.get("service_state")
        if customer is None or wanted not in KF_TRANSITIONS.get(customer.state, set()):
            return self._err(95016, "invalid service state transition")
        servicer = body.get("servicer_userid", "")
        if wanted == PERSON:
            if servicer not in self.servicers:
                return self._err(95014, "servicer is not a servicer of this account")
            if not self.servicers[servicer]:
                return self._err(95018, "servicer is not on duty")
        customer.state, customer.servicer = wanted, servicer if wanted == PERSON else ""
        code = f"msgcode{next(self._ids)}"
        self._welcome_codes.add(code)
        return web.json_response({"errcode": 0, "errmsg": "ok", "msg_code": code})

    async def _webhook(self, key: str, body: dict) -> web.Response:
        if key not in self.robot_keys:
            return self._err(93000, "invalid webhook url")
        if (error := self._size_error(body)) is not None:
            return error
        now, sends = self.now(), self._robot_sends[key]
        if not self._within(sends, now, *ROBOT_LIMIT):
            return self._err(45009, "api freq out of limit")
        sends.append(now)
        self.sent.append(Sent("webhook/send", body, key=key, at=now))
        return self._err(0, "ok")
