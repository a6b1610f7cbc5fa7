"""The shape every built-in PII recognizer shares: a candidate regex, then validation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import ClassVar

from hegui.safety._types import Finding, Severity

__all__ = ["PatternRecognizer", "near"]


def near(text: str, start: int, end: int, words: tuple[str, ...], window: int = 24) -> bool:
    """Whether one of ``words`` occurs within ``window`` characters before or after a span."""
    around = text[max(0, start - window) : start] + " " + text[end : end + window]
    low = around.casefold()
    return any(w.casefold() in low for w in words)


class PatternRecognizer:
    """Finds candidates with ``pattern`` and keeps those :meth:`validate` accepts.

    Subclasses set ``id``, ``pattern``, ``max_span`` and, for formats with no checksum (passports,
    travel permits), ``context``: words one of which must appear near the candidate.
    """

    id: ClassVar[str]
    pattern: ClassVar[re.Pattern[str]]
    max_span: ClassVar[int]
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
        for m in self.pattern.finditer(text):
            start, end = m.span()
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
