"""Assertions shared by the carrier tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui.labeling._produce import label_file

from .conftest import PRODUCER


def assert_fails_untouched(path: Path, error: type[Exception], needle: str) -> None:
    """Labeling ``path`` in place raises ``error`` (message matching ``needle``) and leaves its
    directory byte for byte as it was: input unchanged, no temporary file left behind."""
    before = {p.name: p.read_bytes() for p in path.parent.iterdir()}
    with pytest.raises(error, match=needle):
        label_file(path, PRODUCER, None)
    assert {p.name: p.read_bytes() for p in path.parent.iterdir()} == before
