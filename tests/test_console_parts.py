"""The console's parts without a browser: knowledge edits on real files, sign-in links, the staff list, and the
question analytics."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

import aiohttp
import pytest
import yaml

from bot import edit_journal
from bot.analytics import Analytics
from bot.dialogs import Dialogs
from bot.messages import Incoming, Reply
from bot.router import Router
from bot.services import Services
from bot.store import Store
from bot.web import yaml_blocks
from bot.web.knowledge_files import EditError, KnowledgeEditor
from bot.sign_in_links import SignInLinks
from bot.web.sessions import EnvStaff, Sessions
from faq.knowledge import load_knowledge
from faq.schema import KnowledgeError
from tests.conftest import ROOT
from tests.console_server import copy_knowledge, editable_kb, free_port


@pytest.fixture(scope="module")
def editable(tmp_path_factory):
    faq, policy = copy_knowledge(tmp_path_factory.mktemp("knowledge"))
    return editable_kb(faq, policy), faq, policy


@pytest.fixture
def editor(editable, tmp_path, clock):
    kb, faq, policy = editable
    return KnowledgeEditor(kb, Store(tmp_path / "data"), clock, tmp_path / "data", faq, policy)


async def test_a_phrasing_of_an_entry_naming_measures_changes_only_that_line(editor, editable):
    kb, faq, _ = editable
    before = (faq / "policy2023.yaml").read_text("utf-8").splitlines()
    await editor.add_phrasing("telegram:1", "p23-hq-institutions", "总部机构落户有什么支持")
    after = (faq / "policy2023.yaml").read_text("utf-8").splitlines()
    assert [line for line in after if line not in before] == ["      - 总部机构落户有什么支持"] and len(after) == len(before) + 1
    entry = next(e for e in kb.knowledge.faq if e.id == "p23-hq-institutions")
    assert entry.measures == ["hq-new", "fin-holding", "capital-raise"]


async def test_two_phrasings_added_at_once_to_one_entry_both_stay_with_a_backup_each(editor, editable):
    kb, faq, _ = editable
    await asyncio.gather(editor.add_phrasing("telegram:1", "town-location", "小镇具体在哪个位置"),
                         editor.add_phrasing("telegram:2", "town-location", "运河财富小镇坐落在哪"))
    questions = next(e for e in kb.knowledge.faq if e.id == "town-location").questions
    assert "小镇具体在哪个位置" in questions and "运河财富小镇坐落在哪" in questions
    assert len(list(editor.backup_dir.iterdir())) == 2             # the same second, by the fixed clock


async def test_a_form_saved_after_someone_else_changed_the_entry_is_refused_not_written_over(editor, editable):
    from bot.web.knowledge_files import Stale, version
    kb, _, _ = editable
    opened = next(e for e in kb.knowledge.faq if e.id == "town-location")
    await editor.add_phrasing("telegram:2", "town-location", "小镇在杭州什么地方")       # saved meanwhile
    stale = {**opened.model_dump(), "answer": opened.answer + "（补充）"}
    with pytest.raises(Stale):
        await editor.save_entry("telegram:1", stale, opened=version(opened))
    now = next(e for e in kb.knowledge.faq if e.id == "town-location")
    assert "小镇在杭州什么地方" in now.questions and now.answer == opened.answer
    await editor.save_entry("telegram:1", {**now.model_dump(), "answer": now.answer + "（补充）"}, opened=version(now))
    assert next(e for e in kb.knowledge.faq if e.id == "town-location").answer.endswith("（补充）")


async def test_a_chinese_figure_changed_without_its_english_is_refused_and_nothing_is_written(editor, editable):
    kb, faq, _ = editable
    entry = next(e for e in kb.knowledge.faq if "总规划面积3.3平方公里" in e.answer)
    original = {**entry.model_dump(exclude={"en"}), "en": entry.en.model_dump()}
    files = {p: p.read_text("utf-8") for p in (faq / "town.yaml", faq / "en" / "town.yaml")}
    changed = {**original, "answer": entry.answer.replace("3.3平方公里", "3.5平方公里")}
    with pytest.raises(EditError, match=f"条目“{entry.id}”的字段 en.answer 与中文 answer 的数字不一致"
                                        "（中文有 3.5，英文没有；英文有 3.3，中文没有）：改了中文的数字，请同时改英文"):
        await editor.save_entry("telegram:1", changed)
    assert {p: p.read_text("utf-8") for p in files} == files
    await editor.save_entry("telegram:1", {**changed, "en": {**original["en"], "answer": entry.en.answer.replace("3.3", "3.5")}})
    assert "3.5" in next(e for e in kb.knowledge.faq if e.id == entry.id).en.answer
    await editor.save_entry("telegram:1", original)


async def test_a_phrasing_changes_one_line_of_one_file_keeps_a_backup_and_reloads(editor, editable):
    kb, faq, _ = editable
    before = {p.name: p.read_text("utf-8") for p in faq.glob("*.yaml")}
    await editor.add_phrasing("telegram:1", "town-location", "小镇到底在杭州哪儿呀")
    after = {p.name: p.read_text("utf-8") for p in faq.glob("*.yaml")}
    changed = [name for name in before if before[name] != after[name]]
    assert changed == ["town.yaml"]
    old, new = before["town.yaml"].splitlines(), after["town.yaml"].splitlines()
    assert [line for line in new if line not in old] == ["      - 小镇到底在杭州哪儿呀"] and len(new) == len(old) + 1
    assert "小镇到底在杭州哪儿呀" in next(e for e in kb.knowledge.faq if e.id == "town-location").questions
    [backup] = (editor.backup_dir).iterdir()
    assert backup.read_text("utf-8") == before["town.yaml"]
    [entry] = await editor.store.audit.all()
    assert (entry.actor, entry.action, entry.detail["entry"]) == ("telegram:1", "faq.phrasing", "town-location")


@pytest.mark.parametrize("change, message", [
    ({"answer": ""}, "答案：不能为空"),
    ({"questions": ["只有一个问法"]}, "问法：至少要填 2 项"),
    ({"source": {"doc": "no-such-doc", "section": "x"}}, "来源文件：no-such-doc 不在 documents.yaml 中"),
    ({"aspects": ["flying"]}, "回答的方面：没有 flying 这一项"),
    ({"id": "Bad Id"}, "编号：只能用小写字母"),
])
async def test_invalid_entries_are_refused_in_chinese_naming_the_field(editor, editable, change, message):
    kb, faq, _ = editable
    files = {p: p.read_text("utf-8") for p in faq.glob("*.yaml")}
    entry = {**next(e for e in kb.knowledge.faq if e.id == "town-location").model_dump(), "id": "town-new", **change}
    with pytest.raises(EditError, match=message):
        await editor.save_entry("telegram:1", entry, file="town.yaml")
    assert {p: p.read_text("utf-8") for p in faq.glob("*.yaml")} == files


async def test_a_new_entry_is_appended_as_typed(editor, editable):
    kb, faq, _ = editable
    answer = "第一段：  两个空格 \n\n第二段 # 不是注释: 也不是键"
    entry = {"id": "town-typed", "category": "小镇概况", "entities": ["town"], "aspects": ["details"],
             "questions": ["问法一：带冒号", "- 以短横开头"], "keywords": ["null", "a, b"], "answer": answer,
             "source": {"doc": "town-profile", "section": "开篇"}}
    english = {"questions": ["Question one: with a colon", "- starting with a dash"], "answer": "Part one.\n\nPart two"}
    await editor.save_entry("telegram:1", {**entry, "en": english}, file="town.yaml")
    stored = next(e for e in yaml.safe_load((faq / "town.yaml").read_text("utf-8"))["entries"] if e["id"] == "town-typed")
    assert stored == entry
    assert yaml.safe_load((faq / "en" / "town.yaml").read_text("utf-8"))["entries"]["town-typed"] == english
    assert next(e for e in kb.knowledge.faq if e.id == "town-typed").answer == answer
    with pytest.raises(EditError, match="编号：town-typed 已被其他条目使用"):
        await editor.save_entry("telegram:1", {**entry, "en": english}, file="plans.yaml")


async def test_contact_fields_are_set_in_place_and_hours_added(editor, editable):
    kb, _, policy = editable
    path = policy / "contacts.yaml"
    before = path.read_text("utf-8").splitlines()
    await editor.save_contact("wecom:zhang", "town-alliance", {"phone": "0571-1234", "address": None,
                                                                "hours": "周一至周五 9:00-17:00"})
    after = path.read_text("utf-8").splitlines()
    assert [line for line in after if line not in before] == ['    phone: 0571-1234', '    hours: "周一至周五 9:00-17:00"']
    assert before[0] == after[0] and sum(line.startswith("#") for line in after) == sum(
        line.startswith("#") for line in before)
    alliance = next(c for c in kb.knowledge.contacts if c.id == "town-alliance")
    assert (alliance.phone, alliance.address, alliance.hours) == ("0571-1234", None, "周一至周五 9:00-17:00")


async def test_the_bot_answers_while_the_knowledge_reloads(editor, editable, clock, settings, monkeypatch):
    kb, _, _ = editable
    router = Router(Services(settings=settings, clock=clock, kb=kb, dialogs=Dialogs(clock), store=editor.store))
    loading, release = threading.Event(), threading.Event()
    load = kb._loader

    def held_load():
        loading.set()
        release.wait(30)
        return load()
    monkeypatch.setattr(kb, "_loader", held_load)
    edit = asyncio.create_task(editor.add_phrasing("telegram:1", "town-location", "小镇的方位在哪里呢"))
    async with asyncio.timeout(30):
        while not loading.is_set():
            await asyncio.sleep(0.01)
    reply = await router.handle(Incoming("telegram", "5", "5", text="运河财富小镇在哪里？"))
    assert reply.intent == "faq" and "拱墅" in reply.text and not edit.done()
    release.set()
    await edit
    assert "小镇的方位在哪里呢" in next(e for e in kb.knowledge.faq if e.id == "town-location").questions


def test_a_link_signs_in_once_and_expires(tmp_path, clock):
    links = SignInLinks(tmp_path, clock)
    token = links.issue("telegram:1")
    assert links.peek(token) == "telegram:1" and links.peek(token) == "telegram:1"
    assert links.redeem(token) == "telegram:1" and links.redeem(token) is None
    late = links.issue("telegram:1")
    clock.advance(minutes=10, seconds=1)
    assert links.peek(late) is None and links.redeem(late) is None
    assert not any(token in p.read_text() for p in (tmp_path / "console-links").iterdir())
    assert links.redeem("../../etc/passwd") is None and links.peek("x" * 500) is None


def test_sessions_end_after_idle_time(clock):
    sessions = Sessions(clock, idle=timedelta(minutes=30))
    token, session = sessions.open("telegram:1")
    clock.advance(minutes=29)
    assert sessions.get(token) is session           # activity restarts the idle timer
    clock.advance(minutes=29)
    assert sessions.get(token) is session
    clock.advance(minutes=31)
    assert sessions.get(token) is None and sessions.get(token) is None


def test_the_staff_list_follows_the_env_file(tmp_path, monkeypatch):
    monkeypatch.delenv("BOT_STAFF", raising=False)
    env = tmp_path / ".env"
    staff = EnvStaff(frozenset({"telegram:1"}), env)
    assert staff() == {"telegram:1"}
    env.write_text("BOT_STAFF=telegram:1,wecom:zhang\n")
    assert staff() == {"telegram:1", "wecom:zhang"}
    env.write_text("BOT_STAFF=wecom:zhang\n")
    os.utime(env, (time.time() + 5, time.time() + 5))
    assert staff() == {"wecom:zhang"}


async def test_question_outcomes_are_written_in_batches(tmp_path, clock):
    store = Store(tmp_path)
    analytics = Analytics(store.analytics, clock, batch=3, interval=60)
    ask = lambda text, **kw: Incoming("telegram", "1", "1", text=text, **kw)      # noqa: E731
    analytics.record(ask("小镇在哪"), Reply("拱墅区", intent="faq"))
    analytics.record(ask("量子猫"), Reply("抱歉", intent="fallback"))
    analytics.record(ask("/start"), Reply("您好", intent="help"))                 # not a question
    analytics.record(ask("", payload="faq:x"), Reply("…", intent="faq"))          # a button
    analytics.record(ask("群发内容", is_staff=True), Reply("…", intent="staff"))
    assert not (tmp_path / "analytics.log").exists()                              # nothing written yet
    analytics.record(ask("找人工"), Reply("已转人工", intent="handoff"))
    await analytics.close()
    rows = await store.analytics.between(clock.now() - timedelta(days=1), clock.now() + timedelta(days=1))
    assert [(r.text, r.outcome) for r in rows] == [("小镇在哪", "answered"), ("量子猫", "fallback"),
                                                        ("找人工", "handoff")]
    assert len((tmp_path / "analytics.log").read_text("utf-8").splitlines()) == 1   # one append for the batch
    assert [r.text for r in await Store(tmp_path).analytics.between(clock.now() - timedelta(days=1),
                                                                       clock.now() + timedelta(days=1))] == [
        "小镇在哪", "量子猫", "找人工"]


def test_console_link_on_the_command_line(tmp_path):
    env = {**os.environ, "BOT_DATA_DIR": str(tmp_path), "BOT_STAFF": "telegram:42",
           "BOT_PUBLIC_URL": "https://town.example.org"}
    ok = subprocess.run([sys.executable, "main.py", "console-link", "telegram:42"], cwd=ROOT, env=env,
                        capture_output=True, text=True, timeout=60)
    assert ok.returncode == 0 and ok.stdout.startswith("https://town.example.org/console/login/")
    token = ok.stdout.split("/console/login/")[1].split()[0]
    refused = subprocess.run([sys.executable, "main.py", "console-link", "telegram:7"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "不在 BOT_STAFF 中" in refused.stderr
    from bot.clock import Clock
    assert SignInLinks(tmp_path, Clock()).redeem(token) == "telegram:42"


async def test_with_nothing_configured_the_console_is_served_beside_the_terminal_chat(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "TELEGRAM_", "WECOM_"))}
    env.update(BOT_DATA_DIR=str(tmp_path), BOT_HTTP_PORT=str(port))
    chat = await asyncio.create_subprocess_exec(sys.executable, "main.py", cwd=ROOT, env=env,
                                                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
    try:
        async with asyncio.timeout(60):
            first = (await chat.stdout.readline()).decode()
            link = first[first.index("http://"):].strip()
            assert link.startswith(f"http://127.0.0.1:{port}/console/login/")
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
                async with http.post(link) as signed_in:
                    assert signed_in.status == 200 and "概览" in await signed_in.text()
            chat.stdin.write("小镇在哪里\n".encode())
            chat.stdin.close()
            rest = (await chat.stdout.read()).decode()
            assert "拱墅" in rest and await chat.wait() == 0
    finally:
        if chat.returncode is None:
            chat.kill()
            await chat.wait()


async def test_a_save_cut_short_between_its_two_files_is_finished_at_the_next_start(tmp_path, clock, monkeypatch):
    faq, policy = copy_knowledge(tmp_path / "knowledge")
    editor = KnowledgeEditor(editable_kb(faq, policy), Store(tmp_path / "data"), clock, tmp_path / "data", faq, policy)
    written = []

    def crash_after_one(path, text):                # the process dies after the first of the two writes
        if written:
            raise KeyboardInterrupt
        written.append(path)
        path.write_text(text, "utf-8")

    monkeypatch.setattr(editor, "_write", crash_after_one)
    entry = {**next(e for e in editor.kb.knowledge.faq if e.id == "town-location").model_dump(), "id": "town-cut"}
    english = {"questions": ["Where is it, cut?", "Where is the town, cut?"], "answer": entry["en"]["answer"] + " Cut."}
    with pytest.raises(KeyboardInterrupt):
        await editor.save_entry("telegram:1", {**entry, "en": english}, file="town.yaml")
    with pytest.raises(KnowledgeError, match="town-cut"):       # as left: the English of the new entry is missing
        load_knowledge(faq, policy)
    assert edit_journal.finish(faq) == [faq / "town.yaml", faq / "en" / "town.yaml"]
    loaded = load_knowledge(faq, policy)
    assert next(e for e in loaded.faq if e.id == "town-cut").en.answer == english["answer"]
    assert edit_journal.finish(faq) == []


async def test_editing_an_entrys_english_changes_only_that_entrys_lines_of_the_overlay(tmp_path, clock):
    faq, policy = copy_knowledge(tmp_path / "knowledge")
    editor = KnowledgeEditor(editable_kb(faq, policy), Store(tmp_path / "data"), clock, tmp_path / "data", faq, policy)
    overlay = faq / "en" / "town.yaml"
    before = overlay.read_text("utf-8").splitlines()
    entry = next(e for e in editor.kb.knowledge.faq if e.id == "town-intro").model_dump()
    english = {"questions": entry["en"]["questions"], "answer": entry["en"]["answer"] + " (edited)"}
    await editor.save_entry("telegram:1", {**entry, "en": english})
    after = overlay.read_text("utf-8").splitlines()
    start, end = yaml_blocks.entry_span(before, "town-intro", yaml_blocks.OVERLAY_START)
    new_start, new_end = yaml_blocks.entry_span(after, "town-intro", yaml_blocks.OVERLAY_START)
    assert before[:start] == after[:new_start] and before[end:] == after[new_end:]
    assert next(e for e in editor.kb.knowledge.faq if e.id == "town-intro").en.answer.endswith("(edited)")
