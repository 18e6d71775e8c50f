"""The product as its own process (`python main.py`, serving on 127.0.0.1), for tests and benches that time it
or kill it."""
from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Callable

import aiohttp

ROOT = Path(__file__).resolve().parent.parent.parent


def wecom_env(data_dir, *, corp_id: str, token: str, aes_key: str, api_base_url: str, secret: str = "secret",
              kf_open_kfids: str = "") -> dict:
    """Settings for a product serving the WeCom app (and 微信客服 when given) and nothing else."""
    return {"BOT_DATA_DIR": str(data_dir), "BOT_STAFF": "", "TELEGRAM_BOT_TOKEN": "", "WECOM_ROBOT_KEYS": "",
            "WECOM_CORP_ID": corp_id, "WECOM_SECRET": secret, "WECOM_AGENT_ID": "1000002", "WECOM_TOKEN": token,
            "WECOM_AES_KEY": aes_key, "WECOM_KF_OPEN_KFIDS": kf_open_kfids, "WECOM_API_BASE_URL": api_base_url}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def run_product(env: dict, port: int | None = None) -> asyncio.subprocess.Process:
    """main.py with `env` on top of this process's environment; stderr is piped (its log)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "main.py", cwd=ROOT, env={**os.environ, **env, "BOT_HTTP_HOST": "127.0.0.1",
                                                  "BOT_HTTP_PORT": str(port or free_port())},
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)


async def wait_healthy(url: str, exited: Callable[[], int | None], timeout: float = 60) -> None:
    """Until GET `url` answers 200; `exited` returns the process's exit status once it has stopped."""
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if (code := exited()) is not None:
                raise RuntimeError(f"the product exited with {code}")
            try:
                async with session.get(url) as resp:
                    if resp.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError("the product did not become healthy")


class ProductProcess:
    """main.py on a fixed port (so its URLs stay the same across restarts)."""

    def __init__(self, env: dict):
        self.env, self.port = env, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.url = f"{self.base}/wecom/callback"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.proc = await run_product(self.env, self.port)
        await wait_healthy(f"{self.base}/healthz", lambda: self.proc.returncode)

    async def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        await self.proc.wait()
        assert self.proc.returncode == -signal.SIGKILL

    async def log(self) -> str:
        """Stops the process (SIGTERM) and returns what it logged."""
        self.proc.send_signal(signal.SIGTERM)
        _, err = await self.proc.communicate()
        return err.decode()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()
