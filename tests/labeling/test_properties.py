"""Invariants over arbitrary label values: what is written reads back exactly, the media data
(essence) never changes, and relabeling never accumulates labels."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hegui.labeling import AigcLabel, LabelValue
from hegui.labeling._files import content_digest, inspect_file, write_label

from . import media
from .conftest import PRODUCER

J_CHARS = "".join(chr(c) for c in [0x21, *range(0x23, 0x5C), *range(0x5D, 0x7F)])
values = st.text(alphabet=J_CHARS, min_size=1, max_size=80)

MAKERS: dict[str, Callable[[Path], Path]] = {
    "png": lambda d: media.png(d / "a.png"),
    "webp": lambda d: media.webp(d / "a.webp"),
    "jpeg": lambda d: media.jpeg(d / "a.jpg"),
    "wav": lambda d: media.wav(d / "a.wav", seconds=0.05),
    "mov": lambda d: Path(shutil.copy(media.DATA / "clip.mov", d / "clip.mov")),
    "mp4-faststart": lambda d: Path(shutil.copy(media.DATA / "clip.mp4", d / "clip.mp4")),
    "flac": lambda d: Path(shutil.copy(media.DATA / "tone.flac", d / "tone.flac")),
    "markdown": lambda d: _text(d / "a.md", "---\ntitle: t\n---\n正文\n"),
    "html": lambda d: _text(d / "a.html", "<html><head></head><body>x</body></html>"),
    "docx": lambda d: _docx(d / "a.docx"),
}


def _text(path: Path, content: str) -> Path:
    path.write_text(content)
    return path


def _docx(path: Path) -> Path:
    import docx

    docx.Document().save(str(path))
    return path


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_arbitrary_values_round_trip_and_essence_is_invariant(
    kind: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    directory = tmp_path_factory.mktemp(kind)
    path = MAKERS[kind](directory)
    essence = content_digest(path)

    @settings(
        max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        produce_id=values,
        reserved=st.text(alphabet=J_CHARS, max_size=120),
        propagate_id=values,
        label=st.sampled_from(list(LabelValue)),
    )
    def check(produce_id: str, reserved: str, propagate_id: str, label: LabelValue) -> None:
        written = AigcLabel(
            label=label,
            content_producer=PRODUCER,
            produce_id=produce_id,
            reserved_code1=reserved,
            content_propagator=PRODUCER,
            propagate_id=propagate_id,
        )
        write_label(path, written, replace=True, durable=False)
        labels = inspect_file(path).labels
        assert {lab.to_label() for lab in labels} == {written}
        assert content_digest(path) == essence

    check()
