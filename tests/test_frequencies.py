"""jieba's dictionary as compact arrays answers every lookup as the dict it replaces, so segmentation is unchanged."""
from __future__ import annotations

from faq import nlp
from faq.frequencies import WordFrequencies, pack


def test_lookups_answer_as_the_dict_does_for_keys_misses_and_added_words():
    plain = {"运河": 300, "运": 0, "财富小镇": 40, "小": 900, "\ud800x": 5}
    table = WordFrequencies(pack(plain))
    for word in [*plain, "河", "财富", "运河财富", "", "x", "\ud800"]:
        assert (word in table) == (word in plain)
        assert table.get(word) == plain.get(word) and table.get(word, -1) == plain.get(word, -1)
    table["大关"], table["运河"] = 7, 0
    assert table["大关"] == 7 and table["运河"] == 0 and "大关" in table and "大" not in table


def test_segmentation_with_the_compact_dictionary_equals_jiebas_own(kb):
    """Two tokenizers over jieba's dictionary, one as its dict and one as the compact table, taught the same domain
    words, over every phrasing and answer of the knowledge base."""
    plain = nlp.jieba.Tokenizer()
    plain.FREQ, plain.total = plain.gen_pfdict(plain.get_dict_file())
    compact = nlp.jieba.Tokenizer()
    compact.FREQ, compact.total = WordFrequencies(pack(plain.FREQ)), plain.total
    plain.initialized = compact.initialized = True
    for word in {nlp.normalise(k) for e in kb.knowledge.faq for k in e.keywords} | set(nlp.synonyms().canonical):
        plain.add_word(word, freq=nlp.WORD_FREQ)
        compact.add_word(word, freq=nlp.WORD_FREQ)
    texts = [t for e in kb.knowledge.faq for t in [*e.questions, e.answer]]
    texts += ["上海的房价多少", "怎么办理护照", "abc 123 運河財富小鎮在哪裡？", "\ud800坏字符"]
    for text in texts:
        assert compact.lcut(text) == plain.lcut(text)
        assert compact.lcut(text, HMM=False) == plain.lcut(text, HMM=False)
