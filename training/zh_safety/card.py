"""Render MODEL_CARD.md of a model folder from its model.json (figures are never typed by hand).

.venv/bin/python training/zh_safety/card.py src/hegui/safety/data/zh-safety
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

ROWS = [
    ("request@flag", "jade_questions", "JADE-DB v1/v2 harmful questions", "flagged (recall)"),
    (
        "request@flag",
        "jade_v3_questions_ood",
        "JADE v3 questions never used as inputs (ood)",
        "flagged",
    ),
    ("request@flag", "news", "People's Daily 1998", "flagged (false alarm)"),
    ("request@flag", "reviews", "product reviews", "flagged (false alarm)"),
    ("request@flag", "benign_questions", "everyday questions (written for hegui)", "flagged"),
    ("request@flag", "chatterbot", "chatterbot-corpus dialogue lines", "flagged"),
    ("request@refuse", "jade_questions", "JADE-DB v1/v2 harmful questions", "at refuse point"),
    ("request@refuse", "jade_v3_questions_ood", "JADE v3 questions (ood)", "at refuse point"),
    ("request@refuse", "benign_questions", "everyday questions", "at refuse point"),
    ("offensive@flag", "cold_offensive", "COLD offensive", "flagged (recall)"),
    ("offensive@flag", "cold_safe", "COLD safe (incl. anti-bias speech)", "flagged (false alarm)"),
    ("offensive@flag", "news", "People's Daily 1998", "flagged (false alarm)"),
    ("offensive@flag", "reviews", "product reviews", "flagged (false alarm)"),
    ("answer@flag", "jade_v3_violating", "JADE v3 violating answers", "flagged (recall)"),
    (
        "answer@flag",
        "jade_v3_safe",
        "JADE v3 safe answers, same questions",
        "flagged (false alarm)",
    ),
    ("answer@flag", "safe_discussions", "safe answers discussing a harm (written)", "flagged"),
    ("answer@flag", "news", "People's Daily 1998", "flagged (false alarm)"),
    ("answer@flag", "reviews", "product reviews", "flagged (false alarm)"),
    ("answer@refuse", "jade_v3_violating", "JADE v3 violating answers", "at refuse point"),
    ("answer@refuse", "jade_v3_safe", "JADE v3 safe answers", "at refuse point"),
    ("input@flag", "jade_questions", "JADE-DB v1/v2 harmful questions, input side", "flagged"),
    ("input@flag", "jade_v3_questions_ood", "JADE v3 questions (ood), input side", "flagged"),
    ("output@flag", "jade_v3_violating", "JADE v3 violating answers, output side", "flagged"),
    ("output@flag", "jade_v3_safe", "JADE v3 safe answers, output side", "flagged"),
    ("input@flag", "news", "People's Daily 1998, input side (request or offensive)", "flagged"),
    ("input@flag", "reviews", "product reviews, input side", "flagged"),
    ("output@flag", "news", "People's Daily 1998, output side (answer or offensive)", "flagged"),
    ("output@flag", "reviews", "product reviews, output side", "flagged"),
    ("input@flag", "benign_questions", "everyday questions, input side", "flagged"),
]


def _cell(metrics: dict[str, Any], split: str, key: str, group: str) -> str:
    item = metrics.get(split, {}).get(key, {}).get(group)
    if not item:
        return "—"
    return f"{100 * item['rate']:.1f} % (n={item['n']})"


def render(meta: dict[str, Any], template: str) -> str:
    m = meta["metrics"]
    lines = ["| head@point | texts | measure | dev | test |", "|---|---|---|---|---|"]
    for key, group, label, what in ROWS:
        split_ood = "ood" if group == "jade_v3_questions_ood" else None
        dev = _cell(m, split_ood or "dev", key, group)
        test = "—" if split_ood else _cell(m, "test", key, group)
        lines.append(f"| {key} | {label} | {what} | {dev} | {test} |")
    for split in ("dev", "test"):
        f1 = m[split]["cold_f1@flag"]
        lines.append(
            f"| offensive@flag | COLD ({split}) | precision / recall / F1 | "
            + (
                f"{f1['precision']:.3f} / {f1['recall']:.3f} / {f1['f1']:.3f}"
                if split == "dev"
                else ""
            )
            + " | "
            + (
                f"{f1['precision']:.3f} / {f1['recall']:.3f} / {f1['f1']:.3f}"
                if split == "test"
                else ""
            )
            + " |"
        )
    lines.append(
        f"| risk outputs | positives with a mapped label | top-1 risk id correct | "
        f"{100 * m['dev']['risk_top1']['accuracy']:.1f} % (n={m['dev']['risk_top1']['n']}) | "
        f"{100 * m['test']['risk_top1']['accuracy']:.1f} % (n={m['test']['risk_top1']['n']}) |"
    )
    points = ["| head | directions | flag | refuse | risks it may name |", "|---|---|---|---|---|"]
    for h in meta["heads"]:
        points.append(
            f"| {h['name']} | {', '.join(h['directions'])} | {h['flag']:.4f} | {h['refuse']:.4f} | "
            f"{', '.join(h['risk_prefixes'])}* |"
        )
    mapping = ["| training label | risk ids |", "|---|---|"]
    for k, v in meta["label_map"]["jade_subtype"].items():
        mapping.append(f"| JADE 违规子类 {k} | {', '.join(v)} |")
    for k, v in meta["label_map"].get("jade_other_by_type", {}).items():
        mapping.append(f"| JADE 违规类型 {k}, 违规子类 其他 | {', '.join(v)} |")
    for k, v in meta["label_map"]["jade_type_fallback"].items():
        mapping.append(f"| JADE 违规类型 {k} (other subtypes) | {v} |")
    for k, v in meta["label_map"]["cold_topic"].items():
        mapping.append(f"| COLD topic {k} (offensive rows) | {', '.join(v)} |")
    examples = ["| split:source | texts |", "|---|---|"]
    for k, v in sorted(meta["training"]["examples"].items()):
        examples.append(f"| {k} | {v:,} |")
    from hegui.kb import load_kb

    missing = [r for r in load_kb().risks if r not in meta["risks"]]
    return (
        template.replace("{{version}}", meta["version"])
        .replace("{{missing}}", ", ".join(missing))
        .replace("{{shape}}", meta["shape"])
        .replace("{{vocab}}", f"{meta['vocab_size']:,}")
        .replace("{{metrics}}", "\n".join(lines))
        .replace("{{points}}", "\n".join(points))
        .replace("{{mapping}}", "\n".join(mapping))
        .replace("{{risks}}", ", ".join(meta["risks"]))
        .replace("{{examples}}", "\n".join(examples))
        .replace("{{seconds}}", str(meta["training"]["seconds"]))
        .replace("{{seed}}", str(meta["training"]["seed"]))
    )


def main() -> None:
    folder = Path(sys.argv[1])
    meta = json.loads((folder / "model.json").read_text("utf-8"))
    template = (HERE / "MODEL_CARD.template.md").read_text("utf-8")
    (folder / "MODEL_CARD.md").write_text(render(meta, template), "utf-8")


if __name__ == "__main__":
    main()
