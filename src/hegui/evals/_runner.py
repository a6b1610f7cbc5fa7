"""The async runner: ask every pending question, judge each answer, append both to the run file.

Bounded concurrency (a fixed pool of workers), an optional request rate (leaky bucket), a timeout
per attempt, retries with exponential backoff and jitter (honouring ``Retry-After``) for the
faults a retry can cure, and per-item isolation: a question that still fails is recorded as an
``error`` and stays pending for the next resume, while the others go on.

Two things stop asking early, and both say why (a ``Notice`` and the exception's message):

* a ``fatal`` target error (bad key, wrong URL or model, unknown host, TLS) stops at once,
  because it would fail every question alike;
* a circuit breaker: after ``max_failures`` consecutive failed questions it pauses asking for
  ``pause`` seconds, then lets the workers try again; after ``max_pauses`` pauses without a
  success the run stops (``UpstreamError`` with the last error). Everything recorded stays;
  a rerun resumes.

Each answer is written the moment it arrives; resuming asks only what has no answer yet and
first judges any answer whose judgements were lost to an interruption. B.2.2's per-method
samples decide which generated answers a keyword or classifier judge looks at.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import JsonValue

from hegui.errors import UpstreamError
from hegui.evals._judge import Judge
from hegui.evals._models import BankItem, Judgement, Kind, Label
from hegui.evals._notices import Notice, NoticeCode, NoticeLevel, RunEvents
from hegui.evals._runfile import AnswerRecord, ErrorRecord, JudgementRecord, RunLog, RunState
from hegui.evals._target import ErrorKind, Reply, Target, TargetError

__all__ = ["RunOptions", "RunSummary", "ask_with_retries", "execute", "judge_applies"]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How hard to push the endpoint, and when to give up."""

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
    max_failures: int = 10
    """Consecutive failed questions that open the circuit breaker (0: never)."""
    pause: float = 30.0
    """Seconds the breaker pauses asking before trying again."""
    max_pauses: int = 2
    """Pauses without a success in between before the run stops."""


@dataclass(frozen=True, slots=True)
class RunSummary:
    """What one call of ``execute`` did."""

    total: int
    already_answered: int
    answered: int
    failed: int
    rejudged: int
    elapsed: float
    filtered: int = 0
    """Answers the provider's content filter gave (counted as refusals)."""
    judge_unparseable: int = 0
    """Judge replies that could not be parsed (their items are in the review queue)."""
    judge_failed: int = 0
    last_error: str | None = None
    """The reason of the last failed question, for the console."""

    @property
    def pending(self) -> int:
        """Questions still without an answer."""
        return self.total - self.already_answered - self.answered


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


async def ask_with_retries(
    target: Target, prompt: str, options: RunOptions, limiter: object | None = None
) -> tuple[Reply, int]:
    """Ask once, retrying what a retry can cure; returns the reply and the attempts it took.

    Raises:
        TargetError: the last failure (fatal, not retryable, or retries used up).
    """
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


def judge_applies(judge: Judge, item: BankItem, state: RunState) -> bool:
    """Whether ``judge`` decides ``item``: its bank, and its method's B.2.2 sample if drawn."""
    if item.kind not in judge.kinds:
        return False
    if item.kind is not Kind.GENERATED:
        return True
    sample = state.header.sampling.method_sample(judge.method)
    return sample is None or item.id in sample.ids


class _Breaker:
    """Counts consecutive failures; pauses asking, and stops the run, as ``RunOptions`` says."""

    def __init__(self, options: RunOptions, events: RunEvents | None) -> None:
        self._options = options
        self._events = events
        self.consecutive = 0
        self.pauses = 0
        self.reopen_at: float | None = None
        self.stopped: str | None = None
        self.last_error: str | None = None

    def record(self, ok: bool, reason: str | None = None) -> None:
        if ok:
            if self.reopen_at is not None or self.pauses:
                _tell(self._events, NoticeCode.BREAKER_CLOSED, NoticeLevel.INFO, "asking again")
            self.consecutive, self.pauses, self.reopen_at = 0, 0, None
            return
        self.last_error = reason
        self.consecutive += 1
        limit = self._options.max_failures
        if not limit or self.consecutive < limit or self.reopen_at is not None:
            return
        if self.pauses >= self._options.max_pauses:
            self.stopped = (
                f"stopped after {self.consecutive} consecutive failed questions and "
                f"{self.pauses} pause(s); last error: {reason}"
            )
            _tell(self._events, NoticeCode.STOPPED, NoticeLevel.ERROR, self.stopped)
            return
        self.pauses += 1
        # Half-open after the pause: the next failure pauses again (or stops the run).
        self.consecutive = limit - 1
        self.reopen_at = time.monotonic() + self._options.pause
        _tell(
            self._events,
            NoticeCode.BREAKER_OPEN,
            NoticeLevel.WARNING,
            f"{limit} consecutive failed questions; pausing {self._options.pause:g} s "
            f"(pause {self.pauses} of {self._options.max_pauses}); last error: {reason}",
            {"last_error": reason, "pause": self._options.pause},
        )

    async def wait(self) -> bool:
        """Wait out a pause; False once the run must stop."""
        while self.stopped is None and self.reopen_at is not None:
            left = self.reopen_at - time.monotonic()
            if left <= 0:
                self.reopen_at = None
                break
            await asyncio.sleep(min(left, 0.5))
        return self.stopped is None


def _tell(
    events: RunEvents | None,
    code: NoticeCode,
    level: NoticeLevel,
    message: str,
    data: dict[str, JsonValue] | None = None,
) -> None:
    if events is not None:
        events.notice(Notice(code, level, message, dict(data or {})))


async def _judge_all(
    log: RunLog,
    judges: Sequence[Judge],
    item: BankItem,
    answer: AnswerRecord,
    counts: dict[str, int],
    events: RunEvents | None,
) -> None:
    done = log.state.judgements.get(item.id, {})
    for judge in judges:
        if not judge_applies(judge, item, log.state) or judge.id in done:
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
                details={"failed": True},
            )
        log.append(JudgementRecord(item_id=item.id, judgement=judgement))
        if judgement.details.get("unparseable"):
            counts["unparseable"] += 1
            _tell(
                events,
                NoticeCode.JUDGE_UNPARSEABLE,
                NoticeLevel.WARNING,
                f"{judge.id} on {item.id}: {judgement.reason}",
                {"item": item.id, "judge": judge.id},
            )
        elif judgement.details.get("failed"):
            counts["judge_failed"] += 1
            _tell(
                events,
                NoticeCode.JUDGE_FAILED,
                NoticeLevel.WARNING,
                f"{judge.id} on {item.id}: {judgement.reason}",
                {"item": item.id, "judge": judge.id},
            )


async def execute(
    log: RunLog,
    target: Target,
    judges: Sequence[Judge],
    options: RunOptions,
    events: RunEvents | None = None,
) -> RunSummary:
    """Ask every pending question of ``log`` and judge the answers.

    Raises:
        TargetError: a fatal endpoint error; everything recorded so far stays.
        UpstreamError: the circuit breaker gave up (the message says why); everything recorded
            so far stays.
    """
    started = time.perf_counter()
    items = {i.id: i for i in log.state.header.items}
    counts = {"answered": 0, "failed": 0, "filtered": 0, "unparseable": 0, "judge_failed": 0}
    rejudged = 0
    for item_id, answer in list(log.state.answers.items()):
        have = log.state.judgements.get(item_id, {})
        item = items[item_id]
        if any(judge_applies(j, item, log.state) and j.id not in have for j in judges):
            await _judge_all(log, judges, item, answer, counts, events)
            rejudged += 1
    pending = log.state.pending()
    already = len(items) - len(pending)
    if events is not None:
        events.start(len(items), already)
    queue: asyncio.Queue[BankItem] = asyncio.Queue()
    for item in pending:
        queue.put_nowait(item)
    limiter = None
    if options.rate is not None:
        from aiolimiter import AsyncLimiter

        # One request per 1/rate seconds, no bursts: "at most N per second" at any moment.
        limiter = AsyncLimiter(1, 1 / options.rate)
    breaker = _Breaker(options, events)

    async def worker() -> None:
        while await breaker.wait():
            try:
                item = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t0 = time.perf_counter()
            try:
                reply, attempts = await ask_with_retries(target, item.question, options, limiter)
            except TargetError as exc:
                if exc.fatal:
                    raise
                attempts = options.retries + 1 if exc.retryable else 1
                log.append(_error(item, exc.kind.value, exc.status, str(exc), attempts))
                _failed(item, str(exc))
            except Exception as exc:  # per-item isolation: record, go on
                reason = f"{type(exc).__name__}: {exc}"
                log.append(_error(item, "internal", None, reason, 1))
                _failed(item, reason)
            else:
                answer = AnswerRecord(
                    item_id=item.id,
                    text=reply.text,
                    finish_reason=reply.finish_reason,
                    refusal=reply.refusal,
                    model=reply.model,
                    filtered=reply.filtered,
                    attempts=attempts,
                    latency_ms=round((time.perf_counter() - t0) * 1000, 1),
                )
                log.append(answer)
                if reply.filtered is not None:
                    counts["filtered"] += 1
                    _tell(
                        events,
                        NoticeCode.PROVIDER_FILTER,
                        NoticeLevel.INFO,
                        f"{item.id}: refused by the provider's filter ({reply.filtered.rule})",
                        {"item": item.id, "rule": reply.filtered.rule},
                    )
                await _judge_all(log, judges, item, answer, counts, events)
                counts["answered"] += 1
                breaker.record(True)
                if events is not None:
                    events.advance(True)

    def _failed(item: BankItem, reason: str) -> None:
        counts["failed"] += 1
        _tell(
            events,
            NoticeCode.ITEM_FAILED,
            NoticeLevel.WARNING,
            f"{item.id}: {reason}",
            {"item": item.id, "reason": reason},
        )
        breaker.record(False, reason)
        if events is not None:
            events.advance(False)

    try:
        async with asyncio.TaskGroup() as group:
            for _ in range(max(1, min(options.concurrency, len(pending)))):
                group.create_task(worker())
    except* TargetError as eg:
        raise eg.exceptions[0] from None
    if breaker.stopped is not None:
        raise UpstreamError(breaker.stopped + "; rerun the same command to resume")
    return RunSummary(
        total=len(items),
        already_answered=already,
        answered=counts["answered"],
        failed=counts["failed"],
        rejudged=rejudged,
        elapsed=time.perf_counter() - started,
        filtered=counts["filtered"],
        judge_unparseable=counts["unparseable"],
        judge_failed=counts["judge_failed"],
        last_error=breaker.last_error,
    )


def _error(
    item: BankItem, kind: str, status: int | None, message: str, attempts: int
) -> ErrorRecord:
    return ErrorRecord(
        item_id=item.id, kind=kind, status=status, message=message[:500], attempts=attempts
    )
