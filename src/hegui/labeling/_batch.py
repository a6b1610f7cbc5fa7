"""Many files at once: expand directories, run per-file jobs in parallel, keep failures as data.

Each job returns a typed result or a :class:`FileError` (per-item isolation: one bad file never
stops a batch); items come back in input order whatever order the workers finish in.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Generic, TypeVar

from hegui.errors import ExitCode, HeguiError, InputError

__all__ = ["FileError", "Item", "Job", "Skipped", "expand", "failure_exit_code", "run_batch"]

T = TypeVar("T")
_TEMP_SUFFIXES: Final = (".hegui-tmp", ".hegui-lock")


@dataclass(frozen=True, slots=True)
class FileError:
    """Why one file failed: the message (file, value, fix) and the exit code of its cause."""

    message: str
    exit_code: int
    """2 bad input, 3 environment (disk, permission), 4 a bug in hegui."""


@dataclass(frozen=True, slots=True)
class Item(Generic[T]):
    """One file's outcome: a result, or an error."""

    source: Path
    result: T | None = None
    error: FileError | None = None


@dataclass(frozen=True, slots=True)
class Job:
    """One file to process, and where its output goes (None: in place, or nothing written)."""

    source: Path
    target: Path | None
    out_root: Path | None = None
    """The resolved ``--out`` directory the target must stay under (S17)."""

    def prepare(self) -> None:
        """Create the target's directory and check it resolves under :attr:`out_root`.

        Raises:
            InputError: A symbolic link inside the output directory leads elsewhere.
        """
        if self.target is None or self.out_root is None:
            return
        self.target.parent.mkdir(parents=True, exist_ok=True)
        where = self.target.parent.resolve()
        if where != self.out_root and self.out_root not in where.parents:
            raise InputError(
                f"{self.target}: its directory resolves to {where}, outside the output "
                f"directory {self.out_root} (a symbolic link inside it?); hegui writes only "
                "under the output directory"
            )


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry of a walked directory that was not processed, and why."""

    path: Path
    reason: str


def _walk(directory: Path, follow: bool, skipped: list[Skipped]) -> list[Path]:
    found = []
    seen: set[Path] = set()
    for root, dirs, files in os.walk(directory, followlinks=follow):
        here = Path(root)
        if follow:
            real = here.resolve()
            if real in seen:  # a link back up the tree
                dirs[:] = []
                continue
            seen.add(real)
        kept = []
        for d in sorted(dirs):
            if d.startswith("."):
                continue
            if (here / d).is_symlink() and not follow:
                skipped.append(Skipped(here / d, _link_reason(here / d)))
                continue
            kept.append(d)
        dirs[:] = kept
        for name in sorted(files):
            if name.startswith(".") or name.endswith(_TEMP_SUFFIXES):
                continue
            path = here / name
            if path.is_symlink() and not follow:
                skipped.append(Skipped(path, _link_reason(path)))
                continue
            found.append(path)
    return found


def _link_reason(path: Path) -> str:
    return (
        f"a symbolic link to {os.path.realpath(path)}; not followed inside walked directories "
        "(--follow-symlinks to include links)"
    )


def expand(
    inputs: Sequence[Path], out_dir: Path | None = None, *, follow_symlinks: bool = False
) -> tuple[list[Job], list[Skipped]]:
    """Jobs for ``inputs``: files as given, directories walked (hidden entries skipped).

    With ``out_dir``, each output keeps its path relative to the directory it was found in.
    Symbolic links met while walking a directory are skipped and returned (S15) unless
    ``follow_symlinks``; a link named on the command line is taken as given.

    Raises:
        InputError: An input does not exist, or two inputs would write the same output.
    """
    jobs: list[Job] = []
    skipped: list[Skipped] = []
    root = out_dir.resolve() if out_dir is not None else None
    for item in inputs:
        if not item.exists():
            raise InputError(f"{item}: no such file or directory")
        pairs = (
            [(p, p.relative_to(item)) for p in _walk(item, follow_symlinks, skipped)]
            if item.is_dir()
            else [(item, Path(item.name))]
        )
        for source, rel in pairs:
            jobs.append(Job(source, None if out_dir is None else out_dir / rel, root))
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
    return jobs, skipped


def _isolated(job: Job, work: Callable[[Job], T]) -> Item[T]:
    """Run ``work``; turn a failure into an error item (the per-item isolation boundary)."""
    try:
        return Item(job.source, result=work(job))
    except HeguiError as exc:
        return Item(job.source, error=FileError(str(exc), exc.exit_code))
    except OSError as exc:
        where = exc.filename or job.source
        message = f"{where}: {exc.strerror or exc}"
        return Item(job.source, error=FileError(message, int(ExitCode.ENVIRONMENT)))
    except Exception as exc:
        message = f"internal error: {type(exc).__name__}: {exc} (a bug in hegui; report it)"
        return Item(job.source, error=FileError(message, int(ExitCode.INTERNAL)))


def run_batch(
    work: Callable[[Job], T],
    jobs: Sequence[Job],
    *,
    workers: int = 1,
    advance: Callable[[], None] | None = None,
) -> list[Item[T]]:
    """Run ``work`` over ``jobs`` (``work`` must be picklable for ``workers`` > 1)."""
    results: list[Item[T] | None] = [None] * len(jobs)
    if workers <= 1 or len(jobs) <= 1:
        for i, job in enumerate(jobs):
            results[i] = _isolated(job, work)
            if advance:
                advance()
    else:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            futures = {pool.submit(_isolated, job, work): i for i, job in enumerate(jobs)}
            for future in as_completed(futures):
                results[futures[future]] = future.result()
                if advance:
                    advance()
    return [r for r in results if r is not None]


def failure_exit_code(items: Sequence[Item[object]]) -> int:
    """0 when every job succeeded; else the gravest cause: 4 bug, 3 environment, 2 bad input."""
    codes = {i.error.exit_code for i in items if i.error is not None}
    for code in (ExitCode.INTERNAL, ExitCode.ENVIRONMENT, ExitCode.BAD_INPUT):
        if int(code) in codes:
            return int(code)
    return int(ExitCode.INTERNAL) if codes else 0
