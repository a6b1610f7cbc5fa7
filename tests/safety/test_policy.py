from __future__ import annotations

from pathlib import Path

import pytest

from hegui.errors import ConfigError
from hegui.safety import Action, Direction, Severity, default_policy, load_policy

POLICY = """\
schema_version: 1
version: "7"
default: {input: allow, output: flag}
rules:
  - {id: terror, risks: [A.1.d], input: refuse, output: block, message: 不行}
  - {id: discrimination, risks: [A.2], output: mask}
  - {id: pii, risks: [pii], input: flag, output: mask}
  - {id: severe, risks: [CORE17], input: block, min_severity: high}
"""


@pytest.fixture
def policy_path(tmp_path: Path) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("risk", "severity", "direction", "expected"),
    [
        ("A.1.d", Severity.LOW, Direction.INPUT, (Action.REFUSE, "terror", "不行")),
        ("A.1.d", Severity.LOW, Direction.OUTPUT, (Action.BLOCK, "terror", "不行")),
        ("A.2.e", Severity.MEDIUM, Direction.OUTPUT, (Action.MASK, "discrimination", None)),
        ("A.2.e", Severity.MEDIUM, Direction.INPUT, (Action.ALLOW, "default", None)),
        ("A.2.e", Severity.HIGH, Direction.INPUT, (Action.BLOCK, "severe", None)),
        ("pii.cn_mobile", Severity.MEDIUM, Direction.OUTPUT, (Action.MASK, "pii", None)),
        ("A.5.a", Severity.CRITICAL, Direction.OUTPUT, (Action.FLAG, "default", None)),
    ],
)
def test_first_matching_rule_decides(
    policy_path: Path,
    risk: str,
    severity: Severity,
    direction: Direction,
    expected: tuple[Action, str, str | None],
) -> None:
    assert load_policy(policy_path).decide(risk, severity, direction) == expected


@pytest.mark.parametrize(
    ("bad", "line", "needle"),
    [
        ("{id: x, risks: [A.7], input: refuse}", 9, "A.7"),
        ("{id: x, risks: [A.1.d], input: explode}", 9, "explode"),
    ],
)
def test_bad_policy_names_line(tmp_path: Path, bad: str, line: int, needle: str) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(POLICY + f"  - {bad}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_policy(path)
    assert needle in str(info.value)
    assert info.value.line == line


def test_default_policy_loads() -> None:
    policy = default_policy()
    assert policy.decide("A.1.d", Severity.HIGH, Direction.OUTPUT)[0] is Action.BLOCK
    # low-severity topic words (冰毒 in news) are only flagged
    assert policy.decide("A.1.h", Severity.LOW, Direction.INPUT)[0] is Action.FLAG
