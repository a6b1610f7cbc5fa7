"""Opening an untrusted ZIP package (DOCX, XLSX, PPTX) only after checking its layout.

Python 3.11.7's ``zipfile`` does not refuse overlapping entries (the check came in 3.11.8,
CVE-2024-0450), so a 1 MB package listing one 1 GiB entry eight times inflates 8 GiB (security
review S12). Before any part is read, this module refuses:

* more entries than ``max_structures``;
* two entries with the same name (which one a reader takes is undefined);
* entries whose data overlap, or run into the central directory;
* a sum of declared uncompressed sizes over ``max_inflated_bytes``;
* an entry over 1 MiB that claims to inflate more than ``max_inflate_ratio`` times.

``zipfile`` then enforces the declared sizes while reading (it stops at ``file_size`` and checks
the CRC), so the declared total bounds the work.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path
from typing import Final

from hegui.errors import CorruptFileError
from hegui.labeling._limits import current_limits

__all__ = ["open_package"]

_LOCAL_HEADER: Final = struct.Struct("<4s22xHH")
_LOCAL_SIGNATURE: Final = b"PK\x03\x04"
_RATIO_FLOOR: Final = 1 << 20


def open_package(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a ZIP archive after the layout checks above.

    Raises:
        CorruptFileError: The archive is damaged or fails a check (the message names it).
    """
    try:
        z = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise CorruptFileError(f"{path}: corrupt or truncated ZIP package ({exc})") from None
    try:
        _check(z, path)
    except BaseException:
        z.close()
        raise
    return z


def _check(z: zipfile.ZipFile, path: Path) -> None:
    limits = current_limits()
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


def _check_overlaps(z: zipfile.ZipFile, infos: list[zipfile.ZipInfo], path: Path) -> None:
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
