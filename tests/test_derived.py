"""Derived data is cached under a key of its content: a warm start reads it, any change rebuilds it."""
from __future__ import annotations

from faq.derived import cached


def test_a_cached_value_is_read_back_and_a_new_key_rebuilds_and_replaces_it(tmp_path):
    builds = []

    def build(value):
        return lambda: builds.append(value) or {"value": value}

    assert cached("index", "k1", build(1), tmp_path) == {"value": 1}
    assert cached("index", "k1", build(2), tmp_path) == {"value": 1}          # read back, not rebuilt
    assert cached("index", "k2", build(3), tmp_path) == {"value": 3}          # content changed: rebuilt
    assert builds == [1, 3] and [p.name for p in tmp_path.iterdir()] == ["index-k2.pickle"]


def test_an_unreadable_cache_is_rebuilt(tmp_path):
    (tmp_path / "index-k1.pickle").write_bytes(b"not a pickle")
    assert cached("index", "k1", lambda: [1, 2], tmp_path) == [1, 2]
    assert cached("index", "k1", lambda: [3], tmp_path) == [1, 2]


def test_a_cache_written_by_code_that_has_since_moved_is_rebuilt(tmp_path):
    import pickle
    from decimal import Decimal
    gone = pickle.dumps(Decimal(1)).replace(b"decimal", b"decimax")      # names a module that no longer exists
    (tmp_path / "index-k1.pickle").write_bytes(gone)
    assert cached("index", "k1", lambda: [1, 2], tmp_path) == [1, 2]


def test_the_matcher_ranks_the_same_from_a_warm_cache(kb, tmp_path):
    from faq.matcher import FaqMatcher
    cold = FaqMatcher(kb.knowledge.faq, cache_dir=tmp_path)
    warm = FaqMatcher(kb.knowledge.faq, cache_dir=tmp_path)
    for question in ("小镇多大", "康桥新能源产业园四至", "联盟口号"):
        assert [(m.entry.id, m.score) for m in cold.rank(question, 5)] == [(m.entry.id, m.score) for m in warm.rank(question, 5)]


def test_a_question_asked_again_is_ranked_from_memory_as_a_list_of_its_own(kb, monkeypatch):
    from functools import lru_cache
    matcher = kb.faq
    # a memory of its own: what is ranked here without words is not kept for the session's other tests
    monkeypatch.setattr(matcher, "_ranked", lru_cache(maxsize=8)(matcher._rank))
    first = matcher.rank("小镇金融联盟有哪些分会", 5)
    monkeypatch.setattr(matcher.text, "words", lambda text: [])        # ranking it again would now find nothing
    again = matcher.rank("小镇金融联盟有哪些分会", 5)
    assert again == first and len(first) == 5 and again is not first
    again.clear()
    assert matcher.rank("小镇金融联盟有哪些分会", 5) == first
    assert matcher.rank("小镇面积多大", 5) == []                          # a new question is ranked afresh


def test_the_garbage_collector_runs_again_after_a_cache_is_read(tmp_path):
    import gc
    cached("index", "k1", lambda: [[i] for i in range(10)], tmp_path)
    assert cached("index", "k1", lambda: [], tmp_path) == [[i] for i in range(10)] and gc.isenabled()
    (tmp_path / "index-k1.pickle").write_bytes(b"not a pickle")
    assert cached("index", "k1", lambda: [3], tmp_path) == [3] and gc.isenabled()


def test_the_policy_book_is_read_back_until_a_policy_file_changes(tmp_path, monkeypatch):
    import shutil

    from faq.knowledge import POLICY_DIR, load_knowledge
    from policy_data import loader

    policy_dir, cache = tmp_path / "policy", tmp_path / "cache"
    shutil.copytree(POLICY_DIR, policy_dir)
    documents = load_knowledge().documents
    first = loader.load_cached_book(documents, policy_dir, cache)
    loads, load = [], loader.load_policy_book
    monkeypatch.setattr(loader, "load_policy_book", lambda *args: loads.append(args) or load(*args))
    again = loader.load_cached_book(documents, policy_dir, cache)
    assert loads == [] and again is not first
    assert (again.measures, again.policies, again.types, again.policy_of) == \
        (first.measures, first.policies, first.types, first.policy_of)
    path = next(policy_dir.glob("policy_*.yaml"))
    path.write_text(path.read_text("utf-8") + "\n# reviewed\n", "utf-8")
    assert loader.load_cached_book(documents, policy_dir, cache).measures == first.measures and len(loads) == 1


def test_the_pinyin_table_is_cached_in_the_folder_the_gazetteer_is_given(kb, tmp_path):
    from faq.gazetteer import Gazetteer
    gazetteer = Gazetteer(kb.knowledge.lexicon, cache_dir=tmp_path)
    assert [p.name.startswith("sounds-") for p in tmp_path.iterdir()] == [True]
    assert gazetteer.repairer.repair("云河财富小震在哪") == "运河财富小镇在哪"


def test_the_english_answer_words_are_read_with_the_reader_and_read_back_warm(kb, tmp_path, monkeypatch):
    from faq import english
    from faq.matcher import FaqMatcher
    from faq.reading import Reader
    matcher = FaqMatcher(kb.knowledge.english, english, cache_dir=tmp_path)
    cold = Reader(kb.gazetteer, matcher, "en")
    assert list(tmp_path.glob("faq-words-english-*.pickle"))          # built with the reader, saved with its index
    monkeypatch.setattr(english, "words", lambda text: [])             # reading the answers again would find nothing
    warm = Reader(kb.gazetteer, matcher, "en")
    assert warm._english_words == cold._english_words and "boundary" in cold._english_words


def test_whether_an_entry_says_a_word_is_read_from_the_index(kb):
    from faq import english
    matcher = kb.reader_for("en").matcher
    for i, e in enumerate(matcher.entries[:40]):
        said = set(english.words(" ".join([e.answer, *e.questions, *e.keywords])))
        for w in ("boundary", "alliance", "area", "tax", "museum", "headquarters"):
            assert matcher.says(i, w) == (w in said), (e.id, w)
