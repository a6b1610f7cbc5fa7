"""What a reader found in a file: raw carrier values, interpreted labels, per-file reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Final

from pydantic import BaseModel, ConfigDict, ValidationError

from hegui.labeling._model import FIELD_ORDER, AigcLabel

__all__ = ["FileReport", "FoundLabel", "LabelForm", "RawLabel", "decode_value"]

_SHOWN_BYTES: Final = 8


def decode_value(data: bytes, what: str = "the value") -> tuple[str, tuple[str, ...]]:
    """``data`` as UTF-8; malformed bytes are reported with their offset, never shown as U+FFFD.

    Returns:
        The text (malformed bytes written as backslash escapes) and the problems found.
    """
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError as exc:
        bad = data[exc.start : min(exc.end, exc.start + _SHOWN_BYTES)]
        problem = (
            f"{what} is not valid UTF-8: malformed bytes {bad.hex(' ')} at byte {exc.start} "
            "(shown as \\x escapes)"
        )
        return data.decode("utf-8", "backslashreplace"), (problem,)


class LabelForm(StrEnum):
    """How the seven elements were stored."""

    OBJECT = "object"
    """The bare JSON object ``{"Label":…}``: what the TC260 guides print under a key ``AIGC``."""
    WRAPPED = "wrapped"
    """``{"AIGC":{…}}``: GB 45438 Appendix E b)'s own literal form, and PG-20259A App. B's."""
    MAPPING = "mapping"
    """A structure of the carrier (YAML front matter, separate XMP properties)."""
    UNREADABLE = "unreadable"
    """Not a JSON object or mapping at all."""


@dataclass(frozen=True, slots=True)
class RawLabel:
    """A label value as a carrier holds it, before interpretation."""

    carrier: str
    """Carrier id of the placement, ``<format>.<slot>``: ``jpeg.xmp``, ``png.tEXt``, …"""
    text: str | None
    """The value as stored (JSON text), or None when the carrier gives a mapping."""
    mapping: dict[str, object] | None = None
    """The value when the carrier stores a structure (YAML front matter, XMP properties)."""
    problems: tuple[str, ...] = field(default=())
    """Carrier-level non-conformities (wrong namespace URI, wrong key spelling, placement …)."""
    standard: bool = True
    """Whether this placement is one the TC260 practice guides give for the format. A label in
    another placement is still a label (a platform must see it), reported as non-standard."""


class FoundLabel(BaseModel):
    """One label found in a file, tolerant of in-the-wild variants."""

    model_config = ConfigDict(frozen=True)

    carrier: str
    """The placement (carrier id)."""
    fields: dict[str, str | None]
    """The seven elements in Appendix E order; None where missing."""
    conforming: bool
    problems: tuple[str, ...]
    """Every non-conformity, each naming the field or form and the clause."""
    raw: str
    """The stored value, verbatim (for evidence)."""
    standard_placement: bool = True
    """Whether the placement conforms to the practice guides (see :attr:`RawLabel.standard`)."""
    form: LabelForm = LabelForm.OBJECT
    """How the elements were stored; the bare and the wrapped JSON forms both conform."""
    notes: tuple[str, ...] = ()
    """Observations that are not non-conformities (a TC260-PG-202511A SecurityData value)."""

    def to_label(self) -> AigcLabel | None:
        """The strict model, when the seven values are present and valid; else None."""
        values = {k: v for k, v in self.fields.items() if v is not None}
        if set(values) != set(FIELD_ORDER):
            return None
        try:
            return AigcLabel.from_fields(values)
        except ValidationError:
            return None

    def to_json_dict(self) -> dict[str, object]:
        """The ``inspect --format json`` shape of one label."""
        return {
            "carrier": self.carrier,
            "placement_conforming": self.standard_placement,
            "form": self.form.value,
            "fields": dict(self.fields),
            "conforming": self.conforming,
            "problems": list(self.problems),
            "notes": list(self.notes),
        }


class FileReport(BaseModel):
    """Every label found in one file."""

    model_config = ConfigDict(frozen=True)

    file: str
    format: str
    labels: tuple[FoundLabel, ...]
    notes: tuple[str, ...] = ()
    """File-level observations that are not label non-conformities (extension mismatch …)."""

    def to_json_dict(self) -> dict[str, object]:
        """``{"file", "format", "labels": [...]}`` as ``hegui label inspect --format json``."""
        return {
            "file": self.file,
            "format": self.format,
            "labels": [label.to_json_dict() for label in self.labels],
        }
