"""Over any chunking of any upstream stream: no blocked character reaches the client.

The stream pipeline and the SSE reader are driven exactly as the server drives them (bytes in,
client events out), with the real Screener on the starter lexicon and the default policy.
"""

from __future__ import annotations

import json
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hegui.gateway._labels import Labeler
from hegui.gateway._screening import Screening, Snapshot
from hegui.gateway._settings import Labeling
from hegui.gateway._sse import DONE, BadStreamError, SseReader
from hegui.gateway._stream import StreamPipeline
from hegui.gateway._trail import Trail

BLOCKED = ("自制炸药", "炸药配方", "制造炸弹")
BENIGN = "今天天气很好我们去公园散步吧。春天花开，鸟儿在唱歌！The quick brown fox 123，"


@cache
def snapshot() -> Snapshot:
    return Screening(None, None).current


def _upstream_bytes(pieces: list[str]) -> bytes:
    events = [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]}]
    events += [{"choices": [{"index": 0, "delta": {"content": p}}]} for p in pieces]
    events.append({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    out = b"".join(b"data: " + json.dumps(e, ensure_ascii=False).encode() + b"\n\n" for e in events)
    return out + b"data: [DONE]\n\n"


def _split(data: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(data) + 1) for c in cuts})
    chunks, last = [], 0
    for p in points:
        chunks.append(data[last:p])
        last = p
    chunks.append(data[last:])
    return chunks


def _drive(chunks: list[bytes], labeling: Labeling | None = None) -> tuple[str, list[dict], bool]:
    """Released text, client events, and whether the pipeline stopped the stream."""
    trail = Trail("/v1/chat/completions")
    labeler = Labeler(labeling or Labeling(implicit=False))
    pipe = StreamPipeline(snapshot(), labeler, "chat", trail.id, "m", 0, trail)
    reader = SseReader()
    out: list[bytes] = []
    done = False
    for chunk in chunks:
        for event in reader.feed(chunk):
            if event is DONE:
                done = True
                break
            assert isinstance(event, dict)
            out.extend(pipe.on_event(event))
        if done or pipe.stopped:
            break
    if not done and not pipe.stopped:
        for event in reader.close():
            if isinstance(event, dict):
                out.extend(pipe.on_event(event))
    out.extend(pipe.finish())
    events = []
    for raw in out:
        assert raw.startswith(b"data: ") and raw.endswith(b"\n\n")
        events.append(json.loads(raw[6:]))
    text = "".join(e["choices"][0]["delta"].get("content", "") for e in events if e["choices"])
    return text, events, pipe.stopped


texts = st.text(alphabet=st.sampled_from(BENIGN), min_size=0, max_size=400)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    before=texts,
    term=st.sampled_from(BLOCKED),
    after=texts,
    piece_cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=40),
    byte_cuts=st.lists(st.integers(min_value=0, max_value=20000), max_size=60),
)
def test_no_blocked_character_reaches_the_client(
    before: str, term: str, after: str, piece_cuts: list[int], byte_cuts: list[int]
) -> None:
    text = before + term + after
    points = sorted({c % (len(text) + 1) for c in piece_cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    released, events, _ = _drive(_split(_upstream_bytes(pieces), byte_cuts))
    assert text.startswith(released)
    assert len(released) <= len(before), "a character of the blocked term was released"
    finishes = [c["finish_reason"] for e in events for c in e["choices"] if c["finish_reason"]]
    assert finishes == ["content_filter"]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=texts,
    piece_cuts=st.lists(st.integers(min_value=0, max_value=2000), max_size=40),
    byte_cuts=st.lists(st.integers(min_value=0, max_value=20000), max_size=60),
)
def test_a_clean_stream_is_released_whole_in_order(
    text: str, piece_cuts: list[int], byte_cuts: list[int]
) -> None:
    points = sorted({c % (len(text) + 1) for c in piece_cuts})
    pieces = [text[a:b] for a, b in zip([0, *points], [*points, len(text)], strict=True)]
    labeling = Labeling(implicit=False, text={"explicit": "both"})  # type: ignore[arg-type]
    released, events, stopped = _drive(_split(_upstream_bytes(pieces), byte_cuts), labeling)
    assert not stopped
    wording = "本内容由人工智能生成"
    if text:
        assert released == f"{wording}\n\n{text}\n\n{wording}"
    else:
        assert released == f"{wording}\n\n"
    assert events[-1]["choices"][0]["finish_reason"] == "stop"


@settings(max_examples=100, deadline=None)
@given(
    prefix=st.binary(max_size=200),
    cuts=st.lists(st.integers(min_value=0, max_value=400), max_size=20),
)
def test_invalid_utf8_anywhere_is_a_fault_not_text(prefix: bytes, cuts: list[int]) -> None:
    data = _upstream_bytes(["你好"]).replace("你好".encode(), "你好".encode() + b"\xff" + prefix)
    reader = SseReader()
    try:
        for chunk in _split(data, cuts):
            reader.feed(chunk)
        reader.close()
    except BadStreamError as exc:
        assert "UTF-8" in str(exc) or "JSON" in str(exc) or "malformed" in str(exc)
    else:
        raise AssertionError("invalid UTF-8 was accepted")


def test_a_character_split_across_reads_is_decoded_whole() -> None:
    data = _upstream_bytes(["汉字"])
    at = data.index("字".encode()) + 1
    reader = SseReader()
    events = reader.feed(data[:at]) + reader.feed(data[at:])
    contents = [e["choices"][0]["delta"].get("content") for e in events if e is not DONE]
    assert "汉字" in contents
