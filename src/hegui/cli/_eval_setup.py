"""Helpers of ``hegui eval run``: the progress bar, target and judge construction, resume checks."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.cli._output import stderr_console

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from hegui.evals import Judge, RunState, Target


class Bar:
    """A rich progress bar on stderr implementing ``hegui.evals.Progress``."""

    def __init__(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress: RichProgress = Progress(
            TextColumn("asking"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=stderr_console(),
            transient=False,
        )
        self._task: TaskID | None = None

    def start(self, total: int, done: int) -> None:
        self._progress.start()
        self._task = self._progress.add_task("ask", total=total, completed=done, failed=0)

    def advance(self, ok: bool) -> None:
        assert self._task is not None
        failed = self._progress.tasks[0].fields["failed"] + (0 if ok else 1)
        self._progress.update(self._task, advance=1, failed=failed)

    def stop(self) -> None:
        self._progress.stop()


def parse_headers(values: list[str]) -> dict[str, str]:
    from hegui.errors import InputError

    headers: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise InputError(f"--header {value!r} must look like 'Name: value'")
        headers[name.strip()] = content.strip()
    return headers


def load_callable(spec: str) -> Target:
    import importlib
    import sys

    from hegui.errors import InputError
    from hegui.evals import CallableTarget

    module_name, sep, attr = spec.partition(":")
    if not sep:
        raise InputError(f"--target {spec!r} must look like 'package.module:function'")
    if "" not in sys.path and str(Path.cwd()) not in sys.path:
        sys.path.insert(0, str(Path.cwd()))
    try:
        fn = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise InputError(f"cannot load --target {spec!r}: {exc}") from exc
    return CallableTarget(fn, name=spec)


def check_resume(
    state: RunState, target: Target, bank_digests: list[str] | None, sampling: dict[str, object]
) -> None:
    from hegui.errors import InputError

    h = state.header
    recorded = sorted(d.sha256 for d in h.bank)
    if bank_digests is not None and sorted(bank_digests) != recorded:
        raise InputError(
            f"{state.path} was drawn from a different bank; to keep both, pass a new --out"
        )
    described = target.describe()
    for key in ("type", "url", "model", "name"):
        if h.target.get(key) != described.get(key):
            raise InputError(
                f"{state.path} asked {key} {h.target.get(key)!r}, not {described.get(key)!r}; "
                "resume with the same target or pass a new --out"
            )
    for key, value in sampling.items():
        if getattr(h.sampling, key) != value:
            raise InputError(
                f"{state.path} was sampled with {key}={getattr(h.sampling, key)!r}, "
                f"not {value!r}; resume with the same options or pass a new --out"
            )


def build_judges(
    lexicon: Path | None,
    no_keyword: bool,
    base_url: str | None,
    model: str | None,
    key_env: str | None,
    style: str,
) -> list[Judge]:
    from hegui.errors import InputError
    from hegui.evals import RefusalRules, read_api_key

    judges: list[Judge] = [RefusalRules()]
    if not no_keyword or base_url is not None:
        try:
            import hegui.safety as safety
        except ImportError as exc:
            from hegui.errors import MissingDependencyError

            raise MissingDependencyError(
                "keyword and LLM judges", exc.name or "?", "safety"
            ) from exc
        from hegui.evals import GuardRefusalJudge, GuardSafetyJudge, KeywordJudge

        if not no_keyword:
            if lexicon is None:
                stderr_console().print(
                    "[yellow]keyword judge: hegui's starter lexicon (universal harms only); "
                    "pass --lexicon for your own[/yellow]"
                )
                judges.append(KeywordJudge())
            else:
                screener = safety.Screener(lexicon=lexicon, recognizers=(), classifiers=())
                judges.append(KeywordJudge(screener, lexicon_name=lexicon.name))
        if base_url is not None:
            if model is None:
                raise InputError("--judge-base-url needs --judge-model")
            if style not in ("rubric", "guard"):
                raise InputError(f"--judge-style {style!r} must be rubric or guard")
            key = read_api_key(env_var=key_env, file=None, environ=os.environ)
            llm = safety.LLMJudge(base_url=base_url, model=model, api_key=key, style=style)
            judges += [GuardSafetyJudge(llm), GuardRefusalJudge(llm)]
    return judges
