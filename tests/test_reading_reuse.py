"""A text read again is read alike, and what one reading holds is its own: the scans remembered per text are
never shared as mutable lists."""
from __future__ import annotations

import pytest

from faq.gazetteer import fold


def test_a_text_read_again_gives_the_same_reading(kb):
    reader = kb.reader_for("zh")
    text = "上海陆家嘴的杭州银行有多少家网点？运河财富小镇面积多大"
    first, again = reader.read(text), reader.read(text)
    assert first.entities and first.elsewhere and first.aspects
    for field in ("query", "entities", "aspects", "years", "elsewhere", "questions", "needs", "counted", "role"):
        assert getattr(again, field) == getattr(first, field)


def test_changing_one_reading_leaves_the_next_alone(kb):
    reader = kb.reader_for("zh")
    text = "上海的杭州银行在运河财富小镇有几家网点"
    first = reader.read(text)
    entities, elsewhere, needs = list(first.entities), list(first.elsewhere), list(first.needs)
    first.entities.append("x")
    first.elsewhere.clear()
    first.needs.clear()
    again = reader.read(text)
    assert (again.entities, again.elsewhere, again.needs) == (entities, elsewhere, needs)


def test_the_gazetteer_hands_out_copies(kb):
    gazetteer = kb.gazetteer
    folded = fold("运河财富小镇面积多大")
    named, asked = gazetteer.entities(folded), gazetteer.aspects(folded)
    assert named and asked
    named.clear()
    asked.clear()
    assert gazetteer.entities(folded) and gazetteer.aspects(folded)


def test_what_the_text_alone_says_is_worked_out_once(kb, monkeypatch):
    from faq import reading
    reader = kb.reader_for("zh")
    calls = []
    clauses = reading.question_clauses
    monkeypatch.setattr(reading, "question_clauses", lambda *a: calls.append(a) or clauses(*a))
    text = "我们是一家私募，想问问小镇的面积有多大，另外管委会在哪里办公"
    first, again = reader.read(text), reader.read(text)
    assert len(calls) == 1
    assert again.questions == first.questions and len(first.questions) == 2
    again.questions.clear()
    assert reader.read(text).questions == first.questions


def test_the_conversation_still_shapes_a_text_read_before(kb):
    from faq.conversation import Topic
    reader = kb.reader_for("zh")
    alone = reader.read("那面积呢")
    after = reader.read("那面积呢", Topic(("town",), ("location",), None))
    assert not alone.follow_up and alone.entities == []
    assert after.follow_up and after.entities == ["town"]
    assert reader.read("那面积呢").entities == []


def test_the_parts_and_halves_of_a_text_are_handed_out_as_copies(kb):
    from bot.parts import pieces
    reader = kb.reader_for("zh")
    text = "小镇在哪 管委会电话多少"
    found = pieces(text)
    assert len(found) == 2
    found.clear()
    assert pieces(text) == ["小镇在哪", "管委会电话多少"]
    halves = reader.halves("工业设计小镇面积和2019年营业收入")
    assert len(halves) == 2
    halves.clear()
    assert len(reader.halves("工业设计小镇面积和2019年营业收入")) == 2
    assert reader.halves("运河财富小镇在哪里") == []


def test_subscribing_words_are_read_alike_each_time():
    from handlers.subscribe import _wanted
    text = "别给我发活动通知了 公告可以继续"
    first = _wanted(text)
    assert first == {("subscriptions", "events"): False, ("subscriptions", "news"): True}
    first.clear()
    assert _wanted(text) == {("subscriptions", "events"): False, ("subscriptions", "news"): True}


def test_the_faq_categories_come_once_each_in_the_order_the_entries_first_give_them(kb):
    knowledge = kb.knowledge
    categories = knowledge.categories
    assert len(categories) == len(set(categories)) > 1
    assert set(categories) == {e.category for e in knowledge.faq}
    firsts = [next(n for n, e in enumerate(knowledge.faq) if e.category == c) for c in categories]
    assert firsts == sorted(firsts)


def test_control_characters_become_spaces_and_printable_text_stays_as_typed():
    from bot import inputs
    assert inputs.clean("小镇\u200b在哪\x07") == ("小镇 在哪", False)
    assert inputs.clean("第一行\n第二行\t！") == ("第一行\n第二行\t！", False)
    assert inputs.clean("运河财富小镇在哪里？") == ("运河财富小镇在哪里？", False)
    assert inputs.as_typed("　小镇　面积\x00") == "小镇　面积"


@pytest.mark.parametrize("noisy", ["小镇在哪\x1b[31m", "小镇在哪 [点这里](http://e.com)", "小 镇 在 哪",
                                   "<b>小镇</b>在哪<script>alert(1)</script>", "小镇在哪 https://e.com/a?b=1"])
async def test_noise_around_a_question_is_not_read_but_what_is_typed_is_kept(ask, noisy):
    reply = await ask(noisy)
    assert reply.intent == "faq" and "大运河" in reply.text and reply.lang == "zh", reply.text


def test_a_long_message_is_read_at_its_start_and_its_end():
    from bot import inputs
    text, cut = inputs.clean("我们是一家在上海注册的资管公司。" * 60 + "请问小镇面积多大？")
    assert cut and text.startswith("我们是") and text.endswith("请问小镇面积多大？") and len(text) <= inputs.MAX_CHARS + 1
    assert inputs.clean("1<2 and 3>2") == ("1<2 and 3>2", False)


def test_a_users_last_buttons_typed_back_press_them_whoever_was_shown_them():
    from bot.choices import Choices
    from bot.messages import Button
    choices = Choices()
    buttons = [Button("小镇在哪", "faq:a"), Button("联系管委会", "faq:b")]
    choices.remember("u1", buttons)
    choices.remember("u2", list(buttons))
    assert choices.by_label("u1", "联系管委会") == buttons[1]
    assert choices.by_label("u2", "2 联系管委会") == buttons[1]
    choices.remember("u2", [Button("主菜单", "/menu")])
    assert choices.by_label("u2", "联系管委会") is None
    assert choices.by_label("u1", "小镇在哪") == buttons[0]
