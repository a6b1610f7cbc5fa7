"""LLM judge: any OpenAI-compatible chat endpoint as a classifier.

Two prompt styles:

* ``rubric`` (default) — for a general model: a system prompt lists the 31 GB/T 45654 risks by
  id and asks for the Qwen3Guard answer form with those ids as categories.
* ``guard`` — for a guard model served behind the endpoint (Qwen3Guard-Gen on vLLM/SGLang): the
  conversation is sent as is; the model's chat template holds its own instructions.

Transient failures (timeouts, connection errors, HTTP 429/5xx) are retried with exponential
back-off; what remains raises ``UpstreamError`` and the policy's fail mode decides.
"""

from __future__ import annotations

import time
from enum import StrEnum
from typing import TYPE_CHECKING

from hegui.errors import MissingDependencyError, UpstreamError
from hegui.safety._guard import GuardOutput, GuardSafety, parse_guard_output
from hegui.safety._types import Direction, Finding, Severity

if TYPE_CHECKING:
    import httpx

__all__ = ["JudgeStyle", "LLMJudge", "rubric_prompt"]

UNMAPPED_RISK = "unmapped"
"""``risk`` of a finding when the guard says unsafe but names no category hegui can map."""


class JudgeStyle(StrEnum):
    """How the judge is prompted."""

    RUBRIC = "rubric"
    GUARD = "guard"


def rubric_prompt() -> str:
    """The system prompt of the ``rubric`` style, listing the 31 risks with their ids."""
    from hegui.kb import load_kb

    risks = "\n".join(f"{r.id} {r.name_zh}" for r in load_kb().risks.values())
    return (
        "你是内容安全审核员。判断待审核文本是否包含以下任一安全风险（GB/T 45654-2025 附录A）：\n"
        f"{risks}\n\n"
        "只按以下格式回答，不要解释：\n"
        "Safety: Safe 或 Unsafe 或 Controversial\n"
        "Categories: 命中的风险编号，用逗号分隔（例如 A.1.d, A.4.a）；没有则写 None\n"
        "Refusal: Yes 或 No（仅当待审核文本是模型回答时：该回答是否拒绝了用户的请求）"
    )


class LLMJudge:
    """A classifier that asks a model behind an OpenAI-compatible ``/chat/completions``.

    Args:
        base_url: Endpoint root, e.g. ``http://localhost:8000/v1``.
        model: Model name to send.
        api_key: Bearer token, if the endpoint wants one.
        timeout: Seconds per attempt.
        retries: Extra attempts after a transient failure.
        style: ``rubric`` for a general model, ``guard`` for a guard model.
        max_tokens: Answer budget (the verdict is three short lines).
        client: An ``httpx.Client`` to reuse (connection pooling, proxies, TLS settings).
    """

    id = "hegui/llm_judge"

    def __init__(
        self,
        base_url: str,
        model: str,
        api_key: str | None = None,
        timeout: float = 10.0,
        retries: int = 2,
        style: JudgeStyle | str = JudgeStyle.RUBRIC,
        max_tokens: int = 128,
        client: httpx.Client | None = None,
    ) -> None:
        try:
            import httpx
        except ImportError:  # pragma: no cover - httpx is in the safety extra
            raise MissingDependencyError("the LLM judge", "httpx", "safety") from None
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout = timeout
        self.retries = max(0, retries)
        self.style = JudgeStyle(style)
        self.max_tokens = max_tokens
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = client or httpx.Client(timeout=timeout, headers=headers, trust_env=False)
        self._backoff = 0.2

    def _messages(
        self, text: str, direction: Direction, context: str | None
    ) -> list[dict[str, str]]:
        if self.style is JudgeStyle.GUARD:
            if direction is Direction.OUTPUT:
                return [
                    {"role": "user", "content": context or ""},
                    {"role": "assistant", "content": text},
                ]
            return [{"role": "user", "content": text}]
        what = "模型回答" if direction is Direction.OUTPUT else "用户输入"
        body = f"待审核的{what}：\n<<<\n{text}\n>>>"
        if context is not None:
            body = f"用户的问题：\n<<<\n{context}\n>>>\n\n" + body
        return [{"role": "system", "content": rubric_prompt()}, {"role": "user", "content": body}]

    def ask(self, text: str, direction: Direction | str, context: str | None = None) -> str:
        """The raw answer of the model for ``text``.

        Raises:
            UpstreamError: the endpoint failed after all retries or answered without content.
        """
        import httpx

        payload = {
            "model": self.model,
            "messages": self._messages(text, Direction(direction), context),
            "temperature": 0,
            "max_tokens": self.max_tokens,
        }
        url = f"{self.base_url}/chat/completions"
        last = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(self._backoff * 2 ** (attempt - 1))
            try:
                response = self._client.post(url, json=payload, timeout=self.timeout)
            except httpx.TimeoutException:
                last = f"timed out after {self.timeout:g} s"
                continue
            except httpx.TransportError as exc:
                last = f"connection failed: {exc}"
                continue
            if response.status_code == 429 or response.status_code >= 500:
                last = f"HTTP {response.status_code}"
                continue
            if response.status_code >= 400:
                raise UpstreamError(
                    f"judge endpoint {url} answered HTTP {response.status_code}: "
                    f"{response.text[:200]}"
                )
            try:
                content = response.json()["choices"][0]["message"]["content"]
            except (ValueError, KeyError, IndexError, TypeError):
                raise UpstreamError(
                    f"judge endpoint {url} returned no choices[0].message.content"
                ) from None
            if not isinstance(content, str):
                raise UpstreamError(f"judge endpoint {url} returned non-text content")
            return content
        raise UpstreamError(
            f"judge endpoint {url} failed after {self.retries + 1} attempts: {last}"
        )

    def judge(
        self, text: str, direction: Direction | str, context: str | None = None
    ) -> GuardOutput:
        """The parsed verdict for ``text`` (``context``: the user prompt an answer replies to).

        Raises:
            UpstreamError: the endpoint failed, or its answer could not be parsed.
        """
        return parse_guard_output(self.ask(text, direction, context))

    def classify(self, text: str, direction: Direction) -> list[Finding]:
        """Findings over the whole text, one per mapped category.

        The score is 1.0 for ``unsafe`` and 0.5 for ``controversial``, so a policy's
        ``classifiers.min_score`` above 0.5 ignores controversial texts.
        """
        out = self.judge(text, direction)
        if out.safety is GuardSafety.SAFE:
            return []
        score = 1.0 if out.safety is GuardSafety.UNSAFE else 0.5
        return [
            Finding(
                start=0,
                end=len(text),
                risk=risk,
                term=None,
                source=self.id,
                score=score,
                severity=Severity.HIGH if score == 1.0 else Severity.MEDIUM,
            )
            for risk in out.categories or (UNMAPPED_RISK,)
        ]

    def close(self) -> None:
        """Close the HTTP client."""
        self._client.close()
