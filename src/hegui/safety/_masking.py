"""Masking operators: rewrite finding spans, leave every other character as it was."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from hegui.safety._policy import MaskOperatorName
from hegui.safety._types import Finding

__all__ = ["apply_mask"]


def _merge(findings: Iterable[Finding]) -> list[tuple[int, int, str]]:
    spans = sorted((f.start, f.end, f.risk) for f in findings if f.end > f.start)
    merged: list[tuple[int, int, str]] = []
    for start, end, risk in spans:
        if merged and start <= merged[-1][1]:
            s, e, r = merged[-1]
            merged[-1] = (s, max(e, end), r)
        else:
            merged.append((start, end, risk))
    return merged


def apply_mask(text: str, findings: Iterable[Finding], operator: MaskOperatorName) -> str:
    """``text`` with each finding's span rewritten by ``operator``; overlapping spans merge.

    ``mask`` keeps the length (one ``*`` per character) so offsets after a span stay valid;
    ``redact`` writes ``[risk]``; ``hash`` writes ``[sha256:<12 hex>]`` of the span.
    """
    out: list[str] = []
    last = 0
    for start, end, risk in _merge(findings):
        out.append(text[last:start])
        span = text[start:end]
        if operator is MaskOperatorName.MASK:
            out.append("*" * len(span))
        elif operator is MaskOperatorName.REDACT:
            out.append(f"[{risk}]")
        else:
            digest = hashlib.sha256(span.encode("utf-8", "surrogatepass")).hexdigest()[:12]
            out.append(f"[sha256:{digest}]")
        last = end
    out.append(text[last:])
    return "".join(out)
