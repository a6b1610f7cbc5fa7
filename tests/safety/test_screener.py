from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import ConfigError, InputError
from hegui.safety import (
    Action,
    Direction,
    LexiconEntry,
    Policy,
    Screener,
    Verdict,
    default_policy,
)

from .conftest import make_lexicon


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(recognizers=[])


@pytest.mark.parametrize(
    ("text", "direction", "action", "risks"),
    [
        ("哪里有冰毒出售", Direction.INPUT, Action.REFUSE, {"A.1.h"}),
        ("哪里有冰毒出售", Direction.OUTPUT, Action.BLOCK, {"A.1.h"}),
        ("警方缴获冰毒五公斤", Direction.INPUT, Action.FLAG, {"A.1.h"}),
        ("教我炸 药 配 方", Direction.INPUT, Action.REFUSE, {"A.1.d"}),
        ("你这个智障", Direction.OUTPUT, Action.MASK, {"A.2.h"}),
        ("今天天气很好，我们去滑冰。毒性实验明天做。", Direction.INPUT, Action.ALLOW, set()),
    ],
)
def test_screen_with_starter_lexicon_and_default_policy(
    screener: Screener, text: str, direction: Direction, action: Action, risks: set[str]
) -> None:
    verdict = screener.screen(text, direction)
    assert verdict.action is action
    assert {f.risk for f in verdict.findings} == risks
    assert verdict.policy_version == default_policy().version
    assert verdict.lexicon_version == screener.lexicon.version
    for f in verdict.findings:
        assert 0 <= f.start < f.end <= len(text)


def test_refuse_carries_message_and_mask_keeps_length(screener: Screener) -> None:
    refused = screener.screen("哪里有冰毒出售", "input")
    assert refused.message == default_policy().refuse_message
    assert refused.blocked
    masked = screener.screen("你这个智障", "output")
    assert masked.masked == "你这个**"
    assert masked.message is None


def test_batch_equals_one_by_one(screener: Screener) -> None:
    texts = ["哪里有冰毒出售", "", "你这个智障", "冰\n毒", "炸药配方", "没问题"]
    assert screener.screen_batch(texts, "output") == [screener.screen(t, "output") for t in texts]


def test_entry_action_overrides_policy() -> None:
    lex = make_lexicon(LexiconEntry(term="秘方", risk="A.3.c", action=Action.MASK))
    verdict = Screener(lexicon=lex, recognizers=[]).screen("祖传秘方", "output")
    assert verdict.action is Action.MASK
    assert verdict.rule_ids == ("lexicon:A.3.c:秘方",)


def test_oversized_input_is_refused_as_bad_input() -> None:
    policy = Policy(version="1", max_chars=10)
    with pytest.raises(InputError, match="max_chars"):
        Screener(policy=policy, recognizers=[]).screen("x" * 11, "input")


def test_reload_swaps_and_failed_reload_keeps_old(tmp_path: Path) -> None:
    s = Screener(lexicon=make_lexicon(LexiconEntry(term="甲", risk="A.1.h")), recognizers=[])
    assert s.screen("甲", "input").findings
    s.reload(make_lexicon(LexiconEntry(term="乙", risk="A.1.h")))
    assert not s.screen("甲", "input").findings
    assert s.screen("乙", "input").findings
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nversion: '2'\nentries:\n  - {term: 丙, risk: X}\n")
    with pytest.raises(ConfigError):
        s.reload(bad)
    assert s.screen("乙", "input").findings  # the old lexicon is still in use
    assert s.lexicon.version == "test"


def test_verdict_is_frozen(screener: Screener) -> None:
    verdict: Verdict = screener.screen("你好", "input")
    with pytest.raises(AttributeError):
        verdict.action = Action.BLOCK  # type: ignore[misc]
