"""Markdown and HTML renderings of a run report (Chinese by default, English on request)."""

from __future__ import annotations

import base64
import html
from typing import Any

from hegui.evals._report import Lang

__all__ = ["plots", "plots_names", "render_html", "render_markdown", "report_tables"]

_T: dict[str, tuple[str, str]] = {
    "title": (
        # The final text was not read: clause numbers and figures are the 2024-05 draft's.
        "生成式人工智能服务安全评估结果（GB/T 45654-2025 附录B，按2024-05征求意见稿编号）",
        "Safety evaluation (GB/T 45654-2025 Appendix B, numbering of the 2024-05 draft)",
    ),
    "run": ("运行", "Run"),
    "target": ("被测模型", "Model under test"),
    "result": ("总体结论", "Overall result"),
    "metrics": ("指标", "Metrics"),
    "metric": ("指标", "Metric"),
    "value": ("值", "Value"),
    "undecided": ("未判定", "Undecided"),
    "ci": ("95% 区间", "95% interval"),
    "threshold": ("阈值", "Threshold"),
    "verdict": ("结论", "Verdict"),
    "sampling": ("抽样", "Sampling"),
    "bank": ("题库", "Bank"),
    "drawn": ("抽样数", "Drawn"),
    "available": ("题库题数", "In bank"),
    "minimum": ("标准最低", "Standard minimum"),
    "notes": ("说明", "Notes"),
    "by_risk": ("分风险", "By risk"),
    "by_aspect": ("分方面", "By aspect"),
    "queue": ("复核队列", "Review queue"),
    "unanswered": ("未获回答", "Unanswered"),
    "reason": ("原因", "Reason"),
    "label": ("自动判定", "Automatic label"),
    "plots": ("图", "Plots"),
    "failed_items": ("不合格项", "Failed items"),
    "undecided_items": ("未判定项", "Undecided items"),
    "question": ("测试题", "Question"),
    "answer": ("模型回答（节选）", "Answer (excerpt)"),
    "method_samples": ("分方法抽样（B.2.2）", "Per-method samples (B.2.2)"),
    "method": ("方法", "Method"),
    "seed": ("种子", "Seed"),
    "sample_id": ("样本标识（题目编号的 SHA-256）", "Sample id (SHA-256 of the question ids)"),
    "label.pass": ("合格", "pass"),
    "label.fail": ("不合格", "fail"),
    "label.refused": ("拒答", "refused"),
    "label.answered": ("作答", "answered"),
    "label.undecided": ("未判定", "undecided"),
    "generated.pass_rate": ("生成内容抽样合格率（综合）", "Generated content pass rate (combined)"),
    "method.manual": ("— 人工抽检", "— manual"),
    "method.keyword": ("— 关键词抽检", "— keyword"),
    "method.classifier": ("— 分类模型抽检", "— classifier"),
    "should_refuse.refusal_rate": ("应拒答题拒答率", "Refusal rate, should-refuse"),
    "non_refusal.refusal_rate": ("非拒答题拒答率", "Refusal rate, non-refusal"),
    "generated": ("生成内容", "Generated content"),
    "should_refuse": ("应拒答", "Should-refuse"),
    "non_refusal": ("非拒答", "Non-refusal"),
    "pass": ("通过", "pass"),
    "fail": ("不通过", "fail"),
    "inconclusive": ("无法判定", "inconclusive"),
    "not_assessed": ("未评估", "not assessed"),
    "partial": ("部分通过", "partial"),
    "info": ("信息", "info"),
}

_NOTES = {
    "sample_below_standard": (
        "{kind} 抽样 {n} 题，低于标准要求的 {minimum} 题（{threshold}）：结果不能作为备案依据。",
        "{kind}: sample of {n}, below the standard's {minimum} ({threshold}); not filing evidence.",
    ),
    "starter_bank": (
        "{n} 题来自 hegui 演示题库（hegui-starter），不足以用于备案。",
        "{n} questions come from hegui's starter banks (hegui-starter): not sufficient for filing.",
    ),
    "method_not_assessed": (
        "生成内容的「{method}」抽检未进行：标准要求人工、关键词、分类模型三种方法各自合格率≥90%。",
        "Generated content was not assessed by the {method} method; B.2.2 needs all three.",
    ),
    "starter_lexicon": (
        "关键词抽检使用的是 hegui 演示关键词库（仅含普遍性危害），不足以用于备案；"
        "请用 --lexicon 指定自有词库。",
        "The keyword method used hegui's starter lexicon (universal harms only): not sufficient "
        "for filing; pass your own with --lexicon.",
    ),
    "review_queue": (
        "{n} 个回答需人工复核（判定不一致或不确定），见复核队列。",
        "{n} answers need review (judges disagree or are unsure); see the review queue.",
    ),
    "method_sample_below_standard": (
        "生成内容「{method}」抽检样本 {n} 题（题库共 {available} 题），低于标准要求的 {minimum} 题"
        "（{threshold}）：结果不能作为备案依据。",
        "Generated content, {method} sample: {n} questions (bank: {available}), below the "
        "standard's {minimum} ({threshold}); not filing evidence.",
    ),
    "judge_unparseable": (
        "{n} 个判定模型回复无法解析，相关回答已进入复核队列（附原始回复）。",
        "{n} judge replies could not be parsed; those answers are in the review queue with the "
        "raw reply.",
    ),
    "judge_failed": (
        "{n} 次判定失败（判定端点出错），相关回答已进入复核队列。",
        "{n} judgements failed (the judge endpoint erred); those answers are in the review queue.",
    ),
    "provider_filter": (
        "{n} 个回答由服务提供方的内容过滤拦截（HTTP 错误或标志），按拒答计入。",
        "{n} answers were given by the provider's content filter (an HTTP error or flag); counted "
        "as refusals.",
    ),
    "rows_left_out": (
        "题库文件 {file} 共 {rows} 行，其中 {n} 行未导入（分类无法映射或行有误），"
        "抽样只在已导入的题目中进行；详见 Evidence 的 imports。",
        "Bank file {file}: {n} of {rows} rows were not imported (unmapped category or a bad "
        "row); the samples were drawn from the imported questions only (see the Evidence's "
        "imports).",
    ),
    "unanswered": (
        "{n} 题未获回答（计为未判定）；重新运行同一命令即可续跑。",
        "{n} questions have no answer (counted undecided); rerun the same command to resume.",
    ),
}


def _t(key: str, lang: Lang) -> str:
    zh, en = _T.get(key, (key, key))
    return zh if lang == "zh" else en


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _ci(ci: list[float] | None) -> str:
    return "—" if not ci else f"{ci[0] * 100:.1f}% – {ci[1] * 100:.1f}%"


def _rate_row(name: str, r: dict[str, Any], lang: Lang) -> list[str]:
    t = r["threshold"]
    thr = f"{t['comparison']} {t['value'] * 100:g}% ({t['id']})" if t else "—"
    return [
        name,
        _pct(r["value"]),
        str(r["n"]),
        str(r["undecided"]),
        _ci(r["ci95"]),
        thr,
        _t(r["verdict"], lang),
    ]


def report_tables(
    report: dict[str, Any], lang: Lang
) -> list[tuple[str, list[str], list[list[str]]]]:
    m = report["metrics"]
    g = m["generated"]
    rates = [_rate_row(_t("generated.pass_rate", lang), g["pass_rate"], lang)]
    for method in ("manual", "keyword", "classifier"):
        rates.append(_rate_row(_t(f"method.{method}", lang), g["by_method"][method], lang))
    rates.append(
        _rate_row(_t("should_refuse.refusal_rate", lang), m["should_refuse"]["refusal_rate"], lang)
    )
    rates.append(
        _rate_row(_t("non_refusal.refusal_rate", lang), m["non_refusal"]["refusal_rate"], lang)
    )
    head = (
        [_t(k, lang) for k in ("metric", "value")]
        + ["n"]
        + [_t(k, lang) for k in ("undecided", "ci", "threshold", "verdict")]
    )
    samples = []
    for kind in ("generated", "should_refuse", "non_refusal"):
        s = m[kind]["sample"]
        samples.append(
            [
                _t(kind, lang),
                str(s["n"]),
                str(s["available"]),
                f"≥ {s['threshold']['value']:g} ({s['threshold']['id']})",
                _t(s["verdict"], lang),
            ]
        )
    s_head = [_t(k, lang) for k in ("bank", "drawn", "available", "minimum", "verdict")]
    strata_head = [
        "id",
        "名称" if lang == "zh" else "name",
        "n",
        _t("value", lang),
        _t("undecided", lang),
        _t("ci", lang),
    ]

    def strata(rows: list[dict[str, Any]]) -> list[list[str]]:
        return [
            [
                r["id"],
                r["name_zh"],
                str(r["n"]),
                _pct(r["value"]),
                str(r["undecided"]),
                _ci(r["ci95"]),
            ]
            for r in rows
        ]

    queue = [
        [
            q["item_id"],
            _t(q["kind"], lang),
            q["stratum"],
            _t(f"label.{q['label']}", lang),
            q["reason"],
        ]
        for q in report["review_queue"][:200]
    ]
    i_head = [
        "id",
        _t("bank", lang),
        "risk/aspect",
        _t("question", lang),
        _t("answer", lang),
        _t("label", lang),
        _t("reason", lang),
    ]

    def results(rows: list[dict[str, Any]]) -> list[list[str]]:
        return [
            [
                r["item_id"],
                _t(r["kind"], lang),
                f"{r['stratum']} {names.get(r['stratum'], '')}".strip(),
                r["question"],
                r["answer"],
                _t(f"label.{r['label']}", lang),
                r["reason"],
            ]
            for r in rows[:200]
        ]

    names = {
        row["id"]: row["name_zh"]
        for block in (g["by_risk"], m["should_refuse"]["by_risk"], m["non_refusal"]["by_aspect"])
        for row in block
    }
    failed = report.get("failed_items", [])
    undecided = report.get("undecided_items", [])
    method_rows = [
        [
            _t(f"method.{k}", lang).lstrip("— "),
            v["seed"],
            str(v["n"]),
            str(v["available"]),
            f"≥ {v['threshold']['value']:g} ({v['threshold']['id']})",
            _t(v["verdict"], lang),
            v["sha256"][:16],
        ]
        for k, v in g.get("samples", {}).items()
    ]
    m_head = [
        _t("method", lang),
        _t("seed", lang),
        _t("drawn", lang),
        _t("available", lang),
        _t("minimum", lang),
        _t("verdict", lang),
        _t("sample_id", lang),
    ]
    q_head = ["id", _t("bank", lang), "risk/aspect", _t("label", lang), _t("reason", lang)]
    unanswered = [[k, v] for k, v in list(report["unanswered"].items())[:200]]
    return [
        (_t("metrics", lang), head, rates),
        (_t("sampling", lang), s_head, samples),
        *([(_t("method_samples", lang), m_head, method_rows)] if method_rows else []),
        (f"{_t('by_risk', lang)} — {_t('generated', lang)}", strata_head, strata(g["by_risk"])),
        (
            f"{_t('by_risk', lang)} — {_t('should_refuse', lang)}",
            strata_head,
            strata(m["should_refuse"]["by_risk"]),
        ),
        (
            f"{_t('by_aspect', lang)} — {_t('non_refusal', lang)}",
            strata_head,
            strata(m["non_refusal"]["by_aspect"]),
        ),
        (f"{_t('failed_items', lang)} ({len(failed)})", i_head, results(failed)),
        (f"{_t('undecided_items', lang)} ({len(undecided)})", i_head, results(undecided)),
        (f"{_t('queue', lang)} ({len(report['review_queue'])})", q_head, queue),
        (
            f"{_t('unanswered', lang)} ({len(report['unanswered'])})",
            ["id", _t("reason", lang)],
            unanswered,
        ),
    ]


def _note_lines(report: dict[str, Any], lang: Lang) -> list[str]:
    out = []
    for note in report["notes"]:
        zh, en = _NOTES[note["code"]]
        fields = dict(note)
        if "kind" in fields:
            fields["kind"] = _t(fields["kind"], lang)
        if "method" in fields:
            fields["method"] = _t(f"method.{fields['method']}", lang).lstrip("— ")
        out.append((zh if lang == "zh" else en).format(**fields))
    return out


def _header(report: dict[str, Any], lang: Lang) -> list[tuple[str, str]]:
    run = report["run"]
    target = run["target"]
    model = target.get("model") or target.get("name") or "?"
    return [
        (
            _t("run", lang),
            f"{run['file']} · {run['created_at']} · hegui {run['tool_version']}"
            f" · kb {run['kb_version']}",
        ),
        (_t("target", lang), f"{model} ({target.get('url', target.get('type', ''))})"),
        (
            _t("sampling", lang),
            f"seed {run['sampling']['seed']}, {run['answered']}/{run['questions']}",
        ),
        (_t("result", lang), _t(report["result"], lang)),
    ]


def plots(report: dict[str, Any]) -> dict[str, bytes]:
    """PNG plots by file name."""
    from hegui.evals._plots import plot_rates, plot_strata

    m = report["metrics"]
    return {
        "rates.png": plot_rates(m),
        "generated_by_risk.png": plot_strata(
            m["generated"]["by_risk"],
            "generated: pass rate by risk",
            m["generated"]["pass_rate"]["threshold"]["value"],
        ),
        "should_refuse_by_risk.png": plot_strata(
            m["should_refuse"]["by_risk"],
            "should-refuse: refusal rate by risk",
            m["should_refuse"]["refusal_rate"]["threshold"]["value"],
        ),
        "non_refusal_by_aspect.png": plot_strata(
            m["non_refusal"]["by_aspect"],
            "non-refusal: refusal rate by aspect",
            m["non_refusal"]["refusal_rate"]["threshold"]["value"],
        ),
    }


def render_markdown(report: dict[str, Any], lang: Lang, plot_dir: str | None = None) -> str:
    """Markdown; with ``plot_dir`` (relative to the report) the plots are linked from there."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [f"# {_t('title', lang)}", ""]
    lines += [f"- **{k}**: {cell(v)}" for k, v in _header(report, lang)]
    notes = _note_lines(report, lang)
    if notes:
        lines += ["", f"## {_t('notes', lang)}", ""] + [f"- {n}" for n in notes]
    for title, head, rows in report_tables(report, lang):
        lines += ["", f"## {title}", ""]
        if not rows:
            lines.append("—")
            continue
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "---|" * len(head))
        lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    if plot_dir is not None:
        lines += ["", f"## {_t('plots', lang)}", ""]
        lines += [f"![{name}]({plot_dir}/{name})" for name in plots_names()]
    return "\n".join(lines) + "\n"


def plots_names() -> tuple[str, ...]:
    """File names ``plots`` returns, in display order."""
    return (
        "rates.png",
        "generated_by_risk.png",
        "should_refuse_by_risk.png",
        "non_refusal_by_aspect.png",
    )


def render_html(report: dict[str, Any], lang: Lang, images: dict[str, bytes]) -> str:
    """A self-contained HTML page (plots inlined as PNG data URIs)."""
    e = html.escape
    parts = [
        "<!doctype html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(_t('title', lang))}</title>",
        "<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        "table{border-collapse:collapse;margin:.5em 0}"
        "td,th{border:1px solid #ccc;padding:.25em .5em;font-size:.9em;text-align:left}"
        "th{background:#f4f4f4}.pass{color:#080}.fail{color:#b00}"
        "img{max-width:100%}</style></head><body>",
        f"<h1>{e(_t('title', lang))}</h1><ul>",
    ]
    parts += [f"<li><b>{e(k)}</b>: {e(v)}</li>" for k, v in _header(report, lang)]
    parts.append("</ul>")
    notes = _note_lines(report, lang)
    if notes:
        parts.append(f"<h2>{e(_t('notes', lang))}</h2><ul>")
        parts += [f"<li>{e(n)}</li>" for n in notes]
        parts.append("</ul>")
    for title, head, rows in report_tables(report, lang):
        parts.append(f"<h2>{e(title)}</h2>")
        if not rows:
            parts.append("<p>—</p>")
            continue
        parts.append("<table><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr>")
        for row in rows:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    if images:
        parts.append(f"<h2>{e(_t('plots', lang))}</h2>")
        for name in plots_names():
            if name in images:
                data = base64.b64encode(images[name]).decode()
                parts.append(f'<p><img alt="{e(name)}" src="data:image/png;base64,{data}"></p>')
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
