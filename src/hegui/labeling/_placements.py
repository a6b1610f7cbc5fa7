"""The shipped table of where and in which form each carrier writes the label, and its source.

``data/placements.yaml`` documents every written form with the clause that supports it, the
placements read from other writers, and the TC260-PG-202511A ``SecurityData`` note (UNCONFIRMED).
"""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict

__all__ = ["Placements", "WrittenForm", "placements"]


class WrittenForm(BaseModel):
    """Where one carrier writes the label, in which form, and on what authority."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    carrier: str
    place: str
    form: Literal["object", "wrapped", "mapping"]
    source: str
    clause: str
    grade: Literal["A", "B", "C"]
    confidence: Literal["V", "S", "M"]
    note: str = ""


class ReadPlacement(BaseModel):
    """A placement read (not written), and whether the practice guides give it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    carrier: str
    standard: bool
    source: str
    form: Literal["object", "wrapped", "mapping", "either"] | None = None


class SecurityDataNote(BaseModel):
    """What hegui holds about TC260-PG-202511A SecurityData."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str
    structure: str
    grade: Literal["A", "B", "C"]
    confidence: Literal["V", "S", "M"]
    note: str


class Placements(BaseModel):
    """The whole table."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1]
    written: tuple[WrittenForm, ...]
    read_also: tuple[ReadPlacement, ...]
    security_data: SecurityDataNote

    def written_by(self, carrier: str) -> WrittenForm:
        """The entry of ``carrier``.

        Raises:
            KeyError: No such carrier (a shipped-data bug).
        """
        for entry in self.written:
            if entry.carrier == carrier:
                return entry
        raise KeyError(carrier)


@cache
def placements() -> Placements:
    """The shipped table (``hegui/labeling/data/placements.yaml``)."""
    from importlib.resources import files

    import yaml

    text = (files("hegui.labeling") / "data" / "placements.yaml").read_text("utf-8")
    return Placements.model_validate(yaml.safe_load(text))
