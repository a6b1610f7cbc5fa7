"""Results of the label jobs: per-file items, the exit code, the JSON shapes, and Evidence.

The JSON shapes are those of ``hegui label … --format json`` (stable, documented in the README);
the Evidence records cite the kb ids each job tests, the evidence kinds it provides (one per
modality for ``add``: ``EV-label-text`` …; ``EV-label-platform-verify`` for ``verify``) and the
components that ran (carriers ``hegui/<format>``, integrity schemes ``hegui/hs256`` …).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Generic, TypeVar

from pydantic import JsonValue

from hegui.components import ComponentSpec
from hegui.errors import ExitCode
from hegui.evidence import Evidence, EvidenceResult, InputDigest, digest_file
from hegui.labeling._batch import Item, Skipped, failure_exit_code
from hegui.labeling._files import WriteResult
from hegui.labeling._found import FileReport
from hegui.labeling._integrity import IntegrityStatus
from hegui.labeling._keys import IntegrityKey, scheme_id
from hegui.labeling._limits import Limits
from hegui.labeling._platform import Determination, Verification
from hegui.labeling.carriers import FileFormat, carrier_id

__all__ = ["AddBatch", "InspectBatch", "VerifyBatch"]

T = TypeVar("T")

# kb ids: LBL obligations (Labeling Measures articles), the GB45438 instrument, thresholds.
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
_KIND_BY_FORMAT: Final = {
    **dict.fromkeys(("jpeg", "png", "webp"), "EV-label-images"),
    **dict.fromkeys(("wav", "mp3", "flac", "ogg"), "EV-label-audio"),
    **dict.fromkeys(("markdown", "text", "html", "pdf", "docx", "xlsx", "pptx"), "EV-label-text"),
}
_KIND_BY_MODALITY: Final = {
    "text": "EV-label-text",
    "image": "EV-label-images",
    "audio": "EV-label-audio",
    "video": "EV-label-video",
}
_AUDIO_SUFFIXES: Final = frozenset({".m4a", ".m4b"})


def _error_json(item: Item[object]) -> dict[str, JsonValue]:
    assert item.error is not None
    return {
        "file": str(item.source),
        "error": item.error.message,
        "exit_code": item.error.exit_code,
    }


@dataclass(frozen=True, slots=True)
class _Batch(Generic[T]):
    items: tuple[Item[T], ...]
    skipped: tuple[Skipped, ...]
    limits: Limits

    command = ""

    @property
    def failed(self) -> int:
        """Files that could not be processed."""
        return sum(1 for i in self.items if i.error is not None)

    @property
    def succeeded(self) -> int:
        """Files processed."""
        return len(self.items) - self.failed

    def results(self) -> Iterator[tuple[Path, T]]:
        """``(source, result)`` of every file that succeeded, in input order."""
        for item in self.items:
            if item.result is not None:
                yield item.source, item.result

    def findings(self) -> list[str]:
        """What ``--strict`` counts as found (exit code 1): none for this job."""
        return []

    def notes(self) -> list[str]:
        """File-level observations (extension mismatch, parser warnings), ``file: note``."""
        return []

    def exit_code(self, *, strict: bool = False) -> int:
        """2/3/4 for the gravest failure; else 1 when ``strict`` and something was found."""
        code = failure_exit_code(list(self.items))  # type: ignore[arg-type]
        if code:
            return code
        return int(ExitCode.FOUND) if strict and self.findings() else int(ExitCode.OK)

    def _counts(self) -> dict[str, JsonValue]:
        return {
            "command": self.command,
            "files": len(self.items),
            "succeeded": self.succeeded,
            "failed": self.failed,
        }

    def _skipped_json(self) -> list[JsonValue]:
        return [{"path": str(s.path), "reason": s.reason} for s in self.skipped]

    def _evidence(
        self,
        tests: list[str],
        kinds: list[str],
        components: list[ComponentSpec],
        result: EvidenceResult,
        details: dict[str, JsonValue],
        outputs: list[Path],
    ) -> Evidence:
        from hegui.kb import load_kb

        counts = {k: v for k, v in details.items() if k not in ("results", "command", "skipped")}
        text = ", ".join(f"{k} {v}" for k, v in counts.items())
        inputs: list[InputDigest] = [digest_file(p) for p in outputs if p.is_file()]
        details = {**details, "limits": dict(self.limits.describe())}
        return Evidence(
            check=self.command,
            tests=tuple(tests),
            kinds=tuple(sorted(set(kinds))),
            inputs=tuple(inputs),
            result=result,
            summary=f"hegui {self.command.replace('.', ' ')}: {text}",
            details=details,
            components=tuple(sorted(set(components), key=lambda c: c.id)),
            data_versions={"kb": load_kb().data_version},
        )

    def _carriers(self, formats: list[str]) -> list[ComponentSpec]:
        return [ComponentSpec(id=carrier_id(FileFormat(f))) for f in formats]


def _key_spec(key: IntegrityKey | None) -> list[ComponentSpec]:
    if key is None:
        return []
    return [ComponentSpec(id=scheme_id(key), params={"kid": key.kid})]


@dataclass(frozen=True, slots=True)
class AddBatch(_Batch[WriteResult]):
    """What ``add_labels`` did to each file."""

    key: IntegrityKey | None = None
    command = "label.add"

    def to_json(self) -> dict[str, JsonValue]:
        """The ``label add --format json`` summary."""
        records: list[JsonValue] = []
        for item in self.items:
            if item.result is None:
                records.append(_error_json(item))  # type: ignore[arg-type]
                continue
            r = item.result
            drawn: JsonValue = None
            if r.explicit is not None:
                drawn = {"modality": r.explicit.modality, **r.explicit.details}
            records.append(
                {
                    "file": str(r.source),
                    "output": str(r.target),
                    "format": r.format.value,
                    "carrier": r.carrier,
                    "fields": dict(r.label.fields()),
                    "replaced": list(r.replaced),
                    "explicit": drawn,
                }
            )
        return {**self._counts(), "skipped": self._skipped_json(), "results": records}

    def kinds(self) -> list[str]:
        """Evidence kinds this batch provides: one per modality labeled."""
        kinds = []
        for source, r in self.results():
            if r.explicit is not None:
                kinds.append(_KIND_BY_MODALITY[r.explicit.modality])
            elif r.format is FileFormat.MP4:
                audio = source.suffix.lower() in _AUDIO_SUFFIXES
                kinds.append("EV-label-audio" if audio else "EV-label-video")
            else:
                kinds.append(_KIND_BY_FORMAT[r.format.value])
        return kinds

    def evidence(self) -> Evidence:
        """Evidence of this batch: LBL-05 (and LBL-04 with explicit labels), per modality."""
        tests = ["LBL-05", "GB45438"]
        for _, r in self.results():
            if r.explicit is not None:
                tests += [t for t in _EXPLICIT_TESTS[r.explicit.modality] if t not in tests]
        done = [r for _, r in self.results()]
        result = EvidenceResult.FAIL if not done else EvidenceResult.PASS
        if done and self.failed:
            result = EvidenceResult.PARTIAL
        components = self._carriers([r.format.value for r in done]) + _key_spec(self.key)
        outputs = [r.target for r in done]
        return self._evidence(tests, self.kinds(), components, result, self.to_json(), outputs)


@dataclass(frozen=True, slots=True)
class InspectBatch(_Batch[FileReport]):
    """Every label found in each file."""

    command = "label.inspect"

    def findings(self) -> list[str]:
        """Files without a label, and labels that do not conform (``--strict``)."""
        found = []
        for source, report in self.results():
            if not report.labels:
                found.append(f"{source}: no label")
            found += [
                f"{source}: {lab.carrier} does not conform"
                for lab in report.labels
                if not lab.conforming
            ]
        return found

    def notes(self) -> list[str]:
        """File-level observations (extension mismatch, parser warnings), ``file: note``."""
        return [f"{source}: {note}" for source, r in self.results() for note in r.notes]

    def to_json(self) -> list[JsonValue]:
        """The ``label inspect --format json`` list: one ``{file, format, labels}`` per file."""
        out: list[JsonValue] = []
        for item in self.items:
            if item.result is None:
                out.append(_error_json(item))  # type: ignore[arg-type]
            else:
                out.append(item.result.to_json_dict())  # type: ignore[arg-type]
        return out

    def conforming(self) -> int:
        """Files whose every label conforms (and that have one)."""
        return sum(
            1 for _, r in self.results() if r.labels and all(lab.conforming for lab in r.labels)
        )

    def evidence(self) -> Evidence:
        """Evidence of this inspection (LBL-05): pass when every file has conforming labels."""
        good = self.conforming()
        result = EvidenceResult.FAIL
        if good == len(self.items) and self.items:
            result = EvidenceResult.PASS
        elif good:
            result = EvidenceResult.PARTIAL
        details: dict[str, JsonValue] = {
            **self._counts(),
            "conforming": good,
            "results": self.to_json(),
        }
        formats = [r.format for _, r in self.results()]
        outputs = [s for s, _ in self.results()]
        return self._evidence(
            ["LBL-05", "GB45438"], [], self._carriers(formats), result, details, outputs
        )


@dataclass(frozen=True, slots=True)
class VerifyBatch(_Batch[Verification]):
    """The Measures Art. 6 decision for each file."""

    keys: tuple[IntegrityKey, ...] = ()
    sign_with: IntegrityKey | None = None
    command = "label.verify"

    def findings(self) -> list[str]:
        """Suspected files, non-conforming labels, invalid integrity values (``--strict``)."""
        found = []
        for source, v in self.results():
            if v.determination is Determination.SUSPECTED:
                found.append(f"{source}: suspected")
            if v.label is not None and not v.label.conforming:
                found.append(f"{source}: the label does not conform")
            if any(r.status is IntegrityStatus.INVALID for r in v.integrity):
                found.append(f"{source}: an integrity value is invalid")
        return found

    def notes(self) -> list[str]:
        """File-level observations (extension mismatch, parser warnings), ``file: note``."""
        return [f"{source}: {note}" for source, v in self.results() for note in v.report.notes]

    def to_json(self) -> dict[str, JsonValue]:
        """The ``label verify --format json`` summary."""
        records: list[JsonValue] = []
        for item in self.items:
            if item.result is None:
                records.append(_error_json(item))  # type: ignore[arg-type]
                continue
            v, d = item.result, item.result.determination
            label = v.label
            records.append(
                {
                    "file": str(item.source),
                    "format": v.report.format,
                    "determination": d.value,
                    "basis": v.basis,
                    "notice_zh": d.notice_zh,
                    "notice_en": d.notice_en,
                    "label": None if label is None else dict(label.fields),
                    "carrier": None if label is None else label.carrier,
                    "placement_conforming": None if label is None else label.standard_placement,
                    "conforming": None if label is None else label.conforming,
                    "integrity": [
                        {
                            "field": r.field.value,
                            "status": r.status.value,
                            "detail": r.detail,
                            "scheme": r.scheme,
                            "kid": r.kid,
                            "covers_content": r.covers_content,
                        }
                        for r in v.integrity
                    ],
                    "traces": [
                        {"kind": t.kind, "detail": t.detail, "offset": t.offset} for t in v.traces
                    ],
                    "written": None if v.written is None else str(v.written.target),
                }
            )
        counts = Counter(v.determination.value for _, v in self.results())
        return {
            **self._counts(),
            "determinations": dict(counts),
            "skipped": self._skipped_json(),
            "results": records,
        }

    def evidence(self) -> Evidence:
        """Evidence of the platform's verification (LBL-06, EV-label-platform-verify)."""
        done = [v for _, v in self.results()]
        statuses = [r.status for v in done for r in v.integrity]
        if not done:
            result = EvidenceResult.FAIL if self.items else EvidenceResult.INCONCLUSIVE
        elif IntegrityStatus.INVALID in statuses:
            result = EvidenceResult.FAIL
        else:
            result = EvidenceResult.INFO if not self.failed else EvidenceResult.PARTIAL
        components = self._carriers([v.report.format for v in done])
        for key in (*self.keys, self.sign_with):
            components += _key_spec(key)
        outputs = [v.written.target if v.written else Path(v.report.file) for v in done]
        return self._evidence(
            ["LBL-06", "GB45438"],
            ["EV-label-platform-verify"],
            components,
            result,
            self.to_json(),
            outputs,
        )
