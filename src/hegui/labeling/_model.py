"""The GB 45438-2025 implicit label: the ``AIGC`` object of Appendix E.

Sources (``/work/shared/reference/standards.md`` §2.3): the seven elements and their order,
Appendix E c)–i) (grade B); the j) character set (grade B); Note 1, the first-write rule (grade B).
Confidence mark of everything here: S (verbatim in secondary sources quoting the standard).
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = [
    "CHARSET_PATTERN",
    "FIELD_ORDER",
    "AigcLabel",
    "LabelValue",
    "charset_problem",
    "charset_violations",
]

FIELD_ORDER: Final = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
"""Appendix E: the seven elements, in the order the JSON object must list them."""

CHARSET_PATTERN: Final = re.compile(r"[\x21\x23-\x5B\x5D-\x7E]*")
"""Appendix E j): GB18030-2022 code points 0x21, 0x23–0x5B, 0x5D–0x7E.

Printable ASCII without space, ``"`` and ``\\``. The clause says values "应主要由" (should mainly
consist of) these characters; hegui writes only these and reports anything else on read.
"""


def charset_violations(value: str) -> list[str]:
    """The distinct characters of ``value`` outside the j) character set, in order of appearance."""
    seen: list[str] = []
    for ch in value:
        if not CHARSET_PATTERN.fullmatch(ch) and ch not in seen:
            seen.append(ch)
    return seen


_NAMED: Final = {" ": "space", '"': "double quote", "\\": "backslash"}


def charset_problem(name: str, value: str) -> str | None:
    """The j) non-conformity of one element, shown for people, or None.

    A value with Chinese (or other non-ASCII) text is shown as text with a count, not character
    by character; the ASCII characters the set excludes are named.
    """
    bad = charset_violations(value)
    if not bad:
        return None
    wide = [c for c in bad if ord(c) > 0x7E]
    narrow = [c for c in bad if ord(c) <= 0x7E]
    parts = []
    if wide:
        count = sum(1 for c in value if ord(c) > 0x7E)
        kind = "Chinese text" if any("\u4e00" <= c <= "\u9fff" for c in wide) else "non-ASCII text"
        parts.append(f"{count} characters of {kind}")
    for c in narrow:
        parts.append(_NAMED.get(c, f"U+{ord(c):04X}"))
    return (
        f"{name} is {value!r}, which contains {', '.join(parts)}: outside the Appendix E j) "
        "character set (printable ASCII without space, '\"' and '\\'); use a provider code, "
        "not a name"
    )


class LabelValue(StrEnum):
    """Appendix E c) 生成合成标签要素: how sure the writer is that the content is generated."""

    GENERATED = "1"
    """属于人工智能生成合成内容: written by the producer (Measures Art. 5) or a platform that
    found a producer label (Art. 6 (一))."""
    POSSIBLE = "2"
    """可能为人工智能生成合成内容: a platform, after the uploader declared it (Art. 6 (二))."""
    SUSPECTED = "3"
    """疑似为人工智能生成合成内容: a platform, after detecting traces (Art. 6 (三))."""


class AigcLabel(BaseModel):
    """A conforming ``AIGC`` object; constructing one enforces the j) character set.

    Field names follow Python style; :meth:`to_json` and :meth:`from_fields` use the standard's
    names. Provider-code structure is checked separately
    (:func:`hegui.labeling.check_provider_code`) because Appendix E d) also allows a name.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    label: LabelValue = Field(alias="Label")
    content_producer: str = Field(alias="ContentProducer", min_length=1)
    """d) name or code of the generation service provider."""
    produce_id: str = Field(alias="ProduceID", min_length=1)
    """e) the producer's unique id of this content."""
    reserved_code1: str = Field("", alias="ReservedCode1")
    """f) the producer's integrity information (see :mod:`hegui.labeling._integrity`)."""
    content_propagator: str = Field(alias="ContentPropagator", min_length=1)
    """g) name or code of the distribution platform."""
    propagate_id: str = Field(alias="PropagateID", min_length=1)
    """h) the platform's unique id of this content."""
    reserved_code2: str = Field("", alias="ReservedCode2")
    """i) the platform's integrity information."""

    @field_validator(
        "content_producer",
        "produce_id",
        "reserved_code1",
        "content_propagator",
        "propagate_id",
        "reserved_code2",
    )
    @classmethod
    def _charset(cls, value: str) -> str:
        problem = charset_problem("the value", value)
        if problem:
            raise ValueError(problem)
        return value

    @classmethod
    def first_write(
        cls,
        producer: str,
        produce_id: str,
        *,
        label: LabelValue = LabelValue.GENERATED,
        reserved_code1: str = "",
    ) -> AigcLabel:
        """A label as its first writer makes it.

        Appendix E Note 1 wants the propagation elements equal to the production elements on the
        first write.
        """
        return cls(
            label=label,
            content_producer=producer,
            produce_id=produce_id,
            reserved_code1=reserved_code1,
            content_propagator=producer,
            propagate_id=produce_id,
            reserved_code2="",
        )

    def fields(self) -> dict[str, str]:
        """The seven elements under the standard's names, in Appendix E order."""
        return {
            "Label": self.label.value,
            "ContentProducer": self.content_producer,
            "ProduceID": self.produce_id,
            "ReservedCode1": self.reserved_code1,
            "ContentPropagator": self.content_propagator,
            "PropagateID": self.propagate_id,
            "ReservedCode2": self.reserved_code2,
        }

    @classmethod
    def from_fields(cls, fields: dict[str, str]) -> AigcLabel:
        """Build from the standard's names (raises ``pydantic.ValidationError`` if invalid)."""
        return cls.model_validate(fields)

    def to_json(self) -> str:
        """The carrier value: compact JSON, fields in order, plain (not Base64, per TC260 guides).

        Every value is in the j) set, so no JSON escapes are ever needed.
        """
        return json.dumps(self.fields(), ensure_ascii=True, separators=(",", ":"))

    def to_wrapped_json(self) -> str:
        """``{"AIGC":{…}}``: the form for carriers with no key slot (EXIF UserComment, PNG tEXt)."""
        return '{"AIGC":' + self.to_json() + "}"
