"""The registries of the evaluation harness: judges and targets, by ``ComponentSpec``.

Built-ins register with ``@JUDGES.register("hegui/…")`` / ``@TARGETS.register("hegui/…")``;
third parties add theirs through the entry-point groups ``hegui.judges`` and ``hegui.targets``
(name = component id, value = the factory). A run builds every judge and its target from specs
and records the specs in the run header and in the Evidence, so a result says exactly what ran.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hegui.components import Registry

if TYPE_CHECKING:
    from hegui.evals._judge import Judge
    from hegui.evals._target import Target

__all__ = ["JUDGES", "TARGETS"]

JUDGES: Registry[Judge] = Registry[Any](
    "judge",
    "hegui.judges",
    builtins=("hegui.evals._refusal", "hegui.evals._engine_judges"),
)
"""Judges: ``hegui/refusal-rules``, ``hegui/keyword``, ``hegui/llm-guard-safety`` …"""

TARGETS: Registry[Target] = Registry[Any](
    "target",
    "hegui.targets",
    builtins=("hegui.evals._target", "hegui.evals._openai"),
)
"""Targets: ``hegui/openai`` (an OpenAI-compatible endpoint), ``hegui/callable``."""
