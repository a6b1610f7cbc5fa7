"""Whether a value looks like a GB 45438 label, wherever it was found.

Used to recognise labels in placements nobody specified (an MP4 ``ilst`` entry without a key, a
JPEG APP9 segment, an XMP property of another name) without calling every JSON blob a label:
the value must be a JSON object naming ``ContentProducer``, or ``Label`` with ``ProduceID``.
"""

from __future__ import annotations

from typing import Final

__all__ = ["looks_like_label"]

_MAX_PROBE: Final = 64 << 10


def looks_like_label(value: str) -> bool:
    """True when ``value`` is plausibly the Appendix E object (bare, wrapped or prefixed)."""
    text = value.strip()[:_MAX_PROBE]
    if not text.startswith(("{", "AIGC{")):
        return False
    return '"ContentProducer"' in text or ('"Label"' in text and '"ProduceID"' in text)
