"""Render a scope report as Markdown or HTML, in Chinese (default) or English.

Every text comes from its ``*_zh`` or ``*_en`` field, every id through its label, every trigger
atom through ``describe_atom``: a Chinese report carries no English sentence, and where to file
is shown beside each procedure.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

from hegui.kb._loader import KnowledgeBase, load_kb
from hegui.kb._models import Basis
from hegui.kb._scope import (
    AppliedObligation,
    EvidenceItem,
    FactRow,
    NotApplicable,
    ProcedureResult,
    ScopeReport,
)
from hegui.kb._vocabulary import Lang, describe_atom, label

__all__ = [
    "Lang",
    "cite_article",
    "cite_basis",
    "fact_value",
    "procedure_verdict",
    "render_html",
    "render_markdown",
    "t",
]

_TEXT: dict[str, tuple[str, str]] = {
    "title": ("合规范围报告", "Compliance scope report"),
    "provider": ("服务提供者", "Provider"),
    "service": ("服务", "Service"),
    "roles": ("角色", "Roles"),
    "kb": ("知识库版本", "Knowledge-base version"),
    "procedures": ("需履行的程序", "Procedures owed"),
    "procedure": ("程序", "Procedure"),
    "obligations": ("适用义务", "Applicable obligations"),
    "not_applicable": ("不适用的规定", "What does not apply"),
    "evidence": ("证据清单", "Evidence checklist"),
    "facts": ("认定的事实", "Facts used"),
    "basis": ("依据", "Basis"),
    "deadline": ("期限", "Deadline"),
    "channel": ("报送渠道", "Where to file"),
    "why": ("原因", "Why"),
    "route": ("路径", "Route"),
    "triggered_by": ("触发事实", "Triggered by"),
    "confidence": ("可信度", "Confidence"),
    "when": ("发生时", "When"),
    "penalty": ("罚则", "Penalty"),
    "note": ("说明", "Note"),
    "unconfirmed": ("未经核实，依赖前请核对原文", "UNCONFIRMED: verify before relying on it"),
    "produced_by": ("生成命令", "produced by"),
    "document": ("由服务提供者提供的文件", "document the provider supplies"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "conf_legend": (
        "可信度：V 原文逐字核实；S 仅见于二手资料；M 未经核实",
        "Confidence: V verbatim text seen; S secondary sources only; M unconfirmed",
    ),
    "disclaimer": (
        "本报告依据 hegui 知识库自动生成，不构成法律意见。",
        "Generated from the hegui knowledge base; not legal advice.",
    ),
}


def t(key: str, lang: Lang) -> str:
    """A fixed report text in ``lang``."""
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def procedure_verdict(required: bool | str, lang: Lang) -> str:
    """需要 / 需研判 / 不需要."""
    key = "review" if required == "review" else ("required" if required else "not_required")
    return label("required", key, lang)


_SIMPLE = re.compile(r"(\d+)(?:\((\d+)\))?(?: ¶(\d+))?")


def cite_article(article: str, article_zh: str | None, lang: Lang) -> str:
    """``Art. 24 ¶1`` / ``第24条第1款``; ``21 → 23`` / ``第23条（原第21条）``."""
    if lang == "en":
        return f"Art. {article}" if article[:1].isdigit() else article
    if article_zh:
        return article_zh
    if m := _SIMPLE.fullmatch(article):
        item = f"第（{m.group(2)}）项" if m.group(2) else ""
        para = f"第{m.group(3)}款" if m.group(3) else ""
        return f"第{m.group(1)}条{para}{item}"
    if m := re.fullmatch(r"(\d+) → (\d+)", article):
        return f"第{m.group(2)}条（原第{m.group(1)}条）"
    if m := re.fullmatch(r"(\d+)\((\d+)\)–\((\d+)\)", article):
        return f"第{m.group(1)}条第（{m.group(2)}）至（{m.group(3)}）项"
    if re.fullmatch(r"[\d–-]+", article):
        return f"第{article}条"
    return article


def fact_value(row: FactRow, lang: Lang) -> str:
    """A fact's value with labels: 是 / 对话、写作 / 2,500,000."""
    value = row.value
    if isinstance(value, bool):
        return t("yes" if value else "no", lang)
    if isinstance(value, int):
        return f"{value:,}"
    table = {"features", "modalities", "algorithm_types", "roles", "model_source"}
    key = row.name if row.name in table else None
    if isinstance(value, tuple):
        sep = "、" if lang == "zh" else ", "
        shown = [label(key, v, lang) if key else v for v in value]
        return sep.join(shown) or ("无" if lang == "zh" else "none")
    return label(key, value, lang) if key else value


def _atoms(atoms: Iterable[str], lang: Lang) -> str:
    return ("；" if lang == "zh" else "; ").join(describe_atom(a, lang) for a in atoms)


def _roles(report: ScopeReport, lang: Lang) -> str:
    return ("、" if lang == "zh" else ", ").join(label("roles", r, lang) for r in report.roles)


def _pick(zh: str | None, en: str | None, lang: Lang) -> str:
    return (zh if lang == "zh" else en) or ""


def cite_basis(basis: Basis, lang: Lang, kb: KnowledgeBase) -> str:
    """``ALG 24`` in English; 《算法推荐管理规定》第24条 in Chinese."""
    inst = kb.instruments[basis.instrument]
    if inst.numbering_draft:  # a standard cited by its draft's clause numbers
        article = basis.article_zh if lang == "zh" and basis.article_zh else basis.article
        note = (
            f"（按{inst.numbering_draft}征求意见稿编号）"
            if lang == "zh"
            else f" ({inst.numbering_draft} draft numbering)"
        )
        return f"{inst.short_zh} {article}{note}"
    if lang == "en" or basis.article.startswith(f"{basis.instrument}-"):
        return basis.cite(lang)
    if inst.kind.value.endswith("standard"):
        return f"{inst.short_zh} {cite_article(basis.article, basis.article_zh, lang)}"
    return f"《{inst.short_zh}》{cite_article(basis.article, basis.article_zh, lang)}"


def _basis(p: ProcedureResult, lang: Lang, kb: KnowledgeBase) -> str:
    return ("；" if lang == "zh" else "; ").join(cite_basis(b, lang, kb) for b in p.basis)


def _why(p: ProcedureResult, lang: Lang) -> str:
    why = _pick(p.reason_zh, p.reason_en, lang)
    if p.route:
        why += (
            f"（{t('route', lang)}：{label('routes', p.route, lang)}）"
            if lang == "zh"
            else (f" ({t('route', lang)}: {label('routes', p.route, lang)})")
        )
    return why


def _paren(text: str, lang: Lang) -> str:
    return f"（{text}）" if lang == "zh" else f" ({text})"


def _bare(text: str) -> str:
    # "（条号未见）" inside another bracket reads as "（（…））": drop the inner pair.
    for left, right in (("（", "）"), ("(", ")")):
        if text.startswith(left) and text.endswith(right) and text.count(left) == 1:
            return text[1:-1]
    return text


def _legend(lang: Lang) -> str:
    return f"{t('conf_legend', lang)}{'。' if lang == 'zh' else '. '}{t('disclaimer', lang)}"


def _md_cell(text: str | None) -> str:
    return (text or "").replace("|", "\\|").replace("\n", " ")


def _grouped(
    obligations: Iterable[AppliedObligation], kb: KnowledgeBase
) -> dict[str, list[AppliedObligation]]:
    groups: dict[str, list[AppliedObligation]] = {code: [] for code in kb.instruments}
    for ob in obligations:
        groups[ob.instrument].append(ob)
    return {k: v for k, v in groups.items() if v}


def _procedure_order(p: ProcedureResult) -> int:
    return 0 if p.required is True else (1 if p.required == "review" else 2)


def evidence_line(item: EvidenceItem, lang: Lang, code: str = "`") -> str:
    """One checklist line: name, kind id, and the command or 'document'."""
    name = item.name_zh if lang == "zh" else item.name_en
    if item.command:
        made = f"{t('produced_by', lang)}：{code}{item.command}{code}"
    else:
        made = t("document", lang)
    return f"{name} [{item.kind}]（{made}）" if lang == "zh" else f"{name} [{item.kind}] ({made})"


def _na_line(na: NotApplicable, lang: Lang) -> str:
    title = f"《{na.title_zh}》" if lang == "zh" else na.title_en
    art = ""
    if na.article:
        art = _paren(_bare(cite_article(na.article, na.article_zh, lang)), lang)
    return f"{title}{art}：{na.reason_zh}" if lang == "zh" else f"{title}{art}: {na.reason_en}"


def render_markdown(report: ScopeReport, lang: Lang = "zh", kb: KnowledgeBase | None = None) -> str:
    """The report as a Markdown document."""
    kb = kb or load_kb()
    colon = "：" if lang == "zh" else ": "
    out: list[str] = [f"# {t('title', lang)}", ""]
    out.append(f"- {t('provider', lang)}{colon}{report.provider}")
    if report.service:
        out.append(f"- {t('service', lang)}{colon}{report.service}")
    out.append(f"- {t('roles', lang)}{colon}{_roles(report, lang)}")
    out.append(
        f"- {t('kb', lang)}{colon}{report.kb_version}{_paren(f'hegui {report.tool_version}', lang)}"
    )
    out += ["", f"> {_legend(lang)}", ""]

    out += [f"## {t('procedures', lang)}", ""]
    heads = ("", "procedure", "basis", "why", "deadline", "channel", "confidence")
    out.append("| " + " | ".join(t(h, lang) if h else "" for h in heads) + " |")
    out.append("|---" * len(heads) + "|")
    for p in sorted(report.procedures, key=_procedure_order):
        cells = [
            procedure_verdict(p.required, lang),
            p.name_zh if lang == "zh" else p.name_en,
            _basis(p, lang, kb),
            _why(p, lang),
            _pick(p.deadline_zh, p.deadline_en, lang),
            _pick(p.channel_zh, p.channel_en, lang) if p.required is not False else "",
            p.confidence.value,
        ]
        out.append("| " + " | ".join(_md_cell(c) for c in cells) + " |")
    out.append("")

    out += [f"## {t('obligations', lang)} ({len(report.obligations)})", ""]
    for code, rows in _grouped(report.obligations, kb).items():
        inst = kb.instruments[code]
        title = f"《{inst.title_zh}》" if lang == "zh" else inst.title_en
        out += [f"### {code} — {title}", ""]
        for ob in rows:
            flag = f" ⚠ {t('unconfirmed', lang)}" if ob.confidence == "M" else ""
            cited = _bare(cite_article(ob.article, ob.article_zh, lang))
            text = ob.obligation_zh if lang == "zh" else ob.obligation_en
            head = _paren(
                f"{cited}{'，' if lang == 'zh' else ', '}{ob.confidence.value}{flag}", lang
            )
            out.append(f"- **{ob.id}**{head}{colon}{text}")
            if ob.key_phrase_zh:
                out.append(f"  - 「{ob.key_phrase_zh}」")
            if ob.event:
                out.append(f"  - {t('when', lang)}{colon}{label('events', ob.event, lang)}")
            if deadline := _pick(ob.deadline_zh, ob.deadline_en, lang):
                out.append(f"  - {t('deadline', lang)}{colon}{deadline}")
            if ob.triggered_by:
                out.append(f"  - {t('triggered_by', lang)}{colon}{_atoms(ob.triggered_by, lang)}")
            if ob.penalty_id:
                out.append(f"  - {t('penalty', lang)}{colon}{ob.penalty_id}")
        out.append("")

    out += [f"## {t('not_applicable', lang)}", ""]
    out += [f"- **{na.instrument}** {_na_line(na, lang)}" for na in report.not_applicable]
    out.append("")

    out += [f"## {t('evidence', lang)} ({len(report.evidence)})", ""]
    for item in report.evidence:
        out.append(f"- [ ] {evidence_line(item, lang)} — {', '.join(item.needed_for)}")
    out.append("")

    out += [f"## {t('facts', lang)}", ""]
    for fact in report.facts:
        name = fact.label_zh if lang == "zh" else fact.label_en
        origin = label("origins", fact.origin, lang)
        extra = f"{colon}{_atoms(fact.because, lang)}" if fact.because else ""
        out.append(f"- {name} = {fact_value(fact, lang)}{_paren(origin + extra, lang)}")
    return "\n".join(out) + "\n"


def render_html(report: ScopeReport, lang: Lang = "zh", kb: KnowledgeBase | None = None) -> str:
    """The report as a self-contained HTML page."""
    kb = kb or load_kb()
    e = html.escape
    heads = ("", "procedure", "basis", "why", "deadline", "channel")
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(t('title', lang))} — {e(report.provider)}</title>",
        "<style>body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:70rem;"
        "margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}"
        "td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}"
        ".required{color:#a00;font-weight:bold}.review{color:#a60}.M{background:#fee}</style>",
        "</head><body>",
        f"<h1>{e(t('title', lang))}</h1>",
        f"<p>{e(t('provider', lang))}: {e(report.provider)}<br>"
        f"{e(t('service', lang))}: {e(report.service or '')}<br>"
        f"{e(t('roles', lang))}: {e(_roles(report, lang))}<br>"
        f"{e(t('kb', lang))}: {e(report.kb_version)}</p>",
        f"<p><em>{e(_legend(lang))}</em></p>",
        f"<h2>{e(t('procedures', lang))}</h2><table><tr>"
        + "".join(f"<th>{e(t(h, lang)) if h else ''}</th>" for h in heads)
        + "</tr>",
    ]
    for p in sorted(report.procedures, key=_procedure_order):
        css = "review" if p.required == "review" else ("required" if p.required else "")
        name = p.name_zh if lang == "zh" else p.name_en
        channel = _pick(p.channel_zh, p.channel_en, lang) if p.required is not False else ""
        parts.append(
            f'<tr><td class="{css}">{e(procedure_verdict(p.required, lang))}</td><td>{e(name)}</td>'
            f"<td>{e(_basis(p, lang, kb))}</td><td>{e(_why(p, lang))}</td>"
            f"<td>{e(_pick(p.deadline_zh, p.deadline_en, lang))}</td><td>{e(channel)}</td></tr>"
        )
    parts.append("</table>")
    parts.append(f"<h2>{e(t('obligations', lang))} ({len(report.obligations)})</h2>")
    for code, rows in _grouped(report.obligations, kb).items():
        inst = kb.instruments[code]
        title = f"《{inst.title_zh}》" if lang == "zh" else inst.title_en
        parts.append(f"<h3>{e(code)} — {e(title)}</h3><ul>")
        for ob in rows:
            zh = f"<br>「{e(ob.key_phrase_zh)}」" if ob.key_phrase_zh else ""
            why = f"<br>{e(t('triggered_by', lang))}: {e(_atoms(ob.triggered_by, lang))}"
            text = ob.obligation_zh if lang == "zh" else ob.obligation_en
            cited = cite_article(ob.article, ob.article_zh, lang)
            parts.append(
                f'<li class="{ob.confidence.value}"><b>{e(ob.id)}</b> ({e(cited)}, '
                f"{ob.confidence.value}): {e(text)}{zh}{why}</li>"
            )
        parts.append("</ul>")
    parts.append(f"<h2>{e(t('not_applicable', lang))}</h2><ul>")
    for na in report.not_applicable:
        parts.append(f"<li><b>{e(na.instrument)}</b> {e(_na_line(na, lang))}</li>")
    parts.append(f"</ul><h2>{e(t('evidence', lang))}</h2><ul>")
    for item in report.evidence:
        line = e(evidence_line(item, lang, code="\0")).replace("\0", "<code>", 1)
        parts.append(
            f"<li>☐ {line.replace(chr(0), '</code>')} "
            f"<small>({e(', '.join(item.needed_for))})</small></li>"
        )
    parts.append("</ul></body></html>")
    return "\n".join(parts) + "\n"
