"""The async runner: ask every pending question, judge each answer, append both to the run file.

Bounded concurrency (a fixed pool of workers), an optional request rate (leaky bucket), a timeout
per attempt, retries with exponential backoff and jitter (honouring ``Retry-After``) for the
faults a retry can cure, and per-item isolation: a question that still fails is recorded as an
``error`` and stays pending for the next resume, while the others go on. Only a ``fatal`` target
error (bad key, wrong URL or model) stops the run, because it would fail every question alike.

Each answer is written the moment it arrives; resuming asks only what has no answer yet and
first judges any answer whose judgements were lost to an interruption.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from hegui.evals._judge import Judge
from hegui.evals._models import BankItem, Judgement, Label
from hegui.evals._runfile import AnswerRecord, ErrorRecord, JudgementRecord, RunLog
from hegui.evals._target import ErrorKind, Reply, Target, TargetError

__all__ = ["Progress", "RunOptions", "RunSummary", "execute"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How hard to push the endpoint."""

    concurrency: int = 8
    """Questions in flight at once."""
    rate: float | None = None
    """Requests per second at most (None: unlimited)."""
    timeout: float = 120.0
    """Seconds for one attempt, streaming included."""
    retries: int = 3
    """Further attempts after a retryable failure."""
    backoff: float = 1.0
    """First backoff in seconds; doubles each attempt, with jitter."""
    max_backoff: float = 30.0


class Progress(Protocol):
    """Receives progress; the CLI draws a bar on stderr."""

    def start(self, total: int, done: int) -> None:
        """``total`` questions, of which ``done`` were answered before."""
        ...

    def advance(self, ok: bool) -> None:
        """One question finished (answered, or failed after retries)."""
        ...


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one call of ``execute`` did."""

    total: int
    already_answered: int
    answered: int
    failed: int
    rejudged: int
    elapsed: float


class _Wait:
    """tenacity wait: the server's ``Retry-After`` if given, else exponential with jitter."""

    def __init__(self, base: float, cap: float) -> None:
        from tenacity import wait_exponential, wait_random

        self._exp = wait_exponential(multiplier=base, max=cap) + wait_random(0, base)
        self._cap = cap

    def __call__(self, state: object) -> float:
        outcome = getattr(state, "outcome", None)
        exc = outcome.exception() if outcome is not None else None
        if isinstance(exc, TargetError) and exc.retry_after is not None:
            return min(exc.retry_after, self._cap)
        return float(self._exp(state))  # type: ignore[arg-type]


async def _ask(
    target: Target, prompt: str, options: RunOptions, limiter: object | None
) -> tuple[Reply, int]:
    from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

    retrying = AsyncRetrying(
        retry=retry_if_exception(lambda e: isinstance(e, TargetError) and e.retryable),
        stop=stop_after_attempt(options.retries + 1),
        wait=_Wait(options.backoff, options.max_backoff),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            if limiter is not None:
                await limiter.acquire()  # type: ignore[attr-defined]
            try:
                async with asyncio.timeout(options.timeout):
                    reply = await target.ask(prompt)
            except TimeoutError as exc:
                raise TargetError(
                    ErrorKind.TIMEOUT, f"no answer within {options.timeout:g} s", retryable=True
                ) from exc
            return reply, attempt.retry_state.attempt_number
    raise AssertionError("unreachable: tenacity reraises the last error")


async def _judge_all(
    log: RunLog, judges: Sequence[Judge], item: BankItem, answer: AnswerRecord
) -> None:
    done = log.state.judgements.get(item.id, {})
    for judge in judges:
        if item.kind not in judge.kinds or judge.id in done:
            continue
        try:
            judgement = await judge.judge(item, answer)
        except Exception as exc:  # per-item isolation: a judge fault is an undecided label
            judgement = Judgement(
                judge=judge.id,
                method=judge.method,
                dimension=judge.dimension,
                label=Label.UNDECIDED,
                confident=False,
                reason=f"judge failed: {type(exc).__name__}: {exc}"[:300],
            )
        log.append(JudgementRecord(item_id=item.id, judgement=judgement))


async def execute(
    log: RunLog,
    target: Target,
    judges: Sequence[Judge],
    options: RunOptions,
    progress: Progress | None = None,
) -> RunSummary:
    """Ask every pending question of ``log`` and judge the answers.

    Raises:
        TargetError: a fatal endpoint error (401/403/404); everything recorded so far stays.
    """
    started = time.perf_counter()
    items = {i.id: i for i in log.state.header.items}
    rejudged = 0
    for item_id, answer in list(log.state.answers.items()):
        have = log.state.judgements.get(item_id, {})
        if any(items[item_id].kind in j.kinds and j.id not in have for j in judges):
            await _judge_all(log, judges, items[item_id], answer)
            rejudged += 1
    pending = log.state.pending()
    already = len(items) - len(pending)
    if progress is not None:
        progress.start(len(items), already)
    queue: asyncio.Queue[BankItem] = asyncio.Queue()
    for item in pending:
        queue.put_nowait(item)
    limiter = None
    if options.rate is not None:
        from aiolimiter import AsyncLimiter

        # One request per 1/rate seconds, no bursts: "at most N per second" at any moment.
        limiter = AsyncLimiter(1, 1 / options.rate)
    counts = {"answered": 0, "failed": 0}

    async def worker() -> None:
        while True:
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            try:
                reply, attempts = await _ask(target, item.question, options, limiter)
            except TargetError as exc:
                if exc.fatal:
                    raise
                attempts = options.retries + 1 if exc.retryable else 1
                log.append(_error(item, exc.kind.value, exc.status, str(exc), attempts))
            except Exception as exc:  # per-item isolation: record, go on
                log.append(_error(item, "internal", None, f"{type(exc).__name__}: {exc}", 1))
            else:
                answer = AnswerRecord(
                    item_id=item.id,
                    text=reply.text,
                    finish_reason=reply.finish_reason,
                    refusal=reply.refusal,
                    model=reply.model,
                    attempts=attempts,
                    latency_ms=round((time.perf_counter() - t0) * 1000, 1),
                )
                log.append(answer)
                await _judge_all(log, judges, item, answer)
                counts["answered"] += 1
                if progress is not None:
                    progress.advance(True)
                continue
            counts["failed"] += 1
            if progress is not None:
                progress.advance(False)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, min(options.concurrency, len(pending)))):
                group.create_task(worker())
    except* TargetError as eg:
        raise eg.exceptions[0] from None
    return RunSummary(
        total=len(items),
        already_answered=already,
        answered=counts["answered"],
        failed=counts["failed"],
        rejudged=rejudged,
        elapsed=time.perf_counter() - started,
    )


def _error(
    item: BankItem, kind: str, status: int | None, message: str, attempts: int
) -> ErrorRecord:
    return ErrorRecord(
        item_id=item.id, kind=kind, status=status, message=message[:500], attempts=attempts
    )
