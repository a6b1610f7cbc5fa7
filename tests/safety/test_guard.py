from __future__ import annotations

import pytest

from hegui.errors import GuardParseError
from hegui.safety import GuardSafety, parse_guard_output


@pytest.mark.parametrize(
    ("text", "safety", "categories", "refusal"),
    [
        ("Safety: Unsafe\nCategories: Violent", "unsafe", ("A.1.f",), None),
        ("Safety: Safe\nCategories: None\nRefusal: Yes", "safe", (), True),
        (
            "Safety: Unsafe\nCategories: Suicide & Self-Harm, Non-violent Illegal Acts\n"
            "Refusal: No",
            "unsafe",
            ("A.4.a", "A.1.h"),
            False,
        ),
        (
            "Safety: Controversial\nCategories: Politically Sensitive Topics",
            "controversial",
            ("A.1.g",),
            None,
        ),
        ("Safety: Unsafe\nCategories: Jailbreak", "unsafe", (), None),
        (
            "<think>hmm</think>\nSafety: Unsafe\nCategories: A.1.d, 宣扬民族仇恨",
            "unsafe",
            ("A.1.d", "A.1.e"),
            None,
        ),
        (
            '{"safety": "unsafe", "categories": ["PII", "A.4.e"], "refusal": false}',
            "unsafe",
            ("A.4.f", "A.4.e"),
            False,
        ),
        (
            '```json\n{"Safety": "Safe", "Categories": "None", "Refusal": "yes"}\n```',
            "safe",
            (),
            True,
        ),
        ("safety：unsafe\ncategories：Copyright Violation", "unsafe", ("A.3.a",), None),
    ],
)
def test_parse_guard_output(
    text: str, safety: str, categories: tuple[str, ...], refusal: bool | None
) -> None:
    out = parse_guard_output(text)
    assert out.safety is GuardSafety(safety)
    assert out.categories == categories
    assert out.refusal is refusal


@pytest.mark.parametrize("text", ["I cannot help", "Safety: maybe", '{"safety": 1', "[1, 2]"])
def test_unparseable_answers_raise(text: str) -> None:
    with pytest.raises(GuardParseError):
        parse_guard_output(text)


def test_raw_category_names_are_kept() -> None:
    out = parse_guard_output("Safety: Unsafe\nCategories: Jailbreak, Violent")
    assert out.raw_categories == ("Jailbreak", "Violent")
