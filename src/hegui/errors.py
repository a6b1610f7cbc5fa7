"""Every exception hegui raises, in one tree.

```
HeguiError                      any fault in hegui; ``exit_code`` for the CLI (4: a bug)
├── InputError                  a file or value the user gave is wrong (exit code 2)
│   ├── ConfigError             a YAML/JSON/CSV document failed to parse or validate;
│   │                           carries one ``ConfigIssue`` (file, line, field, fix) per problem
│   ├── UnknownIdError          an id that is not in the knowledge base (or a registry)
│   ├── UnsupportedFormatError  a file whose format hegui cannot handle (or a wrong extension)
│   ├── CorruptFileError        a file that is truncated or malformed where hegui must parse it
│   └── LabelConflictError      a file already carries a label that the write would contradict
├── KnowledgeBaseError          the shipped knowledge base is inconsistent (a bug in hegui; 4)
├── MissingDependencyError      a feature needs an optional extra that is not installed (3)
├── MissingToolError            a feature needs a program (ffmpeg) that is not installed (3)
├── HostError                   the machine refused: disk full, permission denied, read-only (3)
│   └── StoreError              the store (database) is unreachable, or its schema is not the
│                               one this hegui writes (older: run ``hegui store upgrade``; newer)
└── UpstreamError               a model endpoint or other service the user pointed us at failed (3)
    └── GuardParseError         a guard/judge model answered in a form hegui cannot parse
```

Exit codes of the ``hegui`` command (:class:`ExitCode`): 0 ok; 1 the check found something (a
refused text, a failed threshold, a missing label with ``--strict``); 2 bad input; 3 the
environment (network, disk, permission, a missing program or extra); 4 internal error (a bug).

Policy outcomes are values, not exceptions: a blocked prompt is a ``Verdict``, a failed
threshold is a ``fail`` result in ``Evidence``. Exceptions are for faults only.

A message says what failed, the offending value, and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path

__all__ = [
    "ConfigError",
    "ConfigIssue",
    "CorruptFileError",
    "ExitCode",
    "GuardParseError",
    "HeguiError",
    "HostError",
    "InputError",
    "KnowledgeBaseError",
    "LabelConflictError",
    "MissingDependencyError",
    "MissingToolError",
    "StoreError",
    "UnknownIdError",
    "UnsupportedFormatError",
    "UpstreamError",
]


class ExitCode(IntEnum):
    """Exit codes of the ``hegui`` command, the same for every command (README has the table)."""

    OK = 0
    FOUND = 1
    """The check ran and found something: refuse/block, a failed threshold, gaps."""
    BAD_INPUT = 2
    """A file, option or value the user gave is wrong; the message says which and the fix."""
    ENVIRONMENT = 3
    """Network, disk, permission, a missing program or extra: not the input's fault."""
    INTERNAL = 4
    """A bug in hegui."""


class HeguiError(Exception):
    """Base class of every hegui exception."""

    exit_code: int = ExitCode.INTERNAL


class InputError(HeguiError):
    """Something the user supplied (a file, an option, an id) is invalid."""

    exit_code = ExitCode.BAD_INPUT


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in a user document."""

    problem: str
    """What is wrong, naming the offending value."""
    line: int | None = None
    """1-based line in the file, when known."""
    field: str | None = None
    """Dotted path of the field, e.g. ``service.modalities[1]``."""
    fix: str | None = None
    """How to fix it."""

    def render(self, path: Path | None) -> str:
        """Format as ``file:line: field: problem`` plus an indented fix line."""
        where = ""
        if path is not None:
            where = str(path) + (f":{self.line}" if self.line is not None else "") + ": "
        elif self.line is not None:
            where = f"line {self.line}: "
        what = f"{self.field}: " if self.field else ""
        text = f"{where}{what}{self.problem}"
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


class ConfigError(InputError):
    """A user document failed to parse or validate.

    Attributes:
        path: The file, if the document came from one.
        issues: Every problem found, each with its line and field when known.
    """

    def __init__(
        self,
        problem: str | list[ConfigIssue],
        *,
        path: Path | str | None = None,
        line: int | None = None,
        field: str | None = None,
        fix: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        if isinstance(problem, str):
            self.issues = [ConfigIssue(problem, line=line, field=field, fix=fix)]
        else:
            self.issues = list(problem)
        super().__init__("\n".join(issue.render(self.path) for issue in self.issues))

    @property
    def line(self) -> int | None:
        """Line of the first issue."""
        return self.issues[0].line if self.issues else None

    @property
    def field(self) -> str | None:
        """Field of the first issue."""
        return self.issues[0].field if self.issues else None


class UnknownIdError(InputError):
    """An id the user gave is not known; the message lists close matches."""

    def __init__(self, kind: str, value: str, candidates: list[str]) -> None:
        import difflib

        self.kind = kind
        self.value = value
        close = difflib.get_close_matches(value, candidates, n=5, cutoff=0.5)
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        super().__init__(f"unknown {kind} {value!r}.{hint}")


class UnsupportedFormatError(InputError):
    """A file's format (by its magic bytes) is not one hegui handles, or its extension lies."""


class CorruptFileError(InputError):
    """A file is truncated or malformed at a place hegui must parse; names the byte offset."""


class LabelConflictError(InputError):
    """A file already carries a label (GB 45438) that writing would contradict or duplicate."""


class KnowledgeBaseError(HeguiError):
    """The knowledge base shipped with hegui is inconsistent; this is a bug in hegui."""


class HostError(HeguiError):
    """The machine refused an operation: disk full, permission denied, read-only filesystem."""

    exit_code = ExitCode.ENVIRONMENT


class StoreError(HostError):
    """The store's database cannot be reached, or holds a schema this hegui does not write.

    A database written by a newer hegui is refused rather than touched; an older one is
    upgraded only by ``hegui store upgrade``.
    """


class MissingDependencyError(HeguiError):
    """A feature needs an optional dependency; the message names the extra to install."""

    exit_code = ExitCode.ENVIRONMENT

    def __init__(self, feature: str, module: str, extra: str) -> None:
        self.feature = feature
        self.module = module
        self.extra = extra
        super().__init__(
            f"{feature} needs the Python package {module!r}, which is not installed.\n"
            f"  fix: pip install 'hegui[{extra}]'"
        )


class MissingToolError(HeguiError):
    """A feature needs an external program; the message names the package that provides it."""

    exit_code = ExitCode.ENVIRONMENT

    def __init__(self, feature: str, program: str, package: str) -> None:
        self.feature = feature
        self.program = program
        super().__init__(
            f"{feature} needs the program {program!r}, which is not on PATH.\n"
            f"  fix: install it (Debian/Ubuntu: apt-get install {package})"
        )


class UpstreamError(HeguiError):
    """A service the user pointed hegui at (a model endpoint, say) failed or misbehaved."""

    exit_code = ExitCode.ENVIRONMENT


class GuardParseError(UpstreamError):
    """A guard or judge model answered, but not in a form hegui can read."""
