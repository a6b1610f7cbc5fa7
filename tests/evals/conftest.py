"""Fixtures of the eval suite: the kb, bank files (the model server is suite-wide)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from hegui.kb import KnowledgeBase, load_kb


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def distinct_question(*parts: object) -> str:
    """A question text unlike every other (no accidental near-duplicates)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
