"""The lexicon: entries (term, risk, severity, action, match options, allow-list, tags, note).

Native formats are YAML (a header and ``entries:``) and JSONL (an optional header line with
``schema_version``, then one entry per line). The filing attachment 附件4 (CSV/XLSX) is read and
written by ``_filing``; :func:`load_lexicon` picks the reader by file extension.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from hegui._table import read_bytes
from hegui.errors import ConfigError, ConfigIssue
from hegui.safety._tables import NormalizeOptions
from hegui.safety._types import Action, Severity

__all__ = [
    "Lexicon",
    "LexiconEntry",
    "MatchOptions",
    "NormalizeSettings",
    "dump_lexicon",
    "load_lexicon",
    "valid_risk_ids",
]

MAX_TERM_CHARS = 64
"""Longer terms are sentences, not keywords; the cap also bounds the streaming hold-back."""


def valid_risk_ids() -> frozenset[str]:
    """The 31 GB/T 45654 Appendix A risk ids a lexicon entry may name."""
    from hegui.kb import load_kb

    return frozenset(load_kb().risks)


class MatchOptions(BaseModel):
    """Which variant forms of an entry's term match, beyond its normalized form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    pinyin: bool = True
    """Full pinyin spelling (``bingdu``), whole words only."""
    initials: bool = False
    """Pinyin initials (``bd``). Off by default: short initials collide with ordinary words."""
    mixed: bool = True
    """Han and pinyin mixed (``bing毒``, ``冰du``)."""
    homophones: bool = False
    """Other characters of the same toneless pinyin (``兵毒``). Off by default: homophones of
    common terms are common words (病毒 for 冰毒); turn on per entry, with an allow-list."""
    digits: bool = False
    """Plain digits for the term's Chinese numerals and back (``1夜情`` for 一夜情, ``阿3``).
    Off by default: numeral words are everyday words (``一个`` is ``1个`` in half the corpus's
    product reviews). Styled numbers (``①``, ``壹``, ``㈠``) and a numeral word written half in
    digits (``六4``) match without it."""


class LexiconEntry(BaseModel):
    """One term of the lexicon."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    term: str = Field(min_length=1, max_length=MAX_TERM_CHARS)
    risk: str
    """A GB/T 45654 Appendix A risk id, e.g. ``A.1.d``."""
    id: str | None = None
    """Stable id for the rule trail; defaults to ``<risk>:<term>``."""
    severity: Severity = Severity.MEDIUM
    action: Action | None = None
    """Overrides the policy's action for this entry's findings."""
    match: MatchOptions = MatchOptions()
    allow: tuple[str, ...] = ()
    """Benign superstrings: a hit inside one of these is not a finding (``冰毒`` in ``缉冰毒``)."""
    tags: tuple[str, ...] = ()
    note: str | None = None

    @field_validator("risk")
    @classmethod
    def _known_risk(cls, value: str) -> str:
        if value not in valid_risk_ids():
            raise ValueError(
                f"unknown risk id {value!r}; use one of the 31 GB/T 45654 Appendix A ids "
                "(A.1.a … A.5.b, see `hegui kb list risks`)"
            )
        return value

    @field_validator("term")
    @classmethod
    def _no_line_break(cls, value: str) -> str:
        if "\n" in value or "\r" in value:
            raise ValueError("a term cannot contain a line break")
        return value

    @property
    def key(self) -> str:
        """The entry's id, or ``<risk>:<term>``."""
        return self.id or f"{self.risk}:{self.term}"


class NormalizeSettings(BaseModel):
    """The normalization switches as they appear in a lexicon file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    width: bool = True
    case: bool = True
    traditional: bool = True
    numbers: bool = True
    letters: bool = True
    skip: bool = True
    repeats: bool = False
    separators: bool = True

    def options(self) -> NormalizeOptions:
        """As the dataclass the normalizer takes."""
        return NormalizeOptions(**self.model_dump())


class Lexicon(BaseModel):
    """A versioned set of entries with its normalization and global allow-list."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    name: str = "lexicon"
    version: str
    version_date: dt.date | None = None
    """When this version was made; ``hegui lexicon check`` measures its age."""
    normalize: NormalizeSettings = NormalizeSettings()
    allow: tuple[str, ...] = ()
    """Global allow-list: benign superstrings of any entry's term."""
    entries: tuple[LexiconEntry, ...] = Field(min_length=1)


class _Header(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    name: str = "lexicon"
    version: str | None = None
    version_date: dt.date | None = None
    normalize: NormalizeSettings = NormalizeSettings()
    allow: tuple[str, ...] = ()


def content_version(data: bytes) -> str:
    """A version string derived from file content, for files that record none."""
    return "sha256:" + hashlib.sha256(data).hexdigest()[:12]


def load_lexicon(path: Path | str) -> Lexicon:
    """Load a lexicon: native ``.yaml``/``.yml``/``.jsonl``, or 附件4 ``.csv``/``.xlsx``.

    Raises:
        ConfigError: the file is missing, malformed, empty, names an unknown risk, or (附件4)
            has rows whose category cannot be mapped; every problem names its line.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in {".csv", ".xlsx"}:
        from hegui.safety._filing import import_filing

        result = import_filing(path)
        if result.rejected:
            raise ConfigError(list(result.rejected), path=path)
        return result.lexicon
    if suffix in {".yaml", ".yml"}:
        return _load_yaml(path)
    if suffix == ".jsonl":
        return _load_jsonl(path)
    raise ConfigError(
        f"unknown lexicon format {suffix or '(no extension)'!r}",
        path=path,
        fix="use .yaml, .yml or .jsonl (native), or .csv / .xlsx (附件4 filing shape)",
    )


def _load_yaml(path: Path) -> Lexicon:
    from hegui._yaml import parse_yaml, validate_document
    from hegui.safety._normalize import decode_utf8

    data = read_bytes(path)
    doc = parse_yaml(decode_utf8(data, source=str(path)), path)
    if isinstance(doc.data, dict) and "version" not in doc.data:
        doc = type(doc)({**doc.data, "version": content_version(data)}, doc.path, doc.lines)
    if isinstance(doc.data, dict) and not doc.data.get("entries"):
        raise ConfigError(
            "the lexicon has no entries", path=path, fix="add at least one item under `entries:`"
        )
    return validate_document(doc, Lexicon)


def _load_jsonl(path: Path) -> Lexicon:
    from hegui.safety._normalize import decode_utf8

    data = read_bytes(path)
    text = decode_utf8(data, source=str(path))
    header = _Header()
    entries: list[LexiconEntry] = []
    issues: list[ConfigIssue] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            issues.append(ConfigIssue(f"not valid JSON: {exc.msg}", line=number))
            continue
        if not isinstance(obj, dict):
            issues.append(ConfigIssue("each line must be a JSON object", line=number))
            continue
        try:
            if "schema_version" in obj:
                header = _Header.model_validate(obj)
            else:
                entries.append(LexiconEntry.model_validate(obj))
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                field = ".".join(str(p) for p in err["loc"]) or None
                msg = str(err["msg"]).removeprefix("Value error, ")
                issues.append(ConfigIssue(msg, line=number, field=field))
    if issues:
        raise ConfigError(issues, path=path)
    if not entries:
        raise ConfigError(
            "the lexicon has no entries", path=path, fix="add one JSON object per term"
        )
    fields = header.model_dump(exclude={"version"})
    return Lexicon(
        **fields, version=header.version or content_version(data), entries=tuple(entries)
    )


def dump_lexicon(lexicon: Lexicon, path: Path) -> None:
    """Write ``lexicon`` natively (format by extension), atomically."""
    from hegui.evidence import write_atomic

    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        head = lexicon.model_dump(mode="json", exclude={"entries"}, exclude_defaults=False)
        lines = [json.dumps(head, ensure_ascii=False)]
        lines += [
            json.dumps(e.model_dump(mode="json", exclude_defaults=True), ensure_ascii=False)
            for e in lexicon.entries
        ]
        write_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))
        return
    if suffix in {".yaml", ".yml"}:
        import yaml

        data = lexicon.model_dump(mode="json", exclude_defaults=True)
        data["schema_version"] = 1
        data["version"] = lexicon.version
        data["entries"] = [
            e.model_dump(mode="json", exclude_defaults=True) for e in lexicon.entries
        ]
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
        write_atomic(path, text.encode("utf-8"))
        return
    raise ConfigError(
        f"cannot write a native lexicon as {suffix!r}",
        path=path,
        fix="use .yaml or .jsonl (or `export_filing` for 附件4 .csv/.xlsx)",
    )
