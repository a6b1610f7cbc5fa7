"""Format detection by magic bytes; the extension only separates the text formats."""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling.carriers import FileFormat

__all__ = ["Detected", "detect_format"]

_EXTENSIONS: Final = {
    FileFormat.JPEG: {".jpg", ".jpeg", ".jpe", ".jfif"},
    FileFormat.PNG: {".png"},
    FileFormat.WEBP: {".webp"},
    FileFormat.MP3: {".mp3"},
    FileFormat.WAV: {".wav", ".wave"},
    FileFormat.FLAC: {".flac"},
    FileFormat.OGG: {".ogg", ".oga", ".opus", ".spx"},
    FileFormat.MP4: {".mp4", ".m4a", ".m4v", ".mov", ".qt", ".3gp", ".m4b"},
    FileFormat.PDF: {".pdf"},
    FileFormat.DOCX: {".docx"},
    FileFormat.XLSX: {".xlsx"},
    FileFormat.PPTX: {".pptx"},
    FileFormat.MARKDOWN: {".md", ".markdown", ".mdx"},
    FileFormat.TEXT: {".txt", ".text"},
    FileFormat.HTML: {".html", ".htm", ".xhtml"},
}
_BY_EXT: Final = {ext: fmt for fmt, exts in _EXTENSIONS.items() for ext in exts}
_TEXT: Final = frozenset({FileFormat.MARKDOWN, FileFormat.TEXT, FileFormat.HTML})
_TEXT_EXTS: Final = frozenset(e for f in _TEXT for e in _EXTENSIONS[f])
_MP4_BOXES: Final = frozenset({b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"})
_OOXML: Final = (
    ("word/document.xml", FileFormat.DOCX),
    ("xl/workbook.xml", FileFormat.XLSX),
    ("ppt/presentation.xml", FileFormat.PPTX),
)


@dataclass(frozen=True, slots=True)
class Detected:
    """The detected format, and a note when the extension says otherwise."""

    format: FileFormat
    extension_mismatch: str | None = None


def _after_id3(path: Path, head: bytes) -> bytes:
    size = head[6] << 21 | head[7] << 14 | head[8] << 7 | head[9]
    with path.open("rb") as f:
        f.seek(10 + size + (10 if head[5] & 0x10 else 0))
        return f.read(4)


def _binary(path: Path, head: bytes) -> FileFormat | None:
    if head.startswith(b"\xff\xd8\xff"):
        return FileFormat.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileFormat.PNG
    if head[:4] == b"RIFF" and head[8:12] in (b"WEBP", b"WAVE"):
        return FileFormat.WEBP if head[8:12] == b"WEBP" else FileFormat.WAV
    if head[:4] == b"RIFF":
        kind = head[8:12].decode("latin-1")
        raise UnsupportedFormatError(
            f"{path}: RIFF {kind!r} files are not supported (WebP and WAV are)"
        )
    if head.startswith(b"fLaC"):
        return FileFormat.FLAC
    if head.startswith(b"OggS"):
        return FileFormat.OGG
    if head.startswith(b"ID3") and len(head) >= 10:
        return FileFormat.FLAC if _after_id3(path, head) == b"fLaC" else FileFormat.MP3
    if len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0 and head[1] & 0x06:
        return FileFormat.MP3  # MPEG audio frame sync with a layer set (ADTS AAC has layer 0)
    if len(head) >= 8 and head[4:8] in _MP4_BOXES:
        (size,) = struct.unpack(">I", head[:4])
        if size in (0, 1) or size >= 8:  # 0: to end of file; 1: a 64-bit size follows
            return FileFormat.MP4
    if b"%PDF-" in head[:1024]:
        return FileFormat.PDF
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(path)
    return None


def _ooxml(path: Path) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile as exc:
        raise CorruptFileError(f"{path}: corrupt ZIP container ({exc})") from None
    for name, fmt in _OOXML:
        if name in names:
            return fmt
    raise UnsupportedFormatError(
        f"{path}: a ZIP archive but not a DOCX, XLSX or PPTX document (no word/, xl/ or ppt/ part)"
    )


def _text(path: Path, head: bytes) -> FileFormat | None:
    """A text format, only for the text extensions (or an HTML document).

    Front matter would corrupt JSON, CSV or source code, so text with any other extension is not
    labeled.
    """
    ext = path.suffix.lower()
    if b"\x00" in head:
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 3:  # a multi-byte character cut by the read is fine
            # Text in another encoding: name it by extension so the carrier can say why.
            return _BY_EXT.get(ext) if ext in _TEXT_EXTS else None
        text = head[: exc.start].decode("utf-8")
    if text.lstrip("\ufeff \t\r\n").lower().startswith(("<!doctype html", "<html")):
        return FileFormat.HTML
    return _BY_EXT.get(ext) if ext in _TEXT_EXTS else None


def detect_format(path: Path) -> Detected:
    """Detect ``path``'s format.

    Raises:
        UnsupportedFormatError: No supported format matches the content.
        CorruptFileError: A container is recognised but cannot be opened.
    """
    with path.open("rb") as f:
        head = f.read(4096)
    if not head:
        raise UnsupportedFormatError(f"{path}: the file is empty")
    found = _binary(path, head) or _text(path, head)
    ext = path.suffix.lower()
    claimed = _BY_EXT.get(ext)
    if found is None:
        hint = f" (the extension {ext!r} suggests {claimed.value})" if claimed else ""
        if not claimed and b"\x00" not in head:
            hint = " (text: hegui labels .md, .txt and .html files, not other text formats)"
        raise UnsupportedFormatError(
            f"{path}: unsupported or unrecognised format{hint}; magic bytes {head[:8].hex(' ')}. "
            "hegui labels JPEG, PNG, WebP, MP3, WAV, FLAC, Ogg, MP4/MOV/M4A, PDF, DOCX/XLSX/PPTX, "
            "Markdown, plain text and HTML"
        )
    if found in _TEXT and claimed in _TEXT:
        return Detected(claimed)  # the extension is the only way to tell text formats apart
    if claimed is not None and claimed is not found:
        return Detected(
            found,
            f"{path.name}: the extension {ext!r} says {claimed.value}, but the content is "
            f"{found.value} (magic bytes {head[:4].hex(' ')}); "
            f"rename it to a {found.value} extension",
        )
    return Detected(found)
