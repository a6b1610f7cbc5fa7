"""Character n-gram features of the built-in classifier, shared by inference and training.

The training script (``training/zh_safety/train.py``) imports these functions, so a model is
always scored on exactly the features it was fitted on. Chinese has no spaces between words,
so character 1–3-grams stand in for words and their inflections; NFKC folds full-width forms
and compatibility characters, and every ASCII digit becomes ``0`` so numbers do not flood the
vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FeatureSpec", "Window", "features", "normalize", "windows"]

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How texts become n-grams, and how long a window of text the model sees at once."""

    min_n: int = 1
    max_n: int = 3
    window: int = 512
    """Characters per window; longer texts are scored in overlapping windows."""
    stride: int = 384
    """Characters between the starts of two windows (window - stride = overlap)."""


@dataclass(frozen=True, slots=True)
class Window:
    """A slice of one input text, ``[start, end)`` in the original's code points."""

    text_index: int
    start: int
    end: int


def normalize(text: str) -> str:
    """NFKC, lower case, digits to ``0``, runs of white space to one space."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", _DIGIT.sub("0", folded)).strip()


def grams(text: str, spec: FeatureSpec) -> list[str]:
    """Every character n-gram of the normalized ``text`` (with repeats)."""
    s = normalize(text)
    out: list[str] = []
    for n in range(spec.min_n, spec.max_n + 1):
        out.extend(s[i : i + n] for i in range(len(s) - n + 1))
    return out


def windows(texts: Sequence[str], spec: FeatureSpec) -> list[Window]:
    """Overlapping windows covering each text; a short text is one window.

    Whitespace-only texts get no window (nothing to score).
    """
    out: list[Window] = []
    for index, text in enumerate(texts):
        if not text.strip():
            continue
        length = len(text)
        if length <= spec.window:
            out.append(Window(index, 0, length))
            continue
        start = 0
        while True:
            end = min(start + spec.window, length)
            out.append(Window(index, start, end))
            if end == length:
                break
            start += spec.stride
    return out


def features(
    texts: Sequence[str], vocab: Mapping[str, int], idf: npt.NDArray[np.float32], spec: FeatureSpec
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Sparse rows of sublinear tf-idf weights, L2-normalized, in CSR form.

    Returns:
        ``(indices, values, indptr)``: row ``k`` holds ``indices[indptr[k]:indptr[k+1]]``
        with the matching ``values``. n-grams not in ``vocab`` are dropped.
    """
    get = vocab.get
    all_ids: list[npt.NDArray[np.int64]] = []
    all_vals: list[npt.NDArray[np.float32]] = []
    indptr = np.zeros(len(texts) + 1, dtype=np.int64)
    for k, text in enumerate(texts):
        found = [i for i in map(get, grams(text, spec)) if i is not None]
        if found:
            ids, counts = np.unique(np.asarray(found, dtype=np.int64), return_counts=True)
            vals = (1.0 + np.log(counts.astype(np.float32))) * idf[ids]
            norm = float(np.sqrt(np.dot(vals, vals)))
            if norm > 0:
                vals /= norm
        else:
            ids = np.zeros(0, dtype=np.int64)
            vals = np.zeros(0, dtype=np.float32)
        all_ids.append(ids)
        all_vals.append(vals.astype(np.float32, copy=False))
        indptr[k + 1] = indptr[k] + len(ids)
    if not texts:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), indptr
    return np.concatenate(all_ids), np.concatenate(all_vals), indptr
