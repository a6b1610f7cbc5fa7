"""Per-file records of ``label add``, ``inspect`` and ``verify``, their summaries and Evidence.

The record functions are module-level (picklable for worker processes) and return JSON-able
dicts; :mod:`hegui.labeling._batch` runs them with failures isolated per file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from pydantic import JsonValue

from hegui.evidence import Evidence, EvidenceResult, InputDigest, digest_file
from hegui.labeling._batch import Job, Record
from hegui.labeling._explicit import ExplicitOptions
from hegui.labeling._files import inspect_file
from hegui.labeling._keys import IntegrityKey
from hegui.labeling._limits import Limits, applied
from hegui.labeling._platform import propagate, verify_file
from hegui.labeling._produce import label_file

__all__ = ["add_record", "evidence", "inspect_record", "summary", "verify_record"]

# kb ids: LBL obligations (Labeling Measures articles), the GB45438 instrument, thresholds.
_TESTS: Final = {
    "label.add": ("LBL-05", "GB45438"),
    "label.inspect": ("LBL-05", "GB45438"),
    "label.verify": ("LBL-06", "GB45438"),
}
_EXPLICIT_TESTS: Final = {
    "text": ("LBL-04", "LBL-04b"),
    "image": ("LBL-04", "LBL-04b", "gb45438.label.image.text_height"),
    "audio": ("LBL-04", "LBL-04b"),
    "video": (
        "LBL-04",
        "LBL-04b",
        "gb45438.label.video.duration",
        "gb45438.label.video.text_height",
    ),
}


def add_record(
    job: Job,
    *,
    producer: str,
    produce_id: str | None,
    key: IntegrityKey | None,
    cover_content: bool | None,
    explicit: ExplicitOptions | None,
    replace: bool,
    force: bool = False,
    limits: Limits | None = None,
) -> Record:
    """Label one file as its producer."""
    job.prepare()
    with applied(limits or Limits()):
        result = label_file(
            job.source,
            producer,
            job.target,
            produce_id=produce_id,
            key=key,
            cover_content=cover_content,
            explicit=explicit,
            replace=replace,
            force=force,
        )
    drawn: JsonValue = None
    if result.explicit is not None:
        drawn = {"modality": result.explicit.modality, **result.explicit.details}
    return {
        "file": str(job.source),
        "output": str(result.target),
        "format": result.format.value,
        "carrier": result.carrier,
        "fields": dict(result.label.fields()),
        "replaced": list(result.replaced),
        "explicit": drawn,
    }


def inspect_record(job: Job, limits: Limits | None = None) -> Record:
    """``{"file", "format", "labels"}``, plus file-level ``notes`` for diagnostics."""
    with applied(limits or Limits()):
        report = inspect_file(job.source)
    record: Record = dict(report.to_json_dict())  # type: ignore[arg-type]
    if report.notes:
        record["notes"] = list(report.notes)
    return record


def verify_record(
    job: Job,
    *,
    platform: str | None,
    declared: bool,
    keys: Sequence[IntegrityKey],
    sign_with: IntegrityKey | None,
    cover_content: bool | None,
    propagate_id: str | None,
    replace: bool,
    force: bool = False,
    limits: Limits | None = None,
) -> Record:
    """Decide the Art. 6 case; with a platform code, also write the propagation elements."""
    job.prepare()
    with applied(limits or Limits()):
        if platform is None:
            result = verify_file(job.source, keys=keys, declared=declared)
        else:
            result = propagate(
                job.source,
                platform,
                job.target,
                propagate_id=propagate_id,
                keys=keys,
                sign_with=sign_with,
                cover_content=cover_content,
                declared=declared,
                replace=replace,
                force=force,
            )
    d = result.determination
    return {
        "file": str(job.source),
        "format": result.report.format,
        "determination": d.value,
        "basis": result.basis,
        "notice_zh": d.notice_zh,
        "notice_en": d.notice_en,
        "label": None if result.label is None else dict(result.label.fields),
        "conforming": None if result.label is None else result.label.conforming,
        "integrity": [
            {
                "field": r.field.value,
                "status": r.status.value,
                "detail": r.detail,
                "scheme": r.scheme,
                "kid": r.kid,
                "covers_content": r.covers_content,
            }
            for r in result.integrity
        ],
        "traces": [{"kind": t.kind, "detail": t.detail} for t in result.traces],
        "written": None if result.written is None else str(result.written.target),
    }


def summary(command: str, records: Sequence[Record]) -> Record:
    """Counts for a batch, with every record."""
    failed = [r for r in records if "error" in r]
    out: Record = {
        "command": command,
        "files": len(records),
        "succeeded": len(records) - len(failed),
        "failed": len(failed),
    }
    if command == "label.verify":
        counts = Counter(str(r["determination"]) for r in records if "error" not in r)
        out["determinations"] = dict(counts)
    if command == "label.inspect":
        good = sum(1 for r in records if _one_conforming(r))
        out["conforming"] = good
    out["results"] = list(records)
    return out


def _one_conforming(record: Record) -> bool:
    labels = record.get("labels")
    return (
        isinstance(labels, list)
        and len(labels) >= 1
        and all(isinstance(lab, dict) and lab.get("conforming") is True for lab in labels)
    )


def _result(command: str, records: Sequence[Record]) -> EvidenceResult:
    ok = [r for r in records if "error" not in r]
    if not ok:
        return EvidenceResult.FAIL if records else EvidenceResult.INCONCLUSIVE
    if command == "label.inspect":
        good = [r for r in ok if _one_conforming(r)]
        if len(good) == len(records):
            return EvidenceResult.PASS
        return EvidenceResult.PARTIAL if good else EvidenceResult.FAIL
    if command == "label.verify":
        statuses = [
            item.get("status")
            for r in ok
            if isinstance(integrity := r.get("integrity"), list)
            for item in integrity
            if isinstance(item, dict)
        ]
        if "invalid" in statuses:
            return EvidenceResult.FAIL
        return EvidenceResult.INFO if len(ok) == len(records) else EvidenceResult.PARTIAL
    return EvidenceResult.PASS if len(ok) == len(records) else EvidenceResult.PARTIAL


def evidence(command: str, records: Sequence[Record], *, hash_inputs: bool = True) -> Evidence:
    """Evidence of a batch: the kb ids it tests, digests of the files it examined or wrote."""
    from hegui.kb import load_kb

    tests = list(_TESTS[command])
    for r in records:
        explicit = r.get("explicit")
        if isinstance(explicit, dict):
            tests += [t for t in _EXPLICIT_TESTS[str(explicit["modality"])] if t not in tests]
    inputs: list[InputDigest] = []
    if hash_inputs:
        for r in records:
            path = Path(str(r.get("output") or r.get("written") or r["file"]))
            if "error" not in r and path.is_file():
                inputs.append(digest_file(path))
    s = summary(command, records)
    counts = {k: v for k, v in s.items() if k != "results"}
    text = ", ".join(f"{k} {v}" for k, v in counts.items() if k != "command")
    return Evidence(
        check=command,
        tests=tuple(tests),
        inputs=tuple(inputs),
        result=_result(command, records),
        summary=f"hegui {command.replace('.', ' ')}: {text}",
        details=s,
        data_versions={"kb": load_kb().data_version},
    )
