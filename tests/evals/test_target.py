from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.evals import (
    CallableTarget,
    Endpoint,
    ErrorKind,
    OpenAITarget,
    Reply,
    TargetError,
    read_api_key,
)
from tests.helpers.model_server import Behaviour, ModelServer


def _ask(endpoint: Endpoint, prompt: str = "你好") -> Reply:
    async def go() -> Reply:
        target = OpenAITarget(endpoint)
        try:
            return await target.ask(prompt)
        finally:
            await target.aclose()

    return asyncio.run(go())


@pytest.mark.parametrize("stream", [False, True])
def test_request_carries_every_setting(server: ModelServer, stream: bool) -> None:
    server.default = Behaviour(text="回答：春节有很多习俗。", finish_reason="stop")
    endpoint = Endpoint(
        base_url=server.url + "/",
        model="qwen-test",
        api_key="sk-secret",
        headers={"X-Tenant": "acme"},
        temperature=0.2,
        max_tokens=64,
        system_prompt="你是助手",
        stream=stream,
    )
    reply = _ask(endpoint, "春节有哪些习俗？")
    assert reply == Reply(text="回答：春节有很多习俗。", finish_reason="stop", model="scripted")
    body, headers = server.requests[0], server.headers[0]
    assert body["model"] == "qwen-test" and body["stream"] is stream
    assert body["temperature"] == 0.2 and body["max_tokens"] == 64
    assert body["messages"] == [
        {"role": "system", "content": "你是助手"},
        {"role": "user", "content": "春节有哪些习俗？"},
    ]
    assert headers["Authorization"] == "Bearer sk-secret"
    assert headers["X-Tenant"] == "acme"


def test_describe_never_holds_the_key(server: ModelServer) -> None:
    target = OpenAITarget(
        Endpoint(base_url=server.url, model="m", api_key="sk-secret", headers={"X-A": "v"})
    )
    described = target.describe()
    assert "sk-secret" not in repr(described) and "sk-secret" not in repr(target.endpoint)
    assert described["headers"] == ["X-A"] and described["url"] == server.url + "/chat/completions"
    asyncio.run(target.aclose())


@pytest.mark.parametrize(
    ("behaviour", "kind", "status", "retryable", "fatal"),
    [
        (Behaviour(fail_times=-1, status=500), ErrorKind.HTTP_STATUS, 500, True, False),
        (
            Behaviour(fail_times=-1, status=429, retry_after=2),
            ErrorKind.HTTP_STATUS,
            429,
            True,
            False,
        ),
        (Behaviour(fail_times=-1, status=400), ErrorKind.HTTP_STATUS, 400, False, False),
        (Behaviour(fail_times=-1, status=401), ErrorKind.HTTP_STATUS, 401, False, True),
        (Behaviour(fail_times=-1, status=404), ErrorKind.HTTP_STATUS, 404, False, True),
        (
            Behaviour(body=b"<html>bad gateway</html>"),
            ErrorKind.INVALID_RESPONSE,
            None,
            True,
            False,
        ),
        (Behaviour(body=b'{"object": "list"}'), ErrorKind.INVALID_RESPONSE, None, False, False),
    ],
)
def test_endpoint_faults_become_target_errors(
    server: ModelServer,
    behaviour: Behaviour,
    kind: ErrorKind,
    status: int | None,
    retryable: bool,
    fatal: bool,
) -> None:
    server.default = behaviour
    with pytest.raises(TargetError) as info:
        _ask(Endpoint(base_url=server.url, model="m"))
    err = info.value
    assert (err.kind, err.status, err.retryable, err.fatal) == (kind, status, retryable, fatal)
    if behaviour.retry_after is not None:
        assert err.retry_after == behaviour.retry_after


def test_unreachable_endpoint_is_a_transport_error() -> None:
    with ModelServer() as srv:
        url = srv.url
    with pytest.raises(TargetError) as info:
        _ask(Endpoint(base_url=url, model="m", timeout=2))
    assert info.value.kind is ErrorKind.TRANSPORT and info.value.retryable


def test_api_key_from_env_or_file(tmp_path: Path) -> None:
    assert read_api_key(env_var="K", file=None, environ={"K": " sk-1 \n"}) == "sk-1"
    key_file = tmp_path / "key"
    key_file.write_text("sk-2\n# comment\n", "utf-8")
    assert read_api_key(env_var=None, file=key_file, environ={}) == "sk-2"
    assert read_api_key(env_var=None, file=None, environ={"OPENAI_API_KEY": "x"}) is None
    with pytest.raises(ConfigError, match="K is not set"):
        read_api_key(env_var="K", file=None, environ={})
    with pytest.raises(ConfigError, match="missing or empty"):
        read_api_key(env_var=None, file=tmp_path / "none", environ={})


def _sync_model(prompt: str) -> str:
    return f"echo:{prompt}"


async def _async_model(prompt: str) -> Reply:
    return Reply(text=prompt[::-1], finish_reason="stop")


def _broken_model(prompt: str) -> str:
    raise RuntimeError("model crashed")


def _bad_type(prompt: str) -> int:
    return 3


def test_callable_targets() -> None:
    assert asyncio.run(CallableTarget(_sync_model).ask("hi")).text == "echo:hi"
    assert asyncio.run(CallableTarget(_async_model).ask("abc")) == Reply(
        text="cba", finish_reason="stop"
    )
    assert CallableTarget(_sync_model).describe() == {
        "type": "callable",
        "name": "tests.evals.test_target:_sync_model",
    }
    with pytest.raises(TargetError, match="RuntimeError: model crashed") as info:
        asyncio.run(CallableTarget(_broken_model).ask("x"))
    assert info.value.kind is ErrorKind.CALLABLE
    with pytest.raises(TargetError, match="expected str or Reply"):
        asyncio.run(CallableTarget(_bad_type).ask("x"))  # type: ignore[arg-type]
