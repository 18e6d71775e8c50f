"""WeCom server API client: the cached access token and one `call` with WeCom's retry rules.

- `gettoken` result is cached until EXPIRY_MARGIN before it expires; concurrent callers share one refresh.
- errcode 40014 (invalid token) / 42001 (expired): drop the token, refresh, retry once.
- errcode -1 (system busy), HTTP 5xx, network errors and timeouts: bounded retries with backoff.
- anything else non-zero: ApiError (a SendError carrying the errcode), so outboxes can map it.
URLs carry the access token or a robot key, so they are never logged.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Awaitable, Callable

import aiohttp

from bot.outbox import SendError

log = logging.getLogger(__name__)

TOKEN_ERRORS = {40014, 42001}          # invalid / expired access_token
RATE_LIMITED = {45009, 45033}          # API frequency / concurrency limit: wait a minute
EXPIRY_MARGIN = 300                    # refresh this many seconds before the token expires


class ApiError(SendError):
    def __init__(self, path: str, errcode: int, errmsg: str):
        limited = errcode in RATE_LIMITED
        super().__init__(f"{path}: errcode {errcode} {errmsg[:120]}", permanent=not limited,
                         retry_after=60.0 if limited else None)
        self.errcode = errcode


class WeComApi:
    def __init__(self, base_url: str, corp_id: str = "", secret: str = "", *,
                 now: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 attempts: int = 3, backoff: float = 0.5, timeout: float = 10.0):
        self.base_url = base_url.rstrip("/")
        self._corp_id, self._secret = corp_id, secret
        self._now, self._sleep = now, sleep
        self._attempts, self._backoff, self._timeout = attempts, backoff, timeout
        self._session: aiohttp.ClientSession | None = None
        self._token: str | None = None
        self._expires = 0.0
        self._refresh = asyncio.Lock()

    async def start(self) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self._timeout))

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def token(self) -> str:
        if self._token and self._now() < self._expires:
            return self._token
        async with self._refresh:
            if self._token and self._now() < self._expires:        # another caller refreshed meanwhile
                return self._token
            if not (self._corp_id and self._secret):
                raise SendError("WECOM_CORP_ID/WECOM_SECRET are not set", permanent=True)
            data = await self._request("GET", "gettoken", {"corpid": self._corp_id, "corpsecret": self._secret})
            if not data.get("access_token"):
                raise SendError("gettoken: answer has no access_token")
            self._token = data["access_token"]
            self._expires = self._now() + max(int(data.get("expires_in", 7200)) - EXPIRY_MARGIN, 60)
            log.info("wecom access token refreshed")
            return self._token

    async def call(self, path: str, body: dict, *, query: dict[str, str] | None = None,
                   auth: bool = True) -> dict:
        """POST `body` as JSON to /cgi-bin/<path>; returns the decoded answer (errcode 0)."""
        if not auth:
            return await self._request("POST", path, query or {}, body)
        token = await self.token()
        try:
            return await self._request("POST", path, {**(query or {}), "access_token": token}, body)
        except ApiError as exc:
            if exc.errcode not in TOKEN_ERRORS:
                raise
            log.info("wecom token rejected (errcode %s); refreshing once", exc.errcode)
            if self._token == token:                 # not yet replaced by a concurrent caller
                self._token = None
        return await self._request("POST", path, {**(query or {}), "access_token": await self.token()}, body)

    async def _request(self, method: str, path: str, query: dict[str, str], body: dict | None = None) -> dict:
        if self._session is None:
            raise SendError("WeCom API client is not started")
        url = f"{self.base_url}/cgi-bin/{path}"
        reason = ""
        for attempt in range(self._attempts):
            if attempt:
                await self._sleep(self._backoff * 2 ** (attempt - 1))
            try:
                async with self._session.request(method, url, params=query,
                                                 json=body if method == "POST" else None) as resp:
                    if resp.status >= 500:
                        reason = f"{path}: HTTP {resp.status}"
                        continue
                    if resp.status >= 400:
                        raise SendError(f"{path}: HTTP {resp.status}", permanent=True)
                    data = await resp.json(content_type=None)
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                reason = f"{path}: {type(exc).__name__}"
                continue
            errcode = data.get("errcode", 0) if isinstance(data, dict) else None
            if errcode == 0:
                return data
            if errcode == -1:
                reason = f"{path}: errcode -1 (system busy)"
                continue
            if not isinstance(errcode, int):
                raise SendError(f"{path}: answer has no numeric errcode")
            raise ApiError(path, errcode, str(data.get("errmsg", "")))
        log.warning("wecom API gave up after %d attempts: %s", self._attempts, reason)
        raise SendError(reason)
