"""Labels as other writers place them (label audit 2026-12): read, with placement and form.

Every fixture is built here byte for byte from the audit's description of the third-party
file; nothing third-party is copied. A platform must see each one as "label present,
non-standard placement", never "none" (Measures Art. 6 (一)).
"""

from __future__ import annotations

import shutil
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from mutagen.id3 import ID3, PRIV

from hegui.labeling import LabelForm
from hegui.labeling._files import inspect_file
from hegui.labeling._platform import Determination, verify_file
from hegui.labeling._produce import label_file

from . import media
from .conftest import PRODUCER, producer_label

LABEL = producer_label().to_json()
NS = "http://www.tc260.org.cn/ns/AIGC/1.0/"


def _xmp(inner: str) -> bytes:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f'{inner}</rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
    ).encode()


TC260_XMP = _xmp(
    f'<rdf:Description rdf:about="" xmlns:TC260="{NS}"><TC260:AIGC>{LABEL}</TC260:AIGC>'
    "</rdf:Description>"
)


def mp3_exempi(tmp: Path) -> Path:
    """exempi (XMP Toolkit) writing an MP3: XMP in an ID3v2 PRIV frame owned by "XMP"."""
    path = Path(shutil.copy(media.DATA / "bare.mp3", tmp / "a.mp3"))
    tags = ID3()
    tags.add(PRIV(owner="XMP", data=TC260_XMP))
    tags.save(path)
    return path


def wav_exempi(tmp: Path) -> Path:
    """exempi writing a WAV: XMP in a ``_PMX`` chunk."""
    path = media.wav(tmp / "a.wav")
    data = path.read_bytes()
    chunk = b"_PMX" + struct.pack("<I", len(TC260_XMP)) + TC260_XMP + b"\0" * (len(TC260_XMP) & 1)
    body = data[12:] + chunk
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body) + 4) + b"WAVE" + body)
    return path


def jpeg_app9(tmp: Path) -> Path:
    """2026 downloads: an APP9 segment ``AIGC{…}`` right after SOI."""
    path = media.jpeg(tmp / "a.jpg")
    data = path.read_bytes()
    payload = b"AIGC" + LABEL.encode()
    segment = b"\xff\xe9" + struct.pack(">H", len(payload) + 2) + payload
    path.write_bytes(data[:2] + segment + data[2:])
    return path


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def _with_moov_children(tmp: Path, extra: Callable[[bytes], bytes]) -> Path:
    """clip.mov (moov last) with ``moov``'s body transformed by ``extra``."""
    data = (media.DATA / "clip.mov").read_bytes()
    at = data.index(b"moov") - 4
    (size,) = struct.unpack(">I", data[at : at + 4])
    body = extra(data[at + 8 : at + size])
    path = tmp / "a.mov"
    path.write_bytes(data[:at] + _box(b"moov", body) + data[at + size :])
    return path


def _hdlr(kind: bytes) -> bytes:
    return _box(b"hdlr", b"\0" * 8 + kind + b"\0" * 13)


def _item(kind: bytes, value: str) -> bytes:
    return _box(kind, _box(b"data", struct.pack(">II", 1, 0) + value.encode()))


def mov_doubao_mdir(tmp: Path) -> Path:
    """Doubao iOS: ``udta/meta`` with handler ``mdir`` and an ``ilst`` entry without a key."""
    meta = _box(b"meta", b"\0\0\0\0" + _hdlr(b"mdir") + _box(b"ilst", _item(b"\xa9cmt", LABEL)))
    return _with_moov_children(tmp, lambda body: body + _box(b"udta", meta))


def mov_doubao_moov_meta(tmp: Path) -> Path:
    """Doubao iOS: a QuickTime ``meta`` (no FullBox header) directly under ``moov``."""
    keys = _box(b"keys", struct.pack(">II", 0, 1) + struct.pack(">I4s", 12, b"mdta") + b"AIGC")
    meta = _box(b"meta", _hdlr(b"mdta") + keys + _box(b"ilst", _item(struct.pack(">I", 1), LABEL)))
    return _with_moov_children(tmp, lambda body: body + meta)


def mp4_keys_without_hdlr(tmp: Path) -> Path:
    keys = _box(b"keys", struct.pack(">II", 0, 1) + struct.pack(">I4s", 12, b"mdta") + b"AIGC")
    meta = _box(b"meta", b"\0\0\0\0" + keys + _box(b"ilst", _item(struct.pack(">I", 1), LABEL)))
    return _with_moov_children(tmp, lambda body: body + _box(b"udta", meta))


def png_private_schema(tmp: Path) -> Path:
    """The seven elements as separate properties of a private namespace."""
    props = "".join(f"<p:{k}>{v}</p:{k}>" for k, v in producer_label().fields().items())
    packet = _xmp(
        f'<rdf:Description rdf:about="" xmlns:p="urn:example:aigc">{props}</rdf:Description>'
    )
    return media.png(tmp / "a.png", text=[("iTXt", "XML:com.adobe.xmp", packet.decode())])


def png_other_property(tmp: Path) -> Path:
    """The JSON in a property of another name (``AIGC:Metadata``-style writers)."""
    packet = _xmp(
        '<rdf:Description rdf:about="" xmlns:AIGC="urn:example:shiguang" '
        f"AIGC:Metadata='{LABEL}'/>"
    )
    return media.png(tmp / "a.png", text=[("iTXt", "XML:com.adobe.xmp", packet.decode())])


def markdown_appended(tmp: Path) -> Path:
    """In-the-wild Markdown: the front-matter block appended at the end, without fences."""
    fields = "".join(f'  {k}: "{v}"\n' for k, v in producer_label().fields().items())
    path = tmp / "a.md"
    path.write_text("# 报告\n\n正文。\n\nAIGC:\n" + fields)
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, LabelForm]] = {
    "mp3-id3-priv-xmp": (mp3_exempi, "mp3.id3_xmp", LabelForm.OBJECT),
    "wav-pmx-xmp": (wav_exempi, "wav.xmp", LabelForm.OBJECT),
    "jpeg-app9": (jpeg_app9, "jpeg.app9", LabelForm.OBJECT),
    "mov-mdir-keyless": (mov_doubao_mdir, "mp4.ilst_unnamed", LabelForm.OBJECT),
    "mov-moov-meta": (mov_doubao_moov_meta, "mp4.keys", LabelForm.OBJECT),
    "png-private-schema": (png_private_schema, "png.xmp", LabelForm.MAPPING),
    "png-other-property": (png_other_property, "png.xmp", LabelForm.OBJECT),
    "markdown-appended": (markdown_appended, "markdown.end", LabelForm.MAPPING),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_label_in_a_non_standard_placement_is_found(case: str, tmp_path: Path) -> None:
    make, carrier, form = CASES[case]
    path = make(tmp_path)
    (found,) = inspect_file(path).labels
    assert found.carrier == carrier
    assert found.standard_placement is False and not found.conforming
    assert any("non-standard" in p for p in found.problems), found.problems
    assert found.form is form
    assert found.fields == producer_label().fields()
    verdict = verify_file(path)
    assert verdict.determination is Determination.CONFIRMED
    assert "non-conforming" in verdict.basis


def test_meta_keys_without_hdlr_are_read(tmp_path: Path) -> None:
    (found,) = inspect_file(mp4_keys_without_hdlr(tmp_path)).labels
    assert found.carrier == "mp4.keys" and found.standard_placement
    assert any("no 'hdlr'" in p for p in found.problems)


@pytest.mark.parametrize(
    "make",
    [
        lambda p: media.png(
            p / "a.png", text=[("tEXt", "AIGC", producer_label().to_wrapped_json())]
        ),
        lambda p: media.jpeg(
            p / "a.jpg",
            xmp=_xmp(
                f'<rdf:Description rdf:about="" xmlns:TC260="{NS}"><TC260:AIGC>'
                f"{producer_label().to_wrapped_json()}</TC260:AIGC></rdf:Description>"
            ),
        ),
    ],
    ids=["png-text", "jpeg-xmp"],
)
def test_wrapped_form_conforms_in_keyed_and_unkeyed_carriers(
    make: Callable[[Path], Path], tmp_path: Path
) -> None:
    (found,) = inspect_file(make(tmp_path)).labels
    assert found.conforming, found.problems
    assert found.form is LabelForm.WRAPPED and found.standard_placement


def test_a_non_standard_label_blocks_a_second_label(tmp_path: Path) -> None:
    path = jpeg_app9(tmp_path)
    with pytest.raises(Exception, match=r"6\.1 c"):
        label_file(path, PRODUCER, None)


def _png_private_chunk(tmp: Path, pad: int = 0) -> tuple[Path, int]:
    """The label JSON in a private PNG chunk no reader knows (``prIv``), after ``pad`` bytes."""
    import zlib

    path = media.png(tmp / "a.png")
    data = path.read_bytes()
    body = b"\0" * pad + LABEL.encode()
    chunk = struct.pack(">I4s", len(body), b"prIv") + body
    chunk += struct.pack(">I", zlib.crc32(b"prIv" + body))
    at = data.index(b"IDAT") - 4
    path.write_bytes(data[:at] + chunk + data[at:])
    return path, at + 8 + pad + LABEL.index('"ContentProducer"')


def test_unknown_placement_is_suspected_with_its_offset(tmp_path: Path) -> None:
    path, offset = _png_private_chunk(tmp_path)
    assert not inspect_file(path).labels
    verdict = verify_file(path)
    assert verdict.determination is Determination.SUSPECTED
    (trace,) = [t for t in verdict.traces if '"ContentProducer"' in t.detail]
    assert trace.kind == "label_data" and trace.offset == offset
    assert f"at byte {offset}" in verdict.basis


def test_trace_search_is_bounded(tmp_path: Path) -> None:
    from hegui.labeling import Limits, applied

    path, offset = _png_private_chunk(tmp_path, pad=4096)
    with applied(Limits(max_trace_bytes=1024)):
        verdict = verify_file(path)
    assert verdict.determination is Determination.NONE
    assert "first 1024 bytes scanned" in verdict.basis
    assert verify_file(path).determination is Determination.SUSPECTED  # default: found
    assert offset > 1024
