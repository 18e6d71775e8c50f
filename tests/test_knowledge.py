"""Data files are validated at load; errors name the file and the entry; reload keeps the old data on error."""
from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path

import jieba
import pytest

from bot.dialogs import Dialogs
from bot.messages import Incoming
from bot.router import Router
from bot.services import Services
from faq import knowledge, nlp
from faq.knowledge import POLICY_DIR, load_cached, load_knowledge
from faq.knowledge_base import KnowledgeBase
from faq.schema import KnowledgeError

GOOD = """entries:
  - id: demo-one
    category: 测试
    entities: [town]
    aspects: [location]
    questions: [小镇在哪, 小镇位置]
    answer: 运河财富小镇坐落于拱墅区。
    source: {doc: town-profile, section: 简介}
"""
GOOD_EN = """entries:
  demo-one:
    questions: [Where is the town?, Location of the town]
    answer: Canal Wealth Town (运河财富小镇) is in Gongshu District.
"""


def _dirs(tmp_path: Path, faq_text: str, english: str = GOOD_EN) -> tuple[Path, Path]:
    faq_dir, policy_dir = tmp_path / "faq", tmp_path / "policy"
    (faq_dir / "en").mkdir(parents=True)
    shutil.copytree(POLICY_DIR, policy_dir)
    (faq_dir / "demo.yaml").write_text(faq_text, encoding="utf-8")
    (faq_dir / "en" / "demo.yaml").write_text(english, encoding="utf-8")
    return faq_dir, policy_dir


@pytest.mark.parametrize("english, needle", [
    ("entries: {}\n", "条目“demo-one”缺少英文"),
    (GOOD_EN.replace("    answer: Canal Wealth Town (运河财富小镇) is in Gongshu District.\n", ""),
     "条目“demo-one”的英文有误：缺少字段 answer"),
    (GOOD_EN + "  demo-two:\n    questions: [a, b]\n    answer: abcdef\n", "英文条目“demo-two”没有对应的中文条目"),
])
def test_missing_english_is_named_in_chinese_with_file_entry_and_field(tmp_path, english, needle):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD, english)
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(faq_dir, policy_dir)
    assert "en/demo.yaml" in str(err.value) and needle in str(err.value)


def test_a_measure_whose_english_lacks_a_condition_is_refused(tmp_path):
    from policy_data.loader import load_policy_book
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    overlay = policy_dir / "en" / "policy_hz2023_2.yaml"
    text = overlay.read_text(encoding="utf-8")
    overlay.write_text(text.replace("      - Recognised as a Hangzhou sci-tech banking or insurance specialist institution\n",
                                    "", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="en/policy_hz2023_2.yaml: 条目“scitech-branch”的英文.*conditions"):
        load_policy_book(load_knowledge(faq_dir, policy_dir).documents, policy_dir)


def test_an_english_answer_stating_other_figures_than_the_chinese_is_refused(tmp_path):
    """A Chinese figure changed without the English would reach English readers as the old figure."""
    changed = GOOD.replace("坐落于拱墅区。", "坐落于拱墅区，规划面积3.4平方公里。")
    english = GOOD_EN.replace("Gongshu District.", "Gongshu District; its planned area is 3.3 km².")
    faq_dir, policy_dir = _dirs(tmp_path, changed, english)
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(faq_dir, policy_dir)
    assert "en/demo.yaml: 条目“demo-one”的字段 en.answer 与中文 answer 的数字不一致（中文有 3.4，英文没有；英文有 3.3，中文没有）" \
        in str(err.value)


def test_a_measure_whose_chinese_rate_changed_without_its_english_is_refused(tmp_path):
    from policy_data.loader import load_policy_book
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    chinese = policy_dir / "policy_hz2023_2.yaml"
    text = chinese.read_text(encoding="utf-8")
    chinese.write_text(text.replace("按其实收资本2%的比例给予一次性补助", "按其实收资本3%的比例给予一次性补助", 1), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="en/policy_hz2023_2.yaml: 条目“hq-new”的字段 en.text 与中文 text 的数字不一致"
                                             "（中文有 3，英文没有；英文有 2，中文没有）"):
        load_policy_book(load_knowledge(faq_dir, policy_dir).documents, policy_dir)


def test_shipped_data_is_valid_and_large_enough():
    kb = load_knowledge()
    assert len(kb.faq) >= 150
    assert all(e.source.doc in kb.documents for e in kb.faq)


def test_every_cited_document_exists_in_seeds(seeds_dir):
    for doc in load_knowledge().documents.values():
        assert (seeds_dir / doc.file).exists(), doc.file


@pytest.mark.parametrize("broken,needle", [
    (GOOD.replace("questions: [小镇在哪, 小镇位置]", "questions: [小镇在哪]"), "demo-one"),
    (GOOD.replace("doc: town-profile", "doc: nowhere"), "不存在的来源文件"),
    (GOOD.replace("id: demo-one", "id: Demo One"), "Demo One"),
    (GOOD + "  - id: demo-one\n    category: x\n    entities: [town]\n    aspects: [area]\n    questions: [a, b]\n"
            "    answer: abcdef\n    source: {doc: town-profile, section: x}\n", "重复"),
    (GOOD.replace("aspects: [location]", "aspects: [location, colour]"), "条目“demo-one”的 aspects 字段含有未定义的 colour"),
    (GOOD.replace("entities: [town]", "entities: [atlantis]"), "条目“demo-one”的 entities 字段含有未定义的 atlantis"),
    ("entries: [unclosed", "无法读取 YAML"),
    ("- just a list", "文件顶层应为“entries:”列表"),
])
def test_broken_entry_names_file_and_entry(tmp_path, broken, needle):
    faq_dir, policy_dir = _dirs(tmp_path, broken)
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(faq_dir, policy_dir)
    assert "demo.yaml" in str(err.value) and needle in str(err.value)


def test_reload_keeps_old_knowledge_when_a_file_breaks(tmp_path):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    kb = KnowledgeBase(lambda: load_knowledge(faq_dir, policy_dir))
    assert [e.id for e in kb.knowledge.faq] == ["demo-one"]
    (faq_dir / "demo.yaml").write_text(GOOD.replace("answer: 运河财富小镇坐落于拱墅区。", "answer: x"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="demo-one"):
        kb.reload()
    assert kb.faq.best("小镇在哪").entry.answer == "运河财富小镇坐落于拱墅区。"
    (faq_dir / "demo.yaml").write_text(GOOD.replace("小镇位置", "小镇的具体位置"), encoding="utf-8")
    kb.reload()
    assert "小镇的具体位置" in kb.knowledge.faq[0].questions


async def test_staff_reload_reports_a_broken_file(services, tmp_path, ask, monkeypatch):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD.replace("doc: town-profile", "doc: nowhere"))
    before = services.kb.knowledge
    monkeypatch.setattr(services.kb, "_loader", lambda: load_knowledge(faq_dir, policy_dir))
    reply = await ask("/reload", staff=True)
    assert "demo.yaml" in reply.text and "未重新加载" in reply.text
    assert services.kb.knowledge is before


async def test_the_bot_answers_while_a_staff_reload_runs(services, clock, tmp_path, monkeypatch):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    kb = KnowledgeBase(lambda: load_knowledge(faq_dir, policy_dir), cache_dir=tmp_path / "cache")
    router = Router(Services(settings=services.settings, clock=clock, kb=kb, dialogs=Dialogs(clock),
                             store=services.store))
    (faq_dir / "demo.yaml").write_text(GOOD.replace("坐落于拱墅区", "位于拱墅区的运河畔"), encoding="utf-8")
    loading, release = threading.Event(), threading.Event()

    def held_load():
        loading.set()
        release.wait(30)
        return load_knowledge(faq_dir, policy_dir)
    monkeypatch.setattr(kb, "_loader", held_load)
    reload = asyncio.create_task(router.handle(Incoming("console", "staff", "staff", text="/reload", is_staff=True)))
    assert await asyncio.to_thread(loading.wait, 30)
    during = await router.handle(Incoming("console", "u1", "u1", text="小镇在哪"))
    assert during.intent == "faq" and "运河财富小镇坐落于拱墅区。" in during.text and not reload.done()
    release.set()
    assert "资料已重新加载" in (await reload).text
    after = await router.handle(Incoming("console", "u2", "u2", text="小镇在哪"))
    assert "运河财富小镇位于拱墅区的运河畔。" in after.text


def test_loaded_knowledge_is_read_back_from_the_cache_until_a_file_changes(tmp_path, monkeypatch):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    cache = tmp_path / "cache"
    first = load_cached(faq_dir, policy_dir, cache)
    loads = []
    monkeypatch.setattr(knowledge, "load_knowledge", lambda *dirs: loads.append(dirs[:2]) or load_knowledge(*dirs))
    assert load_cached(faq_dir, policy_dir, cache) == first and loads == []
    (faq_dir / "en" / "demo.yaml").write_text(GOOD_EN.replace("Gongshu District", "Gongshu District, Hangzhou"),
                                              encoding="utf-8")
    assert load_cached(faq_dir, policy_dir, cache).faq[0].en.answer.endswith("Gongshu District, Hangzhou.")
    assert loads == [(faq_dir, policy_dir)] and len(list(cache.glob("knowledge-*.pickle"))) == 1
    (faq_dir / "demo.yaml").write_text(GOOD.replace("doc: town-profile", "doc: nowhere"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="nowhere"):
        load_cached(faq_dir, policy_dir, cache)


def test_a_reload_teaches_jieba_the_vocabulary_again_without_adding_it_up(kb):
    """Segmentation depends on jieba's total frequency: a reload of the same data leaves it, and the words of a
    question, as they were."""
    question = "运河财富小镇的金融财富联盟有几个分会"
    kb.reload()                 # other tests build knowledge bases over data of their own
    total, words = jieba.dt.total, nlp.words(question)
    kb.reload()
    kb.reload()
    assert jieba.dt.total == total and nlp.words(question) == words


def test_an_entry_naming_a_policy_measure_that_does_not_exist_is_refused(tmp_path):
    faq_dir, policy_dir = _dirs(tmp_path, GOOD.replace("    source:", "    measures: [hq-new, no-such-measure]\n    source:"))
    with pytest.raises(KnowledgeError) as err:
        load_knowledge(faq_dir, policy_dir)
    assert "demo.yaml" in str(err.value) and "条目“demo-one”的 measures 字段" in str(err.value) \
        and "no-such-measure" in str(err.value) and "hq-new" not in str(err.value).split("政策措施")[1].split("（")[0]


def test_a_cache_miss_reads_each_policy_file_once(tmp_path, monkeypatch):
    """The bytes read for the cache key are the ones the measure ids are taken from."""
    faq_dir, policy_dir = _dirs(tmp_path, GOOD.replace("    source:", "    measures: [hq-new]\n    source:"))
    reads = []
    for name in ("read_bytes", "read_text"):
        def counted(self, *args, _read=getattr(Path, name), **kwargs):
            if self.parent == policy_dir and self.name.startswith("policy_"):
                reads.append(self.name)
            return _read(self, *args, **kwargs)
        monkeypatch.setattr(Path, name, counted)
    cache = tmp_path / "cache"
    assert load_cached(faq_dir, policy_dir, cache).faq[0].measures == ["hq-new"]
    assert len(list(cache.glob("knowledge-*.pickle"))) == 1
    assert sorted(reads) == sorted(p.name for p in policy_dir.glob("policy_*.yaml")) and reads


def test_a_warm_start_reads_the_english_entries_back_and_keys_the_indexes_by_the_files(tmp_path, monkeypatch):
    from faq import schema
    faq_dir, policy_dir = _dirs(tmp_path, GOOD)
    cache = tmp_path / "cache"
    cold = load_cached(faq_dir, policy_dir, cache)
    copies = []
    monkeypatch.setattr(schema.FaqEntry, "in_english", lambda entry: copies.append(entry.id))
    warm = load_cached(faq_dir, policy_dir, cache)
    assert warm.english == cold.english and warm.english[0].answer == "Canal Wealth Town (运河财富小镇) is in Gongshu District."
    assert warm.entry("demo-one") == warm.faq[0] and copies == []          # read back with it, not copied again
    assert warm.key == cold.key and cold.key in next(cache.glob("knowledge-*.pickle")).name
    (faq_dir / "en" / "demo.yaml").write_text(GOOD_EN.replace("Gongshu", "Gongshu, Hangzhou"), encoding="utf-8")
    assert load_knowledge(faq_dir, policy_dir).key is None      # read without the cache: its indexes hash the entries
    assert load_cached(faq_dir, policy_dir, tmp_path / "other").key != cold.key


def test_a_reload_lets_the_snapshot_it_replaced_go_and_keeps_the_new_one_out_of_the_collectors_reach():
    import gc
    import weakref
    knowledge_base = KnowledgeBase()
    gc.freeze()                                    # as serve() does once started
    try:
        replaced = weakref.ref(knowledge_base.faq)     # a matcher's caches make cycles: only the collector frees it
        knowledge_base.reload()
        assert replaced() is None
        assert gc.get_freeze_count() and all(o is not knowledge_base.faq for o in gc.get_objects())
    finally:
        gc.unfreeze()
