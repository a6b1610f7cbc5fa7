"""The labeling package's public surface: pinned names, registries, and what Evidence records."""

from __future__ import annotations

import hashlib
import hmac
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import hegui.labeling as labeling
from hegui.components import ComponentSpec
from hegui.labeling import (
    CARRIERS,
    INTEGRITY_SCHEMES,
    AddOptions,
    HmacKey,
    IntegrityRole,
    IntegrityStatus,
    VerifyOptions,
    add_labels,
    inspect_files,
    sign_label,
    verify_files,
    verify_integrity,
)

from . import media
from .conftest import PRODUCER, producer_label

PUBLIC = [
    "AddBatch",
    "AddOptions",
    "AigcLabel",
    "CARRIERS",
    "CHARSET_PATTERN",
    "Carrier",
    "CjkFont",
    "CodePart",
    "ContentDigest",
    "CuePosition",
    "Determination",
    "Ed25519Key",
    "ExplicitOptions",
    "ExplicitResult",
    "FIELD_ORDER",
    "FileError",
    "FileFormat",
    "FileReport",
    "FoundLabel",
    "HmacKey",
    "INTEGRITY_SCHEMES",
    "ImagePosition",
    "InspectBatch",
    "IntegrityKey",
    "IntegrityResult",
    "IntegrityRole",
    "IntegrityStatus",
    "Item",
    "KeyKind",
    "LabelForm",
    "LabelValue",
    "Limits",
    "METADATA_ONLY",
    "Placements",
    "ProviderCode",
    "RETIRED_DIGESTS",
    "RawLabel",
    "RhythmCue",
    "ServiceType",
    "Skipped",
    "TextLabelMatch",
    "TextPosition",
    "Trace",
    "Verification",
    "VerifyBatch",
    "VerifyOptions",
    "WriteResult",
    "WrittenForm",
    "add_explicit",
    "add_labels",
    "add_text_label",
    "applied",
    "charset_violations",
    "check_provider_code",
    "check_text_label",
    "check_wording",
    "content_digest",
    "current_limits",
    "describe_provider_code",
    "draw_image_label",
    "exiftool_config",
    "find_cjk_font",
    "find_traces",
    "inspect_file",
    "inspect_files",
    "integrity_message",
    "interpret",
    "label_file",
    "load_key",
    "looks_like_provider_code",
    "make_provider_code",
    "parse_image_position",
    "parse_limits",
    "placements",
    "propagate",
    "registered_formats",
    "rhythm_samples",
    "sign_label",
    "verify_file",
    "verify_files",
    "verify_integrity",
    "write_label",
]


def test_all_is_pinned_and_importable() -> None:
    assert sorted(labeling.__all__) == PUBLIC
    for name in PUBLIC:
        assert getattr(labeling, name) is not None, name


def test_carriers_and_schemes_are_registered_components() -> None:
    ids = CARRIERS.ids()
    assert {"hegui/png", "hegui/mp4", "hegui/pdf", "hegui/docx", "hegui/markdown"} <= set(ids)
    assert CARRIERS.group == "hegui.carriers" and INTEGRITY_SCHEMES.group == "hegui.integrity"
    png = CARRIERS.build(ComponentSpec(id="hegui/png"))
    assert png.slot == "png.xmp" and png.digest_version == 2
    assert {"hegui/ed25519", "hegui/hs256"} <= set(INTEGRITY_SCHEMES.ids())


@INTEGRITY_SCHEMES.register("tests/hs512")
@dataclass(frozen=True, slots=True, repr=False)
class _Sha512Key:
    """A third party's scheme, registered the way an entry point would register it."""

    secret: bytes
    scheme: ClassVar[str] = "hs512"

    @property
    def kid(self) -> str:
        return hashlib.sha256(self.secret).hexdigest()[:8]

    @property
    def can_sign(self) -> bool:
        return True

    def sign(self, message: bytes) -> bytes:
        return hmac.new(self.secret, message, hashlib.sha512).digest()

    def verify(self, message: bytes, signature: bytes) -> bool:
        return hmac.compare_digest(self.sign(message), signature)


def test_a_registered_third_party_scheme_signs_and_verifies() -> None:
    key = _Sha512Key(b"third-party-secret")
    signed = sign_label(producer_label(), IntegrityRole.PRODUCER, key)
    assert signed.reserved_code1.startswith("hg2.hs512.")
    result = verify_integrity(signed, IntegrityRole.PRODUCER, [key], lambda: None)
    assert result.status is IntegrityStatus.VALID


def test_batch_evidence_records_kinds_and_components(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    media.png(tmp_path / "in" / "a.png")
    media.wav(tmp_path / "in" / "b.wav")
    (tmp_path / "in" / "c.md").write_text("正文。\n")
    shutil.copy(media.DATA / "clip.mp4", tmp_path / "in" / "d.mp4")
    key = HmacKey(b"0123456789abcdef0123456789abcdef-x")
    added = add_labels(
        [tmp_path / "in"], AddOptions(producer=PRODUCER, key=key), out=tmp_path / "out"
    )
    assert added.succeeded == 4 and added.exit_code() == 0
    ev = added.evidence()
    assert ev.kinds == ("EV-label-audio", "EV-label-images", "EV-label-text", "EV-label-video")
    ids = [c.id for c in ev.components]
    assert ids == ["hegui/hs256", "hegui/markdown", "hegui/mp4", "hegui/png", "hegui/wav"]
    scheme = next(c for c in ev.components if c.id == "hegui/hs256")
    assert scheme.params == {"kid": key.kid}  # the key id, never the secret
    assert len(ev.inputs) == 4 and ev.details["limits"]["max_pixels"] == 50_000_000  # type: ignore[index]

    verified = verify_files([tmp_path / "out"], VerifyOptions(keys=(key,)))
    vev = verified.evidence()
    assert vev.kinds == ("EV-label-platform-verify",) and vev.check == "label.verify"
    assert {c.id for c in vev.components} >= {"hegui/hs256", "hegui/png"}
    inspected = inspect_files([tmp_path / "out"])
    assert inspected.conforming() == 4 and inspected.evidence().result.value == "pass"
