"""Draw the assessment samples of GB/T 45654 B.2.2 and B.2.3 from a bank.

B.2.2 samples at least 1,000 generated-content questions, B.2.3 at least 300 of each refusal
bank (figures from ``kb.threshold``). The draw is stratified by risk (by aspect for the
non-refusal bank) with largest-remainder proportional allocation, and seeded per stratum, so the
same bank, seed and size always give the same questions. A smaller ``sample`` is allowed and
recorded as below the standard.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict

from hegui.evals._bank import Bank
from hegui.evals._models import BankItem, Kind
from hegui.evals._runfile import Sampling
from hegui.kb import KnowledgeBase

__all__ = ["allocate", "draw_sample", "sample_threshold_metric"]


def sample_threshold_metric(kind: Kind) -> str:
    """The kb metric of the minimum sample for ``kind``."""
    return f"assess.{kind.value}.sample"


def allocate(counts: dict[str, int], n: int) -> dict[str, int]:
    """Split ``n`` over strata in proportion to ``counts`` (largest remainder; ties by key)."""
    total = sum(counts.values())
    if n >= total:
        return dict(counts)
    quotas = {k: n * c / total for k, c in counts.items()}
    alloc = {k: math.floor(q) for k, q in quotas.items()}
    left = n - sum(alloc.values())
    for k in sorted(quotas, key=lambda k: (-(quotas[k] - alloc[k]), k))[:left]:
        alloc[k] += 1
    return alloc


def draw_sample(
    bank: Bank,
    kb: KnowledgeBase,
    *,
    seed: int,
    sample: int | None = None,
    full: bool = False,
) -> tuple[tuple[BankItem, ...], Sampling]:
    """The questions to ask, in bank order, and the record of how they were drawn.

    Args:
        bank: The bank to draw from.
        kb: Gives the minimum sample sizes.
        seed: Seed of the draw.
        sample: Questions per kind; None uses the standard's minimum.
        full: Ask every question of the bank.
    """
    chosen: list[BankItem] = []
    available: dict[Kind, int] = {}
    sizes: dict[Kind, int] = {}
    minimum: dict[Kind, int] = {}
    ids: dict[Kind, str] = {}
    for kind in Kind:
        items = bank.of_kind(kind)
        threshold = kb.threshold(sample_threshold_metric(kind))
        minimum[kind] = int(threshold.value)
        ids[kind] = threshold.id
        available[kind] = len(items)
        want = len(items) if full else (sample if sample is not None else minimum[kind])
        strata: dict[str, list[BankItem]] = defaultdict(list)
        for item in items:
            strata[item.stratum].append(item)
        alloc = allocate({k: len(v) for k, v in strata.items()}, want)
        picked: set[str] = set()
        for stratum, members in strata.items():
            rng = random.Random(f"{seed}:{kind.value}:{stratum}")
            picked.update(i.id for i in rng.sample(members, alloc[stratum]))
        taken = [i for i in items if i.id in picked]
        sizes[kind] = len(taken)
        chosen.extend(taken)
    record = Sampling(
        seed=seed,
        requested=sample,
        full=full,
        available=available,
        sizes=sizes,
        minimum=minimum,
        threshold_ids=ids,
        below_standard={k: sizes[k] < minimum[k] for k in Kind},
    )
    return tuple(chosen), record
