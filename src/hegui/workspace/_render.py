"""Status reports as Markdown and HTML, Chinese by default, English available."""

from __future__ import annotations

import html
from typing import Literal

from hegui.kb import step_dates
from hegui.workspace._status import ItemState, StatusItem, StatusReport, step_state

__all__ = [
    "plan_rows",
    "render_status_html",
    "render_status_markdown",
    "state_label",
    "status_detail",
]

Lang = Literal["zh", "en"]

_STATE = {
    ItemState.HAVE: ("已具备", "have"),
    ItemState.MISSING: ("缺失", "missing"),
    ItemState.STALE: ("已过期", "stale"),
    ItemState.FAILED: ("未通过", "failed"),
}
_REQUIRED = {True: ("必需", "required"), "review": ("待研判", "review")}
_TEXT = {
    "title": ("合规证据状态", "Compliance evidence status"),
    "workspace": ("工作区", "Workspace"),
    "outer": (
        "（外层工作区 {} 未使用：就近优先）",
        "(enclosing workspace {} not used: nearest wins)",
    ),
    "as_of": ("截至", "As of"),
    "summary": ("汇总", "Summary"),
    "item": ("证据", "Evidence"),
    "state": ("状态", "State"),
    "required": ("要求", "Required"),
    "detail": ("说明", "Detail"),
    "produce": ("如何取得", "How to produce"),
    "needed_for": ("对应义务/程序", "Needed for"),
    "plan": ("上线日程（上线日 {}）", "Dated plan (launch {})"),
    "step": ("程序", "Procedure"),
    "dates": ("日期", "Dates"),
    "after": ("前置", "After"),
    "where": ("办理渠道", "Where"),
    "problems": (
        "无法读取的证据文件（已跳过，未删除）",
        "Unreadable evidence files (skipped, kept)",
    ),
}


def _t(key: str, lang: Lang) -> str:
    zh, en = _TEXT[key]
    return zh if lang == "zh" else en


def state_label(state: ItemState, lang: Lang) -> str:
    """``缺失`` / ``missing``."""
    zh, en = _STATE[state]
    return zh if lang == "zh" else en


def _required(item: StatusItem, lang: Lang) -> str:
    zh, en = _REQUIRED[True if item.required is True else "review"]
    return zh if lang == "zh" else en


def status_detail(item: StatusItem, lang: Lang) -> str:
    """One line on the record, its age and the freshness rule, or the deadline when missing."""
    zh = lang == "zh"
    parts: list[str] = []
    if item.evidence_id:
        at = item.evidence_at.date().isoformat() if item.evidence_at else "?"
        parts.append(f"{item.evidence_id}（{at}）" if zh else f"{item.evidence_id} ({at})")
        if item.state is ItemState.FAILED and item.result is not None:
            parts.append(f"结果 {item.result.value}" if zh else f"result {item.result.value}")
        if item.age_days is not None:
            parts.append(f"已 {item.age_days} 天" if zh else f"{item.age_days} days old")
    if item.rule is not None:
        rule = item.rule.render(lang)
        parts.append(f"更新要求 {rule}" if zh else f"renew {rule}")
        if item.fresh_until is not None:
            until = item.fresh_until.isoformat()
            parts.append(f"有效至 {until}" if zh else f"fresh until {until}")
    refresh = item.refresh_on_zh if zh else item.refresh_on_en
    if refresh:
        parts.append(f"需重新取得：{refresh}" if zh else f"renew after {refresh}")
    if item.state is not ItemState.HAVE and item.deadlines:
        dues = [
            f"{d.name_zh}：{d.deadline_zh}" if zh else f"{d.name_en}: {d.deadline_en}"
            for d in item.deadlines
        ]
        parts.append(("期限 " if zh else "deadline ") + ("；" if zh else "; ").join(dues))
    return "；".join(parts) if zh else "; ".join(parts)


def _name(item: StatusItem, lang: Lang) -> str:
    name = item.name_zh if lang == "zh" else item.name_en
    return f"{name} ({item.kind})" if item.kind else name


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _summary(report: StatusReport, lang: Lang) -> str:
    sep = "，" if lang == "zh" else ", "
    return sep.join(f"{state_label(ItemState(k), lang)} {v}" for k, v in report.counts.items())


def plan_rows(report: StatusReport, lang: Lang) -> list[tuple[str, str, str, str, str]]:
    """The plan's steps as (state, procedure, dates, after, where) cells; empty without a plan."""
    if report.plan is None:
        return []
    zh = lang == "zh"
    names = {st.id: st.name_zh if zh else st.name_en for st in report.plan.steps}
    rows = []
    for step in report.plan.steps:
        name = step.name_zh if zh else step.name_en
        if step.required != True:  # noqa: E712 - required is True or "review"
            name += "（待研判）" if zh else " (review)"
        after = ("、" if zh else ", ").join(names.get(p.id, p.id) for p in step.after)
        where = (step.channel_zh if zh else step.channel_en) or ""
        dates = step_dates(step, lang) + ((" ⚠ 已晚" if zh else " ⚠ late") if step.late else "")
        rows.append((state_label(step_state(report, step), lang), name, dates, after, where))
    return rows


def render_status_markdown(report: StatusReport, lang: Lang = "zh") -> str:
    """The status report as Markdown."""
    out = [f"# {_t('title', lang)}", ""]
    out.append(f"- {_t('workspace', lang)}: `{report.workspace}` — {report.provider}")
    if report.outer_workspace:
        out.append(f"  {_t('outer', lang).format(report.outer_workspace)}")
    out.append(f"- {_t('as_of', lang)}: {report.as_of.isoformat(timespec='seconds')}")
    out.append(f"- kb: {report.kb_version}")
    out.append(f"- {_t('summary', lang)}: {_summary(report, lang)}")
    out += [
        "",
        f"| {_t('state', lang)} | {_t('item', lang)} | {_t('required', lang)} | "
        f"{_t('detail', lang)} | {_t('produce', lang)} | {_t('needed_for', lang)} |",
        "|---|---|---|---|---|---|",
    ]
    for it in report.items:
        out.append(
            "| "
            + " | ".join(
                _cell(x)
                for x in (
                    state_label(it.state, lang),
                    _name(it, lang),
                    _required(it, lang),
                    status_detail(it, lang),
                    f"`{it.produced_by}`",
                    ", ".join(it.needed_for),
                )
            )
            + " |"
        )
    if report.plan is not None:
        out += ["", f"## {_t('plan', lang).format(report.plan.launch.isoformat())}", ""]
        out.append(
            f"| {_t('state', lang)} | {_t('step', lang)} | {_t('dates', lang)} | "
            f"{_t('after', lang)} | {_t('where', lang)} |"
        )
        out.append("|---|---|---|---|---|")
        out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in plan_rows(report, lang)]
    if report.problems:
        out += ["", f"## {_t('problems', lang)}", ""]
        out += [f"- `{p}`" for p in report.problems]
    return "\n".join(out) + "\n"


def render_status_html(report: StatusReport, lang: Lang = "zh") -> str:
    """The status report as a self-contained HTML page."""
    e = html.escape
    colour = {
        ItemState.HAVE: "#1a7f37",
        ItemState.MISSING: "#9a6700",
        ItemState.STALE: "#bc4c00",
        ItemState.FAILED: "#cf222e",
    }
    head = (
        f'<!doctype html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(_t("title", lang))}</title><style>'
        "body{font-family:system-ui,'Noto Sans CJK SC',sans-serif;margin:2em}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;"
        "vertical-align:top}</style></head><body>"
    )
    parts = [head, f"<h1>{e(_t('title', lang))}</h1><ul>"]
    parts.append(
        f"<li>{e(_t('workspace', lang))}: <code>{e(report.workspace)}</code> — "
        f"{e(report.provider)}</li>"
    )
    if report.outer_workspace:
        parts.append(f"<li>{e(_t('outer', lang).format(report.outer_workspace))}</li>")
    parts.append(
        f"<li>{e(_t('as_of', lang))}: {e(report.as_of.isoformat(timespec='seconds'))}</li>"
        f"<li>kb: {e(report.kb_version)}</li>"
        f"<li>{e(_t('summary', lang))}: {e(_summary(report, lang))}</li></ul><table><tr>"
    )
    for key in ("state", "item", "required", "detail", "produce", "needed_for"):
        parts.append(f"<th>{e(_t(key, lang))}</th>")
    parts.append("</tr>")
    for it in report.items:
        parts.append(
            f'<tr><td style="color:{colour[it.state]}">{e(state_label(it.state, lang))}</td>'
            f"<td>{e(_name(it, lang))}</td><td>{e(_required(it, lang))}</td>"
            f"<td>{e(status_detail(it, lang))}</td><td><code>{e(it.produced_by)}</code></td>"
            f"<td>{e(', '.join(it.needed_for))}</td></tr>"
        )
    parts.append("</table>")
    if report.plan is not None:
        parts.append(f"<h2>{e(_t('plan', lang).format(report.plan.launch.isoformat()))}</h2>")
        parts.append("<table><tr>")
        for key in ("state", "step", "dates", "after", "where"):
            parts.append(f"<th>{e(_t(key, lang))}</th>")
        parts.append("</tr>")
        for row in plan_rows(report, lang):
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        parts.append("</table>")
    if report.problems:
        parts.append(f"<h2>{e(_t('problems', lang))}</h2><ul>")
        parts += [f"<li><code>{e(p)}</code></li>" for p in report.problems]
        parts.append("</ul>")
    parts.append("</body></html>\n")
    return "".join(parts)
