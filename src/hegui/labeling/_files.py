"""Read and write implicit labels in files: detection, conflict rules, safe writes, read-back.

Every parse of a file runs inside :func:`~hegui.labeling._parsing.untrusted` (malformed input is
bad input, never an internal error) and under the limits in force. A write goes to a temporary
file beside the target, which is read back (a silently dropped label, like ffmpeg's without
``-movflags use_metadata_tags``, is caught here), given the source's permission bits (masked to
``0o777``) and published with :func:`hegui.evidence.publish`. On any failure the temporary file
is removed and the input is untouched. In place, the lock and the stale-input check of
:mod:`hegui.labeling._commit` apply.
"""

from __future__ import annotations

import stat
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.errors import HeguiError, InputError, LabelConflictError, UnsupportedFormatError
from hegui.evidence import publish, temp_beside
from hegui.labeling._commit import FileState, check_in_place, in_place_lock
from hegui.labeling._found import FileReport, FoundLabel
from hegui.labeling._integrity import ContentDigest
from hegui.labeling._model import AigcLabel
from hegui.labeling._parse import interpret
from hegui.labeling._parsing import untrusted
from hegui.labeling.carriers import Carrier, FileFormat, carrier_for
from hegui.labeling.carriers._detect import detect_format

if TYPE_CHECKING:
    from hegui.labeling._explicit import ExplicitResult

__all__ = [
    "WriteResult",
    "carrier_checked",
    "check_conflicts",
    "commit_label",
    "content_digest",
    "guarded",
    "inspect_file",
    "output_target",
    "read_labels",
    "write_held",
    "write_label",
]


@dataclass(frozen=True, slots=True)
class WriteResult:
    """What one write did."""

    source: Path
    target: Path
    format: FileFormat
    carrier: str
    label: AigcLabel
    replaced: tuple[str, ...] = ()
    """Carriers of earlier labels that this write replaced (same slot)."""
    explicit: ExplicitResult | None = None
    """The explicit label drawn before the implicit one, if asked for."""


def _duplicates(labels: list[FoundLabel]) -> list[FoundLabel]:
    """Flag every label when a file holds more than one (§6.1 c))."""
    if len(labels) < 2:
        return labels
    places = ", ".join(lab.carrier for lab in labels)
    note = f"the file holds {len(labels)} labels ({places}); GB 45438 §6.1 c) keeps only one"
    return [
        label.model_copy(update={"problems": (*label.problems, note), "conforming": False})
        for label in labels
    ]


def read_labels(path: Path, carrier: Carrier) -> list[FoundLabel]:
    """Every label ``carrier`` finds in ``path``, interpreted (inside the parse boundary)."""
    with untrusted(path):
        return [interpret(raw) for raw in carrier.read(path)]


def inspect_file(path: Path) -> FileReport:
    """Every label in ``path``, each interpreted against Appendix E.

    Raises:
        UnsupportedFormatError: The format is not supported.
        CorruptFileError: The file cannot be parsed where labels live.
    """
    _readable(path)
    with untrusted(path) as notes:
        detected = detect_format(path)
        carrier = carrier_for(detected.format)
        labels = _duplicates([interpret(raw) for raw in carrier.read(path)])
    found = [detected.extension_mismatch] if detected.extension_mismatch else []
    return FileReport(
        file=str(path),
        format=detected.format.value,
        labels=tuple(labels),
        notes=tuple(found + sorted(set(notes))),
    )


def content_digest(path: Path, fmt: FileFormat | None = None) -> ContentDigest | None:
    """The digest of the file's essence (what a reader renders, without the label).

    None for formats without one. Every content-covering integrity value binds this digest.
    """
    with untrusted(path):
        fmt = fmt or detect_format(path).format
        c = carrier_for(fmt)
        value = c.essence(path)
    return None if value is None else ContentDigest(f"{fmt.value}/{c.digest_version}", value)


def _readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")


def carrier_checked(path: Path) -> tuple[FileFormat, Carrier]:
    """The format and carrier of ``path``; a lying extension is refused for writing."""
    _readable(path)
    with untrusted(path):
        detected = detect_format(path)
    if detected.extension_mismatch:
        raise UnsupportedFormatError(detected.extension_mismatch)
    return detected.format, carrier_for(detected.format)


def check_conflicts(
    src: Path, existing: list[FoundLabel], label: AigcLabel, carrier: Carrier, replace: bool
) -> tuple[str, ...]:
    """The carriers this write replaces; raise if it would contradict or duplicate a label.

    Any replacement needs ``replace`` (the same producer relabelling too); a label in another
    slot is never replaced (GB 45438 §6.1 c) keeps one label, Measures Art. 10).
    """
    replaced = []
    for found in existing:
        producer = found.fields.get("ContentProducer")
        if producer:
            who = f"ContentProducer {producer!r}"
        elif any(found.fields.values()):
            who = "a label with no ContentProducer"
        else:
            who = f"an unreadable label ({'; '.join(found.problems)})"
        if found.carrier != carrier.slot:
            raise LabelConflictError(
                f"{src}: already labeled in {found.carrier} ({who}); "
                f"writing {carrier.slot} would leave two labels, and GB 45438 §6.1 c) keeps one. "
                "Keep the existing label, or remove it with the tool that wrote it"
            )
        if not replace:
            own = producer == label.content_producer
            why = (
                "relabelling replaces your earlier label"
                if own
                else "Measures Art. 10 forbids altering another provider's label"
            )
            raise LabelConflictError(
                f"{src}: already labeled by {who} in {found.carrier}; {why}. Replace it only if "
                "it is your own earlier label (option --replace)"
            )
        replaced.append(found.carrier)
    return tuple(replaced)


def guarded(src: Path, *, in_place: bool, force: bool) -> AbstractContextManager[None]:
    """The lock an in-place write of ``src`` holds from its first read (a no-op otherwise)."""
    if not in_place:
        return nullcontext()
    check_in_place(src, force=force)
    return in_place_lock(src)


def write_label(
    src: Path,
    label: AigcLabel,
    dst: Path | None = None,
    *,
    replace: bool = False,
    force: bool = False,
    durable: bool = True,
) -> WriteResult:
    """Write ``label`` into ``src``'s metadata, safely.

    Args:
        src: The file to label (never modified unless ``dst`` is None).
        label: The label to write.
        dst: Output path; None labels ``src`` in place (still via a temporary file). An existing
            ``dst`` is refused, even one that appears during the write.
        replace: Allow replacing an existing label in the same slot.
        force: In place, replace a read-only file.
        durable: fsync the file before it is published.

    Raises:
        LabelConflictError: The file carries a label this write would contradict or duplicate,
            or it changed while being labeled.
        UnsupportedFormatError, CorruptFileError: The input cannot be labeled.
        HostError: Disk full, permission denied.
    """
    with guarded(src, in_place=dst is None, force=force):
        state = FileState.of(src)
        return write_held(src, label, dst, state=state, replace=replace, durable=durable)


def write_held(
    src: Path, label: AigcLabel, dst: Path | None, *, state: FileState, replace: bool, durable: bool
) -> WriteResult:
    """:func:`write_label` for a caller that already holds :func:`guarded` since ``state``."""
    fmt, carrier = carrier_checked(src)
    target = output_target(src, dst)
    existing = read_labels(src, carrier)
    replaced = check_conflicts(src, existing, label, carrier, replace)
    commit_label(src, label, target, carrier, original=src, state=state, durable=durable)
    return WriteResult(src, target, fmt, carrier.slot, label, replaced)


def output_target(src: Path, dst: Path | None) -> Path:
    if dst is None:
        return src
    if dst.exists() or dst.is_symlink():
        raise InputError(f"{dst}: exists; hegui does not overwrite files, choose another output")
    return dst


def commit_label(
    body: Path,
    label: AigcLabel,
    target: Path,
    carrier: Carrier,
    *,
    original: Path,
    state: FileState,
    durable: bool,
    check_essence: bool = False,
) -> None:
    """Write ``body`` + ``label`` to a temporary file, read it back, then publish it.

    ``original`` is the user's input (``body`` may be a staged copy with an explicit label);
    its ``state`` is checked just before an in-place publish.
    """
    tmp = temp_beside(target, ".hegui-tmp")
    try:
        with untrusted(body, "label"):
            carrier.write(body, tmp, label.to_json())
            back = [interpret(r) for r in carrier.read(tmp) if r.carrier == carrier.slot]
            if [b.fields for b in back] != [label.fields()]:
                raise HeguiError(
                    f"{original}: read-back check failed: wrote {carrier.slot} but read "
                    f"{[b.raw for b in back]!r}; the output was discarded. This is a bug in "
                    "hegui; please report it"
                )
            if check_essence and carrier.essence(tmp) != carrier.essence(body):
                raise HeguiError(
                    f"{original}: the media data changed while labeling; output discarded (bug)"
                )
        tmp.chmod(stat.S_IMODE(original.stat().st_mode) & 0o777)
        in_place = target == original
        if in_place:
            state.check_unchanged(original)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    publish(tmp, target, replace=in_place, durable=durable)
