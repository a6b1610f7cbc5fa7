"""The security review's forgeries (S2, S3, S5, S6) now fail verification.

Each test signs a file with content coverage, applies the reviewer's edit, and checks that
``verify`` no longer says valid. The edits are made with third-party tools (python-docx's zip
layout, pypdf, plain byte edits), never with hegui.
"""

from __future__ import annotations

import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from PIL import Image

from hegui.labeling import ContentDigest, HmacKey, IntegrityRole, IntegrityStatus
from hegui.labeling._files import content_digest
from hegui.labeling._platform import verify_file
from hegui.labeling._produce import label_file

from . import media
from .conftest import PRODUCER

KEY = HmacKey(b"producer-secret-0123456789")


def _producer_status(path: Path) -> IntegrityStatus:
    result = verify_file(path, keys=[KEY])
    (producer,) = [r for r in result.integrity if r.field is IntegrityRole.PRODUCER]
    return producer.status


def _signed(src: Path, tmp_path: Path) -> Path:
    out = tmp_path / ("signed" + src.suffix)
    result = label_file(src, PRODUCER, out, key=KEY)  # content coverage is the default (S5)
    assert result.label.reserved_code1.split(".")[3].startswith("c")
    assert _producer_status(out) is IntegrityStatus.VALID
    return out


def test_s2_docx_main_document_moved_into_docprops(tmp_path: Path) -> None:
    src = tmp_path / "orig.docx"
    document = docx.Document()
    document.add_paragraph("the sky is blue")
    document.save(str(src))
    signed = _signed(src, tmp_path)
    with zipfile.ZipFile(signed) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["docProps/main.xml"] = parts["word/document.xml"].replace(
        b"the sky is blue", b"FORGED TEXT"
    )
    parts["docProps/_rels/main.xml.rels"] = re.sub(
        rb'Target="(?!/)([^"]+)"', rb'Target="/word/\1"', parts["word/_rels/document.xml.rels"]
    )
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b'Target="word/document.xml"', b'Target="docProps/main.xml"'
    )
    found = re.search(
        rb'PartName="/word/document.xml" ContentType="([^"]+)"', parts["[Content_Types].xml"]
    )
    assert found is not None
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/docProps/main.xml" ContentType="' + found.group(1) + b'"/></Types>',
    )
    swapped = tmp_path / "swapped.docx"
    with zipfile.ZipFile(swapped, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    assert "FORGED TEXT" in [p.text for p in docx.Document(str(swapped)).paragraphs]
    assert _producer_status(swapped) is IntegrityStatus.INVALID


def test_s3_pdf_covering_annotation_and_crop_box(tmp_path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    src = tmp_path / "orig.pdf"
    writer = PdfWriter()
    writer.add_blank_page(300, 200)
    with src.open("wb") as f:
        writer.write(f)
    signed = _signed(src, tmp_path)
    for edit in ("annotation", "cropbox", "rotate"):
        w = PdfWriter(clone_from=str(signed))
        if edit == "annotation":
            w.add_annotation(0, FreeText(text="FORGED", rect=(0, 0, 300, 200)))
        elif edit == "cropbox":
            box = ArrayObject([FloatObject(v) for v in (0, 150, 300, 200)])
            w.pages[0][NameObject("/CropBox")] = box
        else:
            w.pages[0].rotate(90)
        tampered = tmp_path / f"tampered-{edit}.pdf"
        with tampered.open("wb") as f:
            w.write(f)
        assert _producer_status(tampered) is IntegrityStatus.INVALID, edit


def _exif_orientation(value: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def test_s6_jpeg_orientation_change(tmp_path: Path) -> None:
    src = media.jpeg(tmp_path / "orig.jpg", exif=_exif_orientation(1))
    signed = _signed(src, tmp_path)
    data = signed.read_bytes()
    # Pillow writes big-endian EXIF: tag 0x0112, type SHORT, count 1, value 1.
    entry = b"\x01\x12\x00\x03\x00\x00\x00\x01\x00\x01"
    assert data.count(entry) == 1
    rotated = tmp_path / "rotated.jpg"
    rotated.write_bytes(data.replace(entry, entry[:8] + b"\x00\x03"))
    with Image.open(rotated) as im:
        assert im.getexif()[0x0112] == 3  # a reader now shows it upside down
    assert _producer_status(rotated) is IntegrityStatus.INVALID


def test_s6_png_gamma_chunk_added(tmp_path: Path) -> None:
    signed = _signed(media.png(tmp_path / "orig.png"), tmp_path)
    data = signed.read_bytes()
    body = struct.pack(">I", 10000)
    chunk = struct.pack(">I4s", 4, b"gAMA") + body + struct.pack(">I", zlib.crc32(b"gAMA" + body))
    at = data.index(b"IDAT") - 4
    (tmp_path / "gamma.png").write_bytes(data[:at] + chunk + data[at:])
    assert _producer_status(tmp_path / "gamma.png") is IntegrityStatus.INVALID


def test_mp4_track_matrix_change(tmp_path: Path) -> None:
    src = Path(shutil.copy(media.DATA / "clip.mp4", tmp_path / "clip.mp4"))
    signed = _signed(src, tmp_path)
    data = bytearray(signed.read_bytes())
    at = data.index(b"tkhd")
    # tkhd (version 0): the 3x3 matrix starts 40 bytes into the payload; flip 'a' to -1.
    matrix = at + 4 + 4 + 20 + 16
    data[matrix : matrix + 4] = struct.pack(">i", -0x10000)
    (tmp_path / "mirrored.mp4").write_bytes(bytes(data))
    assert _producer_status(tmp_path / "mirrored.mp4") is IntegrityStatus.INVALID


def test_s5_label_copied_to_other_content_is_invalid(tmp_path: Path) -> None:
    """The review copied a signed XMP packet onto another image: with content coverage by
    default that no longer verifies."""
    signed = _signed(media.png(tmp_path / "orig.png"), tmp_path)
    other = tmp_path / "other.png"
    media.pixels(seed=7).save(other, "PNG")
    data = signed.read_bytes()
    start = data.index(b"iTXtXML:com.adobe.xmp") - 4
    (length,) = struct.unpack(">I", data[start : start + 4])
    chunk = data[start : start + 12 + length]
    target = other.read_bytes()
    at = target.index(b"IDAT") - 4
    other.write_bytes(target[:at] + chunk + target[at:])
    assert _producer_status(other) is IntegrityStatus.INVALID


def test_metadata_only_is_said_and_still_allowed(tmp_path: Path) -> None:
    out = tmp_path / "m.png"
    label_file(media.png(tmp_path / "a.png"), PRODUCER, out, key=KEY, cover_content=False)
    (producer, _) = verify_file(out, keys=[KEY]).integrity
    assert producer.status is IntegrityStatus.VALID and producer.covers_content is False
    assert "metadata only — does not bind the content" in producer.detail


@pytest.mark.parametrize(
    ("make", "definition"),
    [
        (lambda p: media.png(p / "a.png"), "png/2"),
        (lambda p: media.jpeg(p / "a.jpg"), "jpeg/2"),
        (lambda p: media.wav(p / "a.wav"), "wav/2"),
        (lambda p: Path(shutil.copy(media.DATA / "tone.mp3", p / "a.mp3")), "mp3/1"),
    ],
)
def test_digest_definitions_are_versioned(make: object, definition: str, tmp_path: Path) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    digest = content_digest(path)
    assert isinstance(digest, ContentDigest) and digest.definition == definition
