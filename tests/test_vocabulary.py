"""The reviewed word lists (faq/vocabulary.yaml, bot/phrases.yaml) are validated at load: a broken file is refused
with a Chinese error naming the file, the part and the field; the words in them are what the bot reads by."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot import phrases
from faq import english, reading, vocabulary
from faq.schema import KnowledgeError, holds_any
from handlers import menu

FILES = [pytest.param(vocabulary.load, vocabulary.PATH, id="vocabulary"),
         pytest.param(phrases.load, phrases.PATH, id="phrases")]


def _edited(tmp_path: Path, source: Path, edit) -> Path:
    data = yaml.safe_load(source.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / source.name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _first(data: dict) -> tuple[str, str]:
    part = next(iter(data))
    return part, next(iter(data[part]))


@pytest.mark.parametrize("load, source", FILES)
def test_the_shipped_file_loads_and_a_copy_loads_alike(load, source, tmp_path):
    assert load(_edited(tmp_path, source, lambda data: None)) == load(source)


@pytest.mark.parametrize("load, source", FILES)
def test_an_unknown_field_is_refused_naming_file_part_and_field(load, source, tmp_path):
    def add(data):
        data[_first(data)[0]]["misspelt"] = ["x"]
    with pytest.raises(KnowledgeError) as err:
        load(_edited(tmp_path, source, add))
    part = _first(yaml.safe_load(source.read_text(encoding="utf-8")))[0]
    assert str(err.value).startswith(str(tmp_path / source.name))
    assert f"条目“{part}”" in str(err.value) and "字段 misspelt：不认识的字段" in str(err.value)


@pytest.mark.parametrize("load, source", FILES)
def test_an_empty_list_is_refused_naming_file_part_and_field(load, source, tmp_path):
    part, field = _first(yaml.safe_load(source.read_text(encoding="utf-8")))

    def empty(data):
        data[part][field] = []
    with pytest.raises(KnowledgeError) as err:
        load(_edited(tmp_path, source, empty))
    assert source.name in str(err.value) and f"条目“{part}”" in str(err.value)
    assert f"字段 {field}：至少需要 1 项" in str(err.value)


@pytest.mark.parametrize("load, source, part, field", [
    pytest.param(vocabulary.load, vocabulary.PATH, "reading", "follow_up", id="vocabulary"),
    pytest.param(phrases.load, phrases.PATH, "subscribe", "opt_out", id="phrases")])
def test_a_pattern_that_does_not_compile_is_refused_naming_file_part_field_and_pattern(load, source, part, field,
                                                                                      tmp_path):
    def broken(data):
        data[part][field].append("取消(通知")
    with pytest.raises(KnowledgeError) as err:
        load(_edited(tmp_path, source, broken))
    message = str(err.value)
    index = len(yaml.safe_load(source.read_text(encoding="utf-8"))[part][field])
    assert source.name in message and f"条目“{part}”" in message and f"字段 {field}.{index}：" in message
    assert "“取消(通知”不是有效的正则表达式" in message


def test_a_unit_of_the_needs_that_does_not_compile_is_refused(tmp_path):
    def broken(data):
        data["needs"]["units"]["[元"] = "元"
    with pytest.raises(KnowledgeError, match=r"条目“needs”：字段 units\.\[元\.\[key\]：“\[元”不是有效的正则表达式"):
        vocabulary.load(_edited(tmp_path, vocabulary.PATH, broken))


@pytest.mark.parametrize("load, source", FILES)
def test_an_unknown_or_missing_part_is_refused(load, source, tmp_path):
    part = _first(yaml.safe_load(source.read_text(encoding="utf-8")))[0]
    with pytest.raises(KnowledgeError, match="不认识的部分“extra”"):
        load(_edited(tmp_path, source, lambda data: data.update(extra={"words": ["x"]})))
    with pytest.raises(KnowledgeError, match=f"缺少部分“{part}”"):
        load(_edited(tmp_path, source, lambda data: data.pop(part)))


def test_a_word_that_is_not_text_is_refused(tmp_path):
    def unquoted(data):
        data["english"]["synonyms"]["no"] = False        # what an unquoted `no: no` reads as
    with pytest.raises(KnowledgeError, match="条目“english”：字段 synonyms.no：应为文本"):
        vocabulary.load(_edited(tmp_path, vocabulary.PATH, unquoted))


def test_the_words_read_by_are_the_files_words():
    words, said = vocabulary.vocabulary(), phrases.phrases()
    for ordinal, spelt in words.english.ordinals.items():
        assert spelt in english.fold(f"the {ordinal} five-year plan")
    assert english.ELSEWHERE.search("a fund in shanghai") and not english.ELSEWHERE.search("the beijing-hangzhou canal")
    assert reading.ELSEWHERE == tuple(words.elsewhere.zh)
    assert all(reading.ROLE.search(f"园长{asked}") for asked in words.reading.who_is)
    assert all(menu.ends_step(word) for word in said.cancel.words + said.handoff.ends)
    asks_year = next(told for asked, told in reading.NEEDS if asked.search("哪一年成立"))
    assert asks_year.search("成立于2016年") and not asks_year.search("成立于拱墅区")      # {year} filled in
    assert all(menu.SMALL_TALK.match(f"{thanks}{ending}") for thanks in ("谢谢", "thanks")
               for ending in said.small_talk.endings)


@pytest.mark.parametrize("text, words", [
    ("小镇有哪些补贴政策", ("政策", "补贴")), ("小镇在哪", ("政策", "补贴")), ("", ("政策",)), ("小镇在哪", ()),
    ("规模(亿)是多少", ("(亿)", "a.b")), ("aXb", ("a.b",)), ("补贴多少钱", ("补贴多少", "补贴")),
])
def test_holding_any_word_of_a_list_is_what_looking_for_each_word_finds(text, words):
    assert holds_any(text, words) is any(w in text for w in words)
