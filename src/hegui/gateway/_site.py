"""Where the gateway finds its settings, lexicon, policy, store and evidence folder.

A workspace is a folder with ``gateway.yaml`` (and usually ``hegui.yaml``); without
``--workspace`` the nearest one at or above the current folder is used. Until
``hegui.workspace`` decides these defaults for every command, this module does it for the
gateway alone: the lexicon is ``screening.lexicon`` or the one file in ``lexicon/`` (else the
starter lexicon), the policy ``screening.policy`` or ``policy.yaml`` (else hegui's default),
the store ``store.url`` or ``store/hegui.db``, Evidence goes to ``evidence/``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hegui.errors import ConfigError, InputError
from hegui.gateway._settings import GatewaySettings, load_settings
from hegui.store import default_store_url

__all__ = ["SETTINGS_FILE", "Site", "find_site", "open_site", "resolve_store_url"]

SETTINGS_FILE = "gateway.yaml"
_LEXICON_SUFFIXES = {".yaml", ".yml", ".jsonl", ".csv", ".xlsx"}


@dataclass(frozen=True, slots=True)
class Site:
    """A workspace as the gateway uses it."""

    root: Path
    settings_path: Path
    settings: GatewaySettings
    lexicon: Path | None
    policy: Path | None
    store_url: str
    evidence_dir: Path


def find_site(start: Path) -> Path:
    """The nearest folder at or above ``start`` holding ``gateway.yaml``.

    Raises:
        InputError: none found.
    """
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / SETTINGS_FILE).is_file():
            return folder
    raise InputError(
        f"no {SETTINGS_FILE} in {start} or any folder above it; pass --workspace DIR, or write "
        f"one (`hegui gateway init`)"
    )


def _lexicon(root: Path, settings: GatewaySettings) -> Path | None:
    if settings.screening.lexicon is not None:
        return root / settings.screening.lexicon
    folder = root / "lexicon"
    if not folder.is_dir():
        return None
    files = sorted(p for p in folder.iterdir() if p.suffix.lower() in _LEXICON_SUFFIXES)
    if len(files) > 1:
        raise ConfigError(
            f"{folder} holds {len(files)} lexicon files and the gateway screens with one",
            path=root / SETTINGS_FILE,
            field="screening.lexicon",
            fix="name the lexicon to use in screening.lexicon",
        )
    return files[0] if files else None


def open_site(workspace: Path | None = None, *, cwd: Path | None = None) -> Site:
    """Read the workspace's gateway settings and decide every default.

    Raises:
        InputError: no workspace found.
        ConfigError: ``gateway.yaml`` is invalid, or the lexicon is ambiguous.
    """
    root = workspace.resolve() if workspace is not None else find_site(cwd or Path.cwd())
    path = root / SETTINGS_FILE
    if not path.is_file():
        raise InputError(f"{path}: no such file; write it (`hegui gateway init {root}`)")
    settings = load_settings(path)
    policy = root / settings.screening.policy if settings.screening.policy else None
    if policy is None and (root / "policy.yaml").is_file():
        policy = root / "policy.yaml"
    return Site(
        root=root,
        settings_path=path,
        settings=settings,
        lexicon=_lexicon(root, settings),
        policy=policy,
        store_url=settings.store.url or default_store_url(root),
        evidence_dir=root / "evidence",
    )


def resolve_store_url(workspace: Path | None = None, store: str | None = None) -> str:
    """The store URL a command uses: ``store`` if given, else the workspace's.

    The workspace's is ``store.url`` of its ``gateway.yaml``, else its SQLite file. Without
    ``workspace`` the nearest folder with ``gateway.yaml`` or ``hegui.yaml`` is used.

    Raises:
        InputError: no store given and no workspace found.
        ConfigError: the workspace's ``gateway.yaml`` is invalid.
    """
    if store:
        return store
    if workspace is None:
        start = Path.cwd().resolve()
        for folder in (start, *start.parents):
            if (folder / SETTINGS_FILE).is_file() or (folder / "hegui.yaml").is_file():
                workspace = folder
                break
        else:
            raise InputError(
                f"no workspace (gateway.yaml or hegui.yaml) in {start} or above; pass "
                "--workspace DIR or --store URL"
            )
    root = workspace.resolve()
    if (root / SETTINGS_FILE).is_file():
        url = load_settings(root / SETTINGS_FILE).store.url
        if url:
            return url
    return default_store_url(root)
