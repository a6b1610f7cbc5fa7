"""Compressed audio: MP3 (ID3v2 ``TXXX`` ``AIGC``), FLAC and Ogg (Vorbis comment ``AIGC``).

Sources (``standards.md`` §2.4, grade C; TC260-PG-202510A appendices as cited there): MP3 uses
an ID3v2 ``TXXX`` frame with description ``AIGC``; FLAC and Ogg a Vorbis comment ``AIGC``. The tag
work is done by mutagen on a copy of the input (mutagen edits files in place); audio frames are
never touched. The ID3 version is kept (v2.3 stays v2.3, frames untranslated) and an ID3v1
trailer is restored byte for byte, because mutagen would otherwise rewrite it from the v2 tag.

Truncation inside compressed audio frames cannot be seen without decoding; hegui detects a
damaged tag or header, and for Ogg a missing end-of-stream page.
"""

from __future__ import annotations

import hashlib
import shutil
import struct
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Final

from hegui.errors import CorruptFileError
from hegui.labeling._found import RawLabel
from hegui.labeling.carriers import FileFormat, carrier
from hegui.labeling.carriers._io import hash_range, read_exact
from hegui.labeling.carriers._xmp import find_labels, xmp_raw

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["FlacCarrier", "Mp3Carrier", "OggCarrier"]

_KEY: Final = "AIGC"


def _corrupt(path: Path, exc: Exception) -> CorruptFileError:
    return CorruptFileError(
        f"{path}: corrupt or truncated audio file ({type(exc).__name__}: {exc})"
    )


def _id3_end(f: Any, path: Path) -> int:
    """Offset after the ID3v2 tag at the start of ``f`` (0 when there is none)."""
    f.seek(0)
    head = f.read(10)
    if len(head) < 10 or head[:3] != b"ID3":
        return 0
    size = 0
    for b in head[6:10]:
        if b & 0x80:
            raise CorruptFileError(f"{path}: corrupt ID3v2 header (size is not syncsafe)")
        size = size << 7 | b
    return 10 + size + (10 if head[5] & 0x10 else 0)


@carrier("hegui/mp3")
class Mp3Carrier:
    """ID3v2 ``TXXX`` frame, description ``AIGC``."""

    format: ClassVar[FileFormat] = FileFormat.MP3
    slot: ClassVar[str] = "mp3.id3_txxx"
    digest_version: ClassVar[int] = 1

    def _tags(self, path: Path) -> Any:
        from mutagen import MutagenError
        from mutagen.id3 import ID3, ID3NoHeaderError

        try:
            with path.open("rb") as f:
                version = f.read(4)[3:4]
            # v2.2 cannot be saved untranslated; v2.3 and v2.4 frames are kept as they are.
            translate = version == b"\x02"
            return ID3(path, translate=translate)  # type: ignore[no-untyped-call]
        except ID3NoHeaderError:
            return None
        except (MutagenError, struct.error, EOFError) as exc:
            raise _corrupt(path, exc) from None

    def read(self, path: Path) -> list[RawLabel]:
        """``TXXX`` frames whose description is ``AIGC`` (any case), and XMP in ``PRIV``."""
        tags = self._tags(path)
        found = []
        for frame in [] if tags is None else tags.getall("PRIV"):
            # The XMP Toolkit (exempi) stores XMP in a PRIV frame owned by "XMP" (label audit).
            if frame.owner == "XMP":
                note = (
                    "label in XMP inside an ID3 PRIV frame; TC260-PG-202510A puts it in "
                    "TXXX:AIGC (non-standard placement)"
                )
                hits = find_labels(frame.data)
                found += [xmp_raw("mp3.id3_xmp", h, (note,), standard=False) for h in hits]
        for frame in [] if tags is None else tags.getall("TXXX"):
            if frame.desc.upper() != _KEY:
                continue
            problems: tuple[str, ...] = ()
            if frame.desc != _KEY:
                problems += (f"TXXX description {frame.desc!r}; expected 'AIGC'",)
            if len(frame.text) > 1:
                problems += (f"TXXX:AIGC holds {len(frame.text)} values; expected one",)
            found.append(
                RawLabel(self.slot, str(frame.text[0]) if frame.text else "", problems=problems)
            )
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Copy, then add or replace ``TXXX:AIGC`` keeping the tag version and ID3v1."""
        from mutagen import MutagenError
        from mutagen.id3 import ID3, TXXX, Encoding

        tags = self._tags(src)
        version = 4 if tags is not None and tags.version >= (2, 4, 0) else 3
        with src.open("rb") as f:
            size = f.seek(0, 2)
            f.seek(max(0, size - 128))
            trailer = f.read(128)
        shutil.copyfile(src, dst)
        tags = ID3() if tags is None else tags  # type: ignore[no-untyped-call]
        for frame in tags.getall("TXXX"):
            if frame.desc.upper() == _KEY:
                tags.delall(frame.HashKey)
        tags.add(TXXX(encoding=Encoding.LATIN1, desc=_KEY, text=[value]))  # type: ignore[no-untyped-call]
        try:
            tags.save(dst, v2_version=version, v1=1)
        except (MutagenError, struct.error) as exc:
            raise _corrupt(src, exc) from None
        if trailer.startswith(b"TAG"):
            with dst.open("r+b") as out:
                out.seek(-128, 2)
                out.write(trailer)

    def essence(self, path: Path) -> str | None:
        """Bytes after the ID3v2 tag, without an ID3v1 trailer."""
        h = hashlib.sha256()
        with path.open("rb") as f:
            start = _id3_end(f, path)
            end = f.seek(0, 2)
            f.seek(max(0, end - 128))
            if f.read(3) == b"TAG":
                end -= 128
            f.seek(start)
            hash_range(f, end - start, h)
        return h.hexdigest()


class _VorbisCommentCarrier:
    """Shared by FLAC and Ogg: a Vorbis comment field ``AIGC`` (names are case-insensitive)."""

    slot: ClassVar[str]

    def _open(self, path: Path) -> Any:
        raise NotImplementedError

    def read(self, path: Path) -> list[RawLabel]:
        """Every ``AIGC`` comment value."""
        audio = self._open(path)
        found = []
        for key, value in list(audio.tags or []):
            if key.upper() == _KEY:
                found.append(RawLabel(self.slot, value))
        return found

    def write(self, src: Path, dst: Path, value: str) -> None:
        """Copy, then set ``AIGC`` (replacing any earlier ``AIGC`` comments)."""
        from mutagen import MutagenError

        self._check(src)
        shutil.copyfile(src, dst)
        audio = self._open(dst)
        if audio.tags is None:
            audio.add_tags()
        audio.tags[_KEY] = [value]
        try:
            audio.save()
        except (MutagenError, struct.error) as exc:
            raise _corrupt(src, exc) from None

    def _check(self, path: Path) -> None:
        """Extra integrity checks before writing."""


@carrier("hegui/flac")
class FlacCarrier(_VorbisCommentCarrier):
    """FLAC ``VORBIS_COMMENT`` block."""

    format: ClassVar[FileFormat] = FileFormat.FLAC
    slot: ClassVar[str] = "flac.vorbis_comment"
    digest_version: ClassVar[int] = 1

    def _open(self, path: Path) -> Any:
        from mutagen import MutagenError
        from mutagen.flac import FLAC

        try:
            return FLAC(path)  # type: ignore[no-untyped-call]
        except (MutagenError, struct.error, EOFError) as exc:
            raise _corrupt(path, exc) from None

    def essence(self, path: Path) -> str | None:
        """STREAMINFO and the audio frames after the last metadata block."""
        h = hashlib.sha256()
        with path.open("rb") as f:
            f.seek(_id3_end(f, path))
            if f.read(4) != b"fLaC":
                raise CorruptFileError(f"{path}: not a FLAC stream")
            last = False
            while not last:
                head = read_exact(f, 4, path, "FLAC metadata block header")
                last, kind, length = (
                    bool(head[0] & 0x80),
                    head[0] & 0x7F,
                    int.from_bytes(head[1:], "big"),
                )
                block = read_exact(f, length, path, "FLAC metadata block")
                if kind == 0:
                    h.update(block)
            hash_range(f, 1 << 62, h)
        return h.hexdigest()


@carrier("hegui/ogg")
class OggCarrier(_VorbisCommentCarrier):
    """Ogg Vorbis, Opus, FLAC or Speex comment header."""

    format: ClassVar[FileFormat] = FileFormat.OGG
    slot: ClassVar[str] = "ogg.vorbis_comment"
    digest_version: ClassVar[int] = 1

    def _open(self, path: Path) -> Any:
        import mutagen
        from mutagen import MutagenError

        try:
            audio = mutagen.File(path, options=_ogg_kinds())
        except (MutagenError, struct.error, EOFError) as exc:
            raise _corrupt(path, exc) from None
        if audio is None:
            raise CorruptFileError(
                f"{path}: an Ogg stream hegui cannot read (not Vorbis, Opus, FLAC or Speex)"
            )
        return audio

    def _check(self, path: Path) -> None:
        with path.open("rb") as f:
            size = f.seek(0, 2)
            f.seek(max(0, size - 65536))
            tail = f.read()
        # The last page must be complete and flagged end-of-stream. "OggS" can also occur inside
        # packet data, so every occurrence is tried from the end.
        at = len(tail)
        while (at := tail.rfind(b"OggS", 0, at)) >= 0:
            table = tail[at + 27 : at + 27 + tail[at + 26]] if at + 27 <= len(tail) else b""
            if table and at + 27 + len(table) + sum(table) == len(tail):
                break
        if at < 0 or not tail[at + 5] & 0x04:
            raise CorruptFileError(
                f"{path}: truncated: the file does not end with a complete end-of-stream Ogg "
                "page; the file is incomplete"
            )

    def essence(self, path: Path) -> str | None:
        """Every packet of the stream except packet 1 (the comment header in all Ogg codecs)."""
        h = hashlib.sha256()
        for index, packet in enumerate(_packets(path)):
            if index != 1:
                h.update(packet)
        return h.hexdigest()


def _ogg_kinds() -> list[Any]:
    from mutagen.oggflac import OggFLAC
    from mutagen.oggopus import OggOpus
    from mutagen.oggspeex import OggSpeex
    from mutagen.oggvorbis import OggVorbis

    return [OggVorbis, OggOpus, OggFLAC, OggSpeex]


def _packets(path: Path) -> Iterator[bytes]:
    """Packets of the first logical stream, reassembled page by page."""
    from mutagen.ogg import OggPage

    serial: int | None = None
    partial = b""
    with path.open("rb") as f:
        while True:
            try:
                page = OggPage(f)  # type: ignore[no-untyped-call]
            except EOFError:
                break
            if serial is None:
                serial = page.serial
            if page.serial != serial:
                continue
            for i, data in enumerate(page.packets):
                last = i == len(page.packets) - 1
                partial += data
                if not last or page.complete:
                    yield partial
                    partial = b""
    if partial:
        yield partial
