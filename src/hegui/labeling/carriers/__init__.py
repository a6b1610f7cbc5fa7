"""Metadata carriers: one per file format, each reading and writing the implicit label.

A carrier never re-encodes media data and keeps every other piece of metadata: it updates the
``AIGC`` property only. It writes from ``src`` to a fresh ``dst`` (the caller renames ``dst`` over
the target), so the input is never modified. Carriers per format follow the TC260 practice guides
V1.0-202508 (``standards.md`` §2.4, grade C; confidence S).

Third parties add a format with :func:`carrier`; each registered class is instantiated once.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import ClassVar, Protocol

from hegui.errors import UnsupportedFormatError
from hegui.labeling._found import RawLabel

__all__ = ["Carrier", "FileFormat", "carrier", "carrier_for", "registered_formats"]


class FileFormat(StrEnum):
    """Formats hegui labels, by magic bytes (text formats by content and extension)."""

    JPEG = "jpeg"
    PNG = "png"
    WEBP = "webp"
    MP3 = "mp3"
    WAV = "wav"
    FLAC = "flac"
    OGG = "ogg"
    MP4 = "mp4"
    """ISO base media: MP4, MOV, M4A (and 3GP); one carrier, ``moov/udta/meta``."""
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    MARKDOWN = "markdown"
    TEXT = "text"
    HTML = "html"


class Carrier(Protocol):
    """Reads and writes the ``AIGC`` label in one file format."""

    format: ClassVar[FileFormat]
    slot: ClassVar[str]
    """Carrier id of the slot :meth:`write` fills, e.g. ``jpeg.xmp``."""

    def read(self, path: Path) -> list[RawLabel]:
        """Every label-like value in the file, in any known slot or variant."""
        ...

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Copy ``src`` to the new file ``dst`` with ``value`` in :attr:`slot`.

        Raises:
            CorruptFileError: ``src`` is truncated or malformed.
        """
        ...

    def essence(self, path: Path) -> str | None:
        """Hex SHA-256 of the media data without metadata, unchanged by :meth:`write`.

        None if the format has no such digest.
        """
        ...


_REGISTRY: dict[FileFormat, Carrier] = {}


def carrier(cls: type[Carrier]) -> type[Carrier]:
    """Class decorator: register ``cls`` as the carrier of ``cls.format``."""
    _REGISTRY[cls.format] = cls()
    return cls


def _load_builtin() -> None:
    # Imported on first use, not at package import, so importing hegui.labeling stays cheap.
    # Importing one carrier module directly registers only that one, hence the import here
    # runs every time (a no-op after the first).
    from hegui.labeling.carriers import (  # noqa: F401
        _audio,
        _html,
        _jpeg,
        _mp4,
        _ooxml,
        _pdf,
        _png,
        _riff,
        _text,
    )


def carrier_for(fmt: FileFormat) -> Carrier:
    """The registered carrier of ``fmt``."""
    _load_builtin()
    try:
        return _REGISTRY[fmt]
    except KeyError:
        raise UnsupportedFormatError(f"no carrier is registered for {fmt.value}") from None


def registered_formats() -> list[FileFormat]:
    """Formats with a carrier."""
    _load_builtin()
    return sorted(_REGISTRY, key=list(FileFormat).index)
