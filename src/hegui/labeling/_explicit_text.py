"""Explicit text labels: add a prompt, and find the ones already there.

GB 45438-2025 (``standards.md`` §2.2, grade B/C; confidence S): a text or voice label contains an
**AI element** ("人工智能" or "AI") **and** a **generation element** ("生成" and/or "合成"); the
Measures Art. 4 (一) places it at the start, the end or a suitable middle position of the text
(grade B). The exact §5.1 clause text and any "common symbol" (通用符号) form are not in hegui's
reference (UNCONFIRMED), so only the worded form is written and recognised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from hegui.errors import InputError

__all__ = [
    "DEFAULT_TEXT_WORDING",
    "TextLabelMatch",
    "TextPosition",
    "add_text_label",
    "check_text_label",
    "check_wording",
]

DEFAULT_TEXT_WORDING: Final = "本内容由人工智能生成"
_AI: Final = r"(?:人工智能|(?<![A-Za-z])AI(?![A-Za-z]))"
_GEN: Final = r"(?:生成|合成)"
# Both elements in one sentence, at most 12 characters apart, in either order.
_GAP: Final = r"[^。！？!?\n]{0,12}?"
_LABEL: Final = re.compile(f"{_AI}{_GAP}{_GEN}|{_GEN}{_GAP}{_AI}")
_SENTENCE_END: Final = re.compile(r"[。！？!?]|\n")


class TextPosition(StrEnum):
    """Where a text label sits (Measures Art. 4 (一))."""

    START = "start"
    END = "end"
    MIDDLE = "middle"


@dataclass(frozen=True, slots=True)
class TextLabelMatch:
    """An explicit label found in a text."""

    start: int
    """Offset in the original text (inclusive)."""
    end: int
    text: str
    position: TextPosition


def check_wording(wording: str) -> None:
    """Raise unless ``wording`` holds both the AI element and the generation element."""
    if not _LABEL.search(unicodedata.normalize("NFKC", wording)):
        raise InputError(
            f"label wording {wording!r} lacks the AI element (人工智能 or AI) or the generation "
            "element (生成 or 合成) within one sentence, which GB 45438 requires; e.g. "
            f"{DEFAULT_TEXT_WORDING!r} or 'AI生成'"
        )


def _middle(text: str) -> int:
    """A paragraph or sentence boundary near the middle of ``text``."""
    half = len(text) // 2
    for pattern in (r"\n\s*\n", r"[。！？!?]\s*", r"\n"):
        cuts = [m.end() for m in re.finditer(pattern, text) if 0 < m.end() < len(text)]
        if cuts:
            return min(cuts, key=lambda c: abs(c - half))
    return half


def add_text_label(
    text: str, *, position: TextPosition = TextPosition.END, wording: str = DEFAULT_TEXT_WORDING
) -> str:
    """Return ``text`` with an explicit label at ``position``.

    The start and end forms are separate paragraphs; the middle form is inserted in full-width
    brackets at the paragraph or sentence boundary nearest the middle.
    """
    check_wording(wording)
    if position is TextPosition.START:
        return f"{wording}\n\n{text}"
    if position is TextPosition.END:
        return f"{text.rstrip()}\n\n{wording}\n" if text.strip() else f"{wording}\n"
    at = _middle(text)
    return f"{text[:at]}（{wording}）{text[at:]}"


def check_text_label(text: str) -> list[TextLabelMatch]:
    """Explicit labels in ``text``, each with its position.

    Matching runs on the NFKC form (full-width ``ＡＩ`` counts as ``AI``); offsets refer to
    ``text`` because NFKC keeps these characters one for one.
    """
    normalized = unicodedata.normalize("NFKC", text)
    if len(normalized) != len(text):
        normalized = text  # offsets would drift; match the original characters only
    n = len(text) or 1
    # Sentence (or line) boundaries before the trailing whitespace: the label is at the start
    # when it lies in the first sentence, at the end when in the last one.
    ends = [m.end() for m in _SENTENCE_END.finditer(text) if m.end() < len(text.rstrip())]
    first_end = ends[0] if ends else n
    last_start = ends[-1] if ends else 0
    found = []
    for m in _LABEL.finditer(normalized):
        if m.start() < max(first_end, n // 10):
            where = TextPosition.START
        elif m.start() >= min(last_start, n - n // 10):
            where = TextPosition.END
        else:
            where = TextPosition.MIDDLE
        found.append(TextLabelMatch(m.start(), m.end(), text[m.start() : m.end()], where))
    return found
