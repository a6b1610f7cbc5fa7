"""HTML: ``<meta name="AIGC" content="…">`` in the document head.

Source: the issue's carrier list for hegui (the TC260 text guide's HTML form is not in hegui's
reference; the element follows HTML's standard ``name``/``content`` metadata). Only the one
element is inserted or replaced; every other byte of the document is kept. Variants read and
reported: other spellings of the name, and ``property=``/``http-equiv=`` instead of ``name=``.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

from hegui.errors import InputError
from hegui.labeling._explicit_text import TextPosition
from hegui.labeling._found import RawLabel
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._text import decode_text

__all__ = ["HtmlCarrier", "insert_body_text", "visible_text"]


@dataclass(frozen=True, slots=True)
class _Tag:
    start: int
    end: int
    attrs: dict[str, str]
    via: str
    """The attribute that names it: ``name``, ``property`` or ``http-equiv``."""


class _Scanner(HTMLParser):
    """Records AIGC meta elements and where ``<head>``/``</head>``/``<html>`` are."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                self._line_starts.append(i + 1)
        self.metas: list[_Tag] = []
        self.head_end: int | None = None
        self.head_close: int | None = None
        self.body_end: int | None = None
        self.body_close: int | None = None
        self.html_close: int | None = None
        self.text: list[str] = []
        self._hidden = 0
        self.html_end: int | None = None
        self.feed(text)
        self.close()

    def _span(self) -> tuple[int, int]:
        line, col = self.getpos()
        start = self._line_starts[line - 1] + col
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        line, col = self.getpos()
        at = self._line_starts[line - 1] + col
        if tag == "head" and self.head_close is None:
            self.head_close = at
        elif tag == "body":
            self.body_close = at
        elif tag == "html":
            self.html_close = at
        elif tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.text.append(data)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._record(tag, attrs)

    def _record(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start, end = self._span()
        if tag in ("script", "style", "template"):
            self._hidden += 1
        if tag == "head" and self.head_end is None:
            self.head_end = end
        elif tag == "body" and self.body_end is None:
            self.body_end = end
        elif tag == "html" and self.html_end is None:
            self.html_end = end
        elif tag == "meta":
            values = {k.lower(): v or "" for k, v in attrs}
            for via in ("name", "property", "http-equiv"):
                if values.get(via, "").upper() == "AIGC":
                    self.metas.append(_Tag(start, end, values, via))
                    break


def visible_text(text: str) -> str:
    """The document's text content, without scripts and styles (for the text-label checker)."""
    return "".join(_Scanner(text).text)


def insert_body_text(text: str, wording: str, position: TextPosition) -> str:
    """``text`` with ``<p class="aigc-label">wording</p>`` first or last in the body."""
    if position is TextPosition.MIDDLE:
        raise InputError("HTML explicit labels go at the start or the end of the body")
    scan = _Scanner(text)
    candidates: tuple[int | None, ...] = (
        (scan.body_end, scan.head_close, scan.html_end)
        if position is TextPosition.START
        else (scan.body_close, scan.html_close)
    )
    at = next((p for p in candidates if p is not None), len(text) if position.value == "end" else 0)
    element = f'<p class="aigc-label">{html.escape(wording)}</p>'
    return text[:at] + element + text[at:]


def _element(value: str) -> str:
    return f'<meta name="AIGC" content="{html.escape(value, quote=True)}">'


@carrier("hegui/html")
class HtmlCarrier:
    """``<meta name="AIGC">``."""

    format: ClassVar[FileFormat] = FileFormat.HTML
    slot: ClassVar[str] = "html.meta"
    digest_version: ClassVar[int] = 1

    def read(self, path: Path) -> list[RawLabel]:
        """Every AIGC meta element."""
        found = []
        for tag in _Scanner(decode_text(path)).metas:
            problems: tuple[str, ...] = ()
            if tag.via != "name":
                problems += (f'named with {tag.via}=; expected name="AIGC"',)
            elif tag.attrs["name"] != "AIGC":
                problems += (f"name {tag.attrs['name']!r}; expected 'AIGC'",)
            found.append(RawLabel(self.slot, tag.attrs.get("content", ""), problems=problems))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Replace the first AIGC meta element (dropping other variants), or insert one."""
        text = decode_text(src)
        scan = _Scanner(text)
        element = _element(value)
        if scan.metas:
            pieces, pos = [], 0
            for i, tag in enumerate(scan.metas):
                pieces += [text[pos : tag.start], element if i == 0 else ""]
                pos = tag.end
            out = "".join(pieces) + text[pos:]
        else:
            # Last in the head, so a <meta charset> stays within the first 1024 bytes.
            at = next(
                (p for p in (scan.head_close, scan.head_end, scan.html_end) if p is not None),
                len(text) - len(text.lstrip("\ufeff")),
            )
            out = text[:at] + element + text[at:]
        dst.write_bytes(out.encode("utf-8"))

    def essence(self, path: Path) -> str | None:
        """The document without its AIGC meta elements."""
        text = decode_text(path)
        pieces, pos = [], 0
        for tag in _Scanner(text).metas:
            pieces.append(text[pos : tag.start])
            pos = tag.end
        pieces.append(text[pos:])
        return hashlib.sha256("".join(pieces).encode("utf-8")).hexdigest()
