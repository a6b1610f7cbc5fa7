"""Lexicon check and statistics: size and coverage against the kb thresholds, as Evidence.

The check counts entries per GB/T 45654 Appendix A risk and compares them with the keyword
library figures of the chosen edition (B.1.1: total, the 17 risks of A.1 and A.2 covered, per
A.1 risk, per A.2 risk, weekly update). Every one of the 31 risks appears in the table, so a gap
is visible. It also lists duplicates after normalization (two entries one matcher cannot tell
apart) and entries an allow-list shadows (they can never fire).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence

from pydantic import JsonValue

from hegui.errors import ConfigIssue
from hegui.evidence import Evidence, EvidenceResult, InputDigest
from hegui.kb import DEFAULT_EDITION, ImportReport, load_kb
from hegui.safety._lexicon import Lexicon
from hegui.safety._matcher import Matcher

__all__ = ["check_lexicon", "lexicon_stats"]


def _duplicates(matcher: Matcher) -> list[JsonValue]:
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = defaultdict(list)
    for i, norm in enumerate(matcher.normalized_terms):
        # 六四 and 64 normalize alike but match apart (see the numeral rule in ``_matcher``).
        groups[norm, matcher.numeral_families(i)].append(i)
    out: list[JsonValue] = []
    for (norm, _), idx in groups.items():
        if len(idx) > 1:
            entries = matcher.entries
            out.append(
                {
                    "normalized": norm,
                    "terms": [entries[i].term for i in idx],
                    "risks": [entries[i].risk for i in idx],
                }
            )
    return out


def _shadowed(matcher: Matcher) -> list[JsonValue]:
    lexicon = matcher.lexicon
    global_allow = set(matcher._normalize_many(list(lexicon.allow)))
    out: list[JsonValue] = []
    for entry, norm in zip(lexicon.entries, matcher.normalized_terms, strict=True):
        own = set(matcher._normalize_many(list(entry.allow))) if entry.allow else set()
        if norm in global_allow or norm in own:
            out.append(
                {
                    "term": entry.term,
                    "risk": entry.risk,
                    "by": "global" if norm in global_allow else "entry",
                }
            )
    return out


def lexicon_stats(lexicon: Lexicon, matcher: Matcher | None = None) -> dict[str, JsonValue]:
    """Counts per risk, severity, tag and match option, and the compiled pattern counts."""
    matcher = matcher or Matcher(lexicon)
    entries = lexicon.entries
    return {
        "name": lexicon.name,
        "version": lexicon.version,
        "version_date": lexicon.version_date.isoformat() if lexicon.version_date else None,
        "entries": len(entries),
        "per_risk": dict(sorted(Counter(e.risk for e in entries).items())),
        "per_severity": dict(Counter(e.severity.value for e in entries)),
        "tags": dict(Counter(t for e in entries for t in e.tags).most_common()),
        "match_options": {
            opt: sum(getattr(e.match, opt) for e in entries)
            for opt in ("pinyin", "initials", "mixed", "homophones", "digits")
        },
        "allow": len(lexicon.allow) + sum(len(e.allow) for e in entries),
        "patterns": len(matcher._exact),
        "sound_patterns": len(matcher._sound) if matcher._sound else 0,
        "spelled_patterns": len(matcher._spelled) if matcher._spelled else 0,
        "longest_pattern": matcher.longest,
    }


def check_lexicon(
    lexicon: Lexicon,
    *,
    inputs: Sequence[InputDigest] = (),
    rejected: Sequence[ConfigIssue] = (),
    today: dt.date | None = None,
    edition: str = DEFAULT_EDITION,
    imported: ImportReport | None = None,
) -> Evidence:
    """Check ``lexicon`` against the keyword-library thresholds of ``edition``.

    Args:
        lexicon: The lexicon to check.
        inputs: Digests of the files it came from.
        rejected: Rows an import could not map (reported, and they make the result fail).
        today: The date to measure the version's age against (default: today, UTC).
        edition: Which edition's figures to use.
        imported: How a 附件4 file was imported (rows, left out, the mapping's hash); kept in
            the details so a filing shows how the attachment was derived.
    """
    kb = load_kb()
    matcher = Matcher(lexicon)
    counts = Counter(e.risk for e in lexicon.entries)
    total_t = kb.threshold("keywords.total", edition)
    a1_t = kb.threshold("keywords.per_a1_risk", edition)
    a2_t = kb.threshold("keywords.per_a2_risk", edition)
    per_risk: list[JsonValue] = []
    for risk in kb.risks.values():
        t = a1_t if risk.category == "A.1" else a2_t if risk.category == "A.2" else None
        n = counts.get(risk.id, 0)
        per_risk.append(
            {
                "risk": risk.id,
                "name_zh": risk.name_zh,
                "name_en": risk.name_en,
                "terms": n,
                "required": t.value if t else None,
                "threshold": t.id if t else None,
                "pass": t.check(n) if t else None,
            }
        )
    core = kb.risks_in("CORE17")
    covered = sum(1 for r in core if counts.get(r.id, 0) > 0)
    checks: dict[str, bool | None] = {
        total_t.id: total_t.check(len(lexicon.entries)),
        a1_t.id: all(counts.get(r.id, 0) >= a1_t.value for r in kb.risks_in("A.1")),
        a2_t.id: all(counts.get(r.id, 0) >= a2_t.value for r in kb.risks_in("A.2")),
    }
    tests = list(checks)
    try:
        cov_t = kb.threshold("keywords.risk_coverage", edition)
        checks[cov_t.id] = cov_t.check(covered)
        tests.append(cov_t.id)
    except Exception:  # an edition without a coverage figure
        cov_t = None
    age: int | None = None
    try:
        upd_t = kb.threshold("keywords.update_interval", edition)
        tests.append(upd_t.id)
        if lexicon.version_date is not None:
            age = ((today or dt.datetime.now(dt.UTC).date()) - lexicon.version_date).days
            checks[upd_t.id] = upd_t.check(age)
        else:
            checks[upd_t.id] = None
    except Exception:
        upd_t = None
    duplicates = _duplicates(matcher)
    shadowed = _shadowed(matcher)
    decided = [v for v in checks.values() if v is not None]
    if rejected or not all(decided):
        result = EvidenceResult.FAIL
    elif len(decided) < len(checks):
        result = EvidenceResult.INCONCLUSIVE
    else:
        result = EvidenceResult.PASS
    failing = [k for k, v in checks.items() if v is False]
    summary = (
        f"{len(lexicon.entries)} term{'' if len(lexicon.entries) == 1 else 's'}, "
        f"{covered}/{len(core)} of the A.1/A.2 risks covered; "
        + (f"below {', '.join(failing)}" if failing else "meets the keyword-library figures")
        + (f"; {len(rejected)} unmappable rows" if rejected else "")
        + ("; age unknown (no version_date)" if age is None else f"; version is {age} days old")
    )
    details: dict[str, JsonValue] = {
        "edition": edition,
        "total": len(lexicon.entries),
        "risks_covered": covered,
        "risks_required": len(core),
        "checks": dict(checks),
        "per_risk": per_risk,
        "version_date": lexicon.version_date.isoformat() if lexicon.version_date else None,
        "age_days": age,
        "duplicates": duplicates,
        "shadowed": shadowed,
        "rejected_rows": [
            {"line": i.line, "problem": i.problem, "field": i.field} for i in rejected
        ],
        "import": None if imported is None else imported.model_dump(mode="json"),
    }
    return Evidence(
        check="lexicon.check",
        tests=tuple(tests),
        inputs=tuple(inputs),
        result=result,
        summary=summary,
        details=details,
        data_versions={"kb": kb.data_version, "lexicon": lexicon.version},
    )
