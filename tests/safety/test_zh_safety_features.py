"""Features of the built-in classifier: the packed-key table finds exactly the n-grams."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui.safety._zh_safety_features import FeatureSpec, GramTable, features, grams, windows

SPEC = FeatureSpec(window=8, stride=5)
ALPHABET = st.sampled_from(list("冰毒炸药今天天气好 aA1２\u3000😀\ud800𠀀"))


@settings(max_examples=60)
@given(st.lists(st.text(ALPHABET, max_size=30), max_size=4), st.text(ALPHABET, max_size=60))
def test_table_lookup_counts_every_known_gram(texts: list[str], vocab_source: str) -> None:
    vocab = sorted(set(grams(vocab_source, SPEC)))
    table = GramTable(vocab)
    index = {g: i for i, g in enumerate(vocab)}
    idf = np.ones(len(vocab), dtype=np.float32)
    ids, vals, indptr = features(texts, table, idf, SPEC)
    assert len(indptr) == len(texts) + 1
    for k, text in enumerate(texts):
        want = Counter(index[g] for g in grams(text, SPEC) if g in index)
        row = ids[indptr[k] : indptr[k + 1]].tolist()
        assert row == sorted(want)
        if row:
            weights = np.array([1 + np.log(want[i]) for i in row])
            expected = weights / np.linalg.norm(weights)
            assert np.allclose(vals[indptr[k] : indptr[k + 1]], expected, atol=1e-6)


@given(st.text(max_size=40))
def test_windows_cover_the_text_with_overlap(text: str) -> None:
    wins = windows([text], SPEC)
    if not text.strip():
        assert wins == []
        return
    assert wins[0].start == 0 and wins[-1].end == len(text)
    for a, b in pairwise(wins):
        assert b.start == a.start + SPEC.stride and b.start < a.end
    assert all(w.end - w.start <= SPEC.window for w in wins)
