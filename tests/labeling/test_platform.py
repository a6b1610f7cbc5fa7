"""Measures Art. 6: confirmed / possible / suspected / none, and propagation that keeps the
producer's integrity value valid."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hegui.errors import InputError, LabelConflictError
from hegui.labeling import AigcLabel, HmacKey, IntegrityRole, IntegrityStatus, KeyKind, load_key
from hegui.labeling._files import inspect_file, write_label
from hegui.labeling._platform import Determination, propagate, verify_file
from hegui.labeling._produce import label_file

from . import media
from .conftest import PLATFORM, PRODUCER

PRODUCER_KEY = HmacKey(b"producer-secret-0123456789")
PLATFORM_KEY = HmacKey(b"platform-secret-0123456789")

MAKERS = {
    "png": lambda p: media.png(p / "a.png"),
    "jpeg": lambda p: media.jpeg(p / "a.jpg", exif=media.exif_bytes()),
    "wav": lambda p: media.wav(p / "a.wav"),
    "mp4": lambda p: Path(shutil.copy(media.DATA / "clip.mp4", p / "clip.mp4")),
    "markdown": lambda p: _write(p / "a.md", "# 标题\n正文。\n"),
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("cover", [False, True], ids=["metadata", "content"])
def test_confirmed_propagation_keeps_producer_signature_valid(
    kind: str, cover: bool, tmp_path: Path
) -> None:
    src = MAKERS[kind](tmp_path)
    label_file(src, PRODUCER, None, produce_id="gen-1", key=PRODUCER_KEY, cover_content=cover)
    before = verify_file(src, keys=[PRODUCER_KEY])
    assert before.determination is Determination.CONFIRMED
    assert before.integrity[0].status is IntegrityStatus.VALID
    assert before.integrity[1].status is IntegrityStatus.ABSENT

    out = tmp_path / ("published" + src.suffix)
    result = propagate(
        src,
        PLATFORM,
        out,
        propagate_id="plat-9",
        keys=[PRODUCER_KEY],
        sign_with=PLATFORM_KEY,
        cover_content=cover,
    )
    assert result.determination is Determination.CONFIRMED
    assert result.written is not None and result.written.target == out
    statuses = {r.field: r.status for r in result.integrity}
    assert statuses == {
        IntegrityRole.PRODUCER: IntegrityStatus.VALID,
        IntegrityRole.PLATFORM: IntegrityStatus.VALID,
    }
    (found,) = inspect_file(out).labels
    assert found.fields["ContentProducer"] == PRODUCER and found.fields["ProduceID"] == "gen-1"
    assert found.fields["ContentPropagator"] == PLATFORM and found.fields["PropagateID"] == "plat-9"
    assert found.conforming, found.problems


def test_tampered_producer_field_is_reported_invalid(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    result = label_file(src, PRODUCER, None, produce_id="gen-1", key=PRODUCER_KEY)
    forged = result.label.model_copy(update={"produce_id": "gen-2"})
    write_label(src, forged, replace=True)
    check = verify_file(src, keys=[PRODUCER_KEY])
    assert check.integrity[0].status is IntegrityStatus.INVALID


def test_content_change_breaks_a_content_covering_signature(tmp_path: Path) -> None:
    src = media.wav(tmp_path / "a.wav")
    label_file(src, PRODUCER, None, key=PRODUCER_KEY, cover_content=True)
    data = bytearray(src.read_bytes())
    data[60] ^= 0x01  # one bit of audio
    src.write_bytes(bytes(data))
    assert verify_file(src, keys=[PRODUCER_KEY]).integrity[0].status is IntegrityStatus.INVALID


def test_declared_upload_is_possible_and_gets_label_2(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    assert verify_file(src).determination is Determination.NONE
    result = propagate(src, PLATFORM, None, declared=True, propagate_id="up-1")
    assert result.determination is Determination.POSSIBLE
    assert result.determination.notice_zh == "该内容可能为人工智能生成合成内容"
    (found,) = inspect_file(src).labels
    assert (
        found.fields
        == AigcLabel.first_write(
            PLATFORM, "up-1", label=Determination.POSSIBLE.label_value
        ).fields()
    )  # type: ignore[arg-type]
    assert found.conforming, found.problems


@pytest.mark.parametrize(
    ("make", "kind"),
    [
        (lambda p: _write(p / "a.md", "# 报告\n\n正文。\n\n本文由AI生成\n"), "explicit_text"),
        (
            lambda p: _write(p / "a.html", "<html><body><p>图片由人工智能合成</p></body></html>"),
            "explicit_text",
        ),
        (
            lambda p: media.jpeg(
                p / "a.jpg",
                xmp=media.XMP_WITH_CREATOR.replace(
                    b"</rdf:Description>",
                    b'<Iptc4xmpExt:DigitalSourceType xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/">'
                    b"http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
                    b"</Iptc4xmpExt:DigitalSourceType></rdf:Description>",
                ),
            ),
            "iptc_digital_source_type",
        ),
        (
            lambda p: media.png(
                p / "a.png", text=[("tEXt", "parameters", "a cat, Steps: 20, Sampler: Euler")]
            ),
            "generation_parameters",
        ),
    ],
    ids=["markdown", "html", "iptc", "sd-parameters"],
)
def test_traces_make_it_suspected(make, kind: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    src = make(tmp_path)
    check = verify_file(src)
    assert check.determination is Determination.SUSPECTED
    assert [t.kind for t in check.traces] == [kind]
    assert (
        verify_file(src, declared=True).determination is Determination.POSSIBLE
    )  # (二) before (三)
    result = propagate(src, PLATFORM, tmp_path / ("out" + src.suffix))
    assert result.written is not None
    (found,) = inspect_file(result.written.target).labels
    assert found.fields["Label"] == "3"


def test_nonconforming_label_is_a_trace_and_is_not_overwritten(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "a.md",
        "---\nAIGC:\n  Label: AIGC\n  ContentProducer: Minimax Agent AI\n---\ntext\n",
    )
    check = verify_file(src)
    assert check.determination is Determination.SUSPECTED
    assert check.traces[0].kind == "nonconforming_label"
    before = src.read_bytes()
    with pytest.raises(LabelConflictError, match=r"Art\. 10"):
        propagate(src, PLATFORM, None)
    assert src.read_bytes() == before


def test_label_that_cannot_be_carried_forward_is_refused(tmp_path: Path) -> None:
    src = _write(
        tmp_path / "a.md", "---\nAIGC:\n  Label: '1'\n  ContentProducer: 某某科技\n---\ntext\n"
    )
    assert verify_file(src).determination is Determination.CONFIRMED
    with pytest.raises(LabelConflictError, match="carried forward"):
        propagate(src, PLATFORM, None)


def test_nothing_found_writes_nothing(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    before = src.read_bytes()
    result = propagate(src, PLATFORM, None)
    assert result.determination is Determination.NONE and result.written is None
    assert src.read_bytes() == before


def test_platform_code_must_be_a_distribution_code(tmp_path: Path) -> None:
    src = media.png(tmp_path / "a.png")
    with pytest.raises(InputError, match="service type"):
        propagate(src, PRODUCER, None, declared=True)


def test_ed25519_platform_signature(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

    pem = Ed25519PrivateKey.generate().private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()
    )
    key = load_key(pem, KeyKind.ED25519)
    src = media.wav(tmp_path / "a.wav")
    label_file(src, PRODUCER, None, key=PRODUCER_KEY)
    result = propagate(src, PLATFORM, None, keys=[PRODUCER_KEY], sign_with=key, cover_content=True)
    assert [r.status for r in result.integrity] == [IntegrityStatus.VALID, IntegrityStatus.VALID]
