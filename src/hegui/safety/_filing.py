"""The filing attachment 附件4 (keyword library): columns 关键词, 一级分类, 二级分类; CSV or XLSX.

Category names are mapped onto GB/T 45654 Appendix A ids. Filing sheets drift from the
appendix wording (``侵害``/``侵犯``, ``、``/``，``, a dropped ``内容``), so names are compared on a
canonical key; a risk id (``A.1.d``) in the cell is accepted too. Rows that still do not map are
reported by line, never silently dropped.

CSV is read as UTF-8 (a BOM is fine); files Excel saved in the Chinese locale are GB18030, which
is tried next. CSV is written with a BOM so that Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ConfigError, ConfigIssue
from hegui.safety._lexicon import Lexicon, LexiconEntry, _read_bytes, content_version

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


def _rows_csv(data: bytes, path: Path) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise ConfigError(
                f"not UTF-8 (invalid byte at byte offset {exc.start}) nor GB18030 text",
                path=path,
                fix="save the sheet as CSV UTF-8",
            ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield reader.line_num, row


def _rows_xlsx(data: bytes, path: Path) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ConfigError(f"not a readable XLSX workbook: {exc}", path=path) from None
    sheet = book.worksheets[0]
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, ["" if v is None else str(v) for v in row]
    book.close()


def _cell(header: dict[str, int], cells: list[str], name: str) -> str:
    i = header.get(name)
    return cells[i] if i is not None and i < len(cells) else ""


def import_filing(path: Path | str) -> FilingImport:
    """Read a 附件4 CSV or XLSX file.

    Raises:
        ConfigError: the file cannot be read, has no 关键词 header, or no row maps.
    """
    path = Path(path)
    data = _read_bytes(path)
    rows = (_rows_xlsx if path.suffix.lower() == ".xlsx" else _rows_csv)(data, path)
    header: dict[str, int] | None = None
    entries: list[LexiconEntry] = []
    seen: set[tuple[str, str]] = set()
    rejected: list[ConfigIssue] = []
    count = 0
    for line, row in rows:
        cells = [c.strip() for c in row]
        if header is None:
            if not any(cells):
                continue
            header = {name: i for i, name in enumerate(cells) if name}
            if "关键词" not in header:
                raise ConfigError(
                    f"no 关键词 column in the header row ({', '.join(cells)})",
                    path=path,
                    line=line,
                    fix="the first row must name the columns 关键词, 一级分类, 二级分类",
                )
            continue
        if not any(cells):
            continue
        count += 1

        term, level1, level2 = (_cell(header, cells, n) for n in FILING_COLUMNS)
        if not term:
            rejected.append(ConfigIssue("关键词 is empty", line=line, field="关键词"))
            continue
        risk = map_category(level1, level2)
        if risk is None:
            rejected.append(
                ConfigIssue(
                    f"category {level1!r} / {level2!r} of {term!r} maps to no GB/T 45654 risk",
                    line=line,
                    field="二级分类",
                    fix="use an Appendix A risk name (e.g. 宣扬恐怖主义、极端主义) or id (A.1.d)",
                )
            )
            continue
        if len(term) > 64 or "\n" in term:
            rejected.append(ConfigIssue(f"关键词 {term[:20]!r}… is too long", line=line))
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
    return FilingImport(lexicon=lexicon, rejected=tuple(rejected), rows=count)


def export_filing(lexicon: Lexicon, path: Path | str) -> None:
    """Write ``lexicon`` in the 附件4 shape (``.csv`` or ``.xlsx`` by extension), atomically."""
    from hegui.kb import load_kb, write_atomic

    path = Path(path)
    kb = load_kb()
    rows = [
        (
            e.term,
            kb.categories[kb.risks[e.risk].category].name_zh,
            kb.risks[e.risk].name_zh,
        )
        for e in lexicon.entries
    ]
    suffix = path.suffix.lower()
    if suffix == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(FILING_COLUMNS)
        writer.writerows(rows)
        write_atomic(path, buf.getvalue().encode("utf-8-sig"))
    elif suffix == ".xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("附件4")
        sheet.append(list(FILING_COLUMNS))
        for row in rows:
            sheet.append(list(row))
        out = io.BytesIO()
        book.save(out)
        write_atomic(path, out.getvalue())
    else:
        raise ConfigError(
            f"cannot write 附件4 as {suffix!r}", path=path, fix="use a .csv or .xlsx file name"
        )
