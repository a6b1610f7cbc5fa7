"""What a reader found in a file: raw carrier values, interpreted labels, per-file reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, ValidationError

from hegui.labeling._model import FIELD_ORDER, AigcLabel

__all__ = ["FileReport", "FoundLabel", "RawLabel"]


@dataclass(frozen=True, slots=True)
class RawLabel:
    """A label value as a carrier holds it, before interpretation."""

    carrier: str
    """Carrier id, ``<format>.<slot>``: ``jpeg.xmp``, ``png.text``, ``mp4.keys`` …"""
    text: str | None
    """The value as stored (JSON text), or None when the carrier gives a mapping."""
    mapping: dict[str, object] | None = None
    """The value when the carrier stores a structure (YAML front matter)."""
    expects_wrapper: bool | None = False
    """True where the carrier has no key slot and the ``{"AIGC":{…}}`` form is expected; None
    where practice accepts both (PNG ``tEXt`` keyword ``AIGC``)."""
    problems: tuple[str, ...] = field(default=())
    """Carrier-level non-conformities (wrong namespace URI, wrong key spelling …)."""


class FoundLabel(BaseModel):
    """One label found in a file, tolerant of in-the-wild variants."""

    model_config = ConfigDict(frozen=True)

    carrier: str
    fields: dict[str, str | None]
    """The seven elements in Appendix E order; None where missing."""
    conforming: bool
    problems: tuple[str, ...]
    """Every non-conformity, each naming the field or form and the clause."""
    raw: str
    """The stored value, verbatim (for evidence)."""

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
            "fields": dict(self.fields),
            "conforming": self.conforming,
            "problems": list(self.problems),
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
