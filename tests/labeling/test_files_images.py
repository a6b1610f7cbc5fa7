"""Implicit labels in JPEG, PNG and WebP: round trip, other metadata kept, pixels identical,
in-the-wild variants, bad input left untouched."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from hegui.errors import CorruptFileError, InputError, LabelConflictError, UnsupportedFormatError
from hegui.labeling import AigcLabel, LabelValue
from hegui.labeling._files import content_digest, inspect_file, write_label
from hegui.labeling._produce import label_file
from hegui.labeling.carriers._xmp import NS

from . import media
from .checks import assert_fails_untouched
from .conftest import PLATFORM, PRODUCER, producer_label

Maker = Callable[[Path], Path]

IMAGES: dict[str, tuple[str, Maker]] = {
    "jpeg": ("a.jpg", lambda p: media.jpeg(p)),
    "jpeg-exif-xmp": (
        "a.jpg",
        lambda p: media.jpeg(p, exif=media.exif_bytes(), xmp=media.XMP_WITH_CREATOR),
    ),
    "png": ("a.png", lambda p: media.png(p, text=[("tEXt", "Software", "test")])),
    "png-rgba": ("a.png", lambda p: media.png(p, mode="RGBA")),
    "webp-lossy": ("a.webp", lambda p: media.webp(p)),
    "webp-lossless-alpha": ("a.webp", lambda p: media.webp(p, lossless=True, mode="RGBA")),
    "webp-extended-xmp": ("a.webp", lambda p: media.webp(p, xmp=media.XMP_WITH_CREATOR)),
}


@pytest.fixture(params=sorted(IMAGES))
def image(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    name, make = IMAGES[request.param]
    return make(tmp_path / name)


def test_round_trip_keeps_pixels_and_essence(image: Path, tmp_path: Path) -> None:
    out = tmp_path / ("out" + image.suffix)
    before = image.read_bytes()
    result = label_file(image, PRODUCER, out, produce_id="img-1")
    assert image.read_bytes() == before  # the input is never touched
    report = inspect_file(out)
    assert [lab.carrier for lab in report.labels] == [result.carrier]
    found = report.labels[0]
    assert found.conforming, found.problems
    assert found.to_label() == AigcLabel.first_write(PRODUCER, "img-1")
    assert media.decoded(out) == media.decoded(image)
    assert content_digest(out) == content_digest(image)


def test_other_metadata_kept(tmp_path: Path) -> None:
    src = media.jpeg(tmp_path / "a.jpg", exif=media.exif_bytes(), xmp=media.XMP_WITH_CREATOR)
    out = tmp_path / "b.jpg"
    label_file(src, PRODUCER, out)
    with Image.open(out) as im:
        assert im.getexif()[0x010F] == "TestCam"
        xmp = im.info["xmp"]
    assert b"<rdf:li>Alice</rdf:li>" in xmp and NS.encode() in xmp


def test_relabel_same_producer_updates_in_place(image: Path, tmp_path: Path) -> None:
    label_file(image, PRODUCER, None, produce_id="first")
    label_file(image, PRODUCER, None, produce_id="second", replace=True)
    labels = inspect_file(image).labels
    assert len(labels) == 1
    assert labels[0].fields["ProduceID"] == "second"


def test_foreign_label_is_a_conflict(image: Path) -> None:
    write_label(image, AigcLabel.first_write(PLATFORM, "theirs"))
    before = image.read_bytes()
    with pytest.raises(LabelConflictError, match=r"Art\. 10"):
        label_file(image, PRODUCER, None)
    assert image.read_bytes() == before
    label_file(image, PRODUCER, None, replace=True)
    assert inspect_file(image).labels[0].fields["ContentProducer"] == PRODUCER


def test_in_place_keeps_permissions(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    src.chmod(0o640)
    label_file(src, PRODUCER, None)
    assert src.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.png"]  # no temporary file left


WRONG_NS = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:TC260="http://ns.adobe.com/xap/1.0/tc/" '
    b'TC260:AIGC="' + producer_label().to_json().replace('"', "&quot;").encode() + b'"/>'
    b"</rdf:RDF></x:xmpmeta>"
)
ATTRIBUTE_FORM = WRONG_NS.replace(b"http://ns.adobe.com/xap/1.0/tc/", NS.encode())


@pytest.mark.parametrize(
    ("make", "carrier", "conforming", "needle"),
    [
        (lambda p: media.jpeg(p / "a.jpg", xmp=WRONG_NS), "jpeg.xmp", False, "namespace"),
        (lambda p: media.jpeg(p / "a.jpg", xmp=ATTRIBUTE_FORM), "jpeg.xmp", True, ""),
        (
            lambda p: media.jpeg(
                p / "a.jpg",
                exif=media.exif_bytes(
                    b"ASCII\x00\x00\x00" + producer_label().to_wrapped_json().encode()
                ),
            ),
            "jpeg.exif_usercomment",
            True,
            "",
        ),
        (
            lambda p: media.jpeg(
                p / "a.jpg",
                exif=media.exif_bytes(
                    b"UNICODE\x00" + producer_label().to_wrapped_json().encode("utf-16-le")
                ),
            ),
            "jpeg.exif_usercomment",
            False,
            "UNICODE",
        ),
        (
            lambda p: media.png(p / "a.png", text=[("tEXt", "AIGC", producer_label().to_json())]),
            "png.tEXt",
            True,
            "",
        ),
        (
            lambda p: media.png(
                p / "a.png", text=[("zTXt", "AIGC", producer_label().to_wrapped_json())]
            ),
            "png.zTXt",
            True,
            "",
        ),
        (
            lambda p: media.png(p / "a.png", text=[("tEXt", "aigc", producer_label().to_json())]),
            "png.tEXt",
            False,
            "keyword",
        ),
        (lambda p: media.png_compressed_xmp(p / "a.png", ATTRIBUTE_FORM), "png.xmp", True, ""),
        (lambda p: media.webp(p / "a.webp", xmp=WRONG_NS), "webp.xmp", False, "namespace"),
    ],
    ids=[
        "jpeg-wrong-ns",
        "jpeg-attribute",
        "jpeg-usercomment",
        "jpeg-usercomment-unicode",
        "png-text",
        "png-ztxt-wrapped",
        "png-keyword-case",
        "png-compressed-itxt",
        "webp-wrong-ns",
    ],
)
def test_in_the_wild_variants(
    make: Callable[[Path], Path], carrier: str, conforming: bool, needle: str, tmp_path: Path
) -> None:
    path = make(tmp_path)
    (found,) = inspect_file(path).labels
    assert found.carrier == carrier
    assert found.conforming is conforming, found.problems
    assert all(needle in p for p in found.problems[:1])
    assert found.fields["ContentProducer"] == PRODUCER


def test_wrong_namespace_label_is_replaced_not_duplicated(tmp_path: Path) -> None:
    path = media.jpeg(tmp_path / "a.jpg", xmp=WRONG_NS)
    label_file(path, PRODUCER, None, produce_id="fixed", replace=True)
    (found,) = inspect_file(path).labels
    assert found.conforming and found.fields["ProduceID"] == "fixed"


def test_usercomment_label_blocks_a_second_label(tmp_path: Path) -> None:
    comment = b"ASCII\x00\x00\x00" + producer_label().to_wrapped_json().encode()
    path = media.jpeg(tmp_path / "a.jpg", exif=media.exif_bytes(comment))
    with pytest.raises(LabelConflictError, match=r"6\.1 c"):
        label_file(path, PRODUCER, None)


def _truncate(path: Path, keep: float) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


@pytest.mark.parametrize(
    ("make", "error", "needle"),
    [
        (lambda p: _truncate(media.jpeg(p / "a.jpg"), 0.6), CorruptFileError, "end-of-image"),
        (lambda p: _truncate(media.jpeg(p / "a.jpg"), 0.005), CorruptFileError, "truncated"),
        (lambda p: _truncate(media.png(p / "a.png"), 0.6), CorruptFileError, "truncated"),
        (lambda p: _truncate(media.webp(p / "a.webp"), 0.6), CorruptFileError, "truncated"),
        (lambda p: media.png(p / "a.jpg"), UnsupportedFormatError, "rename it"),
        (
            lambda p: _write(p / "a.bin", b"\x00\x01\x02\x03 not media"),
            UnsupportedFormatError,
            "unsupported",
        ),
        (
            lambda p: _write(p / "a.gif", b"GIF89a\x01\x00\x01\x00"),
            UnsupportedFormatError,
            "unsupported",
        ),
        (
            lambda p: media.jpeg(p / "a.jpg", xmp=b"<x:xmpmeta><broken"),
            CorruptFileError,
            "not well-formed",
        ),
        (
            lambda p: _flip_crc(
                media.png(p / "a.png", text=[("iTXt", "XML:com.adobe.xmp", "<x/>")])
            ),
            CorruptFileError,
            "CRC",
        ),
    ],
    ids=[
        "jpeg-truncated-scan",
        "jpeg-truncated-header",
        "png-truncated",
        "webp-truncated",
        "wrong-extension",
        "unknown",
        "gif",
        "jpeg-broken-xmp",
        "png-bad-crc",
    ],
)
def test_bad_input_fails_clearly_and_leaves_input_unchanged(
    make: Callable[[Path], Path], error: type[Exception], needle: str, tmp_path: Path
) -> None:
    assert_fails_untouched(make(tmp_path), error, needle)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _flip_crc(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    at = data.index(b"iTXt")
    length = int.from_bytes(data[at - 4 : at], "big")
    data[at + 4 + length] ^= 0xFF
    path.write_bytes(bytes(data))
    return path


def test_unwritable_output_directory(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    not_a_dir = tmp_path / "file.txt"
    not_a_dir.write_text("x")
    before = src.read_bytes()
    with pytest.raises(InputError, match="not a directory"):
        label_file(src, PRODUCER, not_a_dir / "a.png")
    assert src.read_bytes() == before


def test_existing_output_is_not_overwritten(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    other = tmp_path / "b.png"
    other.write_bytes(b"keep me")
    with pytest.raises(Exception, match="exists"):
        label_file(src, PRODUCER, other)
    assert other.read_bytes() == b"keep me"


def test_platform_label_values_round_trip(tmp_path: Path) -> None:
    path = media.webp(tmp_path / "a.webp")
    label = AigcLabel.first_write(PLATFORM, "plat-1", label=LabelValue.SUSPECTED)
    write_label(path, label)
    (found,) = inspect_file(path).labels
    assert json.loads(found.raw)["Label"] == "3"
    assert found.conforming, found.problems
