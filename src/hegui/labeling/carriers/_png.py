"""PNG: XMP in an ``iTXt`` chunk (keyword ``XML:com.adobe.xmp``).

Also reads ``tEXt``/``zTXt``/``iTXt`` with keyword ``AIGC`` (TC260-PG-20259A App. B, bare JSON or
``{"AIGC":{…}}``).

Sources: ``standards.md`` §2.4 (grade C). The new ``iTXt`` goes before the first ``IDAT``, as
the PNG specification wants for XMP; image chunks are copied byte for byte.
"""

from __future__ import annotations

import hashlib
import itertools
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar, Final

from hegui.errors import CorruptFileError
from hegui.labeling._found import RawLabel, decode_value
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import copy_range, copy_rest, hash_range, read_exact
from hegui.labeling.carriers._xmp import find_labels, set_label, xmp_raw

__all__ = ["PngCarrier"]

SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"
XMP_KEYWORD: Final = b"XML:com.adobe.xmp"
_TEXT_CHUNKS: Final = frozenset({b"tEXt", b"zTXt", b"iTXt"})


@dataclass(frozen=True, slots=True)
class Chunk:
    """Position of one chunk: type, data offset and length."""

    type: bytes
    offset: int
    """Offset of the length field."""
    length: int

    @property
    def end(self) -> int:
        """Offset after the CRC."""
        return self.offset + 12 + self.length


def chunks(f: BinaryIO, path: Path) -> Iterator[Chunk]:
    """Walk the chunks up to and including IEND, without reading their data."""
    if f.read(8) != SIGNATURE:
        raise CorruptFileError(f"{path}: not a PNG (bad signature)")
    size = f.seek(0, 2)
    pos = 8
    cap = current_limits().max_structures
    for count in itertools.count():
        if count >= cap:
            raise CorruptFileError(
                f"{path}: more than {cap} chunks before IEND (max_structures); a real PNG has a "
                "handful. Raise the limit with --limit max_structures=N if this file is genuine"
            )
        f.seek(pos)
        length, kind = struct.unpack(">I4s", read_exact(f, 8, path, "PNG chunk header"))
        chunk = Chunk(kind, pos, length)
        if chunk.end > size:
            raise CorruptFileError(
                f"{path}: truncated: chunk {kind.decode('latin-1')!r} at byte {pos} needs "
                f"{length} bytes of data, the file ends at byte {size}"
            )
        yield chunk
        if kind == b"IEND":
            return
        pos = chunk.end
    raise AssertionError("unreachable")


def _data(f: BinaryIO, chunk: Chunk, path: Path) -> bytes:
    f.seek(chunk.offset + 8)
    data = read_exact(f, chunk.length, path, f"{chunk.type.decode('latin-1')} data")
    (crc,) = struct.unpack(">I", read_exact(f, 4, path, "CRC"))
    if zlib.crc32(chunk.type + data) != crc:
        raise CorruptFileError(
            f"{path}: corrupt: CRC mismatch in chunk {chunk.type.decode('latin-1')!r} at byte "
            f"{chunk.offset}"
        )
    return data


def _text_bytes(kind: bytes, data: bytes) -> bytes:
    """The raw text of a tEXt, zTXt or iTXt chunk, inflated."""
    _keyword, _, rest = data.partition(b"\x00")
    if kind == b"tEXt":
        return rest
    if kind == b"zTXt":
        return _inflate(rest[1:])
    compressed = rest[:1] == b"\x01"
    _lang, _, rest = rest[2:].partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    return _inflate(text) if compressed else text


def _inflate(data: bytes) -> bytes:
    # Bounded: a decompression bomb in a text chunk must not exhaust memory.
    cap = current_limits().max_metadata_bytes
    d = zlib.decompressobj()
    out = d.decompress(data, cap)
    if d.unconsumed_tail:
        raise zlib.error(f"text expands beyond {cap} bytes (max_metadata_bytes)")
    return out


def _itxt(keyword: bytes, text: bytes) -> bytes:
    data = keyword + b"\x00\x00\x00\x00\x00" + text  # uncompressed, no language, no translation
    return (
        struct.pack(">I4s", len(data), b"iTXt")
        + data
        + struct.pack(">I", zlib.crc32(b"iTXt" + data))
    )


@carrier("hegui/png")
class PngCarrier:
    """iTXt XMP (written); tEXt/zTXt/iTXt ``AIGC`` (read)."""

    format: ClassVar[FileFormat] = FileFormat.PNG
    slot: ClassVar[str] = "png.xmp"
    digest_version: ClassVar[int] = 2

    def read(self, path: Path) -> list[RawLabel]:
        """Labels in XMP and in text chunks keyed ``AIGC``."""
        found: list[RawLabel] = []
        with path.open("rb") as f:
            cap = current_limits().max_metadata_bytes
            for chunk in list(chunks(f, path)):
                if chunk.type not in _TEXT_CHUNKS:
                    continue
                f.seek(chunk.offset + 8)
                keyword = f.read(80).partition(b"\x00")[0]
                is_xmp = chunk.type == b"iTXt" and keyword == XMP_KEYWORD
                if not is_xmp and keyword.upper() != b"AIGC":
                    continue
                kind = chunk.type.decode("latin-1")
                if chunk.length > cap:
                    problem = f"{kind} chunk at byte {chunk.offset} has {chunk.length} bytes, over "
                    problem += f"the max_metadata_bytes limit ({cap}); not read"
                    found.append(RawLabel(f"png.{kind}", "", problems=(problem,)))
                    continue
                f.seek(chunk.offset + 8)
                data = read_exact(f, chunk.length, path, "text chunk")
                problems: tuple[str, ...] = ()
                if zlib.crc32(chunk.type + data) != struct.unpack(">I", f.read(4))[0]:
                    problems += (f"{kind} chunk at byte {chunk.offset} fails its CRC",)
                try:
                    raw = _text_bytes(chunk.type, data)
                except zlib.error as exc:
                    problems += (f"{kind} chunk cannot be decompressed ({exc})",)
                    found.append(RawLabel(f"png.{kind}", "", problems=problems))
                    continue
                if is_xmp:
                    found += [xmp_raw(self.slot, h, problems) for h in find_labels(raw)]
                    continue
                if keyword != b"AIGC":
                    problems += (f"keyword {keyword.decode('latin-1')!r}; expected 'AIGC'",)
                if chunk.type == b"iTXt":
                    text, bad = decode_value(raw, f"{kind} text")
                    problems += bad
                else:
                    text = raw.decode("latin-1")  # the PNG spec's encoding of tEXt and zTXt
                found.append(RawLabel(f"png.{kind}", text, problems=problems))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Replace the XMP iTXt chunk, or insert one before the first IDAT."""
        with src.open("rb") as f:
            layout = list(chunks(f, src))
            xmp: Chunk | None = None
            for chunk in layout:
                if chunk.type == b"iTXt":
                    data = _data(f, chunk, src)
                    if data.startswith(XMP_KEYWORD + b"\x00"):
                        xmp = chunk
                        try:
                            old = _text_bytes(b"iTXt", data)
                        except zlib.error as exc:
                            raise CorruptFileError(
                                f"{src}: XMP iTXt cannot be inflated ({exc})"
                            ) from None
                        break
            try:
                packet = set_label(old if xmp else None, value)
            except CorruptFileError as exc:
                raise CorruptFileError(f"{src}: {exc}") from None
            new = _itxt(XMP_KEYWORD, packet)
            anchor = xmp or next(c for c in layout if c.type in (b"IDAT", b"IEND"))
            with dst.open("wb") as out:
                out.write(SIGNATURE)
                f.seek(8)
                copy_range(f, out, anchor.offset - 8, src)
                out.write(new)
                f.seek(anchor.end if xmp else anchor.offset)
                copy_rest(f, out, src)

    def essence(self, path: Path) -> str | None:
        """``png/2``: type and data of every chunk but the label's (XMP iTXt, text ``AIGC``).

        ``eXIf`` (orientation), ``iCCP``, ``gAMA`` and the rest change or may change what a
        reader shows, so they are covered.
        """
        h = hashlib.sha256()
        with path.open("rb") as f:
            for chunk in list(chunks(f, path)):
                if chunk.type in _TEXT_CHUNKS:
                    f.seek(chunk.offset + 8)
                    keyword = f.read(80).partition(b"\x00")[0]
                    if keyword in (XMP_KEYWORD, b"AIGC"):
                        continue
                h.update(chunk.type + struct.pack(">I", chunk.length))
                f.seek(chunk.offset + 8)
                hash_range(f, chunk.length, h)
        return h.hexdigest()
