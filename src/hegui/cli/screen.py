"""``hegui screen``: screen text, stdin or a file with a lexicon and a policy."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from hegui.cli._output import Lang, emit, stdout_console, to_json
from hegui.cli.lexicon import MapOpt, StrictImportOpt

if TYPE_CHECKING:
    from hegui.safety import Finding, Screener, Verdict

_BATCH = 256
_BLOCK_CHARS = 1 << 18


class ScreenFormat(StrEnum):
    """Output formats of ``hegui screen``."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"


class DirectionOpt(StrEnum):
    """Which side of the conversation the text is."""

    INPUT = "input"
    OUTPUT = "output"


def _finding(f: Finding) -> dict[str, object]:
    return {"start": f.start, "end": f.end, "risk": f.risk, "term": f.term, "source": f.source}


def _lines(stream: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """Decoded lines with their 1-based numbers; invalid UTF-8 names the byte offset."""
    from hegui.safety._normalize import decode_utf8

    offset = 0
    for number, raw in enumerate(stream, start=1):
        yield number, decode_utf8(raw, base=offset, source=name).rstrip("\r\n")
        offset += len(raw)


def _jsonl(screener: Screener, stream: BinaryIO, name: str, direction: str) -> None:
    from hegui.errors import InputError

    pending: list[tuple[object, str]] = []

    def flush() -> None:
        verdicts = screener.screen_batch([t for _, t in pending], direction)
        out = sys.stdout
        for (item_id, _), v in zip(pending, verdicts, strict=True):
            row = {
                "id": item_id,
                "action": v.action.value,
                "findings": [_finding(f) for f in v.findings],
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        pending.clear()

    for number, line in _lines(stream, name):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{number}: not valid JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            raise InputError(
                f'{name}:{number}: each line must be an object with a string "text" '
                '(and an "id"), e.g. {"id": 1, "text": "..."}'
            )
        pending.append((obj.get("id"), obj["text"]))
        if len(pending) >= _BATCH:
            flush()
    if pending:
        flush()


def _scan_file(screener: Screener, stream: BinaryIO, name: str, direction: str) -> Verdict:
    """Screen a large plain-text file block by block, never holding it whole.

    Blocks end at line breaks, which are boundaries no match crosses.
    """
    from hegui.safety import Action, Verdict
    from hegui.safety._screener import shift

    findings: list[Finding] = []
    rules: list[str] = []
    action = Action.ALLOW
    base = 0
    block: list[str] = []
    size = 0
    last: Verdict | None = None

    def run() -> None:
        nonlocal action, base, size, last
        text = "\n".join(block)
        v = screener.screen(text, direction)
        findings.extend(shift(f, base) for f in v.findings)
        rules.extend(r for r in v.rule_ids if r not in rules)
        if v.action.rank > action.rank:
            action = v.action
        base += len(text) + 1
        block.clear()
        size = 0
        last = v

    for _, line in _lines(stream, name):
        block.append(line)
        size += len(line) + 1
        if size >= _BLOCK_CHARS:
            run()
    if block or last is None:
        run()
    assert last is not None
    return Verdict(
        action=action,
        findings=tuple(findings),
        rule_ids=tuple(rules),
        policy_version=last.policy_version,
        lexicon_version=last.lexicon_version,
    )


def _render(verdict: Verdict, fmt: ScreenFormat, lang: Lang = Lang.ZH) -> None:
    data = {
        "action": verdict.action.value,
        "findings": [_finding(f) | {"variant": f.variant} for f in verdict.findings],
        "rule_ids": list(verdict.rule_ids),
        "policy_version": verdict.policy_version,
        "lexicon_version": verdict.lexicon_version,
        "message": verdict.message,
        "masked": verdict.masked,
    }
    if fmt is ScreenFormat.JSON:
        emit(to_json(data))
        return
    if fmt is ScreenFormat.JSONL:
        emit(
            json.dumps(
                {"id": None, **{k: data[k] for k in ("action", "findings")}}, ensure_ascii=False
            )
        )
        return
    from rich.table import Table

    from hegui.kb import load_kb

    zh = lang is Lang.ZH
    words = _WORDS_ZH if zh else {}
    risks = load_kb().risks
    action = verdict.action.value
    rules = ", ".join(verdict.rule_ids) or "—"
    title = (
        f"处置：{words.get(action, action)}（{action}）— 规则：{rules}"
        if zh
        else f"{action} — rules: {rules}"
    )
    console = stdout_console()
    table = Table(title=title)
    columns = (
        ("起", "止", "风险", "名称", "命中", "来源", "形式")
        if zh
        else ("start", "end", "risk", "name", "term", "source", "variant")
    )
    for col in columns:
        table.add_column(col)
    for f in verdict.findings:
        risk = risks.get(f.risk)
        if risk is not None:
            name = risk.name_zh if zh else risk.name_en
        else:  # PII findings: pii.<recognizer>
            name = "个人信息" if zh else "personal information"
        variant = f.variant or ""
        table.add_row(
            str(f.start),
            str(f.end),
            f.risk,
            name,
            f.term or "",
            f.source,
            words.get(variant, variant),
        )
    console.print(table)
    if verdict.message:
        console.print(f"{'提示语' if zh else 'message'}: {verdict.message}")
    if verdict.masked is not None:
        console.print(f"{'脱敏后' if zh else 'masked'}: {verdict.masked}")


_WORDS_ZH = {
    "allow": "放行",
    "flag": "标记",
    "mask": "脱敏",
    "refuse": "拒答",
    "block": "拦截",
    "exact": "原词",
    "normalized": "归一化",
    "pinyin": "拼音",
    "initials": "拼音首字母",
    "mixed": "汉字拼音混写",
    "homophone": "同音字",
    "digits": "数字代写",
}
"""Chinese words for actions and variants in the table."""


def screen(
    text: Annotated[
        str | None, typer.Argument(help="Text to screen, or - to read standard input.")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read from a file (streamed, never loaded whole).")
    ] = None,
    lexicon: Annotated[
        Path | None,
        typer.Option(help="Lexicon: native .yaml/.jsonl or 附件4 .csv/.xlsx (default: starter)."),
    ] = None,
    policy: Annotated[Path | None, typer.Option(help="Policy YAML (default: hegui's).")] = None,
    direction: Annotated[DirectionOpt, typer.Option(help="input or output.")] = DirectionOpt.INPUT,
    fmt: Annotated[
        ScreenFormat,
        typer.Option(
            "--format", "-f", help='jsonl: input lines {"id", "text"} → one verdict line each.'
        ),
    ] = ScreenFormat.TABLE,
    lang: Annotated[Lang, typer.Option("--lang", help="Table language.")] = Lang.ZH,
    mapping: MapOpt = None,
    strict: StrictImportOpt = False,
) -> None:
    """Screen text against a lexicon, the PII recognizers and a policy."""
    from hegui.cli.lexicon import _load
    from hegui.errors import InputError
    from hegui.safety import Screener, load_policy

    sources = [s for s in (text, file) if s is not None]
    if len(sources) != 1:
        raise InputError("give exactly one of TEXT, - (standard input) or --file F")
    # 附件4 lexicons go through the category mapping (rows that map to nothing are reported).
    words = _load(lexicon, mapping, strict)[0] if lexicon is not None else None
    screener = Screener(lexicon=words, policy=load_policy(policy) if policy else None)
    if text is not None and text != "-":
        if fmt is ScreenFormat.JSONL:
            raise InputError("--format jsonl reads JSON lines from - or --file, not from TEXT")
        _render(screener.screen(text, direction.value), fmt, lang)
        return
    if file is not None:
        try:
            stream: BinaryIO = file.open("rb")
        except OSError as exc:
            raise InputError(f"cannot read {file}: {exc.strerror}") from None
        name = str(file)
    else:
        stream, name = sys.stdin.buffer, "<stdin>"
    with stream:
        if fmt is ScreenFormat.JSONL:
            _jsonl(screener, stream, name, direction.value)
        else:
            _render(_scan_file(screener, stream, name, direction.value), fmt, lang)


def register(app: typer.Typer) -> None:
    """Add ``hegui screen`` to the root app."""
    app.command("screen")(screen)
