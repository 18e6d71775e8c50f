"""Half a sentence asks nothing: "那个", "不对", or, with nothing said before, "多少钱？" and "什么时候" get a request to say
the whole question, never an answer that happens to hold the word."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", ["那个", "不对", "啥意思", "huh"])
async def test_a_fragment_is_asked_to_be_said_in_full(ask, text):
    reply = await ask(text)
    assert reply.intent == "clarify" and text in reply.text, reply.text


@pytest.mark.parametrize("text", ["多少钱？", "什么时候", "还有别的吗", "在哪里啊", "how much?"])
async def test_a_bare_question_word_with_nothing_said_before_is_asked_to_be_said_in_full(ask, text):
    reply = await ask(text)
    assert reply.intent == "clarify" and text in reply.text, reply.text


async def test_after_a_topic_a_bare_question_word_is_a_follow_up(ask):
    await ask("英蓝中心是什么")
    reply = await ask("在哪")
    assert reply.intent != "clarify", reply.text
