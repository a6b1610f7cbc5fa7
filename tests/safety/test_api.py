from __future__ import annotations

import hegui.safety

CONTRACT = {
    "Action",
    "Classifier",
    "Direction",
    "Finding",
    "LLMJudge",
    "Screener",
    "StreamScreener",
    "Verdict",
    "default_policy",
    "load_lexicon",
    "load_policy",
    "parse_guard_output",
    "starter_lexicon",
}


def test_public_api_is_pinned() -> None:
    assert set(hegui.safety.__all__) == set(dir(hegui.safety)) & set(hegui.safety.__all__)
    assert CONTRACT - {"LLMJudge", "StreamScreener", "parse_guard_output"} <= set(
        hegui.safety.__all__
    )


def test_enums_have_the_contract_values() -> None:
    assert [d.value for d in hegui.safety.Direction] == ["input", "output"]
    assert [a.value for a in hegui.safety.Action] == ["allow", "flag", "mask", "refuse", "block"]
