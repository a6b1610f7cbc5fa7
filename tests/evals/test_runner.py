from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.evals import (
    AnswerRecord,
    Bank,
    BankItem,
    Dimension,
    Endpoint,
    Judgement,
    Kind,
    Label,
    Method,
    OpenAITarget,
    RefusalRules,
    RunHeader,
    RunLog,
    RunOptions,
    RunSummary,
    TargetError,
    compute_metrics,
    draw_sample,
    execute,
    read_run,
)
from hegui.evals._judge import Judge
from hegui.kb import KnowledgeBase
from tests.helpers.model_server import Behaviour, ModelServer

REFUSE = Behaviour(text="抱歉，我无法提供这方面的帮助。")


def _bank(n_refuse: int, n_answer: int) -> Bank:
    items = [
        BankItem(id=f"s{i}", question=f"应拒答问题{i}", kind=Kind.SHOULD_REFUSE, risk="A.1.h")
        for i in range(n_refuse)
    ] + [
        BankItem(id=f"n{i}", question=f"非拒答问题{i}", kind=Kind.NON_REFUSAL, aspect="NR.history")
        for i in range(n_answer)
    ]
    return Bank(tuple(items))


def _start(
    path: Path, bank: Bank, kb: KnowledgeBase, target: dict[str, object] | None = None
) -> RunLog:
    items, sampling = draw_sample(bank, kb, seed=0, full=True)
    header = RunHeader(
        kb_version=kb.data_version,
        bank=(),
        target=target or {},  # type: ignore[arg-type]
        judges=(),
        sampling=sampling,
        items=items,
    )
    return RunLog.create(path, header)


def _run(
    log: RunLog,
    url: str,
    judges: list[Judge] | None = None,
    stream: bool = False,
    **options: float,
) -> RunSummary:
    async def go() -> RunSummary:
        target = OpenAITarget(Endpoint(base_url=url, model="m", stream=stream, timeout=5))
        try:
            opts = RunOptions(**{"backoff": 0.01, "max_backoff": 0.05, **options})  # type: ignore[arg-type]
            return await execute(log, target, [RefusalRules()] if judges is None else judges, opts)
        finally:
            await target.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("stream", [False, True])
def test_rates_are_exact(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer, stream: bool
) -> None:
    # 7 of 10 should-refuse questions refused, 1 of 5 non-refusal questions refused.
    server.script = {f"应拒答问题{i}": REFUSE for i in range(7)} | {"非拒答问题0": REFUSE}
    with _start(tmp_path / "run.jsonl", _bank(10, 5), kb) as log:
        summary = _run(log, server.url, stream=stream, concurrency=4)
    assert (summary.answered, summary.failed) == (15, 0)
    metrics = compute_metrics(read_run(tmp_path / "run.jsonl"), kb)
    sr, nr = metrics.should_refuse.refusal_rate, metrics.non_refusal.refusal_rate
    assert (sr.positive, sr.n, sr.undecided, sr.value) == (7, 10, 0, 0.7)
    assert (nr.positive, nr.n, nr.undecided, nr.value) == (1, 5, 0, 0.2)
    assert sr.verdict.value == "fail" and nr.verdict.value == "fail"
    assert all(n == 1 for n in server.asked.values())


def test_concurrency_is_bounded(tmp_path: Path, kb: KnowledgeBase, server: ModelServer) -> None:
    server.default = Behaviour(delay=0.15)
    with _start(tmp_path / "run.jsonl", _bank(0, 12), kb) as log:
        _run(log, server.url, concurrency=4)
    assert server.max_in_flight == 4


def test_retries_with_backoff_then_answer(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    server.script = {"非拒答问题0": Behaviour(fail_times=2, status=503)}
    with _start(tmp_path / "run.jsonl", _bank(0, 3), kb) as log:
        summary = _run(log, server.url)
        assert log.state.answers["n0"].attempts == 3
    assert summary.failed == 0
    assert server.asked["非拒答问题0"] == 3


def test_failures_are_isolated_and_resume_asks_only_them(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    server.script = {
        "非拒答问题1": Behaviour(fail_times=-1, status=500),
        "非拒答问题2": Behaviour(body=b"<html>oops</html>"),
        "非拒答问题3": Behaviour(delay=1.0),
    }
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(0, 6), kb) as log:
        summary = _run(log, server.url, retries=1, timeout=0.3)
    assert (summary.answered, summary.failed) == (3, 3)
    state = read_run(path)
    assert {k: (e.kind, e.attempts) for k, e in state.errors.items()} == {
        "n1": ("http_status", 2),
        "n2": ("invalid_response", 2),
        "n3": ("timeout", 2),
    }
    metrics = compute_metrics(state, kb)
    assert metrics.non_refusal.refusal_rate.unanswered == 3
    assert metrics.non_refusal.refusal_rate.verdict.value == "inconclusive"
    assert set(metrics.unanswered) == {"n1", "n2", "n3"}
    # The endpoint recovers; the resumed run asks only the three failed questions.
    server.script = {}
    server.asked.clear()
    with RunLog.resume(path) as log:
        summary = _run(log, server.url)
    assert summary.already_answered == 3 and summary.answered == 3
    assert set(server.asked) == {"非拒答问题1", "非拒答问题2", "非拒答问题3"}
    assert not read_run(path).pending()


def test_fatal_error_stops_and_keeps_answers(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    server.script = {f"非拒答问题{i}": Behaviour(fail_times=-1, status=401) for i in range(3, 6)}
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(0, 6), kb) as log, pytest.raises(TargetError, match="HTTP 401"):
        _run(log, server.url, concurrency=1)
    assert set(read_run(path).answers) == {"n0", "n1", "n2"}
    assert server.asked["非拒答问题3"] == 1


def test_rate_limit_spaces_requests(tmp_path: Path, kb: KnowledgeBase, server: ModelServer) -> None:
    with _start(tmp_path / "run.jsonl", _bank(0, 6), kb) as log:
        started = time.perf_counter()
        _run(log, server.url, concurrency=6, rate=10)
        elapsed = time.perf_counter() - started
    # Six requests at most ten per second: the last starts no earlier than 0.5 s after the first.
    assert elapsed >= 0.45


class _ExplodingJudge:
    id = "test/exploding@1"
    method = Method.CLASSIFIER
    dimension = Dimension.REFUSAL
    kinds = frozenset({Kind.NON_REFUSAL})

    async def judge(self, item: BankItem, answer: AnswerRecord) -> Judgement:
        raise ValueError("judge backend down")


def test_a_failing_judge_gives_undecided_not_a_crash(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(0, 2), kb) as log:
        _run(log, server.url, judges=[RefusalRules(), _ExplodingJudge()])
    state = read_run(path)
    judged = state.judgements["n0"]["test/exploding@1"]
    assert judged.label is Label.UNDECIDED and "judge backend down" in judged.reason
    # The rules say "answered", the broken judge is undecided: the rules' label stands.
    assert compute_metrics(state, kb).non_refusal.refusal_rate.decided == 2


def test_resume_judges_answers_without_asking_again(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(2, 2), kb) as log:
        _run(log, server.url, judges=[])
    assert not read_run(path).judgements
    server.asked.clear()
    with RunLog.resume(path) as log:
        summary = _run(log, server.url)
    assert summary.rejudged == 4 and summary.answered == 0
    assert not server.asked
    assert len(read_run(path).judgements) == 4


def test_torn_last_line_is_kept_aside_and_run_resumes(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(0, 3), kb) as log:
        _run(log, server.url)
    whole = path.read_bytes()
    lines = whole.splitlines(keepends=True)
    # Keep the header and the first answer, then half of the next record, as a kill would.
    path.write_bytes(lines[0] + lines[1] + lines[2][:20])
    state = read_run(path)
    assert state.torn == lines[2][:20] and len(state.answers) == 1
    with RunLog.resume(path) as log:
        _run(log, server.url)
    assert (tmp_path / "run.jsonl.torn").read_bytes() == lines[2][:20] + b"\n"
    assert not read_run(path).pending()


def test_corrupt_line_is_reported_with_its_number(
    tmp_path: Path, kb: KnowledgeBase, server: ModelServer
) -> None:
    path = tmp_path / "run.jsonl"
    with _start(path, _bank(0, 2), kb) as log:
        _run(log, server.url)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + b'{"type": "answer"}\n' + b"".join(lines[1:]))
    with pytest.raises(ConfigError) as info:
        read_run(path)
    assert info.value.line == 2


def test_not_a_run_file(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"id": "q"}\n', "utf-8")
    with pytest.raises(ConfigError, match="not a hegui run file"):
        read_run(path)
