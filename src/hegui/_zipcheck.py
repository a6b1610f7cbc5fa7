"""Checks on a ZIP container (XLSX, DOCX, PPTX …) before anything inflates it.

A crafted package can make a reader inflate far more than the file's size: one deflated part of
1 GiB of zeros in a 1 MB file, or a central directory that lists the same local entry many times
(CVE-2024-0450; Python's own check arrived in 3.11.8). Before a package is opened for its parts,
:func:`check_zip` refuses duplicate names, entries whose byte ranges overlap, more entries than
``MAX_ZIP_ENTRIES``, declared sizes above ``MAX_ZIP_INFLATED`` in total, and parts whose
compression ratio is above ``MAX_ZIP_RATIO``. ``zipfile`` stops inflating at the declared size
(and then fails the CRC), so bounding the declared sizes bounds the work.
"""

from __future__ import annotations

import io
import itertools
import struct
import zipfile
from pathlib import Path

from hegui.errors import CorruptFileError

__all__ = ["MAX_ZIP_ENTRIES", "MAX_ZIP_INFLATED", "MAX_ZIP_RATIO", "check_zip"]

MAX_ZIP_ENTRIES = 10_000
"""Most entries a package may list."""
MAX_ZIP_INFLATED = 1 << 29
"""Most bytes (512 MiB) all entries together may declare once inflated."""
MAX_ZIP_RATIO = 1_000
"""Highest inflated/deflated ratio of one entry (ordinary XML parts stay below 100)."""

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_MAGIC = b"PK\x03\x04"


def check_zip(
    source: bytes | Path,
    *,
    name: Path | str,
    max_entries: int = MAX_ZIP_ENTRIES,
    max_inflated: int = MAX_ZIP_INFLATED,
    max_ratio: int = MAX_ZIP_RATIO,
) -> None:
    """Refuse a ZIP package that would inflate far beyond its size or is ambiguous.

    Args:
        source: The package's bytes, or its path.
        name: How errors name the file.
        max_entries: Cap on the number of entries.
        max_inflated: Cap on the sum of declared inflated sizes, in bytes.
        max_ratio: Cap on any one entry's inflated/deflated ratio (entries under 64 KiB
            inflated are exempt: tiny parts compress absurdly well).

    Raises:
        CorruptFileError: Not a ZIP file, or one of the checks failed; the message names the
            entry and the limit.
    """
    raw = source.read_bytes() if isinstance(source, Path) else source
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"{name}: not a ZIP package ({exc})") from None
    with archive:
        infos = archive.infolist()
    if len(infos) > max_entries:
        raise CorruptFileError(f"{name}: {len(infos):,} entries; the limit is {max_entries:,}")
    seen: set[str] = set()
    spans: list[tuple[int, int, str]] = []
    total = 0
    for info in infos:
        if info.filename in seen:
            raise CorruptFileError(f"{name}: the entry {info.filename!r} appears twice")
        seen.add(info.filename)
        total += info.file_size
        if total > max_inflated:
            raise CorruptFileError(
                f"{name}: the entries declare more than {max_inflated:,} bytes once inflated"
            )
        if info.file_size > 65_536 and info.file_size > max_ratio * max(info.compress_size, 1):
            raise CorruptFileError(
                f"{name}: the entry {info.filename!r} inflates {info.compress_size:,} bytes to "
                f"{info.file_size:,} (more than {max_ratio}×): refused as a ZIP bomb"
            )
        start = info.header_offset
        header = raw[start : start + _LOCAL_HEADER.size]
        if len(header) < _LOCAL_HEADER.size or header[:4] != _LOCAL_MAGIC:
            raise CorruptFileError(f"{name}: the entry {info.filename!r} has no local header")
        fields = _LOCAL_HEADER.unpack(header)
        end = start + _LOCAL_HEADER.size + fields[9] + fields[10] + info.compress_size
        if end > len(raw):
            raise CorruptFileError(f"{name}: the entry {info.filename!r} is truncated")
        spans.append((start, end, info.filename))
    spans.sort()
    for (_, end, first), (start, _, second) in itertools.pairwise(spans):
        if start < end:
            raise CorruptFileError(
                f"{name}: the entries {first!r} and {second!r} overlap (a crafted package)"
            )
