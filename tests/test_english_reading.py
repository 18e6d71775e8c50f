"""English questions read as the Chinese ones are: a Chinese name inside an English question, the town named
without "the", two questions joined by "and", the year asked of a plan, the quick-check's English words, and
follow-ups on the measure just answered."""
from __future__ import annotations

import pytest

from bot.messages import Incoming
from faq import english
from faq.language import detect
from tests.devset import final_amount


@pytest.fixture
def say(router):
    """say("question", user) → Reply, one English-speaking user per `user`."""
    async def _say(text: str, user: str = "en-r1"):
        return await router.handle(Incoming("console", user, user, text=text, language_code="en"))
    return _say


def test_a_chinese_name_holding_a_function_character_is_no_chinese_sentence(kb):
    names = kb.gazetteer.without_names
    assert detect("康桥新能源产业园 east and west boundaries?") == "zh"      # 能 alone reads as Chinese grammar
    assert detect("康桥新能源产业园 east and west boundaries?", names) == "en"
    assert detect("康桥新能源产业园在哪里", names) == "zh"
    assert detect("康桥新能源产业园能源企业有哪些 list", names) == "zh"


async def test_an_english_question_naming_a_park_in_chinese_is_answered_in_english(say):
    reply = await say("康桥新能源产业园 where is it exactly?")
    assert reply.lang == "en" and reply.text.startswith("Kangqiao New Energy Industrial Park"), reply.text


def test_a_bare_town_is_the_town_and_towns_are_not(kb):
    reader = kb.reader_for("en")
    assert reader.read("town fund AUM at end of 2022?").entities == ["town"]
    assert "town" not in reader.read("How many towns set up the featured town alliance?").entities
    assert "town" not in reader.read("What are the targets for characteristic finance towns?").entities


def test_a_year_before_in_or_under_a_plan_is_asked(kb):
    reader = kb.reader_for("en")
    assert reader.read("listed companies target for 2020 in the 13th FYP").years == [2020]
    assert reader.read("What does the 2016 plan say about fintech?").years == []
    assert reader.read("cross-border payment target in the 2023 opinion").years == []
    assert reader.read("AUM target by 2025 per the 2023 doc").years == [2025]
    assert reader.read("listed company target in 杭政办2023-2").years == []


def test_the_terms_of_an_english_question_fold_to_the_english_answers_words():
    assert english.words("the 十三五 plan") == english.words("the thirteenth five-year plan")
    assert english.words("the town's dual-wheel model") == english.words("the town's twin engines model")
    assert english.words("qualifications") == english.words("credentials") == english.words("certification")


def test_an_english_clause_is_split_at_and_outside_names(kb):
    reader = kb.reader_for("en")
    assert reader.halves("the core area and the eastern boundary of the town") == ["the core area",
                                                                                  "the eastern boundary of the town"]
    assert reader.halves("What is the Yangtze River Delta Featured Town Industry Alliance") == []


async def test_two_english_questions_joined_by_and_get_both_answers(say):
    reply = await say("How many office buildings does the town have, and roughly how much total office space?")
    assert "20" in reply.text and "50万平方米" in reply.text and len(reply.sources) == 2, reply.text


@pytest.mark.parametrize("question, amount", [
    ("A licensed securities firm newly set up a fintech sub with paid-in capital of RMB 60 million. Subsidy?", 1_000_000),
    ("Our asset manager HQ just crossed AUM of RMB 12 billion. Grant?", 3_000_000),
    ("We were recognised as a sci-tech bank specialised institution. How much?", 500_000),
    ("We led a national financial standard. Award?", 300_000),
    ("listed companies' financing was RMB 1 billion last year and RMB 1.1 billion this year; reward for the operator?",
     500_000),
    ("Our infrastructure REIT got listed on a domestic exchange, award for the owner?", 3_000_000),
])
async def test_more_english_words_of_the_quick_check(say, question, amount):
    reply = await say(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


async def test_an_english_follow_up_on_the_measure_just_computed(say):
    first = await say("new enterprise credit reporting company, how much?", "en-f1")
    assert final_amount(first.text) == 1_000_000
    other = await say("what about personal credit reporting?", "en-f1")
    assert other.intent == "calc" and final_amount(other.text) == 10_000_000, other.text
    rule = await say("what's the cap?", "en-f1")
    assert rule.intent == "policy" and rule.text.startswith("[Art. 16"), rule.text


async def test_an_english_question_after_a_quick_check_is_not_taken_for_a_follow_up(say):
    await say("new enterprise credit reporting company, how much?", "en-f2")
    reply = await say("where is the town?", "en-f2")
    assert reply.intent == "faq" and "Daguan Road" in reply.text


@pytest.mark.parametrize("question, said", [
    ("When did the 2023 policy take effect?", "valid from 1 March 2023 to 28 February 2026"),
    ("When was 杭政办〔2023〕2号 signed?", "dated 19 January 2023 (2023-01-19)"),
])
async def test_the_documents_dates_are_written_for_an_english_reader(say, question, said):
    reply = await say(question)
    assert reply.intent == "policy" and said in reply.text, reply.text


async def test_an_english_question_on_a_gdp_gets_the_honest_reply_but_a_share_of_gdp_is_answered(say):
    reply = await say("What was the district GDP of Gongshu in 2018?")
    assert reply.intent == "fallback" and "GDP" in reply.text, reply.text
    share = await say("What share of Hangzhou's GDP was finance meant to reach by 2020?")
    assert share.intent == "faq", share.text


async def test_a_directions_edge_is_a_boundary_and_an_edge_over_others_an_advantage(say):
    edge = await say("what is on the town's eastern edge?")
    assert "Shangtang Road" in edge.text, edge.text
    over = await say("What's the town's edge over other towns?")
    assert "advantages" in over.text, over.text


def test_an_english_message_is_cut_into_its_sentences_not_at_its_spaces():
    from bot.parts import pieces
    assert pieces("We are a fund. Where is the town? Whom do I contact for the subsidies?", english=True) == [
        "Where is the town?", "Whom do I contact for the subsidies?"]


async def test_an_english_message_asking_a_place_and_a_contact_gets_both(say):
    reply = await say("Where is the town? And whom do I contact for the subsidies?")
    assert "Daguan Road" in reply.text and "To reach a person now" in reply.text, reply.text
