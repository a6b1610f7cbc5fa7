"""The dated plan: order, dates from launch, prerequisites, the calendar and its iCalendar form."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from icalendar import Calendar

from hegui.errors import InputError
from hegui.kb import (
    DeadlineUnit,
    load_profile,
    plan,
    render_plan_ics,
    render_plan_markdown,
    scope,
    shift_date,
)

ROOT = Path(__file__).resolve().parents[2]
TODAY = dt.date(2026, 12, 3)  # a Thursday
LAUNCH = dt.date(2027, 9, 1)  # a Wednesday


def _chatbot_plan(launch: dt.date = LAUNCH):  # type: ignore[no-untyped-def]
    report = scope(load_profile(ROOT / "examples" / "public-chatbot" / "hegui.yaml"))
    return plan(report, launch, today=TODAY)


def test_working_days_skip_weekends_and_months_clamp() -> None:
    assert shift_date(dt.date(2026, 12, 4), 1, DeadlineUnit.WORKING_DAYS) == dt.date(2026, 12, 7)
    assert shift_date(dt.date(2026, 12, 7), -1, DeadlineUnit.WORKING_DAYS) == dt.date(2026, 12, 4)
    assert shift_date(dt.date(2027, 1, 31), 1, DeadlineUnit.MONTHS) == dt.date(2027, 2, 28)
    assert shift_date(dt.date(2027, 9, 1), -8, DeadlineUnit.MONTHS) == dt.date(2027, 1, 1)


def test_prerequisites_come_first_and_are_due_when_the_next_step_starts() -> None:
    p = _chatbot_plan()
    order = [s.id for s in p.steps]
    assert order.index("deep_synthesis_filing") < order.index("genai_filing")
    assert order.index("training_data_assessment") < order.index("genai_filing")
    assert order.index("mlps_assessment") < order.index("mlps_filing")
    steps = {s.id: s for s in p.steps}
    genai = steps["genai_filing"]
    # vendors report 6-8 months: start 8 months before launch (S)
    assert (genai.start_by, genai.due) == (dt.date(2027, 1, 1), LAUNCH)
    assert {a.id for a in genai.after} == {"deep_synthesis_filing", "training_data_assessment"}
    ds = steps["deep_synthesis_filing"]
    # legal: 10 working days after launch; needed before the GenAI filing is submitted
    assert ds.due_legal == dt.date(2027, 9, 15)
    assert ds.due == genai.start_by
    # the CAC decides within 30 working days (ALG Art. 25): already too late on TODAY
    assert ds.start_by == shift_date(genai.start_by, -30, DeadlineUnit.WORKING_DAYS)
    assert ds.late is True and genai.late is False


def test_dates_channels_and_estimates() -> None:
    steps = {s.id: s for s in _chatbot_plan().steps}
    assert steps["security_assessment"].due == LAUNCH
    assert "beian.gov.cn" in (steps["security_assessment"].channel_zh or "")
    assert steps["mlps_filing"].due == LAUNCH + dt.timedelta(days=30)
    assert steps["mlps_assessment"].due == steps["mlps_filing"].due  # its report is filed
    dpo = steps["dpo_appointment"]
    assert dpo.estimated and dpo.due == shift_date(LAUNCH, 30, DeadlineUnit.WORKING_DAYS)
    assert steps["label_text"].due == LAUNCH
    assert steps["ethics_review"].due is None  # review, no date in law
    assert all(s.required is not False for s in steps.values())


def test_recurring_duties_form_a_calendar() -> None:
    recurring = {r.id: r for r in _chatbot_plan().recurring}
    keywords = recurring["EV-keyword-library"]
    assert (keywords.every_amount, keywords.every_unit) == (7, DeadlineUnit.DAYS)
    assert keywords.first == LAUNCH + dt.timedelta(days=7)
    assert keywords.command == "hegui lexicon check LEXICON"
    assert recurring["EV-bank-generated"].every_unit is DeadlineUnit.MONTHS
    minors = recurring["minors_pi_audit"]
    assert (minors.every_amount, minors.first) == (1, dt.date(2028, 9, 1))


def test_a_launch_in_the_past_is_refused() -> None:
    report = scope(load_profile(ROOT / "examples" / "public-chatbot" / "hegui.yaml"))
    with pytest.raises(InputError, match=r"in the past.*YYYY-MM-DD"):
        plan(report, dt.date(2026, 1, 1), today=TODAY)


def test_markdown_in_chinese_and_ics_readable_by_icalendar() -> None:
    p = _chatbot_plan()
    md = render_plan_markdown(p, "zh")
    assert md.startswith("# 合规行动计划") and "⚠ 已晚于建议日期" in md
    assert "前置：深度合成服务算法备案" in md
    cal = Calendar.from_ical(render_plan_ics(p, "zh"))
    events = list(cal.walk("VEVENT"))
    summaries = {str(e["summary"]) for e in events}
    assert "截止：生成式人工智能服务备案（大模型备案）" in summaries
    assert "开始：生成式人工智能服务备案（大模型备案）" in summaries
    weekly = next(e for e in events if str(e["summary"]).startswith("拦截关键词库"))
    assert weekly["rrule"]["FREQ"] == ["WEEKLY"]
    assert len({str(e["uid"]) for e in events}) == len(events)
