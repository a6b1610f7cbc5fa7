"""Opening an untrusted ZIP package (XLSX, DOCX, PPTX) only after checking its layout.

A crafted package can make a reader inflate far more than the file's size: one deflated part of
1 GiB of zeros in a 1 MB file, or a central directory that lists the same data under many names
(CVE-2024-0450; Python's own check arrived in 3.11.8, and this machine's 3.11.7 lacks it; security
review S12, S14). Before any part is read, :func:`open_zip` refuses:

* more entries than ``max_structures``;
* two entries with the same name (which one a reader takes is undefined);
* entries whose data overlap, or run into the central directory;
* a sum of declared uncompressed sizes over ``max_inflated_bytes``;
* an entry over 1 MiB that claims to inflate more than ``max_inflate_ratio`` times.

``zipfile`` then enforces the declared sizes while reading (it stops at ``file_size`` and checks
the CRC), so the declared total bounds the work. The limits' names are those of
``hegui label … --limit NAME=VALUE``.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from hegui.errors import CorruptFileError

__all__ = ["ZipLimits", "open_zip"]

_LOCAL_HEADER: Final = struct.Struct("<4s22xHH")
_LOCAL_SIGNATURE: Final = b"PK\x03\x04"
_RATIO_FLOOR: Final = 1 << 20
"""Entries smaller than this once inflated are exempt from the ratio check: tiny parts
compress absurdly well."""


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """Caps on a package's layout (defaults suit any real Office file)."""

    max_structures: int = 100_000
    """Most entries a package may list."""
    max_inflated_bytes: int = 2 << 30
    """Most bytes all entries together may declare once inflated (2 GiB)."""
    max_inflate_ratio: int = 200
    """Highest inflated/deflated ratio of one entry over 1 MiB (real XML parts stay below
    100)."""


def open_zip(
    source: Path | bytes, *, name: Path | str | None = None, limits: ZipLimits = ZipLimits()
) -> zipfile.ZipFile:
    """Open ``source`` as a ZIP archive after the layout checks above.

    Args:
        source: The package's path, or its bytes.
        name: How errors name the file (default: the path).
        limits: The caps to apply.

    Raises:
        CorruptFileError: The archive is damaged or fails a check (the message names it and
            the limit).
    """
    label = name if name is not None else source if isinstance(source, Path) else "package"
    try:
        z = zipfile.ZipFile(source if isinstance(source, Path) else io.BytesIO(source))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"{label}: corrupt or truncated ZIP package ({exc})") from None
    try:
        _check(z, label, limits)
    except BaseException:
        z.close()
        raise
    return z


def _check(z: zipfile.ZipFile, path: Path | str, limits: ZipLimits) -> None:
    infos = z.infolist()
    if len(infos) > limits.max_structures:
        raise CorruptFileError(
            f"{path}: {len(infos)} entries in the package, over the max_structures limit "
            f"({limits.max_structures})"
        )
    names: set[str] = set()
    total = 0
    for info in infos:
        if info.filename in names:
            raise CorruptFileError(
                f"{path}: the entry {info.filename!r} appears twice; a reader could take either "
                "copy, so hegui refuses the package"
            )
        names.add(info.filename)
        total += info.file_size
        if info.file_size > _RATIO_FLOOR and info.file_size > limits.max_inflate_ratio * max(
            info.compress_size, 1
        ):
            raise CorruptFileError(
                f"{path}: entry {info.filename!r} claims to inflate {info.compress_size} bytes "
                f"to {info.file_size}, over the max_inflate_ratio limit "
                f"({limits.max_inflate_ratio}:1); a decompression bomb?"
            )
    if total > limits.max_inflated_bytes:
        raise CorruptFileError(
            f"{path}: the entries declare {total} bytes uncompressed, over the "
            f"max_inflated_bytes limit ({limits.max_inflated_bytes})"
        )
    _check_overlaps(z, infos, path)


def _check_overlaps(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path | str) -> None:
    fp = z.fp
    assert fp is not None
    directory = z.start_dir
    spans: list[tuple[int, int, str]] = []
    for info in infos:
        fp.seek(info.header_offset)
        head = fp.read(_LOCAL_HEADER.size)
        if len(head) < _LOCAL_HEADER.size:
            raise CorruptFileError(f"{path}: entry {info.filename!r}: truncated local header")
        signature, name_len, extra_len = _LOCAL_HEADER.unpack(head)
        if signature != _LOCAL_SIGNATURE:
            raise CorruptFileError(
                f"{path}: entry {info.filename!r}: no local header at byte {info.header_offset}"
            )
        end = info.header_offset + _LOCAL_HEADER.size + name_len + extra_len + info.compress_size
        spans.append((info.header_offset, end, info.filename))
    spans.sort()
    previous_end, previous = 0, ""
    for start, end, name in spans:
        if start < previous_end:
            raise CorruptFileError(
                f"{path}: the data of entries {previous!r} and {name!r} overlap; a package "
                "built that way can make a small file inflate without bound (CVE-2024-0450)"
            )
        previous_end, previous = end, name
    if previous_end > directory:
        raise CorruptFileError(
            f"{path}: entry {previous!r} runs into the central directory at byte {directory}"
        )
