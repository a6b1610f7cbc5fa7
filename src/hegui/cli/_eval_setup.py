"""Parsing and rendering for ``hegui eval``: specs from options, a progress bar for notices.

No run logic lives here: options become ``ComponentSpec``s and a ``RunConfig``; the run is
``hegui.evals.run_session``; what it reports arrives through ``ConsoleEvents``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.cli._output import stderr_console

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from hegui.components import ComponentSpec
    from hegui.evals import Notice, RunSummary

_SHOWN_PER_CODE = 3
"""Notices of one kind printed in full; later ones only count on the bar."""


class ConsoleEvents:
    """``hegui.evals.RunEvents`` on stderr: a rich bar with failures, the last error, notices."""

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
            TextColumn("{task.fields[judge]}"),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("[red]{task.fields[last]}", markup=True),
            console=stderr_console(),
            transient=False,
        )
        self._task: TaskID | None = None
        self._printed: dict[str, int] = {}
        self.unparseable = 0

    def start(self, total: int, done: int) -> None:
        """Show the bar."""
        self._progress.start()
        self._task = self._progress.add_task(
            "ask", total=total, completed=done, failed=0, judge="", last=""
        )

    def advance(self, ok: bool) -> None:
        """Move the bar; count a failure."""
        if self._task is None:
            return
        failed = self._progress.tasks[0].fields["failed"] + (0 if ok else 1)
        self._progress.update(self._task, advance=1, failed=failed)

    def notice(self, notice: Notice) -> None:
        """Print a notice (the first few of each kind); keep the bar's counters current."""
        from rich.markup import escape

        code = notice.code.value
        if code == "item_failed" and self._task is not None:
            reason = str(notice.data.get("reason", notice.message))
            self._progress.update(self._task, last=escape(f"last error: {reason[:80]}"))
        if code == "judge_unparseable":
            self.unparseable += 1
            if self._task is not None:
                self._progress.update(
                    self._task, judge=f"{self.unparseable} judge replies unparseable"
                )
        quiet = code in ("item_failed", "provider_filter", "probe_ok", "judge_unparseable")
        self._printed[code] = self._printed.get(code, 0) + 1
        if quiet and (code != "judge_unparseable" or self._printed[code] > _SHOWN_PER_CODE):
            return
        style = {"info": "", "warning": "yellow", "error": "red"}[notice.level.value]
        text = escape(notice.message)
        self._progress.console.print(f"[{style}]{text}[/{style}]" if style else text)

    def stop(self) -> None:
        """Remove the live display (the last frame stays)."""
        self._progress.stop()


def summary_line(summary: RunSummary) -> str:
    """One human line for the end of a run."""
    parts = [
        f"{summary.answered} answered",
        f"{summary.failed} failed",
        f"{summary.already_answered} answered before",
    ]
    if summary.rejudged:
        parts.append(f"{summary.rejudged} re-judged")
    if summary.filtered:
        parts.append(f"{summary.filtered} refused by the provider's filter")
    if summary.judge_unparseable:
        parts.append(f"{summary.judge_unparseable} judge replies unparseable (in the review queue)")
    if summary.judge_failed:
        parts.append(f"{summary.judge_failed} judgements failed (in the review queue)")
    return f"{summary.total} questions: " + ", ".join(parts) + f"; {summary.elapsed:.1f} s"


def parse_headers(values: list[str]) -> dict[str, str]:
    """``Name: value`` options as a dict."""
    from hegui.errors import InputError

    headers: dict[str, str] = {}
    for value in values:
        name, sep, content = value.partition(":")
        if not sep or not name.strip():
            raise InputError(f"--header {value!r} must look like 'Name: value'")
        headers[name.strip()] = content.strip()
    return headers


def parse_spec(value: str, option: str) -> ComponentSpec:
    """``namespace/name`` or ``namespace/name:{json params}`` as a ``ComponentSpec``."""
    from pydantic import ValidationError

    from hegui.components import ComponentSpec
    from hegui.errors import InputError

    component_id, sep, raw = value.partition(":")
    params: object = {}
    if sep:
        try:
            params = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"{option} {value!r}: the parameters after ':' are not JSON ({exc.msg}); "
                'write e.g. acme/judge:{"threshold": 0.5}'
            ) from None
    if not isinstance(params, dict):
        raise InputError(f"{option} {value!r}: the parameters must be a JSON object")
    try:
        return ComponentSpec(id=component_id.strip(), params=params)
    except ValidationError:
        raise InputError(
            f"{option} {value!r}: the id must look like namespace/name (e.g. acme/my-judge)"
        ) from None


def judge_specs(
    lexicon: Path | None,
    no_keyword: bool,
    base_url: str | None,
    model: str | None,
    key_env: str | None,
    style: str,
    extra: list[str],
) -> tuple[ComponentSpec, ...]:
    """The judges of a run from the command-line options, as component specs."""
    from hegui.components import ComponentSpec
    from hegui.errors import InputError

    specs = [ComponentSpec(id="hegui/refusal-rules")]
    if not no_keyword:
        params = {"lexicon": str(lexicon)} if lexicon is not None else {}
        specs.append(ComponentSpec(id="hegui/keyword", params=params))
    if base_url is not None:
        if model is None:
            raise InputError("--judge-base-url needs --judge-model")
        if style not in ("rubric", "guard"):
            raise InputError(f"--judge-style {style!r} must be rubric or guard")
        params = {"base_url": base_url, "model": model, "style": style}
        if key_env is not None:
            params["api_key_env"] = key_env
        specs += [
            ComponentSpec(id="hegui/llm-guard-safety", params=params),
            ComponentSpec(id="hegui/llm-guard-refusal", params=params),
        ]
    specs += [parse_spec(v, "--judge") for v in extra]
    return tuple(specs)
