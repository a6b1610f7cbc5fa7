"""Streaming screener for model output: feed chunks, release what is safe, stop on a block.

The screener keeps an unreleased tail of the stream. Each :meth:`StreamScreener.feed` scans
tail + chunk once and then releases everything except what a match still in progress could
need: the last ``longest pattern`` normalized characters (a term can only complete inside them)
and the last ``max_span`` characters for recognizers. The tail is capped at ``max_holdback``
original characters, so the work per chunk is O(chunk + longest term) and nothing before the
tail is ever scanned again. The price of the cap: a term stretched by more interference
characters than the cap allows is not caught in a stream (it still is by ``Screener.screen``).

A match is decided as soon as its last character arrives. On ``refuse`` or ``block`` the stream
stops: the held tail (which holds the match) and everything fed afterwards is never released.
``mask`` findings are masked in the released text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from hegui.safety._masking import apply_mask
from hegui.safety._screener import Screener, shift
from hegui.safety._types import Action, Direction, Finding

__all__ = ["StreamScreener", "StreamUpdate"]


@dataclass(frozen=True, slots=True)
class StreamUpdate:
    """What one :meth:`StreamScreener.feed` (or ``finish``) decided."""

    release: str
    """Text that may be sent to the client now (masked where the policy says mask)."""
    findings: tuple[Finding, ...]
    """New findings, with offsets into the whole stream."""
    action: Action
    """The heaviest action so far."""
    stopped: bool
    """``refuse`` or ``block`` was decided: nothing more will be released."""
    message: str | None = None
    """The refusal message, once ``refuse`` is decided."""


@dataclass
class _State:
    buf: str = ""
    base: int = 0
    reported: set[tuple[int, int, str, str]] = field(default_factory=set)
    masks: list[Finding] = field(default_factory=list)
    action: Action = Action.ALLOW
    message: str | None = None
    stopped: bool = False
    findings: list[Finding] = field(default_factory=list)


class StreamScreener:
    """Screens one output stream chunk by chunk with a :class:`Screener`'s lexicon and policy.

    Args:
        screener: Supplies the matcher, recognizers and policy (classifiers are not run on
            partial text; run them on the finished answer).
        direction: Usually ``output``.
        max_holdback: Cap on the unreleased tail in characters; by default four times the
            longest pattern plus the longest recognizer span.
    """

    def __init__(
        self,
        screener: Screener,
        direction: Direction | str = Direction.OUTPUT,
        max_holdback: int | None = None,
    ) -> None:
        self.screener = screener
        self.direction = Direction(direction)
        self._engine = screener._engine  # one engine for the whole stream, even across reloads
        self._rec_span = max((r.max_span for r in screener.recognizers), default=0)
        longest = self._engine.matcher.longest
        self.max_holdback = max_holdback or 4 * longest + self._rec_span + 16
        self._state = _State()

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every finding so far."""
        return tuple(self._state.findings)

    def feed(self, chunk: str) -> StreamUpdate:
        """Add ``chunk`` to the stream; returns what can be released now."""
        return self._step(chunk, final=False)

    def finish(self) -> StreamUpdate:
        """End of stream: decide on the held tail and release it if allowed."""
        return self._step("", final=True)

    def _step(self, chunk: str, *, final: bool) -> StreamUpdate:
        st = self._state
        if st.stopped:
            return StreamUpdate("", (), st.action, True, st.message)
        st.buf += chunk
        buf = st.buf
        matcher = self._engine.matcher
        norm = matcher.normalizer(buf)
        found = matcher.find_normalized(buf, norm, open_end=not final)
        for rec in self.screener.recognizers:
            found.extend(f for f in rec.analyze(buf) if final or f.end < len(buf))
        policy = self.screener.policy
        new: list[Finding] = []
        for f in found:
            if f.severity.rank < policy.min_severity.rank:
                continue
            g = shift(f, st.base)
            key = (g.start, g.end, g.risk, g.entry_id or g.source)
            if key not in st.reported:
                st.reported.add(key)
                new.append(g)
        decision = self.screener.decide(new, self.direction, self._engine)
        st.masks.extend(decision.to_mask)
        st.findings.extend(new)
        if decision.action.rank > st.action.rank:
            st.action = decision.action
        if decision.message and st.message is None:
            st.message = decision.message
        if st.action.rank >= Action.REFUSE.rank:
            st.stopped = True
            st.buf = ""
            return StreamUpdate("", tuple(new), st.action, True, st.message)
        cut = len(buf)
        if not final:
            keep = matcher.longest
            if len(norm.chars) > keep:
                cut = int(norm.pos[len(norm.chars) - keep]) if keep else len(buf)
            elif len(norm.chars):
                cut = int(norm.pos[0])
            cut = min(cut, len(buf) - self._rec_span)
            cut = max(cut, len(buf) - self.max_holdback, 0)
            for m in st.masks:  # never cut through a span that must be masked
                if m.start - st.base < cut < m.end - st.base:
                    cut = m.start - st.base
        released = buf[:cut]
        end = st.base + cut
        inside = [m for m in st.masks if m.end <= end]
        if inside:
            released = apply_mask(
                released, [shift(m, -st.base) for m in inside], policy.mask_operator
            )
            st.masks = [m for m in st.masks if m.end > end]
        st.buf = buf[cut:]
        st.base = end
        st.reported = {k for k in st.reported if k[0] >= end}
        return StreamUpdate(released, tuple(new), st.action, False, st.message)
