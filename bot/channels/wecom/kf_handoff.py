"""微信客服 handoff: the session goes to a person with kf/service_state/trans, and the bot keeps quiet while
people have it.

WeCom's session states: 0 未处理 → 1 智能助手接待 (the API answered) → 2 待接入池 → 3 人工接待 → 4 已结束;
2 and 3 may be entered from 0 or 1, 3 from 2, and 4 allows no change by API. A handoff tries each configured
servicer (WECOM_KF_SERVICERS; WeCom refuses one not 正在接待 or not activated, e.g. 95014: any refusal
moves on), then the waiting pool. The trans answer's msg_code carries the message that tells the customer
(kf/send_msg_on_event). The bot serves the customer again when the session ends (session_status_change,
change_type 3), or when kf/service_state/get no longer says 2 or 3 (asked before keeping quiet, also when
they enter the chat anew).
"""
from __future__ import annotations

import logging

from bot.outbox import SendError
from bot.channels.wecom.api import WeComApi
from bot.channels.wecom.kf import KfOutbox
from bot.channels.wecom.state import WeComState
from bot.messages import Incoming

log = logging.getLogger(__name__)

POOL, PERSON = 2, 3        # service_state
TAKEN = {1, 2, 4}          # session_status_change change_type: from the pool, transferred, re-engaged → 3
CLOSED = 3                 # change_type: the session ended


class KfHandoff:
    def __init__(self, api: WeComApi, state: WeComState, outbox: KfOutbox, servicers: tuple[str, ...]):
        self._api, self._state, self._outbox, self._servicers = api, state, outbox, servicers

    async def transfer(self, msg: Incoming, on_duty: bool) -> str | None:
        """Hands the customer to a person: "servicer" (one took them), "pool" (waiting for one),
        "pool_fallback" (no servicer could take them: waiting), or None when WeCom refused even the pool."""
        refused = False
        for servicer in self._servicers if on_duty else ():
            try:
                await self._trans(msg.chat_id, PERSON, servicer)
                return "servicer"
            except SendError as exc:
                refused = True
                log.warning("kf servicer %s cannot take the session (%s); trying the next", servicer, exc.reason)
        try:
            await self._trans(msg.chat_id, POOL)
        except SendError as exc:
            log.warning("kf session not moved to the waiting pool: %s", exc.reason)
            return None
        return "pool_fallback" if refused else "pool"

    async def _trans(self, chat: str, service_state: int, servicer: str = "") -> None:
        open_kfid, _, user = chat.partition(":")
        body = {"open_kfid": open_kfid, "external_userid": user, "service_state": service_state}
        if servicer:
            body["servicer_userid"] = servicer
        data = await self._api.call("kf/service_state/trans", body)
        self._state.hand_to_people(chat, service_state)
        await self._state.save()
        if data.get("msg_code"):
            self._outbox.answer_with_code(chat, data["msg_code"])

    async def people_serve(self, chat: str) -> bool:
        """True while people have the session (the bot stays silent); asks WeCom before saying so."""
        if self._state.with_people(chat) is None:
            return False
        open_kfid, _, user = chat.partition(":")
        try:
            data = await self._api.call("kf/service_state/get", {"open_kfid": open_kfid, "external_userid": user})
        except SendError as exc:          # cannot tell: better silent than talking over a person
            log.warning("kf service_state/get failed (%s); staying silent", exc.reason)
            return True
        if data.get("service_state") in (POOL, PERSON):
            return True
        await self.back_to_bot(chat)
        return False

    async def status_changed(self, event: dict) -> None:
        """A session_status_change event from kf/sync_msg."""
        chat = f"{event.get('open_kfid', '')}:{event.get('external_userid', '')}"
        if event.get("change_type") == CLOSED:
            await self.back_to_bot(chat)
        elif event.get("change_type") in TAKEN:
            self._state.hand_to_people(chat, PERSON)
            await self._state.save()

    async def back_to_bot(self, chat: str) -> None:
        if self._state.with_people(chat) is not None:
            self._state.back_to_bot(chat)
            await self._state.save()
            log.info("kf session back with the bot")
