"""The plug-in interfaces: recognizers (PII and other patterns) and classifiers.

Built-in plug-ins register under stable ids with :func:`recognizer`; a Screener records the ids
of the components it ran, so a verdict can be replayed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Protocol, TypeVar, runtime_checkable

from hegui.errors import UnknownIdError
from hegui.safety._types import Direction, Finding

__all__ = ["Classifier", "Recognizer", "recognizer", "recognizer_ids", "recognizers"]


@runtime_checkable
class Recognizer(Protocol):
    """Finds spans of one kind (a PII kind, say) and validates them, not just matches."""

    id: str
    """Stable component id without the ``hegui/`` prefix, e.g. ``cn_resident_id``."""
    kind: str
    """The ``risk`` its findings carry, e.g. ``pii.cn_resident_id``."""
    max_span: int
    """Longest span it can report, in characters (bounds the streaming hold-back)."""

    def analyze(self, text: str) -> Iterator[Finding]:
        """Yield every validated finding in ``text``."""
        ...


@runtime_checkable
class Classifier(Protocol):
    """Judges a whole text; raises ``UpstreamError`` when it cannot (the policy decides)."""

    id: str
    """Stable component id, e.g. ``hegui/llm_judge``."""

    def classify(self, text: str, direction: Direction) -> list[Finding]:
        """Findings (whole-text spans, kb risk ids, scores) for ``text``."""
        ...


R = TypeVar("R", bound=type)
_REGISTRY: dict[str, type] = {}


def recognizer(recognizer_id: str) -> Callable[[R], R]:
    """Class decorator: register a built-in recognizer under ``recognizer_id``."""

    def wrap(cls: R) -> R:
        _REGISTRY[recognizer_id] = cls
        return cls

    return wrap


def recognizer_ids() -> list[str]:
    """Ids of the built-in recognizers."""
    _load_builtins()
    return sorted(_REGISTRY)


def recognizers(ids: list[str] | None = None) -> list[Recognizer]:
    """Instances of the built-in recognizers (all, or those named).

    Raises:
        UnknownIdError: an id is not registered.
    """
    _load_builtins()
    chosen = sorted(_REGISTRY) if ids is None else ids
    out: list[Recognizer] = []
    for rid in chosen:
        if rid not in _REGISTRY:
            raise UnknownIdError("recognizer", rid, sorted(_REGISTRY))
        out.append(_REGISTRY[rid]())
    return out


def _load_builtins() -> None:
    import hegui.safety.pii  # noqa: F401  (registers the built-in recognizers on import)
