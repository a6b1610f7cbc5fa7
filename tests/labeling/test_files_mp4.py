"""Implicit labels in MP4, MOV and M4A: keys + ilst, chunk offsets, streaming, fragments."""

from __future__ import annotations

import shutil
import struct
import tracemalloc
from pathlib import Path

import pytest

from hegui.errors import CorruptFileError, UnsupportedFormatError
from hegui.labeling import AigcLabel
from hegui.labeling._files import content_digest, inspect_file
from hegui.labeling._produce import label_file
from hegui.labeling.carriers._isobmff import children, top_level

from . import media
from .checks import assert_fails_untouched
from .conftest import PRODUCER, producer_label


def copy(name: str, tmp: Path) -> Path:
    return Path(shutil.copy(media.DATA / name, tmp / name))


def _chunk_offsets(path: Path) -> list[int]:
    """Every stco/co64 entry, found by walking the file's moov."""
    with path.open("rb") as f:
        moov_box = next(b for b in top_level(f, path) if b.type == b"moov")
        f.seek(moov_box.offset)
        moov = f.read(moov_box.size)
    out: list[int] = []

    def visit(start: int, end: int) -> None:
        for box in children(moov, start, end, "test"):
            if box.type in (b"trak", b"mdia", b"minf", b"stbl"):
                visit(box.body, box.end)
            elif box.type in (b"stco", b"co64"):
                (count,) = struct.unpack_from(">I", moov, box.body + 4)
                fmt, step = (">Q", 8) if box.type == b"co64" else (">I", 4)
                out.extend(
                    struct.unpack_from(fmt, moov, box.body + 8 + i * step)[0] for i in range(count)
                )

    visit(8, len(moov))
    return out


def _layout(path: Path) -> list[bytes]:
    with path.open("rb") as f:
        return [b.type for b in top_level(f, path)]


@pytest.mark.parametrize(
    ("name", "shift"),
    [
        ("clip.mp4", True),  # faststart: moov before mdat, 8-byte free too small to absorb
        ("reserved.mp4", False),  # -moov_size: the free box after moov absorbs the growth
        ("clip.mov", False),  # QuickTime, moov after mdat
        ("tone.m4a", False),  # iTunes mdir meta already in udta
        ("frag.mp4", True),  # fragmented, relative (default-base-is-moof) offsets
    ],
)
def test_round_trip_and_chunks_still_point_at_the_same_bytes(
    name: str, shift: bool, tmp_path: Path
) -> None:
    src = copy(name, tmp_path)
    out = tmp_path / ("labeled-" + name)
    label_file(src, PRODUCER, out, produce_id="vid-1")
    (found,) = inspect_file(out).labels
    assert found.carrier == "mp4.keys"
    assert found.conforming, found.problems
    assert found.to_label() == AigcLabel.first_write(PRODUCER, "vid-1")
    assert content_digest(out) == content_digest(src)
    old, new = _chunk_offsets(src), _chunk_offsets(out)
    assert len(old) == len(new)
    assert (old != new) is (shift and bool(old))
    a, b = src.read_bytes(), out.read_bytes()
    for o, n in zip(old, new, strict=True):
        assert a[o : o + 64] == b[n : n + 64]
    if name == "reserved.mp4":
        assert out.stat().st_size == src.stat().st_size
        assert _layout(out) == _layout(src)


def test_existing_mdta_keys_are_kept_and_label_updated(tmp_path: Path) -> None:
    src = copy("clip.mp4", tmp_path)
    label_file(src, PRODUCER, None, produce_id="one")
    label_file(src, PRODUCER, None, produce_id="two", replace=True)
    (found,) = inspect_file(src).labels
    assert found.fields["ProduceID"] == "two"


def test_fragment_with_absolute_offsets_is_refused_untouched(tmp_path: Path) -> None:
    assert_fails_untouched(copy("frag_abs.mp4", tmp_path), UnsupportedFormatError, "absolute|mfra")


@pytest.mark.parametrize(
    ("cut", "needle"),
    [(0.5, "truncated"), (20, "truncated"), (40, "no moov")],
    ids=["mdat", "ftyp", "before-moov"],
)
def test_truncated_mp4_fails_clearly_and_input_unchanged(
    cut: float, needle: str, tmp_path: Path
) -> None:
    src = copy("clip.mov", tmp_path)
    data = src.read_bytes()
    keep = cut if isinstance(cut, int) else int(len(data) * cut)
    if needle == "no moov":
        data = data[:28] + struct.pack(">I4s", 16, b"free") + b"\x00" * 8
        keep = len(data)
    src.write_bytes(data[:keep])
    assert_fails_untouched(src, CorruptFileError, needle)


def _big_mp4(path: Path, mdat_bytes: int) -> Path:
    """clip.mov's boxes with a large sparse mdat appended: ftyp, mdat, moov, big mdat."""
    shutil.copy(media.DATA / "clip.mov", path)
    with path.open("ab") as f:
        f.write(struct.pack(">I4s", 1, b"mdat") + struct.pack(">Q", 16 + mdat_bytes))
        f.truncate(f.tell() + mdat_bytes)
    return path


def test_streaming_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    src = _big_mp4(tmp_path / "big.mov", 96 << 20)
    tracemalloc.start()
    try:
        label_file(src, PRODUCER, tmp_path / "out.mov", durable=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (tmp_path / "out.mov").stat().st_size > 96 << 20
    assert peak < 8 << 20, f"peak Python allocation {peak} bytes for a 96 MiB file"


@pytest.mark.parametrize(
    ("variant", "carrier", "needle"),
    [("moov-meta", "mp4.keys", "moov/meta"), ("freeform", "mp4.ilst_freeform", "freeform")],
)
def test_variants_read_and_reported(
    variant: str, carrier: str, needle: str, tmp_path: Path
) -> None:
    import mutagen.mp4

    if variant == "freeform":
        src = copy("tone.m4a", tmp_path)
        f = mutagen.mp4.MP4(src)
        f["----:com.apple.iTunes:AIGC"] = [producer_label().to_json().encode()]
        f.save()
    else:
        src = copy("clip.mov", tmp_path)
        label_file(src, PRODUCER, None)
        data = bytearray(src.read_bytes())
        # Hide udta behind an unknown box type and append a copy of its meta (our label)
        # directly under moov, where some QuickTime writers put mdta keys.
        at = data.index(b"udta")
        size = struct.unpack_from(">I", data, at - 4)[0]
        meta = bytes(data[at + 4 : at - 4 + size])
        moov_at = data.index(b"moov")
        data[at : at + 4] = b"xxxx"
        moov_size = struct.unpack_from(">I", data, moov_at - 4)[0]
        assert moov_at - 4 + moov_size == len(data)  # moov is last in clip.mov
        data += meta
        struct.pack_into(">I", data, moov_at - 4, moov_size + len(meta))
        src.write_bytes(bytes(data))
    (found,) = inspect_file(src).labels
    assert found.carrier == carrier
    assert not found.conforming
    assert needle in found.problems[0]
    assert found.fields["ContentProducer"] == PRODUCER
