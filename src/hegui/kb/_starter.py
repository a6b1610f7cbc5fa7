"""The commented ``hegui.yaml`` that ``hegui init`` writes, from the wizard's answers.

Every question of ``questions()`` becomes a field with its question and legal reason as a
comment, whether it was asked (interactive) or left at its default (``--no-interactive``), so
both ways write the same file and a user editing it sees why each fact matters.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Mapping

from hegui.kb._questions import GROUPS, Question, questions

__all__ = ["PLACEHOLDER_NAME", "render_starter", "starter_answers"]

PLACEHOLDER_NAME = "（公司全称）"
"""The name a non-interactive ``init`` writes when none is given: it fails validation until
replaced, so an unedited template never scopes."""


def starter_answers(given: Mapping[str, object] | None = None) -> dict[str, object]:
    """Every question's default, overlaid with ``given`` answers (by profile path)."""
    answers: dict[str, object] = {q.path: q.default for q in questions()}
    answers["provider.name"] = PLACEHOLDER_NAME
    answers.update(given or {})
    return answers


def _value(value: object) -> str:
    # JSON scalars are valid YAML flow scalars and quote anything ambiguous (yes, no, 1.0 …).
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _comment(q: Question, indent: str) -> list[str]:
    text = f"{q.prompt_zh}——{q.why_zh}"
    lines = textwrap.wrap(text, width=48, break_on_hyphens=False)
    out = [f"{indent}# {line}" for line in lines]
    if q.choices:
        out.append(f"{indent}# {', '.join(q.choices)}")
    return out


def _unset(q: Question, answers: Mapping[str, object], asked: frozenset[str]) -> bool:
    value = answers.get(q.path)
    if q.group == "judgements" and (q.path not in asked or (q.only_true and value is not True)):
        return True
    return value is None or value == ""


def render_starter(answers: Mapping[str, object], asked: frozenset[str] = frozenset()) -> str:
    """The profile as YAML, each field under its question and legal reason.

    Args:
        answers: values by profile path (``starter_answers`` fills the defaults).
        asked: paths the user answered; judgements under ``overrides`` are written only when
            asked, since an unasked judgement would replace the documented rule.
    """
    lines = [
        "# hegui 服务档案：决定哪些规定适用于本服务的事实。/ hegui service profile.",
        "# 检查：hegui profile validate hegui.yaml    范围：hegui scope hegui.yaml",
        "# 日程：hegui plan hegui.yaml --launch YYYY-MM-DD    全部字段：hegui profile schema",
        "schema_version: 1",
    ]
    opened: list[str] = []
    group = None
    real: set[tuple[str, ...]] = set()
    for q in questions():
        if not _unset(q, answers, asked):
            parts = q.path.split(".")[:-1]
            real |= {tuple(parts[: i + 1]) for i in range(len(parts))}
    for q in questions():
        *parents, leaf = q.path.split(".")
        if q.group != group:
            group = q.group
            zh, en = GROUPS[group]
            lines += ["", f"# === {zh} / {en} ==="]
        common = 0
        while common < min(len(parents), len(opened)) and parents[common] == opened[common]:
            common += 1
        for depth in range(common, len(parents)):
            # A mapping with nothing set under it would be `key:` = null: comment it out too.
            mark = "" if tuple(parents[: depth + 1]) in real else "# "
            lines.append(f"{'  ' * depth}{mark}{parents[depth]}:")
        opened = parents
        indent = "  " * len(parents)
        lines += _comment(q, indent)
        value = answers.get(q.path)
        if _unset(q, answers, asked):
            example = "false" if q.kind == "bool" else '""'
            lines.append(f"{indent}# {leaf}: {example}")
        else:
            lines.append(f"{indent}{leaf}: {_value(value)}")
    return "\n".join(lines) + "\n"
