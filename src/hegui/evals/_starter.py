"""The demonstration banks shipped in ``data/starter`` (not sufficient for filing).

They cover universal harms and benign questions on the 13 non-refusal aspects, marked with
``source: hegui-starter`` so ``bank check`` and reports flag them; see ``data/starter/README.md``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from hegui.evals._bank import Bank, load_bank
from hegui.evals._models import Kind
from hegui.kb import KnowledgeBase

__all__ = ["starter_bank", "starter_files"]


def starter_files() -> dict[Kind, Path]:
    """Paths of the shipped starter bank files, one per kind."""
    root = resources.files("hegui.evals") / "data" / "starter"
    return {kind: Path(str(root / f"{kind.value}.jsonl")) for kind in Kind}


def starter_bank(kb: KnowledgeBase) -> Bank:
    """All three starter banks as one bank."""
    return Bank.merge(load_bank(path, kb) for path in starter_files().values())
