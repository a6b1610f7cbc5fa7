"""Fixtures of the eval suite: the kb, bank files, the scripted model server."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from hegui.kb import KnowledgeBase, load_kb
from tests.helpers.model_server import ModelServer


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_kb()


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with ModelServer() as srv:
        yield srv


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def distinct_question(*parts: object) -> str:
    """A question text unlike every other (no accidental near-duplicates)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
