"""Question banks: the native JSONL format, loading by file type, and risk/aspect normalisation.

A bank file holds one JSON object per line (see ``BankItem``). Risks and aspects may be written
as kb ids (``A.1.d``, ``NR.history``) or by their Chinese names (宣扬恐怖主义、极端主义, 历史);
loading normalises them to ids so everything downstream counts by id. Every bad row is reported
with its line, all at once, so a user fixes a file in one pass.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from hegui.errors import ConfigError, ConfigIssue
from hegui.evals._models import BankItem, Kind
from hegui.evidence import InputDigest, digest_file, write_atomic
from hegui.kb import KnowledgeBase

__all__ = ["Bank", "dump_jsonl", "load_bank", "normalise_row", "write_bank"]

MAX_ISSUES = 50
"""Stop collecting row errors after this many; a file this broken needs a different fix."""


@dataclass(frozen=True, slots=True)
class Bank:
    """A loaded question bank."""

    items: tuple[BankItem, ...]
    inputs: tuple[InputDigest, ...] = ()
    """Digests of the files the items came from."""

    def of_kind(self, kind: Kind) -> tuple[BankItem, ...]:
        """The questions of one kind, in file order."""
        return tuple(i for i in self.items if i.kind is kind)

    @classmethod
    def merge(cls, banks: Iterable[Bank]) -> Bank:
        """One bank of several files' questions (a workspace keeps one file per kind).

        Raises:
            ConfigError: two files use the same question id.
        """
        items: list[BankItem] = []
        inputs: list[InputDigest] = []
        owner: dict[str, str] = {}
        for bank in banks:
            name = bank.inputs[0].name if bank.inputs else "(memory)"
            for item in bank.items:
                if item.id in owner:
                    raise ConfigError(
                        f"question id {item.id!r} is in both {owner[item.id]} and {name}",
                        field="id",
                        fix="give every question of the merged banks its own id",
                    )
                owner[item.id] = name
                items.append(item)
            inputs.extend(bank.inputs)
        return cls(items=tuple(items), inputs=tuple(inputs))


def load_bank(path: Path, kb: KnowledgeBase, *, kind: Kind | None = None) -> Bank:
    """Load a bank from JSONL, or from a 附件5 CSV or XLSX file.

    Args:
        path: ``.jsonl`` (native), ``.csv`` or ``.xlsx`` (附件5 shape).
        kb: The knowledge base that resolves risk and aspect names.
        kind: For 附件5 files, the kind of every row when the file does not say it (a CSV has
            no sheet names); ``None`` infers it per row.

    Raises:
        ConfigError: unreadable file or bad rows, each issue naming its line and field.
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ConfigError("file not found", path=path, fix="check the path")
    if suffix == ".jsonl":
        items = _load_jsonl(path, kb)
    elif suffix in {".csv", ".xlsx"}:
        from hegui.evals._annex5 import read_annex5_bank

        items = read_annex5_bank(path, kb, kind=kind)
    else:
        raise ConfigError(
            f"unsupported bank format {suffix or '(none)'!r}",
            path=path,
            fix="use .jsonl (native), or .csv / .xlsx in the 附件5 shape",
        )
    return Bank(items=items, inputs=(digest_file(path),))


def _load_jsonl(path: Path, kb: KnowledgeBase) -> tuple[BankItem, ...]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("file is not UTF-8 text", path=path, fix="save it as UTF-8") from exc
    rows: list[tuple[int, Mapping[str, object]]] = []
    issues: list[ConfigIssue] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            issues.append(
                ConfigIssue(
                    f"not valid JSON: {exc.msg} at column {exc.colno}",
                    line=lineno,
                    fix="write one JSON object per line",
                )
            )
            continue
        if not isinstance(row, dict):
            issues.append(ConfigIssue("expected a JSON object", line=lineno))
            continue
        rows.append((lineno, row))
    items = build_items(rows, kb, issues)
    if issues:
        raise ConfigError(issues[:MAX_ISSUES], path=path)
    return items


def build_items(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    kb: KnowledgeBase,
    issues: list[ConfigIssue],
) -> tuple[BankItem, ...]:
    """Validate rows into items; append one issue per bad row (with its line) to ``issues``."""
    items: list[BankItem] = []
    seen: dict[str, int] = {}
    for lineno, raw in rows:
        row = normalise_row(raw, kb, lineno, issues)
        if row is None:
            continue
        try:
            item = BankItem.model_validate(row)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field = ".".join(str(p) for p in err["loc"]) or None
                msg = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(BankItem.model_fields)
                    issues.append(
                        ConfigIssue(
                            "unknown field", line=lineno, field=field, fix=f"use: {allowed}"
                        )
                    )
                else:
                    issues.append(ConfigIssue(msg, line=lineno, field=field))
            continue
        if item.id in seen:
            issues.append(
                ConfigIssue(
                    f"id {item.id!r} already used on line {seen[item.id]}",
                    line=lineno,
                    field="id",
                    fix="give every question its own id",
                )
            )
            continue
        seen[item.id] = lineno
        items.append(item)
    return tuple(items)


def normalise_row(
    row: Mapping[str, object], kb: KnowledgeBase, line: int, issues: list[ConfigIssue]
) -> dict[str, object] | None:
    """Resolve ``risk`` and ``aspect`` names to kb ids; report unknown names with close matches."""
    out = dict(row)
    ok = True
    for field, table, names in (
        ("risk", kb.risks, {r.name_zh: r.id for r in kb.risks.values()}),
        ("aspect", kb.aspects, {a.name_zh: a.id for a in kb.aspects.values()}),
    ):
        value = out.get(field)
        if value is None:
            continue
        if not isinstance(value, str):
            issues.append(ConfigIssue(f"expected text, got {value!r}", line=line, field=field))
            ok = False
            continue
        key = value.strip()
        resolved = key if key in table else names.get(key)
        if resolved is None:
            candidates = [*table, *names]
            close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            issues.append(
                ConfigIssue(
                    f"unknown {field} {key!r}",
                    line=line,
                    field=field,
                    fix=f"{hint}see `hegui kb list {field}s` for the ids and Chinese names",
                )
            )
            ok = False
            continue
        out[field] = resolved
    return out if ok else None


def dump_jsonl(items: Iterable[BankItem]) -> bytes:
    """The native JSONL bytes of ``items`` (Chinese kept readable, unset fields left out)."""
    lines = (
        json.dumps(i.model_dump(mode="json", exclude_none=True), ensure_ascii=False) for i in items
    )
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_bank(items: Iterable[BankItem], path: Path, kb: KnowledgeBase) -> None:
    """Write ``items`` to ``path`` as JSONL, CSV or XLSX by suffix; atomic (temp file + rename)."""
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        write_atomic(path, dump_jsonl(items))
        return
    if suffix in {".csv", ".xlsx"}:
        from hegui.evals._annex5 import write_annex5_bank

        write_annex5_bank(tuple(items), path, kb)
        return
    raise ConfigError(
        f"unsupported bank format {suffix or '(none)'!r}",
        path=path,
        fix="use .jsonl, .csv or .xlsx",
    )
