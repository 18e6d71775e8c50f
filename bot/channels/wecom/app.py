"""The self-built app (自建应用): decrypted callback fields → Incoming, and the app's active-sending Outbox."""
from __future__ import annotations

from bot.outbox import RecipientGone, SendError
from bot.channels.pacing import Pacer, turn_of
from bot.channels.wecom.api import ApiError, WeComApi
from bot.channels.wecom.render import app_texts
from bot.choices import Choices
from bot.config import Settings
from bot.messages import Incoming, Reply

PLATFORM = "wecom"
PER_MEMBER = ((30, 60.0), (1000, 3600.0))     # app → one member: 30 a minute, 1000 an hour
GONE = {60111, 81013}                          # userid not found; every recipient invalid


def dedup_key(fields: dict[str, str]) -> str:
    """MsgId for messages; events have none, so sender + time + event (what WeCom advises)."""
    if fields.get("MsgId"):
        return f"app:{fields['MsgId']}"
    return "app:" + ":".join(fields.get(k, "") for k in ("FromUserName", "CreateTime", "Event", "EventKey"))


def to_incoming(fields: dict[str, str], settings: Settings, choices: Choices) -> Incoming | None:
    """None for what needs no answer (e.g. entering the app, location reports)."""
    user = fields.get("FromUserName", "")
    if not user:
        return None
    kind, text, payload = fields.get("MsgType", ""), "", None
    if kind == "text":
        text = fields.get("Content", "")
        payload = choices.resolve(f"{PLATFORM}:{user}", text)
    elif kind == "event":
        event = fields.get("Event", "").lower()
        if event == "subscribe":
            text = "/start"
        elif event == "click" and fields.get("EventKey"):
            payload = fields["EventKey"]            # custom menu keys, e.g. "/faq"
        else:
            return None
    return Incoming(PLATFORM, user, user, text="" if payload else text, payload=payload,
                    is_staff=settings.is_staff(PLATFORM, user))


class AppOutbox:
    platform = PLATFORM

    def __init__(self, api: WeComApi, agent_id: str, pacer: Pacer | None, choices: Choices):
        """`pacer=None` switches pacing off (BOT_PACING=off)."""
        self._api, self._pacer, self._choices = api, pacer, choices
        self._agent_id = int(agent_id) if agent_id.isdigit() else None

    def render(self, chat_id: str, reply: Reply) -> list[str]:
        """Text pieces; remembers the buttons so the member can answer with a number."""
        self._choices.remember(f"{PLATFORM}:{chat_id}", reply.buttons)
        return app_texts(reply)

    async def send(self, chat_id: str, reply: Reply) -> None:
        await self.send_texts(chat_id, self.render(chat_id, reply))

    async def send_texts(self, chat_id: str, texts: list[str]) -> None:
        if self._agent_id is None:
            raise SendError("WECOM_AGENT_ID is not set (or not a number): cannot send actively", permanent=True)
        for text in texts:
            body = {"touser": chat_id, "msgtype": "text", "agentid": self._agent_id, "text": {"content": text}}
            try:
                async with turn_of(self._pacer, chat_id):
                    data = await self._api.call("message/send", body)
            except ApiError as exc:
                if exc.errcode in GONE:
                    raise RecipientGone(exc.reason) from None
                raise
            if chat_id in data.get("invaliduser", "").split("|"):
                raise RecipientGone("message/send: invaliduser")
