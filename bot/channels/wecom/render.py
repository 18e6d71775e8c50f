"""Reply → WeCom message bodies, within WeCom's size limits (UTF-8 bytes).

App: plain text with numbered choices (text messages show in WeCom and in WeChat's 微信插件; markdown does not).
微信客服: text, and buttons as a `msgmenu` whose clicks come back with the button payload as menu_id.
Group robot: markdown (push-only, so buttons are left out); sources in grey.
"""
from __future__ import annotations

from bot.choices import numbered
from bot.messages import Reply

TEXT_LIMIT = 2048           # text.content of message/send, kf/send_msg, webhook text and passive replies
MARKDOWN_LIMIT = 4096       # robot markdown.content
MENU_HEAD_LIMIT = 1024      # msgmenu head_content / tail_content
MENU_ITEM_LIMIT = 128       # msgmenu click id / content
MENU_ITEMS = 10


def clip(text: str, limit: int) -> str:
    """At most `limit` UTF-8 bytes, cut at a character boundary."""
    return text.encode()[:limit].decode("utf-8", "ignore")


def split_bytes(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` UTF-8 bytes, cut at line ends where possible, never inside a character."""
    if len(text) * 4 <= limit or len(text.encode()) <= limit:        # one piece (most answers)
        return [text.strip("\n")] if text.strip() else []
    parts: list[str] = []
    current, size = "", 0
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > limit:              # one over-long line: cut it
            head = clip(line, limit)
            parts += [current, head] if current else [head]
            current, size, line = "", 0, line[len(head):]
        n = len(line.encode())
        if size + n > limit:
            parts.append(current)
            current, size = line, n
        else:
            current, size = current + line, size + n
    parts.append(current)
    return [p.strip("\n") for p in parts if p.strip()]


def app_texts(reply: Reply) -> list[str]:
    return split_bytes(numbered(reply), TEXT_LIMIT)


def robot_markdown(reply: Reply) -> list[str]:
    body = reply.text
    if reply.sources:
        body += f'\n<font color="comment">{reply.sources_line()}</font>'
    return split_bytes(body, MARKDOWN_LIMIT)


def kf_messages(reply: Reply) -> list[dict]:
    """kf/send_msg bodies (without touser/open_kfid), in order."""
    def texts(text: str) -> list[dict]:
        return [{"msgtype": "text", "text": {"content": p}} for p in split_bytes(text, TEXT_LIMIT)]

    footer = reply.sources_line()
    if not reply.buttons:
        return texts("\n\n".join(filter(None, (reply.text, footer))))
    short = len(reply.text.encode()) <= MENU_HEAD_LIMIT
    menu = {"head_content": reply.text if short else ("Please choose:" if reply.lang == "en" else "请选择："),
            "list": [{"type": "click", "click": {"id": b.payload, "content": clip(b.label, MENU_ITEM_LIMIT)}}
                     for b in reply.buttons[:MENU_ITEMS]]}
    if footer:
        menu["tail_content"] = clip(footer, MENU_HEAD_LIMIT)
    return ([] if short else texts(reply.text)) + [{"msgtype": "msgmenu", "msgmenu": menu}]
