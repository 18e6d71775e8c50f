"""The closest phrasings found by comparing only those that could be closest are the ones a comparison with every
phrasing finds; a text scanned again for names gets the same names, in a list of its own."""
from __future__ import annotations

from rapidfuzz import fuzz, process

from faq.gazetteer import Terms
from faq.similarity import Phrasings


def _everyone(phrasings: Phrasings, question: str, limit: int, cutoff: float) -> dict[int, float]:
    similar: dict[int, float] = {}
    for _, score, j in process.extract(question, phrasings.lines, scorer=fuzz.ratio, limit=limit, score_cutoff=cutoff):
        similar[phrasings.owner[j]] = max(similar.get(phrasings.owner[j], 0.0), score / 100)
    return similar


def test_the_closest_phrasings_are_those_of_a_comparison_with_every_phrasing(kb):
    phrasings = kb.faq._phrasings
    asked = [*(q for e in kb.knowledge.faq[::7] for q in e.questions[:1]), "小镇 面积", "上海 房价 多少", "税收", "a b c d"]
    compared = 0
    for question in asked:
        sorted_words = " ".join(sorted(kb.faq.text.words(question))) or question
        compared += phrasings._among_sharing(sorted_words, 40, 30) is not None
        assert phrasings.closest(sorted_words, 40, 30) == _everyone(phrasings, sorted_words, 40, 30)
    assert compared > len(asked) // 2          # most Chinese questions skip the phrasings they share nothing with


def test_a_phrasing_sharing_only_spaces_keeps_every_phrasing_compared_when_it_could_be_among_the_closest():
    lines = ["甲 乙", "丙 丁 戊", "x y z", "甲乙丙"]
    phrasings = Phrasings(lines, [0, 1, 2, 3])
    # "p q r" shares only its spaces with every line, and two of them are as close as that lets them be
    assert phrasings._among_sharing("p q r", 2, 30) is None
    assert phrasings.closest("p q r", 2, 30) == _everyone(phrasings, "p q r", 2, 30) == {1: 0.4, 2: 0.4}
    # "甲 乙" and "甲乙丙" are closer than any line sharing only a space could be: the others are not compared
    assert phrasings._among_sharing("甲 乙", 2, 30) is not None
    assert phrasings.closest("甲 乙", 2, 30) == _everyone(phrasings, "甲 乙", 2, 30) == {0: 1.0, 3: 400 / 6 / 100}


def test_phrasings_gathered_for_one_question_are_all_compared():
    phrasings = Phrasings(["甲 乙", "丙 丁"], [4, 5], indexed=False)
    assert phrasings._among_sharing("甲 乙", 2, 30) is None
    assert phrasings.closest("甲 乙", 2, 30) == _everyone(phrasings, "甲 乙", 2, 30) == {4: 1.0, 5: 200 / 6 / 100}


def test_a_text_scanned_again_gets_the_same_names_in_a_list_of_its_own():
    terms = Terms([("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")])
    first = terms.occurring("运河财富小镇和联盟")
    assert first == [("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")]
    first.clear()
    assert terms.occurring("运河财富小镇和联盟") == [("运河财富小镇", "town"), ("小镇", "town"), ("联盟", "alliance")]
    assert terms.occurring("联盟") == [("联盟", "alliance")]
