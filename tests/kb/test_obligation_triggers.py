"""Obligation triggers against real profiles: which rows a service's facts make it owe.

Each case builds a ``ServiceProfile``, derives its facts with the real rules, and evaluates the
shipped triggers, so a change to a trigger or a derivation rule that moves a legal threshold
fails here.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hegui.kb import ServiceProfile, derive_facts, load_kb


def _facts(
    service: dict[str, object], data: dict[str, object] | None = None, **overrides: bool
) -> dict[str, object]:
    profile = ServiceProfile.model_validate(
        {
            "schema_version": 1,
            "provider": {"name": "示例科技有限公司"},
            "service": service,
            "data": data or {},
            "overrides": overrides,
        }
    )
    return dict(derive_facts(profile).values)


def _owed(facts: dict[str, object], row: str) -> bool:
    kb = load_kb()
    return kb.trigger(kb.obligations[row].trigger).evaluate(facts).value  # type: ignore[arg-type]


_CHATBOT = {
    "public_in_prc": True,
    "genai": True,
    "model_source": "fine_tuned",
    "features": ["chat"],
}


@pytest.mark.parametrize(
    ("service", "overrides", "expected"),
    [
        pytest.param(_CHATBOT, {}, True, id="fine-tuned-public-chat"),
        pytest.param({**_CHATBOT, "model_source": "api_of_filed_model"}, {}, False, id="api-app"),
        pytest.param({**_CHATBOT, "features": ["writing"]}, {}, False, id="no-poa"),
        pytest.param({**_CHATBOT, "features": ["writing"]}, {"poa": True}, True, id="poa-set"),
        pytest.param(_CHATBOT, {"ethics_recheck_activity": False}, False, id="judged-off"),
    ],
)
def test_ethics_re_review_follows_training_and_public_opinion_attribute(
    service: dict[str, object], overrides: dict[str, bool], expected: bool
) -> None:
    assert _owed(_facts(service, **overrides), "ETH-25") is expected


_IMAGE_GEN = {
    "public_in_prc": True,
    "genai": True,
    "model_source": "api_of_filed_model",
    "modalities": ["image"],
    "features": ["face_swap"],
    "export_download": True,
}
_FEED = {"public_in_prc": True, "genai": False, "features": ["recommendation_feed"]}


@pytest.mark.parametrize(
    ("service", "owed", "not_owed"),
    [
        pytest.param(
            _IMAGE_GEN,
            ["LBL-04", "LBL-04b", "LBL-05", "DS-14b", "DS-15b", "DS-17a"],
            ["DS-17b", "LBL-12", "ALG-17a"],
            id="image-generator-with-face-swap",
        ),
        pytest.param(
            {**_IMAGE_GEN, "export_download": False, "features": []},
            ["LBL-04", "LBL-05", "DS-17a"],
            ["LBL-04b", "DS-14b", "DS-15b"],
            id="image-generator-no-export",
        ),
        pytest.param(
            _FEED,
            ["ALG-10", "ALG-11", "ALG-17a", "ALG-17b"],
            ["LBL-04", "LBL-05", "LBL-08", "DS-16", "ALG-24a", "ALG-13"],
            id="recommendation-feed-without-genai",
        ),
        pytest.param(
            {**_FEED, "features": ["recommendation_feed", "comments", "news"]},
            ["ALG-24a", "ALG-26", "ALG-27", "ALG-13", "SA-03"],
            ["GAI-17b"],
            id="feed-with-comments-and-news",
        ),
    ],
)
def test_sample_services_owe_the_rows_their_facts_trigger(
    service: dict[str, object], owed: list[str], not_owed: list[str]
) -> None:
    facts = _facts(service)
    assert [row for row in owed if not _owed(facts, row)] == []
    assert [row for row in not_owed if _owed(facts, row)] == []


@pytest.mark.parametrize(
    ("individuals", "dpo"),
    [(999_999, False), (1_000_000, True), (12_000_000, True)],
)
def test_dpo_appointment_starts_at_one_million_individuals(individuals: int, dpo: bool) -> None:
    pi = {"processes": True, "individuals": individuals}
    facts = _facts({"public_in_prc": True, "genai": False}, {"personal_information": pi})
    assert _owed(facts, "PIPL-52") is dpo


def test_large_platform_duties_follow_the_profile_judgement() -> None:
    base = {"public_in_prc": True, "genai": False}
    assert not _owed(_facts(base), "PIPL-58")
    assert _owed(_facts(base, large_platform=True), "PIPL-58")


_XB_ROUTES = ("XB-05-4", "XB-08", "XB-07")  # exempt; standard contract or certification; assessment


@given(
    nonsensitive=st.integers(min_value=0, max_value=3_000_000),
    sensitive=st.integers(min_value=0, max_value=30_000),
    ciio=st.booleans(),
)
def test_pi_exports_fall_on_exactly_one_cross_border_route(
    nonsensitive: int, sensitive: int, ciio: bool
) -> None:
    """XB Arts 5(4), 7, 8: for PI exports without important data the routes partition."""
    xb = {"nonsensitive_individuals_ytd": nonsensitive, "sensitive_individuals_ytd": sensitive}
    service = {"public_in_prc": True, "genai": False, "critical_information_infrastructure": ciio}
    facts = _facts(service, {"personal_information": {"processes": True}, "cross_border": xb})
    routes = [row for row in _XB_ROUTES if _owed(facts, row)]
    if nonsensitive == sensitive == 0:
        assert not facts["cross_border"]  # XB is out of scope: nothing is exported
    else:
        assert len(routes) == 1, routes
        assert _owed(facts, "XBC-cert") is _owed(facts, "XB-08")


@pytest.mark.parametrize(
    ("nonsensitive", "sensitive", "route"),
    [
        (99_999, 0, "XB-05-4"),
        (100_000, 0, "XB-08"),
        (999_999, 9_999, "XB-08"),
        (0, 1, "XB-08"),
        (1_000_000, 0, "XB-07"),
        (0, 10_000, "XB-07"),
    ],
)
def test_cross_border_thresholds_sit_where_the_provisions_put_them(
    nonsensitive: int, sensitive: int, route: str
) -> None:
    xb = {"nonsensitive_individuals_ytd": nonsensitive, "sensitive_individuals_ytd": sensitive}
    facts = _facts({"public_in_prc": True, "genai": False}, {"cross_border": xb})
    assert [row for row in _XB_ROUTES if _owed(facts, row)] == [route]


def test_important_data_export_needs_the_security_assessment() -> None:
    facts = _facts(
        {"public_in_prc": True, "genai": False}, {"cross_border": {"important_data": True}}
    )
    assert _owed(facts, "XB-07")
    assert not _owed(facts, "XB-05-4")
    assert not _owed(facts, "XBC-cert")


@pytest.mark.parametrize(
    ("model_source", "filing", "registration"),
    [
        ("own_foundation_model", True, False),
        ("fine_tuned", True, False),
        ("open_source_deployed", True, False),
        ("api_of_filed_model", False, True),
    ],
)
def test_public_chat_files_or_registers_by_where_its_model_comes_from(
    model_source: str, filing: bool, registration: bool
) -> None:
    facts = _facts({**_CHATBOT, "model_source": model_source})
    assert (_owed(facts, "FIL-02"), _owed(facts, "FIL-03")) == (filing, registration)
    assert _owed(facts, "GAI-17b") and _owed(facts, "FIL-04")
