"""Real third-party readers open what hegui writes: exiftool, ffprobe/ffmpeg, python-docx,
openpyxl, python-pptx, Pillow. Absent peers skip with a reason; ``HEGUI_REQUIRE_PEERS=1`` makes
their absence a failure."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import docx
import numpy as np
import openpyxl
import pptx
import pytest
from PIL import Image, ImageSequence
from pypdf import PdfWriter

from hegui.labeling import AigcLabel, exiftool_config
from hegui.labeling._files import inspect_file
from hegui.labeling._produce import label_file

from . import media, peers
from .conftest import PRODUCER

pytestmark = pytest.mark.peer


def _exiftool(path: Path) -> dict[str, object]:
    exe = peers.need("exiftool", "libimage-exiftool-perl")
    out = subprocess.run(
        [exe, "-j", "-G1", "-a", "-n", str(path)], capture_output=True, text=True, check=True
    )
    data: dict[str, object] = json.loads(out.stdout)[0]
    return {
        k: v for k, v in data.items() if k.split(":")[0] not in ("System", "ExifTool", "SourceFile")
    }


def _pdf(path: Path) -> Path:
    w = PdfWriter()
    w.add_blank_page(200, 200)
    w.add_metadata({"/Title": "Report"})
    w.write(path)
    return path


# (file maker, exiftool tag that must hold our JSON, tags allowed to change and why)
EXIFTOOL_CASES: dict[str, tuple[Callable[[Path], Path], str, set[str]]] = {
    "jpeg": (lambda p: media.jpeg(p / "a.jpg", exif=media.exif_bytes()), "XMP-TC260:Aigc", set()),
    "png": (lambda p: media.png(p / "a.png"), "XMP-TC260:Aigc", set()),
    "webp": (lambda p: media.webp(p / "a.webp"), "XMP-TC260:Aigc", set()),
    "pdf": (lambda p: _pdf(p / "a.pdf"), "PDF:AIGC", set()),
    # moov precedes mdat and grows, so the media data moves; exiftool -j shows the handler type
    # of the last hdlr it met, which is now our mdta meta's.
    "mp4": (
        lambda p: Path(shutil.copy(media.DATA / "clip.mp4", p / "clip.mp4")),
        "Keys:AIGC",
        {"QuickTime:MediaDataOffset", "QuickTime:HandlerType"},
    ),
}


@pytest.mark.parametrize("kind", sorted(EXIFTOOL_CASES))
def test_exiftool_reads_our_label_and_sees_every_other_tag_unchanged(
    kind: str, tmp_path: Path
) -> None:
    make, tag, may_change = EXIFTOOL_CASES[kind]
    src = make(tmp_path)
    exe = peers.need("exiftool", "libimage-exiftool-perl")
    # Give the file third-party metadata first (exiftool writes it its own way).
    subprocess.run(
        [exe, "-q", "-overwrite_original", "-XMP-dc:Creator=Alice", "-XMP-xmp:Rating=5", str(src)],
        check=True,
    )
    out = tmp_path / ("labeled" + src.suffix)
    result = label_file(src, PRODUCER, out)
    before, after = _exiftool(src), _exiftool(out)
    assert after[tag] == result.label.to_json()
    added = set(after) - set(before)
    assert added <= {tag, "XMP-TC260:Aigc"}, added
    assert set(before) <= set(after)
    changed = {k for k in before if before[k] != after[k]}
    assert changed <= may_change, {k: (before[k], after[k]) for k in changed}
    assert before.get("XMP-dc:Creator") == "Alice"


def test_exiftool_reads_id3_txxx_from_mp3(tmp_path: Path) -> None:
    src = Path(shutil.copy(media.DATA / "tone.mp3", tmp_path / "tone.mp3"))
    out = tmp_path / "labeled.mp3"
    result = label_file(src, PRODUCER, out)
    after = _exiftool(out)
    assert after["ID3v2_3:UserDefinedText"] == f"(AIGC) {result.label.to_json()}"
    before = _exiftool(src)
    assert {k: v for k, v in before.items() if k != "File:ID3Size"} == {
        k: v for k, v in after.items() if k not in ("File:ID3Size", "ID3v2_3:UserDefinedText")
    }


VALIDATE_CASES: dict[str, Callable[[Path], Path]] = {
    "jpeg": lambda p: media.jpeg(p / "a.jpg"),
    "png": lambda p: media.png(p / "a.png"),
    "webp": lambda p: media.webp(p / "a.webp"),
    "pdf": lambda p: _pdf(p / "a.pdf"),
    "wav": lambda p: media.wav(p / "a.wav"),
    **{
        name: (lambda n: lambda p: Path(shutil.copy(media.DATA / n, p / n)))(name)
        for name in ("clip.mp4", "clip.mov", "tone.m4a", "tone.mp3", "tone.flac", "tone.ogg")
    },
}


@pytest.mark.parametrize("kind", sorted(VALIDATE_CASES))
def test_exiftool_validate_reports_no_warning_on_our_output(kind: str, tmp_path: Path) -> None:
    """Label audit: hegui's MP4/M4A got "Duplicate tag 'meta'" from a second udta/meta."""
    exe = peers.need("exiftool", "libimage-exiftool-perl")
    src = VALIDATE_CASES[kind](tmp_path)
    out = tmp_path / ("labeled" + src.suffix)
    label_file(src, PRODUCER, out)

    def validate(path: Path) -> str:
        return subprocess.run(
            [exe, "-validate", "-warning", "-a", "-s3", str(path)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()

    assert validate(src) == "OK"  # the source is clean, so any warning would be ours
    assert validate(out) == "OK"


def _ffprobe_tags(path: Path) -> dict[str, str]:
    exe = peers.need("ffprobe", "ffmpeg")
    out = subprocess.run(
        [exe, "-v", "error", "-show_entries", "format_tags:stream_tags", "-of", "json", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    data = json.loads(out)
    tags: dict[str, str] = dict(data.get("format", {}).get("tags", {}))
    for stream in data.get("streams", []):
        tags.update(stream.get("tags", {}))
    return tags


def _packets(path: Path) -> list[str]:
    """MD5 of every media packet, stream-copied (no decoding); side data (Ogg's metadata
    update, which carries the tags) left out."""
    exe = peers.need("ffmpeg", "ffmpeg")
    out = subprocess.run(
        [exe, "-v", "error", "-i", str(path), "-map", "0", "-c", "copy", "-f", "framemd5", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [line.split(", S=")[0] for line in out.splitlines() if not line.startswith("#")]


@pytest.mark.parametrize(
    "name",
    [
        "clip.mp4",
        "clip.mov",
        "tone.m4a",
        "reserved.mp4",
        "frag.mp4",
        "tone.mp3",
        "tone.flac",
        "tone.ogg",
        "tone.opus",
    ],
)
def test_ffprobe_reads_the_key_and_media_packets_are_identical(name: str, tmp_path: Path) -> None:
    src = Path(shutil.copy(media.DATA / name, tmp_path / name))
    out = tmp_path / ("labeled-" + name)
    result = label_file(src, PRODUCER, out)
    before, after = _ffprobe_tags(src), _ffprobe_tags(out)
    assert after.pop("AIGC") == result.label.to_json()
    assert before == after
    assert _packets(src) == _packets(out)


def test_python_office_readers_open_labeled_documents(tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("第一段")
    d.save(str(tmp_path / "a.docx"))
    wb = openpyxl.Workbook()
    wb.active["B2"] = 42
    wb.save(tmp_path / "a.xlsx")
    p = pptx.Presentation()
    p.slides.add_slide(p.slide_layouts[1]).shapes.title.text = "标题"
    p.save(str(tmp_path / "a.pptx"))
    for name in ("a.docx", "a.xlsx", "a.pptx"):
        label_file(tmp_path / name, PRODUCER, None)
        assert inspect_file(tmp_path / name).labels[0].conforming
    assert docx.Document(str(tmp_path / "a.docx")).paragraphs[0].text == "第一段"
    assert openpyxl.load_workbook(tmp_path / "a.xlsx").active["B2"].value == 42
    assert pptx.Presentation(str(tmp_path / "a.pptx")).slides[0].shapes.title.text == "标题"


def _frames(path: Path) -> list[bytes]:
    with Image.open(path) as im:
        return [np.asarray(frame.convert("RGBA")).tobytes() for frame in ImageSequence.Iterator(im)]


PILLOW_CASES: dict[str, Callable[[Path], Path]] = {
    "jpeg-progressive": lambda p: _save(media.pixels(), p / "a.jpg", progressive=True, quality=85),
    "jpeg-cmyk": lambda p: _save(media.pixels().convert("CMYK"), p / "a.jpg"),
    "jpeg-gray": lambda p: _save(media.pixels().convert("L"), p / "a.jpg"),
    "png-16bit": lambda p: _save(
        Image.fromarray((np.arange(64 * 48, dtype=np.uint16) * 13).reshape(48, 64)), p / "a.png"
    ),
    "png-palette-trns": lambda p: _save(
        media.pixels(mode="RGBA").convert("P"), p / "a.png", transparency=0
    ),
    "webp-animated": lambda p: _animated(p / "a.webp"),
    "webp-lossless-alpha": lambda p: media.webp(p / "a.webp", lossless=True, mode="RGBA"),
}


def _save(im: Image.Image, path: Path, **kwargs: object) -> Path:
    im.save(path, **kwargs)
    return path


def _animated(path: Path) -> Path:
    frames = [media.pixels(seed=i) for i in range(3)]
    frames[0].save(
        path, save_all=True, append_images=frames[1:], duration=100, loop=0, lossless=True
    )
    return path


@pytest.mark.parametrize("kind", sorted(PILLOW_CASES))
def test_pillow_decodes_identical_pixels(kind: str, tmp_path: Path) -> None:
    src = PILLOW_CASES[kind](tmp_path)
    out = tmp_path / ("labeled" + src.suffix)
    label_file(src, PRODUCER, out)
    assert _frames(out) == _frames(src)
    assert inspect_file(out).labels[0].conforming


@pytest.mark.parametrize(
    ("make", "tag", "carrier", "conforming"),
    [
        (lambda p: media.jpeg(p / "a.jpg"), "XMP-TC260:AIGC", "jpeg.xmp", True),
        (lambda p: media.png(p / "a.png"), "XMP-TC260:AIGC", "png.xmp", True),
        (lambda p: media.webp(p / "a.webp"), "XMP-TC260:AIGC", "webp.xmp", True),
        # exiftool puts Keys tags in moov/meta, named com.apple.quicktime.AIGC: read, reported.
        (
            lambda p: Path(shutil.copy(media.DATA / "clip.mov", p / "clip.mov")),
            "Keys:AIGC",
            "mp4.keys",
            False,
        ),
    ],
    ids=["jpeg", "png", "webp", "mov"],
)
def test_hegui_reads_what_exiftool_writes(
    make, tag: str, carrier: str, conforming: bool, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    exe = peers.need("exiftool", "libimage-exiftool-perl")
    config = tmp_path / "tc260.config"
    config.write_text(exiftool_config())
    src = make(tmp_path)
    value = AigcLabel.first_write(PRODUCER, "by-exiftool").to_json()
    subprocess.run(
        [exe, "-config", str(config), "-q", "-overwrite_original", f"-{tag}={value}", str(src)],
        check=True,
    )
    (found,) = inspect_file(src).labels
    assert found.carrier == carrier
    assert found.raw == value
    assert found.conforming is conforming, found.problems
    label_file(
        src, PRODUCER, None, produce_id="by-hegui", replace=True
    )  # and hegui updates it in place
    assert [f.fields["ProduceID"] for f in inspect_file(src).labels] == ["by-hegui"]


def test_label_key_in_the_middle_of_ffmpeg_keys_is_replaced_and_others_renumbered(
    tmp_path: Path,
) -> None:
    src = Path(shutil.copy(media.DATA / "tagged.mov", tmp_path / "tagged.mov"))
    before = _ffprobe_tags(src)
    assert before["AIGC"] == '{"Label":"1"}'
    result = label_file(src, PRODUCER, tmp_path / "out.mov", replace=True)
    after = _ffprobe_tags(tmp_path / "out.mov")
    assert after.pop("AIGC") == result.label.to_json()
    before.pop("AIGC")
    assert after == before  # comment, encoder, brands: every other key still maps to its value
    assert _packets(src) == _packets(tmp_path / "out.mov")
