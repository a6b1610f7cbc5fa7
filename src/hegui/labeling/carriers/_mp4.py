"""MP4, MOV and M4A: key ``AIGC`` in ``moov/udta/meta`` (``hdlr`` ``mdta``, ``keys`` + ``ilst``).

Source: TC260-PG-20257A §6.1.1 as cited in ``standards.md`` §2.4 (grade C): the key is stored as
``mdtaAIGC`` in ``keys`` and the JSON in ``ilst`` (what ``ffmpeg -movflags use_metadata_tags``
writes). An existing iTunes-style ``meta`` (handler ``mdir``) is left alone and ours is added
beside it; an existing ``mdta`` meta gets the key added or its value replaced.

Streaming: only ``moov`` (and small boxes next to it) is read into memory; ``mdat`` and every
other box is copied with ``copy_file_range``. When ``moov`` precedes the media data and changes
size, a ``free`` box right after it absorbs the change if it can; otherwise every ``stco`` /
``co64`` chunk offset is shifted. Fragmented files with absolute offsets (``tfhd`` base data
offset, ``mfra``) are refused rather than shifted.

Also read (and reported): the key in ``moov/meta``, an iTunes freeform ``----`` item named
``AIGC``, and ``TC260:AIGC`` in XMP (``uuid`` box or ``udta/XMP_``; XMP is the guides' general
fallback, so that form is conforming).
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
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
    make_full_box,
    shift_chunk_offsets,
    top_level,
)
from hegui.labeling.carriers._xmp import find_labels

__all__ = ["Mp4Carrier"]

XMP_UUID: Final = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_KEY: Final = b"AIGC"
_SKIPPED: Final = frozenset({b"free", b"skip", b"wide"})
_LABEL_PLACES: Final = frozenset({b"udta", b"meta", b"uuid"})
_TABLE_PATH: Final = frozenset({b"trak", b"mdia", b"minf", b"stbl"})


def _meta_start(data: bytes, meta: Box) -> int:
    """Offset of a meta box's first child: ISO meta is a FullBox, QuickTime's is not."""
    if data[meta.body + 4 : meta.body + 8] == b"hdlr":
        return meta.body
    return meta.body + 4


@dataclass(frozen=True, slots=True)
class _Meta:
    handler: bytes
    keys: list[tuple[bytes, bytes]]
    """(namespace, key name) in order; item type ``n`` refers to ``keys[n - 1]``."""
    items: list[tuple[bytes, list[Box]]]
    """(item type, the item's child boxes) in ``ilst`` order."""


def _parse_meta(data: bytes, meta: Box, where: str) -> _Meta:
    handler, keys, items = b"", [], []
    for child in children(data, _meta_start(data, meta), meta.end, where):
        if child.type == b"hdlr":
            handler = data[child.body + 8 : child.body + 12]
        elif child.type == b"keys":
            (count,) = struct.unpack_from(">I", data, child.body + 4)
            pos = child.body + 8
            for _ in range(count):
                size, ns = struct.unpack_from(">I4s", data, pos)
                if size < 8 or pos + size > child.end:
                    raise CorruptFileError(f"{where}: corrupt 'keys' box at byte {child.offset}")
                keys.append((ns, data[pos + 8 : pos + size]))
                pos += size
        elif child.type == b"ilst":
            for item in children(data, child.body, child.end, where):
                items.append((item.type, children(data, item.body, item.end, where)))
    return _Meta(handler, keys, items)


def _data_value(data: bytes, boxes: list[Box]) -> tuple[str, tuple[str, ...]]:
    box = next((b for b in boxes if b.type == b"data"), None)
    if box is None:
        return "", ("ilst item has no 'data' box",)
    (kind,) = struct.unpack_from(">I", data, box.body)
    raw = data[box.body + 8 : box.end]
    if kind == 1:
        return raw.decode("utf-8", "replace"), ()
    if kind == 2:
        return raw.decode("utf-16-be", "replace"), (
            "value is UTF-16 (data type 2); expected UTF-8",
        )
    return raw.decode("utf-8", "replace"), (f"data type {kind}; expected 1 (UTF-8)",)


def _meta_labels(data: bytes, meta: Box, in_udta: bool, where: str) -> list[RawLabel]:
    parsed = _parse_meta(data, meta, where)
    found: list[RawLabel] = []
    place = () if in_udta else ("key in moov/meta; PG-20257A §6.1.1 puts it in moov/udta/meta",)
    for kind, boxes in parsed.items:
        if parsed.handler == b"mdta":
            (index,) = struct.unpack(">I", kind)
            if not 0 < index <= len(parsed.keys):
                continue
            ns, name = parsed.keys[index - 1]
            if not _is_label_key(name):
                continue
            value, problems = _data_value(data, boxes)
            if name != _KEY:
                problems += (f"key {name.decode('latin-1')!r}; expected 'AIGC'",)
            if ns != b"mdta":
                problems += (f"key namespace {ns!r}; expected b'mdta'",)
            found.append(RawLabel("mp4.keys", value, problems=place + problems))
        elif kind == b"----":
            names = [data[b.body + 4 : b.end] for b in boxes if b.type == b"name"]
            if names and names[0].upper() == _KEY:
                value, problems = _data_value(data, boxes)
                problem = "iTunes freeform '----' item; PG-20257A §6.1.1 uses an mdta key"
                found.append(RawLabel("mp4.ilst_freeform", value, problems=(problem, *problems)))
    return found


def _labels(moov: bytes, where: str) -> list[RawLabel]:
    found: list[RawLabel] = []
    for child in children(moov, 8, len(moov), where):
        if child.type == b"udta":
            for box in children(moov, child.body, child.end, where):
                if box.type == b"meta":
                    found += _meta_labels(moov, box, True, where)
                elif box.type == b"XMP_":
                    found += _xmp(moov[box.body : box.end])
        elif child.type == b"meta":
            found += _meta_labels(moov, child, False, where)
        elif child.type == b"uuid" and moov[child.body : child.body + 16] == XMP_UUID:
            found += _xmp(moov[child.body + 16 : child.end])
    return found


def _xmp(packet: bytes) -> list[RawLabel]:
    return [RawLabel("mp4.xmp", h.value, problems=h.problems) for h in find_labels(packet)]


def _ilst_item(index: int, value: str) -> bytes:
    return make_box(
        struct.pack(">I", index), make_box(b"data", struct.pack(">II", 1, 0) + value.encode())
    )


def _new_meta(value: str) -> bytes:
    hdlr = make_full_box(b"hdlr", b"\x00" * 4 + b"mdta" + b"\x00" * 13)
    keys = make_full_box(b"keys", struct.pack(">II4s", 1, 12, b"mdta") + _KEY)
    return make_full_box(b"meta", hdlr + keys + make_box(b"ilst", _ilst_item(1, value)))


def _is_label_key(name: bytes) -> bool:
    # exiftool writes user-defined Keys tags as "com.apple.quicktime.AIGC".
    upper = name.upper()
    return upper == _KEY or upper.endswith(b"." + _KEY)


def _rewrite_meta(data: bytes, meta: Box, value: str | None, where: str) -> bytes:
    """An mdta meta without any label-like key, plus ``AIGC`` = ``value`` unless None.

    Other keys keep their order and their items (renumbered when a key before them goes); every
    other child box is kept byte for byte. Returns b"" when nothing is left.
    """
    parsed = _parse_meta(data, meta, where)
    kept = [(i + 1, k) for i, k in enumerate(parsed.keys) if not _is_label_key(k[1])]
    renumber = {old: new for new, (old, _) in enumerate(kept, start=1)}
    keys = [k for _, k in kept] + ([(b"mdta", _KEY)] if value is not None else [])
    if not keys:
        return b""
    out = b""
    start = _meta_start(data, meta)
    for child in children(data, start, meta.end, where):
        if child.type == b"keys":
            entries = b"".join(struct.pack(">I4s", 8 + len(n), ns) + n for ns, n in keys)
            out += make_full_box(b"keys", struct.pack(">I", len(keys)) + entries)
        elif child.type == b"ilst":
            items = []
            for item in children(data, child.body, child.end, where):
                (old,) = struct.unpack(">I", item.type)
                if old in renumber:
                    header = struct.pack(">I", item.size) + struct.pack(">I", renumber[old])
                    items.append(header + data[item.offset + 8 : item.end])
            if value is not None:
                items.append(_ilst_item(len(keys), value))
            out += make_box(b"ilst", b"".join(items))
        else:
            out += data[child.offset : child.end]
    return make_box(b"meta", data[meta.body : start] + out)


def _has_label(data: bytes, box: Box, where: str) -> bool:
    if box.type != b"meta":
        return False
    parsed = _parse_meta(data, box, where)
    return parsed.handler == b"mdta" and any(_is_label_key(n) for _, n in parsed.keys)


def set_label(moov: bytes, value: str, where: str) -> bytes:
    """``moov`` with the label set in ``udta/meta``; every other byte of it kept.

    A label-like key elsewhere (``moov/meta``, another mdta meta, exiftool's
    ``com.apple.quicktime.AIGC``) is the same property in a wrong place: it is removed, so the
    file keeps one label.
    """
    kids = children(moov, 8, len(moov), where)
    if any(k.type == b"cmov" for k in kids):
        raise UnsupportedFormatError(f"{where}: compressed movie header (cmov) is not supported")
    udta = next((k for k in kids if k.type == b"udta"), None)
    parts, done = [], False
    for box in children(moov, udta.body, udta.end, where) if udta else []:
        is_mdta = box.type == b"meta" and _parse_meta(moov, box, where).handler == b"mdta"
        if is_mdta and not done:
            parts.append(_rewrite_meta(moov, box, value, where))
            done = True
        elif _has_label(moov, box, where):
            parts.append(_rewrite_meta(moov, box, None, where))
        else:
            parts.append(moov[box.offset : box.end])
    if not done:
        parts.append(_new_meta(value))
    new_udta = make_box(b"udta", b"".join(parts))
    body = []
    for k in kids:
        if k is udta:
            body.append(new_udta)
        elif _has_label(moov, k, where):
            body.append(_rewrite_meta(moov, k, None, where))
        else:
            body.append(moov[k.offset : k.end])
    if udta is None:
        body.append(new_udta)
    return make_box(b"moov", b"".join(body))


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
            found = _labels(moov, str(path))
            for box in boxes:
                if box.type == b"uuid" and box.size < current_limits().max_metadata_bytes:
                    f.seek(box.body)
                    if f.read(16) == XMP_UUID:
                        found += _xmp(f.read(box.size - box.header - 16))
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
