"""Greeting, main menu, help, cancel, language, and the replies for empty input or unknown commands."""
from __future__ import annotations

import re

from bot.choices import label_key
from bot.inputs import letters_only
from bot.messages import Button, Incoming, Reply
from bot.phrases import phrases
from bot.services import Services
from faq.language import unreadable

# (label, English label, command); tests/test_router.py checks that every one is routed, so the menu never lies.
MAIN_MENU = (("常见问题", "FAQ", "faq"), ("政策匹配", "Policies", "policy"), ("补贴速算", "Quick-check", "calc"),
             ("联系方式", "Contacts", "contacts"), ("联盟活动", "Events", "events"),
             ("订阅通知", "Notifications", "subscribe"))
GREETING = re.compile(rf"^({'|'.join(phrases().greeting.words)})[呀啊吗么!！~。.\s]*$", re.IGNORECASE)
_TALK = phrases().small_talk
_THANKS, _ACK, _BYE = ("|".join(words) for words in (_TALK.thanks, _TALK.acknowledgements, _TALK.goodbyes))
FRAGMENT = re.compile(rf"^(?:{'|'.join(_TALK.fragments)})(?:{'|'.join(_TALK.endings)})*$", re.IGNORECASE)
BARE_ASK = re.compile(rf"^(?:{'|'.join(_TALK.bare_asks)})(?:{'|'.join(_TALK.endings)}|呢|吗)*$", re.IGNORECASE)
SMALL_TALK = re.compile(rf"^(?:{_THANKS}|{_ACK}|{_BYE})(?:{_THANKS}|{_ACK}|{_BYE}|{'|'.join(_TALK.endings)})*$")
THANKED, LEAVING = re.compile(_THANKS), re.compile(_BYE)
REPEATED = re.compile(r"^(.{1,15}?)\1{4,}$")      # one word sent over and over: "小镇小镇小镇…"
WORD_CHARS = 4                                  # longer than this, a repeated Chinese unit is a question
EXAMPLES = ("运河财富小镇在哪里？", "小镇金融联盟有哪些分会？", "新设金融总部，实收资本10亿，能拿多少补贴？",
            "管委会怎么联系？")
EXAMPLES_EN = ("Where is Canal Wealth Town?", "What branches does the town's financial alliance have?",
               "New financial HQ, paid-in capital RMB 1 billion: how much subsidy?", "How do I contact the management committee?")
LANG_NAMES = {"zh": "中文", "en": "English"}
_STOP_WORDS = sorted({letters_only(w) for w in (*phrases().cancel.words, *phrases().handoff.ends)} - {""},
                     key=len, reverse=True)
_PARTICLES = "|".join(map(re.escape, phrases().cancel.particles))
_STOPPING = "|".join(map(re.escape, _STOP_WORDS))
ENDING = re.compile(rf"(?:{_PARTICLES})*(?:{_STOPPING})(?:{_STOPPING}|{_PARTICLES})*")


def ends_step(text: str) -> bool:
    """A whole message that only says stop: "取消", "结束", "算了不用了", "算了 结束吧", "never mind"."""
    return bool(ENDING.fullmatch(letters_only(text)))


def menu_buttons(msg: Incoming | None = None) -> list[Button]:
    english = msg is not None and msg.english
    return [Button(en if english else zh, f"/{cmd}") for zh, en, cmd in MAIN_MENU]


def every_menu_button() -> list[Button]:
    """The menu's buttons in both languages and their other names (速算), for a label typed back."""
    other_names = [Button(word, f"/{cmd}") for _, _, cmd in MAIN_MENU for word in getattr(phrases().menu, cmd)]
    return menu_buttons() + menu_buttons(Incoming("", "", "", lang="en")) + other_names


def _examples(msg: Incoming) -> str:
    return "\n".join(f"· {q}" for q in (EXAMPLES_EN if msg.english else EXAMPLES))


def welcome(msg: Incoming) -> Reply:
    text = msg.say("您好！我是运河财富小镇企业服务助手，可以为您解答小镇概况、入驻与楼宇、金融联盟、"
                   "扶持政策与补贴速算、联系方式等问题。\n请点选下方菜单，或直接输入您的问题，例如：\n",
                   "Hello! I am the enterprise service assistant of Canal Wealth Town (运河财富小镇). I can answer "
                   "questions about the town, its buildings, the financial alliance, support policies and the subsidy "
                   "quick-check, and whom to contact.\nTap the menu below or type your question, for example:\n")
    text += _examples(msg) + msg.say("\n（English: /lang en）", "\n(中文：/lang zh)")
    return Reply(text, intent="help", confidence=1.0, buttons=menu_buttons(msg))


async def start(svc: Services, msg: Incoming) -> Reply:
    return welcome(msg)


async def greeting(svc: Services, msg: Incoming) -> Reply | None:
    return welcome(msg) if GREETING.match(msg.folded.strip()) else None


async def small_talk(svc: Services, msg: Incoming) -> Reply | None:
    """"谢谢", "好的", "ok thanks": a short friendly word back, not an attempt at an answer; "那个", "不对": a
    request to say the whole question."""
    said = label_key(msg.text)
    if FRAGMENT.match(said) or BARE_ASK.match(said) and not svc.history.recent(msg.user_key):
        return Reply(msg.say(f"您说的“{msg.text.strip()}”，我没读出具体的问题。请把想了解的内容写成一句话，例如：\n",
                             f"“{msg.text.strip()}” — I could not find a question in it. Please write what you would "
                             "like to know in one sentence, for example:\n") + _examples(msg),
                     intent="clarify", confidence=1.0, buttons=menu_buttons(msg))
    if not SMALL_TALK.match(said):
        return None
    if LEAVING.search(said):
        text = msg.say("再见！有问题随时来问我。", "Goodbye! Come back any time you have a question.")
    elif THANKED.search(said):
        text = msg.say("不客气！还有问题随时问我。", "You're welcome! Ask me anything else any time.")
    else:
        text = msg.say("好的。还有问题可以直接问我，或点选菜单。", "OK. Ask me anything else, or use the menu.")
    return Reply(text, intent="help", confidence=1.0)


async def repeated(svc: Services, msg: Incoming) -> Reply | None:
    """A word repeated many times asks nothing; saying so beats answering whatever the word is about."""
    found = REPEATED.match(label_key(msg.text))
    word = found.group(1) if found else ""
    if not any(ch.isalpha() for ch in word) or not (len(word) <= WORD_CHARS or word.isascii()):
        return None
    text = msg.say(f"您发来的是“{word}”的多次重复，我没读出具体的问题。请用一句话写下想了解的内容，例如：\n",
                   f"Your message repeats “{word}” many times, and I could not find a question in it. Please write "
                   "what you would like to know in one sentence, for example:\n") + _examples(msg)
    return Reply(text, intent="clarify", confidence=1.0, buttons=menu_buttons(msg))


async def help_text(svc: Services, msg: Incoming) -> Reply:
    """The commands come from the router's table (svc.commands: name, description, English, staff only);
    /handoff only where someone can receive a request for a person."""
    def lines_for(staff: bool) -> list[str]:
        return [f"/{name} — {en if msg.english else zh}" for name, zh, en, only in svc.commands
                if only is staff and (name != "handoff" or svc.person_reachable(msg.platform))]
    lines = [msg.say("可用命令：", "Commands:")] + lines_for(False)
    if msg.is_staff:
        lines += ["", msg.say("工作人员命令：", "Staff commands:")] + lines_for(True)
    lines += ["", msg.say("也可以直接用中文提问，例如：", "Or just type your question, for example:"), _examples(msg), "",
              msg.say("输入“取消”可退出当前操作。", "Type “cancel” to leave the current step.")]
    return Reply("\n".join(lines), intent="help", confidence=1.0, buttons=menu_buttons(msg))


async def language(svc: Services, msg: Incoming) -> Reply:
    """/lang zh|en: the language of answers to messages that do not show one (commands, buttons, figures)."""
    wanted = msg.text.partition(" ")[2].strip().lower()[:2]
    if wanted not in LANG_NAMES:
        return Reply(msg.say("用法：/lang zh（中文）或 /lang en（English）。", "Usage: /lang en (English) or /lang zh (中文)."),
                     intent="help", confidence=1.0)
    await svc.store.users.set_language(msg.user_key, wanted)
    switched = Incoming(msg.platform, msg.chat_id, msg.user_id, lang=wanted)
    return Reply(switched.say("好的，之后用中文回答。", "OK, I will answer in English from now on.") + "\n"
                 + welcome(switched).text, intent="help", confidence=1.0, buttons=menu_buttons(switched))


async def cancel(svc: Services, msg: Incoming) -> Reply:
    ended = svc.dialogs.pop(msg.user_key)
    text = msg.say("已取消当前操作。" if ended else "当前没有进行中的操作。",
                   "Cancelled. " if ended else "There is nothing to cancel. ")
    return Reply(text + msg.say("需要什么帮助，请点选菜单或直接提问。", "Tap the menu or type your question."),
                 intent="help", confidence=1.0, buttons=menu_buttons(msg))


def empty_input(msg: Incoming) -> Reply:
    return Reply(msg.say("我没有读到文字内容。请用文字输入您的问题，或点选下方菜单。",
                         "I could not read any text. Please type your question, or tap the menu below."),
                 intent="fallback", buttons=menu_buttons(msg))


def not_understood(svc: Services, msg: Incoming) -> Reply | None:
    """Letters that are no words ("asdf qwer"): a short "didn't understand" in the user's language, no FAQ guess."""
    if not unreadable(msg.text, svc.kb.english_word):
        return None
    return Reply(msg.say("抱歉，没看懂您的意思。请换个说法再问一次，或点选下方菜单。",
                         "Sorry, I didn't understand that. Please rephrase your question, or tap the menu below."),
                 intent="clarify", buttons=menu_buttons(msg))


def stale_button(msg: Incoming) -> Reply:
    """A button whose dialog has ended or expired, or that the bot no longer knows."""
    return Reply(msg.say("这个按钮已失效，请重新操作，或点选下方菜单。",
                         "This button is no longer valid. Please start again, or tap the menu below."),
                 intent="help", confidence=1.0, buttons=menu_buttons(msg))


def unknown_command(msg: Incoming, name: str) -> Reply:
    return Reply(msg.say(f"没有“/{name[:30]}”这个命令。输入 /help 查看可用命令，或直接用中文提问。",
                         f"There is no “/{name[:30]}” command. Send /help for the commands, or just type your question."),
                 intent="help", confidence=1.0, buttons=menu_buttons(msg))
