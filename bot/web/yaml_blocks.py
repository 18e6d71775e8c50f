"""Edits of the reviewed YAML files as text: one entry's block is replaced or appended, so every other entry
and every comment of the file stays exactly as it was (PyYAML alone would drop the comments)."""
from __future__ import annotations

import json
import re

import yaml

ENTRY_START = re.compile(r"^  - id:\s*[\"']?([a-z0-9][a-z0-9_-]*)[\"']?\s*(?:#.*)?$")
OVERLAY_START = re.compile(r"^  [\"']?([a-z0-9][a-z0-9_-]*)[\"']?:\s*(?:#.*)?$")     # an English overlay's "  town-intro:"
PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`][^#:,\[\]{}]*$")


def entry_span(lines: list[str], entry_id: str, start_line: re.Pattern = ENTRY_START) -> tuple[int, int] | None:
    """[start, end) of the lines of entry `entry_id`: its `  - id:` line (or the overlay's `  id:`) and the
    indented lines below it."""
    for start, line in enumerate(lines):
        m = start_line.match(line)
        if m and m.group(1) == entry_id:
            end = start + 1
            while end < len(lines) and (not lines[end].strip() or lines[end].startswith("    ")):
                end += 1
            while end > start + 1 and not lines[end - 1].strip():
                end -= 1
            return start, end
    return None


def replace_entry(text: str, entry_id: str, block: str, start_line: re.Pattern = ENTRY_START) -> str:
    lines = text.splitlines()
    span = entry_span(lines, entry_id, start_line)
    if span is None:
        raise KeyError(entry_id)
    lines[span[0]:span[1]] = block.rstrip("\n").splitlines()
    return "\n".join(lines) + "\n"


def append_entry(text: str, block: str) -> str:
    return text.rstrip("\n") + "\n\n" + block.rstrip("\n") + "\n"


def scalar(value: str) -> str:
    """A string as YAML: plain when that reads back the same, else double-quoted (JSON is valid YAML)."""
    if PLAIN.match(value) and value == value.strip():
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return json.dumps(value, ensure_ascii=False)


def _flow(items: list[str]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def _text(value: str, indent: str) -> str:
    if value == value.strip() and "\t" not in value and not any(line.endswith(" ") for line in value.splitlines()):
        return "|-\n" + "\n".join(f"{indent}{line}" if line else "" for line in value.split("\n"))
    return scalar(value)


def set_lines(text: str, entry_id: str, fields: dict[str, str | None]) -> str:
    """Sets `    key: value` lines of one entry (null for None); a key it lacks is added at the entry's end."""
    lines = text.splitlines()
    span = entry_span(lines, entry_id)
    if span is None:
        raise KeyError(entry_id)
    start, end = span
    for key, value in fields.items():
        line = f"    {key}: {'null' if value is None else scalar(value)}"
        at = next((i for i in range(start, end) if re.match(rf"^    {key}:", lines[i])), None)
        if at is None:
            lines.insert(end, line)
            end += 1
        else:
            lines[at] = line
    return "\n".join(lines) + "\n"


def faq_block(entry: dict) -> str:
    """An FAQ entry in the style of faq/data/*.yaml; checked to read back as `entry`."""
    source = entry["source"]
    lines = [f"  - id: {entry['id']}", f"    category: {scalar(entry['category'])}",
             f"    entities: {_flow(entry['entities'])}", f"    aspects: {_flow(entry['aspects'])}",
             "    questions:", *(f"      - {scalar(q)}" for q in entry["questions"]),
             f"    keywords: {_flow(entry.get('keywords', []))}",
             f"    answer: {_text(entry['answer'], '      ')}",
             f"    source: {{doc: {scalar(source['doc'])}, section: {json.dumps(source['section'], ensure_ascii=False)}}}"]
    if entry.get("measures"):
        lines.append(f"    measures: {_flow(entry['measures'])}")
    written = {k: v for k, v in entry.items() if k != "measures" or v}       # no measures: no line
    return _read_back("\n".join(lines) + "\n", [written], [entry])


def _read_back(block: str, expected: object, data: object) -> str:
    """`block` when it reads back under `entries:` as `expected`, else `data` as PyYAML writes it (a text the
    hand-written style cannot hold)."""
    if yaml.safe_load("entries:\n" + block)["entries"] != expected:
        body = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10 ** 6)
        block = "".join(f"  {line}\n" for line in body.splitlines())
    return block


def english_block(entry_id: str, english: dict) -> str:
    """An entry of an English overlay (faq/data/en/*.yaml) in that file's style; checked to read back."""
    questions, answer = list(english.get("questions") or []), english.get("answer") or ""
    lines = [f"  {entry_id}:", "    questions:", *(f"      - {scalar(q)}" for q in questions),
             f"    answer: {_text(answer, '      ')}"]
    wanted = {entry_id: {"questions": questions, "answer": answer}}
    return _read_back("\n".join(lines) + "\n", wanted, wanted)


def set_english(text: str, entry_id: str, english: dict) -> str:
    """The overlay with `entry_id`'s English replaced where it is, or appended; every other line kept."""
    block = english_block(entry_id, english)
    try:
        return replace_entry(text, entry_id, block, OVERLAY_START)
    except KeyError:
        return append_entry(text if any(line.startswith("entries:") for line in text.splitlines())
                            else text + "entries:\n", block)
