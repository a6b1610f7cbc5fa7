"""The gateway's use of ``hegui.safety``: one Screener, reloaded atomically, and PII masking.

Everything the gateway asks of the safety engine goes through this module, so a change of the
engine's API (process-safe Screeners, workspace-built ones) touches one file.

Reload builds a whole new Screener (lexicon and policy together) off the event loop, then swaps
one reference: a request in flight keeps the snapshot it started with, a failed load keeps the
old one serving and is reported (``/healthz``, logs, metrics) until a load succeeds.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import HeguiError
from hegui.safety import (
    Action,
    Direction,
    Finding,
    MaskOperatorName,
    Screener,
    StreamScreener,
    Verdict,
    apply_mask,
    load_lexicon,
    load_policy,
)

__all__ = ["Action", "Direction", "Finding", "ReloadState", "Screening", "Snapshot", "Verdict"]

_log = logging.getLogger("hegui.gateway")


def _stamp(path: Path | None) -> tuple[str, int, int] | None:
    if path is None:
        return None
    try:
        st = path.stat()
    except OSError:
        return (str(path), -1, -1)
    return (str(path), st.st_mtime_ns, st.st_size)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A Screener and what it was built from."""

    screener: Screener
    lexicon_version: str
    policy_version: str
    stamps: tuple[tuple[str, int, int] | None, ...]
    loaded_at: dt.datetime

    def screen(self, texts: Sequence[str], direction: Direction) -> list[Verdict]:
        """Screen ``texts`` (one pass of the lexicon over all of them)."""
        if len(texts) == 1:
            return [self.screener.screen(texts[0], direction)]
        return self.screener.screen_batch(list(texts), direction)

    def stream(self, direction: Direction = Direction.OUTPUT) -> StreamScreener:
        """A stream screener on this snapshot."""
        return StreamScreener(self.screener, direction)

    @property
    def slow(self) -> bool:
        """Whether screening may block (classifiers call models): run it off the event loop."""
        return bool(self.screener.classifiers)

    def mask_pii(self, text: str, findings: Sequence[Finding] | None = None) -> str:
        """``text`` with personal information replaced by its kind (``[pii.cn_mobile]``).

        ``findings``: the PII findings already known for exactly this text; else the
        recognizers run now.
        """
        if findings is None:
            found: list[Finding] = []
            for rec in self.screener.recognizers:
                found.extend(rec.analyze(text))
        else:
            found = list(findings)
        pii = [f for f in found if f.risk.startswith("pii.")]
        return apply_mask(text, pii, MaskOperatorName.REDACT) if pii else text


@dataclass(frozen=True, slots=True)
class ReloadState:
    """The outcome of the last reload attempt."""

    ok: bool
    at: dt.datetime
    error: str | None = None


class Screening:
    """The current snapshot, and reloads of the lexicon and policy files.

    Args:
        lexicon: A lexicon file, or ``None`` for the starter lexicon.
        policy: A policy file, or ``None`` for hegui's default policy.
    """

    def __init__(self, lexicon: Path | None, policy: Path | None) -> None:
        self.lexicon_path = lexicon
        self.policy_path = policy
        self._lock = threading.Lock()
        self.current = self._load()
        self.state = ReloadState(True, self.current.loaded_at)
        self._attempted = self.current.stamps

    def _load(self) -> Snapshot:
        stamps = (_stamp(self.lexicon_path), _stamp(self.policy_path))
        lexicon = load_lexicon(self.lexicon_path) if self.lexicon_path else None
        policy = load_policy(self.policy_path) if self.policy_path else None
        screener = Screener(lexicon, policy)
        return Snapshot(
            screener,
            screener.lexicon.version,
            screener.policy.version,
            stamps,
            dt.datetime.now(dt.UTC),
        )

    def changed(self) -> bool:
        """Whether a source file changed since the last load attempt.

        A failed load is not retried until the files change again.
        """
        now = (_stamp(self.lexicon_path), _stamp(self.policy_path))
        return now != self._attempted

    def reload(self) -> ReloadState:
        """Build a new snapshot from the files and swap it in; on failure keep the old one.

        Blocking (it compiles the lexicon): call it from a thread in the server.
        """
        with self._lock:
            self._attempted = (_stamp(self.lexicon_path), _stamp(self.policy_path))
            try:
                snapshot = self._load()
            except (HeguiError, OSError) as exc:
                self.state = ReloadState(False, dt.datetime.now(dt.UTC), str(exc))
                _log.error(
                    "reload failed; still serving the previous lexicon and policy",
                    extra={
                        "error": str(exc).splitlines()[0][:300],
                        "lexicon_version": self.current.lexicon_version,
                        "policy_version": self.current.policy_version,
                    },
                )
                return self.state
            self.current = snapshot
            self.state = ReloadState(True, snapshot.loaded_at)
            _log.info(
                "reloaded lexicon and policy",
                extra={
                    "lexicon_version": snapshot.lexicon_version,
                    "policy_version": snapshot.policy_version,
                },
            )
            return self.state
