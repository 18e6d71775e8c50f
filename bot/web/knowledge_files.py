"""Staff edits of the knowledge from the console: checked like the data files, written atomically with a
backup, then the running bot reloads (in a thread, so answering goes on meanwhile).

Every change is first applied to a scratch copy of the data folders and loaded with the same loader the bot
uses; only a copy that loads is written to the real file. Errors are in Chinese and name the field.
"""
from __future__ import annotations

import asyncio
import hashlib
import itertools
import json
import logging
import shutil
import tempfile
from pathlib import Path

from pydantic import ValidationError

from bot.clock import Clock
from bot.storage import atomic_write
from bot.store import Store
from bot import edit_journal
from bot.web import yaml_blocks
from faq.knowledge import EN, FAQ_DIR, POLICY_DIR, load_knowledge
from faq.knowledge_base import KnowledgeBase
from faq.schema import Contact, FaqEntry, KnowledgeError

log = logging.getLogger(__name__)
BACKUPS = "knowledge-backups"
LABELS = {"id": "编号", "category": "分类", "entities": "涉及对象", "aspects": "回答的方面", "questions": "问法",
          "keywords": "关键词", "answer": "答案", "source": "来源", "doc": "来源文件", "section": "来源章节",
          "phone": "电话", "address": "地址", "hours": "办公时间"}
PROBLEMS = {"missing": "必填", "string_too_short": "不能为空", "too_short": "至少要填 {min_length} 项",
            "string_pattern_mismatch": "只能用小写字母、数字、- 和 _，且以字母或数字开头",
            "string_type": "应为文字", "list_type": "应为列表"}


def version(entry: FaqEntry) -> str:
    """A short hash of an entry as loaded: the edit form carries it, so a save can tell it was changed meanwhile."""
    dumped = json.dumps(entry.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(dumped.encode()).hexdigest()[:16]


class EditError(ValueError):
    """A change staff asked for that cannot be saved; the message (Chinese) names the field."""


class Stale(EditError):
    """The entry was saved by someone else after the form was opened (409)."""


def explain(exc: ValidationError) -> EditError:
    parts = []
    for err in exc.errors():
        field = next((LABELS[str(p)] for p in reversed(err["loc"]) if str(p) in LABELS), "")
        problem = PROBLEMS.get(err["type"])
        problem = problem.format(**err.get("ctx", {})) if problem else err["msg"].removeprefix("Value error, ")
        if problem == "blank item":
            problem = "不能有空白的一项"
        parts.append(f"{field}：{problem}" if field else problem)
    return EditError("；".join(dict.fromkeys(parts)))


class KnowledgeEditor:
    def __init__(self, kb: KnowledgeBase, store: Store, clock: Clock, data_dir: Path, faq_dir: Path = FAQ_DIR,
                 policy_dir: Path = POLICY_DIR):
        self.kb, self.store, self.clock = kb, store, clock
        self.faq_dir, self.policy_dir = faq_dir, policy_dir
        self.backup_dir = Path(data_dir) / BACKUPS
        self._lock = asyncio.Lock()            # one edit at a time: each starts from the file as it is now

    @property
    def contacts_file(self) -> Path:
        return self.policy_dir / "contacts.yaml"

    def faq_files(self) -> list[str]:
        return sorted(p.name for p in self.faq_dir.glob("*.yaml"))

    def file_of(self, entry_id: str) -> Path:
        for path in sorted(self.faq_dir.glob("*.yaml")):
            if yaml_blocks.entry_span(path.read_text("utf-8").splitlines(), entry_id):
                return path
        raise EditError(f"编号：找不到问答条目 {entry_id}")

    # ---- the changes -----------------------------------------------------------------------------------
    def _checked_entry(self, data: dict, new: bool) -> dict:
        try:
            entry = FaqEntry.model_validate(data)
        except ValidationError as exc:
            raise explain(exc) from None
        knowledge = self.kb.knowledge
        if new and any(e.id == entry.id for e in knowledge.faq):
            raise EditError(f"编号：{entry.id} 已被其他条目使用")
        if entry.source.doc not in knowledge.documents:
            raise EditError(f"来源文件：{entry.source.doc} 不在 documents.yaml 中")
        for field, known in (("entities", knowledge.lexicon.entities), ("aspects", knowledge.lexicon.aspects)):
            unknown = [x for x in getattr(entry, field) if x not in known]
            if unknown:
                raise EditError(f"{LABELS[field]}：没有 {'、'.join(unknown)} 这一项")
        dumped = entry.model_dump(exclude={"en"})          # the English text lives in the overlay file
        dumped["source"] = dict(dumped["source"])
        return dumped

    async def add_phrasing(self, actor: str, entry_id: str, question: str) -> None:
        """Read under the lock, so two phrasings added at once to one entry both stay."""
        if not question.strip():
            raise EditError("问法：不能为空")
        async with self._lock:
            entry = self.kb.knowledge.entry(entry_id)
            if entry is None:
                raise EditError(f"编号：找不到问答条目 {entry_id}")
            if question in entry.questions:
                raise EditError(f"问法：条目 {entry_id} 已有这个问法")
            data = {**entry.model_dump(exclude={"en"}), "questions": [*entry.questions, question]}
            await self._save(actor, data, None, "faq.phrasing", question=question)

    async def save_entry(self, actor: str, data: dict, *, file: str | None = None, action: str = "faq.edit",
                         opened: str | None = None, **detail) -> None:
        """Changes an existing entry in place, or appends a new one (`file` given) to that file; its English
        text goes to the overlay beside it (faq/data/en/<file>). `opened`: the entry's version when the form was
        opened; saved since by someone else, the change is refused rather than written over theirs."""
        async with self._lock:
            current = self.kb.knowledge.entry(data.get("id", "")) if opened is not None else None
            if current is not None and version(current) != opened:
                raise Stale("条目在您打开之后已被修改（可能是其他工作人员），为免覆盖，未保存。请刷新页面查看最新内容后再改；"
                            "您填写的内容仍在下方。")
            await self._save(actor, data, file, action, **detail)

    async def _save(self, actor: str, data: dict, file: str | None, action: str, **detail) -> None:
        entry = self._checked_entry({k: v for k, v in data.items() if k != "en"}, file is not None)
        texts = await asyncio.to_thread(self._entry_texts, entry, file, data.get("en"))
        await self._commit(texts, actor, action if file is None else "faq.add", entry=entry["id"], **detail)

    def _entry_texts(self, entry: dict, file: str | None, english: dict | None) -> dict[Path, str]:
        """The new texts of the files an entry is in: appended to `file`, or changed where it is (blocking)."""
        if file is not None:
            if file not in self.faq_files():
                raise EditError(f"文件：没有 {file}")
            path = self.faq_dir / file
            text = yaml_blocks.append_entry(path.read_text("utf-8"), yaml_blocks.faq_block(entry))
        else:
            path = self.file_of(entry["id"])
            text = yaml_blocks.replace_entry(path.read_text("utf-8"), entry["id"], yaml_blocks.faq_block(entry))
        texts = {path: text}
        if english is not None:
            overlay = path.parent / EN / path.name
            texts[overlay] = yaml_blocks.set_english(overlay.read_text("utf-8"), entry["id"], english)
        return texts

    async def save_contact(self, actor: str, contact_id: str, fields: dict[str, str | None]) -> None:
        """Sets a contact's phone / address / hours (None clears one)."""
        current = next((c for c in self.kb.knowledge.contacts if c.id == contact_id), None)
        if current is None:
            raise EditError(f"编号：找不到联系机构 {contact_id}")
        try:
            Contact.model_validate({**current.model_dump(), **fields})
        except ValidationError as exc:
            raise explain(exc) from None
        async with self._lock:
            current_text = await asyncio.to_thread(self.contacts_file.read_text, "utf-8")
            text = yaml_blocks.set_lines(current_text, contact_id, fields)
            changed = {k: v for k, v in fields.items() if getattr(current, k) != v}
            await self._commit({self.contacts_file: text}, actor, "contact.edit", contact=contact_id, changes=changed)

    # ---- check, back up, write, reload, audit ----------------------------------------------------------
    def _check(self, texts: dict[Path, str]) -> None:
        """Loads every data file, with the changed files' new texts, exactly as the bot will."""
        with tempfile.TemporaryDirectory() as scratch:
            faq, policy = Path(scratch) / "faq", Path(scratch) / "policy"
            shutil.copytree(self.faq_dir, faq)
            shutil.copytree(self.policy_dir, policy)
            for path, text in texts.items():
                home = self.faq_dir if path.is_relative_to(self.faq_dir) else self.policy_dir
                ((faq if home == self.faq_dir else policy) / path.relative_to(home)).write_text(text, "utf-8")
            try:
                load_knowledge(faq, policy)
            except KnowledgeError as exc:
                raise EditError(f"未保存，资料检查未通过：{str(exc).replace(scratch, '')}") from None

    def _write(self, path: Path, text: str) -> None:
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S")
        backup = self.backup_dir / f"{path.name}.{stamp}"
        for n in itertools.count(2):                  # two saves in one second keep both backups
            if not backup.exists():
                break
            backup = self.backup_dir / f"{path.name}.{stamp}.{n}"
        shutil.copyfile(path, backup)
        atomic_write(path, text.encode("utf-8"))

    async def _commit(self, texts: dict[Path, str], actor: str, action: str, **detail) -> None:
        await asyncio.to_thread(self._check, texts)
        await asyncio.to_thread(edit_journal.write_all, self.faq_dir, texts, self._write)
        try:
            summary = await asyncio.to_thread(self.kb.reload)
        except KnowledgeError as exc:          # the check passed, so only a concurrent hand edit gets here
            log.warning("knowledge saved but not reloaded: %s", exc)
            raise EditError(f"已保存，但重新加载失败（仍使用原资料）：{exc}") from None
        names = "、".join(p.name if p.parent.name != EN else f"{EN}/{p.name}" for p in texts)
        await self.store.audit.record(actor, action, self.clock.now(), file=names, **detail, outcome=summary)
        log.info("%s by %s: %s (%s)", action, actor, names, summary)
