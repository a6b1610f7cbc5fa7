"""The producer side (Measures Art. 4 and 5): explicit label, then the implicit label."""

from __future__ import annotations

import uuid
from dataclasses import replace as dc_replace
from pathlib import Path

from hegui.errors import InputError
from hegui.labeling._explicit import ExplicitOptions, add_explicit
from hegui.labeling._files import (
    WriteResult,
    carrier_checked,
    check_conflicts,
    check_target,
    commit_label,
    content_digest,
    temp_beside,
)
from hegui.labeling._integrity import IntegrityKey, Role, sign_label
from hegui.labeling._model import AigcLabel, LabelValue
from hegui.labeling._parse import interpret
from hegui.labeling._provider import check_provider_code

__all__ = ["label_file"]


def label_file(
    src: Path,
    producer: str,
    dst: Path | None = None,
    *,
    produce_id: str | None = None,
    key: IntegrityKey | None = None,
    cover_content: bool = False,
    explicit: ExplicitOptions | None = None,
    replace: bool = False,
    durable: bool = True,
) -> WriteResult:
    """Label generated content as its producer.

    Draws the explicit label when asked (Measures Art. 4), then writes the implicit label
    (Art. 5): ``Label`` "1", the first-write propagation fields, and ``ReservedCode1`` when a key
    is given. The input is never modified unless ``dst`` is None, and then only by an atomic
    rename at the end.

    Args:
        src: The generated file.
        producer: The provider code (27 characters, TC260 coding guide), validated strictly.
        dst: Output path, or None for in place.
        produce_id: The content id; a random UUID (hex) when None.
        key: Signs ``ReservedCode1`` (HMAC-SHA256 or Ed25519).
        cover_content: Include the content digest in the signature.
        explicit: Draw the modality's explicit label first.
        replace: Allow replacing an earlier label by another ContentProducer in the same slot.
        durable: fsync before the rename.
    """
    code = check_provider_code(producer)
    if isinstance(code, list):
        raise InputError("--producer: " + "; ".join(code))
    if cover_content and key is None:
        raise InputError("cover_content needs a key to sign with (CLI: --key FILE)")
    fmt, carrier = carrier_checked(src)
    target = check_target(src, dst)
    label = AigcLabel.first_write(
        producer, produce_id or uuid.uuid4().hex, label=LabelValue.GENERATED
    )
    existing = [interpret(raw) for raw in carrier.read(src)]
    replaced = check_conflicts(src, existing, label, carrier, replace)
    stage = temp_beside(target, suffix=src.suffix) if explicit is not None else None
    try:
        drawn = add_explicit(src, stage, fmt, explicit) if stage and explicit else None
        body = stage or src
        digest = None
        if key is not None:
            if cover_content:
                digest = content_digest(body, fmt)
                if digest is None:
                    raise InputError(
                        f"{src}: this format has no content digest; sign the label without "
                        "cover_content (CLI: drop --cover-content)"
                    )
            label = sign_label(label, Role.PRODUCER, key, digest)
        commit_label(
            body,
            label,
            target,
            carrier,
            mode_of=src,
            durable=durable,
            check_essence=digest is not None,
        )
    finally:
        if stage is not None:
            stage.unlink(missing_ok=True)
    result = WriteResult(src, target, fmt, carrier.slot, label, replaced)
    return dc_replace(result, explicit=drawn)
