"""The two ways a person runs the product without any channel: `ask` and the console chat (real subprocesses)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLEAN_ENV = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WECOM_", "BOT_"))}


def run(args, stdin: str = "", tmp_path=None, **extra: str):
    env = dict(CLEAN_ENV, BOT_DATA_DIR=str(tmp_path / "data"), **extra) if tmp_path else CLEAN_ENV
    return subprocess.run([sys.executable, "main.py", *args], cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=60, env=env)


def test_ask_json_reads_stdin_lines(tmp_path):
    out = run(["ask", "--json", "-"], "运河财富小镇在哪里\n今天股票买什么好\n\n/help\n", tmp_path)
    assert out.returncode == 0, out.stderr
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["intent"] for r in rows] == ["faq", "fallback", "fallback", "help"]
    assert rows[0]["sources"] and 0 <= rows[0]["confidence"] <= 1
    assert set(rows[0]) == {"intent", "text", "confidence", "sources", "buttons"}


def test_the_questions_asked_through_ask_reach_the_dashboards_record(tmp_path):
    out = run(["ask", "小镇在哪里", "小镇停车费多少"], tmp_path=tmp_path, BOT_CONSOLE_STAFF="0")
    assert out.returncode == 0, out.stderr
    rows = [row for line in (tmp_path / "data" / "analytics.log").read_text().splitlines() for row in json.loads(line)]
    assert [(r["text"], r["outcome"]) for r in rows] == [("小镇在哪里", "answered"), ("小镇停车费多少", "fallback")]


def test_ask_json_answers_a_wrongly_typed_line_with_an_error_naming_it(tmp_path):
    lines = ['{"user": "u", "text": null}', '{"user": "u", "text": ["小镇在哪"]}', '{"user": 7, "text": "小镇在哪"}',
             '{"text": "小镇在哪', '{"user": "u", "text": "小镇在哪"}']
    out = run(["ask", "--json", "-"], "\n".join(lines) + "\n", tmp_path)
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["intent"] for r in rows] == ["error", "error", "error", "error", "faq"], rows
    assert "line 1" in rows[0]["text"] and "text must be a string" in rows[1]["text"]
    assert "user must be a string" in rows[2]["text"] and "not valid JSON" in rows[3]["text"]


def test_ask_with_arguments_prints_answer_and_source(tmp_path):
    out = run(["ask", "小镇规划面积多大"], tmp_path=tmp_path)
    assert out.returncode == 0 and "3.3" in out.stdout and "来源" in out.stdout


def test_console_chat_answers_and_numbered_choice_presses_a_button(tmp_path):
    out = run([], "小镇在哪里\n/contacts\n1\n", tmp_path)
    assert out.returncode == 0, out.stderr
    assert "控制台" in out.stdout and "大运河" in out.stdout
    assert "可咨询" in out.stdout            # "1" pressed the first contact button
    assert "再见" in out.stdout


def test_invalid_bot_today_is_one_clear_line_without_traceback(tmp_path):
    out = run(["ask", "你好"], tmp_path=tmp_path, BOT_TODAY="2026-02-30")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    [line] = out.stderr.strip().splitlines()
    assert "BOT_TODAY" in line and "2026-02-30" in line


def test_console_user_is_not_staff_when_switched_off(tmp_path):
    out = run(["ask", "--json", "/unanswered"], tmp_path=tmp_path, BOT_CONSOLE_STAFF="0")
    assert "仅限小镇管委会工作人员" in json.loads(out.stdout)["text"]
