"""``hegui init`` asks its questions through questionary; drive them with real keystrokes.

The keystrokes are built from ``questions()`` itself, so a fact added to the scope rules is
asked (and answered here with its default) without touching this test.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from hegui._yaml import parse_yaml
from hegui.cli.profile import _ask
from hegui.kb import (
    Question,
    ask_if_holds,
    load_profile,
    questions,
    render_starter,
    scope,
    starter_answers,
)
from hegui.kb._profile import parse_profile

DOWN, BACKSPACE = "\x1b[B", "\x7f"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _keys_for(q: Question, default: object, value: object) -> str:
    """The keystrokes that answer ``q`` with ``value`` when the prompt shows ``default``."""
    if q.kind == "bool":
        return "y" if value else "n"
    if q.kind in {"text", "int"}:
        shown = "" if default is None else str(default)
        typed = "" if value is None else str(value)
        return BACKSPACE * len(shown) + typed + "\r"
    if q.kind == "choice":
        moves = q.choices.index(str(value)) - q.choices.index(str(default))
        assert moves >= 0, "the test moves down only"
        return DOWN * moves + "\r"
    wanted, checked = set(value), set(default)  # type: ignore[call-overload]
    keys = []
    for choice in q.choices:
        keys.append(" " if (choice in wanted) != (choice in checked) else "")
        keys.append(DOWN)
    return "".join(keys) + "\r"


def _keystrokes(target: Mapping[str, object]) -> tuple[str, set[str]]:
    """Keys answering every question that applies: ``target`` where given, else the default."""
    answers = starter_answers({"provider.name": ""})
    so_far: dict[str, object] = {}
    keys = []
    for q in questions():
        if not ask_if_holds(q, so_far):
            continue
        fallback = "测试公司" if q.path == "provider.name" else answers[q.path]
        value = target.get(q.path, fallback)
        keys.append(_keys_for(q, answers[q.path], value))
        so_far[q.path] = value
    return "".join(keys), set(so_far)


def _run(keys: str) -> tuple[dict[str, object], frozenset[str]]:
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        pipe.close()  # end of input: a prompt left waiting fails the test instead of hanging
        with create_app_session(input=pipe, output=DummyOutput()):
            return _ask(starter_answers({"provider.name": ""}))


# The example public chatbot, answered through the wizard (walkthrough finding 6: the old
# wizard never asked users, minors, MLPS, export or PI volumes and reached 6 of 12 procedures).
CHATBOT = {
    "provider.name": "示例智能科技（上海）有限公司",
    "provider.uscc": "91310115MA1K4AAA0D",
    "service.name": "小智助手",
    "service.public_in_prc": True,
    "service.roles": ("provider",),
    "service.genai": True,
    "service.modalities": ("image", "text"),
    "service.model_source": "own_foundation_model",
    "service.features": ("chat", "writing"),
    "service.export_download": True,
    "service.users.registered": True,
    "service.users.serves_minors": True,
    "service.mlps_level": 3,
    "data.personal_information.processes": True,
    "data.personal_information.individuals": 2500000,
    "data.training.uses_user_inputs": True,
}


def test_the_wizard_asks_every_fact_and_reaches_every_procedure() -> None:
    keys, expected_asked = _keystrokes(CHATBOT)
    answers, asked = _run(keys)
    assert set(asked) == expected_asked
    for path, value in CHATBOT.items():
        assert answers[path] == value, path
    profile = parse_profile(parse_yaml(render_starter(answers, asked)))
    example = load_profile(EXAMPLES / "public-chatbot" / "hegui.yaml")
    wizard = scope(profile)
    reference = scope(example)
    required = sorted(p.id for p in wizard.procedures if p.required is True)
    assert required == sorted(p.id for p in reference.procedures if p.required is True)
    assert len(required) == 12
    assert [o.id for o in wizard.obligations] == [o.id for o in reference.obligations]


def test_only_the_applicable_questions_are_asked() -> None:
    keys, expected = _keystrokes({"service.public_in_prc": False, "service.genai": False})
    answers, asked = _run(keys)
    assert "service.research_only" in asked  # asked because not public
    assert not {"service.modalities", "service.model_source", "service.export_download"} & asked
    assert "data.personal_information.individuals" not in asked  # no PI
    assert set(asked) == expected
    assert answers["service.genai"] is False


def test_a_bad_uscc_is_refused_with_its_reason_until_corrected() -> None:
    target = {"provider.name": "测试公司", "provider.uscc": "91310115MA1K4AAA0X"}
    keys, _ = _keystrokes(target)
    # The wrong check character is refused in the prompt; backspace and type the right one.
    keys = keys.replace("91310115MA1K4AAA0X\r", "91310115MA1K4AAA0X\r" + BACKSPACE + "D\r", 1)
    answers, _asked = _run(keys)
    assert answers["provider.uscc"] == "91310115MA1K4AAA0D"
    parse_profile(parse_yaml(render_starter(answers, _asked)))


def test_the_placeholder_name_is_refused_in_the_prompt() -> None:
    keys, _ = _keystrokes({"provider.name": "（公司全称）"})
    keys = keys.replace("（公司全称）\r", "（公司全称）\r" + BACKSPACE * 6 + "真实公司\r", 1)
    answers, _asked = _run(keys)
    assert answers["provider.name"] == "真实公司"


def test_judgements_are_written_only_when_asked() -> None:
    keys, _ = _keystrokes({"data.personal_information.processes": True})
    answers, asked = _run(keys)
    assert "overrides.large_platform" in asked
    text = render_starter(answers, asked)
    assert "\n  large_platform: false" in text
    assert "significant_impact" in text and "# significant_impact: false" in text


@pytest.mark.parametrize("q", questions(), ids=lambda q: q.path)
def test_every_question_has_its_default_accepted(q: Question) -> None:
    from hegui.kb import check_answer

    answers = starter_answers({"provider.name": "测试公司"})
    if q.path != "provider.name":
        assert check_answer(q, answers, answers[q.path]) is None
