"""A person behind the bot: asking for one (转人工), the ticket that carries the conversation to the staff
on duty, and the staff commands that answer and close it.

A platform that hands conversations to people itself (微信客服) registers in `svc.live_handoff`; every other
one gets a ticket (bot/tickets.py). What users and staff write is stored and passed on exactly as typed.
"""
from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from bot import inputs
from bot.alliance.audience import PLATFORMS
from bot.alliance.events import when_text
from bot.history import Exchange
from bot.inputs import letters_only
from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from bot.store import Profile, Ticket, TicketEntry
from bot.tickets import ENDED, left_unanswered
from faq.schema import one_of
from handlers.menu import ends_step, menu_buttons

log = logging.getLogger(__name__)

BUTTON = Button("转人工", "/handoff")
BUTTON_EN = Button("Talk to a person (转人工)", "/handoff")
CONTACTS = (Button("联系方式", "/contacts"), Button("Contacts", "/contacts"))
# The way to a person, as every reply words it: the handoff where someone can receive it, else the committee
# itself (nobody would read a request: none is offered, none is promised).
WAY = {True: ("点“转人工”请管委会工作人员回复（也可输入 /handoff）",
              "tap “Talk to a person” to ask the committee's staff (or send /handoff)"),
       False: ("直接联系小镇管委会（见“联系方式”）",
               "contact the Town Management Committee (小镇管委会) directly (see “Contacts”)")}
REACH_NOW = {True: ("现在找人：点“转人工”或输入 /handoff，管委会工作人员会在这里回复您。",
                    "To reach a person now: tap “Talk to a person” or send /handoff; committee staff will answer "
                    "you here."),
             False: ("这里没有接通人工服务，不能转接工作人员或代为留言，请按下面的联系方式直接联系。",
                     "No staff are connected to this assistant, so it cannot put you through or take a message; "
                     "contact them directly as below.")}
UNAVAILABLE = ("抱歉，这里没有接通人工服务：没有工作人员能收到转接或留言，所以我不能替您转接，也不替您留言。"
               "找人请直接联系小镇管委会（“联系方式”里有管委会的联系卡片）。",
               "Sorry, no staff are connected to this assistant: nobody could receive a request or a message, so I "
               "cannot put you through or take one. To reach a person, contact the Town Management Committee "
               "(小镇管委会) directly (see “Contacts”).")
STAFF_MARK = "【管委会工作人员回复】"
LIVE = {   # a platform that hands the chat itself: the person answers right there
    "servicer": ("已为您转接管委会工作人员，请稍候，工作人员会在这里直接回复您。",
                 "You are being put through to the committee's staff; please wait, they will answer you right here."),
    "pool": ("已为您转入人工排队，工作人员接入后会在这里直接回复您。",
             "You are in the queue for a person; staff will answer you right here once they pick up."),
    "pool_fallback": ("值班的工作人员暂时都不能接待，已为您转入人工排队，工作人员接入后会在这里直接回复您。",
                      "No one on duty can take the chat just now; you are in the queue, and staff will answer you "
                      "right here once they pick up."),
}
STAFF_ONLY = "抱歉，只有小镇管委会工作人员可以回复或结束工单。"
SHOWN_EXCHANGES = 3      # of the user's last exchanges, in the staff notice
ANSWER_CHARS = 60        # the bot's earlier answers are shortened in the notice; what the user wrote is not

# Whole requests ("我要找人工客服", "人工！") and sentences asking to talk to, hear from or leave a message for a person
# ("我要找你们工作人员聊一下入驻的事", "给管委会留言：…", "我要投诉"); "人工智能" and questions about a number
# ("客服电话是多少": the documents publish none, and the contact answer says so) are not requests.
_WORDS = phrases().handoff
_ZH = re.compile(rf"^(?:{'|'.join(_WORDS.lead)})*(?:(?:{'|'.join(_WORDS.verbs)})?(?:{'|'.join(_WORDS.persons)})"
                 rf"|(?:给(?:管委会|工作人员|你们))?留言)(?:{'|'.join(_WORDS.tails)})*$")
_ZH_SENTENCE = one_of(_WORDS.sentences)
_CALL_ME = one_of(_WORDS.call_me)
_NUMBER_ASKED = one_of(_WORDS.number_asked)
_EN = one_of(_WORDS.requests_en)
_EN_SENTENCE = one_of(_WORDS.sentences_en)


@lru_cache(maxsize=4096)          # every free text is asked this first; the same texts come again
def asks_for_person(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).lower().strip()
    english = " ".join(re.sub(r"[^\w' ]+", " ", folded).split())
    if _ZH.match(letters_only(folded)) or _EN.match(english) or _CALL_ME.search(folded):
        return True
    return not _NUMBER_ASKED.search(folded) and bool(_ZH_SENTENCE.search(folded) or _EN_SENTENCE.search(english))


def button(msg: Incoming) -> Button:
    return BUTTON_EN if msg.english else BUTTON


def reachable(svc: Services, msg: Incoming) -> bool:
    return svc.person_reachable(msg.platform)


def offer(svc: Services, msg: Incoming) -> list[Button]:
    """The handoff button where someone can receive it, else the contacts."""
    return [button(msg)] if reachable(svc, msg) else [CONTACTS[msg.english]]


def way(svc: Services, msg: Incoming) -> str:
    """"点“转人工”请管委会工作人员回复…" where someone can receive it, else "直接联系小镇管委会…"."""
    return msg.say(*WAY[reachable(svc, msg)])


def reach_now(svc: Services, msg: Incoming) -> str:
    return msg.say(*REACH_NOW[reachable(svc, msg)])


async def unanswered(svc: Services, msg: Incoming, reply: Reply) -> Reply:
    """A reply that does not answer what was asked: logged for staff to turn into an entry, with the way to a
    person."""
    await svc.store.unanswered.log(msg, svc.clock.now())
    return with_offer(svc, msg, reply)


def with_offer(svc: Services, msg: Incoming, reply: Reply) -> Reply:
    """A reply the bot could not answer well: the handoff button, and after two such replies in a row the
    offer of a person first."""
    recent = svc.history.recent(msg.user_key)
    if not reachable(svc, msg):
        reply.buttons = [*reply.buttons, *offer(svc, msg)]
    elif recent and recent[-1].intent == "fallback":
        reply.text = msg.say("连续两个问题资料里都没有完整的答案，抱歉。要不要请管委会工作人员帮您？点“转人工”，"
                             "刚才的问题会一并转给他们。\n\n",
                             "Sorry, that is twice in a row the documents did not fully answer. Shall the committee's staff help you? "
                             "Tap “Talk to a person”; your last questions go with it.\n\n") + reply.text
        reply.buttons = [button(msg), *reply.buttons]
    else:
        reply.buttons = [*reply.buttons, button(msg)]
    return reply


def _handoff_reply(text: str, buttons: list[Button] | None = None) -> Reply:
    return Reply(text, intent="handoff", confidence=1.0, buttons=buttons or [])


def _hours_note(svc: Services, msg: Incoming | None = None) -> str:
    hours = svc.settings.office_hours
    now = svc.clock.now()
    if hours is None or hours.is_open(now):
        return ""
    opening = when_text(hours.next_opening(now))
    if msg is not None and msg.english:
        return (f"It is outside office hours ({hours.describe()}); staff will answer from {opening}. Your messages "
                "are kept and will not be lost. ")
    return (f"现在是非工作时间（工作时间：{hours.describe()}），工作人员将于 {opening} "
            "起回复您，您的留言会保留，不会丢失。")


def _who(ticket: Ticket) -> str:
    platform, _, user_id = ticket.user.partition(":")
    name = ticket.name or user_id
    return f"{name}（{PLATFORMS.get(platform, platform)} {user_id}）"


def _shorten(text: str) -> str:
    return text if len(text) <= ANSWER_CHARS else text[:ANSWER_CHARS] + "…"


def _commands(number: int) -> str:
    return f"回复：/reply {number} 内容（Telegram 上也可直接回复本消息）｜结束：/close {number}｜记录：/ticket {number}"


# ---- users -----------------------------------------------------------------------------------------------

async def command(svc: Services, msg: Incoming) -> Reply:
    """/handoff and the handoff button."""
    return await _hand_over(svc, msg, "（点了“转人工”）")


async def request(svc: Services, msg: Incoming) -> Reply | None:
    """Free text that asks for a person, before any FAQ matching."""
    return await _hand_over(svc, msg, msg.typed) if asks_for_person(msg.text) else None


async def _hand_over(svc: Services, msg: Incoming, said: str) -> Reply:
    if msg.is_group:
        return _handoff_reply(msg.say("转人工请私聊我（点我的头像 → 发消息），以免您的问题在群里公开。",
                              "To talk to a person, message me privately (tap my avatar → Send message), so that your "
                              "question is not public in the group."))
    if live := svc.live_handoff.get(msg.platform):
        if outcome := await live(msg, not _hours_note(svc)):
            return _handoff_reply(msg.say(*LIVE[outcome]) + _hours_note(svc, msg))
    tickets = svc.tickets
    if not tickets.targets:
        log.warning("a user asked for a person, but BOT_HANDOFF_TO and BOT_STAFF name no one")
        return _handoff_reply(msg.say(*UNAVAILABLE), menu_buttons(msg))
    if (ticket := await tickets.open_of(msg.user_key)) is not None:
        return _handoff_reply(msg.say(f"您已在人工服务中（工单 #{ticket.id}），直接输入留言即可。输入“结束”可结束人工服务。",
                              f"You are already talking to staff (ticket #{ticket.id}): just type your message. "
                              "Type “end” to finish."))
    svc.dialogs.pop(msg.user_key)
    recent = svc.history.recent(msg.user_key)
    history = [e for x in recent for e in (TicketEntry("", "user", msg.user_key, x.said),
                                           TicketEntry("", "bot", "bot", x.answer))]
    history.append(tickets.entry(msg.user_key, "user", said))
    profile = await svc.store.users.profile(msg.user_key)
    ticket = await tickets.open(msg, history, profile)
    hours = _hours_note(svc, msg)
    await tickets.notify_staff(ticket, _notice(ticket, recent, profile, said, after_hours=bool(hours)))
    await svc.store.audit.record(msg.user_key, "ticket.open", svc.clock.now(), ticket=ticket.id)
    if not _on_duty(svc):
        log.warning("a user asked for a person, but no one in BOT_HANDOFF_TO (or BOT_STAFF) is on a served channel: "
                    "ticket %s waits for /tickets", ticket.id)
        return _handoff_reply(msg.say(
            f"现在没有值班的工作人员在线。您可以在这里留言（工单 #{ticket.id}）：留言会保存下来，工作人员上线后会看到，"
            "并在这里回复您。输入“结束”可结束留言。",
            f"No one on duty is online right now. You can leave a message here (ticket #{ticket.id}): it is kept, "
            "and staff will read it and answer you here when they are back. Type “end” to finish."))
    if msg.english:
        shared = "Our conversation so far goes with it. " if recent else ""
        return _handoff_reply(f"You are put through to the committee's staff (ticket #{ticket.id}). {shared}{hours}\n"
                      "Your next messages go to the staff, and their answers appear here. Type “end” to finish.")
    shared = "刚才的对话已一并转给他们。" if recent else ""
    return _handoff_reply(f"已为您转接管委会工作人员（工单 #{ticket.id}），{shared}{hours}\n"
                  "接下来您发的消息都会转给工作人员，回复会出现在这里。输入“结束”可结束人工服务。")


def _on_duty(svc: Services) -> bool:
    """Whether someone told of tickets is on a channel this process serves (`ask` and the console chat serve
    none to staff): otherwise a ticket waits as a message for staff to read with /tickets."""
    return any(t.partition(":")[0] in svc.outboxes for t in svc.tickets.targets)


def _notice(ticket: Ticket, recent: list[Exchange], profile: Profile | None, said: str, after_hours: bool) -> str:
    """What the staff on duty read about a new ticket."""
    lines = [f"【转人工 #{ticket.id}】{_who(ticket)}请求人工服务"]
    if profile:
        lines.append(f"单位情况：{profile.description}")
    if recent:
        lines.append("最近对话：")
        for x in recent[-SHOWN_EXCHANGES:]:
            lines += [f"· 用户：{x.said}", f"· 助手：{_shorten(x.answer)}"]
    lines.append(f"本次：{said}")
    if after_hours:
        lines.append("（非工作时间提交，已告知用户下个工作时间回复）")
    lines.append(_commands(ticket.id))
    return "\n".join(lines)


async def relay(svc: Services, msg: Incoming) -> Reply | None:
    """While the user's ticket is open, their messages go to it instead of being answered by the bot."""
    ticket = await svc.tickets.open_of(msg.user_key)
    if ticket is None:
        return None
    number = ticket.id
    if ends_step(msg.text):
        await svc.tickets.close(number, msg.user_key)
        await svc.tickets.notify_staff(ticket, f"【工单 #{number}】{_who(ticket)}已结束人工服务。")
        return _handoff_reply(msg.say("已结束人工服务，有问题可以继续问我。", "The chat with staff has ended; ask me anything."),
                      menu_buttons(msg))
    await svc.tickets.add(number, svc.tickets.entry(msg.user_key, "user", msg.typed))
    await svc.tickets.notify_staff(ticket, f"【工单 #{number}】{_who(ticket)}留言：\n{msg.typed}\n{_commands(number)}")
    if not _on_duty(svc):
        return _handoff_reply(msg.say(f"已保存您的留言（工单 #{number}）。现在没有值班的工作人员在线，工作人员上线后会在这里回复您。"
                                      "输入“结束”可结束留言。",
                                      f"Your message is kept (ticket #{number}). No one is on duty right now; staff will "
                                      "answer you here when they are back. Type “end” to finish."))
    return _handoff_reply(msg.say(f"已转给工作人员（工单 #{number}）。{_hours_note(svc)}输入“结束”可结束人工服务。",
                          f"Passed to the staff (ticket #{number}). {_hours_note(svc, msg)}Type “end” to finish."))


# ---- staff -----------------------------------------------------------------------------------------------

def _number(arg: str) -> tuple[int | None, str]:
    """'12 文字' or '#12 文字' → (12, '文字' exactly as typed)."""
    m = re.match(r"#?(\d{1,9})(?:\s+(.*))?$", arg, re.S)
    return (int(m.group(1)), m.group(2) or "") if m else (None, "")


async def _answer(svc: Services, msg: Incoming, ticket: Ticket, text: str) -> Reply:
    number = ticket.id
    if ticket.status != "open" and not left_unanswered(ticket):      # a message left and never answered: still answerable
        return _handoff_reply(f"工单 #{number} 已结束，回复没有发送。")
    await svc.tickets.add(number, svc.tickets.entry(msg.user_key, "staff", text))
    await svc.tickets.tell_user(ticket, f"{STAFF_MARK}\n{text}")
    await svc.store.audit.record(msg.user_key, "ticket.reply", svc.clock.now(), ticket=number)
    return _handoff_reply(f"已发送给 {_who(ticket)}（工单 #{number}）。结束：/close {number}")


async def reply_command(svc: Services, msg: Incoming) -> Reply:
    """/reply N 文字"""
    number, text = _number(inputs.arguments(msg.typed).lstrip())
    if number is None or not text.strip():
        return _handoff_reply("用法：/reply 工单号 回复内容，例如 /reply 12 您好，已为您查询……")
    ticket = await svc.tickets.get(number)
    return await _answer(svc, msg, ticket, text) if ticket else _handoff_reply(f"没有编号为 {number} 的工单。/tickets 查看待处理的工单。")


async def quoted(svc: Services, msg: Incoming) -> Reply | None:
    """A reply quoting a staff notice (Telegram) answers that notice's ticket."""
    if not msg.reply_to:
        return None
    ticket = await svc.tickets.by_message(msg.platform, msg.chat_id, msg.reply_to)
    if ticket is None:
        return None
    return await _answer(svc, msg, ticket, msg.typed) if msg.is_staff else _handoff_reply(STAFF_ONLY)


async def close(svc: Services, msg: Incoming) -> Reply:
    """/close N"""
    number, _ = _number(msg.text.partition(" ")[2].strip())
    if number is None:
        return _handoff_reply("用法：/close 工单号，例如 /close 12")
    before = await svc.tickets.get(number)
    ticket = await svc.tickets.close(number, msg.user_key)
    if ticket is None:
        return _handoff_reply(f"没有待处理的 #{number} 号工单。/tickets 查看待处理的工单。")
    if before is not None and before.status == "open":          # a user who ended it already needs no notice
        await svc.tickets.tell_user(ticket, f"管委会工作人员已结束本次人工服务（工单 #{number}）。还有问题可以继续问我。")
    await svc.store.audit.record(msg.user_key, "ticket.close", svc.clock.now(), ticket=number)
    return _handoff_reply(f"工单 #{number} 已结束。")


async def list_open(svc: Services, msg: Incoming) -> Reply:
    """/tickets"""
    waiting = await svc.tickets.waiting()
    if not waiting:
        return _handoff_reply("当前没有待处理的工单。")
    lines = ["待处理的工单："]
    for t in waiting:
        said = next((e.text for e in reversed(t.history) if e.role == "user" and e.text != ENDED), "")
        last = next((e.role for e in reversed(t.history) if e.role != "bot"), "user")
        state = "留言未回复，用户已结束" if t.status != "open" else "已回复，等用户" if last == "staff" else "等待回复"
        lines.append(f"#{t.id} {_who(t)} · {t.opened[:16].replace('T', ' ')} · {_shorten(said)}（{state}）")
    lines.append("查看：/ticket 工单号；回复：/reply 工单号 内容")
    return _handoff_reply("\n".join(lines))


async def show(svc: Services, msg: Incoming) -> Reply:
    """/ticket N — the whole conversation."""
    number, _ = _number(msg.text.partition(" ")[2].strip())
    ticket = await svc.tickets.get(number) if number is not None else None
    if ticket is None:
        return _handoff_reply("用法：/ticket 工单号（/tickets 查看待处理的工单）" if number is None else f"没有编号为 {number} 的工单。")
    status = "处理中" if ticket.status == "open" else f"已结束（{ticket.closed[:16].replace('T', ' ')}）"
    lines = [f"工单 #{number} · {_who(ticket)} · {status}"]
    roles = {"user": "用户", "bot": "助手", "staff": "工作人员"}
    for e in ticket.history:
        when = e.at[11:16] or "转人工前"
        who = roles[e.role] + (f" {e.who}" if e.role == "staff" else "")
        lines.append(f"[{when}] {who}：{e.text}")
    return _handoff_reply("\n".join(lines))
