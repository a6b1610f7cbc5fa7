"""Tables of ``hegui label``: few columns (they read at 80 columns), details listed below.

Problems, the Art. 6 basis and integrity details are printed as wrapped bullet lines under each
table rather than in a cell, where a narrow terminal would break them character by character.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hegui.cli._label_run import notes, table, word
from hegui.cli._output import Format, Lang, emit, stdout_console, to_json

if TYPE_CHECKING:
    from hegui.labeling import AddBatch, InspectBatch, IntegrityResult, ProviderCode, VerifyBatch

__all__ = ["show_add", "show_code", "show_inspect", "show_verify"]


def show_add(batch: AddBatch, lang: Lang) -> None:
    """One row per file: where its labeled copy went, its ProduceID, the explicit label."""
    explicit = any(r.explicit is not None for _, r in batch.results())
    rows = []
    for item in batch.items:
        r = item.result
        if r is None:
            rows.append(
                [str(item.source), "", "", word("error", lang)] + ([""] if explicit else [])
            )
            continue
        row = [str(r.source), str(r.target) if r.target != r.source else "", r.label.produce_id]
        if explicit:
            row.append(r.explicit.modality if r.explicit else "")
        rows.append([*row, word("labeled", lang)])
    columns = [word("file", lang), word("output", lang), "ProduceID"]
    if explicit:
        columns.append(word("explicit", lang))
    table("hegui label add", [*columns, word("status", lang)], rows)


def show_inspect(batch: InspectBatch, lang: Lang) -> None:
    """One row per label (or per file without one); each label's problems listed below."""
    rows: list[list[str]] = []
    details: list[tuple[str, list[str]]] = []
    for item in batch.items:
        report = item.result
        if report is None:
            rows.append([str(item.source), "", "", word("error", lang)])
            continue
        if not report.labels:
            rows.append([report.file, report.format, "", word("no label", lang)])
        for lab in report.labels:
            place = lab.carrier
            if not lab.standard_placement:
                place += f" ({word('non-standard', lang)})"
            status = word("conforming", lang)
            if not lab.conforming:
                status = f"{word('non-conforming', lang)} ({len(lab.problems)})"
                details.append((f"{report.file} {lab.carrier}:", list(lab.problems)))
            rows.append([report.file, place, lab.fields.get("Label") or "", status])
    columns = [word("file", lang), word("placement", lang), "Label", word("status", lang)]
    table("hegui label inspect", columns, rows)
    out = stdout_console()
    for heading, lines in details:
        notes(out, heading, lines)


def _integrity(results: tuple[IntegrityResult, ...], lang: Lang) -> str:
    shown = []
    for r in results:
        text = f"{r.field.value[-1]}:{r.status.value}"
        if r.status.value == "valid" and r.covers_content is False:
            text += f" ({word('metadata only', lang)})"
        shown.append(text)
    return " ".join(shown)


def show_verify(batch: VerifyBatch, lang: Lang) -> None:
    """One row per file: the Art. 6 determination and integrity; basis and notices below."""
    rows: list[list[str]] = []
    details: list[tuple[str, list[str]]] = []
    wrote = any(v.written is not None for _, v in batch.results())
    for item in batch.items:
        v = item.result
        if v is None:
            rows.append([str(item.source), word("error", lang), ""] + ([""] if wrote else []))
            continue
        d = v.determination
        row = [str(item.source), word(d.value, lang), _integrity(v.integrity, lang)]
        if wrote:
            row.append(str(v.written.target) if v.written else "")
        rows.append(row)
        notice = d.notice_zh if lang is Lang.ZH else d.notice_en
        lines = [v.basis] + ([notice] if notice else [])
        lines += [f"{r.field.value}: {r.detail}" for r in v.integrity if r.status.value != "absent"]
        details.append((f"{item.source}:", lines))
    columns = [word("file", lang), word("determination", lang), word("integrity", lang)]
    if wrote:
        columns.append(word("written", lang))
    table("hegui label verify (Measures Art. 6)", columns, rows)
    out = stdout_console()
    for heading, lines in details:
        notes(out, heading, lines)


def show_code(code: ProviderCode, fmt: Format, lang: Lang) -> None:
    """The code, then each part with its positions and meaning."""
    parts = code.parts()
    if fmt is Format.JSON:
        emit(
            to_json(
                {
                    "code": code.code,
                    "parts": [
                        {
                            "positions": p.positions,
                            "value": p.value,
                            "meaning_zh": p.meaning_zh,
                            "meaning_en": p.meaning_en,
                        }
                        for p in parts
                    ],
                }
            )
        )
        return
    rows = [
        [p.positions, p.value, p.meaning_zh if lang is Lang.ZH else p.meaning_en] for p in parts
    ]
    heading = ("位置", "值", "含义") if lang is Lang.ZH else ("positions", "value", "meaning")
    table(code.code, list(heading), rows)
