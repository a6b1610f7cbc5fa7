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
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["FeatureSpec", "GramTable", "Window", "features", "normalize", "windows"]

_SPACE = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9]")


@dataclass(frozen=True, slots=True)
class FeatureSpec:
    """How texts become n-grams, and how long a window of text the model sees at once."""

    min_n: int = 1
    max_n: int = 3
    window: int = 256
    """Characters per window; longer texts are scored in overlapping windows. Training texts
    are mostly under 256 characters, and a wider window lets benign context dilute a harmful
    passage."""
    stride: int = 192
    """Characters between the starts of two windows (window - stride = overlap)."""
    fine_window: int = 0
    """Also score texts longer than this in windows this short (0: off): a harmful sentence
    inside a long benign text is drowned by its context in a wide window."""
    fine_stride: int = 0


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


def _spans(length: int, size: int, stride: int) -> list[tuple[int, int]]:
    out = []
    start = 0
    while True:
        end = min(start + size, length)
        out.append((start, end))
        if end == length:
            return out
        start += stride


def windows(texts: Sequence[str], spec: FeatureSpec) -> list[Window]:
    """Overlapping windows covering each text; a short text is one window.

    Texts longer than ``spec.fine_window`` (when set) get the short windows too. Whitespace-only
    texts get no window (nothing to score).
    """
    out: list[Window] = []
    for index, text in enumerate(texts):
        if not text.strip():
            continue
        length = len(text)
        spans = _spans(length, spec.window, spec.stride)
        if spec.fine_window and length > spec.fine_window:
            spans += _spans(length, spec.fine_window, spec.fine_stride or spec.fine_window)
        out.extend(Window(index, a, b) for a, b in spans)
    return out


_BITS = 21
"""Bits per code point in a packed n-gram key (the largest code point, U+10FFFF, needs 21)."""


def _codes(text: str) -> npt.NDArray[np.int64]:
    raw = text.encode("utf-32-le", "surrogatepass")
    return np.frombuffer(raw, dtype=np.uint32).astype(np.int64)


def _keys(codes: npt.NDArray[np.int64], spec: FeatureSpec) -> npt.NDArray[np.int64]:
    """Every n-gram of ``codes``, each packed into one integer.

    The first code point, then each following one plus 1 (so ``a`` and ``a`` + NUL differ),
    21 bits apiece (n ≤ 3 fits 63 bits).
    """
    parts = []
    length = len(codes)
    for n in range(spec.min_n, spec.max_n + 1):
        if length < n:
            break
        key = codes[: length - n + 1].copy()
        for j in range(1, n):
            key |= (codes[j : length - n + 1 + j] + 1) << (_BITS * j)
        parts.append(key)
    return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)


class GramTable:
    """The vocabulary as sorted packed keys.

    A text's n-grams are found with one binary search over arrays instead of a dictionary
    lookup per n-gram.
    """

    def __init__(self, grams: Sequence[str]) -> None:
        lengths = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        if len(grams) and (lengths.min() < 1 or lengths.max() > 3):
            raise ValueError("n-grams must have 1 to 3 characters")
        flat = _codes("".join(grams))
        padded = np.full((len(grams), 3), -1, dtype=np.int64)  # -1 + 1 = 0: position absent
        starts = np.cumsum(lengths) - lengths
        for j in range(3):
            has = lengths > j
            padded[has, j] = flat[starts[has] + j]
        keys = padded[:, 0] | ((padded[:, 1] + 1) << _BITS) | ((padded[:, 2] + 1) << (2 * _BITS))
        order = np.argsort(keys, kind="stable")
        self.keys: npt.NDArray[np.int64] = keys[order].astype(np.int64)
        self.ids: npt.NDArray[np.int64] = order.astype(np.int64)
        self.size = len(grams)


def features(
    texts: Sequence[str], table: GramTable, idf: npt.NDArray[np.float32], spec: FeatureSpec
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32], npt.NDArray[np.int64]]:
    """Sparse rows of sublinear tf-idf weights, L2-normalized, in CSR form.

    Returns:
        ``(indices, values, indptr)``: row ``k`` holds ``indices[indptr[k]:indptr[k+1]]``
        (ascending) with the matching ``values``. n-grams not in the table are dropped.
    """
    rows = len(texts)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    if rows == 0 or table.size == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.float32), indptr
    per_row = [_keys(_codes(normalize(t)), spec) for t in texts]
    keys = np.concatenate(per_row)
    row_of = np.repeat(np.arange(rows, dtype=np.int64), [len(k) for k in per_row])
    pos = np.minimum(np.searchsorted(table.keys, keys), len(table.keys) - 1)
    hit = table.keys[pos] == keys
    pairs = row_of[hit] * table.size + table.ids[pos[hit]]
    uniq, counts = np.unique(pairs, return_counts=True)
    row, ids = np.divmod(uniq, table.size)
    vals = ((1.0 + np.log(counts)) * idf[ids]).astype(np.float32)
    norms = np.sqrt(np.bincount(row, weights=vals.astype(np.float64) ** 2, minlength=rows))
    vals /= np.where(norms > 0, norms, 1.0)[row].astype(np.float32)
    indptr[1:] = np.cumsum(np.bincount(row, minlength=rows))
    return ids.astype(np.int64), vals, indptr
