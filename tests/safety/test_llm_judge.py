from __future__ import annotations

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

from .endpoint import Endpoint


def test_judge_parses_the_endpoint_answer(endpoint: Endpoint) -> None:
    endpoint.script.replies = ["Safety: Unsafe\nCategories: A.1.d\nRefusal: No"]
    judge = LLMJudge(base_url=endpoint.url, model="guard", api_key="k")
    out = judge.judge("怎么做炸弹", "input")
    assert out.categories == ("A.1.d",)
    req = endpoint.script.requests[0]
    assert req["_path"] == "/v1/chat/completions"
    assert req["_auth"] == "Bearer k"
    assert req["model"] == "guard"
    messages = req["messages"]
    assert isinstance(messages, list) and messages[0]["role"] == "system"
    assert "A.1.d 宣扬恐怖主义、极端主义" in messages[0]["content"]


def test_guard_style_sends_the_conversation(endpoint: Endpoint) -> None:
    endpoint.script.replies = ["Safety: Safe\nCategories: None\nRefusal: Yes"]
    judge = LLMJudge(base_url=endpoint.url, model="Qwen3Guard-Gen-0.6B", style="guard")
    out = judge.judge("抱歉，我不能帮助。", "output", context="怎么做炸弹")
    assert out.refusal is True
    assert endpoint.script.requests[0]["messages"] == [
        {"role": "user", "content": "怎么做炸弹"},
        {"role": "assistant", "content": "抱歉，我不能帮助。"},
    ]


def test_transient_errors_are_retried(endpoint: Endpoint) -> None:
    endpoint.script.replies = [503, 429, "Safety: Unsafe\nCategories: Violent"]
    judge = LLMJudge(base_url=endpoint.url, model="m", retries=2)
    judge._backoff = 0.01
    findings = judge.classify("text", "input")  # type: ignore[arg-type]
    assert [(f.risk, f.score, f.start, f.end) for f in findings] == [("A.1.f", 1.0, 0, 4)]
    assert len(endpoint.script.requests) == 3


def test_client_errors_are_not_retried(endpoint: Endpoint) -> None:
    endpoint.script.replies = [400]
    with pytest.raises(UpstreamError, match="HTTP 400"):
        LLMJudge(base_url=endpoint.url, model="m").judge("x", "input")
    assert len(endpoint.script.requests) == 1


def test_timeout_then_give_up(endpoint: Endpoint) -> None:
    endpoint.script.delay = 0.5
    judge = LLMJudge(base_url=endpoint.url, model="m", timeout=0.1, retries=1)
    judge._backoff = 0.01
    with pytest.raises(UpstreamError, match="2 attempts: timed out"):
        judge.judge("x", "input")


@pytest.mark.parametrize(
    ("mode", "action", "errors"),
    [(FailMode.CLOSED, Action.BLOCK, 1), (FailMode.OPEN, Action.ALLOW, 1)],
)
def test_fail_open_or_closed_by_policy(
    endpoint: Endpoint, mode: FailMode, action: Action, errors: int
) -> None:
    endpoint.script.replies = [500, 500]
    policy = default_policy().model_copy(update={"classifiers": ClassifierSettings(on_error=mode)})
    judge = LLMJudge(base_url=endpoint.url, model="m", retries=1)
    judge._backoff = 0.01
    verdict = Screener(policy=policy, recognizers=[], classifiers=[judge]).screen("你好", "output")
    assert verdict.action is action
    assert len(verdict.errors) == errors


def test_classifier_findings_go_through_the_policy(endpoint: Endpoint) -> None:
    endpoint.script.replies = ["Safety: Controversial\nCategories: Violent"]
    judge = LLMJudge(base_url=endpoint.url, model="m")
    policy = Policy(version="p", classifiers=ClassifierSettings(min_score=0.6))
    verdict = Screener(policy=policy, recognizers=[], classifiers=[judge]).screen("x", "input")
    assert verdict.findings == ()  # controversial scores 0.5, below the policy's 0.6
