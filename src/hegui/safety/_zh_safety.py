"""``hegui/zh-safety``: the built-in Chinese safety classifier, shipped in the package.

Character 1–3-gram tf-idf features and a small model trained in this project on COLD, JADE-DB
and documented benign text (``training/zh_safety/``; model card in
``safety/data/zh-safety/MODEL_CARD.md``). Inference is numpy only. Three heads, each with a
calibrated score and two operating points:

* ``request`` — a harmful request (input side);
* ``offensive`` — offensive or discriminatory language, A.2 (both sides);
* ``answer`` — a violating answer, told from a safe answer on the same topic (output side).

Example:
    >>> from hegui.safety import Direction, ZhSafetyClassifier
    >>> clf = ZhSafetyClassifier()
    >>> [s.head.value for s in clf.scores(["今天天气怎么样？"], Direction.INPUT)[0]]
    ['request', 'offensive']
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from hegui.safety._llm_judge import UNMAPPED_RISK
from hegui.safety._types import Direction, Finding, Severity
from hegui.safety._zh_safety_features import Window, features, windows
from hegui.safety._zh_safety_model import Head, HeadInfo, ZhSafetyModel, load_model

__all__ = ["HeadScore", "Level", "ZhSafetyClassifier", "builtin_model_path"]

RISK_MIN = 0.5
"""A risk output must reach this probability to name the risk; below it, ``unmapped``."""


class Level(StrEnum):
    """Which operating point turns a score into a finding."""

    FLAG = "flag"
    REFUSE = "refuse"


@dataclass(frozen=True, slots=True)
class HeadScore:
    """One head's verdict on one text: the highest-scoring window wins."""

    head: Head
    score: float
    """Calibrated score in [0, 1] (probability under equal priors of harmful and benign)."""
    start: int
    """Span of the best window in the original text (the whole text when it fits one)."""
    end: int
    risk: str
    """A GB/T 45654 risk id, or ``unmapped``."""
    risk_score: float | None
    """Probability of ``risk`` among the model's risk outputs; ``None`` when unmapped."""
    flag: bool
    """Whether ``score`` reaches the head's flag point."""
    refuse: bool
    """Whether ``score`` reaches the head's refuse point."""


def builtin_model_path() -> Path:
    """Folder of the model shipped in the package."""
    return Path(str(resources.files("hegui.safety").joinpath("data/zh-safety")))


@functools.cache
def _builtin() -> ZhSafetyModel:
    return load_model(builtin_model_path())


def _sigmoid(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    out: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.clip(x, -40.0, 40.0)))
    return out


class ZhSafetyClassifier:
    """The built-in classifier as a :class:`~hegui.safety.Classifier`.

    Args:
        path: A model folder written by ``training/zh_safety/train.py``; ``None`` for the
            built-in model.
        level: Findings from the ``flag`` point (default) or only from the ``refuse`` point.
        heads: Heads to run (default all); each runs only on its directions.
        batch_size: Windows per matrix product in :meth:`scores`.

    Raises:
        CorruptFileError: a model file is missing or damaged (the message names it).
    """

    id = "hegui/zh-safety"

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        level: Level | str = Level.FLAG,
        heads: Sequence[Head | str] | None = None,
        batch_size: int = 256,
    ) -> None:
        self.model = _builtin() if path is None else load_model(Path(path))
        self.level = Level(level)
        wanted = None if heads is None else {Head(h) for h in heads}
        self.heads: tuple[HeadInfo, ...] = tuple(
            h for h in self.model.heads if wanted is None or h.head in wanted
        )
        self.batch_size = max(1, batch_size)
        self._index = {h.head: i for i, h in enumerate(self.model.heads)}
        self._risk_index = {r: i for i, r in enumerate(self.model.risks)}

    @property
    def version(self) -> str:
        """The model's version (``model.json``)."""
        return self.model.version

    def heads_for(self, direction: Direction | str) -> tuple[HeadInfo, ...]:
        """The heads that run on ``direction``."""
        d = Direction(direction)
        return tuple(h for h in self.heads if d in h.directions)

    def _outputs(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        m = self.model
        ids, vals, indptr = features(texts, m.vocab, m.idf, m.spec)
        rows = len(texts)
        k = m.embed.shape[1]
        z = np.zeros((rows, k), dtype=np.float32)
        if len(ids):
            contrib = m.embed[ids] * vals[:, None]
            nonempty = np.flatnonzero(indptr[1:] > indptr[:-1])
            z[nonempty] = np.add.reduceat(contrib, indptr[nonempty], axis=0)
        z += m.bias
        if m.out_w is None or m.out_b is None:
            return z
        # einsum's own loop, not BLAS: a multithreaded BLAS spends milliseconds waking its
        # threads for these few rows, far more than the arithmetic (64 × 24 per window).
        out: npt.NDArray[np.float32] = np.einsum("ij,jk->ik", np.maximum(z, 0.0), m.out_w)
        return out + m.out_b

    def scores(self, texts: Sequence[str], direction: Direction | str) -> list[list[HeadScore]]:
        """Every head's score for each text, in batches of windows.

        Empty and whitespace-only texts get no scores (the model is not called). A text
        longer than the window is scored in overlapping windows; each head keeps its maximum
        and reports that window's span.
        """
        heads = self.heads_for(direction)
        spec = self.model.spec
        wins = windows(texts, spec)
        out: list[list[HeadScore]] = [[] for _ in texts]
        if not wins or not heads:
            return out
        parts = []
        for k in range(0, len(wins), self.batch_size):
            chunk = wins[k : k + self.batch_size]
            parts.append(self._outputs([texts[w.text_index][w.start : w.end] for w in chunk]))
        logits = np.concatenate(parts).astype(np.float64)
        n_heads = len(self.model.heads)
        risk_p = _sigmoid(logits[:, n_heads:])
        which = np.fromiter((w.text_index for w in wins), dtype=np.int64, count=len(wins))
        for info in heads:
            col = self._index[info.head]
            a, b = info.calibration
            c = a * logits[:, col] + b
            allowed = [self._risk_index[r] for r in info.risks]
            best: dict[int, int] = {}
            for row in np.argsort(-c, kind="stable").tolist():
                best.setdefault(int(which[row]), row)
            for t, row in best.items():
                out[t].append(self._score(info, float(c[row]), wins[row], risk_p[row], allowed))
        return out

    def _score(
        self,
        info: HeadInfo,
        logit: float,
        win: Window,
        risk_p: npt.NDArray[np.float64],
        allowed: list[int],
    ) -> HeadScore:
        risk, risk_score = UNMAPPED_RISK, None
        if allowed:
            j = allowed[int(np.argmax(risk_p[allowed]))]
            if risk_p[j] >= RISK_MIN:
                risk, risk_score = self.model.risks[j], round(float(risk_p[j]), 4)
        return HeadScore(
            head=info.head,
            score=round(1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, logit)))), 4),
            start=win.start,
            end=win.end,
            risk=risk,
            risk_score=risk_score,
            flag=logit >= info.points.flag_logit,
            refuse=logit >= info.points.refuse_logit,
        )

    def classify_batch(
        self, texts: Sequence[str], direction: Direction | str
    ) -> list[list[Finding]]:
        """Findings for each text: one per head whose score reaches the chosen level.

        ``Finding.variant`` names the head; ``severity`` is ``high`` from the refuse point,
        ``medium`` below it; ``score`` is the calibrated score.
        """
        refuse_only = self.level is Level.REFUSE
        out: list[list[Finding]] = []
        for per_text in self.scores(texts, direction):
            found = [
                Finding(
                    start=s.start,
                    end=s.end,
                    risk=s.risk,
                    term=None,
                    source=self.id,
                    score=s.score,
                    severity=Severity.HIGH if s.refuse else Severity.MEDIUM,
                    variant=s.head.value,
                )
                for s in per_text
                if (s.refuse if refuse_only else s.flag)
            ]
            out.append(found)
        return out

    def classify(self, text: str, direction: Direction) -> list[Finding]:
        """Findings for one text (see :meth:`classify_batch`)."""
        return self.classify_batch([text], direction)[0]
