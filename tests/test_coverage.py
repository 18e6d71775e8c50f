"""The coverage of a question is the weight of its features each entry holds, summed feature by feature, and
only the entries holding one are scored for it; the score adds each bonus only where it is earned."""
from __future__ import annotations

import pytest

from faq.matcher import (ANSWER_WEIGHT, COVERAGE_WEIGHT, KEYWORD_BONUS, KEYWORD_CAP, NUMBER_BONUS, NUMBER_MALUS,
                         UNKNOWN_PLACE_MALUS)


@pytest.mark.parametrize("question", ["小镇多大", "2019年小镇引进了多少金融企业", "联盟口号", "上海的房价多少"])
def test_each_entry_holds_the_weight_of_the_features_it_shares_with_the_question(kb, question):
    matcher = kb.faq
    feats = matcher.text.features_of(matcher.text.words(question))
    weights = {f: matcher._idf(f) for f in sorted(feats)}
    asked, told, candidates = matcher._coverage(weights)
    known = sorted((f for f in weights if f in matcher._ids), key=lambda f: (matcher._told.count(matcher._ids[f]), f))
    for i in range(len(matcher.entries)):
        holds = [f for f in known if i in matcher._told[matcher._ids[f]]]
        asks = [f for f in holds if i in matcher._asked[matcher._ids[f]]]
        assert asked[i] == sum(weights[f] for f in asks) if asks else asked[i] == 0
        assert told[i] == sum(weights[f] for f in holds) if holds else told[i] == 0
        assert (i in candidates) == bool(holds)



@pytest.mark.parametrize("question", ["小镇2019年税收多少", "金牌管家是什么", "小镇金融联盟有哪些分会", "上海的房价多少"])
def test_a_score_blends_coverage_and_similarity_and_adds_each_bonus_where_it_is_earned(kb, question):
    matcher, words, numbers = kb.faq, kb.faq.text.words(question), kb.faq.text.numbers(question)
    weights = {f: matcher._idf(f) for f in sorted(matcher.text.features_of(words))}
    asked, told, candidates = matcher._coverage(weights)
    similar, hits = matcher._similar(" ".join(sorted(words)), candidates), matcher._keyword_hits(matcher.text.fold_phrase(question))
    holding = {i for n in numbers for i in matcher._numbers.get(n, ())}       # the entries holding a number asked
    penalty, index = UNKNOWN_PLACE_MALUS if matcher.unknown_places(words) else 0.0, {id(e): i for i, e in enumerate(matcher.entries)}
    for match in matcher._rank(question, 10):
        i = index[id(match.entry)]
        expected = (COVERAGE_WEIGHT * (((1 - ANSWER_WEIGHT) * asked[i] + ANSWER_WEIGHT * told[i]) / sum(weights.values()))
                    + (1 - COVERAGE_WEIGHT) * similar.get(i, 0.0) - penalty
                    + min(KEYWORD_CAP, KEYWORD_BONUS * hits.get(i, 0))
                    + ((NUMBER_BONUS if i in holding else -NUMBER_MALUS) if numbers else 0.0))
        assert match.score == max(0.0, min(1.0, expected))


@pytest.fixture(scope="module")
def at_scale(kb):
    """The same entries, matched as a knowledge base past SCALE is."""
    import faq.matcher
    scale, faq.matcher.SCALE = faq.matcher.SCALE, 1
    try:
        yield faq.matcher.FaqMatcher(kb.faq.entries, cache_dir=None)
    finally:
        faq.matcher.SCALE = scale


@pytest.mark.parametrize("question", ["小镇2019年税收多少", "金牌管家是什么", "联盟口号", "上海的房价多少"])
@pytest.mark.parametrize("gathered", [1, 10**9])
def test_at_scale_the_candidates_are_the_entries_whose_phrasings_weigh_most_and_their_sums_are_complete(
        kb, at_scale, monkeypatch, question, gathered):
    import faq.matcher
    monkeypatch.setattr(faq.matcher, "GATHERED", gathered)
    monkeypatch.setattr(faq.matcher, "CANDIDATES", 20)
    weights = {f: kb.faq._idf(f) for f in sorted(kb.faq.text.features_of(kb.faq.text.words(question)))}
    full_asked, full_told, _ = kb.faq._coverage(weights)
    asked, told, candidates = at_scale._coverage(weights)
    assert len(candidates) == len(set(candidates)) == min(20, sum(1 for t in full_told if t))
    for i in candidates:                          # however few postings were read to find them
        assert asked[i] == pytest.approx(full_asked[i]) and told[i] == pytest.approx(full_told[i])
    totals = [asked[i] + told[i] for i in candidates]
    assert totals == sorted(totals, reverse=True)
    if gathered > 1:                              # every posting read: the heaviest phrasings
        heaviest = sorted((a for a in full_asked if a), reverse=True)[:20]
        assert sorted((full_asked[i] for i in candidates if full_asked[i]), reverse=True) == pytest.approx(heaviest)


def test_at_scale_entries_holding_the_words_in_their_answers_only_fill_the_candidates_the_phrasings_leave(
        kb, at_scale, monkeypatch):
    import faq.matcher
    monkeypatch.setattr(faq.matcher, "CANDIDATES", len(kb.faq.entries))
    weights = {f: kb.faq._idf(f) for f in sorted(kb.faq.text.features_of(kb.faq.text.words("小镇2019年税收多少")))}
    _, full_told, _ = kb.faq._coverage(weights)
    _, _, candidates = at_scale._coverage(weights)
    assert set(candidates) == {i for i, t in enumerate(full_told) if t}
