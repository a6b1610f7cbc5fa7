"""Question banks: the native JSONL format, loading by file type, and risk/aspect normalisation.

A bank file holds one JSON object per line (see ``BankItem``). Risks and aspects may be written
as kb ids (``A.1.d``, ``NR.history``) or by their Chinese names (宣扬恐怖主义、极端主义, 历史);
loading normalises them to ids so everything downstream counts by id, through a mapping file
(``hegui-map.yaml``) first when the user gives one. Rows that cannot be used are left out and
reported with their line, category and reason (``Bank.imports``); ``strict`` refuses the file
instead, listing every bad row at once so a user fixes it in one pass.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from hegui.errors import ConfigError, ConfigIssue
from hegui.evals._models import BankItem, Kind
from hegui.evidence import InputDigest, digest_file, write_atomic
from hegui.kb import (
    CategoryResolver,
    ImportReport,
    KnowledgeBase,
    LeftOutRow,
    find_mapping,
    load_mapping,
)

__all__ = [
    "Bank",
    "RowsRead",
    "build_items",
    "dump_jsonl",
    "load_bank",
    "load_banks",
    "normalise_row",
    "write_bank",
]

MAX_ISSUES = 50
"""Stop collecting row errors after this many; a file this broken needs a different fix."""


@dataclass(frozen=True, slots=True)
class Bank:
    """A loaded question bank."""

    items: tuple[BankItem, ...]
    inputs: tuple[InputDigest, ...] = ()
    """Digests of the files the items came from."""
    imports: tuple[ImportReport, ...] = ()
    """How each file was imported: rows read, imported, left out (line, category, why),
    and the mapping file that decided categories."""

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
        imports: list[ImportReport] = []
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
            imports.extend(bank.imports)
        return cls(items=tuple(items), inputs=tuple(inputs), imports=tuple(imports))


@dataclass
class RowsRead:
    """Rows of a bank file before validation, and what was already left out while reading."""

    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    issues: list[ConfigIssue] = field(default_factory=list)
    """Problems with a line (unmapped category, bad JSON …): the row is left out."""
    ignored: list[LeftOutRow] = field(default_factory=list)
    """Rows a mapping entry says to ignore."""
    categories: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Line → (一级分类, 二级分类), for reporting what was left out."""


def load_bank(
    path: Path,
    kb: KnowledgeBase,
    *,
    kind: Kind | None = None,
    resolver: CategoryResolver | None = None,
    strict: bool = False,
) -> Bank:
    """Load a bank from JSONL, or from a 附件5 CSV or XLSX file.

    Rows whose category maps to no risk or aspect (and rows with other problems) are left out
    and reported in ``Bank.imports`` with their line, category and reason; the rest is used.

    Args:
        path: ``.jsonl`` (native), ``.csv`` or ``.xlsx`` (附件5 shape).
        kb: The knowledge base that resolves risk and aspect names.
        kind: For 附件5 files, the kind of every row when the file does not say it (a CSV has
            no sheet names); ``None`` infers it per row.
        resolver: Applies a mapping file (``hegui-map.yaml``) before the built-in matching.
        strict: Refuse the whole file when any row would be left out (rows a mapping entry
            ignores on purpose do not count).

    Raises:
        ConfigError: unreadable file; no row could be used; with ``strict``, any bad row
            (each issue naming its line and field).
    """
    suffix = path.suffix.lower()
    if not path.is_file():
        raise ConfigError("file not found", path=path, fix="check the path")
    resolver = resolver or CategoryResolver(kb)
    applied = resolver.applied
    if suffix == ".jsonl":
        read = _read_jsonl(path)
    elif suffix in {".csv", ".xlsx"}:
        from hegui.evals._annex5 import read_annex5_rows

        read = read_annex5_rows(path, kb, kind=kind, resolver=resolver)
    else:
        raise ConfigError(
            f"unsupported bank format {suffix or '(none)'!r}",
            path=path,
            fix="use .jsonl (native), or .csv / .xlsx in the 附件5 shape",
        )
    items = build_items(read.rows, kb, read.issues, resolver)
    if read.issues and (strict or not items):
        raise ConfigError(read.issues[:MAX_ISSUES], path=path)
    if not items and read.ignored:
        raise ConfigError(
            f"the mapping ignores all {len(read.ignored)} rows; nothing to load", path=path
        )
    left: dict[int | None, LeftOutRow] = {}
    for issue in read.issues:
        if issue.line not in left:
            level1, level2 = read.categories.get(issue.line or 0, ("", ""))
            left[issue.line] = LeftOutRow(
                line=issue.line, level1=level1, level2=level2, reason=_reason(issue)
            )
    left_out = sorted([*left.values(), *read.ignored], key=lambda r: r.line or 0)
    ref = resolver.ref()
    report = ImportReport(
        source=path.name,
        rows=len(items) + len(left_out),
        imported=len(items),
        left_out=tuple(left_out),
        mapping=None
        if ref is None
        else ref.model_copy(update={"applied": resolver.applied - applied}),
    )
    return Bank(items=items, inputs=(digest_file(path),), imports=(report,))


def load_banks(
    paths: Iterable[Path],
    kb: KnowledgeBase,
    *,
    mapping: Path | None = None,
    strict: bool = False,
    kind: Kind | None = None,
) -> Bank:
    """Several bank files as one, through one mapping file.

    Args:
        paths: The bank files.
        kb: The knowledge base.
        mapping: A ``hegui-map.yaml``; None uses one beside the first file (or in the
            current folder) when there is one.
        strict: Refuse any file with a row left out.
        kind: The kind of 附件5 rows that do not say it.

    Raises:
        ConfigError: a bad mapping file, a bad bank file, duplicate ids across files.
    """
    paths = list(paths)
    found = find_mapping(paths[0], mapping) if paths else mapping
    resolver = load_mapping(found, kb)[1] if found is not None else None
    return Bank.merge(load_bank(p, kb, kind=kind, resolver=resolver, strict=strict) for p in paths)


def _reason(issue: ConfigIssue) -> str:
    """``unmapped: …`` for a category nothing maps, ``invalid: …`` for other problems."""
    where = f"{issue.field}: " if issue.field else ""
    unmapped = any(w in issue.problem for w in ("unknown risk", "unknown aspect", "neither"))
    return f"{'unmapped' if unmapped else 'invalid'}: {where}{issue.problem}"


def _read_jsonl(path: Path) -> RowsRead:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("file is not UTF-8 text", path=path, fix="save it as UTF-8") from exc
    read = RowsRead()
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            read.issues.append(
                ConfigIssue(
                    f"not valid JSON: {exc.msg} at column {exc.colno}",
                    line=lineno,
                    fix="write one JSON object per line",
                )
            )
            continue
        if not isinstance(row, dict):
            read.issues.append(ConfigIssue("expected a JSON object", line=lineno))
            continue
        category = row.get("risk", row.get("aspect", ""))
        read.categories[lineno] = ("", str(category))
        read.rows.append((lineno, row))
    return read


def build_items(
    rows: Iterable[tuple[int, Mapping[str, object]]],
    kb: KnowledgeBase,
    issues: list[ConfigIssue],
    resolver: CategoryResolver | None = None,
) -> tuple[BankItem, ...]:
    """Validate rows into items; append one issue per bad row (with its line) to ``issues``."""
    items: list[BankItem] = []
    seen: dict[str, int] = {}
    for lineno, raw in rows:
        row = normalise_row(raw, kb, lineno, issues, resolver)
        if row is None:
            continue
        try:
            item = BankItem.model_validate(row)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field_name = ".".join(str(p) for p in err["loc"]) or None
                msg = str(err["msg"]).removeprefix("Value error, ")
                if err["type"] == "extra_forbidden":
                    allowed = ", ".join(BankItem.model_fields)
                    issues.append(
                        ConfigIssue(
                            "unknown field", line=lineno, field=field_name, fix=f"use: {allowed}"
                        )
                    )
                else:
                    issues.append(ConfigIssue(msg, line=lineno, field=field_name))
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
    row: Mapping[str, object],
    kb: KnowledgeBase,
    line: int,
    issues: list[ConfigIssue],
    resolver: CategoryResolver | None = None,
) -> dict[str, object] | None:
    """Resolve ``risk`` and ``aspect`` names to kb ids; report unknown names with close matches."""
    resolver = resolver or CategoryResolver(kb)
    out = dict(row)
    ok = True
    for field_name, table, names in (
        ("risk", kb.risks, {r.name_zh: r.id for r in kb.risks.values()}),
        ("aspect", kb.aspects, {a.name_zh: a.id for a in kb.aspects.values()}),
    ):
        value = out.get(field_name)
        if value is None:
            continue
        if not isinstance(value, str):
            issues.append(ConfigIssue(f"expected text, got {value!r}", line=line, field=field_name))
            ok = False
            continue
        key = value.strip()
        found = resolver.resolve("", key)
        if found.target in table:
            out[field_name] = found.target
            continue
        if found.how == "unconfirmed":
            problem = (
                f"unknown {field_name} {key!r}: its mapping entry (line {found.line}) "
                "is not confirmed"
            )
            fix = "check the entry and set `confirmed: true` in the mapping file"
        elif found.target is not None:
            problem = f"{field_name} {key!r} maps to {found.target}, which is not a {field_name}"
            fix = "map it to " + (
                "an Appendix A risk id" if field_name == "risk" else "an aspect id"
            )
        else:
            candidates = [*table, *names]
            close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.5)
            hint = f"did you mean {', '.join(close)}? " if close else ""
            problem = f"unknown {field_name} {key!r}"
            fix = (
                f"{hint}see `hegui kb list {field_name}s`, or map the name in hegui-map.yaml "
                "(`hegui map suggest FILE` drafts one)"
            )
        issues.append(ConfigIssue(problem, line=line, field=field_name, fix=fix))
        ok = False
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
