"""MP4, MOV and M4A: key ``AIGC`` in ``moov/udta/meta`` (``keys`` + ``ilst``).

Source: TC260-PG-20257A §6.1.1 as cited in ``standards.md`` §2.4 (grade C); which ``meta`` box
gets the key, and the placements read besides, are in :mod:`._mp4_meta`.

Streaming: only ``moov`` (and small boxes next to it) is read into memory; ``mdat`` and every
other box is copied with ``copy_file_range``. When ``moov`` precedes the media data and changes
size, a ``free`` box right after it absorbs the change if it can; otherwise every ``stco`` /
``co64`` chunk offset is shifted. Fragmented files with absolute offsets (``tfhd`` base data
offset, ``mfra``) are refused rather than shifted.

Also read: ``TC260:AIGC`` in XMP (a top-level ``uuid`` box; XMP is the guides' general fallback,
so that form is conforming).
"""

from __future__ import annotations

import hashlib
import struct
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling._found import RawLabel
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import copy_range, hash_range, read_exact
from hegui.labeling.carriers._isobmff import (
    Box,
    check_fragments,
    children,
    make_box,
    shift_chunk_offsets,
    top_level,
)
from hegui.labeling.carriers._mp4_meta import XMP_UUID, labels, set_label
from hegui.labeling.carriers._xmp import find_labels, xmp_raw

__all__ = ["Mp4Carrier"]

_SKIPPED: Final = frozenset({b"free", b"skip", b"wide"})
_LABEL_PLACES: Final = frozenset({b"udta", b"meta", b"uuid"})
_TABLE_PATH: Final = frozenset({b"trak", b"mdia", b"minf", b"stbl"})


@carrier("hegui/mp4")
class Mp4Carrier:
    """``moov/udta/meta`` mdta key ``AIGC``."""

    format: ClassVar[FileFormat] = FileFormat.MP4
    slot: ClassVar[str] = "mp4.keys"
    digest_version: ClassVar[int] = 2

    def _moov(self, f: BinaryIO, path: Path) -> tuple[list[Box], Box, bytes]:
        boxes = top_level(f, path)
        moovs = [b for b in boxes if b.type == b"moov"]
        if len(moovs) != 1:
            what = "no moov box (an unfinished recording?)" if not moovs else "several moov boxes"
            raise CorruptFileError(f"{path}: {what}; cannot label it")
        moov = moovs[0]
        cap = current_limits().max_header_bytes
        if moov.size > cap:
            raise UnsupportedFormatError(
                f"{path}: moov is {moov.size} bytes, over the max_header_bytes limit ({cap})"
            )
        f.seek(moov.offset)
        data = read_exact(f, moov.size, path, "moov")
        if moov.header == 16:  # normalise a 64-bit moov header
            data = make_box(b"moov", data[16:])
        return boxes, moov, data

    def read(self, path: Path) -> list[RawLabel]:
        """Labels in moov (keys, freeform, XMP) and in a top-level XMP uuid box."""
        with path.open("rb") as f:
            boxes, _, moov = self._moov(f, path)
            found = labels(moov, str(path))
            for box in boxes:
                if box.type == b"uuid" and box.size < current_limits().max_metadata_bytes:
                    f.seek(box.body)
                    if f.read(16) == XMP_UUID:
                        packet = f.read(box.size - box.header - 16)
                        found += [xmp_raw("mp4.xmp", h) for h in find_labels(packet)]
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Rewrite moov with the label; stream everything else."""
        where = str(src)
        with src.open("rb") as f:
            boxes, moov_box, moov = self._moov(f, src)
            new = set_label(moov, value, where)
            delta = len(new) - moov_box.size
            media_after = any(
                b.type in (b"mdat", b"moof") and b.offset > moov_box.offset for b in boxes
            )
            at = boxes.index(moov_box)
            following = boxes[at + 1] if at + 1 < len(boxes) else None
            replace: dict[int, bytes] = {moov_box.offset: new}
            tail = b""
            if delta and media_after:
                free = following if following and following.type in (b"free", b"skip") else None
                left = free.size - delta if free is not None and free.header == 8 else -1
                if free is not None and (left >= 8 or left == 0):
                    # Padding after moov absorbs the change, so no chunk offset moves.
                    replace[free.offset] = make_box(b"free", b"\x00" * (left - 8)) if left else b""
                elif delta <= -8:
                    tail = make_box(b"free", b"\x00" * (-delta - 8))
                else:
                    check_fragments(f, boxes, src)
                    replace[moov_box.offset] = shift_chunk_offsets(new, moov_box.end, delta, where)
            with dst.open("wb") as out:
                for box in boxes:
                    if box.offset in replace:
                        out.write(replace[box.offset])
                        if box is moov_box:
                            out.write(tail)
                        continue
                    f.seek(box.offset)
                    copy_range(f, out, box.size, src)

    def essence(self, path: Path) -> str | None:
        """``mp4/2``: ``moov`` without its label places, then every other box but padding.

        ``moov`` holds the track headers, edit lists and sample tables that decide what plays;
        its ``udta``, ``meta`` and XMP ``uuid`` children (user data and labels) are left out,
        and chunk offsets are hashed relative to the first ``mdat`` payload, so moving the media
        data when ``moov`` grows leaves the digest unchanged. ``mdat`` is hashed by payload;
        ``free``/``skip``/``wide`` padding is skipped.
        """
        h = hashlib.sha256()
        with path.open("rb") as f:
            boxes = top_level(f, path)
            mdat = next((b for b in boxes if b.type == b"mdat"), None)
            base = mdat.body if mdat is not None else 0
            for box in boxes:
                if box.type in _SKIPPED:
                    continue
                h.update(box.type)
                if box.type == b"moov":
                    _, _, moov = self._moov(f, path)
                    _hash_moov(h, moov, base, str(path))
                    continue
                f.seek(box.body)
                hash_range(f, box.size - box.header, h)
        return h.hexdigest()


def _hash_moov(h: Any, moov: bytes, base: int, where: str) -> None:
    def visit(start: int, end: int, top: bool) -> None:
        for box in children(moov, start, end, where):
            if top and box.type in _LABEL_PLACES:
                continue
            h.update(box.type + struct.pack(">Q", box.size - box.header))
            if box.type in _TABLE_PATH:
                visit(box.body, box.end, False)
            elif box.type in (b"stco", b"co64"):
                fmt, step = (">Q", 8) if box.type == b"co64" else (">I", 4)
                (count,) = struct.unpack_from(">I", moov, box.body + 4)
                if box.body + 8 + count * step > box.end:
                    raise CorruptFileError(f"{where}: {box.type!r} table runs past its box")
                h.update(moov[box.body : box.body + 8])
                for i in range(count):
                    (offset,) = struct.unpack_from(fmt, moov, box.body + 8 + i * step)
                    h.update(struct.pack(">q", offset - base))
            else:
                h.update(moov[box.body : box.end])

    visit(8, len(moov), True)
