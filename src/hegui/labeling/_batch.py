"""Many files at once: expand directories, run per-file jobs in parallel, summarise, record.

Each job returns a JSON-able record; a failure is recorded as data (``error``) so one bad file
never stops a batch. Records come back in input order whatever order the workers finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from pydantic import JsonValue

from hegui.errors import HeguiError, InputError

__all__ = ["Job", "Record", "expand", "failure_exit_code", "isolated", "run_batch"]

Record = dict[str, JsonValue]
_TEMP_SUFFIXES: Final = (".hegui-tmp",)


@dataclass(frozen=True, slots=True)
class Job:
    """One file to process, and where its output goes (None: in place, or nothing written)."""

    source: Path
    target: Path | None


def _walk(directory: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and not name.endswith(_TEMP_SUFFIXES):
                found.append(Path(root) / name)
    return found


def expand(inputs: Sequence[Path], out_dir: Path | None = None) -> list[Job]:
    """Jobs for ``inputs``: files as given, directories walked (hidden entries skipped).

    With ``out_dir``, each output keeps its path relative to the directory it was found in.

    Raises:
        InputError: An input does not exist, or two inputs would write the same output.
    """
    jobs: list[Job] = []
    for item in inputs:
        if not item.exists():
            raise InputError(f"{item}: no such file or directory")
        pairs = (
            [(p, p.relative_to(item)) for p in _walk(item)]
            if item.is_dir()
            else [(item, Path(item.name))]
        )
        for source, rel in pairs:
            jobs.append(Job(source, None if out_dir is None else out_dir / rel))
    if out_dir is not None:
        seen: dict[Path, Path] = {}
        for job in jobs:
            assert job.target is not None
            key = job.target.resolve()
            if key in seen:
                raise InputError(
                    f"{seen[key]} and {job.source} would both be written to {job.target}"
                )
            if job.source.resolve() == key:
                raise InputError(f"--out would overwrite the input {job.source}; use --in-place")
            seen[key] = job.source
    return jobs


def isolated(job: Job, work: Callable[[Job], Record]) -> Record:
    """Run ``work``; turn a failure into an ``error`` record (per-item isolation boundary)."""
    try:
        return work(job)
    except HeguiError as exc:
        return {"file": str(job.source), "error": str(exc), "exit_code": exc.exit_code}
    except OSError as exc:
        return {
            "file": str(job.source),
            "error": f"{job.source}: {exc.strerror or exc}",
            "exit_code": 2,
        }
    except Exception as exc:
        return {
            "file": str(job.source),
            "error": f"internal error: {type(exc).__name__}: {exc} (a bug in hegui; report it)",
            "exit_code": 1,
        }


def run_batch(
    work: Callable[[Job], Record],
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    advance: Callable[[], None] | None = None,
) -> list[Record]:
    """Run ``work`` over ``jobs`` (``work`` must be picklable for ``workers`` > 1)."""
    results: list[Record | None] = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            results[i] = isolated(job, work)
            if advance:
                advance()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            futures = {pool.submit(isolated, job, work): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if advance:
                    advance()
    return [r for r in results if r is not None]


def failure_exit_code(records: Sequence[Record]) -> int:
    """0 when every job succeeded; 2 when every failure was bad input; else 1."""
    codes = {r.get("exit_code") for r in records if "error" in r}
    if not codes:
        return 0
    return 2 if codes == {2} else 1
