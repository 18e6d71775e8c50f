"""WeCom's side of the callback protocol, played by an independent implementation (wechatpy), plus a
fake time source for rate limits that span minutes or hours.

    side = CallbackSender(token, aes_key, corp_id)
    params, body = side.seal(side.text("zhangsan", "你好", msg_id="1"), timestamp="1764000000")
    resp = await client.post("/wecom/callback", params=params, data=body)
    reply = side.open_reply(await resp.text())         # {"MsgType": "text", "Content": ..., ...}
"""
from __future__ import annotations

import asyncio
import base64
import os

import xmltodict
from wechatpy.crypto import _get_signature
from wechatpy.enterprise.crypto import PrpCrypto, WeChatCrypto


def new_aes_key() -> str:
    return base64.b64encode(os.urandom(32)).decode().rstrip("=")


def cdata(fields: dict) -> str:
    return "<xml>" + "".join(
        f"<{k}>{v}</{k}>" if isinstance(v, int) else f"<{k}><![CDATA[{v}]]></{k}>" for k, v in fields.items()
    ) + "</xml>"


class CallbackSender:
    def __init__(self, token: str, aes_key: str, corp_id: str, agent_id: str = "1000002"):
        self.token, self.aes_key, self.corp_id, self.agent_id = token, aes_key, corp_id, agent_id
        self._crypto = WeChatCrypto(token, aes_key, corp_id)

    # ---- plaintext callbacks, as WeCom sends them ----
    def text(self, user: str, content: str, msg_id: str, create_time: int = 1764000000) -> str:
        return cdata({"ToUserName": self.corp_id, "FromUserName": user, "CreateTime": create_time,
                      "MsgType": "text", "Content": content, "MsgId": msg_id, "AgentID": int(self.agent_id)})

    def event(self, user: str, event: str, event_key: str = "", create_time: int = 1764000000) -> str:
        return cdata({"ToUserName": self.corp_id, "FromUserName": user, "CreateTime": create_time,
                      "MsgType": "event", "Event": event, "EventKey": event_key, "AgentID": int(self.agent_id)})

    def kf_event(self, open_kfid: str, token: str, create_time: int = 1764000000) -> str:
        return cdata({"ToUserName": self.corp_id, "CreateTime": create_time, "MsgType": "event",
                      "Event": "kf_msg_or_event", "Token": token, "OpenKfId": open_kfid})

    # ---- the encrypted envelope ----
    def seal(self, inner_xml: str, timestamp: str, nonce: str = "n0nce") -> tuple[dict, bytes]:
        """Query parameters and body of the POST WeCom would make for `inner_xml`."""
        sealed = xmltodict.parse(self._crypto.encrypt_message(inner_xml, nonce, timestamp))["xml"]
        body = cdata({"ToUserName": self.corp_id, "AgentID": self.agent_id, "Encrypt": sealed["Encrypt"]})
        return {"msg_signature": sealed["MsgSignature"], "timestamp": timestamp, "nonce": nonce}, body.encode()

    def encrypt(self, plaintext: str) -> str:
        return PrpCrypto(self._crypto.key).encrypt(plaintext, self.corp_id).decode()

    def signed(self, encrypt: str, timestamp: str, nonce: str = "n0nce") -> dict:
        return {"msg_signature": _get_signature(self.token, timestamp, nonce, encrypt),
                "timestamp": timestamp, "nonce": nonce}

    def verify_params(self, echo: str, timestamp: str) -> dict:
        """GET URL-verification parameters for the plaintext `echo`."""
        encrypt = self.encrypt(echo)
        return {**self.signed(encrypt, timestamp), "echostr": encrypt}

    def open_reply(self, body: str) -> dict:
        """Checks the signature of a passive reply and decrypts it."""
        envelope = xmltodict.parse(body)["xml"]
        plain = self._crypto.decrypt_message(body, envelope["MsgSignature"], envelope["TimeStamp"],
                                             envelope["Nonce"])
        return xmltodict.parse(plain)["xml"]


class FakeTime:
    """Epoch seconds that move only when someone sleeps (or the test advances them)."""

    def __init__(self, start: float):
        self.t, self.slept = start, []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds
        await asyncio.sleep(0)
