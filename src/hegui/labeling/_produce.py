"""The producer side (Measures Art. 4 and 5): explicit label, then the implicit label."""

from __future__ import annotations

import uuid
from dataclasses import replace as dc_replace
from pathlib import Path

from hegui.errors import InputError
from hegui.evidence import temp_beside
from hegui.labeling._commit import FileState
from hegui.labeling._explicit import ExplicitOptions, add_explicit
from hegui.labeling._files import (
    WriteResult,
    carrier_checked,
    check_conflicts,
    commit_label,
    content_digest,
    guarded,
    output_target,
    read_labels,
)
from hegui.labeling._integrity import IntegrityRole, sign_label
from hegui.labeling._keys import IntegrityKey
from hegui.labeling._model import AigcLabel, LabelValue
from hegui.labeling._parsing import untrusted
from hegui.labeling._provider import check_provider_code

__all__ = ["label_file"]


def label_file(
    src: Path,
    producer: str,
    dst: Path | None = None,
    *,
    produce_id: str | None = None,
    key: IntegrityKey | None = None,
    cover_content: bool | None = None,
    explicit: ExplicitOptions | None = None,
    replace: bool = False,
    force: bool = False,
    durable: bool = True,
) -> WriteResult:
    """Label generated content as its producer.

    Draws the explicit label when asked (Measures Art. 4), then writes the implicit label
    (Art. 5): ``Label`` "1", the first-write propagation fields, and ``ReservedCode1`` when a key
    is given. The input is never modified unless ``dst`` is None, and then only by an atomic
    rename at the end (see :func:`~hegui.labeling.write_label` for the in-place rules).

    Args:
        src: The generated file.
        producer: The provider code (27 characters, TC260 coding guide), validated strictly.
        dst: Output path, or None for in place.
        produce_id: The content id; a random UUID (hex) when None.
        key: Signs ``ReservedCode1`` (HMAC-SHA256 or Ed25519).
        cover_content: Bind the content digest in the signature. None (the default): wherever
            the format has a content digest; True: required; False: metadata only.
        explicit: Draw the modality's explicit label first.
        replace: Allow replacing an earlier label in the same slot (your own only).
        force: In place, replace a read-only file.
        durable: fsync before the file is published.
    """
    code = check_provider_code(producer)
    if isinstance(code, list):
        raise InputError("--producer: " + "; ".join(code))
    if cover_content and key is None:
        raise InputError("covering the content needs a key to sign with (option --key)")
    fmt, carrier = carrier_checked(src)
    label = AigcLabel.first_write(
        producer, produce_id or uuid.uuid4().hex, label=LabelValue.GENERATED
    )
    with guarded(src, in_place=dst is None, force=force):
        state = FileState.of(src)
        target = output_target(src, dst)
        existing = read_labels(src, carrier)
        replaced = check_conflicts(src, existing, label, carrier, replace)
        stage = temp_beside(target, suffix=src.suffix) if explicit is not None else None
        try:
            drawn = None
            if stage is not None and explicit is not None:
                with untrusted(src, "draw the explicit label on"):
                    drawn = add_explicit(src, stage, fmt, explicit)
            body = stage or src
            digest = None
            if key is not None:
                if cover_content is not False:
                    digest = content_digest(body, fmt)
                if cover_content and digest is None:
                    raise InputError(
                        f"{src}: this format has no content digest; sign the label without "
                        "covering the content (option --metadata-only)"
                    )
                label = sign_label(label, IntegrityRole.PRODUCER, key, digest)
            commit_label(
                body,
                label,
                target,
                carrier,
                original=src,
                state=state,
                durable=durable,
                check_essence=digest is not None,
            )
        finally:
            if stage is not None:
                stage.unlink(missing_ok=True)
    result = WriteResult(src, target, fmt, carrier.slot, label, replaced)
    return dc_replace(result, explicit=drawn)
