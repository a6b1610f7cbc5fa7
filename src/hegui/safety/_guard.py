"""Parse a guard model's verdict: Qwen3Guard's text form or a JSON object.

Qwen3Guard-Gen answers (QwenLM/Qwen3Guard README, 2025-10 snapshot; ``reference/anchors.md``
§1.5)::

    Safety: Unsafe
    Categories: Violent
    Refusal: No

Its category names are mapped onto GB/T 45654 Appendix A ids below. The mapping is hegui's
judgement (confidence M), not part of either document: Qwen3Guard's categories are broader or
narrower than the appendix's risks, so each maps to the closest one. ``Jailbreak`` is an attack,
not a content risk, and maps to no id (it stays in ``raw_categories``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum

from hegui.errors import GuardParseError

__all__ = ["QWEN3GUARD_CATEGORIES", "GuardOutput", "GuardSafety", "parse_guard_output"]


class GuardSafety(StrEnum):
    """The guard's overall label."""

    SAFE = "safe"
    UNSAFE = "unsafe"
    CONTROVERSIAL = "controversial"


QWEN3GUARD_CATEGORIES: dict[str, tuple[str, ...]] = {
    "violent": ("A.1.f",),  # 宣扬暴力、淫秽色情
    "non-violent illegal acts": ("A.1.h",),  # 其他法律、行政法规禁止的内容
    "sexual content or sexual acts": ("A.1.f",),
    "pii": ("A.4.f",),  # 侵害他人个人信息权益
    "suicide & self-harm": ("A.4.a",),  # 危害他人身心健康
    "unethical acts": ("A.2.i",),  # bias, hate speech, insults: 其他方面歧视内容
    # Qwen3Guard defines it as deliberate false information about government actions, history or
    # public figures: 传播虚假有害信息.
    "politically sensitive topics": ("A.1.g",),
    "copyright violation": ("A.3.a",),  # 侵犯他人知识产权
    "jailbreak": (),
    "none": (),
}


@dataclass(frozen=True, slots=True)
class GuardOutput:
    """A parsed guard verdict."""

    safety: GuardSafety
    categories: tuple[str, ...]
    """GB/T 45654 risk ids the guard's categories map to (deduplicated, in order)."""
    refusal: bool | None
    """Whether the judged answer is a refusal; ``None`` when the guard did not say."""
    raw_categories: tuple[str, ...] = ()
    """The category names as the guard wrote them."""


_LINE = re.compile(r"^\s*(safety|categories|refusal)\s*[:：]\s*(.*?)\s*$", re.I | re.M)
_THINK = re.compile(r"<think>.*?</think>", re.S)
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$")
_YES = {"yes", "true", "1", "是", "refusal", "refused"}
_NO = {"no", "false", "0", "否", "none"}


def _map_category(name: str) -> tuple[str, ...]:
    key = name.strip().strip("\"'").casefold()
    if key in QWEN3GUARD_CATEGORIES:
        return QWEN3GUARD_CATEGORIES[key]
    from hegui.errors import UnknownIdError
    from hegui.kb import load_kb

    try:
        return (load_kb().risk(name.strip()).id,)
    except UnknownIdError:
        return ()


def _refusal(value: object) -> bool | None:
    if isinstance(value, bool):
        return value
    if value is None:
        return None
    text = str(value).strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _build(safety: object, categories: list[str], refusal: object, raw: str) -> GuardOutput:
    try:
        label = GuardSafety(str(safety).strip().casefold())
    except ValueError:
        raise GuardParseError(
            f"guard answer has Safety {safety!r}; expected Safe, Unsafe or Controversial "
            f"(answer starts {raw[:80]!r})"
        ) from None
    names = tuple(c.strip() for c in categories if c.strip())
    ids: list[str] = []
    for name in names:
        for rid in _map_category(name):
            if rid not in ids:
                ids.append(rid)
    return GuardOutput(label, tuple(ids), _refusal(refusal), names)


def _split_categories(value: str) -> list[str]:
    # Names contain "&" and "or" but never commas, so commas (ASCII or Chinese) separate them.
    return [part for part in re.split(r"[,，;；]", value) if part.strip()]


def parse_guard_output(text: str) -> GuardOutput:
    """Parse a guard answer in the Qwen3Guard text form or as JSON.

    Raises:
        GuardParseError: the answer has no recognizable ``Safety`` label.
    """
    body = _THINK.sub("", text).strip()
    stripped = _FENCE.sub("", body).strip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise GuardParseError(f"guard answer is not valid JSON: {exc.msg}") from None
        if not isinstance(obj, dict):
            raise GuardParseError("guard answer JSON must be an object")
        low = {str(k).casefold(): v for k, v in obj.items()}
        cats = low.get("categories", low.get("category", []))
        if isinstance(cats, str):
            cats = _split_categories(cats)
        if not isinstance(cats, list):
            raise GuardParseError("guard answer `categories` must be a list or a string")
        return _build(low.get("safety"), [str(c) for c in cats], low.get("refusal"), text)
    fields: dict[str, str] = {}
    for match in _LINE.finditer(body):
        fields.setdefault(match.group(1).casefold(), match.group(2))
    if "safety" not in fields:
        raise GuardParseError(
            f"guard answer has no `Safety:` line and is not JSON (starts {text[:80]!r})"
        )
    return _build(
        fields["safety"],
        _split_categories(fields.get("categories", "")),
        fields.get("refusal"),
        text,
    )
