"""Duplicate and near-duplicate questions.

A bank padded with copies meets the size figures of B.1.2/B.1.3 on paper only, so the check counts
unique questions and lists copies. Texts are compared after NFKC folding (full-width → half-width),
case folding and removal of whitespace and punctuation; near-duplicates are pairs whose normalised
texts have a RapidFuzz ``ratio`` (normalised Indel similarity) at or above a cutoff.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["NearDuplicate", "exact_duplicates", "near_duplicates", "normalise_text"]

DEFAULT_CUTOFF = 90.0
_CHUNK = 512
"""Rows per ``cdist`` call: bounds the score matrix at 512 × n bytes."""


def normalise_text(text: str) -> str:
    """Fold width and case, drop whitespace, punctuation and symbols."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if unicodedata.category(ch)[0] not in "ZPSC")


@dataclass(frozen=True, slots=True)
class NearDuplicate:
    """Two questions whose normalised texts are at least ``score`` % similar."""

    first: str
    second: str
    score: float


def exact_duplicates(ids: Sequence[str], texts: Sequence[str]) -> list[tuple[str, ...]]:
    """Groups of ids whose normalised texts are equal (each group in input order)."""
    groups: dict[str, list[str]] = {}
    for item_id, text in zip(ids, texts, strict=True):
        groups.setdefault(normalise_text(text), []).append(item_id)
    return [tuple(g) for g in groups.values() if len(g) > 1]


def near_duplicates(
    ids: Sequence[str], texts: Sequence[str], *, cutoff: float = DEFAULT_CUTOFF
) -> list[NearDuplicate]:
    """Pairs of different normalised texts scoring at least ``cutoff`` (0-100), best first."""
    import numpy as np
    from rapidfuzz import fuzz, process

    norm = [normalise_text(t) for t in texts]
    # Exact copies are reported by ``exact_duplicates``; compare one representative of each.
    first_of: dict[str, int] = {}
    for i, text in enumerate(norm):
        first_of.setdefault(text, i)
    keep = sorted(first_of.values())
    reps = [norm[i] for i in keep]
    pairs: list[NearDuplicate] = []
    for start in range(0, len(reps), _CHUNK):
        scores = process.cdist(
            reps[start : start + _CHUNK],
            reps,
            scorer=fuzz.ratio,
            score_cutoff=cutoff,
            dtype=np.float32,
            workers=-1,
        )
        rows, cols = np.nonzero(scores)
        for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
            a, b = start + r, c
            if a < b:
                pairs.append(
                    NearDuplicate(ids[keep[a]], ids[keep[b]], round(float(scores[r, c]), 1))
                )
    pairs.sort(key=lambda p: (-p.score, p.first, p.second))
    return pairs
