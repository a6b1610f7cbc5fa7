from __future__ import annotations

import itertools

import pytest

from hegui.safety import Action, LexiconEntry, Screener, StreamScreener

from .conftest import make_lexicon

TEXT = "前文很长很长。冰毒出售就在这里，后文"
TERM_START = TEXT.index("冰毒出售")


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(
        lexicon=make_lexicon(
            LexiconEntry(term="冰毒出售", risk="A.1.h", severity="high"),
            LexiconEntry(term="智障", risk="A.2.h"),
        ),
        recognizers=[],
    )


def _run(screener: Screener, chunks: list[str]) -> tuple[str, StreamScreener, bool]:
    stream = StreamScreener(screener)
    released = []
    stopped = False
    for chunk in chunks:
        update = stream.feed(chunk)
        released.append(update.release)
        stopped = update.stopped
        if stopped:
            break
    if not stopped:
        update = stream.finish()
        released.append(update.release)
        stopped = update.stopped
    return "".join(released), stream, stopped


def test_term_split_at_every_pair_of_boundaries_is_caught(screener: Screener) -> None:
    n = len(TEXT)
    for i, j in itertools.combinations(range(1, n), 2):
        chunks = [TEXT[:i], TEXT[i:j], TEXT[j:]]
        released, stream, stopped = _run(screener, chunks)
        assert stopped, (i, j)
        hits = [(f.start, f.end) for f in stream.findings]
        assert hits == [(TERM_START, TERM_START + 4)], (i, j)
        # nothing of the term, nor anything after it, was released
        assert TEXT.startswith(released) and len(released) <= TERM_START, (i, j)


def test_interference_split_across_chunks(screener: Screener) -> None:
    released, stream, stopped = _run(screener, ["好的，冰", " * 毒", "出", "售。"])
    assert stopped and released == "好的，"[: len(released)]
    assert [f.variant for f in stream.findings] == ["normalized"]


def test_mask_is_applied_to_released_text(screener: Screener) -> None:
    text = "你这个智障，真是的，再说一遍你这个智障。"
    for size in (1, 2, 3, 7):
        chunks = [text[k : k + size] for k in range(0, len(text), size)]
        released, stream, stopped = _run(screener, chunks)
        assert not stopped
        assert released == text.replace("智障", "**")
        assert stream.screener.policy is screener.policy


def test_clean_stream_is_released_whole_with_bounded_holdback(screener: Screener) -> None:
    stream = StreamScreener(screener)
    text = "这是一个正常的回答。" * 50
    out = []
    for ch in text:
        update = stream.feed(ch)
        out.append(update.release)
        assert len(stream._state.buf) <= stream.max_holdback
    out.append(stream.finish().release)
    assert "".join(out) == text


def test_nothing_is_released_after_stop(screener: Screener) -> None:
    stream = StreamScreener(screener)
    assert stream.feed("冰毒出售").stopped
    later = stream.feed("更多的文字")
    assert later.release == "" and later.stopped and later.action is Action.BLOCK
    assert stream.finish().release == ""
