r"""JPEG: XMP in an APP1 segment; also reads the EXIF UserComment and APP9 forms.

TC260-PG-20259A (``standards.md`` §2.4, grade C): XMP in APP1 (``http://ns.adobe.com/xap/1.0/\0``);
its Appendix B also describes EXIF UserComment (tag 0x9286, type 7, 8-byte ``ASCII\0\0\0``
prefix + ``{"AIGC":{…}}``), which hegui reads but does not write (one label per file, §6.1 c)).
An APP9 segment holding ``AIGC{…}`` (seen in 2026 downloads, label audit) is read and reported
as a non-standard placement.
Only the segments before the first SOS are parsed; the scan data is copied byte for byte.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, ClassVar, Final

from hegui.errors import CorruptFileError, InputError
from hegui.labeling._found import RawLabel, decode_value
from hegui.labeling._limits import current_limits
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import copy_rest, hash_range, read_exact
from hegui.labeling.carriers._xmp import find_labels, set_label, xmp_raw

__all__ = ["JpegCarrier"]

XMP_HEADER: Final = b"http://ns.adobe.com/xap/1.0/\x00"
EXIF_HEADER: Final = b"Exif\x00\x00"
_EXTENDED_XMP: Final = b"http://ns.adobe.com/xmp/extension/\x00"
_APP1: Final = 0xE1
_APP9: Final = 0xE9
_SOS: Final = 0xDA
_MAX_PAYLOAD: Final = 0xFFFF - 2
_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})


@dataclass(frozen=True, slots=True)
class Segment:
    """A marker segment before the scan: marker byte and payload (without the length field)."""

    marker: int
    payload: bytes

    def encode(self) -> bytes:
        """Marker, length and payload."""
        return bytes((0xFF, self.marker)) + struct.pack(">H", len(self.payload) + 2) + self.payload


def read_header(f: BinaryIO, path: Path) -> tuple[list[Segment], int]:
    """Segments up to (not including) SOS, and the SOS offset.

    Raises:
        CorruptFileError: Not a JPEG, or the file ends before the first scan.
    """
    if f.read(2) != b"\xff\xd8":
        raise CorruptFileError(f"{path}: not a JPEG (no SOI marker at byte 0)")
    segments: list[Segment] = []
    limits = current_limits()
    held = 0
    while True:
        if len(segments) >= limits.max_structures or held > limits.max_header_bytes:
            raise CorruptFileError(
                f"{path}: more than {len(segments)} marker segments or {held} bytes of them before "
                "the image data (max_structures, max_header_bytes); not a plausible JPEG"
            )
        pos = f.tell()
        head = f.read(2)
        if len(head) < 2:
            raise CorruptFileError(
                f"{path}: truncated: the file ends at byte {pos} before the image data (SOS)"
            )
        if head[0] != 0xFF:
            raise CorruptFileError(
                f"{path}: corrupt: expected a marker (0xFF) at byte {pos}, found 0x{head[0]:02X}"
            )
        marker = head[1]
        while marker == 0xFF:  # fill bytes
            marker = read_exact(f, 1, path, "marker")[0]
        if marker in _STANDALONE:
            continue
        if marker == _SOS:
            return segments, f.tell() - 2
        (length,) = struct.unpack(">H", read_exact(f, 2, path, f"segment 0x{marker:02X} length"))
        if length < 2:
            raise CorruptFileError(
                f"{path}: corrupt: segment 0x{marker:02X} at byte {pos} has length {length}"
            )
        segments.append(Segment(marker, read_exact(f, length - 2, path, f"segment 0x{marker:02X}")))
        held += length


def _user_comment(exif_payload: bytes) -> tuple[str, tuple[str, ...]] | None:
    from PIL import Image

    exif = Image.Exif()
    try:
        exif.load(exif_payload)
        raw = exif.get_ifd(0x8769).get(0x9286)
    except (SyntaxError, ValueError, struct.error, OSError):
        return None
    if not isinstance(raw, bytes):
        return None
    code, body = raw[:8], raw[8:]
    problems: tuple[str, ...] = ()
    if code == b"ASCII\x00\x00\x00":
        text, problems = decode_value(body.rstrip(b"\x00"), "UserComment")
    elif code == b"UNICODE\x00":
        # Exif says the TIFF byte order applies; writers disagree, so trust the zero bytes.
        order = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
        text = body.decode(order, "backslashreplace").rstrip("\x00")
        problems = ("UserComment uses the UNICODE character code; PG-20259A App. B uses ASCII",)
    else:
        text, problems = decode_value(raw.rstrip(b"\x00").lstrip(b"\x00"), "UserComment")
        problems += ("UserComment has no ASCII character-code prefix (PG-20259A App. B)",)
    # A UserComment is free text; only one that looks like a label is reported as one.
    if "AIGC" not in text and "ContentProducer" not in text:
        return None
    return text, problems


@carrier("hegui/jpeg")
class JpegCarrier:
    """XMP APP1 (written) and EXIF UserComment (read)."""

    format: ClassVar[FileFormat] = FileFormat.JPEG
    slot: ClassVar[str] = "jpeg.xmp"
    digest_version: ClassVar[int] = 2

    def read(self, path: Path) -> list[RawLabel]:
        """Labels in XMP, EXIF UserComment and APP9."""
        with path.open("rb") as f:
            segments, _ = read_header(f, path)
        found: list[RawLabel] = []
        for seg in segments:
            if seg.marker == _APP1 and seg.payload.startswith(XMP_HEADER):
                found += [
                    xmp_raw(self.slot, h) for h in find_labels(seg.payload[len(XMP_HEADER) :])
                ]
            elif seg.marker == _APP1 and seg.payload.startswith(EXIF_HEADER):
                comment = _user_comment(seg.payload)
                if comment is not None:
                    text, problems = comment
                    found.append(RawLabel("jpeg.exif_usercomment", text, problems=problems))
            elif seg.marker == _APP9 and seg.payload.startswith(b"AIGC"):
                found.append(_app9(seg.payload))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Update or insert the XMP APP1 segment; copy the scan data unchanged."""
        with src.open("rb") as f:
            segments, sos = read_header(f, src)
            _check_end(f, src)
            xmp_at = next(
                (
                    i
                    for i, s in enumerate(segments)
                    if s.marker == _APP1 and s.payload.startswith(XMP_HEADER)
                ),
                None,
            )
            old = None if xmp_at is None else segments[xmp_at].payload[len(XMP_HEADER) :]
            try:
                packet = set_label(old, value)
            except CorruptFileError as exc:
                raise CorruptFileError(f"{src}: {exc}") from None
            payload = XMP_HEADER + packet
            if len(payload) > _MAX_PAYLOAD:
                raise InputError(
                    f"{src}: the XMP packet would be {len(payload)} bytes, over the 65533-byte "
                    "JPEG segment limit (extended XMP is not supported); shrink the existing XMP"
                )
            new = Segment(_APP1, payload)
            if xmp_at is not None:
                segments[xmp_at] = new
            else:
                # After JFIF (APP0) and EXIF (APP1), which their specs want first.
                at = 0
                while at < len(segments) and (
                    segments[at].marker == 0xE0
                    or (
                        segments[at].marker == _APP1
                        and segments[at].payload.startswith(EXIF_HEADER)
                    )
                ):
                    at += 1
                segments.insert(at, new)
            f.seek(sos)
            with dst.open("wb") as out:
                out.write(b"\xff\xd8" + b"".join(s.encode() for s in segments))
                copy_rest(f, out, src)

    def essence(self, path: Path) -> str | None:
        """``jpeg/2``: every segment but the XMP ones, in order, then the scan data to the end.

        EXIF (orientation), ICC profiles (APP2) and Adobe APP14 change what a reader renders, so
        they are covered; only the XMP APP1 segments (standard and extended), where labels live,
        are not.
        """
        h = hashlib.sha256()
        with path.open("rb") as f:
            segments, sos = read_header(f, path)
            for seg in segments:
                if not _is_xmp(seg):
                    h.update(seg.encode())
            f.seek(sos)
            hash_range(f, 1 << 62, h)
        return h.hexdigest()


def _app9(payload: bytes) -> RawLabel:
    """The ``AIGC{…}`` APP9 segment seen in 2026 downloads (label audit 2026-12)."""
    text, problems = decode_value(payload[4:].rstrip(b"\x00"), "APP9 segment")
    placement = (
        "label in a JPEG APP9 segment 'AIGC{…}'; PG-20259A puts it in XMP (APP1) "
        "(non-standard placement)"
    )
    return RawLabel("jpeg.app9", text, problems=(placement, *problems), standard=False)


def _is_xmp(seg: Segment) -> bool:
    return seg.marker == _APP1 and seg.payload.startswith((XMP_HEADER, _EXTENDED_XMP))


def _check_end(f: BinaryIO, path: Path) -> None:
    pos = f.tell()
    size = f.seek(0, 2)
    f.seek(max(pos, size - 65536))
    tail = f.read()
    f.seek(pos)
    if b"\xff\xd9" not in tail:
        raise CorruptFileError(
            f"{path}: truncated: no end-of-image marker (FFD9) near the end of the file; "
            "the image data is incomplete, so hegui will not label it"
        )
