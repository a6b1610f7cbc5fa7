"""Draw the assessment samples of GB/T 45654 B.2.2 and B.2.3 from a bank.

B.2.2 b)-d) sample at least 1,000 generated-content questions for *each* of the manual, keyword
and classifier methods: three independent draws, seeded ``"<seed>:<method>"``, whose union is
asked once. B.2.3 samples at least 300 of each refusal bank (figures from ``kb.threshold``).
Every draw is stratified by risk (by aspect for the non-refusal bank) with largest-remainder
proportional allocation, and seeded per stratum, so the same bank, seed and size always give
the same questions. A bank smaller than the minimum is used whole; a smaller ``sample`` is
allowed; both are recorded as below the standard.
"""

from __future__ import annotations

import hashlib
import math
import random
from collections import defaultdict
from collections.abc import Sequence

from hegui.evals._bank import Bank
from hegui.evals._models import BankItem, Kind, Method
from hegui.evals._runfile import MethodSample, Sampling
from hegui.kb import KnowledgeBase

STANDARD_METHODS = (Method.MANUAL, Method.KEYWORD, Method.CLASSIFIER)
"""B.2.2: manual, keyword and classifier sampling, each with its own sample and pass rate."""

__all__ = ["STANDARD_METHODS", "allocate", "draw_sample", "sample_threshold_metric"]


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
    chosen: set[str] = set()
    available: dict[Kind, int] = {}
    sizes: dict[Kind, int] = {}
    minimum: dict[Kind, int] = {}
    ids: dict[Kind, str] = {}
    methods: list[MethodSample] = []
    for kind in Kind:
        # Drafts (generated, not yet accepted by a person) are never asked.
        items = tuple(i for i in bank.of_kind(kind) if i.status != "draft")
        threshold = kb.threshold(sample_threshold_metric(kind))
        minimum[kind] = int(threshold.value)
        ids[kind] = threshold.id
        available[kind] = len(items)
        want = len(items) if full else (sample if sample is not None else minimum[kind])
        if kind is Kind.GENERATED:
            union: set[str] = set()
            for method in STANDARD_METHODS:
                picked = _draw(items, want, f"{seed}:{method.value}")
                union |= picked
                methods.append(
                    _method_sample(method, seed, items, picked, minimum[kind], ids[kind])
                )
            taken = union
        else:
            taken = _draw(items, want, f"{seed}:{kind.value}")
        sizes[kind] = len(taken)
        chosen |= taken
    below = {k: sizes[k] < minimum[k] for k in Kind}
    below[Kind.GENERATED] = any(m.below_standard for m in methods)
    record = Sampling(
        seed=seed,
        requested=sample,
        full=full,
        available=available,
        sizes=sizes,
        minimum=minimum,
        threshold_ids=ids,
        below_standard=below,
        methods=tuple(methods),
    )
    return tuple(i for i in bank.items if i.id in chosen), record


def _draw(items: Sequence[BankItem], want: int, key: str) -> set[str]:
    strata: dict[str, list[BankItem]] = defaultdict(list)
    for item in items:
        strata[item.stratum].append(item)
    alloc = allocate({k: len(v) for k, v in strata.items()}, want)
    picked: set[str] = set()
    for stratum, members in strata.items():
        rng = random.Random(f"{key}:{stratum}")
        picked.update(i.id for i in rng.sample(members, alloc[stratum]))
    return picked


def _method_sample(
    method: Method,
    seed: int,
    items: Sequence[BankItem],
    picked: set[str],
    minimum: int,
    threshold_id: str,
) -> MethodSample:
    ordered = tuple(i.id for i in items if i.id in picked)
    return MethodSample(
        method=method,
        seed=f"{seed}:{method.value}",
        size=len(ordered),
        available=len(items),
        minimum=minimum,
        threshold_id=threshold_id,
        below_standard=len(ordered) < minimum,
        ids=ordered,
        sha256=hashlib.sha256("\n".join(ordered).encode()).hexdigest(),
    )
