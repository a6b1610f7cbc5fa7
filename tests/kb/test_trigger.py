from __future__ import annotations

import pytest

from hegui.kb import FACTS, compile_trigger

BASE: dict[str, object] = {
    "genai": True,
    "public_prc": True,
    "poa": False,
    "features": frozenset({"chat", "writing"}),
    "model_source": "fine_tuned",
    "pi_individuals": 2_500_000,
}


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        pytest.param("genai and public_prc", True, id="and"),
        pytest.param("poa or genai", True, id="or"),
        pytest.param("not poa", True, id="not"),
        pytest.param("'chat' in features", True, id="set-member"),
        pytest.param("'forum' in features", False, id="set-absent"),
        pytest.param("'forum' not in features", True, id="set-not-in"),
        pytest.param("model_source in ('own_foundation_model', 'fine_tuned')", True, id="enum-in"),
        pytest.param("model_source == 'api_of_filed_model'", False, id="enum-eq"),
        pytest.param("pi_individuals >= 1000000", True, id="int-ge"),
        pytest.param("pi_individuals < 1000000", False, id="int-lt"),
        pytest.param("genai and (poa or 'chat' in features)", True, id="nested"),
    ],
)
def test_evaluates(expression: str, expected: bool) -> None:
    trigger = compile_trigger(expression, FACTS)
    assert trigger.evaluate(BASE).value is expected  # type: ignore[arg-type]


def test_because_lists_the_atoms_that_made_it_true() -> None:
    trigger = compile_trigger("genai and (poa or 'chat' in features)", FACTS)
    outcome = trigger.evaluate(BASE)  # type: ignore[arg-type]
    assert outcome.because == ("genai", "'chat' in features")


def test_because_shows_the_value_of_numbers() -> None:
    outcome = compile_trigger("pi_individuals >= 1000000", FACTS).evaluate(BASE)  # type: ignore[arg-type]
    assert outcome.because == ("pi_individuals >= 1000000 (= 2,500,000)",)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        pytest.param("genia", "unknown fact 'genia'; did you mean genai", id="typo"),
        pytest.param("'karaoke' in features", "'karaoke' is not one of features", id="member"),
        pytest.param(
            "model_source == 'homemade'", "'homemade' is not one of model_source", id="enum"
        ),
        pytest.param("features", "is a set fact", id="set-as-bool"),
        pytest.param("genai +", "not a valid expression", id="syntax"),
        pytest.param("__import__('os')", "unsupported construct", id="call"),
        pytest.param("pi_individuals >= 'many'", "integer literal", id="int-vs-str"),
        pytest.param("genai == True", "cannot be compared", id="bool-compare"),
        pytest.param("1 < pi_individuals < 5", "chained", id="chained"),
    ],
)
def test_rejects_bad_expressions(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match="trigger") as info:
        compile_trigger(expression, FACTS)
    assert message in str(info.value)
