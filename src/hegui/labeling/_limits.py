"""Resource limits for parsing untrusted files: every walk, inflation and decode is bounded.

A platform runs ``hegui label`` on files from strangers, so a small crafted file must never cost
minutes or gigabytes (security review 2026-12, S1 and S11–S13). Each limit has a name, a default
and an override: the ``--limit NAME=VALUE`` option of ``hegui label``, or :func:`applied` around
library calls. The defaults sit far above what real media and documents need; ``SECURITY.md``
lists them.

The limits in force are held in a context variable rather than threaded through every carrier's
``read``/``write``/``essence`` signature (the carrier protocol stays small for third parties); the
batch functions pass them explicitly and set them inside each worker process.
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from hegui.errors import InputError

__all__ = ["Limits", "applied", "current_limits", "parse_limits"]


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps on the work one file may cause. Sizes are bytes."""

    max_structures: int = 100_000
    """Boxes (MP4), chunks (PNG, RIFF), marker segments (JPEG), entries (ZIP) walked per file."""
    max_header_bytes: int = 64 << 20
    """Metadata held in memory at once: JPEG segments before the scan, an MP4 ``moov`` box."""
    max_metadata_bytes: int = 16 << 20
    """One metadata value or part read or inflated: an XMP packet, a text chunk, custom.xml."""
    max_xmp_fallback_bytes: int = 1 << 20
    """A malformed XMP packet is searched for a label only up to this size."""
    max_inflated_bytes: int = 2 << 30
    """Sum of the declared uncompressed sizes of a ZIP package (DOCX, XLSX, PPTX)."""
    max_inflate_ratio: int = 200
    """Uncompressed over compressed size of one ZIP entry larger than 1 MiB."""
    max_pixels: int = 50_000_000
    """Pixels of an image decoded to draw an explicit label (checked before decoding)."""
    max_trace_bytes: int = 64 << 20
    """Bytes ``verify`` scans for traces of a label in an unknown placement."""

    def describe(self) -> dict[str, int]:
        """Every limit by name, for documentation and Evidence."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


_DEFAULT: Final = Limits()
_CURRENT: Final = contextvars.ContextVar[Limits | None]("hegui_label_limits", default=None)


def current_limits() -> Limits:
    """The limits in force in this context (the defaults unless :func:`applied` is active)."""
    return _CURRENT.get() or _DEFAULT


@contextmanager
def applied(limits: Limits) -> Iterator[Limits]:
    """Run the enclosed parsing under ``limits``."""
    token = _CURRENT.set(limits)
    try:
        yield limits
    finally:
        _CURRENT.reset(token)


def parse_limits(items: Mapping[str, str] | list[str], base: Limits | None = None) -> Limits:
    """``Limits`` from ``NAME=VALUE`` strings (the ``--limit`` option).

    Values are positive integers; ``k``, ``M`` and ``G`` suffixes multiply by 1024 powers.

    Raises:
        InputError: An unknown name or a value that is not a positive integer.
    """
    base = base or Limits()
    names = [f.name for f in dataclasses.fields(base)]
    pairs = list(items.items()) if isinstance(items, Mapping) else [_split(i) for i in items]
    changes: dict[str, int] = {}
    for name, text in pairs:
        if name not in names:
            raise InputError(f"--limit {name}: unknown limit; known limits: {', '.join(names)}")
        changes[name] = _number(name, text)
    return dataclasses.replace(base, **changes)


def _split(item: str) -> tuple[str, str]:
    name, sep, value = item.partition("=")
    if not sep:
        raise InputError(f"--limit {item!r}: write NAME=VALUE, e.g. max_pixels=100000000")
    return name.strip(), value.strip()


_SUFFIX: Final = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}


def _number(name: str, text: str) -> int:
    factor = _SUFFIX.get(text[-1:].lower(), 1)
    digits = text[:-1] if factor != 1 else text
    if not digits.isdigit() or int(digits) <= 0:
        raise InputError(
            f"--limit {name}={text}: a positive whole number is needed (suffixes k, M, G allowed)"
        )
    return int(digits) * factor
