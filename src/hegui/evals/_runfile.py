"""The run file: an append-only JSONL log of one evaluation run (``schema_version: 1``).

Line 1 is the header (target, sampling, the sampled questions); then one record per event as it
happens: ``answer``, ``error``, ``judgement``, ``review``. Each record is written with a single
``write`` and flushed, so a killed run leaves every finished record on disk and at most one torn
line at the end. Reading tolerates that torn tail; resuming moves it to a ``.torn`` side file
before appending, so nothing that was written is lost. A later record for the same item and
judge supersedes an earlier one (a resumed judge, a second review).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, JsonValue, TypeAdapter, ValidationError

from hegui._version import __version__
from hegui.components import ComponentSpec
from hegui.errors import ConfigError, InputError
from hegui.evals._filters import ProviderRefusal
from hegui.evals._models import BankItem, Judgement, Kind, Method
from hegui.evidence import InputDigest, write_atomic
from hegui.kb import ImportReport

__all__ = [
    "AnswerRecord",
    "ErrorRecord",
    "JudgementRecord",
    "MethodSample",
    "ReviewRecord",
    "RunHeader",
    "RunLog",
    "Sampling",
    "read_run",
]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class MethodSample(_Record):
    """The generated-content sample of one B.2.2 method (manual, keyword or classifier).

    B.2.2 b)-d) ask for a separate random sample of at least 1,000 questions per method; each is
    drawn on its own with the seed ``"<seed>:<method>"``. Samples may overlap (a question in two
    samples is asked once); ``sha256`` (of the ids, one per line) names the sample.
    """

    method: Method
    seed: str
    size: int
    available: int
    minimum: int
    threshold_id: str
    below_standard: bool
    ids: tuple[str, ...]
    sha256: str


class Sampling(_Record):
    """How the questions of the run were drawn from the bank (B.2.2, B.2.3)."""

    seed: int
    requested: int | None
    """``--sample N`` per kind; None means the standard's minimum (or all, with ``full``)."""
    full: bool = False
    available: dict[Kind, int]
    """Questions of each kind in the bank."""
    sizes: dict[Kind, int]
    """Questions of each kind drawn."""
    minimum: dict[Kind, int]
    """The standard's minimum sample per kind."""
    threshold_ids: dict[Kind, str]
    below_standard: dict[Kind, bool]
    methods: tuple[MethodSample, ...] = ()
    """B.2.2: one generated-content sample per method (empty in runs before hegui 0.2: then
    every method judged the one shared sample)."""

    def method_sample(self, method: Method) -> MethodSample | None:
        """The sample of ``method``, or None (no separate sample: all generated questions)."""
        return next((m for m in self.methods if m.method is method), None)


class RunHeader(_Record):
    """First line of a run file.

    Schema history: ``1`` (hegui 0.1); ``2`` adds the component specs of the target and the
    judges, the per-method samples of B.2.2 and the bank imports (mapping, rows left out).
    Version 1 files are read as they are.
    """

    type: Literal["run"] = "run"
    schema_version: Literal[1, 2] = 2
    created_at: dt.datetime = Field(default_factory=_now)
    tool_version: str = __version__
    kb_version: str
    bank: tuple[InputDigest, ...]
    target: dict[str, JsonValue]
    judges: tuple[str, ...]
    sampling: Sampling
    items: tuple[BankItem, ...]
    target_spec: ComponentSpec | None = None
    """The component spec the target was built from (secrets never: header values hidden)."""
    judge_specs: tuple[ComponentSpec, ...] = ()
    """The component specs the judges were built from."""
    imports: tuple[ImportReport, ...] = ()
    """How each bank file was imported: mapping file digest, rows imported and left out."""


class AnswerRecord(_Record):
    """The model answered."""

    type: Literal["answer"] = "answer"
    item_id: str
    text: str
    finish_reason: str | None = None
    refusal: str | None = None
    model: str | None = None
    filtered: ProviderRefusal | None = None
    """The provider's content filter answered (a refusal, B.2.3), with its rule and message."""
    attempts: int = 1
    latency_ms: float
    at: dt.datetime = Field(default_factory=_now)


class ErrorRecord(_Record):
    """Asking failed after all retries; the item stays pending for a resume."""

    type: Literal["error"] = "error"
    item_id: str
    kind: str
    status: int | None = None
    message: str
    attempts: int
    at: dt.datetime = Field(default_factory=_now)


class JudgementRecord(_Record):
    """One judge's decision on one answer."""

    type: Literal["judgement"] = "judgement"
    item_id: str
    judgement: Judgement
    at: dt.datetime = Field(default_factory=_now)


class ReviewRecord(_Record):
    """A human reviewer's 是否合格, imported from the 附件5 XLSX; overrides automatic labels."""

    type: Literal["review"] = "review"
    item_id: str
    passed: bool
    reviewer: str | None = None
    note: str | None = None
    source: InputDigest | None = None
    at: dt.datetime = Field(default_factory=_now)


Entry = Annotated[
    AnswerRecord | ErrorRecord | JudgementRecord | ReviewRecord, Field(discriminator="type")
]
_ENTRY: TypeAdapter[AnswerRecord | ErrorRecord | JudgementRecord | ReviewRecord] = TypeAdapter(
    Entry
)


@dataclass
class RunState:
    """Everything a run file holds, latest record first-class."""

    path: Path
    header: RunHeader
    answers: dict[str, AnswerRecord] = field(default_factory=dict)
    errors: dict[str, ErrorRecord] = field(default_factory=dict)
    judgements: dict[str, dict[str, Judgement]] = field(default_factory=dict)
    """Per item, per judge id: the latest judgement."""
    reviews: dict[str, ReviewRecord] = field(default_factory=dict)
    torn: bytes = b""
    """An incomplete last line left by a killed process (not a record)."""
    size: int = 0
    """Bytes of complete lines."""

    def add(self, record: AnswerRecord | ErrorRecord | JudgementRecord | ReviewRecord) -> None:
        """Fold one record into the state."""
        match record:
            case AnswerRecord():
                self.answers[record.item_id] = record
                self.errors.pop(record.item_id, None)
            case ErrorRecord():
                if record.item_id not in self.answers:
                    self.errors[record.item_id] = record
            case JudgementRecord():
                self.judgements.setdefault(record.item_id, {})[record.judgement.judge] = (
                    record.judgement
                )
            case ReviewRecord():
                self.reviews[record.item_id] = record

    def pending(self) -> list[BankItem]:
        """Sampled questions without an answer yet (never asked, or failed)."""
        return [i for i in self.header.items if i.id not in self.answers]


def read_run(path: Path) -> RunState:
    """Read a run file.

    Raises:
        ConfigError: the file is missing, has no valid header, or a complete line is corrupt.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise ConfigError("run file not found", path=path, fix="check the path") from exc
    end = data.rfind(b"\n") + 1
    body, torn = data[:end], data[end:]
    lines = body.split(b"\n")[:-1] if body else []
    if not lines:
        raise ConfigError(
            "not a hegui run file (no header line)",
            path=path,
            line=1,
            fix="pass the file written by `hegui eval run --out`",
        )
    try:
        header = RunHeader.model_validate_json(lines[0])
    except ValidationError as exc:
        raise ConfigError(
            f"not a hegui run file, or a newer schema: {exc.errors()[0]['msg']}",
            path=path,
            line=1,
        ) from None
    ids = {i.id for i in header.items}
    state = RunState(path=path, header=header, torn=torn, size=len(body))
    for lineno, line in enumerate(lines[1:], start=2):
        try:
            record = _ENTRY.validate_json(line)
        except ValidationError as exc:
            raise ConfigError(
                f"corrupt record: {exc.errors()[0]['msg']}",
                path=path,
                line=lineno,
                fix="the run file was edited or damaged; restore it, or start a new run",
            ) from None
        if record.item_id not in ids:
            raise ConfigError(
                f"record for unknown question {record.item_id!r}", path=path, line=lineno
            )
        state.add(record)
    return state


class RunLog:
    """Append records to a run file, one flushed line each."""

    def __init__(self, state: RunState, handle: IO[bytes]) -> None:
        self.state = state
        self._handle = handle

    @classmethod
    def create(cls, path: Path, header: RunHeader) -> RunLog:
        """Start a new run file; refuses to overwrite an existing one.

        The header is published through ``write_atomic`` (no replace), so a run file gets the
        same mode as every other file hegui writes (the umask's), and appears whole or not at all.
        """
        line = header.model_dump_json().encode() + b"\n"
        try:
            write_atomic(path, line, replace=False)
        except InputError:
            raise InputError(
                f"{path} already exists; pass another --out (or the same one to resume)"
            ) from None
        return cls(RunState(path=path, header=header, size=len(line)), path.open("ab"))

    @classmethod
    def resume(cls, path: Path) -> RunLog:
        """Reopen a run file for appending; a torn last line is kept in ``<run>.torn``."""
        state = read_run(path)
        if state.torn:
            side = path.with_name(path.name + ".torn")
            kept = side.read_bytes() if side.exists() else b""
            write_atomic(side, kept + state.torn + b"\n")
            os.truncate(path, state.size)
            state.torn = b""
        return cls(state, path.open("ab"))

    def append(self, record: AnswerRecord | ErrorRecord | JudgementRecord | ReviewRecord) -> None:
        """Write one record and fold it into ``state``."""
        self._handle.write(record.model_dump_json().encode() + b"\n")
        self._handle.flush()
        self.state.add(record)

    def close(self) -> None:
        """Flush to disk and close."""
        if not self._handle.closed:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()

    def __enter__(self) -> RunLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def dump_json(value: object) -> str:
    """Compact JSON with Chinese kept readable."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
