"""Corrupt input never becomes "internal error" (label audit point 4), as a seeded mutation run.

50 mutants per format here (the audit's 284 internal errors came from OOXML, Ogg and PDF);
``benchmarks/label_fuzz.py`` runs more and prints the tallies.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .fuzz import SEED, SEEDS, mutants, run_mutant, seed_file

MUTANTS_PER_FORMAT = 50


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(SEEDS))
def test_mutants_are_read_or_refused_cleanly(kind: str, tmp_path: Path) -> None:
    data = seed_file(kind, tmp_path / "seed")
    bad = []
    seen = 0
    for name, mutant in mutants(data, SEED + sorted(SEEDS).index(kind), MUTANTS_PER_FORMAT):
        for outcome in run_mutant(kind, name, mutant, tmp_path / "runs"):
            seen += 1
            if outcome.result.startswith("bad"):
                bad.append(outcome)
    assert seen == 2 * MUTANTS_PER_FORMAT
    assert not bad, bad[:5]
