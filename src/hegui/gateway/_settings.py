"""``gateway.yaml``: the gateway's settings, a versioned document in the workspace.

```yaml
schema_version: 1
listen: {host: 127.0.0.1, port: 8000}
upstreams:                         # a request's `model` picks the upstream
  - name: qwen
    base_url: http://127.0.0.1:8001/v1
    models: [qwen3-8b]
    api_key_env: QWEN_API_KEY      # optional: the variable holding the upstream's key
store: {url: null}                 # null: the workspace's SQLite file (store/hegui.db)
screening: {lexicon: null, policy: null, input: {messages: all}, reload_interval: 5s}
labeling: {producer: 001191440300708461136T1XGW3, text: {explicit: end}}
retention: {input: masked, output: masked, keep: 6mo}
complaints: {time_limit: 15d}      # absent: no complaint channel
users: {require_id: false, rule: {warn_after: 3, suspend_after: 5, window: 1d, suspend_for: 1d}}
limits: {max_body_bytes: 1048576, requests_per_minute: 600}
fail: {audit: closed, screening: closed, users: closed, labeling: closed}
```
"""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)

__all__ = [
    "FailMode",
    "GatewaySettings",
    "KeepForm",
    "RefusalStyle",
    "TextLabelPlace",
    "UpstreamSettings",
    "load_settings",
]

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(mo|s|m|h|d|w)\s*$")


def _duration(value: object) -> object:
    """``5s``, ``30m``, ``12h``, ``7d``, ``2w`` or a number of seconds → timedelta."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return dt.timedelta(seconds=value)
    if isinstance(value, str):
        m = _DURATION.match(value)
        if m and m.group(2) != "mo":
            return dt.timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2)])
    raise ValueError(
        f"{value!r} is not a duration; write a number and a unit: 30s, 10m, 12h, 7d, 2w"
    )


Duration = Annotated[
    dt.timedelta,
    BeforeValidator(_duration),
    PlainSerializer(lambda d: f"{int(d.total_seconds())}s", return_type=str),
]


def _months(value: object) -> object:
    """``6mo``, ``1y`` or a number of months → int months."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        m = re.match(r"^\s*(\d+)\s*(mo|y)\s*$", value)
        if m:
            return int(m.group(1)) * (12 if m.group(2) == "y" else 1)
    raise ValueError(f"{value!r} is not a period in months; write 6mo, 18mo or 1y")


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Listen(_Section):
    """Where the gateway accepts connections."""

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)


class Timeouts(_Section):
    """Upstream time limits."""

    connect: Duration = dt.timedelta(seconds=5)
    read: Duration = dt.timedelta(seconds=60)
    """Longest wait for the next bytes of a response (a stream's next token)."""
    total: Duration = dt.timedelta(seconds=600)
    """Longest a whole upstream exchange may take, stream included."""


class UpstreamSettings(_Section):
    """One OpenAI-compatible endpoint (vLLM, SGLang, Ollama, a cloud API)."""

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    base_url: str = Field(pattern=r"^https?://[^\s@/?#]+(/[^\s?#]*)?$")
    """Up to and including ``/v1``; no credentials or query string in it."""
    models: tuple[str, ...] = Field(min_length=1)
    api_key_env: str | None = Field(default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    timeout: Timeouts = Timeouts()
    retries: int = Field(default=2, ge=0, le=10)
    """Further attempts after a connection failure or a 429/502/503/504, before any byte of the
    response went to the client."""
    max_connections: int = Field(default=256, ge=1)


class StoreSettings(_Section):
    """Where the audit log and the rest of the store live."""

    url: str | None = None
    """SQLAlchemy URL; ``None``: the workspace's SQLite file."""
    durability: Literal["full", "normal"] = "full"
    """SQLite only: ``full`` survives a power cut, ``normal`` only a killed process."""


class InputScope(StrEnum):
    """Which messages of a chat request are screened as input."""

    ALL = "all"
    """Every message's text, whatever its role (the whole request is input)."""
    LAST = "last"
    """The last user message only (clients resend the history; it was screened before)."""


class RefusalStyle(StrEnum):
    """How a refused input is answered."""

    MESSAGE = "message"
    """A normal completion whose text is the policy's message, finish_reason content_filter."""
    ERROR = "error"
    """HTTP 400 with OpenAI's error shape, code ``content_filter``."""


class InputScreening(_Section):
    """Screening of requests before the upstream sees them."""

    enabled: bool = True
    messages: InputScope = InputScope.ALL
    refusal: RefusalStyle = RefusalStyle.MESSAGE


class OutputScreening(_Section):
    """Screening of answers, streamed or not."""

    enabled: bool = True


class Screening(_Section):
    """The Screener the gateway runs (lexicon and policy from the workspace by default)."""

    lexicon: Path | None = None
    """A lexicon file (relative to the workspace); ``None``: the workspace's, else the starter."""
    policy: Path | None = None
    """A policy file; ``None``: the workspace's ``policy.yaml``, else hegui's default."""
    input: InputScreening = InputScreening()
    output: OutputScreening = OutputScreening()
    reload_interval: Duration = dt.timedelta(seconds=5)
    """How often the lexicon and policy files are checked for changes (0: never)."""


class TextLabelPlace(StrEnum):
    """Where the explicit text label goes (Measures Art. 4 (一): start, end or middle)."""

    NONE = "none"
    START = "start"
    END = "end"
    BOTH = "both"


class TextLabels(_Section):
    """Explicit labels on generated text."""

    explicit: TextLabelPlace = TextLabelPlace.NONE
    wording: str = "本内容由人工智能生成"


class ImageLabels(_Section):
    """Labels on generated images (implicit metadata always; explicit when asked)."""

    explicit: bool = True


class Labeling(_Section):
    """GB 45438 labels on what leaves the gateway."""

    producer: str | None = None
    """Provider code (27 characters, TC260 coding guide); required for implicit labels."""
    implicit: bool = True
    """The seven GB 45438 fields as a response header and JSON field, and in image metadata."""
    text: TextLabels = TextLabels()
    images: ImageLabels = ImageLabels()


class KeepForm(StrEnum):
    """How a request's text is kept in its audit record."""

    MASKED = "masked"
    """With personal information masked (the default: PIPL minimisation)."""
    FULL = "full"
    HASH = "hash"
    """Only its SHA-256."""
    NONE = "none"


class Retention(_Section):
    """What the audit log keeps, and for how long."""

    input: KeepForm = KeepForm.MASKED
    output: KeepForm = KeepForm.MASKED
    keep_months: Annotated[int, BeforeValidator(_months)] = Field(default=6, alias="keep")
    """Declared retention of audit records (CSL Art. 21 (3): at least six months)."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Complaints(_Section):
    """The complaint channel (GAI Art. 15)."""

    time_limit: Duration
    """The feedback time limit you publish (the law sets none; choose and publish yours)."""
    categories: tuple[str, ...] = ("illegal_content", "personal_information", "other")


class UserRuleSettings(_Section):
    """N refused inputs within a window → warn; M → suspend (GB/T 45654 §7 e), GAI Art. 14)."""

    window: Duration = dt.timedelta(days=1)
    warn_after: int | None = Field(default=3, ge=1)
    suspend_after: int | None = Field(default=5, ge=1)
    suspend_for: Duration = dt.timedelta(days=1)

    @model_validator(mode="after")
    def _order(self) -> UserRuleSettings:
        if (
            self.warn_after is not None
            and self.suspend_after is not None
            and self.warn_after >= self.suspend_after
        ):
            raise ValueError("warn_after must be below suspend_after (a warning comes first)")
        return self


class Users(_Section):
    """Who is asking, and the rule for users who keep asking for refused content."""

    require_id: bool = False
    """Refuse requests without a user id (header or the OpenAI ``user`` field)."""
    header: str = "X-Hegui-User"
    rule: UserRuleSettings | None = UserRuleSettings()
    refresh_interval: Duration = dt.timedelta(seconds=2)
    """How soon a suspension or lift made elsewhere (another worker, the CLI) takes effect."""


class Limits(_Section):
    """Request size and rate limits."""

    max_body_bytes: int = Field(default=1 << 20, ge=1024)
    requests_per_minute: int = Field(default=600, ge=1)
    """Per API key unless the key sets its own (``hegui keys create --rate``)."""
    max_response_bytes: int = Field(default=8 << 20, ge=1024)
    """Largest upstream response read (a stream's whole body included)."""


class Auth(_Section):
    """Who may call the gateway."""

    required: bool = True
    """Require an API key (``hegui keys create``); off only for a gateway on loopback."""


class FailMode(StrEnum):
    """What a duty does when what it needs (the store, a classifier) is down."""

    CLOSED = "closed"
    """Refuse to serve, and say why (the default: no unlogged, unscreened traffic)."""
    OPEN = "open"
    """Serve anyway, and record the failure wherever possible."""


class FailModes(_Section):
    """Fail-closed or open, per duty."""

    audit: FailMode = FailMode.CLOSED
    screening: FailMode = FailMode.CLOSED
    users: FailMode = FailMode.CLOSED
    labeling: FailMode = FailMode.CLOSED


class GatewaySettings(_Section):
    """The whole of ``gateway.yaml``."""

    schema_version: Literal[1] = 1
    listen: Listen = Listen()
    upstreams: tuple[UpstreamSettings, ...] = Field(min_length=1)
    store: StoreSettings = StoreSettings()
    screening: Screening = Screening()
    labeling: Labeling = Labeling()
    retention: Retention = Retention()
    complaints: Complaints | None = None
    users: Users = Users()
    limits: Limits = Limits()
    auth: Auth = Auth()
    fail: FailModes = FailModes()

    @field_validator("upstreams")
    @classmethod
    def _unique(cls, value: tuple[UpstreamSettings, ...]) -> tuple[UpstreamSettings, ...]:
        names: set[str] = set()
        models: dict[str, str] = {}
        for up in value:
            if up.name in names:
                raise ValueError(f"two upstreams are named {up.name!r}")
            names.add(up.name)
            for model in up.models:
                if model in models:
                    raise ValueError(
                        f"model {model!r} is served by both {models[model]!r} and {up.name!r}; "
                        "a model name must pick one upstream"
                    )
                models[model] = up.name
        return value

    @model_validator(mode="after")
    def _labels_need_a_producer(self) -> GatewaySettings:
        if self.labeling.implicit and self.labeling.producer is None:
            raise ValueError(
                "labeling.producer is missing: implicit labels (GB 45438, Labeling Measures "
                "Art. 5) carry the provider code; set it, or set labeling.implicit: false"
            )
        return self

    def upstream_for(self, model: str) -> UpstreamSettings | None:
        """The upstream serving ``model``."""
        for up in self.upstreams:
            if model in up.models:
                return up
        return None


def load_settings(path: Path) -> GatewaySettings:
    """Read and validate ``gateway.yaml``.

    Raises:
        ConfigError: missing, not YAML, or invalid; each problem names its line and field.
    """
    from hegui._yaml import load_yaml, validate_document
    from hegui.errors import ConfigError, ConfigIssue
    from hegui.gateway._labels import check_labeling

    doc = load_yaml(path)
    settings = validate_document(doc, GatewaySettings)
    problems = check_labeling(settings.labeling)
    if problems:
        issues = [
            ConfigIssue(problem, line=doc.line_of(field.split(".")), field=field, fix=fix)
            for field, problem, fix in problems
        ]
        raise ConfigError(issues, path=path)
    return settings
