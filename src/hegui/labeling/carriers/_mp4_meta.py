"""The ``meta`` boxes of an MP4/MOV ``moov``: find labels in them, set the label in one.

TC260-PG-20257A §6.1.1 (``standards.md`` §2.4, grade C): ``moov/udta/meta`` with a ``keys`` entry
``mdta``/``AIGC`` and the JSON in the matching ``ilst`` item (what ``ffmpeg -movflags
use_metadata_tags`` writes).

Writing keeps one ``udta/meta``: an existing ``mdta`` meta gets the key added or replaced; failing
that, an existing iTunes-style meta (handler ``mdir``, as ffmpeg and Apple write) gets a ``keys``
box and the item added, its other items kept byte for byte (their four-character item types
never collide with the small key indexes). A second meta beside the first is what made
``exiftool -validate`` report "Duplicate tag 'meta'" (label audit 2026-12). The reused meta's
handler becomes ``mdta``, because ffmpeg reads ``keys`` only under that handler; exiftool,
ffprobe and mutagen still read the iTunes items (``tests/labeling/test_interop.py``).

Read, each reported (label audit): the key in ``moov/meta`` (Doubao iOS, non-standard
placement), a ``keys`` box in a meta without ``hdlr``, an iTunes freeform ``----`` item named
``AIGC``, and an ``ilst`` entry without a key whose value is label-shaped JSON (Doubao iOS,
``hdlr`` ``mdir``, non-standard placement).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling._found import RawLabel, decode_value
from hegui.labeling._shape import looks_like_label
from hegui.labeling.carriers._isobmff import Box, children, make_box, make_full_box
from hegui.labeling.carriers._xmp import find_labels, xmp_raw

__all__ = ["XMP_UUID", "labels", "set_label"]

XMP_UUID: Final = bytes.fromhex("BE7ACFCB97A942E89C71999491E3AFAC")
_KEY: Final = b"AIGC"


def _meta_start(data: bytes, meta: Box) -> int:
    """Offset of a meta box's first child: ISO meta is a FullBox, QuickTime's is not."""
    if data[meta.body + 4 : meta.body + 8] in (b"hdlr", b"keys", b"ilst"):
        return meta.body
    return meta.body + 4


@dataclass(frozen=True, slots=True)
class _Meta:
    handler: bytes
    """``mdta``, ``mdir``, or b"" when the meta has no ``hdlr``."""
    keys: list[tuple[bytes, bytes]]
    """(namespace, key name) in order; item type ``n`` refers to ``keys[n - 1]``."""
    items: list[tuple[bytes, list[Box]]]
    """(item type, the item's child boxes) in ``ilst`` order."""

    def key_of(self, item_type: bytes) -> tuple[bytes, bytes] | None:
        (index,) = struct.unpack(">I", item_type)
        return self.keys[index - 1] if 0 < index <= len(self.keys) else None


def _parse_meta(data: bytes, meta: Box, where: str) -> _Meta:
    handler, keys, items = b"", [], []
    for child in children(data, _meta_start(data, meta), meta.end, where):
        if child.type == b"hdlr":
            handler = data[child.body + 8 : child.body + 12]
        elif child.type == b"keys":
            (count,) = struct.unpack_from(">I", data, child.body + 4)
            pos = child.body + 8
            for _ in range(count):
                if pos + 8 > child.end:
                    raise CorruptFileError(f"{where}: corrupt 'keys' box at byte {child.offset}")
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
    if box is None or box.end - box.body < 8:
        return "", ("ilst item has no 'data' box",)
    (kind,) = struct.unpack_from(">I", data, box.body)
    raw = data[box.body + 8 : box.end]
    if kind == 2:
        return raw.decode("utf-16-be", "backslashreplace"), (
            "value is UTF-16 (data type 2); expected UTF-8",
        )
    text, problems = decode_value(raw)
    if kind != 1:
        problems += (f"data type {kind}; expected 1 (UTF-8)",)
    return text, problems


def _is_label_key(name: bytes) -> bool:
    # exiftool writes user-defined Keys tags as "com.apple.quicktime.AIGC".
    upper = name.upper()
    return upper == _KEY or upper.endswith(b"." + _KEY)


def _meta_labels(data: bytes, meta: Box, in_udta: bool, where: str) -> list[RawLabel]:
    parsed = _parse_meta(data, meta, where)
    found: list[RawLabel] = []
    place: tuple[str, ...] = ()
    if not in_udta:
        place = ("key in moov/meta; PG-20257A §6.1.1 puts it in moov/udta/meta (non-standard)",)
    if parsed.keys and not parsed.handler:
        place += ("meta has keys but no 'hdlr' box (ISO/IEC 14496-12 requires one)",)
    for kind, boxes in parsed.items:
        key = parsed.key_of(kind)
        if key is not None:
            ns, name = key
            if not _is_label_key(name):
                continue
            value, problems = _data_value(data, boxes)
            if name != _KEY:
                problems += (f"key {name.decode('latin-1')!r}; expected 'AIGC'",)
            if ns != b"mdta":
                problems += (f"key namespace {ns!r}; expected b'mdta'",)
            found.append(RawLabel("mp4.keys", value, problems=place + problems, standard=in_udta))
        elif kind == b"----":
            names = [data[b.body + 4 : b.end] for b in boxes if b.type == b"name"]
            if names and names[0].upper() == _KEY:
                value, problems = _data_value(data, boxes)
                problem = "iTunes freeform '----' item; PG-20257A §6.1.1 uses an mdta key"
                found.append(RawLabel("mp4.ilst_freeform", value, problems=(problem, *problems)))
        else:
            value, problems = _data_value(data, boxes)
            if looks_like_label(value):
                problem = (
                    f"label in an ilst entry {kind!r} without a key (handler "
                    f"{parsed.handler.decode('latin-1') or 'none'}); PG-20257A §6.1.1 uses an "
                    "mdta key 'AIGC' (non-standard placement)"
                )
                found.append(
                    RawLabel(
                        "mp4.ilst_unnamed", value, problems=(problem, *problems), standard=False
                    )
                )
    return found


def labels(moov: bytes, where: str) -> list[RawLabel]:
    """Every label in ``moov``: its metas, ``udta/XMP_`` and an XMP ``uuid`` box."""
    found: list[RawLabel] = []
    for child in children(moov, 8, len(moov), where):
        if child.type == b"udta":
            for box in children(moov, child.body, child.end, where):
                if box.type == b"meta":
                    found += _meta_labels(moov, box, True, where)
                elif box.type == b"XMP_":
                    found += [xmp_raw("mp4.xmp", h) for h in find_labels(moov[box.body : box.end])]
        elif child.type == b"meta":
            found += _meta_labels(moov, child, False, where)
        elif child.type == b"uuid" and moov[child.body : child.body + 16] == XMP_UUID:
            found += [xmp_raw("mp4.xmp", h) for h in find_labels(moov[child.body + 16 : child.end])]
    return found


def _verbatim(data: bytes, box: Box) -> bytes:
    """``box`` as stored, but with its size written out when it was 0 ("to the end").

    Something is appended after it, so "to the end" would swallow that.
    """
    raw = data[box.offset : box.end]
    if box.header == 8 and raw[:4] == b"\0\0\0\0":
        return struct.pack(">I", box.size) + raw[4:]
    return raw


def _ilst_item(index: int, value: str) -> bytes:
    return make_box(
        struct.pack(">I", index), make_box(b"data", struct.pack(">II", 1, 0) + value.encode())
    )


def _keys_box(keys: list[tuple[bytes, bytes]]) -> bytes:
    entries = b"".join(struct.pack(">I4s", 8 + len(n), ns) + n for ns, n in keys)
    return make_full_box(b"keys", struct.pack(">I", len(keys)) + entries)


def _new_meta(value: str) -> bytes:
    hdlr = make_full_box(b"hdlr", b"\x00" * 4 + b"mdta" + b"\x00" * 13)
    return make_full_box(
        b"meta", hdlr + _keys_box([(b"mdta", _KEY)]) + make_box(b"ilst", _ilst_item(1, value))
    )


def _rewrite_meta(data: bytes, meta: Box, value: str | None, where: str) -> bytes:
    """``meta`` without any label-like key, plus ``AIGC`` = ``value`` unless None.

    Other keys keep their order and their items (renumbered when a key before them goes); items
    that are not key references (iTunes ``©too``, ``----``) and every other child box are kept
    byte for byte; a ``keys`` box is added before ``ilst`` when needed. Returns b"" when an
    ``mdta`` meta is left with nothing.
    """
    parsed = _parse_meta(data, meta, where)
    kept = [(i + 1, k) for i, k in enumerate(parsed.keys) if not _is_label_key(k[1])]
    renumber = {old: new for new, (old, _) in enumerate(kept, start=1)}
    keys = [k for _, k in kept] + ([(b"mdta", _KEY)] if value is not None else [])
    out, wrote_keys, wrote_ilst, other_items = b"", False, False, 0
    start = _meta_start(data, meta)
    for child in children(data, start, meta.end, where):
        if child.type == b"hdlr" and value is not None and child.end - child.body >= 12:
            # ffmpeg reads a keys box only under an mdta handler (see the module docstring).
            out += data[child.offset : child.body + 8] + b"mdta" + data[child.body + 12 : child.end]
        elif child.type == b"keys":
            out += _keys_box(keys) if keys else b""
            wrote_keys = True
        elif child.type == b"ilst":
            if keys and not wrote_keys:
                out += _keys_box(keys)
                wrote_keys = True
            items = []
            for item in children(data, child.body, child.end, where):
                (old,) = struct.unpack(">I", item.type)
                if 0 < old <= len(parsed.keys):
                    if old in renumber:
                        header = struct.pack(">II", item.size, renumber[old])
                        items.append(header + data[item.offset + 8 : item.end])
                else:
                    items.append(_verbatim(data, item))
                    other_items += 1
            if value is not None:
                items.append(_ilst_item(len(keys), value))
            out += make_box(b"ilst", b"".join(items))
            wrote_ilst = True
        else:
            out += _verbatim(data, child)
    if value is not None and not wrote_ilst:
        if not wrote_keys:
            out += _keys_box(keys)
        out += make_box(b"ilst", _ilst_item(len(keys), value))
    if not keys and not other_items and parsed.handler in (b"mdta", b""):
        return b""
    return make_box(b"meta", data[meta.body : start] + out)


def _has_label(data: bytes, box: Box, where: str) -> bool:
    if box.type != b"meta":
        return False
    return any(_is_label_key(n) for _, n in _parse_meta(data, box, where).keys)


def set_label(moov: bytes, value: str, where: str) -> bytes:
    """``moov`` with the label set in its one ``udta/meta``; every other byte of it kept.

    A label-like key elsewhere (``moov/meta``, another meta, exiftool's
    ``com.apple.quicktime.AIGC``) is the same property in a wrong place: it is removed, so the
    file keeps one label.
    """
    kids = children(moov, 8, len(moov), where)
    if any(k.type == b"cmov" for k in kids):
        raise UnsupportedFormatError(f"{where}: compressed movie header (cmov) is not supported")
    udta = next((k for k in kids if k.type == b"udta"), None)
    boxes = children(moov, udta.body, udta.end, where) if udta else []
    metas = [b for b in boxes if b.type == b"meta"]
    mdta = [b for b in metas if _parse_meta(moov, b, where).handler == b"mdta"]
    candidates = mdta or metas
    target = candidates[0] if candidates else None
    parts = []
    for box in boxes:
        if box is target:
            parts.append(_rewrite_meta(moov, box, value, where))
        elif _has_label(moov, box, where):
            parts.append(_rewrite_meta(moov, box, None, where))
        else:
            parts.append(_verbatim(moov, box))
    if target is None:
        parts.append(_new_meta(value))
    new_udta = make_box(b"udta", b"".join(parts))
    body = []
    for k in kids:
        if k is udta:
            body.append(new_udta)
        elif _has_label(moov, k, where):
            body.append(_rewrite_meta(moov, k, None, where))
        else:
            body.append(_verbatim(moov, k))
    if udta is None:
        body.append(new_udta)
    return make_box(b"moov", b"".join(body))
