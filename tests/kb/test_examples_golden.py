"""Golden scope JSON for every example profile.

A change in the knowledge base or the engine that changes a scope result shows up here as a
diff; review it, then regenerate with ``pytest tests/kb/test_examples_golden.py --update-golden``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hegui.cli.scope import report_json
from hegui.kb import load_profile
from hegui.kb._scope import scope

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*/hegui.yaml"))
GOLDEN = Path(__file__).parent / "golden"


def test_there_are_the_six_required_examples() -> None:
    names = {p.parent.name for p in EXAMPLES}
    assert {
        "public-chatbot",
        "app-on-filed-model",
        "image-face-swap",
        "recommendation-feed",
        "enterprise-internal-assistant",
        "research-lab",
    } <= names


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.parent.name)
def test_scope_json_matches_golden(example: Path, update_golden: bool) -> None:
    data = report_json(scope(load_profile(example)))
    data.pop("tool_version")
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    golden = GOLDEN / f"{example.parent.name}.json"
    if update_golden:
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file; run pytest {__file__} --update-golden"
    assert text == golden.read_text(encoding="utf-8")


def _json(example: str) -> dict[str, object]:
    return report_json(scope(load_profile(ROOT / "examples" / example / "hegui.yaml")))


def _procedures(example: str) -> dict[str, object]:
    return {p["id"]: p["required"] for p in _json(example)["procedures"]}  # type: ignore[attr-defined,index]


def test_enterprise_internal_assistant_is_outside_gai() -> None:
    data = _json("enterprise-internal-assistant")
    na = {n["instrument"] for n in data["not_applicable"]}  # type: ignore[attr-defined,index]
    assert {"GAI", "DS", "ALG", "LBL"} <= na
    assert not any(o["instrument"] == "GAI" for o in data["obligations"])  # type: ignore[attr-defined,index]


def test_public_chatbot_owes_filing_assessment_and_labels() -> None:
    procs = _procedures("public-chatbot")
    for pid in ("genai_filing", "deep_synthesis_filing", "security_assessment", "label_text"):
        assert procs[pid] is True, pid
    assert procs["genai_registration"] is False


def test_app_on_filed_model_registers_instead_of_filing() -> None:
    procs = _procedures("app-on-filed-model")
    assert (procs["genai_registration"], procs["genai_filing"]) == (True, False)


def test_face_swap_owes_the_biometric_tool_assessment_and_a_transfer_route() -> None:
    procs = _procedures("image-face-swap")
    assert procs["ds_tool_security_assessment"] is True
    assert procs["pipia"] is True
    assert procs["cross_border_route"] is True


def test_recommendation_feed_files_its_algorithm_but_is_outside_gai() -> None:
    data = _json("recommendation-feed")
    procs = _procedures("recommendation-feed")
    assert procs["algorithm_filing"] is True
    assert procs["genai_filing"] is False
    assert "GAI" in {n["instrument"] for n in data["not_applicable"]}  # type: ignore[attr-defined,index]


def test_research_lab_owes_only_reviews() -> None:
    procs = _procedures("research-lab")
    assert not [p for p, r in procs.items() if r is True]
    assert procs["ethics_review"] == "review"
