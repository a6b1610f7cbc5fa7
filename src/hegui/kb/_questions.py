"""The ``hegui init`` questions, derived from the fact vocabulary.

Every fact a scope rule reads from the profile (a ``FactSpec`` with a ``profile_field``) is a
question, as is every judgement the rules need but no profile field gives (facts that are
"never derived": they go under ``overrides``). A fact added to ``FACTS`` is therefore asked
without touching the wizard; its Chinese question and legal reason come from
``data/questions.yaml``, and a test fails when one is missing. Answers are checked with the
profile's own validation, so the wizard's messages are those of ``hegui profile validate``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import yaml

from hegui.kb._facts import FACTS
from hegui.kb._trigger import FactType, FactValue, compile_trigger

__all__ = ["GROUPS", "Question", "ask_if_holds", "check_answer", "questions"]

Kind = Literal["text", "bool", "int", "choice", "choices"]

GROUPS: dict[str, tuple[str, str]] = {
    "provider": ("服务提供者", "Provider"),
    "service": ("服务", "Service"),
    "users": ("用户", "Users"),
    "security": ("网络安全", "Network security"),
    "pi": ("个人信息", "Personal information"),
    "cross_border": ("数据出境", "Cross-border data"),
    "data": ("数据与训练", "Data and training"),
    "judgements": ("需要您判断的事项", "Judgements"),
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the wizard: the profile field it fills and why the law asks it."""

    path: str
    """Dotted profile path (``service.users.serves_minors``)."""
    fact: str | None
    """The fact it feeds; None for names and codes."""
    kind: Kind
    group: str
    prompt_zh: str
    prompt_en: str
    why_zh: str
    why_en: str
    default: object
    choices: tuple[str, ...] = ()
    ask_if: str | None = None
    """A trigger over facts answered earlier; the question is skipped when it is false."""
    only_true: bool = False
    """A judgement that completes a derived fact: written only when answered yes, so a "no"
    never overrides what the rule derives from a later change of the profile."""


@functools.cache
def _text() -> dict[str, dict[str, str]]:
    """The wording of each question (``data/questions.yaml``)."""
    path = resources.files("hegui.kb") / "data" / "questions.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): dict(v) for k, v in doc["questions"].items()}


_GROUP_OF = [
    ("provider.", "provider"),
    ("service.users.", "users"),
    ("service.critical", "security"),
    ("service.mlps", "security"),
    ("service.", "service"),
    ("data.personal_information.", "pi"),
    ("data.cross_border.", "cross_border"),
    ("data.", "data"),
    ("overrides.", "judgements"),
]
_NAMES = ["provider.name", "provider.uscc", "service.name"]


def _group(path: str) -> str:
    return next(g for prefix, g in _GROUP_OF if path.startswith(prefix))


def _default(path: str) -> object:
    from hegui.kb._profile import ServiceProfile

    # Defaults of the model where it has one; the required switches default to a public
    # generative text chatbot, the most common case the wizard is run for.
    required = {
        "service.public_in_prc": True,
        "service.genai": True,
        "provider.name": "",
        "service.modalities": ("text",),
        "service.model_source": "api_of_filed_model",
        "service.features": ("chat",),
        "service.roles": ("provider",),
    }
    if path in required:
        return required[path]
    model: object = ServiceProfile
    *parents, leaf = path.split(".")
    for part in parents:
        model = model.model_fields[part].annotation  # type: ignore[attr-defined]
    field = model.model_fields[leaf]  # type: ignore[attr-defined]
    value = field.get_default(call_default_factory=True)
    return False if value is None and path.startswith("overrides.") else value


_KIND = {
    FactType.BOOL: "bool",
    FactType.INT: "int",
    FactType.ENUM: "choice",
    FactType.SET: "choices",
}


@functools.cache
def questions() -> tuple[Question, ...]:
    """Every question, grouped in the order of ``GROUPS``."""
    from hegui.kb._profile import AlgorithmType

    found: list[Question] = []
    specs = {s.profile_field: s for s in FACTS.values() if s.profile_field}
    # Judgements: facts whose rule says the profile states them under overrides, wholly
    # ("never derived") or in part (a derived fact with list items no profile field gives).
    judgements = [s for s in FACTS.values() if s.rule and "under overrides" in s.rule]
    paths = [*_NAMES, *specs, *(f"overrides.{s.name}" for s in judgements)]
    # Algorithm types have no fact of their own (they feed ``algorithm_types`` with the
    # generation implied by genai): asked right after the product features.
    paths.insert(paths.index("service.features") + 1, "service.algorithm_types")
    for path in paths:
        spec = specs.get(path) or FACTS.get(path.removeprefix("overrides."))
        if path == "service.algorithm_types":
            kind: Kind = "choices"
            choices = tuple(a.value for a in AlgorithmType if a.value != "gen_synth")
        elif path in ("provider.name", "provider.uscc", "service.name"):
            kind, choices = "text", ()
        else:
            assert spec is not None
            kind = _KIND[spec.type]  # type: ignore[assignment]
            choices = tuple(sorted(m for m in spec.members if m != "none"))
        words = _text().get(path)
        if words is None:  # a new fact without wording yet: still asked, with its basis
            about = spec.description if spec else path
            basis = (spec.basis or "") if spec else ""
            words = {"prompt_zh": about, "prompt_en": about, "why_zh": basis, "why_en": basis}
        found.append(
            Question(
                path=path,
                fact=spec.name if spec else None,
                kind=kind,
                group=_group(path),
                prompt_zh=words["prompt_zh"],
                prompt_en=words["prompt_en"],
                why_zh=words["why_zh"],
                why_en=words["why_en"],
                default=_default(path),
                choices=choices,
                ask_if=words.get("ask_if"),
                only_true=bool(
                    path.startswith("overrides.")
                    and spec is not None
                    and not (spec.rule or "").startswith("never derived")
                ),
            )
        )
    order = list(GROUPS)
    return tuple(sorted(found, key=lambda q: order.index(q.group)))


def _derived_values(answers: Mapping[str, object]) -> dict[str, FactValue]:
    """Fact values of a partial profile: what ``ask_if`` conditions read."""
    from hegui.kb._facts import derive_facts
    from hegui.kb._profile import ServiceProfile

    # Fill what a partial profile still lacks so it validates; only answered facts are read.
    base: dict[str, object] = {
        "provider.name": "x",
        "service.public_in_prc": True,
        "service.genai": False,
    }
    # Names and codes feed no fact: leave them out, so a half-typed code cannot break this.
    merged = {**base, **answers, "provider.name": "x"}
    for path in ("provider.uscc", "service.name"):
        merged.pop(path, None)
    if merged.get("service.genai") and not merged.get("service.model_source"):
        merged["service.model_source"] = "api_of_filed_model"
    data = nest(merged)
    data["schema_version"] = 1
    profile = ServiceProfile.model_validate(data)
    return dict(derive_facts(profile).values)


def ask_if_holds(question: Question, answers: Mapping[str, object]) -> bool:
    """Whether ``question`` applies given the answers so far."""
    if question.ask_if is None:
        return True
    trigger = compile_trigger(question.ask_if, FACTS)
    return trigger.evaluate(_derived_values(answers)).value


def nest(answers: Mapping[str, object]) -> dict[str, object]:
    """``{"service.users.registered": True}`` → ``{"service": {"users": {"registered": True}}}``."""
    out: dict[str, object] = {}
    for path, value in answers.items():
        node = out
        *parents, leaf = path.split(".")
        for part in parents:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[leaf] = list(value) if isinstance(value, tuple) else value
    return out


def check_answer(question: Question, answers: Mapping[str, object], value: object) -> str | None:
    """The problem ``profile validate`` would report for this answer, or None when it is fine."""
    from hegui._yaml import YamlDocument, validate_document
    from hegui.errors import ConfigError
    from hegui.kb._profile import ServiceProfile

    data = nest({**answers, question.path: value})
    data["schema_version"] = 1
    try:
        validate_document(YamlDocument(data), ServiceProfile)
    except ConfigError as exc:
        for issue in exc.issues:
            where, path = issue.field or "", question.path
            if where == path or where.startswith((f"{path}.", f"{path}[")):
                return issue.problem + (f"; fix: {issue.fix}" if issue.fix else "")
    return None
