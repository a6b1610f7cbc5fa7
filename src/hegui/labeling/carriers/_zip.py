"""Opening an untrusted Office package with the labeling limits (see ``hegui._zipcheck``)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from hegui._zipcheck import ZipLimits, open_zip
from hegui.labeling._limits import current_limits

__all__ = ["open_package"]


def open_package(path: Path) -> zipfile.ZipFile:
    """Open ``path`` as a ZIP archive after the layout checks, under ``--limit`` settings.

    Raises:
        CorruptFileError: The archive is damaged or fails a check (the message names it).
    """
    limits = current_limits()
    return open_zip(
        path,
        limits=ZipLimits(
            max_structures=limits.max_structures,
            max_inflated_bytes=limits.max_inflated_bytes,
            max_inflate_ratio=limits.max_inflate_ratio,
        ),
    )
