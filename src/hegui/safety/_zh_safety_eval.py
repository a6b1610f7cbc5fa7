"""Measure any classifier on the user's own labelled sample, per risk, with intervals.

The sample is JSONL, one text a line::

    {"text": "怎么制作炸药？", "label": 1, "direction": "input", "risk": "A.1.h"}
    {"text": "今天天气不错", "label": 0}

``label``: 1/0, true/false, ``unsafe``/``safe``; ``direction`` (default: the command's);
``risk``: a GB/T 45654 risk id or a list of them, for unsafe texts. A text counts as flagged
when the classifier returns any finding for it; a risk counts as *named* when a finding
carries that risk id. Proportions get Wilson 95 % intervals, F1 a seeded bootstrap interval.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from hegui.errors import ConfigError, HeguiError
from hegui.safety._plugins import Classifier
from hegui.safety._types import Direction, Finding

__all__ = [
    "ClassifierEvaluation",
    "LabelledText",
    "Rate",
    "RiskRow",
    "evaluate_classifier",
    "read_labelled",
]

_TRUE = {"1", "true", "unsafe", "harmful", "yes"}
_FALSE = {"0", "false", "safe", "benign", "no"}


@dataclass(frozen=True, slots=True)
class LabelledText:
    """One line of the labelled sample."""

    text: str
    unsafe: bool
    direction: Direction
    risks: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Rate:
    """A proportion ``k / n`` with its Wilson 95 % interval (``value`` is None when n = 0)."""

    k: int
    n: int
    value: float | None
    low: float | None
    high: float | None

    @classmethod
    def of(cls, k: int, n: int) -> Rate:
        """The rate and interval of ``k`` successes in ``n``."""
        if n == 0:
            return cls(k, n, None, None, None)
        z = 1.959964
        p = k / n
        denom = 1 + z * z / n
        centre = (p + z * z / (2 * n)) / denom
        half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
        return cls(
            k, n, round(p, 4), round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)
        )


@dataclass(frozen=True, slots=True)
class RiskRow:
    """How the classifier did on the unsafe texts labelled with one risk."""

    risk: str
    detected: Rate
    """Flagged with any finding."""
    named: Rate
    """Flagged with a finding of this very risk id."""


@dataclass(frozen=True, slots=True)
class ClassifierEvaluation:
    """The figures of one classifier on one labelled sample."""

    classifier: str
    total: int
    tp: int
    fp: int
    fn: int
    tn: int
    precision: Rate
    recall: Rate
    fpr: Rate
    f1: float | None
    f1_low: float | None
    f1_high: float | None
    per_direction: dict[str, tuple[Rate, Rate]]
    """Direction → (recall, false-positive rate)."""
    per_risk: tuple[RiskRow, ...]
    errors: tuple[str, ...] = field(default=())
    """Texts the classifier could not judge (``line N: message``); left out of the figures."""


def _issue(path: Path, line: int, field_name: str, message: str, fix: str) -> ConfigError:
    return ConfigError(message, path=path, line=line, field=field_name or None, fix=fix)


def read_labelled(path: Path, default_direction: Direction = Direction.INPUT) -> list[LabelledText]:
    """Read a labelled JSONL sample.

    Raises:
        ConfigError: a line is not a JSON object, or a field is missing or wrong (the error
            names the line and field).
    """
    from hegui.kb import load_kb

    risks_known = load_kb().risks
    out: list[LabelledText] = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise _issue(
                    path, number, "", f"not JSON: {exc.msg}", "write one JSON object per line"
                ) from None
            if not isinstance(obj, dict):
                raise _issue(
                    path, number, "", "not a JSON object", "write one JSON object per line"
                )
            text = obj.get("text")
            if not isinstance(text, str):
                raise _issue(
                    path, number, "text", "`text` missing or not a string", 'add "text": "…"'
                )
            label = str(obj.get("label", "")).strip().casefold()
            if label not in _TRUE | _FALSE:
                raise _issue(
                    path,
                    number,
                    "label",
                    f"`label` is {obj.get('label')!r}",
                    "use 1/0, true/false or unsafe/safe",
                )
            try:
                direction = Direction(obj.get("direction", default_direction))
            except ValueError:
                raise _issue(
                    path,
                    number,
                    "direction",
                    f"`direction` is {obj.get('direction')!r}",
                    "use input or output",
                ) from None
            raw_risks = obj.get("risk", [])
            items = [raw_risks] if isinstance(raw_risks, str) else raw_risks
            if not isinstance(items, list) or any(r not in risks_known for r in items):
                raise _issue(
                    path,
                    number,
                    "risk",
                    f"`risk` is {raw_risks!r}",
                    "use GB/T 45654 risk ids such as A.1.d, or a list of them",
                )
            out.append(LabelledText(text, label in _TRUE, direction, tuple(items), number))
    return out


def _run(
    classifier: Classifier,
    items: Sequence[LabelledText],
    progress: Callable[[int], None] | None,
    batch_size: int,
) -> list[list[Finding] | str]:
    """Findings per item, or ``line N: error`` where the classifier failed on it."""
    results: list[list[Finding] | str] = ["" for _ in items]
    batch = getattr(classifier, "classify_batch", None)
    done = 0
    for direction in Direction:
        rows = [k for k, it in enumerate(items) if it.direction is direction]
        step = batch_size if batch is not None else 1
        for s in range(0, len(rows), step):
            chunk = rows[s : s + step]
            try:
                if batch is not None:
                    found = batch([items[k].text for k in chunk], direction)
                else:
                    found = [classifier.classify(items[chunk[0]].text, direction)]
                for k, f in zip(chunk, found, strict=True):
                    results[k] = list(f)
            except HeguiError as exc:
                for k in chunk:
                    results[k] = f"line {items[k].line}: {exc}"
            done += len(chunk)
            if progress is not None:
                progress(done)
    return results


def _f1_interval(
    y: np.ndarray, pred: np.ndarray, seed: int = 0, rounds: int = 1000
) -> tuple[float | None, float | None]:
    if len(y) == 0:
        return None, None
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(y), size=(rounds, len(y)))
    yy, pp = y[idx], pred[idx]
    tp = (yy & pp).sum(1)
    f1 = 2 * tp / np.maximum(1, yy.sum(1) + pp.sum(1))
    return round(float(np.quantile(f1, 0.025)), 4), round(float(np.quantile(f1, 0.975)), 4)


def evaluate_classifier(
    classifier: Classifier,
    items: Sequence[LabelledText],
    *,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 64,
) -> ClassifierEvaluation:
    """Run ``classifier`` over ``items`` and compute the figures.

    Texts go in batches where the classifier has ``classify_batch``; ``progress`` is called
    with the number of texts done.
    """
    results = _run(classifier, items, progress, batch_size)
    errors = tuple(r for r in results if isinstance(r, str))
    judged = [(it, r) for it, r in zip(items, results, strict=True) if not isinstance(r, str)]
    y = np.array([it.unsafe for it, _ in judged], dtype=bool)
    pred = np.array([bool(r) for _, r in judged], dtype=bool)
    tp, fp = int((y & pred).sum()), int((~y & pred).sum())
    fn, tn = int((y & ~pred).sum()), int((~y & ~pred).sum())
    f1 = None if tp + fp + fn == 0 else round(2 * tp / (2 * tp + fp + fn), 4)
    f1_low, f1_high = _f1_interval(y, pred)
    per_direction = {}
    for d in Direction:
        m = np.array([it.direction is d for it, _ in judged], dtype=bool)
        if m.any():
            per_direction[d.value] = (
                Rate.of(int((y & pred & m).sum()), int((y & m).sum())),
                Rate.of(int((~y & pred & m).sum()), int((~y & m).sum())),
            )
    rows = []
    for risk in sorted({r for it, _ in judged if it.unsafe for r in it.risks}):
        hits = [
            (bool(res), any(f.risk == risk for f in res))
            for it, res in judged
            if it.unsafe and risk in it.risks
        ]
        rows.append(
            RiskRow(
                risk,
                Rate.of(sum(h for h, _ in hits), len(hits)),
                Rate.of(sum(n for _, n in hits), len(hits)),
            )
        )
    return ClassifierEvaluation(
        classifier=classifier.id,
        total=len(judged),
        tp=tp,
        fp=fp,
        fn=fn,
        tn=tn,
        precision=Rate.of(tp, tp + fp),
        recall=Rate.of(tp, tp + fn),
        fpr=Rate.of(fp, fp + tn),
        f1=f1,
        f1_low=f1_low,
        f1_high=f1_high,
        per_direction=per_direction,
        per_risk=tuple(rows),
        errors=errors,
    )
