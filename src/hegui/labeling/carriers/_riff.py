"""RIFF containers: WebP (``XMP `` chunk) and WAV (top-level ``AIGC`` chunk).

Sources (``standards.md`` §2.4, grade C): WebP carries XMP in the ``XMP `` chunk, which needs the
extended layout (``VP8X`` with the XMP flag); TC260-PG-202510A puts the JSON in a WAV sub-chunk
with id ``AIGC``. One writer (gtkit/aigc) also adds ``LIST/INFO`` ``AIGC``; hegui reads that form
and reports it. Chunks other than the label (and, for WebP, the ``VP8X`` header) are copied byte
for byte.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar, Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling._found import RawLabel, decode_value
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import copy_range, hash_range, read_exact
from hegui.labeling.carriers._xmp import find_labels, set_label, xmp_raw

__all__ = ["WavCarrier", "WebpCarrier"]

_XMP_FLAG: Final = 0x04
_ALPHA_FLAG: Final = 0x10


@dataclass(frozen=True, slots=True)
class Chunk:
    """A chunk's id, header offset and data length (without the pad byte)."""

    id: bytes
    offset: int
    length: int

    @property
    def data_offset(self) -> int:
        """Offset of the data."""
        return self.offset + 8

    @property
    def end(self) -> int:
        """Offset after the data and its pad byte."""
        return self.offset + 8 + self.length + (self.length & 1)


def chunks(f: BinaryIO, path: Path, form: bytes) -> Iterator[Chunk]:
    """Top-level chunks of a RIFF ``form`` file, walked to the end of the file.

    The RIFF size field is not trusted (streaming writers leave it wrong); a chunk that runs past
    the end of the file is an error, except that a missing final pad byte is tolerated.
    """
    head = f.read(12)
    if head[:4] == b"RF64":
        raise UnsupportedFormatError(f"{path}: RF64 (WAV over 4 GiB) is not supported")
    if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != form:
        raise CorruptFileError(f"{path}: not a RIFF {form.decode()} file")
    size = f.seek(0, 2)
    pos = 12
    cap = current_limits().max_structures
    count = 0
    while pos + 8 <= size:
        count += 1
        if count > cap:
            raise CorruptFileError(
                f"{path}: more than {cap} top-level chunks (max_structures); not a plausible "
                f"RIFF {form.decode()} file"
            )
        f.seek(pos)
        cid, length = struct.unpack("<4sI", f.read(8))
        chunk = Chunk(cid, pos, length)
        if chunk.data_offset + length > size:
            raise CorruptFileError(
                f"{path}: truncated: chunk {cid.decode('latin-1')!r} at byte {pos} declares "
                f"{length} bytes, the file ends at byte {size}"
            )
        yield chunk
        pos = chunk.end
    if pos < size:
        raise CorruptFileError(f"{path}: corrupt: {size - pos} stray bytes at byte {pos}")


def _read(f: BinaryIO, chunk: Chunk, path: Path) -> bytes:
    cap = current_limits().max_metadata_bytes
    if chunk.length > cap:
        raise CorruptFileError(
            f"{path}: metadata chunk {chunk.id.decode('latin-1')!r} at byte {chunk.offset} has "
            f"{chunk.length} bytes, over the max_metadata_bytes limit ({cap})"
        )
    f.seek(chunk.data_offset)
    return read_exact(f, chunk.length, path, f"chunk {chunk.id.decode('latin-1')!r}")


def _encode(cid: bytes, data: bytes) -> bytes:
    return struct.pack("<4sI", cid, len(data)) + data + (b"\x00" if len(data) & 1 else b"")


def _copy_chunk(f: BinaryIO, out: BinaryIO, chunk: Chunk, path: Path) -> None:
    f.seek(chunk.offset)
    length = chunk.end - chunk.offset
    size = f.seek(0, 2)
    f.seek(chunk.offset)
    copy_range(f, out, min(length, size - chunk.offset), path)
    if length > size - chunk.offset:
        out.write(b"\x00")  # restore a missing final pad byte


def _write_riff(out: BinaryIO, form: bytes, body_length: int) -> None:
    if body_length + 4 > 0xFFFFFFFF:
        raise UnsupportedFormatError("the labeled file would exceed the 4 GiB RIFF limit")
    out.write(b"RIFF" + struct.pack("<I", body_length + 4) + form)


def _canvas(f: BinaryIO, first: Chunk, path: Path) -> tuple[int, int, bool]:
    """Width, height and alpha of a simple-format WebP, from its bitstream header."""
    data = _read(f, Chunk(first.id, first.offset, min(first.length, 30)), path)
    if first.id == b"VP8 " and data[3:6] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[6:10])
        return w & 0x3FFF, h & 0x3FFF, False
    if first.id == b"VP8L" and data[:1] == b"\x2f":
        (bits,) = struct.unpack("<I", data[1:5])
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, bool(bits >> 28 & 1)
    raise CorruptFileError(f"{path}: corrupt WebP: unrecognised {first.id!r} bitstream header")


def _vp8x(f: BinaryIO, layout: list[Chunk], path: Path) -> tuple[bytes, list[Chunk]]:
    """The ``VP8X`` payload without the XMP flag, and the chunks after it.

    A simple-format file gets the header :meth:`WebpCarrier.write` would add.
    """
    if layout[0].id == b"VP8X":
        vp8x = bytearray(_read(f, layout[0], path))
        if vp8x:
            vp8x[0] &= ~_XMP_FLAG & 0xFF
        return bytes(vp8x), layout[1:]
    w, h, alpha = _canvas(f, layout[0], path)
    has_alpha = alpha or any(c.id == b"ALPH" for c in layout)
    made = struct.pack("<I", _ALPHA_FLAG if has_alpha else 0)
    made += struct.pack("<I", w - 1)[:3] + struct.pack("<I", h - 1)[:3]
    return made, layout


@carrier("hegui/webp")
class WebpCarrier:
    """The ``XMP `` chunk, with ``VP8X`` added or flagged as the extended layout requires."""

    format: ClassVar[FileFormat] = FileFormat.WEBP
    slot: ClassVar[str] = "webp.xmp"
    digest_version: ClassVar[int] = 2

    def read(self, path: Path) -> list[RawLabel]:
        """Labels in the XMP chunk."""
        with path.open("rb") as f:
            xmp = [c for c in chunks(f, path, b"WEBP") if c.id == b"XMP "]
            return [xmp_raw(self.slot, h) for c in xmp for h in find_labels(_read(f, c, path))]

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Write the XMP chunk last (the layout's order) and set the VP8X XMP flag."""
        with src.open("rb") as f:
            layout = list(chunks(f, src, b"WEBP"))
            if not layout:
                raise CorruptFileError(f"{src}: corrupt WebP: no chunks")
            old = next((c for c in layout if c.id == b"XMP "), None)
            try:
                packet = set_label(None if old is None else _read(f, old, src), value)
            except CorruptFileError as exc:
                raise CorruptFileError(f"{src}: {exc}") from None
            header, rest = _vp8x(f, layout, src)
            vp8x = bytearray(header)
            vp8x[0] |= _XMP_FLAG
            kept = [c for c in rest if c.id != b"XMP "]
            head, tail = _encode(b"VP8X", bytes(vp8x)), _encode(b"XMP ", packet)
            body = sum(c.length + 8 + (c.length & 1) for c in kept)
            with dst.open("wb") as out:
                _write_riff(out, b"WEBP", len(head) + body + len(tail))
                out.write(head)
                for c in kept:
                    _copy_chunk(f, out, c, src)
                out.write(tail)

    def essence(self, path: Path) -> str | None:
        """``webp/2``: the ``VP8X`` header without its XMP flag, then every chunk but ``XMP ``.

        A simple-format file has no ``VP8X``; the header :meth:`write` would add is hashed in its
        place, so labeling leaves the digest unchanged.
        """
        h = hashlib.sha256()
        with path.open("rb") as f:
            layout = list(chunks(f, path, b"WEBP"))
            if not layout:
                raise CorruptFileError(f"{path}: corrupt WebP: no chunks")
            h.update(b"VP8X" + _vp8x(f, layout, path)[0])
            for c in layout:
                if c.id in (b"VP8X", b"XMP "):
                    continue
                h.update(c.id + struct.pack("<I", c.length))
                f.seek(c.data_offset)
                hash_range(f, c.length, h)
        return h.hexdigest()


@carrier("hegui/wav")
class WavCarrier:
    """A top-level ``AIGC`` chunk (written); ``LIST/INFO`` ``AIGC`` (read)."""

    format: ClassVar[FileFormat] = FileFormat.WAV
    slot: ClassVar[str] = "wav.riff"
    digest_version: ClassVar[int] = 2

    def read(self, path: Path) -> list[RawLabel]:
        """Labels in ``AIGC`` chunks and ``LIST/INFO``."""
        found: list[RawLabel] = []
        with path.open("rb") as f:
            for c in list(chunks(f, path, b"WAVE")):
                if c.id.upper() == b"AIGC":
                    text, bad = decode_value(_read(f, c, path).rstrip(b"\x00"), "AIGC chunk")
                    extra = () if c.id == b"AIGC" else (f"chunk id {c.id!r}; expected b'AIGC'",)
                    found.append(RawLabel(self.slot, text, problems=extra + bad))
                elif c.id == b"_PMX":
                    # The XMP Toolkit (exempi) writes XMP in a _PMX chunk (label audit).
                    note = (
                        "label in XMP inside the WAV _PMX chunk; TC260-PG-202510A puts it in "
                        "an AIGC chunk (non-standard placement)"
                    )
                    hits = find_labels(_read(f, c, path))
                    found += [xmp_raw("wav.xmp", h, (note,), standard=False) for h in hits]
                elif c.id == b"LIST" and c.length <= current_limits().max_metadata_bytes:
                    found += _info_labels(_read(f, c, path))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Replace the ``AIGC`` chunk in place of the old one, or append it."""
        with src.open("rb") as f:
            layout = list(chunks(f, src, b"WAVE"))
            new = _encode(b"AIGC", value.encode())
            at = next((i for i, c in enumerate(layout) if c.id == b"AIGC"), len(layout))
            kept = [c for c in layout if c.id != b"AIGC"]
            body = sum(c.length + 8 + (c.length & 1) for c in kept) + len(new)
            with dst.open("wb") as out:
                _write_riff(out, b"WAVE", body)
                for i, c in enumerate(layout):
                    if i == at:
                        out.write(new)
                    if c.id != b"AIGC":
                        _copy_chunk(f, out, c, src)
                if at == len(layout):
                    out.write(new)

    def essence(self, path: Path) -> str | None:
        """``wav/2``: id, length and data of every top-level chunk but ``AIGC``, in order."""
        h = hashlib.sha256()
        with path.open("rb") as f:
            for c in list(chunks(f, path, b"WAVE")):
                if c.id == b"AIGC":
                    continue
                h.update(c.id + struct.pack("<I", c.length))
                f.seek(c.data_offset)
                hash_range(f, c.length, h)
        return h.hexdigest()


def _info_labels(data: bytes) -> list[RawLabel]:
    if data[:4] != b"INFO":
        return []
    found, pos = [], 4
    while pos + 8 <= len(data):
        cid, length = struct.unpack("<4sI", data[pos : pos + 8])
        if cid.upper() == b"AIGC":
            raw = data[pos + 8 : pos + 8 + length].rstrip(b"\x00")
            text, bad = decode_value(raw, "LIST/INFO AIGC")
            problem = (
                "LIST/INFO AIGC sub-chunk; TC260-PG-202510A uses a top-level AIGC chunk "
                "(non-standard placement)"
            )
            found.append(RawLabel("wav.list_info", text, problems=(problem, *bad), standard=False))
        pos += 8 + length + (length & 1)
    return found
