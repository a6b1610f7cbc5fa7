"""The filing attachment 附件4 (keyword library): columns 关键词, 一级分类, 二级分类; CSV or XLSX.

Category names are mapped onto GB/T 45654 Appendix A ids. Filing sheets drift from the
appendix wording (``侵害``/``侵犯``, ``、``/``，``, a dropped ``内容``), so names are compared on a
canonical key; a risk id (``A.1.d``) in the cell is accepted too. Rows that still do not map are
reported by line, never silently dropped. The first sheet of a workbook is read; the CSV and
XLSX mechanics (encodings, line numbers, atomic writes) are ``hegui._table``'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from hegui._table import Table, read_bytes, read_table, require_columns, write_table
from hegui.errors import ConfigError, ConfigIssue
from hegui.kb import CategoryResolver, ImportReport, LeftOutRow, MappingRef
from hegui.safety._lexicon import Lexicon, LexiconEntry, content_version

__all__ = ["FILING_COLUMNS", "FilingImport", "export_filing", "import_filing", "map_category"]

FILING_COLUMNS = ("关键词", "一级分类", "二级分类")
_PUNCT = re.compile(r"[\s、，,。.；;：:（）()“”\"'·-]+")


def _key(name: str) -> str:
    key = _PUNCT.sub("", name).replace("侵害", "侵犯")
    return key.removesuffix("内容").removesuffix("的")


@dataclass(frozen=True, slots=True)
class FilingImport:
    """The result of reading a 附件4 file."""

    lexicon: Lexicon
    rejected: tuple[ConfigIssue, ...]
    """One issue per row that could not be mapped, with its line."""
    rows: int
    """Data rows read (header excluded)."""
    ignored: tuple[ConfigIssue, ...] = ()
    """Rows a mapping file says to ignore (left out on purpose, not rejected)."""
    mapping: MappingRef | None = None
    """The mapping file that decided categories, with how many rows it decided."""

    def report(self, source: str) -> ImportReport:
        """The import as Evidence records it (issue 19): counts, rows left out, the mapping."""
        left = [
            LeftOutRow(line=i.line, level2=i.field or "", reason=f"{why}: {i.problem}")
            for why, issues in (("unmapped", self.rejected), ("ignored", self.ignored))
            for i in issues
        ]
        return ImportReport(
            source=source,
            rows=self.rows,
            imported=self.rows - len(left),
            left_out=tuple(sorted(left, key=lambda r: r.line or 0)),
            mapping=self.mapping,
        )


def map_category(level1: str, level2: str) -> str | None:
    """The risk id for a (一级分类, 二级分类) pair, or ``None`` when it does not map."""
    from hegui.kb import load_kb

    kb = load_kb()
    level2 = level2.strip()
    if level2 in kb.risks:
        return level2
    key = _key(level2)
    if not key:
        return None
    exact = [r for r in kb.risks.values() if _key(r.name_zh) == key]
    candidates = exact or [
        r for r in kb.risks.values() if key in _key(r.name_zh) or _key(r.name_zh) in key
    ]
    if level1.strip():
        k1 = _key(level1)
        in_cat = [
            r
            for r in candidates
            if r.category == level1.strip() or k1 in _key(kb.categories[r.category].name_zh)
        ]
        candidates = in_cat
    return candidates[0].id if len(candidates) == 1 else None


def import_filing(path: Path | str, *, resolver: CategoryResolver | None = None) -> FilingImport:
    """Read a 附件4 CSV or XLSX file.

    With ``resolver`` (a mapping file, ``hegui.kb.load_mapping``), its entries decide a row's
    category first: a risk id, ``ignore`` (the row is left out on purpose), or nothing (the
    built-in matching below decides).

    Raises:
        ConfigError: the file cannot be read, has no 关键词 header, or no row maps.
    """
    path = Path(path)
    data = read_bytes(path)
    sheet = read_table(path, extra="safety", data=data)[0]
    if sheet.header:
        require_columns(
            sheet,
            ("关键词",),
            path,
            fix="the first row must name the columns 关键词, 一级分类, 二级分类",
        )
    entries: list[LexiconEntry] = []
    seen: set[tuple[str, str]] = set()
    rejected: list[ConfigIssue] = []
    ignored: list[ConfigIssue] = []
    applied = resolver.applied if resolver is not None else 0
    for row in sheet.rows:
        term, level1, level2 = (row.get(n) for n in FILING_COLUMNS)
        if not term:
            rejected.append(ConfigIssue("关键词 is empty", line=row.line, field="关键词"))
            continue
        mapped = resolver.resolve(level1, level2) if resolver is not None else None
        if mapped is not None and mapped.how == "mapping" and mapped.target == "ignore":
            ignored.append(
                ConfigIssue(f"{level1} / {level2}: mapping line {mapped.line}", line=row.line)
            )
            continue
        if mapped is not None and mapped.how == "unconfirmed":
            rejected.append(
                ConfigIssue(
                    f"category {level1!r} / {level2!r}: its mapping entry (line {mapped.line}) "
                    "is not confirmed",
                    line=row.line,
                    field="二级分类",
                    fix="check the entry and set `confirmed: true` in the mapping file",
                )
            )
            continue
        risk = (
            mapped.target
            if mapped is not None and mapped.how == "mapping" and mapped.target in _risks()
            else map_category(level1, level2)
        )
        if risk is None:
            rejected.append(
                ConfigIssue(
                    f"category {level1!r} / {level2!r} of {term!r} maps to no GB/T 45654 risk",
                    line=row.line,
                    field="二级分类",
                    fix="use an Appendix A risk name (e.g. 宣扬恐怖主义、极端主义) or id (A.1.d), "
                    "or map it in hegui-map.yaml (`hegui map suggest FILE` drafts one)",
                )
            )
            continue
        if len(term) > 64 or "\n" in term:
            rejected.append(ConfigIssue(f"关键词 {term[:20]!r}… is too long", line=row.line))
            continue
        if (term, risk) in seen:
            continue
        seen.add((term, risk))
        entries.append(LexiconEntry(term=term, risk=risk))
    if not entries:
        raise ConfigError(
            rejected or [ConfigIssue("the file has no keyword rows")],
            path=path,
        )
    lexicon = Lexicon(name=path.stem, version=content_version(data), entries=tuple(entries))
    ref = resolver.ref() if resolver is not None else None
    return FilingImport(
        lexicon=lexicon,
        rejected=tuple(rejected),
        rows=len(sheet.rows),
        ignored=tuple(ignored),
        mapping=None
        if ref is None
        else ref.model_copy(update={"applied": resolver.applied - applied}),  # type: ignore[union-attr]
    )


def _risks() -> set[str]:
    from hegui.kb import load_kb

    return set(load_kb().risks)


def export_filing(lexicon: Lexicon, path: Path | str) -> None:
    """Write ``lexicon`` in the 附件4 shape (``.csv`` or ``.xlsx`` by extension), atomically."""
    from hegui.kb import load_kb

    kb = load_kb()
    rows = [
        (
            e.term,
            kb.categories[kb.risks[e.risk].category].name_zh,
            kb.risks[e.risk].name_zh,
        )
        for e in lexicon.entries
    ]
    write_table(Path(path), [Table("附件4", FILING_COLUMNS, rows)], extra="safety")
