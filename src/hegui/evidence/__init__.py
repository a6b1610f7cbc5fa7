"""Evidence: the record every check writes, and the stores that keep it.

Scope says what is owed as evidence kinds (``EV-…`` ids of the kb); checks (lexicon coverage,
evaluations, label batches …) and documents the provider supplies produce ``Evidence`` records
into the workspace's store; ``hegui status`` compares the two, and the dossier assembles them.

This package also holds the one atomic-write helper of the project (:func:`write_atomic`,
:func:`publish`): every file hegui writes goes through it.

Example:
    >>> import tempfile, pathlib
    >>> store = DirectoryStore(pathlib.Path(tempfile.mkdtemp()) / "evidence")
    >>> ev = Evidence(check="demo.check", tests=("GAI-14",), result="pass", summary="ok")
    >>> store.get(store.add(ev)) == ev
    True
"""

from hegui.evidence._files import (
    InputDigest,
    default_mode,
    digest_bytes,
    digest_file,
    publish,
    temp_beside,
    write_atomic,
)
from hegui.evidence._model import (
    EVIDENCE_ID,
    EVIDENCE_KIND_ID,
    SCHEMA_VERSION,
    Evidence,
    EvidenceResult,
    SuppliedDocument,
    new_evidence_id,
    parse_evidence,
)
from hegui.evidence._store import DirectoryStore, EvidenceStore, StoreProblem

__all__ = [
    "EVIDENCE_ID",
    "EVIDENCE_KIND_ID",
    "SCHEMA_VERSION",
    "DirectoryStore",
    "Evidence",
    "EvidenceResult",
    "EvidenceStore",
    "InputDigest",
    "StoreProblem",
    "SuppliedDocument",
    "default_mode",
    "digest_bytes",
    "digest_file",
    "new_evidence_id",
    "parse_evidence",
    "publish",
    "temp_beside",
    "write_atomic",
]
