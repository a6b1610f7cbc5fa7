"""The ``hegui init`` questions come from the fact vocabulary and cover every profile field."""

from __future__ import annotations

import typing
from collections.abc import Iterator

import pytest
from pydantic import BaseModel

from hegui._yaml import parse_yaml
from hegui.errors import ConfigError
from hegui.kb import FACTS, check_answer, questions, render_starter, starter_answers
from hegui.kb._profile import ServiceProfile, parse_profile
from hegui.kb._questions import _text
from hegui.kb._trigger import FactSpec, FactType, compile_trigger


def _leaves(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, field in model.model_fields.items():
        options = typing.get_args(field.annotation) or (field.annotation,)
        nested = [t for t in options if isinstance(t, type) and issubclass(t, BaseModel)]
        if nested:
            yield from _leaves(nested[0], f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}"


def test_every_profile_field_is_asked() -> None:
    asked = {q.path for q in questions()}
    for path in _leaves(ServiceProfile):
        if path == "schema_version":
            continue
        if path.startswith("overrides."):
            # Overrides of facts the rules derive are corrections, not questions.
            rule = FACTS[path.removeprefix("overrides.")].rule or ""
            if "under overrides" not in rule:
                continue
        assert path in asked, f"{path} is read by the scope rules but init never asks it"


def test_every_fact_from_the_profile_and_every_judgement_is_a_question() -> None:
    by_fact = {q.fact for q in questions()}
    for spec in FACTS.values():
        if spec.profile_field or (spec.rule and "under overrides" in spec.rule):
            assert spec.name in by_fact, spec.name


def test_every_question_has_worded_chinese_and_english_and_no_stale_entry() -> None:
    words = _text()
    paths = {q.path for q in questions()}
    assert set(words) == paths
    for path, entry in words.items():
        for key in ("prompt_zh", "prompt_en", "why_zh", "why_en"):
            assert entry.get(key), f"{path} lacks {key}"
        if "ask_if" in entry:
            compile_trigger(entry["ask_if"], FACTS)


def test_a_new_fact_is_asked_without_touching_the_wizard(monkeypatch: pytest.MonkeyPatch) -> None:
    import hegui.kb._questions as module

    spec = FactSpec("serves_pets", FactType.BOOL, "Pets use the service.", basis="none",
                    profile_field="service.users.serves_pets")  # fmt: skip
    monkeypatch.setattr(module, "FACTS", {**FACTS, "serves_pets": spec})
    monkeypatch.setattr(module, "_default", lambda path: False)
    found = module.questions.__wrapped__()
    new = next(q for q in found if q.path == "service.users.serves_pets")
    assert (new.kind, new.group, new.prompt_en) == ("bool", "users", "Pets use the service.")


def test_questions_follow_the_groups_in_order() -> None:
    from hegui.kb import GROUPS

    order = [q.group for q in questions()]
    assert order == sorted(order, key=list(GROUPS).index)
    assert [q.path for q in questions()][:3] == ["provider.name", "provider.uscc",
                                                 "provider.offshore"]  # fmt: skip


def test_the_commented_file_explains_every_field_and_validates() -> None:
    text = render_starter(starter_answers({"provider.name": "测试公司"}))
    for q in questions():
        assert q.prompt_zh[:20] in text.replace("\n", "").replace("# ", "").replace(" ", "")
    profile = parse_profile(parse_yaml(text))
    assert profile.provider.name == "测试公司"
    assert profile.overrides.large_platform is None  # an unasked judgement stays unset


def test_a_partial_judgement_is_written_only_when_yes() -> None:
    q = next(q for q in questions() if q.path == "overrides.ethics_recheck_activity")
    assert q.only_true
    answers = starter_answers({"provider.name": "测试公司", q.path: False})
    assert "\n  ethics_recheck_activity:" not in render_starter(answers, frozenset({q.path}))
    answers[q.path] = True
    assert "\n  ethics_recheck_activity: true" in render_starter(answers, frozenset({q.path}))


def test_placeholder_names_fail_validation_with_the_wizard_message() -> None:
    name = next(q for q in questions() if q.path == "provider.name")
    problem = check_answer(name, starter_answers(), "（公司全称）")
    assert problem is not None and "placeholder" in problem
    assert check_answer(name, starter_answers(), "示例科技有限公司") is None


@pytest.mark.parametrize("name", ["（公司全称）", "<company name>", "TODO", "请填写公司名称"])
def test_a_profile_with_a_placeholder_name_does_not_load(name: str) -> None:
    text = render_starter(starter_answers({"provider.name": name}))
    with pytest.raises(ConfigError, match="placeholder"):
        parse_profile(parse_yaml(text))
