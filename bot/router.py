"""The one routing table. Each kind of input has one owner: a command its command route; a button the
open dialog when it is one of that dialog's own (DialogState.buttons), else the route of its prefix
(bot/payloads.py), and a button nobody owns is stale; text the open dialog first, then the free-text intents
in order, the FAQ last; but text that spells a button's label is that button pressed (unless it is a ticket's
message or a dialog's input). Only a dialog or text handler may return None: the text is not its to answer.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, replace
from typing import Awaitable, Callable, Literal

from bot import choices, inputs, parts, payloads
from bot.dialogs import DialogState
from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq import language
from faq.reading import ASKING
from faq.schema import one_of
from policy_data.english import for_reading
from policy_data.extract import read
from handlers import admin, broadcast, calc, calc_again, calc_dialog, console, contacts, events, faq, handoff, \
    measure_followup, menu, policy, profile, subscribe

log = logging.getLogger(__name__)
Handler = Callable[[Services, Incoming], Awaitable[Reply | None]]
RouteKind = Literal["command", "dialog", "payload", "text"]
YIELDING_FLOWS = {calc_dialog.CalcDialog.flow: "补贴速算"}     # dialogs a complete new question may interrupt
TOPICAL = {"policy", "calc", "contacts", "events"}   # answers whose subject a follow-up may continue (faq sets its own)
ONE_ENGLISH_WORD = re.compile(r"[A-Za-z][a-z]{2,}[.!?]*$")    # a word, not an acronym ("REITs", "QFLP")
# A question of its own: it leaves the quick-check even when it names the measure ("…呢", "多少" do not).
OWN_QUESTION = re.compile(r"[?？]|吗|哪|什么|怎么|如何|谁")
RULE_QUESTION = re.compile(rf"{ASKING.pattern}|{calc.RULE_ASKED.pattern}|{one_of(phrases().rule_asked.words).pattern}")
OPTION_FILLERS = tuple(phrases().options.fillers)


@dataclass(frozen=True)
class Route:
    kind: RouteKind
    key: str                   # command name, payload prefix, dialog flow; "" for text routes
    handler: Handler
    staff_only: bool = False
    description: str = ""      # shown in /help and registered as a bot command
    en: str = ""               # the description in English


ROUTES: tuple[Route, ...] = (
    Route("command", "start", menu.start, description="开始 · 主菜单", en="Start · main menu"),
    Route("command", "help", menu.help_text, description="帮助 · 能问什么", en="Help · what you can ask"),
    Route("command", "menu", menu.start, description="主菜单", en="Main menu"),
    Route("command", "lang", menu.language, description="切换语言 · /lang en 英文", en="Language · /lang zh for Chinese"),
    Route("command", "cancel", menu.cancel, description="取消当前操作", en="Cancel the current step"),
    Route("command", "faq", faq.categories, description="常见问题", en="Frequently asked questions"),
    Route("command", "contacts", contacts.list_all, description="联系方式", en="Contacts"),
    Route("command", "handoff", handoff.command, description="转人工 · 找管委会工作人员", en="Talk to a person on the staff"),
    Route("command", "policy", policy.command, description="政策匹配 · 扶持措施与适用条件", en="Policy matching · support measures and conditions"),
    Route("command", "calc", calc.command, description="补贴速算 · 算算能拿多少", en="Subsidy quick-check · how much you can get"),
    Route("command", "profile", profile.command, description="保存单位情况，匹配适用政策", en="Save your enterprise profile to match policies"),
    Route("command", "reload", admin.reload, staff_only=True, description="重新加载资料文件（工作人员）", en="Reload the data files (staff)"),
    Route("command", "events", events.list_upcoming, description="近期联盟活动", en="Upcoming alliance events"),
    Route("command", "subscribe", subscribe.show, description="订阅活动通知与分会公告", en="Event notices and branch announcements"),
    Route("command", "newevent", events.new_event, staff_only=True, description="发布活动（工作人员）", en="Publish an event (staff)"),
    Route("command", "editevent", events.edit_event, staff_only=True, description="修改活动（工作人员）", en="Change an event (staff)"),
    Route("command", "cancelevent", events.cancel_event, staff_only=True, description="取消活动（工作人员）", en="Cancel an event (staff)"),
    Route("command", "importevents", events.import_events, staff_only=True, description="从 YAML 导入活动（工作人员）", en="Import events from YAML (staff)"),
    Route("command", "broadcast", broadcast.start, staff_only=True, description="群发公告（工作人员）", en="Send an announcement (staff)"),
    Route("command", "broadcast_status", broadcast.status, staff_only=True, description="群发进度（工作人员）", en="Announcement progress (staff)"),
    Route("command", "unanswered", broadcast.unanswered, staff_only=True, description="本周未答问题（工作人员）", en="This week's unanswered questions (staff)"),
    Route("command", "tickets", handoff.list_open, staff_only=True, description="待处理的转人工工单（工作人员）", en="Open handoff tickets (staff)"),
    Route("command", "ticket", handoff.show, staff_only=True, description="查看工单记录（工作人员）", en="A ticket's conversation (staff)"),
    Route("command", "reply", handoff.reply_command, staff_only=True, description="回复工单：/reply 工单号 内容（工作人员）", en="Answer a ticket: /reply N text (staff)"),
    Route("command", "close", handoff.close, staff_only=True, description="结束工单（工作人员）", en="Close a ticket (staff)"),
    Route("command", "console", console.sign_in_link, staff_only=True, description="网页控制台登录链接（工作人员）", en="Web console sign-in link (staff)"),
    Route("dialog", events.NewEventDialog.flow, events.new_event_step, staff_only=True),
    Route("dialog", events.EditEventDialog.flow, events.edit_event_step, staff_only=True),
    Route("dialog", events.ImportDialog.flow, events.import_step, staff_only=True),
    Route("dialog", broadcast.BroadcastDialog.flow, broadcast.step, staff_only=True),
    Route("dialog", calc_dialog.CalcDialog.flow, calc.continue_dialog),
    Route("dialog", profile.ProfileDialog.flow, profile.continue_dialog),
    Route("payload", payloads.FAQ.prefix, faq.by_payload),
    Route("payload", payloads.CONTACT.prefix, contacts.by_payload),
    Route("payload", payloads.CALC.prefix, calc.by_payload),
    Route("payload", payloads.POLICY.prefix, policy.by_payload),
    Route("payload", payloads.EVENT.prefix, events.by_payload),
    Route("payload", payloads.SUBSCRIBE.prefix, subscribe.choose),
    Route("payload", payloads.SEGMENT.prefix, subscribe.choose),
    Route("payload", payloads.CANCEL_EVENT.prefix, events.cancel_confirmed, staff_only=True),
    Route("payload", payloads.UNSCHEDULE.prefix, broadcast.unschedule, staff_only=True),
    Route("text", "", handoff.quoted),         # staff quoting a ticket notice
    Route("text", "", handoff.relay),          # a user with an open ticket talks to the staff
    Route("text", "", handoff.request),        # asking for a person, before any FAQ matching
    Route("text", "", menu.greeting),
    Route("text", "", menu.small_talk),
    Route("text", "", menu.repeated),
    Route("text", "", subscribe.by_words),
    Route("text", "", events.answer),
    Route("text", "", contacts.answer),
    Route("text", "", calc.answer),
    Route("text", "", policy.answer),
)                                               # and faq.answer for whatever no text route took


def command_of(text: str) -> tuple[str, str] | None:
    """'/Start@TownBot arg' → ('start', 'arg'); None when the text is not a command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    head, _, args = text[1:].partition(" ")
    return head.split("@", 1)[0].lower(), args.strip()


def staff_commands() -> list[Route]:
    return [r for r in ROUTES if r.kind == "command" and r.staff_only]


def public_commands() -> list[Route]:
    return [r for r in ROUTES if r.kind == "command" and not r.staff_only and r.description]


class Router:
    def __init__(self, services: Services, routes: tuple[Route, ...] = ROUTES):
        self.svc = services
        self.commands = {r.key: r for r in routes if r.kind == "command"}
        self.flows = {r.key: r for r in routes if r.kind == "dialog"}
        self.payloads = [r for r in routes if r.kind == "payload"]
        self.texts = [r for r in routes if r.kind == "text"]
        services.commands = [(r.key, r.description, r.en, r.staff_only) for r in routes
                             if r.kind == "command" and r.description]
        self.shown = choices.Choices()        # each user's last buttons, whose labels typed back press them
        self._standing: tuple[object, dict[str, tuple[int, Button]]] = (None, {})

    def _standing_labels(self) -> dict[str, tuple[int, Button]]:
        """The menu, subscription, contact and handoff buttons, folded once per knowledge snapshot."""
        knowledge = self.svc.kb.knowledge.contacts
        if self._standing[0] is not knowledge:
            buttons = [*menu.every_menu_button(), *subscribe.every_button(), *contacts.every_button(self.svc),
                       handoff.BUTTON, handoff.BUTTON_EN]
            self._standing = (knowledge, choices.keyed(buttons))
        return self._standing[1]

    async def _passed_on(self, msg: Incoming) -> bool:
        """The text is someone's to pass on as typed: a staff reply, or a message inside a user's open ticket."""
        return bool(msg.reply_to) or await self.svc.tickets.open_of(msg.user_key) is not None

    async def _typed_button(self, msg: Incoming, text: str) -> Button | None:
        """A button's label typed instead of pressed (WeCom and the console number their buttons, and users
        type the words). Not while the text is someone's to pass on or a dialog's input: a ticket's messages,
        a staff reply, a step of a dialog other than its own buttons."""
        if msg.payload is not None or text.startswith("/") or await self._passed_on(msg):
            return None
        shown = self.shown.by_label(msg.user_key, text)
        dialog = self.svc.dialogs.get(msg.user_key)
        if shown is None and dialog is not None and dialog.picks:      # "2", "个人" for "新设个人征信公司补助"
            shown = self.shown.by_number_or_part(msg.user_key, text, OPTION_FILLERS)
        owned = shown is not None and dialog is not None and any(own.matches(shown.payload) for own in dialog.buttons)
        if dialog and dialog.flow not in YIELDING_FLOWS:
            return shown if owned else None
        if shown and not (owned or shown.payload.startswith("/") or self._payload_route(shown.payload)):
            shown = None                   # a step of a dialog that has ended: the words are text again
        return shown or choices.pressed(self._standing_labels(), text)

    def _payload_route(self, payload: str) -> Route | None:
        return next((r for r in self.payloads if payload.startswith(r.key)), None)

    async def handle(self, msg: Incoming) -> Reply:
        """Never raises: any failure becomes an apology, logged with the cause (no message text)."""
        try:
            text, cut = inputs.clean(msg.text)
            pressed = await self._typed_button(msg, text)
            stored = self.svc.store.users.language(msg.user_key)
            read = inputs.without_noise(text)
            known = self.svc.kb.english_word
            lang = language.choose(read, stored, msg.language_code, self.svc.kb.gazetteer.without_names, known)
            if stored is None and msg.language_code is None and ONE_ENGLISH_WORD.match(text) \
                    and not language.unreadable(text, known):
                lang = "en"                # a new user's "Subscribe" or "Thanks" is all we know of their language
            if pressed and not language.CJK.search(text) and language.LATIN_WORD.search(pressed.label):
                lang = "en"                # "Contacts", "Quick-check": an English label asks for English
            await self.svc.store.users.register(msg, self.svc.clock.now(), lang)   # registers recipients and their language
            in_dialog = self.svc.dialogs.get(msg.user_key) is not None
            reading = self.svc.kb.reader_for(lang).read(read, self.svc.conversations.get(msg.user_key))
            msg = msg.but(text=text, typed=inputs.as_typed(msg.text), lang=lang, reading=reading)
            asked = msg.but(payload=pressed.payload) if pressed else msg
            reply = await self._dispatch(asked)
            if reply.intent in TOPICAL and reading.entities:   # "2号文什么时候施行" → "到什么时候": the same document
                self.svc.conversations.remember(msg.user_key, reading.entities, reading.aspects, None)
            if reply.buttons:
                self.shown.remember(msg.user_key, reply.buttons)
            self.svc.history.add(msg, reply)           # what the user typed, even when it pressed a button
            if not in_dialog:
                self.svc.analytics.record(asked, reply)
            if cut:
                note = inputs.TOO_LONG_NOTE_EN if lang == "en" else inputs.TOO_LONG_NOTE
                reply.text = f"{note}\n{reply.text}"
            reply.lang = self.svc.store.users.language(msg.user_key) or lang    # "/lang zh" has just changed it
            return reply
        except Exception:
            log.exception("handler failed for %s message from %s", msg.platform, msg.user_key)
            return Reply(msg.say("抱歉，系统刚才出了点问题，请稍后再试，或输入 /help 查看可用功能。",
                                 "Sorry, something went wrong on our side. Please try again later, or send /help."),
                         intent="error")

    async def _dispatch(self, msg: Incoming) -> Reply:
        if msg.payload and msg.payload.startswith("/"):      # menu buttons carry a command
            msg = replace(msg, text=msg.payload, payload=None)
        if msg.payload is not None:
            return await self._button(msg, msg.payload)
        if not inputs.has_meaning(msg.text):
            return menu.empty_input(msg)
        if menu.ends_step(msg.folded) and await self.svc.tickets.open_of(msg.user_key) is None:
            return await menu.cancel(self.svc, msg)       # "算了不用了"; with a ticket open, it ends the ticket
        if command := command_of(msg.folded):   # "／newevent　…" reads as "/newevent …"; the arguments stay as typed
            args = msg.text.split(maxsplit=1)[1:]
            route = self.commands.get(command[0])
            if route is None:
                return menu.unknown_command(msg, command[0])
            return await self._answer(route, replace(msg, text=" ".join([f"/{command[0]}", *args])))
        return await self._text(msg)

    async def _button(self, msg: Incoming, payload: str) -> Reply:
        dialog = self.svc.dialogs.get(msg.user_key)
        if dialog and any(own.matches(payload) for own in dialog.buttons):
            return await self._answer(self.flows[dialog.flow], msg)
        route = self._payload_route(payload)
        return await self._answer(route, msg) if route else menu.stale_button(msg)

    async def _text(self, msg: Incoming) -> Reply:
        dialog = self.svc.dialogs.get(msg.user_key)
        if dialog is None and (again := calc_again.amount_again(self.svc, msg)) is not None:
            if (reply := await calc.answer(self.svc, again)) is not None:
                return reply
        if isinstance(dialog, calc_dialog.CalcDialog) and calc_again.another_measure(self.svc, msg, dialog.text):
            # "金融控股公司呢" while computing 新设金融总部's subsidy: the same question of another measure
            self.svc.dialogs.pop(msg.user_key)
            if (again := await calc.answer(self.svc, replace(msg, text=f"{msg.text} {dialog.text}"))) is not None:
                return again
            dialog = None
        if isinstance(dialog, calc_dialog.CalcAsking) and (measure := self._rule_asked(msg, dialog)) is not None:
            self.svc.dialogs.touch(msg.user_key)        # "封顶多少" while the figure is awaited: the rule, then the figure
            return await measure_followup.of_measure(self.svc, msg, measure)
        passed_on = await self._passed_on(msg)
        if dialog is None and not passed_on and (reply := await measure_followup.answer(self.svc, msg)) is not None:
            return reply
        if dialog and dialog.flow in YIELDING_FLOWS and not calc.answers_condition(self.svc, msg) \
                and faq.is_new_question(self.svc, msg):
            self.svc.dialogs.pop(msg.user_key)
            return self._left(dialog, msg, await self._text(msg))
        flow = self.flows.get(dialog.flow) if dialog else None
        if flow is not None and (reply := await self._run(flow, msg)) is not None:
            reply = faq.with_other_parts(self.svc, msg, reply)
        elif dialog is None and not passed_on \
                and (each := await parts.answer_each(self.svc, msg, self._routed)) is not None:
            return each
        else:
            reply = await self._routed(msg)
        if dialog and dialog.flow in YIELDING_FLOWS and reply.intent != "calc" \
                and self.svc.dialogs.get(msg.user_key) is None:      # the dialog passed on a question of its own
            return self._left(dialog, msg, reply)
        return reply

    async def _routed(self, msg: Incoming) -> Reply:
        """Free text no dialog takes: the first text route that answers it, else the FAQ."""
        for route in self.texts:
            if (reply := await self._run(route, msg)) is not None:
                return faq.with_other_parts(self.svc, msg, reply)
        return calc_again.unread_figure(self.svc, msg) or menu.not_understood(self.svc, msg) or await faq.answer(self.svc, msg)

    @staticmethod
    def _left(dialog: DialogState, msg: Incoming, reply: Reply) -> Reply:
        reply.text = msg.say(f"（已退出{YIELDING_FLOWS[dialog.flow]}，先回答您的新问题。）",
                             "(I left the subsidy quick-check to answer your new question.)") + f"\n{reply.text}"
        return reply

    def _rule_asked(self, msg: Incoming, dialog: calc_dialog.CalcAsking):
        """The measure being computed, when the message asks about its rule (a cap, a tier, who gets it) instead
        of giving the figure awaited."""
        book = self.svc.kb.policy
        asked = measure_followup.RULE_EN.search(msg.text) if msg.english \
            else not OWN_QUESTION.search(msg.text) and RULE_QUESTION.search(msg.folded)
        if not asked:
            return None
        policy = read(for_reading(msg.text, book, msg.lang), book)
        # another measure's rule ("REITs上市奖励多少") or another question ("小镇多大") leaves the dialog
        if policy.figures or (policy.candidates() and dialog.measure not in policy.candidates()) \
                or faq.is_new_question(self.svc, msg):
            return None
        return book.measure(dialog.measure)

    async def _run(self, route: Route, msg: Incoming) -> Reply | None:
        if route.staff_only and not msg.is_staff:
            return Reply(msg.say("抱歉，该功能仅限小镇管委会工作人员使用。",
                                 "Sorry, this is for staff of the Town Management Committee only."), intent="staff")
        if route.staff_only and msg.is_group:      # sign-in links and users' conversations stay out of groups
            return Reply(msg.say("工作人员功能请私聊我使用，以免链接或用户的对话在群里公开。",
                                 "Please use staff commands in a private chat with me, so that links and users' "
                                 "conversations are not shown in the group."), intent="staff")
        return await route.handler(self.svc, msg)

    async def _answer(self, route: Route, msg: Incoming) -> Reply:
        """A command or a button: its route is the only one to answer it."""
        if (reply := await self._run(route, msg)) is None:
            raise TypeError(f"the {route.kind} route {route.key!r} passed on input only it may answer")
        return reply
