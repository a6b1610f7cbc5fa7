"""The corrections of kb release 2026.12.03, each with a profile that must and one that must not
trigger the corrected rule (kb audit 2026-12, E1-E20, missing instruments, hidden duties)."""

from __future__ import annotations

from typing import Any

import pytest

from hegui.kb import Role, ServiceProfile, load_kb
from hegui.kb._scope import ScopeReport, scope

_BASE: dict[str, Any] = {
    "public_in_prc": True,
    "genai": True,
    "modalities": ["text"],
    "model_source": "fine_tuned",
    "features": ["chat"],
}


def _scope(service: dict[str, Any] | None = None, **data: Any) -> ScopeReport:
    body: dict[str, Any] = {
        "schema_version": 1,
        "provider": {"name": "示例科技有限公司"},
        "service": {**_BASE, **(service or {})},
        "data": {"personal_information": {"processes": True, "individuals": 5000}},
    }
    for key, value in data.items():
        if key == "overrides":
            body["overrides"] = value
        elif key in {"cross_border", "training"}:
            body["data"][key] = value
        else:
            body["data"]["personal_information"][key] = value
    return scope(ServiceProfile.model_validate(body))


def _obligations(report: ScopeReport) -> set[str]:
    return {o.id for o in report.obligations}


def _procedure(report: ScopeReport, pid: str) -> bool | str:
    return next(p.required for p in report.procedures if p.id == pid)


def _route(report: ScopeReport, pid: str) -> str | None:
    return next(p.route for p in report.procedures if p.id == pid)


# E1: the Anthropomorphic Interaction Measures cover companions, not every chat feature.
def test_e1_anthropomorphic_rows_need_a_companion_feature() -> None:
    companion = _scope({"features": ["chat", "companion"]})
    assert {"ANTH-disclose", "ANTH-crisis", "ANTH-assess"} <= _obligations(companion)
    assert _procedure(companion, "anthropomorphic_assessment") is True
    chat = _scope()
    assert not {o for o in _obligations(chat) if o.startswith("ANTH-")}
    assert _procedure(chat, "anthropomorphic_assessment") == "review"
    assert "ANTH" in {n.instrument for n in chat.not_applicable}
    writing = _scope({"features": ["writing"]})
    assert _procedure(writing, "anthropomorphic_assessment") is False


# E2: AI ethics measures in force 2026-03-20; Art. 9 reaches every unit doing AI R&D.
def test_e2_ai_ethics_committee_duty_follows_research_and_development() -> None:
    kb = load_kb()
    aieth = kb.instruments["AIETH"]
    assert (str(aieth.issued), str(aieth.effective)) == ("2026-03-20", "2026-03-20")
    assert "AIETH-09" in _obligations(_scope())  # fine-tunes its model
    assert "AIETH-09" not in _obligations(_scope({"model_source": "api_of_filed_model"}))


# E3: the fake-news ban binds every deep-synthesis provider; reposting news needs news service.
def test_e3_fake_news_ban_binds_deep_synthesis_without_news() -> None:
    chat = _obligations(_scope())
    assert "DS-06b" in chat and "DS-06c" not in chat
    assert "DS-06c" in _obligations(_scope({"features": ["chat", "news"]}))
    assert "DS-06b" not in _obligations(_scope({"genai": False, "model_source": None}))


# E4: over-reliance of minors is every public generative-AI provider's duty.
def test_e4_minors_over_reliance_binds_general_audience_services() -> None:
    assert "GAI-10b" in _obligations(_scope())  # no serves_minors
    assert "GAI-10b" not in _obligations(_scope({"public_in_prc": False}))


# E7: the standard-contract filing is SCC Measures Art. 7, not XB.
def test_e7_standard_contract_filing_is_its_own_instrument() -> None:
    report = _scope(sensitive=True, cross_border={"sensitive_individuals_ytd": 500})
    assert "SCC-07" in _obligations(report) and "XB-SCC" not in _obligations(report)
    assert _route(report, "cross_border_route") == "standard_contract_or_certification"
    exempt = _scope(cross_border={"nonsensitive_individuals_ytd": 500})
    assert "SCC-07" not in _obligations(exempt)
    important = _scope(sensitive=True, cross_border={"sensitive_individuals_ytd": 500,
                                                     "important_data": True})  # fmt: skip
    assert "SCC-07" not in _obligations(important)


# E8: the yearly social-responsibility report is NDSR Art. 44, not PIPL Art. 58.
def test_e8_yearly_report_belongs_to_large_platforms_under_ndsr_44() -> None:
    kb = load_kb()
    assert kb.obligations["PIPL-58"].deadline is None
    assert kb.obligations["NDSR-44"].deadline is not None
    assert "NDSR-44" in _obligations(_scope(overrides={"large_platform": True}))
    assert "NDSR-44" not in _obligations(_scope())


# E15: GAI Art. 4 binds those who "提供和使用" the service: (二) binds users too.
def test_e15_anti_discrimination_binds_users_as_well() -> None:
    assert set(load_kb().obligations["GAI-04-2"].binds) == {Role.PROVIDER, Role.USER}


# E16: large handlers exporting below the XB thresholds are a question, not an exemption.
def test_e16_large_handler_with_small_exports_is_reviewed() -> None:
    large = _scope(individuals=2_000_000, cross_border={"nonsensitive_individuals_ytd": 50})
    assert (_procedure(large, "cross_border_route"), _route(large, "cross_border_route")) == (
        "review",
        "to_confirm",
    )
    small = _scope(cross_border={"nonsensitive_individuals_ytd": 50})
    assert _route(small, "cross_border_route") == "exempt"


# E17: a public generative-AI service without a derived public-opinion attribute is reviewed.
def test_e17_genai_filing_without_public_opinion_attribute_is_review() -> None:
    no_poa = _scope({"features": ["writing"]})
    assert _procedure(no_poa, "genai_filing") == "review"
    assert _procedure(no_poa, "deep_synthesis_filing") == "review"
    assert _procedure(_scope(), "genai_filing") is True  # public chat: the attribute in practice


# E18: prompts sent to a model vendor's API are entrusted processing: a PIPIA is required.
def test_e18_pipia_required_for_an_app_on_a_model_api() -> None:
    assert _procedure(_scope({"model_source": "api_of_filed_model"}), "pipia") is True
    assert _procedure(_scope(), "pipia") == "review"


# Hidden duty: a service open to minors raises the under-14 PI duties.
def test_minors_raise_the_under_14_duties_at_least_as_review() -> None:
    minors = _scope({"users": {"serves_minors": True}})
    assert _procedure(minors, "children_pi") == "review"
    assert _procedure(minors, "pipia") == "review"
    assert _procedure(_scope(under_14=True), "children_pi") is True
    assert _procedure(_scope(), "children_pi") is False


# Hidden duty: the deep-synthesis filing number is needed before launch in practice.
def test_deep_synthesis_filing_deadline_says_before_launch_in_practice() -> None:
    report = _scope()
    filing = next(p for p in report.procedures if p.id == "deep_synthesis_filing")
    assert filing.deadline_en == (
        "within 10 working days of the start of service (in practice: before public launch)"
    )
    assert filing.deadline_zh == "提供服务之日起10个工作日内（实践中：公开上线前）"


# New instrument: Face Recognition Measures (in force 2025-06-01).
@pytest.mark.parametrize(
    ("features", "stored", "filing", "rows"),
    [
        (["chat", "face_recognition"], 120_000, True, True),
        (["chat", "face_recognition"], 50_000, False, True),
        (["chat", "face_swap"], 120_000, False, False),
    ],
)
def test_face_recognition_filing_at_100000_people(
    features: list[str], stored: int, filing: bool, rows: bool
) -> None:
    report = _scope({"features": features}, sensitive=True, face_individuals=stored)
    assert _procedure(report, "face_recognition_filing") is filing
    assert ("FR-pipia" in _obligations(report)) is rows
    assert ("FR-15" in _obligations(report)) is (filing and rows)


# New instrument: minors' information classification measures (in force 2026-03-01).
def test_minors_information_duties_for_generative_ai_and_key_slots() -> None:
    chat = _obligations(_scope())
    assert "MINCLS-algo" in chat and "MINCLS-slots" not in chat
    assert "MINCLS-slots" in _obligations(_scope({"features": ["chat", "trending_lists"]}))
    assert "MINCLS-algo" not in _obligations(_scope({"public_in_prc": False}))


# New instrument: GB/T 45652-2025, surfaced by the training-data assessment.
def test_training_data_assessment_follows_training() -> None:
    assert _procedure(_scope(), "training_data_assessment") is True
    lab = _scope({"public_in_prc": False, "research_only": True})
    assert _procedure(lab, "training_data_assessment") == "review"
    api_app = _scope({"model_source": "api_of_filed_model"})
    assert _procedure(api_app, "training_data_assessment") is False
    assert load_kb().threshold("training.manual.sample", edition="GB/T 45652-2025").value == 4000
