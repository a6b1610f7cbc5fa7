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
from hegui.errors import ConfigError, InputError
from hegui.evals._models import BankItem, Judgement, Kind
from hegui.evidence import InputDigest

__all__ = [
    "AnswerRecord",
    "ErrorRecord",
    "JudgementRecord",
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


class RunHeader(_Record):
    """First line of a run file."""

    type: Literal["run"] = "run"
    schema_version: Literal[1] = 1
    created_at: dt.datetime = Field(default_factory=_now)
    tool_version: str = __version__
    kb_version: str
    bank: tuple[InputDigest, ...]
    target: dict[str, JsonValue]
    judges: tuple[str, ...]
    sampling: Sampling
    items: tuple[BankItem, ...]


class AnswerRecord(_Record):
    """The model answered."""

    type: Literal["answer"] = "answer"
    item_id: str
    text: str
    finish_reason: str | None = None
    refusal: str | None = None
    model: str | None = None
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
        """Start a new run file; refuses to overwrite an existing one."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = path.open("xb")
        except FileExistsError as exc:
            raise InputError(f"{path} already exists") from exc
        line = header.model_dump_json().encode() + b"\n"
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
        return cls(RunState(path=path, header=header, size=len(line)), handle)

    @classmethod
    def resume(cls, path: Path) -> RunLog:
        """Reopen a run file for appending; a torn last line is kept in ``<run>.torn``."""
        state = read_run(path)
        if state.torn:
            side = path.with_name(path.name + ".torn")
            with side.open("ab") as f:
                f.write(state.torn + b"\n")
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
