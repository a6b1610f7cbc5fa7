"""Draft a mapping file for the category names the built-in matching does not know.

``suggest_mapping`` scores every GB/T 45654 Appendix A risk and non-refusal aspect against a
user's (一级分类, 二级分类): the similarity of the folded names (difflib ratio) after known
synonyms are made equal (侵害/侵犯/危害, 宣扬/宣传, 淫秽/色情 …), the characters they share, a
few topic words that point to a risk (诈骗, 毒品, 赌博 … → A.1.h "其他法律、行政法规禁止的内容";
隐私 → A.4.e), and the 一级分类's Appendix A category. ``render_suggestions`` writes the draft
``hegui-map.yaml``: every entry ``confirmed: false`` with its score and the runners-up in a
comment, for a person to check, correct and confirm. Suggestions are never applied as they are.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ConfigError
from hegui.kb._loader import KnowledgeBase
from hegui.kb._mapping import canonical_name

__all__ = ["Suggestion", "collect_categories", "render_suggestions", "suggest_mapping"]

_SYNONYMS = (
    ("危害", "害"),
    ("侵犯", "害"),
    ("侵害", "害"),
    ("宣传", "宣扬"),
    ("淫秽", "色情"),
    ("偏见", "歧视"),
)
_TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("恐怖", "极端", "暴恐"), "A.1.d"),
    (("色情", "淫秽", "暴力"), "A.1.f"),
    (("虚假", "谣言"), "A.1.g"),
    (
        (
            "诈骗",
            "欺诈",
            "偷窃",
            "盗窃",
            "抢劫",
            "毒品",
            "赌博",
            "赌场",
            "武器",
            "枪",
            "爆炸",
            "走私",
            "伪造",
            "非法侵入",
            "犯罪",
            "贩卖",
            "腐败",
            "酒后驾车",
            "伤害他人",
        ),
        "A.1.h",
    ),
    (("知识产权", "版权", "专利", "商标"), "A.3.a"),
    (("商业秘密",), "A.3.c"),
    (("垄断", "不正当竞争"), "A.3.d"),
    (("身心健康", "自杀", "自残"), "A.4.a"),
    (("肖像",), "A.4.b"),
    (("名誉",), "A.4.c"),
    (("荣誉",), "A.4.d"),
    (("隐私",), "A.4.e"),
    (("个人信息", "私人信息"), "A.4.f"),
)
_CATEGORY_WORDS = (
    ("犯罪", "A.1"),
    ("歧视", "A.2"),
    ("偏见", "A.2"),
    ("商业", "A.3"),
    ("权益", "A.4"),
)
_DISCRIMINATION = ("民族", "信仰", "宗教", "国别", "国籍", "地域", "性别", "年龄", "职业", "健康")
_OTHER = {"A.1": "A.1.h", "A.2": "A.2.i", "A.3": "A.3.e", "A.4": "A.4.g"}


@dataclass(frozen=True, slots=True)
class Suggestion:
    """The best guesses for one user category, best first (score 0-1)."""

    level1: str
    level2: str
    best: tuple[tuple[str, float], ...]
    """(risk or aspect id, score), at most three."""
    rows: int
    """Rows of the file with this category."""


def _fold(name: str) -> str:
    key = canonical_name(name)
    for word, same in _SYNONYMS:
        key = key.replace(word, same)
    return key


def _category_of(level1: str, kb: KnowledgeBase) -> str | None:
    key = _fold(level1)
    if not key:
        return None
    for word, category in _CATEGORY_WORDS:
        if word in level1:
            return category
    scores = {
        cid: difflib.SequenceMatcher(None, key, _fold(c.name_zh)).ratio()
        + len(set(key) & set(_fold(c.name_zh))) / max(1, len(set(key)))
        for cid, c in kb.categories.items()
    }
    cid, score = max(scores.items(), key=lambda kv: kv[1])
    return cid if score >= 0.8 else None


def _score(level1: str, level2: str, kb: KnowledgeBase) -> list[tuple[str, float]]:
    key = _fold(level2 or level1)
    category = _category_of(level1, kb) if level1 else None
    names = {r.id: r.name_zh for r in kb.risks.values()} | {
        a.id: a.name_zh for a in kb.aspects.values()
    }
    scored: dict[str, float] = {}
    for cid, name in names.items():
        other = _fold(name)
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        shared = len(set(key) & set(other)) / max(1, len(set(key) | set(other)))
        scored[cid] = 0.6 * ratio + 0.4 * shared
    raw = unicodedata_fold(level2 or level1)
    for words, rid in _TOPICS:
        if any(w in raw for w in words):
            scored[rid] = max(scored[rid], 0.75) + 0.15
    if "歧视" in raw and not any(w in raw for w in _DISCRIMINATION):
        # A kind of discrimination Appendix A does not name (服装, 肤色, 种族): A.2.i.
        scored["A.2.i"] += 0.3
    if category is not None:
        for rid in scored:
            if kb.risks.get(rid) is not None and kb.risks[rid].category == category:
                scored[rid] += 0.15
        if raw in ("其他", "其它") and category in _OTHER:
            scored[_OTHER[category]] += 1.0
    ranked = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    return [(rid, round(min(score, 1.0), 2)) for rid, score in ranked[:3]]


def unicodedata_fold(text: str) -> str:
    """NFKC and stripped (the text the topic words are looked for in)."""
    import unicodedata

    return unicodedata.normalize("NFKC", text).strip()


def suggest_mapping(categories: Iterable[tuple[str, str]], kb: KnowledgeBase) -> list[Suggestion]:
    """Suggestions for each distinct (一级, 二级) pair, in order of first appearance."""
    counts: dict[tuple[str, str], int] = {}
    for pair in categories:
        key = (pair[0].strip(), pair[1].strip())
        counts[key] = counts.get(key, 0) + 1
    return [
        Suggestion(level1=l1, level2=l2, best=tuple(_score(l1, l2, kb)), rows=n)
        for (l1, l2), n in counts.items()
    ]


def render_suggestions(
    suggestions: list[Suggestion], kb: KnowledgeBase, *, source: str, known: int
) -> str:
    """The draft ``hegui-map.yaml`` (every entry ``confirmed: false``)."""
    names = {r.id: r.name_zh for r in kb.risks.values()} | {
        a.id: a.name_zh for a in kb.aspects.values()
    }
    out = [
        "# Category mapping drafted by `hegui map suggest` for " + source + ".",
        f"# {known} categories already match GB/T 45654 names and need no entry.",
        "# Check each entry: change `to:` (a risk id, an aspect id NR.…, or ignore) and set",
        "# `confirmed: true`. Unconfirmed entries are not applied; their rows are reported as",
        "# left out. The comment after each entry gives the score (0-1) and the runners-up.",
        "schema_version: 1",
        f"name: {json.dumps(source, ensure_ascii=False)}",
        "entries:" if suggestions else "entries: []",
    ]
    for s in suggestions:
        (best, score), *rest = s.best
        others = "; ".join(f"{rid} {names[rid]} {sc:.2f}" for rid, sc in rest)
        out.append(f"  - level1: {json.dumps(s.level1, ensure_ascii=False)}")
        out.append(f"    level2: {json.dumps(s.level2, ensure_ascii=False)}")
        out.append(f"    to: {best}  # {names[best]} ({score:.2f}); also: {others}")
        out.append(f"    confirmed: false  # {s.rows} row(s)")
    return "\n".join(out) + "\n"


def collect_categories(path: Path) -> list[tuple[str, str]]:
    """Each row's (一级分类, 二级分类) of a 附件4/5 table, or ("", risk or aspect) of a JSONL bank.

    Raises:
        ConfigError: an unsupported file, or a table without a 一级分类 / 二级分类 column.
    """
    suffix = path.suffix.lower()
    if suffix == ".jsonl":
        import json

        out: list[tuple[str, str]] = []
        try:
            lines = path.read_text("utf-8-sig").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read the file: {exc}", path=path) from None
        for line in lines:
            try:
                row = json.loads(line) if line.strip() else None
            except json.JSONDecodeError:
                continue
            if isinstance(row, dict):
                value = row.get("risk", row.get("aspect"))
                if isinstance(value, str):
                    out.append(("", value))
        return out
    if suffix not in (".csv", ".xlsx"):
        raise ConfigError(
            f"cannot read categories from {suffix or '(no suffix)'!r} files",
            path=path,
            fix="give a 附件4 or 附件5 .csv/.xlsx, or a .jsonl bank",
        )
    from hegui._table import read_table

    pairs: list[tuple[str, str]] = []
    for sheet in read_table(path, extra="evals"):
        if not sheet.header or not ({"一级分类", "二级分类"} & set(sheet.header)):
            continue
        pairs += [(row.get("一级分类"), row.get("二级分类")) for row in sheet.rows]
    if not pairs:
        raise ConfigError(
            "no sheet has a 一级分类 or 二级分类 column",
            path=path,
            line=1,
            fix="put the 附件4 (关键词, 一级分类, 二级分类) or 附件5 column names in the first row",
        )
    return pairs
