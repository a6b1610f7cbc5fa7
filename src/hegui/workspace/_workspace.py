"""The workspace: a folder a team keeps in git, holding the profile and everything checks need.

``Workspace.open(path)`` finds ``hegui.yaml`` in ``path`` or the nearest parent, as git finds
``.git``, and decides once where everything lives::

    hegui.yaml      the service profile
    gateway.yaml    gateway settings         corpus.yaml   corpus sources manifest
    dossier.yaml    answers for the dossier  policy.yaml   screening policy (default if absent)
    lexicon/        keyword lists            banks/        question banks
    evidence/       Evidence records         evidence/files/  documents the provider supplied
    runs/           eval run files           reports/      rendered reports
    dossier/        built filing packs

Nothing is read or created until asked: constructing a ``Workspace`` does no I/O beyond the
search, and read-only uses never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hegui.errors import InputError

if TYPE_CHECKING:
    from hegui.evidence import EvidenceStore
    from hegui.kb import ServiceProfile

__all__ = ["PROFILE_FILE", "Workspace"]

PROFILE_FILE = "hegui.yaml"
_LEXICON_SUFFIXES = (".yaml", ".yml", ".jsonl", ".csv", ".xlsx", ".txt")
_BANK_SUFFIXES = (".jsonl", ".csv", ".xlsx")


def _find_root(start: Path) -> Path | None:
    here = start if start.is_dir() else start.parent
    for folder in (here, *here.parents):
        if (folder / PROFILE_FILE).is_file():
            return folder
    return None


@dataclass(frozen=True, slots=True)
class Workspace:
    """A workspace rooted at ``root`` (the folder holding ``hegui.yaml``)."""

    root: Path
    outer: Path | None = None
    """An enclosing workspace that this nearer one shadows (nested workspaces), if any."""

    @classmethod
    def find(cls, start: Path | None = None) -> Workspace | None:
        """The workspace containing ``start`` (default: the current directory), or None."""
        start = (start or Path.cwd()).resolve()
        root = _find_root(start)
        if root is None:
            return None
        outer = _find_root(root.parent) if root.parent != root else None
        return cls(root=root, outer=outer)

    @classmethod
    def open(cls, start: Path | None = None) -> Workspace:
        """Like :meth:`find`, but a missing workspace is an error that says how to make one.

        Raises:
            InputError: ``start`` does not exist, or no ``hegui.yaml`` is in it or its parents.
        """
        where = (start or Path.cwd()).resolve()
        if start is not None and not start.exists():
            raise InputError(f"{start}: no such directory (--workspace)")
        ws = cls.find(where)
        if ws is None:
            raise InputError(
                f"no {PROFILE_FILE} in {where} or any parent folder: this is not a hegui "
                f"workspace. Run `hegui init` there to write one, or pass --workspace DIR"
            )
        return ws

    # --- layout ------------------------------------------------------------------------------
    @property
    def profile_path(self) -> Path:
        """``hegui.yaml``: the service profile."""
        return self.root / PROFILE_FILE

    @property
    def evidence_dir(self) -> Path:
        """``evidence/``: one JSON file per Evidence record."""
        return self.root / "evidence"

    @property
    def documents_dir(self) -> Path:
        """``evidence/files/``: copies of documents the provider supplied."""
        return self.evidence_dir / "files"

    @property
    def lexicon_dir(self) -> Path:
        """``lexicon/``: the provider's keyword lists (added to the starter lexicon)."""
        return self.root / "lexicon"

    @property
    def banks_dir(self) -> Path:
        """``banks/``: the provider's question banks."""
        return self.root / "banks"

    @property
    def policy_path(self) -> Path:
        """``policy.yaml``: the screening policy (the default policy when absent)."""
        return self.root / "policy.yaml"

    @property
    def runs_dir(self) -> Path:
        """``runs/``: eval run files."""
        return self.root / "runs"

    @property
    def reports_dir(self) -> Path:
        """``reports/``: rendered reports."""
        return self.root / "reports"

    @property
    def dossier_dir(self) -> Path:
        """``dossier/``: built filing packs."""
        return self.root / "dossier"

    @property
    def gateway_settings_path(self) -> Path:
        """``gateway.yaml``: gateway settings."""
        return self.root / "gateway.yaml"

    @property
    def corpus_manifest_path(self) -> Path:
        """``corpus.yaml``: the corpus sources manifest."""
        return self.root / "corpus.yaml"

    @property
    def dossier_answers_path(self) -> Path:
        """``dossier.yaml``: the provider's answers for the filing packs."""
        return self.root / "dossier.yaml"

    # --- contents ----------------------------------------------------------------------------
    def profile(self) -> ServiceProfile:
        """The service profile, validated (``ConfigError`` names file, line and field)."""
        from hegui.kb import load_profile

        return load_profile(self.profile_path)

    def evidence_store(self) -> EvidenceStore:
        """The workspace's Evidence store (the ``evidence/`` folder)."""
        from hegui.evidence import DirectoryStore

        return DirectoryStore(self.evidence_dir)

    def lexicon_files(self) -> list[Path]:
        """The provider's keyword lists in ``lexicon/``, sorted by name."""
        return _files(self.lexicon_dir, _LEXICON_SUFFIXES)

    def bank_files(self) -> list[Path]:
        """The provider's question banks in ``banks/``, sorted by name."""
        return _files(self.banks_dir, _BANK_SUFFIXES)

    def policy_file(self) -> Path | None:
        """``policy.yaml`` if the workspace has one; None means the default policy."""
        return self.policy_path if self.policy_path.is_file() else None

    def relative(self, path: Path) -> str:
        """``path`` relative to the root when inside it (for records kept in git)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


def _files(folder: Path, suffixes: tuple[str, ...]) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file() and not p.name.startswith(".") and p.suffix.lower() in suffixes
    )
