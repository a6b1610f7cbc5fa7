"""The shape every built-in PII recognizer shares: a candidate regex, then validation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from hegui.safety._types import Finding, Severity
from hegui.safety.pii._windows import windows

__all__ = ["PatternRecognizer", "near"]


def near(text: str, start: int, end: int, words: tuple[str, ...], window: int = 24) -> bool:
    """Whether one of ``words`` occurs within ``window`` characters before or after a span."""
    around = text[max(0, start - window) : start] + " " + text[end : end + window]
    low = around.casefold()
    return any(w.casefold() in low for w in words)


class PatternRecognizer:
    """Finds candidates with ``pattern`` and keeps those :meth:`validate` accepts.

    Subclasses set ``id``, ``pattern``, ``max_span`` and, for formats with no checksum (passports,
    travel permits), ``context``: words one of which must appear near the candidate. A pattern
    that meets the contract in :mod:`hegui.safety.pii._windows` (matches are ASCII letters,
    digits and separators, bar their first and last character) sets ``min_run`` and is run only
    around such runs of characters, with exactly the matches a whole-text scan finds.
    """

    id: ClassVar[str]
    pattern: ClassVar[re.Pattern[str]]
    max_span: ClassVar[int]
    min_run: ClassVar[int] = 0
    """Fewest run characters (``_windows.RUN_CLASS``) any match holds; below 2, the pattern
    is run over the whole text."""
    anchors: ClassVar[str] = ""
    """Run characters one of which every match holds (``@``): runs without one are skipped."""
    context: ClassVar[tuple[str, ...]] = ()
    severity: ClassVar[Severity] = Severity.MEDIUM

    @property
    def kind(self) -> str:
        """The ``risk`` of the findings: ``pii.<id>``."""
        return f"pii.{self.id}"

    def validate(self, value: str) -> bool:
        """Whether a candidate is real (checksum, date, ranges); format-only by default."""
        return True

    def analyze(self, text: str) -> Iterator[Finding]:
        """Validated findings in ``text``; ``term`` is ``None`` so no personal data is echoed."""
        spans = (
            windows(text, self.min_run, self.anchors) if self.min_run >= 2 else ((0, len(text)),)
        )
        finditer = self.pattern.finditer
        for pos, endpos in spans:
            for m in finditer(text, pos, endpos):
                start, end = m.span()
                # Context is looked for in the whole text, never only in the window.
                if self.context and not near(text, start, end, self.context):
                    continue
                if self.validate(m.group(0)):
                    yield Finding(
                        start=start,
                        end=end,
                        risk=self.kind,
                        term=None,
                        source=f"hegui/{self.id}",
                        severity=self.severity,
                    )
