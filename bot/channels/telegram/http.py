"""python-telegram-bot's HTTP transport on aiohttp instead of httpx.

PTB lets any asyncio HTTP library carry its Bot API calls (telegram.request.BaseRequest). A sendMessage costs
less CPU through aiohttp than through httpx (httpcore, anyio, h11), and aiohttp already serves the product's
webhooks (bench/bench_broadcast.py measures the difference). Parameters go as one JSON body, which the Bot API
accepts beside forms: json.dumps encodes Chinese text in C, a form percent-encodes it byte by byte in Python.
"""
from __future__ import annotations

import asyncio
import json

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


JSON = {"Content-Type": "application/json"}


class AiohttpRequest(BaseRequest):
    """At most `connections` requests at once, each waiting at most `pool_timeout` s for a connection. aiohttp
    has no write timeout: the Bot API requests sent here are small JSON bodies, written at once."""

    def __init__(self, connections: int, *, read_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0):
        self.connections = connections
        self._read_timeout, self.connect_timeout, self.pool_timeout = read_timeout, connect_timeout, pool_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self.connections), cookie_jar=aiohttp.DummyCookieJar(),
                headers={"User-Agent": self.USER_AGENT})

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout=BaseRequest.DEFAULT_NONE, write_timeout=BaseRequest.DEFAULT_NONE,
                         connect_timeout=BaseRequest.DEFAULT_NONE,
                         pool_timeout=BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        if request_data is not None and request_data.multipart_data:
            raise NotImplementedError("AiohttpRequest uploads no files: send them by URL or file_id")
        read, connect, pool = (self._read_timeout if read_timeout is self.DEFAULT_NONE else read_timeout,
                               self.connect_timeout if connect_timeout is self.DEFAULT_NONE else connect_timeout,
                               self.pool_timeout if pool_timeout is self.DEFAULT_NONE else pool_timeout)
        # aiohttp's `connect` covers the wait for a free connection and the connection's set-up
        timeout = aiohttp.ClientTimeout(connect=None if pool is None or connect is None else pool + connect,
                                        sock_connect=connect, sock_read=read)
        body = json.dumps(request_data.parameters, ensure_ascii=False).encode() if request_data else None
        try:
            async with self._session.request(method, url, timeout=timeout, data=body,
                                             headers=JSON if body is not None else None) as resp:
                return resp.status, await resp.read()
        except asyncio.TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:     # the URL holds the bot token: keep it out of the message
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {str(exc).replace(url, '<Bot API URL>')}") from exc
