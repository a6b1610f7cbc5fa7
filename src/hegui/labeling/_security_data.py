"""TC260-PG-202511A ``SecurityData`` in the reserved fields: recognised, named, not verified.

What hegui knows (``standards-verification-2026-12.md`` item 42, grade C; confidence M,
UNCONFIRMED): the security-protection practice guide TC260-PG-202511A defines a JSON object
``SecurityData`` for the reserved fields, with mandatory ``Type`` and ``Version`` and optional
``Bindings``, ``PrivSD``, ``PubSD`` and ``Extension``; algorithms are named by OID (one
implementation reports SM3withSM2, ``1.2.156.10197.1.501``, in files it verified). The guide's
text was not read, so its structure is not confirmed: hegui recognises a value of that shape,
names it and its algorithm OIDs, and reports it unverifiable. It writes its own ``hg2`` token
instead (:mod:`hegui.labeling._integrity`), which differs: a compact string in the Appendix E j)
character set rather than a nested object, HMAC-SHA256 or Ed25519 rather than SM2, and a
versioned content digest of what a reader renders rather than the guide's content binding.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Final

__all__ = ["SecurityData", "security_data"]

_OID: Final = re.compile(r"^[0-2](\.\d+){3,}$")
_KNOWN_OIDS: Final = {"1.2.156.10197.1.501": "SM3withSM2"}
_MAX_NODES: Final = 10_000


@dataclass(frozen=True, slots=True)
class SecurityData:
    """A value shaped like TC260-PG-202511A ``SecurityData`` (structure UNCONFIRMED)."""

    type: str
    version: str
    algorithms: tuple[str, ...]
    """OIDs found anywhere in the object, named where known (``SM3withSM2 (1.2.156…)``)."""

    def describe(self) -> str:
        """One line for reports."""
        algs = ", ".join(self.algorithms) or "none named"
        return (
            f"a TC260-PG-202511A SecurityData object (Type {self.type!r}, Version "
            f"{self.version!r}; algorithms: {algs}); its structure is UNCONFIRMED in hegui's "
            "reference and hegui does not verify it"
        )


def _object(value: object) -> dict[str, object] | None:
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            loaded = json.loads(value)
        except ValueError:
            return None
        return _object(loaded) if isinstance(loaded, dict) else None
    return None


def _oids(value: object) -> list[str]:
    found: list[str] = []
    stack, seen = [value], 0
    while stack and seen < _MAX_NODES:
        item = stack.pop()
        seen += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and _OID.match(item) and item not in found:
            found.append(item)
    return sorted(found)


def security_data(value: object) -> SecurityData | None:
    """``value`` as SecurityData when it is an object (or its JSON text) with Type and Version."""
    obj = _object(value)
    if obj is None:
        return None
    keys = {k.lower(): k for k in obj}
    if "type" not in keys or "version" not in keys:
        return None
    named = [f"{_KNOWN_OIDS[o]} ({o})" if o in _KNOWN_OIDS else o for o in _oids(obj)]
    return SecurityData(str(obj[keys["type"]]), str(obj[keys["version"]]), tuple(named))
