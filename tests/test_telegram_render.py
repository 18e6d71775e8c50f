"""Reply → Telegram HTML messages, checked with the fake Bot API's own parser (as strict as Telegram's)."""
from __future__ import annotations

import logging

import pytest

from bot.channels.telegram.render import MAX_TEXT, render, split, units
from bot.messages import Button, Incoming, Reply
from bot.router import ROUTES
from tests.fakes.telegram_server import Refused, plain_text


def rows(chunk):
    return [[(b["text"], b["callback_data"]) for b in row] for row in chunk.keyboard["inline_keyboard"]]


def test_user_and_data_text_is_escaped_and_reads_back_unchanged():
    text = "<b>不是粗体</b> & R&D <script>alert(1)</script> a<b c>d 5 > 3"
    [chunk] = render(Reply(text, sources=["《办法》<第三条>&附件"], intent="help"))
    assert "<script>" not in chunk.html and "&amp;" in chunk.html
    assert plain_text(chunk.html) == f"{text}\n\n来源：《办法》<第三条>&附件"


def test_the_fakes_parser_rejects_what_telegram_rejects():
    for bad in ("a < b", "<b>x", "<script>x</script>", "R&D;", "x</i>"):
        with pytest.raises(Refused):
            plain_text(bad)


def test_sources_are_a_short_italic_footer_on_the_last_message():
    [chunk] = render(Reply("答复正文", sources=["小镇简介·开篇", "扶持办法·第五条"], intent="help"))
    assert chunk.html.endswith("\n\n<i>来源：小镇简介·开篇；扶持办法·第五条</i>")


def test_long_replies_split_at_paragraph_boundaries_within_the_limit():
    paragraphs = [f"第{i}段：" + "运河财富小镇" * 60 for i in range(40)]       # ~15 000 characters
    reply = Reply("\n\n".join(paragraphs), sources=["来源文件"], buttons=[Button("常见问题", "/faq")], intent="help")
    chunks = render(reply)
    assert len(chunks) >= 4
    texts = [plain_text(c.html) for c in chunks]
    assert all(units(t) <= MAX_TEXT for t in texts)
    assert all(t.startswith("第") for t in texts)                 # each piece begins a paragraph
    assert "\n\n".join(texts) == reply.text + "\n\n来源：来源文件"  # nothing lost, nothing reordered
    assert [c.keyboard is not None for c in chunks] == [False] * (len(chunks) - 1) + [True]


def test_one_huge_paragraph_is_cut_at_a_sentence_end_counting_emoji_twice():
    pieces = split("字" * 2000 + "。" + "😀" * 1500)              # 2001 + 3000 UTF-16 units
    assert [units(p) for p in pieces] == [2001, 3000]
    assert pieces[0].endswith("。")
    assert [units(p) for p in split("😀" * 3000)] == [4096, 1904]   # no break anywhere: cut at the limit


def test_a_footer_that_does_not_fit_goes_into_its_own_message():
    chunks = render(Reply("字" * 4090, sources=["某文件"], intent="help"))
    assert [plain_text(c.html) for c in chunks] == ["字" * 4090, "来源：某文件"]


def test_short_labels_sit_two_to_a_row_long_ones_one():
    [menu] = render(Reply("菜单", buttons=[Button(x, f"/{i}") for i, x in enumerate(["常见问题", "政策匹配", "联系方式"])], intent="help"))
    assert rows(menu) == [[("常见问题", "/0"), ("政策匹配", "/1")], [("联系方式", "/2")]]
    [faq] = render(Reply("问题", buttons=[Button("新设金融总部能拿多少补贴？", "faq:a"), Button("短", "faq:b")], intent="help"))
    assert rows(faq) == [[("新设金融总部能拿多少补贴？", "faq:a")], [("短", "faq:b")]]


def test_a_payload_over_64_bytes_is_dropped_and_logged(caplog):
    long = "faq:" + "长" * 21                                      # 4 + 63 bytes
    with caplog.at_level(logging.ERROR):
        [chunk] = render(Reply("选择", buttons=[Button("好", "faq:ok"), Button("坏", long)], intent="help"))
    assert rows(chunk) == [[("好", "faq:ok")]]
    assert "67 bytes" in caplog.text


async def test_every_button_any_route_creates_fits_telegram(router):
    """Crawls every command and every button reachable from them (as staff, so staff menus count too):
    each payload must fit 64 bytes and each reply must render to messages Telegram accepts."""
    todo = [f"/{r.key}" for r in ROUTES if r.kind == "command"]
    seen: set[str] = set()
    while todo:
        payload = todo.pop()
        if payload in seen:
            continue
        seen.add(payload)
        reply = await router.handle(Incoming("telegram", "9", "9", payload=payload, is_staff=True))
        router.svc.dialogs.pop("telegram:9")
        for button in reply.buttons:
            assert len(button.payload.encode()) <= 64, f"{payload} → {button.label}: {button.payload!r}"
            todo.append(button.payload)
        for chunk in render(reply):
            assert units(plain_text(chunk.html)) <= MAX_TEXT
    assert len(seen) > 20                 # the crawl really walked the menus (FAQ categories, questions …)
