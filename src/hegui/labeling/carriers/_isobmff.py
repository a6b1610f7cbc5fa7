"""ISO base media file format (ISO/IEC 14496-12) boxes: walk, build, and move media data.

Shared by the MP4/MOV/M4A carrier. Only headers are read from the file; payloads are read by the
caller when it needs them.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers._io import read_exact

__all__ = [
    "Box",
    "check_fragments",
    "children",
    "make_box",
    "make_full_box",
    "shift_chunk_offsets",
    "top_level",
]

_CONTAINERS: Final = frozenset({b"trak", b"mdia", b"minf", b"stbl"})


@dataclass(frozen=True, slots=True)
class Box:
    """A box: type, offset of its header, header length and total size."""

    type: bytes
    offset: int
    header: int
    size: int

    @property
    def end(self) -> int:
        """Offset after the box."""
        return self.offset + self.size

    @property
    def body(self) -> int:
        """Offset of the payload."""
        return self.offset + self.header


def _header(data: bytes, pos: int, end: int, where: str) -> Box:
    if pos + 8 > end:
        raise CorruptFileError(f"{where}: truncated box header at byte {pos}")
    size, kind = struct.unpack_from(">I4s", data, pos)
    header = 8
    if size == 1:
        if pos + 16 > end:
            raise CorruptFileError(f"{where}: truncated 64-bit box header at byte {pos}")
        (size,) = struct.unpack_from(">Q", data, pos + 8)
        header = 16
    elif size == 0:
        size = end - pos
    if size < header or pos + size > end:
        raise CorruptFileError(
            f"{where}: box {kind.decode('latin-1')!r} at byte {pos} declares {size} bytes, "
            f"past the end of its container at byte {end} (truncated or corrupt)"
        )
    return Box(kind, pos, header, size)


def children(data: bytes, start: int, end: int, where: str) -> list[Box]:
    """Boxes in ``data[start:end]`` (offsets into ``data``)."""
    out: list[Box] = []
    pos = start
    cap = current_limits().max_structures
    while pos < end:
        if len(out) >= cap:
            raise CorruptFileError(f"{where}: more than {cap} boxes in one container")
        box = _header(data, pos, end, where)
        out.append(box)
        pos = box.end
    return out


def top_level(f: BinaryIO, path: Path) -> list[Box]:
    """Top-level boxes, reading headers only; at most ``max_structures`` of them (S11)."""
    size = f.seek(0, 2)
    out: list[Box] = []
    pos = 0
    cap = current_limits().max_structures
    while pos < size:
        if len(out) >= cap:
            raise CorruptFileError(
                f"{path}: more than {cap} top-level boxes (max_structures); a real MP4 has a "
                "handful. Raise the limit with --limit max_structures=N if this file is genuine"
            )
        f.seek(pos)
        head = f.read(16)
        if len(head) < 8:
            raise CorruptFileError(f"{path}: truncated box header at byte {pos}")
        declared, kind = struct.unpack_from(">I4s", head)
        header, total = 8, declared
        if declared == 1:
            if len(head) < 16:
                raise CorruptFileError(f"{path}: truncated 64-bit box header at byte {pos}")
            (total,) = struct.unpack_from(">Q", head, 8)
            header = 16
        elif declared == 0:
            total = size - pos  # the last box may run to the end of the file
        if total < header:
            raise CorruptFileError(f"{path}: corrupt box header at byte {pos} (size {total})")
        if pos + total > size:
            raise CorruptFileError(
                f"{path}: truncated: box {kind.decode('latin-1')!r} at byte {pos} declares "
                f"{total} bytes, the file ends at byte {size}"
            )
        out.append(Box(kind, pos, header, total))
        pos += total
    return out


def make_full_box(kind: bytes, payload: bytes, version_flags: int = 0) -> bytes:
    """A FullBox: header, version and flags, payload."""
    return make_box(kind, struct.pack(">I", version_flags) + payload)


def make_box(kind: bytes, payload: bytes) -> bytes:
    """A box with a 32-bit size header."""
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def shift_chunk_offsets(moov: bytes, after: int, delta: int, where: str) -> bytes:
    """Add ``delta`` to every ``stco``/``co64`` entry pointing at or past ``after``."""
    data = bytearray(moov)

    def visit(start: int, end: int) -> None:
        for box in children(moov, start, end, where):
            if box.type in _CONTAINERS:
                visit(box.body, box.end)
            elif box.type in (b"stco", b"co64"):
                wide = box.type == b"co64"
                fmt, step = (">Q", 8) if wide else (">I", 4)
                (count,) = struct.unpack_from(">I", moov, box.body + 4)
                for i in range(count):
                    at = box.body + 8 + i * step
                    (offset,) = struct.unpack_from(fmt, moov, at)
                    if offset >= after:
                        if not wide and offset + delta > 0xFFFFFFFF:
                            raise UnsupportedFormatError(
                                f"{where}: shifting the media data would overflow a 32-bit "
                                "chunk offset (stco); relabel after moving moov to the end"
                            )
                        struct.pack_into(fmt, data, at, offset + delta)

    for trak in children(moov, 8, len(moov), where):
        if trak.type == b"trak":
            visit(trak.body, trak.end)
    return bytes(data)


def check_fragments(f: BinaryIO, boxes: list[Box], path: Path) -> None:
    if any(b.type == b"mfra" for b in boxes):
        raise UnsupportedFormatError(
            f"{path}: fragmented MP4 with an mfra index (absolute offsets) and moov before the "
            "media; hegui would have to shift it. Remux with moov at the end first"
        )
    for box in boxes:
        if box.type != b"moof":
            continue
        f.seek(box.offset)
        moof = read_exact(f, box.size, path, "moof")
        for traf in children(moof, box.header, len(moof), str(path)):
            for tfhd in (
                children(moof, traf.body, traf.end, str(path)) if traf.type == b"traf" else []
            ):
                if tfhd.type == b"tfhd" and moof[tfhd.body + 3] & 0x01:
                    raise UnsupportedFormatError(
                        f"{path}: fragment at byte {box.offset} uses an absolute base data "
                        "offset; hegui cannot shift it"
                    )
