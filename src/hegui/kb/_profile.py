"""The service profile (``hegui.yaml``): facts about a provider and its service.

The profile holds what a compliance officer knows; everything the law derives from those facts
(public-opinion attribute, deep synthesis …) is computed in ``_facts.py`` with its legal basis,
and may be set explicitly under ``overrides``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hegui._yaml import YamlDocument, load_yaml, validate_document

__all__ = [
    "AlgorithmType",
    "Feature",
    "Modality",
    "ModelSource",
    "ProfileRole",
    "ServiceProfile",
    "load_profile",
]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ProfileRole(StrEnum):
    """Roles a business can play for the service (DS Art. 23; GAI Art. 22; LBL Arts 6-7)."""

    PROVIDER = "provider"
    TECH_SUPPORTER = "tech_supporter"
    DISSEMINATION_PLATFORM = "dissemination_platform"
    APP_STORE = "app_store"


class Modality(StrEnum):
    """Kinds of content the service outputs (LBL Art. 3)."""

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    VIRTUAL_SCENE = "virtual_scene"


class ModelSource(StrEnum):
    """Where the generative model comes from; decides filing versus registration."""

    OWN_FOUNDATION_MODEL = "own_foundation_model"
    FINE_TUNED = "fine_tuned"
    OPEN_SOURCE_DEPLOYED = "open_source_deployed"
    API_OF_FILED_MODEL = "api_of_filed_model"


class AlgorithmType(StrEnum):
    """The five algorithm types of ALG Art. 2 ¶2."""

    GEN_SYNTH = "gen_synth"
    PERSONALIZED_PUSH = "personalized_push"
    SORT_SELECT = "sort_select"
    RETRIEVE_FILTER = "retrieve_filter"
    SCHEDULE_DECIDE = "schedule_decide"


class Feature(StrEnum):
    """Product features the rules key on (SA Art. 2, DS Art. 17, ALG Arts 11-21, ANTH, FR)."""

    CHAT = "chat"
    WRITING = "writing"
    COMPANION = "companion"
    """Personas, role-play or emotional companionship: the service simulates a human
    personality for sustained emotional interaction (ANTH)."""
    FACE_RECOGNITION = "face_recognition"
    """Identifies or verifies people by their face, e.g. face verification at sign-up (FR)."""
    VOICE_SYNTHESIS = "voice_synthesis"
    VOICE_CLONING = "voice_cloning"
    FACE_GENERATION = "face_generation"
    FACE_SWAP = "face_swap"
    BIOMETRIC_EDITING = "biometric_editing"
    IMMERSIVE_SCENE = "immersive_scene"
    FORUM = "forum"
    COMMENTS = "comments"
    GROUP_CHAT = "group_chat"
    LIVE_STREAMING = "live_streaming"
    SHORT_VIDEO = "short_video"
    PUBLIC_ACCOUNTS = "public_accounts"
    RECOMMENDATION_FEED = "recommendation_feed"
    TRENDING_LISTS = "trending_lists"
    NEWS = "news"
    WORKER_DISPATCH = "worker_dispatch"
    CONSUMER_PRICING = "consumer_pricing"


class Provider(_Section):
    """The business that offers the service."""

    name: str = Field(min_length=1)
    """Legal name of the business (Chinese, as registered)."""
    uscc: str | None = None
    """Unified social credit code (统一社会信用代码), 18 characters, GB 32100 check character."""
    offshore: bool = False
    """Established outside the PRC while processing PRC residents' personal information."""

    @field_validator("uscc", mode="before")
    @classmethod
    def _check_uscc(cls, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # YAML reads an all-digit code as a number
        if not isinstance(value, str):
            raise ValueError(f"USCC must be text, not {value!r}")
        from stdnum.cn import uscc
        from stdnum.exceptions import InvalidChecksum, ValidationError

        code = value.strip().upper()
        try:
            return str(uscc.validate(code))
        except InvalidChecksum:
            expected = uscc.calc_check_digit(code[:-1])
            raise ValueError(
                f"USCC {value!r} fails its GB 32100 check: the 18th character should be "
                f"{expected!r}, not {code[-1]!r}; copy the code from the business licence"
            ) from None
        except ValidationError as exc:
            raise ValueError(
                f"USCC {value!r} is not a unified social credit code ({exc}); it has 18 "
                "characters: 8 digits, then digits and capital letters except I, O, S, V and Z"
            ) from None


class Users(_Section):
    """Who uses the service."""

    registered: bool = False
    """Users register accounts (GAI Art. 9 service agreement; real-name rules)."""
    serves_minors: bool = False
    """Minors use or may use the service (ALG Art. 18; GAI Art. 10; MIN)."""
    serves_elderly: bool = False
    """The service targets or is widely used by elderly people (ALG Art. 19)."""


class Service(_Section):
    """The service being scoped."""

    name: str | None = None
    public_in_prc: bool
    """Offered to the public within mainland China (境内公众; GAI Art. 2)."""
    research_only: bool = False
    """Only research and development, not offered to the public (GAI Art. 2 ¶3)."""
    roles: tuple[ProfileRole, ...] = (ProfileRole.PROVIDER,)
    genai: bool
    """Uses models that generate text, images, audio, video or similar content (GAI Art. 22)."""
    modalities: tuple[Modality, ...] = ()
    """Kinds of content the service generates."""
    model_source: ModelSource | None = None
    """Where the generative model comes from; required when ``genai`` is true."""
    algorithm_types: tuple[AlgorithmType, ...] = ()
    """ALG Art. 2 algorithm types used; generation/synthesis is implied by ``genai``."""
    features: tuple[Feature, ...] = ()
    export_download: bool = False
    """Users can download, copy or export generated content (LBL Art. 4 ¶2)."""
    users: Users = Users()
    critical_information_infrastructure: bool = False
    """The operator has been identified as a CII operator (CSL; XB Art. 7)."""
    mlps_level: Literal[0, 1, 2, 3, 4, 5] = 0
    """MLPS (等级保护) level of the service's main system; 0 when not yet graded."""


class PersonalInformation(_Section):
    """Processing of personal information (PIPL)."""

    processes: bool = False
    sensitive: bool = False
    """Sensitive PI: biometrics, religion, identity, health, finance, location (Art. 28)."""
    under_14: bool = False
    """PI of minors under 14 (sensitive under PIPL Art. 28; guardian consent, Art. 31)."""
    individuals: int = Field(default=0, ge=0)
    """Number of individuals whose PI is processed."""
    face_individuals: int = Field(default=0, ge=0)
    """Number of people whose face information the service stores for face recognition
    (the filing threshold of the Face Recognition Measures is 100,000)."""
    automated_decisions: bool = False
    """Automated decision-making using PI (PIPL Art. 24)."""


class CrossBorder(_Section):
    """Export of data out of mainland China, counted from 1 January this year (XB)."""

    nonsensitive_individuals_ytd: int = Field(default=0, ge=0)
    """Individuals whose non-sensitive PI was exported this calendar year."""
    sensitive_individuals_ytd: int = Field(default=0, ge=0)
    """Individuals whose sensitive PI was exported this calendar year."""
    important_data: bool = False
    """Important data (as notified or published by the authorities) is exported."""


class Training(_Section):
    """Training data practices."""

    uses_user_inputs: bool = False
    """User inputs are used as training data (GB/T 45654 7 c): opt-out within 4 clicks)."""


class Data(_Section):
    """What data the service handles."""

    personal_information: PersonalInformation = PersonalInformation()
    cross_border: CrossBorder = CrossBorder()
    important_data: bool = False
    """The business holds important data (DSL Art. 21; NDSR)."""
    training: Training = Training()


class Overrides(_Section):
    """Derived facts set explicitly; each replaces the documented derivation rule."""

    poa: bool | None = None
    """Public-opinion attribute or social-mobilization capacity (SA Art. 2)."""
    deep_synthesis: bool | None = None
    """Deep-synthesis technology (DS Art. 23)."""
    algo_rec: bool | None = None
    """Applies algorithm recommendation technology (ALG Art. 2)."""
    confusable_output: bool | None = None
    """Output may cause public confusion or misidentification (DS Art. 17 ¶1)."""
    ethics_sensitive_ai_rnd: bool | None = None
    """AI R&D touching ethically sensitive areas (ETH Art. 4)."""
    significant_impact: bool | None = None
    """Automated decisions with a significant impact on individuals (PIPL Art. 24 ¶3)."""
    ethics_recheck_activity: bool | None = None
    """R&D on the S&T ethics expert re-review list (ETH Art. 25 and annex)."""
    large_platform: bool | None = None
    """Important internet platform with a huge user base and complex business (PIPL Art. 58)."""


class ServiceProfile(_Section):
    """A service profile, ``hegui.yaml``."""

    schema_version: Literal[1]
    """Version of this file format."""
    provider: Provider
    service: Service
    data: Data = Data()
    overrides: Overrides = Overrides()

    @field_validator("service")
    @classmethod
    def _genai_needs_model_source(cls, service: Service) -> Service:
        if service.genai and service.model_source is None:
            raise ValueError(
                "service.genai is true but service.model_source is not set; add "
                "model_source: one of " + ", ".join(m.value for m in ModelSource)
            )
        return service


def load_profile(path: Path) -> ServiceProfile:
    """Read and validate a profile file.

    Raises:
        ConfigError: with file, line and field for every problem found.
    """
    return parse_profile(load_yaml(path))


def parse_profile(doc: YamlDocument) -> ServiceProfile:
    """Validate a parsed YAML document as a profile."""
    return validate_document(doc, ServiceProfile)
