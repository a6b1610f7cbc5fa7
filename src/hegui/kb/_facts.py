"""The fact vocabulary triggers are written in, and how each fact comes from a profile.

Direct facts copy a profile field. Derived facts follow a documented rule with its legal basis;
a profile can set a derived fact under ``overrides`` and the report then says so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hegui.kb._profile import AlgorithmType, Feature, Modality, ModelSource, ServiceProfile
from hegui.kb._trigger import FactSpec, FactType, FactValue

__all__ = ["FACTS", "FactOrigin", "ServiceFacts", "derive_facts"]


def _members(enum: type[StrEnum]) -> frozenset[str]:
    return frozenset(m.value for m in enum)


# SA Art. 2 (1): forums, blogs, microblogs, chat rooms, communication groups, public accounts,
# short video, live streaming, information sharing, mini-programs, "or such functions attached".
_SA_FEATURES = frozenset({"forum", "comments", "group_chat", "live_streaming", "short_video",
                          "public_accounts"})  # fmt: skip
# DS Art. 17 ¶1 (1)-(4): services whose output may confuse the public; a companion simulates a
# natural person in dialogue (item 1).
_DS17_FEATURES = frozenset({"chat", "writing", "companion", "voice_synthesis", "voice_cloning",
                            "face_generation", "face_swap", "biometric_editing",
                            "immersive_scene"})  # fmt: skip
# DS Art. 14 ¶2: editing faces, voices or other biometric information.
_BIOMETRIC_EDIT = frozenset({"face_swap", "biometric_editing", "voice_cloning"})
# DS Art. 15 ¶2 (1): models or templates that generate or edit biometric information.
_BIOMETRIC_TOOLS = frozenset({"face_generation", "face_swap", "biometric_editing", "voice_cloning"})
# CSL Art. 26 (old 24) and DS Art. 9: information publishing and instant-messaging services.
_PUBLISHING = _SA_FEATURES

_F = FactType
FACTS: dict[str, FactSpec] = {
    spec.name: spec
    for spec in [
        FactSpec("always", _F.BOOL, "Always true: for rules that bind every network operator."),
        # -- direct facts ---------------------------------------------------------------------
        FactSpec("public_prc", _F.BOOL, "Offered to the public in mainland China.",
                 profile_field="service.public_in_prc"),
        FactSpec("research_only", _F.BOOL, "Research and development only, not offered publicly.",
                 profile_field="service.research_only"),
        FactSpec("roles", _F.SET, "Roles the business plays.", members=frozenset(
            {"provider", "tech_supporter", "dissemination_platform", "app_store"}),
            profile_field="service.roles"),
        FactSpec("genai", _F.BOOL, "Uses generative models.", profile_field="service.genai"),
        FactSpec("modalities", _F.SET, "Kinds of generated content.", members=_members(Modality),
                 profile_field="service.modalities"),
        FactSpec("model_source", _F.ENUM, "Where the generative model comes from ('none' without"
                 " generative AI).", members=_members(ModelSource) | {"none"},
                 profile_field="service.model_source"),
        FactSpec("features", _F.SET, "Product features.", members=_members(Feature),
                 profile_field="service.features"),
        FactSpec("export_download", _F.BOOL, "Users can download, copy or export output.",
                 profile_field="service.export_download"),
        FactSpec("registered_users", _F.BOOL, "Users register accounts.",
                 profile_field="service.users.registered"),
        FactSpec("serves_minors", _F.BOOL, "Minors use the service.",
                 profile_field="service.users.serves_minors"),
        FactSpec("serves_elderly", _F.BOOL, "Elderly people use the service.",
                 profile_field="service.users.serves_elderly"),
        FactSpec("ciio", _F.BOOL, "Critical information infrastructure operator.",
                 profile_field="service.critical_information_infrastructure"),
        FactSpec("mlps_level", _F.INT, "MLPS level of the main system (0 = not graded).",
                 profile_field="service.mlps_level"),
        FactSpec("offshore", _F.BOOL, "Provider established outside the PRC.",
                 profile_field="provider.offshore"),
        FactSpec("processes_pi", _F.BOOL, "Processes personal information.",
                 profile_field="data.personal_information.processes"),
        FactSpec("sensitive_pi", _F.BOOL, "Processes sensitive personal information.",
                 profile_field="data.personal_information.sensitive"),
        FactSpec("minor_u14_pi", _F.BOOL, "Processes PI of minors under 14.",
                 profile_field="data.personal_information.under_14"),
        FactSpec("pi_individuals", _F.INT, "Individuals whose PI is processed.",
                 profile_field="data.personal_information.individuals"),
        FactSpec("face_individuals", _F.INT, "People whose face information is stored for face "
                 "recognition.", profile_field="data.personal_information.face_individuals"),
        FactSpec("automated_decision", _F.BOOL, "Automated decision-making with PI.",
                 profile_field="data.personal_information.automated_decisions"),
        FactSpec("xb_nonsensitive_ytd", _F.INT, "Individuals' non-sensitive PI exported this year.",
                 profile_field="data.cross_border.nonsensitive_individuals_ytd"),
        FactSpec("xb_sensitive_ytd", _F.INT, "Individuals' sensitive PI exported this year.",
                 profile_field="data.cross_border.sensitive_individuals_ytd"),
        FactSpec("xb_important_data", _F.BOOL, "Important data is exported.",
                 profile_field="data.cross_border.important_data"),
        FactSpec("important_data", _F.BOOL, "Holds important data.",
                 profile_field="data.important_data"),
        FactSpec("trains_on_user_inputs", _F.BOOL, "User inputs are used as training data.",
                 profile_field="data.training.uses_user_inputs"),
        # -- derived facts ----------------------------------------------------------------------
        FactSpec("algorithm_types", _F.SET, "ALG Art. 2 algorithm types in use.",
                 members=_members(AlgorithmType),
                 rule="declared types, plus gen_synth with generative AI, personalized_push with a "
                 "recommendation feed, sort_select with trending lists, schedule_decide with "
                 "worker dispatch", basis="ALG Art. 2 ¶2"),
        FactSpec("algo_rec", _F.BOOL, "Applies algorithm recommendation technology.",
                 rule="any ALG Art. 2 algorithm type is in use", basis="ALG Art. 2"),
        FactSpec("deep_synthesis", _F.BOOL, "Uses deep-synthesis technology.",
                 rule="generative AI, or the generation/synthesis algorithm type, is in use",
                 basis="DS Art. 23"),
        FactSpec("poa", _F.BOOL, "Public-opinion attribute or social-mobilization capacity.",
                 rule="forums, comments, group chat, live streaming, short video or public "
                 "accounts (SA Art. 2 (1)); or a generative chat service offered to the public, "
                 "which CAC treats as having the attribute in filing practice",
                 basis="SA Art. 2; filing practice (S)"),
        FactSpec("confusable_output", _F.BOOL, "Output may confuse or mislead the public.",
                 rule="deep synthesis with chat, writing, voice, face, biometric or immersive "
                 "features (items 1-4), or generating image, audio, video or virtual scenes "
                 "(item 5)", basis="DS Art. 17 ¶1"),
        FactSpec("biometric_editing", _F.BOOL, "Edits faces, voices or other biometrics.",
                 rule="face swap, biometric editing or voice cloning", basis="DS Art. 14 ¶2"),
        FactSpec("tool_gen_biometric", _F.BOOL, "Offers models or tools that generate or edit "
                 "biometric information.", rule="face generation, face swap, biometric editing "
                 "or voice cloning", basis="DS Art. 15 ¶2"),
        FactSpec("info_publishing", _F.BOOL, "Offers information publishing or instant messaging.",
                 rule="forums, comments, group chat, live streaming, short video or public "
                 "accounts", basis="CSL Art. 26 (old 24); DS Art. 9"),
        FactSpec("personalization", _F.BOOL, "Personalized recommendation.",
                 rule="personalized_push algorithm or a recommendation feed", basis="ALG Art. 17"),
        FactSpec("key_slots", _F.BOOL, "Front pages, trending lists, curated picks or pop-ups.",
                 rule="a recommendation feed or trending lists", basis="ALG Art. 11"),
        FactSpec("news_service", _F.BOOL, "Provides internet news information.",
                 rule="the news feature", basis="ALG Art. 13"),
        FactSpec("dispatches_workers", _F.BOOL, "Dispatches work to workers.",
                 rule="the worker_dispatch feature", basis="ALG Art. 20"),
        FactSpec("sells_to_consumers", _F.BOOL, "Sells goods or services to consumers.",
                 rule="the consumer_pricing feature", basis="ALG Art. 21"),
        FactSpec("cross_border", _F.BOOL, "Exports personal information or important data.",
                 rule="any PI exported this year, or important data exported",
                 basis="PIPL Art. 38"),
        FactSpec("trains_models", _F.BOOL, "Trains or fine-tunes models.",
                 rule="model_source is own_foundation_model or fine_tuned", basis="GAI Art. 7"),
        FactSpec("research_rnd", _F.BOOL, "Does AI research and development.",
                 rule="trains models or is research-only", basis="ETH Art. 2"),
        FactSpec("ethics_sensitive_ai_rnd", _F.BOOL, "AI R&D touching ethically sensitive areas.",
                 rule="never derived: a judgement the profile must state under overrides",
                 basis="ETH Art. 4"),
        FactSpec("significant_impact", _F.BOOL, "Automated decisions with significant impact.",
                 rule="never derived: a judgement the profile must state under overrides",
                 basis="PIPL Art. 24 ¶3; ALG Art. 17 ¶3"),
        FactSpec("ethics_recheck_activity", _F.BOOL, "R&D on the ethics expert re-review list.",
                 rule="trains models with a public-opinion attribute (list item: algorithm models "
                 "with public-opinion or mobilization capacity); the other AI items (highly "
                 "autonomous decision systems in safety or health scenarios, human-machine "
                 "fusion) are judgements the profile states under overrides",
                 basis="ETH Art. 25 and annex (S; final annex wording unconfirmed)"),
        FactSpec("large_platform", _F.BOOL, "Important internet platform with a huge user base "
                 "and complex business.", rule="never derived: a judgement the profile must "
                 "state under overrides", basis="PIPL Art. 58"),
    ]
}  # fmt: skip


class FactOrigin(StrEnum):
    """Where a fact's value came from."""

    PROFILE = "profile"
    DERIVED = "derived"
    OVERRIDE = "override"


@dataclass(frozen=True)
class ServiceFacts:
    """Fact values for one profile, with where each came from."""

    values: Mapping[str, FactValue]
    origins: Mapping[str, FactOrigin]
    reasons: Mapping[str, tuple[str, ...]]
    """For derived facts: the profile facts that made them true, as trigger atoms
    (``'chat' in features``) that ``describe_atom`` turns into a sentence."""

    def __getitem__(self, name: str) -> FactValue:
        return self.values[name]


def _hits(values: Iterable[str], wanted: frozenset[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values) & wanted))


def derive_facts(profile: ServiceProfile) -> ServiceFacts:
    """Compute every fact of ``FACTS`` for ``profile``."""
    s, d = profile.service, profile.data
    pi, xb = d.personal_information, d.cross_border
    features = frozenset(f.value for f in s.features)
    values: dict[str, FactValue] = {
        "always": True,
        "public_prc": s.public_in_prc,
        "research_only": s.research_only,
        "roles": frozenset(r.value for r in s.roles),
        "genai": s.genai,
        "modalities": frozenset(m.value for m in s.modalities),
        "model_source": s.model_source.value if s.genai and s.model_source else "none",
        "features": features,
        "export_download": s.export_download,
        "registered_users": s.users.registered,
        "serves_minors": s.users.serves_minors,
        "serves_elderly": s.users.serves_elderly,
        "ciio": s.critical_information_infrastructure,
        "mlps_level": s.mlps_level,
        "offshore": profile.provider.offshore,
        "processes_pi": pi.processes,
        "sensitive_pi": pi.sensitive,
        "minor_u14_pi": pi.under_14,
        "pi_individuals": pi.individuals,
        "face_individuals": pi.face_individuals,
        "automated_decision": pi.automated_decisions,
        "xb_nonsensitive_ytd": xb.nonsensitive_individuals_ytd,
        "xb_sensitive_ytd": xb.sensitive_individuals_ytd,
        "xb_important_data": xb.important_data,
        "important_data": d.important_data,
        "trains_on_user_inputs": d.training.uses_user_inputs,
    }
    origins = dict.fromkeys(values, FactOrigin.PROFILE)
    reasons: dict[str, tuple[str, ...]] = {}

    overrides = {k: v for k, v in profile.overrides.model_dump().items() if v is not None}

    def derive(name: str, value: FactValue, because: Iterable[str]) -> None:
        # An override replaces the rule at the point of derivation, so facts derived later
        # (confusable output from deep synthesis, the re-review list from poa …) see it.
        if name in overrides:
            values[name] = overrides[name]
            origins[name] = FactOrigin.OVERRIDE
            reasons[name] = ("override",)
            return
        values[name] = value
        origins[name] = FactOrigin.DERIVED
        reasons[name] = tuple(because) if value else ()

    declared = {a.value for a in s.algorithm_types}
    # ALG Art. 2 ¶2: the type a feature implies, with the profile atom that implies it.
    implications = [
        (s.genai, "gen_synth", "genai"),
        (
            "recommendation_feed" in features,
            "personalized_push",
            "'recommendation_feed' in features",
        ),
        ("trending_lists" in features, "sort_select", "'trending_lists' in features"),
        ("worker_dispatch" in features, "schedule_decide", "'worker_dispatch' in features"),
    ]
    implied = [cause for hit, algo, cause in implications if hit and algo not in declared]
    algos = frozenset(declared | {algo for hit, algo, _ in implications if hit})
    derive(
        "algorithm_types",
        algos,
        implied + [f"'{a}' in algorithm_types" for a in sorted(declared)],
    )
    derive("algo_rec", bool(algos), [f"'{a}' in algorithm_types" for a in sorted(algos)])
    derive(
        "deep_synthesis",
        s.genai or "gen_synth" in declared,
        ["genai"] if s.genai else ["'gen_synth' in algorithm_types"],
    )
    gen = bool(values["deep_synthesis"])
    sa_hits = _hits(features, _SA_FEATURES)
    chat_practice = s.genai and s.public_in_prc and bool({"chat", "companion"} & features)
    derive(
        "poa",
        bool(sa_hits) or chat_practice,
        [f"'{f}' in features" for f in sa_hits]
        + (["practice:public_chat"] if chat_practice else []),
    )
    media = _hits(values["modalities"], frozenset({"image", "audio", "video", "virtual_scene"}))  # type: ignore[arg-type]
    ds17 = _hits(features, _DS17_FEATURES)
    derive(
        "confusable_output",
        gen and bool(ds17 or media),
        [f"'{f}' in features" for f in ds17] + [f"'{m}' in modalities" for m in media],
    )
    for name, wanted in [
        ("biometric_editing", _BIOMETRIC_EDIT),
        ("tool_gen_biometric", _BIOMETRIC_TOOLS),
        ("info_publishing", _PUBLISHING),
    ]:
        hits = _hits(features, wanted)
        derive(name, bool(hits), [f"'{f}' in features" for f in hits])
    derive(
        "personalization",
        "personalized_push" in algos,
        ["'personalized_push' in algorithm_types"],
    )
    slots = _hits(features, frozenset({"recommendation_feed", "trending_lists"}))
    derive("key_slots", bool(slots), [f"'{f}' in features" for f in slots])
    derive("news_service", "news" in features, ["'news' in features"])
    derive("dispatches_workers", "worker_dispatch" in features, ["'worker_dispatch' in features"])
    derive("sells_to_consumers", "consumer_pricing" in features, ["'consumer_pricing' in features"])
    exported = [
        name
        for name, hit in [
            ("xb_nonsensitive_ytd > 0", xb.nonsensitive_individuals_ytd > 0),
            ("xb_sensitive_ytd > 0", xb.sensitive_individuals_ytd > 0),
            ("xb_important_data", xb.important_data),
        ]
        if hit
    ]
    derive("cross_border", bool(exported), exported)
    trains = s.genai and s.model_source in {
        ModelSource.OWN_FOUNDATION_MODEL,
        ModelSource.FINE_TUNED,
    }
    derive("trains_models", trains, [f"model_source == '{values['model_source']}'"])
    derive(
        "research_rnd",
        trains or s.research_only,
        (["trains_models"] if trains else []) + (["research_only"] if s.research_only else []),
    )
    derive("ethics_sensitive_ai_rnd", False, [])
    recheck = bool(values["trains_models"]) and bool(values["poa"])
    derive("ethics_recheck_activity", recheck, ["trains_models", "poa"])
    derive("large_platform", False, [])
    derive("significant_impact", False, [])
    return ServiceFacts(values, origins, reasons)
