"""The scope engine decides applicability from facts, with reasons and legal basis."""

from __future__ import annotations

from typing import Any

import pytest

from hegui.kb import ServiceProfile, describe_atom
from hegui.kb._scope import ProcedureResult, ScopeReport, scope


def profile(**changes: Any) -> ServiceProfile:
    """A public text chatbot on a fine-tuned model, with dotted-path changes applied."""
    data: dict[str, Any] = {
        "schema_version": 1,
        "provider": {"name": "示例公司"},
        "service": {
            "public_in_prc": True,
            "genai": True,
            "modalities": ["text"],
            "model_source": "fine_tuned",
            "features": ["chat"],
        },
        "data": {"personal_information": {"processes": True, "individuals": 1000}},
    }
    for dotted, value in changes.items():
        node = data
        *parents, leaf = dotted.split("__")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return ServiceProfile.model_validate(data)


def proc(report: ScopeReport, pid: str) -> ProcedureResult:
    return next(p for p in report.procedures if p.id == pid)


def test_gai_does_not_apply_to_a_service_not_offered_to_the_public() -> None:
    report = scope(profile(service__public_in_prc=False))
    na = {n.instrument: n for n in report.not_applicable}
    assert "GAI" in na
    assert na["GAI"].article == "Art. 2"
    assert "without offering it to the domestic public" in na["GAI"].reason_en
    assert "未向境内公众提供服务的，不适用本办法" in na["GAI"].reason_zh
    assert "public_prc" in na["GAI"].because
    assert not any(o.instrument == "GAI" for o in report.obligations)
    assert proc(report, "genai_filing").required is False


@pytest.mark.parametrize(
    ("source", "filing", "registration"),
    [
        ("own_foundation_model", True, False),
        ("fine_tuned", True, False),
        ("open_source_deployed", "review", False),
        ("api_of_filed_model", False, True),
    ],
)
def test_filing_or_registration_follows_the_model_source(
    source: str, filing: object, registration: object
) -> None:
    report = scope(profile(service__model_source=source))
    assert proc(report, "genai_filing").required == filing
    assert proc(report, "genai_registration").required == registration


@pytest.mark.parametrize(
    ("nonsensitive", "sensitive", "important", "ciio", "route"),
    [
        pytest.param(0, 0, False, False, "none", id="no-export"),
        pytest.param(99_999, 0, False, False, "exempt", id="below-100k"),
        pytest.param(100_000, 0, False, False, "standard_contract_or_certification", id="100k"),
        pytest.param(999_999, 0, False, False, "standard_contract_or_certification", id="999999"),
        pytest.param(1_000_000, 0, False, False, "security_assessment", id="1m"),
        pytest.param(0, 1, False, False, "standard_contract_or_certification", id="one-sensitive"),
        pytest.param(0, 9_999, False, False, "standard_contract_or_certification", id="9999-s"),
        pytest.param(0, 10_000, False, False, "security_assessment", id="10k-sensitive"),
        pytest.param(10, 0, True, False, "security_assessment", id="important-data"),
        pytest.param(10, 0, False, True, "security_assessment", id="ciio"),
    ],
)
def test_cross_border_route_follows_the_xb_thresholds(
    nonsensitive: int, sensitive: int, important: bool, ciio: bool, route: str
) -> None:
    report = scope(
        profile(
            data__cross_border={
                "nonsensitive_individuals_ytd": nonsensitive,
                "sensitive_individuals_ytd": sensitive,
                "important_data": important,
            },
            service__critical_information_infrastructure=ciio,
        )
    )
    result = proc(report, "cross_border_route")
    assert result.route == route
    assert result.required is (route not in {"none", "exempt"})
    assert any(b.instrument == "XB" for b in result.basis)


@pytest.mark.parametrize(("individuals", "required"), [(999_999, False), (1_000_000, True)])
def test_dpo_from_one_million_individuals(individuals: int, required: bool) -> None:
    report = scope(
        profile(data__personal_information={"processes": True, "individuals": individuals})
    )
    result = proc(report, "dpo_appointment")
    assert result.required is required
    if required:
        assert result.triggered_by == ("pi_individuals >= 1000000 (= 1,000,000)",)


def test_public_opinion_attribute_comes_from_sa_features_and_can_be_overridden() -> None:
    forum = scope(
        profile(service__genai=False, service__model_source=None, service__features=["forum"])
    )
    poa = next(f for f in forum.facts if f.name == "poa")
    assert poa.value is True and poa.because == ("'forum' in features",)
    assert describe_atom(poa.because[0], "zh") == "产品功能包含「论坛」"
    assert proc(forum, "security_assessment").required is True

    overridden = scope(profile(overrides={"poa": False}))
    assert next(f for f in overridden.facts if f.name == "poa").origin == "override"
    assert proc(overridden, "security_assessment").required is False


def test_mlps_filing_needs_a_level() -> None:
    assert proc(scope(profile()), "mlps_filing").required == "review"
    assert proc(scope(profile(service__mlps_level=2)), "mlps_filing").required is True
    assert proc(scope(profile(service__mlps_level=1)), "mlps_filing").required is False
    assert proc(scope(profile(service__mlps_level=3)), "mlps_assessment").required is True


def test_labeling_duties_per_modality() -> None:
    report = scope(profile(service__modalities=["text", "video"]))
    assert proc(report, "label_text").required is True
    assert proc(report, "label_video").required is True
    assert proc(report, "label_audio").required is False
    assert "2 s" in proc(report, "label_video").reason_en
    assert "2秒" in proc(report, "label_video").reason_zh


def test_platform_role_owes_label_verification() -> None:
    report = scope(profile(service__roles=["provider", "dissemination_platform"]))
    assert proc(report, "platform_label_verification").required is True
    assert proc(scope(profile()), "platform_label_verification").required is False


def test_evidence_checklist_names_what_needs_each_item() -> None:
    report = scope(profile(service__features=["chat", "forum"]))
    items = {e.kind: e for e in report.evidence}
    receipt = items["EV-sa-submission-receipt"]
    assert "security_assessment" in receipt.needed_for and "SA-07" in receipt.needed_for
    assert receipt.name_zh == "全国互联网安全管理服务平台提交回执"
    assert receipt.check is None  # a document the provider supplies
    library = items["EV-keyword-library"]
    assert (library.check, library.command) == ("lexicon.check", "hegui lexicon check LEXICON")
    assert all(e.needed_for for e in report.evidence)
    # one line per kind, however many rows ask for it
    assert len(items) == len(report.evidence)


def test_not_required_procedures_carry_no_evidence_or_deadline() -> None:
    report = scope(profile(service__public_in_prc=False))
    result = proc(report, "security_assessment")
    assert result.required is False
    assert result.evidence == () and result.deadline is None


def test_an_override_flows_into_facts_derived_from_it() -> None:
    report = scope(
        profile(service__modalities=["text", "image"], overrides={"deep_synthesis": False})
    )
    facts = {f.name: f for f in report.facts}
    assert facts["deep_synthesis"].origin == "override"
    assert facts["confusable_output"].value is False
    assert "confusable" not in " ".join(proc(report, "label_image").triggered_by)


def test_an_app_store_without_its_own_ai_owes_store_checks() -> None:
    report = scope(
        profile(
            service__genai=False,
            service__model_source=None,
            service__modalities=[],
            service__features=[],
            service__roles=["app_store"],
        )
    )
    ids = {o.id for o in report.obligations}
    assert {"DS-13", "LBL-07"} <= ids
    assert proc(report, "app_store_checks").required is True
    assert "LBL-07" in proc(report, "app_store_checks").obligations
