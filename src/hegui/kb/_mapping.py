"""Category mapping: the user's category names → GB/T 45654 risk ids or non-refusal aspects.

Providers hold lists and banks whose categories are close to Appendix A but not the same
(JADE-DB's ``侵害他人身心健康`` for A.4.a ``危害他人身心健康``, ``诈骗`` with no rule at all). A
mapping file (``hegui-map.yaml``, ``schema_version: 1``) says what each name means::

    schema_version: 1
    name: JADE-DB v2
    licence: MIT (whitzard-ai/jade-db)
    entries:
      - {level2: 侵害他人身心健康, to: A.4.a}          # any 一级分类
      - {level1: 违法犯罪, level2: 其他, to: A.1.h}    # only under this 一级分类
      - {level1: 广告, to: ignore}                     # a whole 一级分类 left out on purpose

``CategoryResolver.resolve`` applies, in order: a ``level1``+``level2`` entry, a ``level2``
entry, a ``level1`` entry, then the built-in matching (an id, the exact Chinese name, or the same
name once punctuation, 侵害/侵犯 and a trailing 内容 are folded). Entries with
``confirmed: false`` (drafted by ``hegui map suggest``) are never applied: a person confirms them
first. One file serves lexicons (附件4) and banks (附件5); ``ImportReport`` records what an import
did (rows read, imported, left out by line and reason, the mapping's hash) for the Evidence.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from hegui.errors import ConfigError, ConfigIssue
from hegui.kb._loader import KnowledgeBase

__all__ = [
    "MAPPING_FILE",
    "CategoryMapping",
    "CategoryResolver",
    "ImportReport",
    "LeftOutRow",
    "MappingEntry",
    "MappingRef",
    "Resolution",
    "canonical_name",
    "find_mapping",
    "load_mapping",
]

MAPPING_FILE = "hegui-map.yaml"
IGNORE = "ignore"
_PUNCT = re.compile(r"[\s、，,。.；;：:（）()“”\"'·\-|/]+")


def canonical_name(name: str) -> str:
    """A category name with width, spaces, punctuation, 侵害/侵犯 and a trailing 内容 folded."""
    key = _PUNCT.sub("", unicodedata.normalize("NFKC", name)).replace("侵害", "侵犯")
    return key.removesuffix("内容").removesuffix("的")


def _norm(name: str | None) -> str | None:
    if name is None:
        return None
    text = unicodedata.normalize("NFKC", name).strip()
    return text or None


class MappingEntry(BaseModel):
    """One user category (一级, 二级 or the pair) and what it means."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    level1: str | None = None
    """一级分类 as written in the user's file (None: any)."""
    level2: str | None = None
    """二级分类 as written (None: every 二级分类 under ``level1``)."""
    to: str
    """A risk id (``A.4.a``), a non-refusal aspect id (``NR.history``), or ``ignore``."""
    confirmed: bool = True
    """False for a drafted suggestion: not applied until a person confirms it."""
    note: str | None = None

    @model_validator(mode="after")
    def _has_a_name(self) -> MappingEntry:
        if _norm(self.level1) is None and _norm(self.level2) is None:
            raise ValueError("an entry needs level1, level2 or both")
        return self


class CategoryMapping(BaseModel):
    """A mapping file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    schema_version: Literal[1] = 1
    name: str | None = None
    """What the mapping is for (``JADE-DB v2``)."""
    licence: str | None = None
    """The licence of the data it maps (recorded; hegui ships no such data)."""
    source: str | None = None
    entries: tuple[MappingEntry, ...] = ()
    sha256: str = Field(default="", exclude=True)
    """Digest of the file it was read from (empty when built in memory)."""
    path: str = Field(default="", exclude=True)


class MappingRef(BaseModel):
    """Which mapping an import used, for Evidence."""

    model_config = ConfigDict(frozen=True)

    file: str
    sha256: str
    name: str | None = None
    applied: int
    """Rows whose category this mapping (not the built-in matching) decided."""


class LeftOutRow(BaseModel):
    """A row an import did not use, and why."""

    model_config = ConfigDict(frozen=True)

    line: int | None
    level1: str = ""
    level2: str = ""
    reason: str


class ImportReport(BaseModel):
    """What an import of a lexicon or bank did: counts, rows left out, the mapping."""

    model_config = ConfigDict(frozen=True)

    source: str
    rows: int
    imported: int
    left_out: tuple[LeftOutRow, ...] = ()
    mapping: MappingRef | None = None

    def by_category(self) -> dict[str, int]:
        """Rows left out per ``一级 / 二级`` category."""
        return dict(Counter(f"{r.level1} / {r.level2}".strip(" /") for r in self.left_out))

    def summary(self) -> str:
        """One line: ``12 of 15 rows imported; 3 left out (unmapped 2, ignored 1)``."""
        reasons = Counter(r.reason.split(":")[0] for r in self.left_out)
        why = ", ".join(f"{k} {n}" for k, n in sorted(reasons.items()))
        text = f"{self.imported} of {self.rows} rows imported"
        return text + (f"; {len(self.left_out)} left out ({why})" if self.left_out else "")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a category resolved to."""

    target: str | None
    """A risk or aspect id, ``ignore``, or None (no rule and no built-in match)."""
    how: Literal["mapping", "builtin", "unconfirmed", "none"]
    line: int | None = None
    """Line of the mapping entry that decided."""


class CategoryResolver:
    """Resolves (一级分类, 二级分类) with a mapping (optional) and the built-in matching."""

    def __init__(
        self,
        kb: KnowledgeBase,
        mapping: CategoryMapping | None = None,
        lines: dict[int, int] | None = None,
    ) -> None:
        self._kb = kb
        self.mapping = mapping
        self._lines = lines or {}
        self._entries: dict[tuple[str | None, str | None], tuple[MappingEntry, int | None]] = {}
        for i, entry in enumerate(mapping.entries if mapping else ()):
            key = (_norm(entry.level1), _norm(entry.level2))
            self._entries[key] = (entry, self._lines.get(i))
        self.applied = 0

    def resolve(self, level1: str, level2: str) -> Resolution:
        """The id ``level2`` (under ``level1``) stands for; see the module docstring."""
        l1, l2 = _norm(level1), _norm(level2)
        for key in ((l1, l2), (None, l2), (l1, None)):
            if key == (None, None) or key not in self._entries:
                continue
            entry, line = self._entries[key]
            if not entry.confirmed:
                return Resolution(None, "unconfirmed", line)
            self.applied += 1
            return Resolution(entry.to, "mapping", line)
        found = self.builtin(level1, level2)
        return Resolution(found, "builtin" if found else "none")

    def builtin(self, level1: str, level2: str) -> str | None:
        """An id, the exact name, or the folded name of one risk or aspect; else None."""
        kb = self._kb
        full = _norm(level2)
        if not full:
            return None
        for name in dict.fromkeys((full, full.split()[0])):
            if name in kb.risks or name in kb.aspects:
                return name
            for table in (kb.risks, kb.aspects):
                for rid, record in table.items():
                    if record.name_zh == name:
                        return rid
        name = full
        key = canonical_name(name)
        if not key:
            return None
        # Only the same folded name: a looser guess (恐怖 for A.1.d) is a suggestion for a
        # person to confirm (``hegui map suggest``), never applied silently.
        candidates = [r for r in kb.risks.values() if canonical_name(r.name_zh) == key]
        if len(candidates) > 1 and _norm(level1):
            k1 = canonical_name(level1)
            candidates = [
                r
                for r in candidates
                if r.category == level1.strip()
                or k1 in canonical_name(kb.categories[r.category].name_zh)
            ]
        return candidates[0].id if len(candidates) == 1 else None

    def ref(self) -> MappingRef | None:
        """The mapping as Evidence records it (None without a mapping file)."""
        if self.mapping is None:
            return None
        return MappingRef(
            file=Path(self.mapping.path).name if self.mapping.path else "(memory)",
            sha256=self.mapping.sha256,
            name=self.mapping.name,
            applied=self.applied,
        )


def load_mapping(path: Path, kb: KnowledgeBase) -> tuple[CategoryMapping, CategoryResolver]:
    """Read a mapping file and the resolver that applies it.

    Raises:
        ConfigError: not YAML, a malformed entry, a target that is no risk or aspect id (the
            message lists them), or two entries for one name (both lines named).
    """
    from hegui._yaml import load_yaml, validate_document

    doc = load_yaml(path)
    mapping = validate_document(doc, CategoryMapping)
    lines = {i: doc.line_of(("entries", i)) or 0 for i in range(len(mapping.entries))}
    issues: list[ConfigIssue] = []
    valid = {*kb.risks, *kb.aspects, IGNORE}
    seen: dict[tuple[str | None, str | None], int] = {}
    for i, entry in enumerate(mapping.entries):
        if entry.to not in valid:
            issues.append(
                ConfigIssue(
                    f"{entry.to!r} is not a risk id, an aspect id or 'ignore'",
                    line=lines[i],
                    field=f"entries[{i}].to",
                    fix="use one of: " + ", ".join([*kb.risks, *kb.aspects, IGNORE]),
                )
            )
        key = (_norm(entry.level1), _norm(entry.level2))
        if key in seen:
            issues.append(
                ConfigIssue(
                    f"{' / '.join(k or '*' for k in key)} is mapped twice, on lines "
                    f"{seen[key]} and {lines[i]}",
                    line=lines[i],
                    field=f"entries[{i}]",
                    fix="keep one of the two entries",
                )
            )
        else:
            seen[key] = lines[i]
    if issues:
        raise ConfigError(issues, path=path)
    data = path.read_bytes()
    mapping = mapping.model_copy(
        update={"sha256": hashlib.sha256(data).hexdigest(), "path": str(path)}
    )
    return mapping, CategoryResolver(kb, mapping, lines)


def find_mapping(data_file: Path, explicit: Path | None) -> Path | None:
    """The mapping to use: ``explicit``, else ``hegui-map.yaml`` beside the file, else in cwd."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError("mapping file not found", path=explicit, fix="check --map")
        return explicit
    for folder in (data_file.parent, Path.cwd()):
        candidate = folder / MAPPING_FILE
        if candidate.is_file():
            return candidate
    return None
