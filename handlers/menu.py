"""Greeting, main menu, help, cancel, and the replies for empty input or unknown commands."""
from __future__ import annotations

import re

from bot.messages import Button, Incoming, Reply

# (label, command); tests/test_router.py checks that every one is routed, so the menu never lies.
MAIN_MENU = (("常见问题", "faq"), ("政策匹配", "policy"), ("补贴速算", "calc"),
             ("联系方式", "contacts"), ("联盟活动", "events"), ("订阅通知", "subscribe"))
GREETING = re.compile(r"^(你好|您好|hi|hello|hey|嗨|哈喽|在吗|在不在|早上好|下午好|晚上好|有人吗)[呀啊吗么!！~。.\s]*$",
                      re.IGNORECASE)
EXAMPLES = ("运河财富小镇在哪里？", "小镇金融联盟有哪些分会？", "新设金融总部，实收资本10亿，能拿多少补贴？",
            "管委会怎么联系？")


def menu_buttons() -> list[Button]:
    return [Button(label, f"/{cmd}") for label, cmd in MAIN_MENU]


def welcome() -> Reply:
    text = ("您好！我是运河财富小镇企业服务助手，可以为您解答小镇概况、入驻与楼宇、金融联盟、"
            "扶持政策与补贴速算、联系方式等问题。\n请点选下方菜单，或直接输入您的问题，例如：\n"
            + "\n".join(f"· {q}" for q in EXAMPLES))
    return Reply(text, intent="help", confidence=1.0, buttons=menu_buttons())


async def start(msg: Incoming, svc) -> Reply:
    return welcome()


async def greeting(msg: Incoming, svc) -> Reply | None:
    return welcome() if GREETING.match(msg.folded.strip()) else None


async def help_text(msg: Incoming, svc) -> Reply:
    """The commands come from the router's table (svc.commands: name, description, staff only)."""
    lines = ["可用命令："] + [f"/{name} — {about}" for name, about, staff in svc.commands if not staff]
    if msg.is_staff:
        lines += ["", "工作人员命令："] + [f"/{name} — {about}" for name, about, staff in svc.commands if staff]
    lines += ["", "也可以直接用中文提问，例如：", *(f"· {q}" for q in EXAMPLES), "", "输入“取消”可退出当前操作。"]
    return Reply("\n".join(lines), intent="help", confidence=1.0, buttons=menu_buttons())


async def cancel(msg: Incoming, svc) -> Reply:
    ended = svc.dialogs.end(msg.user_key)
    text = "已取消当前操作。" if ended else "当前没有进行中的操作。"
    return Reply(text + "需要什么帮助，请点选菜单或直接提问。", intent="help", confidence=1.0, buttons=menu_buttons())


def empty_input(msg: Incoming) -> Reply:
    return Reply("我没有读到文字内容。请用文字输入您的问题，或点选下方菜单。", intent="fallback", buttons=menu_buttons())


def unknown_command(name: str) -> Reply:
    return Reply(f"没有“/{name[:30]}”这个命令。输入 /help 查看可用命令，或直接用中文提问。", intent="help",
                 confidence=1.0, buttons=menu_buttons())
