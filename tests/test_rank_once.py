"""A message whose questions each find an answer of their own is answered from those rankings: the whole
message is not ranked as well. When the whole may overrule its parts (a place the documents do not cover) it is."""
from __future__ import annotations

import pytest


@pytest.fixture
def ranked(kb, monkeypatch) -> list[str]:
    """The queries the Chinese FAQ matcher is asked to rank from now on."""
    matcher, asked = kb.reader_for("zh").matcher, []
    rank = matcher.rank
    monkeypatch.setattr(matcher, "rank", lambda question, limit=3: asked.append(question) or rank(question, limit))
    return asked


@pytest.mark.parametrize("text, told", [("小镇在哪里？有哪些楼宇？", ("大关路", "英蓝中心")),
                                        ("十三五五镇有哪些，其中运河财富小镇定位是什么", ("玉皇山南基金小镇", "非银金融集聚小镇"))])
async def test_parts_answered_each_leave_the_whole_message_unranked(ask, kb, ranked, text, told):
    reply = await ask(text, user="rank-once")
    assert reply.intent == "faq" and len(reply.sources) == 2 and all(t in reply.text for t in told)
    assert len(ranked) == 2 and kb.reader_for("zh").read(text).query not in ranked


async def test_a_message_the_parts_do_not_answer_each_is_ranked_whole(ask, kb, ranked):
    text = "杭州金融城在哪里，有多大"
    reply = await ask(text, user="rank-whole")
    assert "三官塘路" in reply.text and ranked[0] == kb.reader_for("zh").read(text).query


async def test_the_halves_of_a_clause_are_read_and_ranked_once(ask, kb, ranked, monkeypatch):
    reader, reads = kb.reader_for("zh"), []
    read = reader.read
    monkeypatch.setattr(reader, "read", lambda text, topic=None: reads.append((text, topic)) or read(text, topic))
    reply = await ask("工业设计小镇面积和2019年营业收入", user="halves-once")
    assert "1.42平方千米" in reply.text and "3.25亿元" in reply.text and len(reply.sources) == 2
    halves = [(text, topic) for text, topic in reads if text in ("工业设计小镇面积", "2019年营业收入")]
    assert len(halves) == len(set(halves)) >= 2 and len(ranked) == len(set(ranked)) >= 3
