"""The Screener: normalize → match → recognize → classify → decide, one text or a batch.

Reload builds a complete new engine (matcher included) before swapping one reference, so a
screen in flight finishes on the engine it started with and a failed reload changes nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from hegui.errors import HeguiError, InputError
from hegui.safety._lexicon import Lexicon, LexiconEntry, load_lexicon
from hegui.safety._masking import apply_mask
from hegui.safety._matcher import Matcher
from hegui.safety._plugins import Classifier, Recognizer
from hegui.safety._policy import FailMode, Policy, default_policy
from hegui.safety._types import Action, Direction, Finding, Verdict

__all__ = ["Screener", "starter_lexicon"]


@functools.cache
def _starter() -> Lexicon:
    from hegui._yaml import parse_yaml, validate_document

    text = resources.files("hegui.safety").joinpath("data/starter.yaml").read_text("utf-8")
    return validate_document(parse_yaml(text, Path("starter.yaml")), Lexicon)


def starter_lexicon() -> Lexicon:
    """The starter lexicon shipped with hegui: universal harms only (see DESIGN.md).

    Violence and terror instructions, sexual content involving minors, weapons, drugs,
    gambling, fraud, self-harm, slurs and personal-information trading, each mapped to a
    GB/T 45654 risk id. It is far below the standard's coverage figures on purpose: the
    categories that need policy judgement come from the provider's own lists.
    """
    return _starter()


@dataclass(frozen=True, slots=True)
class _Engine:
    matcher: Matcher
    entries: dict[str, LexiconEntry]


class Screener:
    """Screens texts against a lexicon, recognizers and classifiers under a policy.

    Args:
        lexicon: A :class:`Lexicon`, a path to one, or ``None`` for the starter lexicon.
        policy: A :class:`Policy`, or ``None`` for :func:`default_policy`.
        recognizers: Recognizers to run; ``None`` runs every built-in PII recognizer.
        classifiers: Classifiers to run after the lexicon and recognizers.
    """

    def __init__(
        self,
        lexicon: Lexicon | Path | str | None = None,
        policy: Policy | None = None,
        recognizers: Sequence[Recognizer] | None = None,
        classifiers: Sequence[Classifier] = (),
    ) -> None:
        self.policy = policy or default_policy()
        if recognizers is None:
            from hegui.safety._plugins import recognizers as builtin

            recognizers = builtin()
        self.recognizers: tuple[Recognizer, ...] = tuple(recognizers)
        self.classifiers: tuple[Classifier, ...] = tuple(classifiers)
        self._engine = self._build(lexicon)

    @staticmethod
    def _build(lexicon: Lexicon | Path | str | None) -> _Engine:
        if lexicon is None:
            lexicon = starter_lexicon()
        elif not isinstance(lexicon, Lexicon):
            lexicon = load_lexicon(lexicon)
        matcher = Matcher(lexicon)
        return _Engine(matcher=matcher, entries={e.key: e for e in lexicon.entries})

    @property
    def matcher(self) -> Matcher:
        """The matcher in use."""
        return self._engine.matcher

    @property
    def lexicon(self) -> Lexicon:
        """The lexicon in use."""
        return self._engine.matcher.lexicon

    def reload(self, lexicon: Lexicon | Path | str) -> None:
        """Swap in a new lexicon atomically; on any error the old one stays in use.

        Raises:
            HeguiError: the new lexicon failed to load or compile (nothing changed).
        """
        self._engine = self._build(lexicon)

    def _check_size(self, text: str) -> None:
        if len(text) > self.policy.max_chars:
            raise InputError(
                f"text of {len(text):,} characters exceeds the policy's max_chars "
                f"({self.policy.max_chars:,}); fix: raise `max_chars` in the policy or use "
                "StreamScreener for long texts"
            )

    def screen(self, text: str, direction: Direction | str) -> Verdict:
        """Screen one text.

        Raises:
            InputError: the text is longer than the policy's ``max_chars``.
        """
        self._check_size(text)
        engine = self._engine
        return self._verdict(text, Direction(direction), engine, engine.matcher.find(text))

    def screen_batch(self, texts: Sequence[str], direction: Direction | str) -> list[Verdict]:
        """Screen many texts; the lexicon runs once over all of them (joined at line breaks).

        Raises:
            InputError: a text is longer than the policy's ``max_chars``.
        """
        direction = Direction(direction)
        for text in texts:
            self._check_size(text)
        engine = self._engine
        if not texts:
            return []
        joined = "\n".join(texts)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        starts = np.cumsum(lengths) - lengths
        per_text: list[list[Finding]] = [[] for _ in texts]
        matcher = engine.matcher
        findings = matcher.find(joined)
        if findings:
            which = np.searchsorted(starts, [f.start for f in findings], side="right") - 1
            for f, i in zip(findings, which.tolist(), strict=True):
                base = int(starts[i])
                if f.end - base <= len(texts[i]):
                    per_text[i].append(shift(f, -base))
        return [
            self._verdict(t, direction, engine, fs) for t, fs in zip(texts, per_text, strict=True)
        ]

    def decide(
        self, findings: Sequence[Finding], direction: Direction, engine: _Engine | None = None
    ) -> Decision:
        """Apply the policy (and lexicon entries' own actions) to ``findings``."""
        policy = self.policy
        entries = (engine or self._engine).entries
        action = Action.ALLOW
        rule_ids: list[str] = []
        message: str | None = None
        to_mask: list[Finding] = []
        for f in findings:
            act, rule_id, msg = policy.decide(f.risk, f.severity, direction)
            entry = entries.get(f.entry_id) if f.entry_id else None
            if entry is not None and entry.action is not None:
                act, rule_id = entry.action, f"lexicon:{entry.key}"
            if rule_id not in rule_ids:
                rule_ids.append(rule_id)
            if act is Action.MASK:
                to_mask.append(f)
            if act is Action.REFUSE and message is None:
                message = msg or policy.refuse_message
            if act.rank > action.rank:
                action = act
        return Decision(action, tuple(rule_ids), message, to_mask)

    def _verdict(
        self, text: str, direction: Direction, engine: _Engine, lexical: list[Finding]
    ) -> Verdict:
        policy = self.policy
        findings = list(lexical)
        for rec in self.recognizers:
            findings.extend(rec.analyze(text))
        errors: list[str] = []
        for clf in self.classifiers:
            try:
                results = clf.classify(text, direction)
            except HeguiError as exc:
                errors.append(f"{clf.id}: {exc}")
                continue
            findings.extend(
                f for f in results if f.score is None or f.score >= policy.classifiers.min_score
            )
        findings = [f for f in findings if f.severity.rank >= policy.min_severity.rank]
        findings.sort(key=lambda f: (f.start, f.end, f.risk))
        decision = self.decide(findings, direction, engine)
        action, rule_ids, message = decision.action, list(decision.rule_ids), decision.message
        to_mask = decision.to_mask
        if errors and policy.classifiers.on_error is FailMode.CLOSED:
            closed = Action.REFUSE if direction is Direction.INPUT else Action.BLOCK
            rule_ids.append("classifier-error:fail-closed")
            if closed.rank > action.rank:
                action = closed
        if action is Action.REFUSE and message is None:
            message = policy.refuse_message
        masked = apply_mask(text, to_mask, policy.mask_operator) if action is Action.MASK else None
        return Verdict(
            action=action,
            findings=tuple(findings),
            rule_ids=tuple(rule_ids),
            policy_version=policy.version,
            lexicon_version=engine.matcher.version,
            message=message if action is Action.REFUSE else None,
            masked=masked,
            errors=tuple(errors),
        )


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's decision over a set of findings."""

    action: Action
    rule_ids: tuple[str, ...]
    message: str | None
    to_mask: list[Finding]


def shift(f: Finding, delta: int) -> Finding:
    """``f`` with its span moved by ``delta``."""
    return Finding(
        start=f.start + delta,
        end=f.end + delta,
        risk=f.risk,
        term=f.term,
        source=f.source,
        score=f.score,
        severity=f.severity,
        variant=f.variant,
        entry_id=f.entry_id,
    )
