"""Metadata carriers: one per file format, each reading and writing the implicit label.

A carrier never re-encodes media data and keeps every other piece of metadata: it updates the
``AIGC`` property only. It writes from ``src`` to a fresh ``dst`` (the caller renames ``dst`` over
the target), so the input is never modified. Carriers per format follow the TC260 practice guides
V1.0-202508 (``standards.md`` §2.4, grade C; confidence S).

Carriers are components (:data:`CARRIERS`, ids ``hegui/<format>``); each is built once per
process and recorded in the Evidence of the commands that used it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import ClassVar, Final, Protocol, TypeVar

from hegui.components import Registry
from hegui.errors import UnknownIdError, UnsupportedFormatError
from hegui.labeling._found import RawLabel

__all__ = [
    "CARRIERS",
    "RETIRED_DIGESTS",
    "Carrier",
    "FileFormat",
    "carrier",
    "carrier_for",
    "carrier_id",
    "registered_formats",
]

_C = TypeVar("_C")


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
    digest_version: ClassVar[int]
    """Version of the :meth:`essence` definition (``<format>/<version>``); 0: no digest."""

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
        """Hex SHA-256 of what a reader renders, unchanged by :meth:`write`.

        None if the format has no such digest.
        """
        ...


CARRIERS: Final = Registry[Carrier](
    "carrier",
    "hegui.carriers",
    builtins=tuple(
        f"hegui.labeling.carriers.{m}"
        for m in ("_audio", "_html", "_jpeg", "_mp4", "_ooxml", "_pdf", "_png", "_riff", "_text")
    ),
)
"""Carriers by component id (``hegui/<format>``); third parties add theirs through the
``hegui.carriers`` entry-point group."""

RETIRED_DIGESTS: Final = {
    "jpeg/1": "APPn segments were outside it: EXIF orientation, ICC profile, Adobe APP14 (S6)",
    "png/1": "eXIf and text chunks were outside it (S6)",
    "webp/1": "the VP8X header and EXIF chunk were outside it",
    "wav/1": "only the fmt and data chunks were covered",
    "mp4/1": "only the mdat payloads were covered, not the track and edit tables in moov",
    "pdf/1": "page boxes, rotation, annotations and most resources were outside it (S3)",
    "docx/1": "docProps/*, the content types and package relationships were outside it (S2)",
    "xlsx/1": "docProps/*, the content types and package relationships were outside it (S2)",
    "pptx/1": "docProps/*, the content types and package relationships were outside it (S2)",
}
"""Content digest definitions no longer computed, and why they were retired."""


def carrier(component_id: str) -> Callable[[type[_C]], type[_C]]:
    """Class decorator: register a carrier class under ``component_id`` (``hegui/png``)."""
    return CARRIERS.register(component_id)


def carrier_id(fmt: FileFormat) -> str:
    """The component id of the carrier of ``fmt``."""
    return f"hegui/{fmt.value}"


def carrier_for(fmt: FileFormat) -> Carrier:
    """The registered carrier of ``fmt`` (built once per process)."""
    try:
        return _built(carrier_id(fmt))
    except UnknownIdError:
        raise UnsupportedFormatError(f"no carrier is registered for {fmt.value}") from None


@cache
def _built(component_id: str) -> Carrier:
    return CARRIERS.build(component_id)


def registered_formats() -> list[FileFormat]:
    """Formats with a carrier."""
    ids = set(CARRIERS.ids())
    return [f for f in FileFormat if carrier_id(f) in ids]
