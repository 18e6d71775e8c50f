"""English for the foreign institutions: the language of each message, the user's stored language, the same
answers, figures and quick-check in English from the reviewed overlays."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from bot.messages import Incoming
from faq import english, language
from faq.language import detect
from faq.same_figures import mismatch
from policy_data.english import chinese_figure, to_cues
from tests.devset import final_amount

NUMBER = re.compile(r"\d+(?:\.\d+)?")


@pytest.fixture
def say(router):
    """say("question", lang_hint) → Reply, as one user on the console."""
    async def _say(text: str = "", hint: str | None = None, user: str = "en1", payload: str | None = None):
        return await router.handle(Incoming("console", user, user, text=text, payload=payload, language_code=hint))
    return _say


@pytest.mark.parametrize("text, lang", [
    ("Where is 运河财富小镇?", "en"), ("what's 金牌管家?", "en"), ("英蓝中心 - is that in the town?", "en"),
    ("When did 杭政办〔2023〕2号 take effect?", "en"), ("fin institutions count end 2022?", "en"),
    ("运河财富小镇intro", "zh"), ("我们是PE fund，想问小镇在哪", "zh"), ("QFLP试点有什么政策", "zh"), ("小镇在哪", "zh"),
    ("QFLP", None), ("10亿", None), ("100 million", None), ("/start", None), ("3", None),
    ("北城·智汇园 2019 revenue?", None), ("英蓝中心 rent", None),
    ("AUM 12bn", "en"), ("Greenland CBD", "en"), ("RMB 300m", "en"), ("QFLP 10亿", None),
    ("我是外资银行的 Kevin, the town is the core area of which Gongshu industry track?", "en"),
    ("你好，where is the town located?", "en"), ("我们是PE fund，想问 where is the town", "zh"),
    ("小镇在哪里，税收多少", "zh"),
    ("what's the policy's core positioning phrase? 要素集聚", "en"), ("我们想要 the town info", "zh"),
])
def test_the_language_of_a_short_message(text, lang):
    assert detect(text) == lang


@pytest.mark.parametrize("question", ["We are a foreign bank with a new fintech subsidiary. Is the 100万 subsidy available?",
                                      "Can we get the RMB 1 million grant for our bank's new fintech subsidiary?"])
async def test_the_amount_naming_the_subsidy_hoped_for_is_no_figure_of_the_askers(say, question):
    reply = await say(question, hint="en")
    assert "paid-in capital RMB 1 million" not in reply.text and "no currency" not in reply.text, reply.text
    assert "Please tell me the paid-in capital" in reply.text, reply.text


async def test_a_figure_clause_of_a_quick_check_gets_no_faq_answer_of_its_own(say):
    reply = await say("We are an asset manager, AUM USD 15 billion, first reached this year. Subsidy?", hint="en")
    assert reply.intent == "calc" and "foreign currency" in reply.text and "first quarter of 2023" not in reply.text, \
        reply.text


@pytest.mark.parametrize("question, says", [
    ("Our licence came in January 2026: was that inside the policy window?", "2026-01: within its validity"),
    ("Our licence was granted in December 2025. Is that within the policy period?", "2025-12: within its validity"),
    ("We were approved in November 2026. Is that within the policy period?", "2026-11: not within its validity"),
])
async def test_whether_a_month_falls_in_the_policy_period_is_answered_in_english(say, question, says):
    reply = await say(question, hint="en")
    assert reply.intent == "policy" and says in reply.text and "expired on 2026-02-28" in reply.text, reply.text


@pytest.mark.parametrize("question", ["What does the 就高不重复 rule of the 2023 doc say?",
                                      "How does Hangzhou treat overlapping subsidies for one project?"])
async def test_the_higher_one_rule_is_answered_in_english_from_the_document(say, question):
    reply = await say(question, hint="en")
    assert reply.intent == "policy" and "就高不重复" in reply.text and "other support policies" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("When is the standards award paid: after the standard is published?", "Art. 9"),
    ("What paid-in capital is required for a national regulator's data centre?", "Art. 8"),
])
async def test_when_an_award_is_paid_or_what_it_requires_is_answered_with_the_measure(say, question, says):
    reply = await say(question, hint="en")
    assert reply.intent == "policy" and says in reply.text, reply.text


@pytest.mark.parametrize("question", ["Which type of institution qualifies for the 2% grant on paid-in capital?",
                                      "Who has to approve a new financial HQ for the 2% grant?"])
async def test_who_or_what_kind_qualifies_is_answered_with_the_measure_not_computed(say, question):
    reply = await say(question, hint="en")
    assert reply.intent == "policy" and "Art. 6" in reply.text and "Please tell me the paid-in" not in reply.text, \
        reply.text


async def test_a_plans_target_for_new_headquarters_is_answered_from_the_plan_not_computed(say):
    reply = await say("How many new bank, securities or insurance HQs did the 13th FYP target?", hint="en")
    assert reply.intent == "faq" and "35" in reply.text, reply.text


async def test_one_english_word_beside_a_long_chinese_name_keeps_the_users_english(say):
    reply = await say("康桥新能源产业园 2019 tax?", hint="en")
    assert reply.intent == "faq" and "Kangqiao" in reply.text and "1.84" in reply.text, reply.text


@pytest.mark.parametrize("chinese, english, differ", [
    ("面积3.3平方公里，2022年税收10.5亿元", "3.3 km², tax of RMB 1.05 billion (10.5亿元) in 2022", None),
    ("实收资本2%，最高5000万元", "2% of paid-in capital, at most RMB 5000万", None),
    ("营收743.45亿元", "revenue of RMB 74.345 billion (743.45亿元)", None),
    ("营收743.45亿元", "revenue of RMB 7.4345 billion (743.45亿元)", "英文“RMB 7.4345 billion”与括号中的“743.45亿元”不相等"),
    ("面积3.4平方公里", "3.3 km²", "中文有 3.4，英文没有；英文有 3.3，中文没有"),
    ("共有12家外资机构", "twelve foreign institutions", "中文有 12，英文没有"),
    ("最高奖励500万元", "at most RMB 5 million (500万元)", None),
    ("最高奖励500万元", "at most RMB 50 million (500万元)", "英文“RMB 50 million”与括号中的“500万元”不相等"),
    ("面积3.30平方公里", "3.3 km²", None),
])
def test_an_english_text_must_state_the_figures_of_its_chinese(chinese, english, differ):
    assert mismatch(chinese, english) == differ


ISO_DATE = re.compile(r"(?<![\w-])(?:19|20)\d\d-\d{1,2}(?:-\d{1,2})?(?![\d-])")


def test_english_dates_are_written_out_with_the_chinese_date_beside_them(kb):
    """"29 November 2019 (2019年11月29日)", as an English reader writes and asks it, never "2019-11-29"."""
    texts = [e.en.answer for e in kb.knowledge.faq] + [c.en.role for c in kb.knowledge.contacts]
    texts += [p.en.lead_text for p in kb.policy.policies.values()]
    assert [t for t in texts if ISO_DATE.search(t)] == []


@pytest.mark.parametrize("number, scale, currency, chinese", [
    ("1", "billion", True, "10亿元"), ("100", "million", False, "1亿"), ("2.5", "billion", True, "25亿元"),
    ("15", "bn", False, "150亿"), ("80", "million", True, "8000万元"), ("1.5", "million", False, "150万"),
    ("1.23456789", "billion", False, "12.3456789亿"), ("1,200", None, False, "1,200"),
])
def test_english_amounts_become_exact_chinese_figures(number, scale, currency, chinese):
    assert chinese_figure(number, scale, currency) == chinese


def test_english_words_are_read_as_the_chinese_cues(kb):
    assert to_cues("New financial HQ, paid-in capital of RMB 1 billion", kb.policy) == "金融总部, 实收资本 10亿元"


@pytest.mark.parametrize("english, chinese", [
    ("one billion yuan", "10亿元"), ("half a billion yuan", "5亿元"), ("RMB 5 hundred million", "5亿元"),
    ("five hundred thousand yuan", "50万元"), ("RMB 30 mln", "3000万元"), ("200 million-yuan", "2亿元"),
    ("RMB-1bn", "10亿元"), ("2.5bn-yuan", "25亿元"), ("ten thousand yuan", "1万元"),
])
def test_english_amounts_in_words_and_hyphens_are_read_exactly(kb, english, chinese):
    assert to_cues(english, kb.policy) == chinese


async def test_a_question_about_what_a_subsidy_covers_is_not_a_quick_check(say):
    reply = await say("Which international certificates does the 2023 policy want included in the financial "
                      "certificate subsidy?")
    assert reply.intent != "calc" and all(c in reply.text for c in ("CIIA", "CFP", "CTP")), reply.text


def test_the_vocabulary_is_matched_in_any_spelling_of_its_words(kb):
    """Plurals, hyphens and British or American spelling of the same words read as the same cue."""
    for spelling in ("payment licence", "payment licenses", "Payment-Licences"):
        assert to_cues(spelling, kb.policy) == to_cues("payment license", kb.policy) != ""


async def test_the_holding_company_a_licence_grant_goes_to_is_not_a_new_financial_holding_company(say):
    reply = await say("We got 7 new overseas payment licences in one year. How much can the domestic holding "
                      "company receive?")
    assert "→ up to RMB 1 million (100万元)" in reply.text and "holding co. grant" not in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("Our common prosperity project was commended at national (State) level. Maximum award?", "RMB 500,000"),
    ("Our common prosperity project won a commendation from a central ministry. How much?", "RMB 200,000"),
    ("Our project supporting common prosperity was honoured by the State Council. How much?", "RMB 500,000"),
    ("We led drafting an international standard in finance. Award amount?", "RMB 1 million"),
    ("We obtained an overseas payment licence. How much?", "RMB 200,000"),
    ("Our infrastructure REIT was listed on the Shanghai exchange. What is the award?", "RMB 3 million"),
    ("Our personal credit bureau just got its licence from the PBOC. How much?", "RMB 10 million"),
    ("Our AM HQ's AUM hit 120 billion yuan for the first time, grant?", "RMB 6 million"),
    ("A newly licensed securities company headquartered in Hangzhou, paid-in capital 1.5 billion yuan. Grant?",
     "RMB 30 million"),
    ("Insurer recognised as a Hangzhou sci-tech insurance specialist institution. Grant?", "RMB 500,000"),
    ("Supply-chain company, receivables financing of RMB 300m on Zhongzheng, ranked 5th. Reward?", "RMB 150,000"),
    ("Capital increase through public fundraising of RMB 400 million for our securities firm. Subsidy?", "RMB 4 million"),
    ("Our newly set up enterprise credit reporting company has filed with the PBOC. Grant?", "RMB 1 million"),
    ("Our bank's technology finance specialist branch was recognised by the city. Grant?", "RMB 500,000"),
    ("Our common prosperity project was honored at national level. How much?", "RMB 500,000"),
    ("CNY 300 million insurance financing for a public hospital (民生) project, subsidy?", "RMB 1.5 million"),
    ("receivables confirmation financing 300 million, we rank 3rd in growth. reward ?", "RMB 150,000"),
])
async def test_english_words_for_the_measure_its_kind_and_its_count(say, question, amount):
    reply = await say(question)
    assert reply.intent == "calc" and f"→ up to {amount}" in reply.text, reply.text


async def test_an_english_keyword_names_only_the_measures_that_have_it(say):
    reply = await say("Our common prosperity project was commended by a ministry. Max award?")
    assert "→ up to RMB 200,000 (20万元)" in reply.text and "500,000" not in reply.text, reply.text


@pytest.mark.parametrize("question, must", [
    ("Where is 运河财富小镇?", "Gongshu"),
    ("What is the total planned area of Canal Wealth Town?", "3.3"),
    ("What road marks the eastern boundary of Canal Wealth Town?", "Shangtang"),
    ("How many registered financial institutions did Canal Wealth Town have at the end of 2022?", "356"),
    ("What tax revenue did Canal Wealth Town generate in 2019?", "10.50"),
    ("What should 西湖蚂蚁小镇 turn into?", "fintech"),          # named in Chinese only: ranked with its English name too
])
async def test_english_questions_get_the_english_answer(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text and reply.lang == "en", reply.text
    assert not re.search(r"[\u4e00-\u9fff]{12}", reply.text.split("\n")[0])     # Chinese only as names


@pytest.mark.parametrize("question, must", [
    ("Under the 2023 Hangzhou financial policy, what is the re-guarantee risk pool for?", "risk pool"),
    ("What does the 2023 policy say about the Financial Innovation Award?", "Article 18"),
    ("How does the 2023 policy support inclusive finance?", "Article 14"),
])
async def test_the_year_naming_the_policy_asks_for_no_figure_of_that_year(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text and "no figure for 2023" not in reply.text, reply.text


@pytest.mark.parametrize("question", ["What is the average salary of finance professionals in Canal Wealth Town?",
                                      "What is the office vacancy rate in Yinglan Centre?",
                                      "What is the population of Canal Wealth Town?",
                                      "When will the next Town Financial Alliance meeting take place?",
                                      "Which architect designed Greenland Central Business District?",
                                      "Does Hangzhou Yinglan Centre have LEED certification?",
                                      "Can our staff open a bank account in the town?",
                                      "How many lawyers work at Yinglan Centre?"])
async def test_what_no_document_states_gets_an_honest_english_reply(say, question):
    reply = await say(question)
    assert reply.intent == "fallback" and "don't state" in reply.text, reply.text


@pytest.mark.parametrize("question", ["What was the revenue in 2019?", "What is the total area?"])
async def test_a_figure_asked_of_nothing_named_asks_which_place_as_in_chinese(say, question):
    reply = await say(question, user="unnamed")
    assert reply.intent == "clarify" and reply.text.startswith("Which place or body do you mean"), reply.text
    named = await say("What was the revenue of Canal Wealth Town in 2019?", user="named")
    assert named.intent == "faq", named.text


@pytest.mark.parametrize("question", ["What about the 2 billion one?", "And that one?"])
async def test_one_pointing_back_at_nothing_talked_about_asks_which_is_meant(say, question):
    reply = await say(question, user="nothing-before")
    assert reply.intent == "clarify" and "does not say which one you mean" in reply.text, reply.text


async def test_a_chinese_term_alone_in_an_english_question_is_answered(say):
    reply = await say("what's 金牌管家?")
    assert reply.intent == "faq" and "Gold Steward" in reply.text, reply.text
    assert (await say("What's your name?", user="en2")).intent == "fallback"


async def test_an_english_question_in_two_parts_gets_both_answers(say):
    reply = await say("What is the total planned area of Canal Wealth Town and which river forms its southern boundary?")
    assert reply.intent == "faq" and "3.3" in reply.text and "Shengli" in reply.text, reply.text



@pytest.mark.parametrize("question", [
    "What is the monthly rent per square metre for Grade A offices in Yinglan Centre?",
    "What's the phone number of the Canal Wealth Town management committee (小镇管委会)?",
    "How much does Shanghai pay a newly established financial headquarters?",
    "How much is Shenzhen's grant for a new financial HQ, compared with Hangzhou's?",      # Hangzhou the yardstick
    "What is the QFLP quota for one fund in Hangzhou?",
    "Is there a shuttle bus from the metro to Yinglan Centre?",
    "What rent subsidy does Ningbo give a new insurer?",                   # a place the documents name, not its subsidies
    "How much does a QDLP pilot manager receive under the 2023 opinions?",   # a direction with no amount
])
async def test_what_the_documents_do_not_say_is_said_in_english_with_the_way_to_a_person(say, question):
    reply = await say(question)
    assert reply.intent == "fallback", reply.text
    assert "/handoff" in [b.payload for b in reply.buttons]                         # the way to a person
    assert "/handoff" in reply.text or "Talk to a person" in reply.text or "Phone: not published yet" in reply.text
    assert "抱歉" not in reply.text and "don" in reply.text


@pytest.mark.parametrize("question, amount", [
    ("new financial HQ, paid-in 100 million, what's the subsidy?", "RMB 2 million (200万元)"),
    ("Newly established financial headquarters, paid-in capital of RMB 1 billion. How much?", "RMB 20 million (2000万元)"),
    ("New financial HQ in Hangzhou, paid-in capital CNY 500 million. How much is the subsidy?", "RMB 10 million (1000万元)"),
    ("Our newly approved financial HQ has 1bn yuan of paid-in capital. How much subsidy?", "RMB 20 million (2000万元)"),
    ("Newly set-up asset management headquarters, AUM 15bn. How much can we get?", "RMB 3 million (300万元)"),
    ("We're a newly approved securities co HQ in Hangzhou, paid-in RMB 5亿. One-off subsidy?", "RMB 10 million (1000万元)"),
])
async def test_the_quick_check_in_english(say, question, amount):
    reply = await say(question)
    assert reply.intent == "calc" and f"→ up to {amount}" in reply.text, reply.text
    assert "expired on 2026-02-28" in reply.text and "杭政办〔2023〕2号 · Art." in reply.sources[0]


@pytest.mark.parametrize("question", ["3 sci-tech bank specialised institutions, total grant?",
                                      "we set up 3 sci-tech bank specialist units, how much in total"])
async def test_several_institutions_counted_in_english_are_each_paid(say, question):
    reply = await say(question)
    assert final_amount(reply.text) == Decimal(1500000) and "Item 3:" in reply.text, reply.text


async def test_a_question_opening_with_i_m_is_no_introduction(say):
    reply = await say("I'm curious about the town's planned area, how big?")
    assert reply.intent == "faq" and "3.3 km²" in reply.text, reply.text


async def test_a_foreign_currency_gets_a_request_for_rmb_in_english(say):
    reply = await say("Paid-in capital of our new financial HQ is USD 200 million. What subsidy do we get?")
    assert "in RMB" in reply.text and "RMB 4 million" not in reply.text and "外币" not in reply.text


@pytest.mark.parametrize("question, currency", [
    ("New financial HQ with paid-in capital of 2 billion Hong Kong dollars, how much?", "Hong Kong dollars"),
    ("New financial HQ, paid-in capital 500 million Singapore dollars, subsidy?", "Singapore dollars"),
    ("Fintech subsidiary, paid-in capital 60 million Australian dollars: grant?", "Australian dollars"),
])
async def test_a_currency_named_by_its_country_is_a_foreign_currency_not_a_place(say, question, currency):
    reply = await say(question)
    assert reply.intent == "calc" and f"foreign currency (“{currency}”)" in reply.text and "→ up to" not in reply.text


@pytest.mark.parametrize("english, chinese", [
    ("1 billion US dollars", "10亿外币"), ("2 billion HK dollars", "20亿外币"), ("HK$ 2 billion", "20亿外币"),
    ("what about 3 billion", "那 30亿"), ("How about RMB 1.5bn?", "那 15亿元?"), ("and RMB 1.5bn?", "15亿元?"), ("1.2 bn yuan", "12亿元"),
])
def test_english_figure_words_keep_their_figure_and_currency(kb, english, chinese):
    assert to_cues(english, kb.policy) == chinese


@pytest.mark.parametrize("question, loose", [
    ("New financial HQ with paid-in capital of over RMB 2 billion, how much?", "超过 20亿元"),
    ("New financial HQ with paid-in capital of about 1 billion yuan, how much?", "约 10亿元"),
    ("New financial HQ with paid-in capital of at least 1 billion, how much?", "至少 10亿"),
    ("New financial HQ with paid-in capital of less than 1 billion, how much?", "不到 10亿"),
    ("New financial HQ with paid-in capital of 1 billion or more, how much?", "10亿以上"),
])
async def test_an_english_figure_given_loosely_is_computed_only_when_its_ends_agree(say, question, loose):
    reply = await say(question)
    assert reply.intent == "calc" and f"“{loose}” is not an exact figure" in reply.text and "→ up to" not in reply.text


@pytest.mark.parametrize("question, amount", [
    ("New financial HQ with paid-in capital of over RMB 3 billion, how much?", "RMB 50 million (5000万元)"),
    ("Newly established asset manager HQ with AUM of about 15 billion yuan: how much?", "RMB 3 million (300万元)"),
])
async def test_a_loose_english_figure_whose_ends_agree_is_computed(say, question, amount):
    reply = await say(question)
    assert f"→ up to {amount}" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("We led one international and one national financial standard, both published. Total?", "RMB 1.3 million (130万元)"),
    ("Two major infrastructure projects: insurance funds of RMB 500 million and RMB 1 billion. Total subsidy?",
     "RMB 7.5 million (750万元)"),
    ("new fin HQ paid-in 1.2bn how much", "RMB 24 million (2400万元)"),
    ("We're a newly approved securities co HQ (independent legal entity) in Hangzhou, paid-in RMB 5亿. one-off subsidy?",
     "RMB 10 million (1000万元)"),
    ("Led one intl, one national and one industry standard in finance - all released. how much in total?",
     "RMB 1.5 million (150万元)"),
    ("insurance funds 10亿 for a major infra project, subsidy to the financing side?", "RMB 5 million (500万元)"),
    ("AUM reached exactly 200亿 for the first time, asset manager HQ in Gongshu - how much?", "RMB 6 million (600万元)"),
    ("asset mgr HQ, AUM first reached 100亿 exactly - subsidy?", "RMB 3 million (300万元)"),
    ("bank wealth mgmt subsidiary newly approved, paid-in RMB 10bn. how much?", "RMB 50 million (5000万元)"),
    ("We set up a new financial holding company. One-off subsidy?", "RMB 10 million (1000万元)"),
    ("Three infrastructure projects each got 400 million yuan of insurance funds. Total subsidy?", "RMB 6 million (600万元)"),
    ("New financial HQ, registered capital USD 100m, paid-in capital RMB 500m: how much?", "RMB 10 million (1000万元)"),
    ("we led 2 intl + 1 industry standard, all published. reward?", "RMB 2.2 million (220万元)"),
    ("Led 1 national & 2 industry standards in finance, total?", "RMB 700,000 (70万元)"),
    ("Our equity market's quoted (挂牌) firms raised RMB 2bn in 2024 and RMB 2.2bn in 2025. Operator reward?",
     "RMB 1 million (100万元)"),
    ("regional equity market operator: quoted firms' financing CNY 2bn (2024), CNY 2.2bn (2025). reward?",
     "RMB 1 million (100万元)"),
    ("two fintech subsidiaries of our licensed bank, paid-in RMB 30m and RMB 80m. total subsidies?",
     "RMB 1 million (100万元)"),
    ("Our finance project for common prosperity was commended by the State this year - award?", "RMB 500,000 (50万元)"),
    ("an insurer put RMB 1bn into a major infrastructure project of ours, subsidy?", "RMB 5 million (500万元)"),
    ("Our locally incorporated bank in Hangzhou was newly approved, paid-in RMB 2 billion. Subsidy?", "RMB 40 million (4000万元)"),
    ("listed companies' financing went 20亿 -> 22亿 (10% growth), operator reward?", "RMB 1 million (100万元)"),
    ("our sci-tech insurance specialised unit was recognised by the city. how much?", "RMB 500,000 (50万元)"),
    ("newly established personal credit reporting company approved by the PBoC - grant amount?", "RMB 10 million (1000万元)"),
])
async def test_english_figures_of_several_items_and_terse_questions_are_computed(say, question, amount):
    reply = await say(question)
    assert reply.intent == "calc" and f"up to {amount}" in reply.text and reply.text.startswith("["), reply.text


@pytest.mark.parametrize("question, said", [
    ("We got 2 overseas payment licences in 2024 and 5 in 2025; total subsidy?", None),
    ("Our bank relocated its headquarters to Hangzhou; paid-in capital 5 billion yuan. Subsidy?", "relocated its headquarters"),
    ("Our insurer moved its HQ to Hangzhou, paid-in capital 2bn. How much?", "moved its HQ"),
    ("Our bank raised 1bn from its shareholders to replenish capital. Subsidy?", "raised 1bn from its shareholders"),
    ("New financial HQ approved by the provincial financial regulator, paid-in capital 1bn. Subsidy?", "approved by the provincial"),
    ("We plan to set up a financial HQ with paid-in capital of 1bn next year. Subsidy?", "plan to set up"),
    ("We acquired a local bank and made it our HQ, paid-in 2bn. Subsidy?", "acquired a local bank"),
    ("We were recognised again as a sci-tech specialist institution. Grant?", "recognised again"),
    ("Quoted firms' financing rose by 200 million to 1.2 billion yuan. Operator reward?", None),
    ("Our pilot reform project passed acceptance; plus we led 3 industry standards. Total?", None),
    ("We co-drafted a national standard in finance. Award?", "co-drafted"),
    ("We worked on an industry standard but were not the lead. Reward?", "not the lead"),
    ("New financial HQ, capital 2bn, not sure about the paid-in part yet. Subsidy?", None),
])
async def test_no_english_amount_where_the_askers_words_leave_it_open_or_rule_it_out(say, question, said):
    reply = await say(question)
    assert "→ up to" not in reply.text, reply.text
    assert said is None or f"You mention “{said}”" in reply.text, reply.text


async def test_a_licence_acquired_is_a_licence_obtained(say):
    reply = await say("We acquired an overseas payment licence this year. Subsidy?")
    assert "→ up to RMB 200,000 (20万元)" in reply.text, reply.text


@pytest.mark.parametrize("question", [
    "Is the policy still valid?", "Is the 2023 policy still in effect?", "Are the 2023 measures still valid?",
    "Is the Hangzhou 2023 finance innovation measure still valid today?", "When does this document expire?",
])
async def test_whether_the_policy_is_still_valid_is_answered_with_the_verdict_first(say, question):
    reply = await say(question)
    assert reply.text.startswith("杭政办〔2023〕2号 is no longer in force"), reply.text
    assert "expired on 2026-02-28" in reply.text.split("\n")[0]


async def test_the_quick_check_dialog_asks_and_answers_in_english(say):
    asked = await say("How much subsidy can our new financial HQ get?")
    assert "Please tell me the paid-in capital" in asked.text and asked.buttons[-1].label == "Cancel"
    reply = await say("RMB 2.5 billion")
    assert "→ up to RMB 50 million (5000万元)" in reply.text


async def test_the_stored_language_answers_commands_and_lang_switches_it(say, services):
    assert "您好" in (await say("/start")).text                          # nothing known: Chinese
    assert (await say("Where is Canal Wealth Town?")).lang == "en"
    welcome = await say("/start")
    assert welcome.text.startswith("Hello!") and [b.label for b in welcome.buttons][:2] == ["FAQ", "Policies"]
    assert (await services.store.users.get("console:en1")).lang == "en"
    switched = await say("/lang zh")
    assert "您好" in switched.text and switched.lang == "zh"          # the channel words its own additions in Chinese
    assert (await say("/help")).text.startswith("可用命令")
    english_help = await say("/lang en")
    assert "I will answer in English" in english_help.text
    assert (await say("/help")).text.startswith("Commands:")
    assert (await services.store.users.get("console:en1")).lang == "en"


@pytest.mark.parametrize("text, unreadable", [
    ("asdf qwer", True), ("asdfgh", True), ("xyzzy plugh!", True),
    ("Where is the town?", False), ("ok", False), ("QFLP", False), ("asdf 100 million", False), ("asdf 小镇", False),
])
def test_letters_that_hold_no_word_the_english_data_knows_are_unreadable(kb, text, unreadable):
    assert language.unreadable(text, kb.english_word) is unreadable
    assert (detect(text, known=kb.english_word) is None) if unreadable else True


async def test_gibberish_gets_a_short_reply_in_the_stored_language_and_keeps_it(say, services):
    assert (await say("小镇在哪", user="g1")).lang == "zh"
    reply = await say("asdf qwer", user="g1")
    assert (reply.intent, reply.lang) == ("clarify", "zh") and reply.text.startswith("抱歉，没看懂")
    assert (await services.store.users.get("console:g1")).lang == "zh"
    await say("Where is Canal Wealth Town?", user="g2")
    reply = await say("asdf qwer", user="g2")
    assert (reply.intent, reply.lang) == ("clarify", "en") and reply.text.startswith("Sorry, I didn't understand")
    assert (await services.store.users.get("console:g2")).lang == "en"
    assert (await say("Asdfgh", user="g3")).lang == "zh"          # a new user's one unknown word is no English


async def test_the_platform_language_is_a_hint_for_a_new_user_only(say):
    assert (await say("/start", hint="en", user="n1")).text.startswith("Hello!")
    assert "坐落于拱墅区" in (await say("小镇在哪", hint="en", user="n2")).text
    assert (await say("/start", hint="en", user="n2")).text.startswith("您好")   # wrote Chinese: the hint loses


async def test_buttons_keep_the_language(say):
    await say("What are the western boundaries of Canal Wealth Town?")
    contacts = await say(payload="/contacts")
    assert contacts.text.startswith("To reach a person now") and "You can contact" in contacts.text and contacts.buttons
    detail = await say(payload=contacts.buttons[0].payload)
    assert detail.text.startswith("[Canal Wealth Town Management Committee") and "Phone: not published" in detail.text


async def test_the_subscription_screen_in_english(say, services):
    await say("Where is Canal Wealth Town?")
    screen = await say(payload="/subscribe")
    assert screen.text.startswith("Your notifications:") and "Get alliance event notices" in [b.label for b in screen.buttons]
    done = await say(payload="sub:events:on")
    assert done.text.startswith("Subscribed to alliance event notices.")
    assert "events" in (await services.store.users.get("console:en1")).subscriptions


@pytest.mark.parametrize("question, says", [
    ("New financial HQ, paid-in capital of $200 million, how much?", "foreign currency (“$”)"),
    ("New financial HQ with registered capital of RMB 1 billion, how much?", "Please tell me the paid-in capital"),
    ("Our new financial HQ was set up in September 2026 with paid-in capital of RMB 1 billion. Subsidy?",
     "after 杭政办〔2023〕2号 expired on 2026-02-28"),
    ("A licensed bank's HQ set up a fintech subsidiary with paid-in capital of RMB 30 million. How much?",
     "does not reach the threshold of RMB 50 million (5000万元) (inclusive)"),
    ("We opened a Hangzhou branch of our foreign bank. Can the branch get the 2% financial HQ subsidy?", "branch"),
])
async def test_no_amount_where_none_is_due(say, question, says):
    reply = await say(question)
    assert says in reply.text and not re.search(r"(up to|can get) RMB", reply.text), reply.text


async def test_policy_browsing_and_the_profile_in_english(say, services):
    await say("Where is Canal Wealth Town?")
    overview = await say(payload="/policy")
    assert "its funding support comes as" in overview.text and "expired on 2026-02-28" in overview.text
    chapter = await say(payload=overview.buttons[0].payload)
    assert chapter.text.startswith("(I) Building") and "Art. 1 Sci-tech specialist institution grant" in chapter.text
    asked = await say("/profile")
    assert asked.text.startswith("Describe your institution") and asked.buttons[-1].label == "Cancel"
    typed = "We are an asset manager with AUM of 15bn, planning an asset management headquarters"
    saved = await say(typed)
    assert saved.text.startswith("Saved your profile (fund and asset management institutions)")
    assert "Art. 13 Asset manager HQ grant: may fit if: An asset management institution headquarters that is newly " \
           "established, or reaches the relevant scale under management for the first time" in saved.text
    assert "RMB 3 million (300万元) (from the figures you gave)" not in saved.text       # new or first time: not said
    assert (await services.store.users.profile("console:en1")).description == typed      # stored as typed


async def test_reaching_a_person_and_event_details_are_in_english(say, services):
    reply = await say("I want to talk to a person")
    assert reply.intent == "handoff" and "No one on duty is online" in reply.text, reply.text   # no channel to staff
    assert "kept" in reply.text and "end" in (await say("end")).text
    reply = await say("What events are coming up?")
    assert reply.intent == "events" and "No alliance events" in reply.text
    from bot.alliance.events import event_text
    from bot.store import Event
    event = Event.of({"type": "路演", "title": "金融科技路演", "start": "2026-12-05T14:00:00+08:00", "place": "小镇会客厅",
                      "audience": "foreign", "signup": "现场报名"}, 3)
    text = event_text(event, "en")
    assert text.startswith("[路演] 金融科技路演\nTime: 2026-12-05 14:00") and "Venue: 小镇会客厅" in text
    assert "For: Specially invited foreign financial institutions" in text and "Sign up: 现场报名" in text
    assert text.endswith("(Details as published, in Chinese.)")


@pytest.mark.parametrize("question", ["How much tax in RMB did Greenland Central Business District pay?",
                                      "How many law firms are in Yinglan Centre?"])
async def test_an_english_how_much_or_how_many_needs_that_figure_in_the_answer(say, question):
    """An entry without an amount in yuan, or without any figure but its years, does not answer it."""
    reply = await say(question)
    assert reply.intent == "fallback" and "don't state" in reply.text, reply.text
    assert "its that" not in reply.text and "what you asked" in reply.text


@pytest.mark.parametrize("question, must", [
    ("How many financial institutions did the town have at the end of 2022?", NUMBER),
    ("In which year was the building operation management system put into use?", re.compile(r"\b2019\b")),
])
async def test_an_english_figure_or_year_question_still_gets_the_entry_holding_it(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must.search(reply.text), reply.text


@pytest.mark.parametrize("question, known", [
    ("Can you give me the full list of the foreign financial institutions admitted to the Town Financial Alliance?", "12"),
    ("Which other law firms besides King & Wood Mallesons have offices in the town?", "King & Wood Mallesons"),
])
async def test_a_list_the_entry_says_the_documents_lack_gets_the_honest_reply_with_what_is_known(say, question, known):
    reply = await say(question)
    assert reply.intent == "fallback" and "do not" in reply.text and known in reply.text, reply.text


async def test_a_newly_established_institution_asks_no_founding_date(say):
    """"established" describing the one asking is no question of when something was established."""
    reply = await say("What does the 2023 policy offer a newly established financial headquarters?")
    assert reply.intent == "faq" and "Article 6" in reply.text, reply.text
    founded = await say("When was the Town Financial Alliance established?", user="en2")
    assert founded.intent == "faq" and "2019" in founded.text, founded.text


@pytest.mark.parametrize("text, folded", [
    ("subsidised HQs relocating", ["subsidy", "headquarters", "move"]),
    ("targeting taxes in the 14th Five-Year plan", ["target", "tax", "fourteenth", "five-year", "plan"]),
    ("our subsidiaries' staff", ["subsidiary", "talent"]),
    ("I'm curious, could you briefly describe it?", []),
])
def test_english_variants_fold_to_the_documents_words(text, folded):
    assert english.words(text) == folded


@pytest.mark.parametrize("question, must", [
    ("Does the 2016 plan support cross-border borrowing?", "cross-border borrowing"),
    ("What is the Open Harbour about?", "Open Harbour"),
    ("What is the document number of the Bay plan?", "浙金融港湾发〔2021〕4号"),
    ("I'm curious, could you briefly describe the Gold Steward system?", "Gold Steward"),
    ("Does the town use big data to screen the enterprises in its buildings?", "big-data"),
    ("What gives the town its competitive edge?", "advantages"),
    ("Tell me about the history of the Grand Canal area in the town", "World Heritage"),
    ("How large is the town's AUM?", "650"),
])
async def test_words_that_only_look_like_an_aspect_ask_none(say, question, must):
    """"cross-border" asks no boundary, "open" no founding date, a document number is no count, "big" or "the canal area" no area."""
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


@pytest.mark.parametrize("question, unstated", [
    ("What are the business hours of the Town Management Committee?", "opening and office hours"),
    ("Is there a fax number for the management committee?", "phone and contact details"),
    ("Who is the general manager of Zhongda Futures?", "person in charge"),
    ("Which floor of Yinglan Centre is the Legal Services Town on?", "details"),
    ("Did the town meet its 2022 targets?", "actual results"),
])
async def test_english_questions_on_what_the_documents_never_state_get_the_honest_reply(say, question, unstated):
    reply = await say(question)
    assert reply.intent == "fallback" and f"don't state its {unstated}" in reply.text, reply.text


@pytest.mark.parametrize("question, must", [
    ("Where is the Automotive Internet Town?", "Tongyi Road"),
    ("When was the Koi Centre completed?", "27 June 2019"),
    ("When did the town join the Yangtze River Delta featured town alliance?", "13 December 2019"),
    ("Who runs the Town Financial Alliance?", "Town Management Committee"),
])
async def test_english_names_of_places_and_bodies_find_their_entry(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("New financial HQ, paid-in capital RMB 1-3 billion, how much?", "ends give different results"),
    ("New financial HQ, paid-in capital between RMB 1 and 3 billion, how much?", "ends give different results"),
    ("New financial HQ, paid-in capital between RMB 1bn and 3bn, how much?", "ends give different results"),
    ("New financial HQ, paid-in capital RMB 1bn-3bn, how much?", "ends give different results"),
    ("New financial HQ, paid-in capital expected to reach RMB 1 billion next year: how much?", "is an expected figure"),
])
async def test_an_english_range_or_expected_figure_is_asked_for_exactly(say, question, says):
    reply = await say(question)
    assert says in reply.text and not re.search(r"(up to|can get) RMB", reply.text), reply.text


async def test_an_english_range_within_one_tier_gives_that_tier(say):
    reply = await say("New asset management HQ, AUM RMB 25-30 billion, how much?")
    assert "→ up to RMB 6 million (600万元) (Art. 13)" in reply.text and "every value in between" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("New financial HQ with paid-in capital RMB 1 billion; another city policy gives us RMB 30 million; which applies?",
     "highest one applies: RMB 30 million (3000万元)"),
    ("New financial HQ, paid-in capital RMB 1 billion. A district policy already gave us RMB 5 million. How much in total?",
     "highest one applies: RMB 20 million (2000万元)"),
])
async def test_another_policys_amount_in_english_is_compared_under_the_higher_one_rule(say, question, amount):
    reply = await say(question)
    assert amount in reply.text and "not added together" in reply.text, reply.text


async def test_an_amount_managed_is_never_read_as_paid_in_capital(say):
    reply = await say("Our new wealth management HQ manages 30 billion yuan. How much subsidy?")
    assert "up to RMB 50 million" not in reply.text and "I read your figure as the paid-in capital" not in reply.text, \
        reply.text


@pytest.mark.parametrize("english, holds, lacks", [
    ("Financing went from 2 billion to 2.5 billion yuan", "20亿 增长到 25亿元", ""),     # two amounts: a rise
    ("AUM of 10 to 12 billion", "100亿到120亿", "增长到"),                                # a range stays a range
    ("Is the reward up to RMB 2 million?", "200万元", "增长到"),                          # a cap, not a rise
])
def test_to_between_two_amounts_is_a_rise(kb, english, holds, lacks):
    cues = to_cues(english, kb.policy)
    assert holds in cues and (not lacks or lacks not in cues), cues


@pytest.mark.parametrize("question, amount, not_said", [
    ("Firms quoted on our regional equity market raised 1.0 billion last year and 1.2 billion this year. Reward "
     "for the operator?", "up to RMB 1.5 million", "Art. 6"),             # quoted firms' financing is no capital raise
    ("Total financing by firms quoted on our regional equity market went from 2 billion to 2.5 billion yuan. "
     "Operator reward?", "up to RMB 2 million", "Art. 6"),
    ("Listed enterprises on the regional equity market raised RMB 1 billion last year and RMB 1.2 billion this year. "
     "Operator reward?", "up to RMB 1.5 million", "Art. 6"),       # listed there is quoted, the year after its amount
])
async def test_quoted_firms_financing_growth_in_english(ask, question, amount, not_said):
    reply = await ask(question)
    assert reply.intent == "calc" and amount in reply.text and not_said not in reply.text, reply.text


async def test_an_operators_reward_for_listed_firms_financing_is_no_capital_raise(ask):
    """The document rewards no stock-exchange listing's financing: listed firms' financing growth is the quoted
    firms' (Art. 12), computed on the part above 5 %, never a capital raise (Art. 6)."""
    reply = await ask("Listed firms raised RMB 1 billion last year and RMB 1.2 billion this year. Operator reward?")
    assert "Art. 12" in reply.text and "Art. 6" not in reply.text, reply.text
    assert final_amount(reply.text) == 1_500_000


@pytest.mark.parametrize("question, amount", [
    ("Insurance funds of RMB 800 million and 1.2 billion went into two major infrastructure projects. Total grant?",
     "Total: up to RMB 9 million (900万元)"),
    ("RMB 3 billion of insurance capital financed one livelihood project. Grant?", "→ up to RMB 5 million (500万元)"),
    ("A common prosperity finance project of ours was commended at ministerial level. Award?",
     "→ up to RMB 200,000 (20万元)"),
])
async def test_english_counts_pairs_of_figures_and_levels_of_commendation_are_read(say, question, amount):
    """"one project" is a count, not a figure without a unit; "800 million and 1.2 billion" are two items, each
    under its own cap."""
    reply = await say(question)
    assert reply.intent == "calc" and amount in reply.text, reply.text


@pytest.mark.parametrize("question, must", [
    ("How is Xianghu Finance Town positioned?", "equity investment fund town"),
    ("Can we stack subsidies from two Hangzhou policies?", "就高不重复"),
])
async def test_english_verb_forms_reach_the_entry(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


@pytest.mark.parametrize("question", ["Who developed the Gold Steward system?",
                                      "Has the Financial Bay implementation plan been replaced?"])
async def test_who_built_a_system_or_whether_a_plan_was_replaced_is_not_stated(say, question):
    assert (await say(question)).intent == "fallback"


async def test_how_a_grant_is_paid_is_no_figure_to_compute_on(say):
    """"paid in instalments" is no paid-in capital, "one-off" no count."""
    reply = await say("Is the new HQ grant paid in instalments or as a one-off sum?")
    assert reply.intent == "policy" and "one-off grant" in reply.text, reply.text


async def test_an_english_question_about_a_town_of_the_plan_is_answered_by_that_towns_entry(say):
    """The plan named beside the town only says where to look: the plan's entry on another town answers nothing."""
    reply = await say("What role does the 2016 Hangzhou plan give Xixi Valley Internet Finance Town?")
    assert reply.intent == "faq" and "internet finance innovation demonstration town" in reply.text, reply.text


@pytest.mark.parametrize("question", ["How many employees does the Northern Software Park have?",
                                      "What is the town's workforce?"])
async def test_a_number_of_employees_is_not_stated(say, question):
    """The documents count talents, never employees: an English question for a headcount gets the honest reply."""
    reply = await say(question, "en")
    assert reply.intent == "fallback" and "number of employees" in reply.text, reply.text


@pytest.mark.parametrize("question, aspect", [
    ("Who chairs the Town Financial Alliance?", "person in charge"),
    ("Can we book a meeting room in the Party and Public Service Centre?", "details"),
    ("How many visitors come to Canal Wealth Town a year?", "details"),
    ("Should we choose Xixi Valley or Canal Wealth Town for our fintech arm?", "recommendations"),
])
async def test_english_words_for_what_the_documents_never_state_get_the_honest_reply(say, question, aspect):
    reply = await say(question, "en")
    assert reply.intent == "fallback" and aspect in reply.text, reply.text


async def test_the_towns_talents_are_still_counted(say):
    reply = await say("How many talents has the town gathered?", "en")
    assert reply.intent == "faq" and "1000" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("Where is Yunhe Caifu Xiaozhen?", "Gongshu District"),
    ("when was the Jinrong Caifu Lianmeng founded?", "2019"),
    ("what's the area of Shangtang Dianshang Xiaozhen", "3.86"),
])
async def test_names_typed_in_pinyin_are_understood(say, question, says):
    """运河财富小镇 typed as "Yunhe Caifu Xiaozhen": the pinyin of a name's parts reads as the English name's words."""
    reply = await say(question, "en")
    assert reply.intent == "faq" and says in reply.text, reply.text


@pytest.mark.parametrize("question, options", [
    ("Where is the 康桥 park?", ["Kangqiao New Energy Industrial Park", "Kangqiao Health Industry Park"]),
    ("how many companies does the 乐富 park hold", ["Lefu Design Park", "Lefu Zhihui Park"]),
])
async def test_a_chinese_word_that_several_places_names_hold_is_asked_about(say, question, options):
    """"康桥" names no place itself and is part of two places' names: the bot asks which one, states nothing."""
    reply = await say(question, "en")
    assert reply.intent == "clarify" and all(o in reply.text for o in options), reply.text


@pytest.mark.parametrize("pick, says", [
    ("the health one", "Kangqiao Health Industrial Park"),
    ("康桥新能源产业园", "Kangqiao New Energy Industrial Park"),
])
async def test_the_place_picked_after_which_one_gets_the_question_in_english(say, pick, says):
    """A part of one option's English name, or its Chinese name alone, answers "which one?" and the answer stays
    English."""
    await say("Where is the 康桥 park?", "en", user="pick1")
    reply = await say(pick, "en", user="pick1")
    assert reply.intent == "faq" and reply.text.startswith(says), reply.text


def test_a_message_of_known_names_alone_decides_no_language(kb):
    assert detect("康桥健康产业园", kb.gazetteer.without_names) is None
    assert detect("康桥健康产业园在哪", kb.gazetteer.without_names) == "zh"


@pytest.mark.parametrize("question, says", [
    ("xixi valley positioning in the 13th FYP?", "internet finance innovation demonstration town"),
    ("In the 13th FYP how is Xianghu positioned?", "equity investment fund town"),
])
async def test_a_town_named_beside_its_plan_is_answered_by_that_towns_entry_though_others_rank_higher(say, question, says):
    """The plan's many entries on other things may rank above the town's own: that one is looked for further down,
    never the plan's entry on Canal Wealth Town."""
    reply = await say(question)
    assert reply.intent == "faq" and says in reply.text and "non-bank finance cluster town" not in reply.text, reply.text



@pytest.mark.parametrize("question, says", [
    ("We have no approval from the national financial regulator. Can we still get the new financial HQ grant?",
     "You mention “no approval”"),
    ("New financial HQ set up without approval, paid-in capital RMB 2 billion. How much?", "You mention “without approval”"),
    ("Our provincial finance reform pilot project has not passed acceptance, what's the art 10 award?", "You mention “not passed”"),
    ("Provincial finance reform pilot, acceptance still ongoing. Can we get the award?", "You mention “still ongoing”"),
])
async def test_an_english_question_saying_a_condition_is_not_met_gets_no_amount(say, question, says):
    reply = await say(question)
    assert reply.intent in ("calc", "policy") and says in reply.text and not re.search(r"up to RMB", reply.text), reply.text


async def test_each_part_of_an_english_message_after_an_introduction_is_read(say):
    """"Two questions: does …, and what's …": the yes/no question after the colon is a question too, and the
    second part, naming nothing known, is a question of its own rather than more of the first."""
    reply = await say("Hello, I work for a bank in Munich. Two questions: does the town have any foreign banks, "
                      "and what's the subsidy for a sci-tech specialised banking unit?")
    assert reply.intent != "fallback" and "RMB 500,000 (50万元)" in reply.text, reply.text


async def test_how_many_of_two_things_gets_both_counts(say):
    reply = await say("How many museums and historic districts are there in the town?")
    assert reply.intent == "faq" and "five major museums" in reply.text and "three major historic districts" in reply.text, \
        reply.text


@pytest.mark.parametrize("text, folded", [("CFA-level credentials", "cfa level certification"),
                                          ("Hangzhou-based funds", "hangzhou based fund")])
def test_a_level_or_grade_compound_keeps_its_name(text, folded):
    assert english.fold_phrase(text) == folded


async def test_which_of_a_number_of_things_asks_their_names(say):
    """The entry counts the alliance's foreign members and says the documents do not name them."""
    reply = await say("Which 12 foreign institutions joined the Town Financial Alliance as invited members?")
    assert reply.intent == "fallback" and "do not list" in reply.text, reply.text


async def test_a_figure_asked_in_another_currency_is_not_stated(say):
    """The documents give RMB only and no exchange rate: the RMB figure is not passed off as dollars."""
    reply = await say("How big is the town's fund management scale in US dollars?")
    assert reply.intent == "fallback" and "don't state its details" in reply.text, reply.text


async def test_a_listing_abroad_is_still_a_question_about_hangzhous_policy(say):
    """Where REITs are listed is a venue, not whose policy is asked (the award covers domestic or overseas exchanges)."""
    reply = await say("Our infrastructure REIT is listed in Hong Kong. Any award?")
    assert reply.intent in ("calc", "policy") and "RMB 3 million (300万元)" in reply.text, reply.text


async def test_another_citys_incentives_are_not_answered_by_an_entry_mentioning_it_in_passing(say):
    reply = await say("What wealth management incentives does Shanghai offer?")
    assert reply.intent == "fallback" and "don't say anything about Shanghai" in reply.text, reply.text


@pytest.mark.parametrize("question", [
    "We raised RMB 500 million in a private placement to our shareholders to boost paid-in capital. Subsidy?",
    "Our highway project's total investment is RMB 5 billion, partly insurance funds. Subsidy?",
    "We are the fund manager of an infrastructure REIT. Award?",
])
async def test_shareholders_money_a_projects_whole_investment_or_a_reits_manager_get_no_amount(ask, question):
    reply = await ask(question)
    assert reply.intent == "calc" and final_amount(reply.text) is None, reply.text


@pytest.mark.parametrize("question, place", [
    ("what subsidies does Singapore give wealth managers, vs Hangzhou?", "Singapore"),
    ("Hong Kong's new capital investment entrant scheme - does Hangzhou have the same?", "Hong Kong"),
    ("Do we need a MAS-style licence in Hangzhou like in Singapore to do wealth mgmt?", "Singapore"),
])
async def test_another_place_compared_with_hangzhou_gets_the_honest_reply(say, question, place):
    reply = await say(question)
    assert reply.intent == "fallback" and f"don't say anything about {place}" in reply.text, reply.text


@pytest.mark.parametrize("question", ["What are the names of the five museums?",
                                      "Which are the three historic districts, names?"])
async def test_names_the_documents_do_not_list_get_the_honest_reply(say, question):
    reply = await say(question)
    assert reply.intent == "fallback" and "do not list" in reply.text, reply.text


@pytest.mark.parametrize("first, then, holds", [
    ("Where is Canal Wealth Town?", "How big is it?", "3.3 km²"),
    ("How big is Canal Wealth Town?", "What are the boundaries?", "Shangtang Road"),
])
async def test_a_short_english_follow_up_continues_the_last_topic(say, first, then, holds):
    await say(first)
    reply = await say(then)
    assert reply.intent == "faq" and holds in reply.text, reply.text


async def test_an_english_pronoun_with_nothing_talked_about_yet_gets_a_question_back(say):
    reply = await say("Where is it?")
    assert reply.intent == "clarify", reply.text


@pytest.mark.parametrize("text, first", [
    ("we are a payment institution, what support fits us?", "Art. 11"),
    ("We are a securities firm, which measures fit us?", "Art. 6"),
])
async def test_an_english_self_description_asking_what_fits_gets_the_measures(say, text, first):
    reply = await say(text)
    assert reply.intent == "policy" and reply.text.startswith("Best fits for") and first in reply.text, reply.text


async def test_an_english_list_of_what_fits_gives_each_ceiling_on_one_screen_not_the_whole_rule(say):
    reply = await say("We are a newly established asset management company HQ, what support is there?")
    assert reply.intent == "policy" and "Art. 13 Asset manager HQ grant: up to RMB 6 million (600万元)" in reply.text \
        and "in tiers by" not in reply.text and "policy:m:am-hq" in [b.payload for b in reply.buttons], reply.text
    assert len(reply.text) <= 650, len(reply.text)


@pytest.mark.parametrize("question, must", [
    # a place in the asker's introduction is not what is asked
    ("hi, I'm with a Singapore bank, 2020 target for finance value added in the 13th FYP? in bn", "1600"),
    ("Hello, we are a Hong Kong fund looking at 拱墅. 13th FYP target share of finance in GDP by 2020?", "11%"),
    # a bare "how many" asks of the clause before it
    ("registered financial institutions in the town at the end of 2022, how many?", "356"),
    # a Chinese introduction before an English question: answered in English, about what is asked
    ("我是外资银行的 Kevin, the town is the core area of which Gongshu industry track?", "commerce and finance"),
    # "I work at X" introduces the asker whatever X is
    ("Hello, I work at Standard Chartered in 杭州英蓝中心. Which buildings are in the town?", "Sino-Ocean International Centre"),
])
async def test_an_english_introduction_is_left_out_and_fragments_join_their_question(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and must in reply.text, reply.text


def test_an_english_introduction_is_no_question_clause_and_a_fragment_joins_the_question():
    from faq.reading import question_clauses
    assert question_clauses("hi team, we are a new pe firm in gongshu - when was mybank set up?", "en") \
        == ["when was mybank set up"]
    assert question_clauses("we are a bank.", "en") == ["we are a bank."]      # nothing after it: the message itself
    # a fragment after a question is said of it
    assert question_clauses("the town sits next to which river? the grand canal? thx", "en") \
        == ["the town sits next to which river the grand canal thx"]


@pytest.mark.parametrize("question, must", [
    # the date a document's validity is asked at asks no figure of that year
    ("Is the Hangzhou 13th FYP still valid in 2026?", ["2020-12-31"]),
    ("Is the bay implementation plan still running? it's March 2027 now", ["2025-12-31"]),
    # two questions joined by "+" or by "and" after a bare "area"
    ("Northern Software Park area + tax revenue in 2019?", ["3.07", "8.5亿"]),
    ("Beicheng Zhihui Park area and revenue in 2019", ["0.61", "48.84亿"]),
])
async def test_an_english_validity_date_or_a_joined_area_question_gets_its_answer(say, question, must):
    reply = await say(question)
    assert reply.intent == "faq" and all(m in reply.text for m in must), reply.text


def test_a_place_in_the_askers_introduction_is_no_place_the_quick_check_is_asked_of(kb):
    from policy_data.english import for_reading
    from policy_data.extract import read
    book = kb.policy
    intro = "hello, i'm from a singapore family office, new insurance HQ in hz, paid-in 500 million yuan, how much"
    asked = "new insurance HQ in singapore, paid-in 500 million yuan, how much"
    assert not read(for_reading(intro, book, "en"), book).elsewhere()
    assert read(for_reading(asked, book, "en"), book).elsewhere()


@pytest.mark.parametrize("question, amount", [
    ("Hello, we are a new PE firm in Gongshu - we led the drafting of 3 national finance standards (published) - total?",
     Decimal("900000")),
    ("we are an insurer: insurance funds financing RMB 200 million for a metro project, subsidy to financer?",
     Decimal("1000000")),
])
async def test_an_introduction_then_a_figure_and_total_or_subsidy_to_is_the_quick_check(say, question, amount):
    reply = await say(question)
    assert reply.intent == "calc" and final_amount(reply.text) == amount, reply.text


async def test_the_alliance_motto_asked_by_its_chinese_name_is_the_slogan(say):
    reply = await say("What's the slogan of the 小镇金融联盟?")
    assert "有事大家帮" in reply.text, reply.text


async def test_an_english_question_of_a_whole_year_is_not_answered_by_part_of_it(say):
    """"at the end of 2023" of the figure since the first quarter of 2023: that is said, not given as the year's."""
    reply = await say("How many financial institutions had the town gathered by the end of 2023?")
    assert reply.intent == "fallback" and "whole of 2023" in reply.text, reply.text
    reply = await say("How many financial institutions did the town have at the end of 2022?", user="en2")
    assert reply.intent == "faq" and "356" in reply.text, reply.text


async def test_an_english_question_naming_what_the_best_entry_never_mentions_is_not_answered_by_it(say):
    """"Hangzhou's GDP in 2023": the entry dated 2023 says nothing of GDP, which other answers mention."""
    reply = await say("What was Hangzhou's GDP in 2023?")
    assert reply.intent == "fallback", reply.text
    reply = await say("Which years does the bay implementation plan cover?", user="en2")   # a document's own facts
    assert reply.intent == "faq" and "2021" in reply.text and "2025" in reply.text, reply.text


@pytest.mark.parametrize("question, says", [
    ("insurance funds subsidy (art 15) paid to who — insurer or financing party?", "the financing party is given"),
    ("for the fin-reform pilot award (art 10) when is it paid — before or after acceptance?", "after the project passes acceptance"),
    ("Under the insurance-funds measure, who receives the subsidy?", "the financing party is given"),
])
async def test_who_is_paid_or_when_is_answered_from_the_measures_text_not_computed(say, question, says):
    """"(art 15)" names the article, no figure; "paid to who" asks for the beneficiary in the measure's own text."""
    reply = await say(question)
    assert reply.intent == "policy" and says in reply.text, reply.text


def test_a_plans_ordinal_is_no_figure_asked():
    from faq import english
    assert english.numbers("Which are the five finance towns in the 13th FYP (五镇)?") == set()
    assert english.numbers("the 14th five-year plan target of 1600亿") == {"1600"}


async def test_a_question_naming_the_13th_fyp_is_answered_by_its_topic_not_by_entries_holding_13(say):
    reply = await say("Which are the five finance towns in the 13th FYP (五镇)?")
    assert reply.intent == "faq" and "Five Towns" in reply.text, reply.text


@pytest.mark.parametrize("question, says, not_said", [
    ("Is the 2023 policy still applicable for applications submitted in March 2026?",
     "2026-03: not within its validity", "2026: within"),
    ("(Hangzheng Ban 2023 No.2) still valid?", "is no longer in force", "2023: within"),
])
async def test_the_month_asked_is_compared_with_the_validity_and_the_documents_own_year_is_not_asked(say, question, says,
                                                                                                     not_said):
    reply = await say(question)
    assert says in reply.text and not_said not in reply.text, reply.text


async def test_who_is_in_charge_of_implementing_a_document_is_its_lead_department_not_a_person(say):
    reply = await say("Who is in charge of implementing the 2023 policy?")
    assert reply.intent == "faq" and "市地方金融监管局" in reply.text, reply.text
    person = await say("who is in charge of the management committee?")
    assert person.intent == "fallback", person.text


async def test_tell_me_asks_like_a_question_in_a_message_of_several(say):
    reply = await say("Tell me the three branches of the alliance, its motto and how many events it has organized")
    assert "quasi-financial industry branch" in reply.text and "50余次" in reply.text, reply.text


@pytest.mark.parametrize("question, amount", [
    ("insurance money of RMB 600 million went into our light rail line, what subsidy do we get?", 3_000_000),
    ("insurance funds of RMB 200 million financed a new waterworks, subsidy?", 1_000_000),
    ("new financial HQ with paid-in capital of RMB 1.5 billion; the district granted RMB 40 million for the same, "
     "what do we end up with?", 40_000_000),       # 1.5 billion × 2% = 30 million, the district's 40 million is higher
])
async def test_more_english_words_for_a_project_kind_and_another_policys_amount(ask, question, amount):
    reply = await ask(question)
    assert final_amount(reply.text) == amount, reply.text


@pytest.mark.parametrize("question", ["New financial HQ, paid-in capital RMB 2 billion, not fully paid yet, subsidy?",
                                      "newly approved HQ: paid-in RMB 600 million, partly paid so far - how much?"])
async def test_capital_paid_in_only_in_part_is_asked_about_in_english(ask, question):
    reply = await ask(question)
    assert final_amount(reply.text) is None, reply.text


async def test_an_english_cue_several_measures_share_names_neither_alone(ask):
    reply = await ask("insurance capital financing of RMB 800 million for a light rail line, one-off subsidy?")
    assert "Art. 15" in reply.text and "Art. 4" not in reply.text and final_amount(reply.text) == 4_000_000, reply.text


async def test_an_english_question_naming_an_aspect_is_answered_by_the_english_entry_stating_it(ask):
    reply = await ask("What indices does article 7 plan to publish, like the talent index?")   # its words are English
    assert reply.intent == "faq" and "Article 7" in reply.text, reply.text
