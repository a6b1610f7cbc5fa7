"""Render a dated plan as Markdown (Chinese or English) or as an iCalendar file."""

from __future__ import annotations

import datetime as dt

from hegui.kb._loader import KnowledgeBase, load_kb
from hegui.kb._models import DeadlineUnit
from hegui.kb._plan import Plan, PlanStep, Recurring
from hegui.kb._scope_render import procedure_verdict
from hegui.kb._vocabulary import Lang

__all__ = ["every_text", "render_plan_ics", "render_plan_markdown", "step_dates"]

_UNIT = {
    DeadlineUnit.HOURS: ("小时", "hour"),
    DeadlineUnit.DAYS: ("天", "day"),
    DeadlineUnit.WORKING_DAYS: ("个工作日", "working day"),
    DeadlineUnit.MONTHS: ("个月", "month"),
    DeadlineUnit.YEARS: ("年", "year"),
}


def every_text(r: Recurring, lang: Lang) -> str:
    """The period of a recurring duty, e.g. 每周 or ``every 2 years``."""
    zh, en = _UNIT[r.every_unit]
    if r.every_unit is DeadlineUnit.DAYS and r.every_amount == 7:
        return "每周" if lang == "zh" else "every week"
    if lang == "zh":
        unit = zh.removeprefix("个") if r.every_amount == 1 else zh
        return f"每{unit}" if r.every_amount == 1 else f"每{r.every_amount}{unit}"
    return f"every {en}" if r.every_amount == 1 else f"every {r.every_amount} {en}s"


def step_dates(step: PlanStep, lang: Lang) -> str:
    """The dates of a step: start by, due, legal limit, with markers for estimates."""
    zh = lang == "zh"
    parts = []
    if step.start_by:
        parts.append(f"{'最迟开始' if zh else 'start by'} {step.start_by.isoformat()}")
    if step.due:
        parts.append(f"{'完成' if zh else 'done by'} {step.due.isoformat()}")
    if step.due_legal and step.due_legal != step.due:
        parts.append(f"{'法定期限' if zh else 'legal limit'} {step.due_legal.isoformat()}")
    if step.estimated:
        parts.append("按上线日估算" if zh else "counted from launch")
    if not parts:
        return "无法定日期" if zh else "no date in law"
    return ("；" if zh else "; ").join(parts)


def _late(step: PlanStep, lang: Lang) -> str:
    if not step.late:
        return ""
    return " ⚠ 已晚于建议日期" if lang == "zh" else " ⚠ already past the date to start"


def render_plan_markdown(plan: Plan, lang: Lang = "zh", kb: KnowledgeBase | None = None) -> str:
    """The plan as Markdown: ordered steps with dates, then the recurring calendar."""
    kb = kb or load_kb()
    zh = lang == "zh"
    colon = "：" if zh else ": "
    out = [
        f"# {'合规行动计划' if zh else 'Compliance action plan'}",
        "",
        f"- {'服务提供者' if zh else 'Provider'}{colon}{plan.provider}",
        f"- {'服务' if zh else 'Service'}{colon}{plan.service or ''}",
        f"- {'计划上线日期' if zh else 'Launch'}{colon}{plan.launch.isoformat()}",
        f"- {'编制日期' if zh else 'Planned on'}{colon}{plan.today.isoformat()}",
        f"- {'知识库版本' if zh else 'Knowledge-base version'}{colon}{plan.kb_version}",
        "",
        "> "
        + (
            "工作日仅扣除周六、周日，未计法定节假日和调休，临近节假日的日期请另行核对。"
            "本计划依据 hegui 知识库自动生成，不构成法律意见。"
            if zh
            else "Working days skip weekends only, not public holidays or make-up working days:"
            " check dates near holidays. Generated from the hegui knowledge base; not legal advice."
        ),
        "",
        f"## {'步骤' if zh else 'Steps'}",
        "",
    ]
    for n, step in enumerate(plan.steps, 1):
        out += _step_lines(n, step, lang, kb)
    out += ["", f"## {'周期性事项' if zh else 'Recurring duties'}", ""]
    out += [_recurring_line(r, lang) for r in plan.recurring]
    return "\n".join(out) + "\n"


def _step_lines(n: int, step: PlanStep, lang: Lang, kb: KnowledgeBase) -> list[str]:
    zh = lang == "zh"
    colon, sep = ("：", "；") if zh else (": ", "; ")
    name = step.name_zh if zh else step.name_en
    verdict = procedure_verdict(step.required, lang)
    head = f"（{verdict}）" if zh else f" ({verdict})"
    lines = [f"{n}. **{name}**{head}{_late(step, lang)}"]
    lines.append(f"   - {'日期' if zh else 'Dates'}{colon}{step_dates(step, lang)}")
    if rule := (step.due_zh if zh else step.due_en):
        lines.append(f"   - {'依据期限' if zh else 'Rule'}{colon}{rule}")
    if lead := (step.lead_zh if zh else step.lead_en):
        lines.append(f"   - {'所需时间' if zh else 'Lead time'}{colon}{lead}")
    for pre in step.after:
        first = kb.procedures[pre.id]
        if zh:
            lines.append(f"   - 前置：{first.name_zh}（{pre.because_zh}）")
        else:
            lines.append(f"   - After: {first.name_en} ({pre.because_en})")
    if channel := (step.channel_zh if zh else step.channel_en):
        lines.append(f"   - {'报送渠道' if zh else 'Where to file'}{colon}{channel}")
    if step.evidence:
        kinds = [kb.evidence_kinds[k] for k in step.evidence]
        names = sep.join(k.name_zh if zh else k.name_en for k in kinds)
        lines.append(f"   - {'证据' if zh else 'Evidence'}{colon}{names}")
    return lines


def _recurring_line(r: Recurring, lang: Lang) -> str:
    zh = lang == "zh"
    name = r.name_zh if zh else r.name_en
    if r.first:
        first = r.first.isoformat()
    else:
        first = "自文件出具之日起算" if zh else "from the document's date"
    if zh:
        made = f"（`{r.command}`）" if r.command else ""
        return f"- **{name}**{made}：{every_text(r, lang)}，首次 {first}；{r.basis_zh}"
    made = f" (`{r.command}`)" if r.command else ""
    return f"- **{name}**{made}: {every_text(r, lang)}, first {first}; {r.basis_en}"


_FREQ = {
    DeadlineUnit.DAYS: "DAILY",
    DeadlineUnit.MONTHS: "MONTHLY",
    DeadlineUnit.YEARS: "YEARLY",
}


def render_plan_ics(plan: Plan, lang: Lang = "zh") -> bytes:
    """The plan as an iCalendar file: one all-day event per date, recurring duties with RRULE."""
    from icalendar import Calendar, Event

    zh = lang == "zh"
    cal = Calendar()
    cal.add("prodid", "-//hegui//compliance plan//ZH" if zh else "-//hegui//compliance plan//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{plan.provider} {'合规计划' if zh else 'compliance plan'}")
    stamp = dt.datetime.combine(plan.today, dt.time(), tzinfo=dt.UTC)

    def event(uid: str, day: dt.date, summary: str, description: str) -> Event:
        ev = Event()
        ev.add("uid", f"{uid}-{plan.launch.isoformat()}@hegui")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", summary)
        ev.add("description", description)
        return ev

    for step in plan.steps:
        name = step.name_zh if zh else step.name_en
        detail = "\n".join(
            x
            for x in (
                step.due_zh if zh else step.due_en,
                step.channel_zh if zh else step.channel_en,
                step_dates(step, lang),
            )
            if x
        )
        if step.start_by:
            label = "开始：" if zh else "Start: "
            cal.add_component(event(f"{step.id}-start", step.start_by, label + name, detail))
        if step.due:
            label = "截止：" if zh else "Due: "
            cal.add_component(event(f"{step.id}-due", step.due, label + name, detail))
    for r in plan.recurring:
        if r.first is None:
            continue
        name = r.name_zh if zh else r.name_en
        ev = event(f"{r.id}-every", r.first, name, r.basis_zh if zh else r.basis_en)
        weekly = r.every_unit is DeadlineUnit.DAYS and r.every_amount == 7
        freq = "WEEKLY" if weekly else _FREQ.get(r.every_unit, "DAILY")
        ev.add("rrule", {"freq": freq, "interval": 1 if weekly else r.every_amount})
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data
