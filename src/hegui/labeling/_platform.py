"""The platform side (Measures Art. 6): decide what a file is, and write the propagation elements.

Art. 6 (grade B, ``regulations.md`` LBL-06, confidence V):

* (一) the metadata holds an implicit label saying the content is generated → **confirmed**;
* (二) no implicit label, but the uploader declares it generated → **possible** ("可能为");
* (三) neither, but an explicit label or other traces are detected → **suspected** ("疑似");
* otherwise **none**.

In cases (一)–(三) the platform adds its propagation elements to the metadata. The three states
map onto Appendix E ``Label`` "1"/"2"/"3". When a label exists, only ``ContentPropagator``,
``PropagateID`` and ``ReservedCode2`` change, so the producer's ``ReservedCode1`` stays valid.
When the platform writes the first label (possible, suspected) it fills the production elements
with its own code and id, as Appendix E Note 1 wants for a first write; that reading of Note 1
for platforms is hegui's interpretation (UNCONFIRMED).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from hegui.errors import InputError, LabelConflictError
from hegui.labeling._commit import FileState
from hegui.labeling._files import (
    WriteResult,
    content_digest,
    guarded,
    inspect_file,
    write_held,
)
from hegui.labeling._found import FileReport, FoundLabel
from hegui.labeling._integrity import (
    ContentDigest,
    IntegrityResult,
    IntegrityRole,
    IntegrityStatus,
    sign_label,
    verify_integrity,
)
from hegui.labeling._keys import IntegrityKey
from hegui.labeling._limits import current_limits
from hegui.labeling._model import AigcLabel, LabelValue
from hegui.labeling._provider import ServiceType, check_provider_code
from hegui.labeling._security_data import security_data
from hegui.labeling._traces import Trace, find_traces
from hegui.labeling.carriers import RETIRED_DIGESTS, FileFormat

__all__ = ["Determination", "Verification", "propagate", "verify_file"]


class Determination(StrEnum):
    """What Measures Art. 6 makes of a file."""

    CONFIRMED = "confirmed"
    POSSIBLE = "possible"
    SUSPECTED = "suspected"
    NONE = "none"

    @property
    def notice_zh(self) -> str:
        """The prompt to show around the published content (Art. 6 wording)."""
        return {
            "confirmed": "该内容为人工智能生成合成内容",
            "possible": "该内容可能为人工智能生成合成内容",
            "suspected": "该内容疑似为人工智能生成合成内容",
            "none": "",
        }[self.value]

    @property
    def notice_en(self) -> str:
        """English rendering of :attr:`notice_zh`."""
        return {
            "confirmed": "This content is AI-generated",
            "possible": "This content may be AI-generated",
            "suspected": "This content is suspected to be AI-generated",
            "none": "",
        }[self.value]

    @property
    def label_value(self) -> LabelValue | None:
        """The Appendix E ``Label`` a platform writes for this state."""
        return {
            "confirmed": LabelValue.GENERATED,
            "possible": LabelValue.POSSIBLE,
            "suspected": LabelValue.SUSPECTED,
        }.get(self.value)


@dataclass(frozen=True, slots=True)
class Verification:
    """The platform's view of one file."""

    report: FileReport
    determination: Determination
    basis: str
    """Why: which Art. 6 case applied."""
    label: FoundLabel | None
    """The implicit label the decision rests on."""
    integrity: tuple[IntegrityResult, ...]
    traces: tuple[Trace, ...]
    written: WriteResult | None = None


_BY_LABEL = {
    "1": Determination.CONFIRMED,
    "2": Determination.POSSIBLE,
    "3": Determination.SUSPECTED,
}


def _integrity(
    path: Path, fmt: FileFormat, found: FoundLabel | None, keys: Sequence[IntegrityKey]
) -> tuple[IntegrityResult, ...]:
    label = found.to_label() if found else None
    if found is not None and label is None:
        return _security_data_results(found)
    if label is None:
        return ()
    digest_cache: list[ContentDigest | None] = []

    def digest() -> ContentDigest | None:
        if not digest_cache:
            digest_cache.append(content_digest(path, fmt))
        return digest_cache[0]

    return tuple(
        verify_integrity(label, role, keys, digest, retired=RETIRED_DIGESTS.get)
        for role in IntegrityRole
    )


def _security_data_results(found: FoundLabel) -> tuple[IntegrityResult, ...]:
    """A label whose reserved fields hold TC260-PG-202511A SecurityData: named, unverifiable."""
    results = []
    for role in IntegrityRole:
        secured = security_data(found.fields.get(role.value) or "")
        if secured is not None:
            results.append(
                IntegrityResult(role, IntegrityStatus.UNVERIFIABLE, secured.describe(), "202511A")
            )
    return tuple(results)


def verify_file(
    path: Path, *, keys: Sequence[IntegrityKey] = (), declared: bool = False
) -> Verification:
    """Decide Art. 6's case for ``path`` and check the integrity values; writes nothing.

    Args:
        path: The uploaded file.
        keys: Keys to check ``ReservedCode1``/``ReservedCode2`` with.
        declared: The uploader declared the content generated (Art. 6 (二), Art. 10).
    """
    report = inspect_file(path)
    fmt = FileFormat(report.format)
    found = next((lab for lab in report.labels if lab.fields.get("Label") in _BY_LABEL), None)
    traces = tuple(find_traces(path, fmt, report))
    if found is not None:
        label_value = found.fields["Label"] or ""
        determination = _BY_LABEL[label_value]
        basis = f"Art. 6 (一): implicit label in {found.carrier} with Label {label_value!r}"
        if not found.conforming:
            basis += " (non-conforming: see problems)"
    elif declared:
        determination, basis = (
            Determination.POSSIBLE,
            "Art. 6 (二): no implicit label; the uploader declared it",
        )
    elif traces:
        determination = Determination.SUSPECTED
        basis = "Art. 6 (三): no implicit label or declaration; traces: " + "; ".join(
            t.detail for t in traces
        )
    else:
        scanned = current_limits().max_trace_bytes
        determination, basis = (
            Determination.NONE,
            f"no implicit label, declaration or trace found (the first {scanned} bytes scanned)",
        )
    return Verification(
        report, determination, basis, found, _integrity(path, fmt, found, keys), traces
    )


def _propagated(
    path: Path, result: Verification, platform: str, pid: str, replace: bool
) -> AigcLabel:
    """The label the platform writes: the existing one carried forward, or a first write."""
    value = result.determination.label_value
    assert value is not None
    if result.label is None:
        return AigcLabel.first_write(platform, pid, label=value)
    existing = result.label.to_label()
    if existing is None:
        raise LabelConflictError(
            f"{path}: the implicit label in {result.label.carrier} cannot be carried forward "
            f"unaltered ({'; '.join(result.label.problems)}); Measures Art. 10 forbids "
            "altering it. Publish with the Art. 6 notice without writing metadata"
        )
    own = existing.content_propagator == platform != existing.content_producer
    if own and not replace:
        raise LabelConflictError(
            f"{path}: already carries your propagation elements (PropagateID "
            f"{existing.propagate_id!r}); replace them only on purpose (option --replace)"
        )
    return existing.model_copy(
        update={"content_propagator": platform, "propagate_id": pid, "reserved_code2": ""}
    )


def propagate(
    path: Path,
    platform: str,
    dst: Path | None = None,
    *,
    propagate_id: str | None = None,
    keys: Sequence[IntegrityKey] = (),
    sign_with: IntegrityKey | None = None,
    cover_content: bool | None = None,
    declared: bool = False,
    replace: bool = False,
    force: bool = False,
    durable: bool = True,
) -> Verification:
    """Verify ``path`` and write the platform's propagation elements (Art. 6, last paragraph).

    Args:
        path: The uploaded file.
        platform: The platform's provider code (service type 2, distribution).
        dst: Output path, or None to update ``path`` in place (atomically).
        propagate_id: The platform's id of the content; a random UUID (hex) when None.
        keys: Keys to check existing integrity values with.
        sign_with: Key for ``ReservedCode2``.
        cover_content: Bind the content digest in ``ReservedCode2``: None (default) wherever
            the format has one, True required, False metadata only.
        declared: The uploader declared the content generated.
        replace: Replace the propagation elements of an earlier platform (yours only).
        force: In place, replace a read-only file.
        durable: fsync before the rename.

    Raises:
        LabelConflictError: The existing label cannot be carried forward unaltered.
    """
    code = check_provider_code(platform)
    if isinstance(code, list):
        raise InputError("--platform: " + "; ".join(code))
    if code.service_type is ServiceType.GENERATION:
        raise InputError(
            f"--platform {platform}: service type (position 23) is '1' (generation); a "
            "distribution platform's code uses '2' (TC260 coding guide)"
        )
    all_keys = [*keys, *([sign_with] if sign_with else [])]
    with guarded(path, in_place=dst is None, force=force):
        state = FileState.of(path)
        result = verify_file(path, keys=all_keys, declared=declared)
        value = result.determination.label_value
        if value is None:
            return result
        label = _propagated(path, result, platform, propagate_id or uuid.uuid4().hex, replace)
        if sign_with is not None:
            digest = content_digest(path) if cover_content is not False else None
            if cover_content and digest is None:
                raise InputError(
                    f"{path}: this format has no content digest; sign without covering the "
                    "content (option --metadata-only)"
                )
            label = sign_label(label, IntegrityRole.PLATFORM, sign_with, digest)
        # Carrying an existing label forward rewrites its slot by design (Art. 6).
        written = write_held(
            path,
            label,
            dst,
            state=state,
            replace=replace or result.label is not None,
            durable=durable,
        )
    after = verify_file(written.target, keys=all_keys, declared=declared)
    return Verification(
        after.report,
        result.determination,
        result.basis,
        after.label,
        after.integrity,
        result.traces,
        written,
    )
