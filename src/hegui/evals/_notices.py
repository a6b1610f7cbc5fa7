"""What a run tells its caller while it works: progress and notices, through a protocol.

The package never prints. The CLI draws a rich bar on stderr and prints notices; the gateway or a
web console can collect them as data (``NoticeLog``). A notice is a code (stable, for programs),
a level and an English message with its facts in ``data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from pydantic import JsonValue

__all__ = ["Notice", "NoticeCode", "NoticeLevel", "NoticeLog", "RunEvents"]


class NoticeLevel(StrEnum):
    """How much a notice matters."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class NoticeCode(StrEnum):
    """Every kind of notice a run sends."""

    RESUMING = "resuming"
    """An existing run file is continued."""
    SAMPLE_BELOW_STANDARD = "sample_below_standard"
    STARTER_LEXICON = "starter_lexicon"
    """The keyword judge uses hegui's starter lexicon (universal harms only)."""
    ROWS_LEFT_OUT = "rows_left_out"
    """Bank rows whose category maps to no risk or aspect were not imported."""
    PROBE_OK = "probe_ok"
    ITEM_FAILED = "item_failed"
    """A question has no answer after its retries (the reason is in ``message``)."""
    PROVIDER_FILTER = "provider_filter"
    """The provider's content filter answered: counted as a refusal."""
    JUDGE_UNPARSEABLE = "judge_unparseable"
    """A judge replied in a form hegui cannot read; the item goes to the review queue."""
    JUDGE_FAILED = "judge_failed"
    BREAKER_OPEN = "breaker_open"
    """Too many consecutive failures: asking pauses."""
    BREAKER_CLOSED = "breaker_closed"
    STOPPED = "stopped"
    """The run stopped early; everything so far is recorded and a rerun resumes."""


@dataclass(frozen=True, slots=True)
class Notice:
    """One thing a run wants its caller to know."""

    code: NoticeCode
    level: NoticeLevel
    message: str
    data: dict[str, JsonValue] = field(default_factory=dict)


class RunEvents(Protocol):
    """Receives progress and notices; the CLI draws a bar and prints, a server records."""

    def start(self, total: int, done: int) -> None:
        """``total`` questions, of which ``done`` were answered before."""
        ...

    def advance(self, ok: bool) -> None:
        """One question finished (answered, or failed after retries)."""
        ...

    def notice(self, notice: Notice) -> None:
        """Something the caller should show or keep."""
        ...


@dataclass
class NoticeLog:
    """A ``RunEvents`` that keeps everything as data (for servers, consoles and tests)."""

    total: int = 0
    done: int = 0
    answered: int = 0
    failed: int = 0
    notices: list[Notice] = field(default_factory=list)

    def start(self, total: int, done: int) -> None:
        """Record the size of the run."""
        self.total, self.done = total, done

    def advance(self, ok: bool) -> None:
        """Count one finished question."""
        self.done += 1
        if ok:
            self.answered += 1
        else:
            self.failed += 1

    def notice(self, notice: Notice) -> None:
        """Keep the notice."""
        self.notices.append(notice)

    def codes(self) -> list[NoticeCode]:
        """The codes of the notices received, in order."""
        return [n.code for n in self.notices]
