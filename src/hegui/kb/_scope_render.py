"""Render a scope report as Markdown or HTML, in Chinese (default) or English.

Obligation texts exist in English with the key Chinese phrase of the article; headings, names of
instruments and procedures, and verdicts follow the chosen language.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from typing import Literal

from hegui.kb._loader import KnowledgeBase, load_kb
from hegui.kb._scope import AppliedObligation, EvidenceItem, ProcedureResult, ScopeReport

__all__ = ["Lang", "render_html", "render_markdown"]

Lang = Literal["zh", "en"]

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("合规范围报告", "Compliance scope report"),
    "provider": ("服务提供者", "Provider"),
    "service": ("服务", "Service"),
    "roles": ("角色", "Roles"),
    "kb": ("知识库版本", "Knowledge-base version"),
    "summary": ("概要", "Summary"),
    "procedures": ("需履行的程序", "Procedures owed"),
    "obligations": ("适用义务", "Applicable obligations"),
    "not_applicable": ("不适用的规定", "What does not apply"),
    "evidence": ("证据清单", "Evidence checklist"),
    "facts": ("认定的事实", "Facts used"),
    "required": ("需要", "required"),
    "not_required": ("不需要", "not required"),
    "review": ("需研判", "review"),
    "basis": ("依据", "Basis"),
    "deadline": ("期限", "Deadline"),
    "channel": ("渠道", "Channel"),
    "why": ("原因", "Why"),
    "triggered_by": ("触发事实", "Triggered by"),
    "confidence": ("可信度", "Confidence"),
    "when": ("发生时", "When"),
    "penalty": ("罚则", "Penalty"),
    "needed_for": ("所需依据", "Needed for"),
    "produced_by": ("生成命令", "produced by"),
    "document": ("由服务提供者提供的文件", "document the provider supplies"),
    "unconfirmed": ("未经核实，依赖前请核对原文", "UNCONFIRMED: verify before relying on it"),
    "conf_legend": (
        "可信度：V 原文逐字核实；S 仅见于二手资料；M 未经核实",
        "Confidence: V verbatim text seen; S secondary sources only; M unconfirmed",
    ),
    "disclaimer": (
        "本报告依据 hegui 知识库自动生成，不构成法律意见。",
        "Generated from the hegui knowledge base; not legal advice.",
    ),
}


def _t(key: str, lang: Lang) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def _required(p: ProcedureResult, lang: Lang) -> str:
    key = "review" if p.required == "review" else ("required" if p.required else "not_required")
    return _t(key, lang)


def _basis(p: ProcedureResult) -> str:
    return "; ".join(b.cite() for b in p.basis)


def _md_cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _grouped(
    obligations: Iterable[AppliedObligation], kb: KnowledgeBase
) -> dict[str, list[AppliedObligation]]:
    groups: dict[str, list[AppliedObligation]] = {code: [] for code in kb.instruments}
    for ob in obligations:
        groups[ob.instrument].append(ob)
    return {k: v for k, v in groups.items() if v}


def render_markdown(report: ScopeReport, lang: Lang = "zh", kb: KnowledgeBase | None = None) -> str:
    """The report as a Markdown document."""
    kb = kb or load_kb()
    out: list[str] = [f"# {_t('title', lang)}", ""]
    out.append(f"- {_t('provider', lang)}: {report.provider}")
    if report.service:
        out.append(f"- {_t('service', lang)}: {report.service}")
    out.append(f"- {_t('roles', lang)}: {', '.join(report.roles)}")
    out.append(f"- {_t('kb', lang)}: {report.kb_version} (hegui {report.tool_version})")
    out += ["", f"> {_t('conf_legend', lang)}. {_t('disclaimer', lang)}", ""]

    out += [f"## {_t('procedures', lang)}", ""]
    out.append(
        f"| | {_t('procedures', lang)} | {_t('basis', lang)} | {_t('why', lang)} "
        f"| {_t('deadline', lang)} | {_t('confidence', lang)} |"
    )
    out.append("|---|---|---|---|---|---|")
    for p in sorted(report.procedures, key=_procedure_order):
        name = p.name_zh if lang == "zh" else p.name_en
        why = p.reason + (f" [{p.route}]" if p.route else "")
        out.append(
            f"| {_required(p, lang)} | {_md_cell(name)} | {_md_cell(_basis(p))} | {_md_cell(why)} "
            f"| {_md_cell(p.deadline)} | {p.confidence} |"
        )
    out.append("")

    out += [f"## {_t('obligations', lang)} ({len(report.obligations)})", ""]
    for code, rows in _grouped(report.obligations, kb).items():
        inst = kb.instruments[code]
        out += [f"### {code} — {inst.title_zh if lang == 'zh' else inst.title_en}", ""]
        for ob in rows:
            flag = f" ⚠ {_t('unconfirmed', lang)}" if ob.confidence == "M" else ""
            out.append(f"- **{ob.id}** (Art. {ob.article}, {ob.confidence}{flag}): {ob.obligation}")
            if ob.key_phrase_zh:
                out.append(f"  - 「{ob.key_phrase_zh}」")
            if ob.event:
                out.append(f"  - {_t('when', lang)}: {ob.event.value.replace('_', ' ')}")
            if ob.deadline:
                out.append(f"  - {_t('deadline', lang)}: {ob.deadline}")
            if ob.triggered_by:
                out.append(f"  - {_t('triggered_by', lang)}: {', '.join(ob.triggered_by)}")
            if ob.penalty_id:
                out.append(f"  - {_t('penalty', lang)}: {ob.penalty_id}")
        out.append("")

    out += [f"## {_t('not_applicable', lang)}", ""]
    for na in report.not_applicable:
        title = na.title_zh if lang == "zh" else na.title_en
        art = f" ({na.article})" if na.article else ""
        out.append(f"- **{na.instrument}** {title}{art}: {na.reason}")
    out.append("")

    out += [f"## {_t('evidence', lang)} ({len(report.evidence)})", ""]
    for item in report.evidence:
        out.append(f"- [ ] {_evidence_line(item, lang)} — {', '.join(item.needed_for)}")
    out.append("")

    out += [f"## {_t('facts', lang)}", ""]
    for fact in report.facts:
        value = ", ".join(fact.value) if isinstance(fact.value, tuple) else fact.value
        extra = f" ({fact.origin}: {'; '.join(fact.because)})" if fact.because else ""
        out.append(f"- `{fact.name}` = {value}{extra}")
    return "\n".join(out) + "\n"


def _evidence_line(item: EvidenceItem, lang: Lang) -> str:
    name = item.name_zh if lang == "zh" else item.name_en
    if item.command:
        return f"{name} [{item.kind}] ({_t('produced_by', lang)}: {item.command})"
    return f"{name} [{item.kind}] ({_t('document', lang)})"


def _procedure_order(p: ProcedureResult) -> int:
    return 0 if p.required is True else (1 if p.required == "review" else 2)


def render_html(report: ScopeReport, lang: Lang = "zh", kb: KnowledgeBase | None = None) -> str:
    """The report as a self-contained HTML page."""
    kb = kb or load_kb()
    e = html.escape
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(_t('title', lang))} — {e(report.provider)}</title>",
        "<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:70rem;"
        "margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}"
        ".required{color:#a00;font-weight:bold}.review{color:#a60}.M{background:#fee}</style>",
        "</head><body>",
        f"<h1>{e(_t('title', lang))}</h1>",
        f"<p>{e(_t('provider', lang))}: {e(report.provider)}<br>"
        f"{e(_t('service', lang))}: {e(report.service or '')}<br>"
        f"{e(_t('roles', lang))}: {e(', '.join(report.roles))}<br>"
        f"{e(_t('kb', lang))}: {e(report.kb_version)}</p>",
        f"<p><em>{e(_t('conf_legend', lang))}. {e(_t('disclaimer', lang))}</em></p>",
        f"<h2>{e(_t('procedures', lang))}</h2><table><tr><th></th>"
        f"<th>{e(_t('procedures', lang))}</th><th>{e(_t('basis', lang))}</th>"
        f"<th>{e(_t('why', lang))}</th><th>{e(_t('deadline', lang))}</th></tr>",
    ]
    for p in sorted(report.procedures, key=_procedure_order):
        css = "review" if p.required == "review" else ("required" if p.required else "")
        name = p.name_zh if lang == "zh" else p.name_en
        parts.append(
            f'<tr><td class="{css}">{e(_required(p, lang))}</td><td>{e(name)}</td>'
            f"<td>{e(_basis(p))}</td><td>{e(p.reason)}</td><td>{e(p.deadline or '')}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h2>{e(_t('obligations', lang))} ({len(report.obligations)})</h2>")
    for code, rows in _grouped(report.obligations, kb).items():
        inst = kb.instruments[code]
        parts.append(
            f"<h3>{e(code)} — {e(inst.title_zh if lang == 'zh' else inst.title_en)}</h3><ul>"
        )
        for ob in rows:
            zh = f"<br>「{e(ob.key_phrase_zh)}」" if ob.key_phrase_zh else ""
            why = f"<br>{e(_t('triggered_by', lang))}: {e(', '.join(ob.triggered_by))}"
            parts.append(
                f'<li class="{ob.confidence}"><b>{e(ob.id)}</b> (Art. {e(ob.article)}, '
                f"{ob.confidence}): {e(ob.obligation)}{zh}{why}</li>"
            )
        parts.append("</ul>")
    parts.append(f"<h2>{e(_t('not_applicable', lang))}</h2><ul>")
    for na in report.not_applicable:
        title = na.title_zh if lang == "zh" else na.title_en
        parts.append(f"<li><b>{e(na.instrument)}</b> {e(title)}: {e(na.reason)}</li>")
    parts.append(f"</ul><h2>{e(_t('evidence', lang))}</h2><ul>")
    for item in report.evidence:
        parts.append(
            f"<li>☐ {e(_evidence_line(item, lang))} "
            f"<small>({e(', '.join(item.needed_for))})</small></li>"
        )
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"
