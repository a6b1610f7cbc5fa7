"""Screening a streamed answer: upstream events in, client events out, nothing leaked.

Every text field of every choice (``content``, ``reasoning_content``; ``text`` for legacy
completions) goes through its own StreamScreener; the client gets only what a screener released.
Once a screener stops (refuse or block), that choice ends at once with finish_reason
``content_filter`` and nothing it was holding, nor anything after, is ever sent. Tool calls are
held whole and screened at the end (their arguments are output too). Fields the gateway does not
know (``logprobs`` carries the tokens of unscreened text) are dropped, not passed on.

This class does no I/O: the server drives it with parsed upstream events, which makes its
invariants testable over any chunking of any stream.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Literal

import orjson

from hegui.gateway._labels import Labeler
from hegui.gateway._screening import Action, Direction, Snapshot
from hegui.gateway._sse import BadStreamError
from hegui.gateway._trail import Trail

__all__ = ["StreamPipeline", "sse"]

_CHAT_FIELDS = ("content", "reasoning_content")


def sse(obj: dict[str, Any]) -> bytes:
    """One server-sent event carrying ``obj`` as JSON."""
    return b"data: " + orjson.dumps(obj) + b"\n\n"


@dataclass
class _Choice:
    index: int
    screeners: dict[str, Any] = field(default_factory=dict)
    fed: dict[str, list[str]] = field(default_factory=dict)
    released: int = 0
    tool_calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    finish_reason: str | None = None
    stopped: bool = False
    started: bool = False
    done: bool = False


class StreamPipeline:
    """Turns upstream stream events into screened client events for one response.

    Args:
        snapshot: The screening snapshot of this request.
        labeler: Adds the explicit text labels where configured.
        kind: ``chat`` (deltas) or ``completion`` (legacy ``text``).
        response_id: The ``id`` every client event carries (the audit record's id).
        model: The model name the client asked for.
        created: Unix time of the response.
        trail: Receives findings, actions and the output text.
        screen_output: Off only when the settings disable output screening.
    """

    def __init__(
        self,
        snapshot: Snapshot,
        labeler: Labeler,
        kind: Literal["chat", "completion"],
        response_id: str,
        model: str,
        created: int,
        trail: Trail,
        *,
        screen_output: bool = True,
    ) -> None:
        self.snapshot = snapshot
        self.labeler = labeler
        self.kind = kind
        self.trail = trail
        self.screen_output = screen_output
        self.action = Action.ALLOW
        self._choices: dict[int, _Choice] = {}
        self._usage: dict[str, Any] | None = None
        obj = "chat.completion.chunk" if kind == "chat" else "text_completion"
        self._head = {"id": response_id, "object": obj, "created": created, "model": model}

    @property
    def stopped(self) -> bool:
        """Every choice seen so far was stopped by screening (the upstream can be closed)."""
        return bool(self._choices) and all(c.stopped for c in self._choices.values())

    def _event(self, index: int, delta: dict[str, Any] | str | None, finish: str | None) -> bytes:
        choice: dict[str, Any] = {"index": index}
        if self.kind == "chat":
            choice["delta"] = delta if isinstance(delta, dict) else {}
        else:
            choice["text"] = delta if isinstance(delta, str) else ""
        choice["finish_reason"] = finish
        return sse({**self._head, "choices": [choice]})

    def _text(self, index: int, field_name: str, text: str) -> bytes:
        if self.kind == "chat":
            return self._event(index, {field_name: text}, None)
        return self._event(index, text, None)

    def _choice(self, index: int) -> tuple[_Choice, list[bytes]]:
        c = self._choices.get(index)
        out: list[bytes] = []
        if c is None:
            c = self._choices[index] = _Choice(index)
        if not c.started:
            c.started = True
            start = self.labeler.text_start
            if self.kind == "chat":
                delta: dict[str, Any] = {"role": "assistant"}
                if start:
                    delta["content"] = start
                out.append(self._event(index, delta, None))
            elif start:
                out.append(self._event(index, start, None))
        return c, out

    def _screener(self, c: _Choice, name: str) -> Any:
        s = c.screeners.get(name)
        if s is None and self.screen_output:
            s = c.screeners[name] = self.snapshot.stream(Direction.OUTPUT)
        return s

    def _stop(self, c: _Choice, action: Action) -> list[bytes]:
        c.stopped = True
        c.done = True
        if action.rank > self.action.rank:
            self.action = action
        return [self._event(c.index, None, "content_filter")]

    def _feed(self, c: _Choice, name: str, text: str) -> list[bytes]:
        if c.stopped or not text:
            return []
        c.fed.setdefault(name, []).append(text)
        s = self._screener(c, name)
        if s is None:
            c.released += len(text)
            return [self._text(c.index, name, text)]
        upd = s.feed(text)
        if upd.action.rank > self.action.rank:
            self.action = upd.action
        if upd.stopped:
            return self._stop(c, upd.action)
        if upd.release:
            c.released += len(upd.release)
            return [self._text(c.index, name, upd.release)]
        return []

    def on_event(self, event: dict[str, Any]) -> list[bytes]:
        """Client events for one upstream event.

        Raises:
            BadStreamError: the event reports an error or its ``choices`` are malformed.
        """
        if "error" in event:
            raise BadStreamError("the upstream reported an error in the middle of its stream")
        if isinstance(event.get("usage"), dict):
            self._usage = event["usage"]
        choices = event.get("choices")
        if choices is None:
            return []
        if not isinstance(choices, list):
            raise BadStreamError("the upstream sent an event whose choices are not a list")
        out: list[bytes] = []
        for raw in choices:
            if not isinstance(raw, dict) or not isinstance(raw.get("index", 0), int):
                raise BadStreamError("the upstream sent a malformed choice")
            c, started = self._choice(int(raw.get("index", 0)))
            out.extend(started)
            if c.done:
                continue
            if self.kind == "chat":
                delta = raw.get("delta") or {}
                if not isinstance(delta, dict):
                    raise BadStreamError("the upstream sent a malformed delta")
                for name in _CHAT_FIELDS:
                    value = delta.get(name)
                    if isinstance(value, str):
                        out.extend(self._feed(c, name, value))
                for call in delta.get("tool_calls") or ():
                    self._merge_tool_call(c, call)
            else:
                text = raw.get("text")
                if isinstance(text, str):
                    out.extend(self._feed(c, "text", text))
            if isinstance(raw.get("finish_reason"), str):
                c.finish_reason = raw["finish_reason"]
        return out

    @staticmethod
    def _merge_tool_call(c: _Choice, call: Any) -> None:
        if not isinstance(call, dict):
            raise BadStreamError("the upstream sent a malformed tool call")
        slot = c.tool_calls.setdefault(int(call.get("index", 0)), {"function": {}})
        for key in ("id", "type"):
            if isinstance(call.get(key), str):
                slot[key] = call[key]
        fn = call.get("function") or {}
        for key in ("name", "arguments"):
            if isinstance(fn.get(key), str):
                slot["function"][key] = slot["function"].get(key, "") + fn[key]

    def finish(self) -> list[bytes]:
        """Client events at the end of the upstream stream.

        The held tails (screened to the end), tool calls, end labels, each choice's finish and
        the usage.
        """
        out: list[bytes] = []
        for c in sorted(self._choices.values(), key=lambda c: c.index):
            if c.done:
                continue
            out.extend(self._finish_choice(c))
        if self._usage is not None:
            out.append(sse({**self._head, "choices": [], "usage": self._usage}))
        self._record()
        return out

    def _finish_choice(self, c: _Choice) -> Iterator[bytes]:
        for name, s in list(c.screeners.items()):
            upd = s.finish()
            if upd.action.rank > self.action.rank:
                self.action = upd.action
            if upd.stopped:
                yield from self._stop(c, upd.action)
                return
            if upd.release:
                c.released += len(upd.release)
                yield self._text(c.index, name, upd.release)
        if c.tool_calls:
            calls = [c.tool_calls[i] for i in sorted(c.tool_calls)]
            texts = [
                f"{call['function'].get('name', '')}\n{call['function'].get('arguments', '')}"
                for call in calls
            ]
            if self.screen_output:
                verdicts = self.snapshot.screen(texts, Direction.OUTPUT)
                self.trail.screened("output", texts, verdicts)
                worst = max((v.action for v in verdicts), key=lambda a: a.rank)
                if worst.rank >= Action.REFUSE.rank:
                    yield from self._stop(c, worst)
                    return
            delta = [{"index": i, **call} for i, call in enumerate(calls)]
            yield self._event(c.index, {"tool_calls": delta}, None)
        if self.labeler.text_end and c.released:
            yield self._text(
                c.index, "content" if self.kind == "chat" else "text", self.labeler.text_end
            )
        c.done = True
        yield self._event(c.index, None, c.finish_reason or "stop")

    def _record(self) -> None:
        """Put the stream's findings, action and text into the trail."""
        findings = []
        rules: list[str] = []
        texts: list[str] = []
        released = 0
        for c in sorted(self._choices.values(), key=lambda c: c.index):
            released += c.released
            for name, parts in c.fed.items():
                texts.append("".join(parts))
                s = c.screeners.get(name)
                if s is not None:
                    findings.extend(s.findings)
                    decision = s.screener.decide(s.findings, Direction.OUTPUT)
                    rules.extend(decision.rule_ids)
        self.trail.stream_findings(findings, rules)
        if (
            self.action.rank > (self.trail.output_action or Action.ALLOW).rank
            or self.trail.output_action is None
        ):
            self.trail.output_action = self.action
        self.trail.output = "\n".join(texts)
        self.trail.output_pii = None  # offsets of earlier verdicts do not fit this text
        self.trail.released_chars = released

    def abandon(self) -> None:
        """Record what was seen when the stream ends early (error, client gone)."""
        self._record()
