"""A commented starter ``hegui.yaml``, filled from answers (flags or prompts)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from hegui.kb._profile import AlgorithmType, Feature, Modality, ModelSource, ProfileRole

__all__ = ["StarterAnswers", "render_starter"]


@dataclass(frozen=True)
class StarterAnswers:
    """What ``hegui init`` asks; defaults describe a public text chatbot."""

    provider_name: str = "（公司全称）"
    uscc: str | None = None
    service_name: str = "（服务名称）"
    public_in_prc: bool = True
    research_only: bool = False
    roles: tuple[ProfileRole, ...] = (ProfileRole.PROVIDER,)
    genai: bool = True
    modalities: tuple[Modality, ...] = (Modality.TEXT,)
    model_source: ModelSource | None = ModelSource.API_OF_FILED_MODEL
    algorithm_types: tuple[AlgorithmType, ...] = ()
    features: tuple[Feature, ...] = (Feature.CHAT,)
    export_download: bool = False
    registered: bool = True
    serves_minors: bool = False
    serves_elderly: bool = False
    processes_pi: bool = True
    sensitive_pi: bool = False
    individuals: int = 0
    extra_comments: list[str] = field(default_factory=list)


def _v(value: object) -> str:
    # JSON scalars are valid YAML flow scalars and quote anything ambiguous (yes, no, 1.0 …).
    if isinstance(value, tuple | list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return json.dumps(value)


def _choices(enum: type[object]) -> str:
    return ", ".join(m.value for m in enum)  # type: ignore[attr-defined]


def render_starter(a: StarterAnswers) -> str:
    """The starter profile as YAML text with a comment on every field."""
    uscc = (
        f"  uscc: {_v(a.uscc)}  # 统一社会信用代码, checked with its GB 32100 check character"
        if a.uscc
        else "  # uscc: 91310115MA1K4AAA0D  # 统一社会信用代码 (18 characters), checked on load"
    )
    model = (
        f"  model_source: {_v(a.model_source.value)}  # {_choices(ModelSource)}"
        if a.model_source
        else f"  # model_source: {ModelSource.API_OF_FILED_MODEL.value}  # {_choices(ModelSource)}"
    )
    lines = [
        "# hegui service profile: the facts about your service that decide which rules apply.",
        "# Check it:  hegui profile validate hegui.yaml",
        "# Scope it:  hegui scope hegui.yaml --format md -o scope.md",
        "# Every field: hegui profile schema",
        "schema_version: 1",
        "",
        "provider:",
        f"  name: {_v(a.provider_name)}  # legal name as registered",
        uscc,
        "  offshore: false  # established outside the PRC (PIPL Art. 53)",
        "",
        "service:",
        f"  name: {_v(a.service_name)}",
        "  # offered to the public in mainland China (GAI Art. 2)",
        f"  public_in_prc: {_v(a.public_in_prc)}",
        "  # research and development only, not offered to the public (GAI Art. 2 ¶3)",
        f"  research_only: {_v(a.research_only)}",
        f"  roles: {_v([r.value for r in a.roles])}  # {_choices(ProfileRole)}",
        f"  genai: {_v(a.genai)}  # generates text, images, audio, video (GAI Art. 22)",
        f"  modalities: {_v([m.value for m in a.modalities])}  # {_choices(Modality)}",
        model,
        f"  algorithm_types: {_v([t.value for t in a.algorithm_types])}"
        f"  # {_choices(AlgorithmType)} (gen_synth is implied by genai)",
        f"  features: {_v([f.value for f in a.features])}",
        f"  # features: {_choices(Feature)}",
        "  # users can download, copy or export generated content (LBL Art. 4 ¶2)",
        f"  export_download: {_v(a.export_download)}",
        "  users:",
        f"    registered: {_v(a.registered)}",
        f"    serves_minors: {_v(a.serves_minors)}",
        f"    serves_elderly: {_v(a.serves_elderly)}",
        "  critical_information_infrastructure: false",
        "  mlps_level: 0  # MLPS (等级保护) level of the main system; 0 = not yet graded",
        "",
        "data:",
        "  personal_information:",
        f"    processes: {_v(a.processes_pi)}",
        "    # sensitive PI: biometrics, health, finance, location … (PIPL Art. 28)",
        f"    sensitive: {_v(a.sensitive_pi)}",
        "    under_14: false",
        f"    individuals: {_v(a.individuals)}  # people whose PI you process",
        "    automated_decisions: false",
        "  cross_border:  # counted from 1 January this year (XB)",
        "    nonsensitive_individuals_ytd: 0",
        "    sensitive_individuals_ytd: 0",
        "    important_data: false",
        "  important_data: false",
        "  training:",
        "    uses_user_inputs: false  # user inputs used as training data",
        "",
        "# Derived facts (public-opinion attribute, deep synthesis …) follow documented rules;",
        "# set one explicitly if your assessment differs:",
        "# overrides:",
        "#   poa: true",
        "#   ethics_sensitive_ai_rnd: false",
    ]
    lines += [f"# {c}" for c in a.extra_comments]
    return "\n".join(lines) + "\n"
