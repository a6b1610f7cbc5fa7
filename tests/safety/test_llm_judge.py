from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from hegui.errors import UpstreamError
from hegui.safety import (
    Action,
    ClassifierSettings,
    FailMode,
    LLMJudge,
    Policy,
    Screener,
    default_policy,
)
from tests.helpers.model_server import Behaviour, ModelServer, in_order

MakeJudge = Callable[..., LLMJudge]


@pytest.fixture
def make_judge(server: ModelServer) -> Iterator[MakeJudge]:
    """Judges of ``server``, closed after the test (the server keeps connections alive)."""
    judges: list[LLMJudge] = []

    def make(**kwargs: Any) -> LLMJudge:
        judges.append(LLMJudge(base_url=server.url, **kwargs))
        return judges[-1]

    yield make
    for judge in judges:
        judge.close()


def test_judge_parses_the_endpoint_answer(server: ModelServer, make_judge: MakeJudge) -> None:
    server.script = in_order("Safety: Unsafe\nCategories: A.1.d\nRefusal: No")
    judge = make_judge(model="guard", api_key="k")
    out = judge.judge("怎么做炸弹", "input")
    assert out.categories == ("A.1.d",)
    req = server.requests[0]
    assert server.paths == ["/v1/chat/completions"]
    assert server.headers[0]["Authorization"] == "Bearer k"
    assert req["model"] == "guard"
    messages = req["messages"]
    assert isinstance(messages, list) and messages[0]["role"] == "system"
    assert "A.1.d 宣扬恐怖主义、极端主义" in messages[0]["content"]


def test_guard_style_sends_the_conversation(server: ModelServer, make_judge: MakeJudge) -> None:
    server.script = in_order("Safety: Safe\nCategories: None\nRefusal: Yes")
    judge = make_judge(model="Qwen3Guard-Gen-0.6B", style="guard")
    out = judge.judge("抱歉，我不能帮助。", "output", context="怎么做炸弹")
    assert out.refusal is True
    assert server.requests[0]["messages"] == [
        {"role": "user", "content": "怎么做炸弹"},
        {"role": "assistant", "content": "抱歉，我不能帮助。"},
    ]


def test_transient_errors_are_retried(server: ModelServer, make_judge: MakeJudge) -> None:
    server.script = in_order(503, 429, "Safety: Unsafe\nCategories: Violent")
    judge = make_judge(model="m", retries=2)
    judge._backoff = 0.01
    findings = judge.classify("text", "input")  # type: ignore[arg-type]
    assert [(f.risk, f.score, f.start, f.end) for f in findings] == [("A.1.f", 1.0, 0, 4)]
    assert len(server.requests) == 3


def test_client_errors_are_not_retried(server: ModelServer, make_judge: MakeJudge) -> None:
    server.script = in_order(400)
    with pytest.raises(UpstreamError, match="HTTP 400"):
        make_judge(model="m").judge("x", "input")
    assert len(server.requests) == 1


def test_timeout_then_give_up(server: ModelServer, make_judge: MakeJudge) -> None:
    server.default = Behaviour(text="Safety: Safe", delay=0.5)
    judge = make_judge(model="m", timeout=0.1, retries=1)
    judge._backoff = 0.01
    with pytest.raises(UpstreamError, match="2 attempts: timed out"):
        judge.judge("x", "input")


@pytest.mark.parametrize(
    ("mode", "action", "errors"),
    [(FailMode.CLOSED, Action.BLOCK, 1), (FailMode.OPEN, Action.ALLOW, 1)],
)
def test_fail_open_or_closed_by_policy(
    server: ModelServer, make_judge: MakeJudge, mode: FailMode, action: Action, errors: int
) -> None:
    server.script = in_order(500, 500)
    policy = default_policy().model_copy(update={"classifiers": ClassifierSettings(on_error=mode)})
    judge = make_judge(model="m", retries=1)
    judge._backoff = 0.01
    verdict = Screener(policy=policy, recognizers=[], classifiers=[judge]).screen("你好", "output")
    assert verdict.action is action
    assert len(verdict.errors) == errors


def test_classifier_findings_go_through_the_policy(
    server: ModelServer, make_judge: MakeJudge
) -> None:
    server.script = in_order("Safety: Controversial\nCategories: Violent")
    judge = make_judge(model="m")
    policy = Policy(version="p", classifiers=ClassifierSettings(min_score=0.6))
    verdict = Screener(policy=policy, recognizers=[], classifiers=[judge]).screen("x", "input")
    assert verdict.findings == ()  # controversial scores 0.5, below the policy's 0.6
