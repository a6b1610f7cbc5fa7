"""The label jobs the CLI, the gateway and the console share: add, inspect, verify many files.

Each job is a typed function: options in, a frozen batch result out (:mod:`._batches`), with
per-file failures as data. Per-file work runs under the limits given (set again inside each
worker process, since limits are held in a context variable).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import InputError
from hegui.labeling._batch import Job, expand, run_batch
from hegui.labeling._batches import AddBatch, InspectBatch, VerifyBatch
from hegui.labeling._explicit import ExplicitOptions
from hegui.labeling._files import WriteResult, inspect_file
from hegui.labeling._found import FileReport
from hegui.labeling._keys import IntegrityKey
from hegui.labeling._limits import Limits, applied
from hegui.labeling._platform import Verification, propagate, verify_file
from hegui.labeling._produce import label_file

__all__ = ["AddOptions", "VerifyOptions", "add_labels", "inspect_files", "verify_files"]

Progress = Callable[[int, int], None]
"""Called with (files done, files in all) as a batch advances."""


@dataclass(frozen=True, slots=True)
class AddOptions:
    """How ``add_labels`` labels each file (see :func:`~hegui.labeling.label_file`)."""

    producer: str
    produce_id: str | None = None
    key: IntegrityKey | None = None
    cover_content: bool | None = None
    explicit: ExplicitOptions | None = None
    replace: bool = False
    force: bool = False


@dataclass(frozen=True, slots=True)
class VerifyOptions:
    """How ``verify_files`` checks each file, and (with ``platform``) propagates its label."""

    platform: str | None = None
    declared: bool = False
    keys: tuple[IntegrityKey, ...] = ()
    sign_with: IntegrityKey | None = None
    cover_content: bool | None = None
    propagate_id: str | None = None
    replace: bool = False
    force: bool = False


def _add_one(job: Job, options: AddOptions, limits: Limits) -> WriteResult:
    job.prepare()
    with applied(limits):
        return label_file(
            job.source,
            options.producer,
            job.target,
            produce_id=options.produce_id,
            key=options.key,
            cover_content=options.cover_content,
            explicit=options.explicit,
            replace=options.replace,
            force=options.force,
        )


def _inspect_one(job: Job, limits: Limits) -> FileReport:
    with applied(limits):
        return inspect_file(job.source)


def _verify_one(job: Job, options: VerifyOptions, limits: Limits) -> Verification:
    job.prepare()
    with applied(limits):
        if options.platform is None:
            return verify_file(job.source, keys=options.keys, declared=options.declared)
        return propagate(
            job.source,
            options.platform,
            job.target,
            propagate_id=options.propagate_id,
            keys=options.keys,
            sign_with=options.sign_with,
            cover_content=options.cover_content,
            declared=options.declared,
            replace=options.replace,
            force=options.force,
        )


def _out_dir(out: Path | None, in_place: bool) -> Path | None:
    if out is not None and in_place:
        raise InputError("give either an output directory (--out DIR) or --in-place, not both")
    if out is None and not in_place:
        raise InputError("say where labeled files go: --out DIR (copies) or --in-place")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    return out


def _advance(progress: Progress | None, total: int) -> Callable[[], None] | None:
    if progress is None:
        return None
    done = [0]

    def step() -> None:
        done[0] += 1
        progress(done[0], total)

    return step


def add_labels(
    inputs: Sequence[Path],
    options: AddOptions,
    *,
    out: Path | None = None,
    in_place: bool = False,
    follow_symlinks: bool = False,
    workers: int = 1,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> AddBatch:
    """Label files and directories as their producer (Measures Art. 4 and 5).

    Raises:
        InputError: No output choice, a missing input, two inputs with one output, or an id
            for several files.
    """
    jobs, skipped = expand(inputs, _out_dir(out, in_place), follow_symlinks=follow_symlinks)
    if options.produce_id is not None and len(jobs) != 1:
        raise InputError(
            "a content id (--produce-id) names one file's content; for several omit it"
        )
    limits = limits or Limits()
    work = functools.partial(_add_one, options=options, limits=limits)
    items = run_batch(work, jobs, workers=workers, advance=_advance(progress, len(jobs)))
    return AddBatch(tuple(items), tuple(skipped), limits, options.key)


def inspect_files(
    inputs: Sequence[Path],
    *,
    follow_symlinks: bool = False,
    workers: int = 1,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> InspectBatch:
    """Every label in the files, each checked against GB 45438 Appendix E; writes nothing."""
    jobs, skipped = expand(inputs, follow_symlinks=follow_symlinks)
    limits = limits or Limits()
    work = functools.partial(_inspect_one, limits=limits)
    items = run_batch(work, jobs, workers=workers, advance=_advance(progress, len(jobs)))
    return InspectBatch(tuple(items), tuple(skipped), limits)


def verify_files(
    inputs: Sequence[Path],
    options: VerifyOptions,
    *,
    out: Path | None = None,
    in_place: bool = False,
    follow_symlinks: bool = False,
    workers: int = 1,
    limits: Limits | None = None,
    progress: Progress | None = None,
) -> VerifyBatch:
    """Measures Art. 6 for each file; with a platform code, also write its propagation elements.

    Raises:
        InputError: Writing options without a platform code, or as :func:`add_labels`.
    """
    writing = out is not None or in_place or options.sign_with is not None
    if options.platform is None and writing:
        raise InputError(
            "--out, --in-place and a signing key write propagation elements: give --platform CODE"
        )
    out_dir = _out_dir(out, in_place) if options.platform is not None else None
    jobs, skipped = expand(inputs, out_dir, follow_symlinks=follow_symlinks)
    if options.propagate_id is not None and len(jobs) != 1:
        raise InputError("a platform id (--propagate-id) names one file's content; omit it")
    limits = limits or Limits()
    work = functools.partial(_verify_one, options=options, limits=limits)
    items = run_batch(work, jobs, workers=workers, advance=_advance(progress, len(jobs)))
    return VerifyBatch(tuple(items), tuple(skipped), limits, options.keys, options.sign_with)
