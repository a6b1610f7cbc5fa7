"""The run session as a package job (issue 9 points 5-6): config in, summary and notices out.

The session builds its target and judges from component specs, records the specs in the run
header and the Evidence, and runs third-party judges registered on ``JUDGES`` or through the
``hegui.judges`` entry-point group of an installed distribution.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hegui.components import ComponentSpec
from hegui.errors import InputError, UnknownIdError
from hegui.evals import (
    JUDGES,
    PROBE_PROMPT,
    AnswerRecord,
    BankItem,
    Dimension,
    Judgement,
    Kind,
    Label,
    Method,
    NoticeCode,
    NoticeLog,
    RunConfig,
    RunOptions,
    build_report,
    read_run,
    run_evidence,
    run_session,
)
from hegui.kb import KnowledgeBase
from tests.evals.conftest import write_jsonl
from tests.helpers.model_server import Behaviour, ModelServer

REFUSE = Behaviour(text="抱歉，我无法提供这方面的帮助。")


def _bank(tmp_path: Path) -> Path:
    rows: list[dict[str, object]] = [
        {"id": f"s{i}", "question": f"违法问题{i}", "kind": "should_refuse", "risk": "A.1.h"}
        for i in range(4)
    ] + [
        {"id": f"g{i}", "question": f"生成题{i}", "kind": "generated", "risk": "A.1.f"}
        for i in range(3)
    ]
    return write_jsonl(tmp_path / "bank.jsonl", rows)


def _config(tmp_path: Path, url: str, **changes: object) -> RunConfig:
    base: dict[str, object] = {
        "out": tmp_path / "run.jsonl",
        "banks": (_bank(tmp_path),),
        "target": ComponentSpec(id="hegui/openai", params={"base_url": url, "model": "m"}),
        "options": RunOptions(backoff=0.01, max_backoff=0.02),
    }
    return RunConfig.model_validate(base | changes)


@JUDGES.register("test/always-refused")
class AlwaysRefused:
    """A judge from outside hegui's built-ins, registered by decorator."""

    method = Method.CLASSIFIER
    dimension = Dimension.REFUSAL
    kinds = frozenset({Kind.SHOULD_REFUSE})

    def __init__(self, note: str = "") -> None:
        self.id = f"test/always-refused@1:{note}"

    async def judge(self, item: BankItem, answer: AnswerRecord) -> Judgement:
        return Judgement(
            judge=self.id,
            method=self.method,
            dimension=self.dimension,
            label=Label.REFUSED,
            reason="always",
        )


def test_session_runs_from_specs_and_reports_through_events(
    tmp_path: Path, server: ModelServer, kb: KnowledgeBase
) -> None:
    server.script = {f"违法问题{i}": REFUSE for i in range(4)}
    judges = (
        ComponentSpec(id="hegui/refusal-rules"),
        ComponentSpec(id="hegui/keyword"),
        ComponentSpec(id="test/always-refused", params={"note": "x"}),
    )
    config = _config(tmp_path, server.url, judges=judges)
    events = NoticeLog()
    summary = run_session(config, kb, events)
    assert (summary.total, summary.answered, summary.failed, summary.pending) == (7, 7, 0, 0)
    assert (events.total, events.answered) == (7, 7)
    codes = events.codes()
    assert codes[0] is NoticeCode.STARTER_LEXICON
    assert NoticeCode.SAMPLE_BELOW_STANDARD in codes and NoticeCode.PROBE_OK in codes
    assert server.asked[PROBE_PROMPT] == 1
    state = read_run(config.out)
    header = state.header
    assert header.target_spec == config.target and header.judge_specs == judges
    assert header.judges == (
        "hegui/refusal-rules@1",
        "hegui/keyword@1",
        "test/always-refused@1:x",
    )
    assert state.judgements["s0"]["test/always-refused@1:x"].label is Label.REFUSED
    report, metrics = build_report(state, kb)
    evidence = run_evidence(state, report, metrics, kb)
    assert evidence.components == (config.target, *judges)
    assert evidence.kinds == ("EV-eval-generated", "EV-eval-should-refuse")
    # The same call on the same file resumes and asks nothing again.
    again = NoticeLog()
    server.asked.clear()
    summary = run_session(config, kb, again)
    assert summary.already_answered == 7 and summary.answered == 0
    assert NoticeCode.RESUMING in again.codes()
    assert not server.asked  # nothing pending: not even the probe


def test_unknown_judge_and_target_ids_are_bad_input(
    tmp_path: Path, server: ModelServer, kb: KnowledgeBase
) -> None:
    config = _config(tmp_path, server.url, judges=(ComponentSpec(id="hegui/keywords"),))
    with pytest.raises(UnknownIdError, match="hegui/keyword"):
        run_session(config, kb)
    config = _config(tmp_path, server.url, target=ComponentSpec(id="hegui/opneai"))
    with pytest.raises(UnknownIdError, match="hegui/openai"):
        run_session(config, kb)
    bad = ComponentSpec(id="hegui/keyword", params={"lexcon": "x.yaml"})
    with pytest.raises(InputError, match="accepted parameters: lexicon"):
        run_session(_config(tmp_path, server.url, judges=(bad,)), kb)
    assert not (tmp_path / "run.jsonl").exists() and not server.requests


def test_a_judge_from_an_installed_distribution_runs(tmp_path: Path, server: ModelServer) -> None:
    # A tiny third-party distribution: a module and its dist-info with an entry point.
    site = tmp_path / "site"
    (site / "acme_judges-0.1.dist-info").mkdir(parents=True)
    (site / "acme_judges.py").write_text(
        textwrap.dedent(
            """
            from hegui.evals import Dimension, Judgement, Kind, Label, Method

            class AlwaysAnswered:
                method = Method.CLASSIFIER
                dimension = Dimension.REFUSAL
                kinds = frozenset({Kind.SHOULD_REFUSE})

                def __init__(self, strictness: int = 0) -> None:
                    self.id = f"acme/always-answered@{strictness}"

                async def judge(self, item, answer):
                    return Judgement(judge=self.id, method=self.method, dimension=self.dimension,
                                     label=Label.ANSWERED, reason="acme")
            """
        ),
        "utf-8",
    )
    (site / "acme_judges-0.1.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-judges\nVersion: 0.1\n", "utf-8"
    )
    (site / "acme_judges-0.1.dist-info" / "entry_points.txt").write_text(
        "[hegui.judges]\nacme/always-answered = acme_judges:AlwaysAnswered\n", "utf-8"
    )
    run = tmp_path / "run.jsonl"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    args = [
        *("eval", "run", "--bank", str(_bank(tmp_path)), "--base-url", server.url),
        *("--model", "m", "--no-keyword", "--out", str(run)),
        *("--judge", 'acme/always-answered:{"strictness": 2}'),
    ]
    done = subprocess.run(
        [sys.executable, "-c", "from hegui.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    state = read_run(run)
    assert ComponentSpec(id="acme/always-answered", params={"strictness": 2}) in (
        state.header.judge_specs
    )
    assert state.judgements["s0"]["acme/always-answered@2"].reason == "acme"


def test_starting_needs_a_bank_and_resuming_checks_it(
    tmp_path: Path, server: ModelServer, kb: KnowledgeBase
) -> None:
    with pytest.raises(InputError, match="--bank is required"):
        run_session(_config(tmp_path, server.url, banks=()), kb)
    run_session(_config(tmp_path, server.url, probe=False), kb)
    other = write_jsonl(
        tmp_path / "other.jsonl",
        [{"id": "x", "question": "另一题", "kind": "should_refuse", "risk": "A.1.h"}],
    )
    with pytest.raises(InputError, match="different bank"):
        run_session(_config(tmp_path, server.url, banks=(other,)), kb)
    with pytest.raises(InputError, match="seed=0"):
        run_session(_config(tmp_path, server.url, seed=5), kb)
