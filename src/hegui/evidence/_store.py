"""Where Evidence lives: the ``EvidenceStore`` protocol and the directory store.

The directory store is a workspace's ``evidence/`` folder, one JSON file per record named by its
id, written atomically and never replaced. A file that is corrupt or from an unknown schema
version is reported (path and reason) and skipped, never deleted or rewritten.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from hegui.errors import CorruptFileError, InputError
from hegui.evidence._files import write_atomic
from hegui.evidence._model import EVIDENCE_ID, Evidence, parse_evidence

__all__ = ["DirectoryStore", "EvidenceStore", "StoreProblem"]


@dataclass(frozen=True, slots=True)
class StoreProblem:
    """A record the store could not read, and why; the file is left as it is."""

    location: str
    problem: str


@runtime_checkable
class EvidenceStore(Protocol):
    """Adds, gets and finds Evidence records. Implementations: directory, SQL."""

    def add(self, evidence: Evidence) -> str:
        """Store ``evidence``; returns its id. A record is never replaced."""
        ...

    def get(self, evidence_id: str) -> Evidence:
        """The record with ``evidence_id``; ``InputError`` if there is none."""
        ...

    def find(
        self,
        *,
        check: str | None = None,
        kb_id: str | None = None,
        kind: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[Evidence]:
        """Records matching every given filter, oldest first.

        ``kb_id`` matches a record that tests it; ``kind`` one that provides that evidence kind;
        ``since``/``until`` bound ``created_at`` (inclusive, exclusive).
        """
        ...

    @property
    def problems(self) -> list[StoreProblem]:
        """Records met by the last read that could not be used."""
        ...


def matches(
    ev: Evidence,
    check: str | None,
    kb_id: str | None,
    kind: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
) -> bool:
    """Whether ``ev`` passes every filter of :meth:`EvidenceStore.find`."""
    return (
        (check is None or ev.check == check)
        and (kb_id is None or kb_id in ev.tests)
        and (kind is None or kind in ev.kinds)
        and (since is None or ev.created_at >= since)
        and (until is None or ev.created_at < until)
    )


class DirectoryStore:
    """Evidence as ``<id>.json`` files in one folder (created on the first ``add``)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._problems: list[StoreProblem] = []
        self._cache: dict[Path, tuple[int, int, Evidence]] = {}

    def __repr__(self) -> str:
        return f"DirectoryStore({str(self.root)!r})"

    @property
    def problems(self) -> list[StoreProblem]:
        """Files met by the last ``find``/``all`` that could not be read."""
        return list(self._problems)

    def add(self, evidence: Evidence) -> str:
        """Write ``evidence`` as ``<id>.json``; refuses to replace an existing record."""
        path = self.root / f"{evidence.id}.json"
        payload = evidence.model_dump_json(indent=2).encode("utf-8") + b"\n"
        write_atomic(path, payload, replace=False)
        return evidence.id

    def path_of(self, evidence_id: str) -> Path:
        """The file that holds (or would hold) ``evidence_id``."""
        return self.root / f"{evidence_id}.json"

    def get(self, evidence_id: str) -> Evidence:
        """Read one record by id.

        Raises:
            InputError: No record has that id, or its file cannot be read.
        """
        import re

        if not re.match(EVIDENCE_ID, evidence_id):
            raise InputError(f"{evidence_id!r} is not an evidence id")
        path = self.path_of(evidence_id)
        if not path.is_file():
            raise InputError(
                f"no evidence {evidence_id!r} in {self.root}; `hegui evidence list` shows the ids"
            )
        return parse_evidence(path.read_bytes(), source=str(path), default_id=path.stem)

    def all(self) -> list[Evidence]:
        """Every readable record, oldest first; unreadable ones go to :attr:`problems`."""
        self._problems = []
        out: list[Evidence] = []
        if not self.root.is_dir():
            return out
        seen: dict[str, Path] = {}
        for path in sorted(self.root.glob("*.json")):
            if not path.is_file() or path.is_symlink():
                continue
            try:
                ev = self._read_cached(path)
            except CorruptFileError as exc:
                self._problems.append(StoreProblem(str(path), str(exc)))
                continue
            except OSError as exc:
                self._problems.append(StoreProblem(str(path), f"cannot read ({exc.strerror})"))
                continue
            if ev.id in seen:
                self._problems.append(
                    StoreProblem(str(path), f"same id {ev.id!r} as {seen[ev.id]}; skipped")
                )
                continue
            seen[ev.id] = path
            out.append(ev)
        out.sort(key=lambda e: (e.created_at, e.id))
        return out

    def _read_cached(self, path: Path) -> Evidence:
        st = path.stat()
        hit = self._cache.get(path)
        if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]
        ev = parse_evidence(path.read_bytes(), source=str(path), default_id=path.stem)
        self._cache[path] = (st.st_mtime_ns, st.st_size, ev)
        return ev

    def find(
        self,
        *,
        check: str | None = None,
        kb_id: str | None = None,
        kind: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[Evidence]:
        """Records matching every given filter, oldest first (see :class:`EvidenceStore`)."""
        return [ev for ev in self.all() if matches(ev, check, kb_id, kind, since, until)]
