"""A shorter ranking of a question already ranked deeper is the first of that ranking, score for score."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("question", ["小镇多大", "康桥新能源产业园四至", "联盟口号", "上海的房价多少", "2019年税收多少"])
def test_a_shorter_ranking_is_the_head_of_the_deeper_one_and_what_ranking_it_alone_gives(kb, question):
    matcher = kb.faq
    deep = matcher.rank(question, 10)
    for limit in (1, 3, 5):
        alone = [(m.entry.id, m.score) for m in matcher._rank(question, limit)]
        assert [(m.entry.id, m.score) for m in matcher.rank(question, limit)] == alone == \
            [(m.entry.id, m.score) for m in deep[:limit]]
    assert [(m.entry.id, m.score) for m in matcher.rank(question, 40)] == \
        [(m.entry.id, m.score) for m in matcher._rank(question, 40)]


def test_a_shorter_ranking_of_a_question_ranked_already_is_not_ranked_again(kb, monkeypatch):
    matcher = kb.faq
    deep = matcher.rank("小镇金融联盟有几个分会", 10)
    monkeypatch.setattr(matcher.text, "words", lambda text: [])        # ranking it again would now find nothing
    assert matcher.rank("小镇金融联盟有几个分会", 3) == deep[:3] and len(deep) == 10
