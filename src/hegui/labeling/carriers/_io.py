"""Byte-level helpers shared by the carriers: exact reads, ranged copies and digests."""

from __future__ import annotations

import errno
import hashlib
import os
from pathlib import Path
from typing import BinaryIO

from hegui.errors import CorruptFileError

__all__ = ["CHUNK", "copy_range", "copy_rest", "hash_range", "read_exact"]

CHUNK = 1 << 20
"""Streaming block size: bounds memory whatever the file size."""


def read_exact(f: BinaryIO, n: int, path: Path, what: str) -> bytes:
    """Read exactly ``n`` bytes or raise naming ``what`` and the offset."""
    offset = f.tell()
    data = f.read(n)
    if len(data) != n:
        raise CorruptFileError(
            f"{path}: truncated: {what} at byte {offset} needs {n} bytes, "
            f"only {len(data)} remain; the file is incomplete or damaged"
        )
    return data


def copy_range(src: BinaryIO, dst: BinaryIO, length: int, path: Path) -> None:
    """Copy ``length`` bytes from ``src``'s position to ``dst``'s, in kernel space when possible.

    Uses ``copy_file_range`` (a reflink or in-kernel copy on Linux), else blocks of :data:`CHUNK`.
    """
    if length <= 0:
        return
    src_pos = src.tell()
    dst.flush()
    dst_pos = dst.tell()
    done = 0
    fast = hasattr(os, "copy_file_range")
    while done < length and fast:
        try:
            n = os.copy_file_range(
                src.fileno(), dst.fileno(), length - done, src_pos + done, dst_pos + done
            )
        except OSError as exc:
            # Cross-device, unsupported by the file system, or not a real file: copy in blocks.
            if exc.errno not in (None, errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
                raise
            fast = False
            break
        if n == 0:
            break
        done += n
    src.seek(src_pos + done)
    dst.seek(dst_pos + done)
    while done < length:
        block = src.read(min(CHUNK, length - done))
        if not block:
            raise CorruptFileError(
                f"{path}: truncated: expected {length} bytes from byte {src_pos}, "
                f"the file ends after {done}"
            )
        dst.write(block)
        done += len(block)


def copy_rest(src: BinaryIO, dst: BinaryIO, path: Path) -> None:
    """Copy from ``src``'s position to its end."""
    pos = src.tell()
    end = src.seek(0, os.SEEK_END)
    src.seek(pos)
    copy_range(src, dst, end - pos, path)


def hash_range(f: BinaryIO, length: int, h: hashlib._Hash) -> None:
    """Feed ``length`` bytes from ``f``'s position into ``h`` (or to EOF if shorter)."""
    left = length
    while left > 0:
        block = f.read(min(CHUNK, left))
        if not block:
            return
        h.update(block)
        left -= len(block)
