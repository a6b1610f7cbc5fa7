"""Read and write implicit labels in files: detection, conflict rules, atomic writes, read-back.

Writes go to a temporary file beside the target, which is read back (a silently dropped label,
like ffmpeg's without ``-movflags use_metadata_tags``, is caught here), given the source's
permissions, flushed to disk, and renamed over the target. On any failure the temporary file is
removed and the input is untouched.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.errors import HeguiError, InputError, LabelConflictError, UnsupportedFormatError
from hegui.labeling._found import FileReport, FoundLabel
from hegui.labeling._model import AigcLabel
from hegui.labeling._parse import interpret
from hegui.labeling.carriers import Carrier, FileFormat, carrier_for
from hegui.labeling.carriers._detect import detect_format

if TYPE_CHECKING:
    from hegui.labeling._explicit import ExplicitResult

__all__ = [
    "WriteResult",
    "carrier_checked",
    "check_conflicts",
    "check_target",
    "commit_label",
    "content_digest",
    "inspect_file",
    "temp_beside",
    "write_label",
    "written_slots",
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


def written_slots(carrier: Carrier) -> frozenset[str]:
    """The slots a carrier writes together: its main slot and synchronised mirrors (PDF XMP)."""
    mirrors: frozenset[str] = getattr(carrier, "mirrors", frozenset())
    return frozenset({carrier.slot}) | mirrors


def _duplicates(labels: list[FoundLabel], slots: frozenset[str]) -> list[FoundLabel]:
    """Flag every label when a file holds more than one (§6.1 c)).

    Identical copies in the slots one carrier keeps in step count as one label.
    """
    if len(labels) < 2:
        return labels
    if all(lab.carrier in slots and lab.fields == labels[0].fields for lab in labels):
        return labels
    first = labels[0].carrier
    note = f"the file holds {len(labels)} labels; GB 45438 §6.1 c) keeps only one"
    return [
        label.model_copy(
            update={
                "problems": (*label.problems, f"{note} (first in {first})"),
                "conforming": False,
            }
        )
        for label in labels
    ]


def inspect_file(path: Path) -> FileReport:
    """Every label in ``path``, each interpreted against Appendix E.

    Raises:
        UnsupportedFormatError: The format is not supported.
        CorruptFileError: The file cannot be parsed where labels live.
    """
    _readable(path)
    detected = detect_format(path)
    carrier = carrier_for(detected.format)
    labels = _duplicates([interpret(raw) for raw in carrier.read(path)], written_slots(carrier))
    notes = (detected.extension_mismatch,) if detected.extension_mismatch else ()
    return FileReport(
        file=str(path), format=detected.format.value, labels=tuple(labels), notes=notes
    )


def content_digest(path: Path, fmt: FileFormat | None = None) -> str | None:
    """Hex SHA-256 of the file's essence (media without metadata).

    None for formats without one. Every ``scope c`` integrity value covers this digest.
    """
    fmt = fmt or detect_format(path).format
    return carrier_for(fmt).essence(path)


def _readable(path: Path) -> None:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")


def carrier_checked(path: Path) -> tuple[FileFormat, Carrier]:
    _readable(path)
    detected = detect_format(path)
    if detected.extension_mismatch:
        raise UnsupportedFormatError(detected.extension_mismatch)
    return detected.format, carrier_for(detected.format)


def check_conflicts(
    src: Path, existing: list[FoundLabel], label: AigcLabel, carrier: Carrier, replace: bool
) -> tuple[str, ...]:
    slot, slots = carrier.slot, written_slots(carrier)
    replaced = []
    for found in existing:
        producer = found.fields.get("ContentProducer")
        if producer:
            who = f"ContentProducer {producer!r}"
        elif any(found.fields.values()):
            who = "a label with no ContentProducer"
        else:
            who = f"an unreadable label ({'; '.join(found.problems)})"
        if found.carrier not in slots:
            raise LabelConflictError(
                f"{src}: already labeled in {found.carrier} ({who}); "
                f"writing {slot} would leave two labels, and GB 45438 §6.1 c) keeps one. "
                "Keep the existing label, or remove it with the tool that wrote it"
            )
        if producer != label.content_producer and not replace:
            raise LabelConflictError(
                f"{src}: already labeled by {who} in {found.carrier}; "
                "Measures Art. 10 forbids altering another provider's label. If it is your own "
                "earlier label, pass replace=True (CLI: --replace)"
            )
        replaced.append(found.carrier)
    return tuple(replaced)


def temp_beside(target: Path, suffix: str = ".hegui-tmp") -> Path:
    """A new empty file in ``target``'s directory (so the final rename is atomic)."""
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=suffix, dir=target.parent)
    except OSError as exc:
        why = "no such directory" if not target.parent.is_dir() else exc.strerror
        raise InputError(
            f"{target.parent}: cannot write there ({why}); choose an output directory "
            "you can write to"
        ) from None
    os.close(fd)
    return Path(name)


def check_target(src: Path, dst: Path | None) -> Path:
    """The path a write replaces: ``src`` in place, or a ``dst`` that does not exist yet."""
    if dst is None:
        return src
    if dst.exists() and not dst.samefile(src):
        raise InputError(f"{dst}: exists; hegui does not overwrite files, choose another output")
    return dst


def write_label(
    src: Path,
    label: AigcLabel,
    dst: Path | None = None,
    *,
    replace: bool = False,
    durable: bool = True,
    check_essence: bool = False,
) -> WriteResult:
    """Write ``label`` into ``src``'s metadata, atomically.

    Args:
        src: The file to label (never modified unless ``dst`` is None).
        label: The label to write.
        dst: Output path; None labels ``src`` in place (still via a temporary file). An existing
            ``dst`` other than ``src`` is refused.
        replace: Allow replacing a label by another ContentProducer in the same slot.
        durable: fsync the file before the rename.
        check_essence: Assert the essence digest is unchanged (used when it is signed).

    Raises:
        LabelConflictError: The file carries a label this write would contradict or duplicate.
        UnsupportedFormatError, CorruptFileError: The input cannot be labeled.
    """
    fmt, carrier = carrier_checked(src)
    target = check_target(src, dst)
    existing = [interpret(raw) for raw in carrier.read(src)]
    replaced = check_conflicts(src, existing, label, carrier, replace)
    commit_label(
        src, label, target, carrier, mode_of=src, durable=durable, check_essence=check_essence
    )
    return WriteResult(src, target, fmt, carrier.slot, label, replaced)


def commit_label(
    src: Path,
    label: AigcLabel,
    target: Path,
    carrier: Carrier,
    *,
    mode_of: Path,
    durable: bool,
    check_essence: bool,
) -> None:
    """Write ``src`` + ``label`` to a temporary file, read it back, then rename it to ``target``."""
    tmp = temp_beside(target)
    try:
        carrier.write(src, tmp, label.to_json())
        slots = written_slots(carrier)
        back = [interpret(r) for r in carrier.read(tmp) if r.carrier in slots]
        if [b.fields for b in back] != [label.fields()] * len(slots):
            raise HeguiError(
                f"{src}: read-back check failed: wrote {carrier.slot} but read "
                f"{[b.raw for b in back]!r}; the output was discarded. This is a bug in hegui; "
                "please report it"
            )
        if check_essence and carrier.essence(tmp) != carrier.essence(src):
            raise HeguiError(
                f"{src}: the media data changed while labeling; output discarded (bug)"
            )
        tmp.chmod(stat.S_IMODE(mode_of.stat().st_mode))
        if durable:
            _fsync(tmp)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
