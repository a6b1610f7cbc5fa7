"""Integrity values for ``ReservedCode1`` (producer) and ``ReservedCode2`` (platform).

Appendix E f) and i) reserve these fields for information "用于…保护内容、标识完整性"
(protecting content and label integrity) without fixing a construction (Note 2 points at a
hash/signature example in Appendix F.4; grade B). TC260-PG-202511A describes a ``SecurityData``
object for them (see :mod:`hegui.labeling._security_data`, structure UNCONFIRMED); hegui reads that
form but writes its own token, ``hg2``:

``ReservedCode1 = "hg2." scheme "." kid "." scope "." base64url(sig)``

* ``scheme``: ``hs256`` (HMAC-SHA256, 32-byte tag) or ``ed25519`` (64-byte signature), or a scheme
  a third party registered (:data:`~hegui.labeling._keys.INTEGRITY_SCHEMES`);
* ``kid``: 8 hex digits naming the key;
* ``scope``: ``m`` for metadata only, or ``c<N>`` when the content digest of definition version
  ``N`` of the file's format is covered (``c2`` = ``png/2`` in a PNG; see each carrier's
  ``essence``). Definitions are versioned because what they cover changed (security review
  S2, S3, S6): a value made under a retired definition is reported unverifiable, never valid;
* ``sig``: over the UTF-8 bytes of the compact JSON array

  - producer: ``["hegui-aigc/2","ReservedCode1",Label,ContentProducer,ProduceID,definition,digest]``
  - platform: ``["hegui-aigc/2","ReservedCode2",Label,ContentProducer,ProduceID,ReservedCode1,
    ContentPropagator,PropagateID,definition,digest]``

  where ``definition`` is the digest definition id (``png/2``) and ``digest`` the lower-case hex
  SHA-256, both ``""`` for scope ``m``.

The producer's value covers only production elements, so a platform can rewrite the propagation
elements (Measures Art. 6) without breaking it; the platform's value chains over the producer's.
A scope-``m`` value binds the label, not the content: copied onto another file it still verifies,
so :func:`verify_integrity` says "metadata only — does not bind the content" (S5).

``hg1`` values (hegui 0.1) are still read: scope ``m`` and ``c`` under a definition still current
(version 1) verify; ``c`` under a retired definition is unverifiable.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from hegui.errors import InputError
from hegui.labeling._keys import INTEGRITY_SCHEMES, IntegrityKey

if TYPE_CHECKING:
    from hegui.labeling._model import AigcLabel

__all__ = [
    "METADATA_ONLY",
    "ContentDigest",
    "IntegrityResult",
    "IntegrityRole",
    "IntegrityStatus",
    "integrity_message",
    "sign_label",
    "verify_integrity",
]

_PREFIX: Final = "hg2"
_DOMAINS: Final = {"hg1": "hegui-aigc/1", "hg2": "hegui-aigc/2"}
METADATA_ONLY: Final = "metadata only — does not bind the content"


class IntegrityRole(StrEnum):
    """Who writes the integrity value, and into which field."""

    PRODUCER = "ReservedCode1"
    PLATFORM = "ReservedCode2"


class IntegrityStatus(StrEnum):
    """Outcome of checking one reserved field."""

    VALID = "valid"
    INVALID = "invalid"
    """A hegui value that does not match the label (or the content): tampered or wrong key."""
    ABSENT = "absent"
    """The field is empty."""
    UNVERIFIABLE = "unverifiable"
    """A value hegui cannot check: another vendor's format, an unknown scheme, no matching key,
    a retired digest definition, or a content digest the format cannot produce."""


@dataclass(frozen=True, slots=True)
class ContentDigest:
    """The digest of a file's essence under one versioned definition."""

    definition: str
    """``<format>/<version>``, e.g. ``png/2``."""
    sha256: str

    @property
    def version(self) -> int:
        """The definition's version number."""
        return int(self.definition.rsplit("/", 1)[1])


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    """Status of one reserved field, with the scheme and key id when known."""

    field: IntegrityRole
    status: IntegrityStatus
    detail: str
    scheme: str | None = None
    kid: str | None = None
    covers_content: bool | None = None
    """True when the value binds the content digest; False for a metadata-only value."""


def _key_classes() -> dict[str, type[IntegrityKey]]:
    out: dict[str, type[IntegrityKey]] = {}
    for component_id in INTEGRITY_SCHEMES.ids():
        factory = INTEGRITY_SCHEMES.factory(component_id)
        scheme = getattr(factory, "scheme", None)
        if isinstance(scheme, str):
            out[scheme] = factory  # type: ignore[assignment]
    return out


def integrity_message(
    label: AigcLabel, role: IntegrityRole, digest: ContentDigest | None, *, version: str = _PREFIX
) -> bytes:
    """The bytes a ``role`` signs: see the module docstring."""
    f = label.fields()
    parts = [f["Label"], f["ContentProducer"], f["ProduceID"]]
    if role is IntegrityRole.PLATFORM:
        parts += [f["ReservedCode1"], f["ContentPropagator"], f["PropagateID"]]
    if version == "hg1":
        tail = [digest.sha256 if digest else ""]
    else:
        tail = [digest.definition, digest.sha256] if digest else ["", ""]
    payload = [_DOMAINS[version], role.value, *parts, *tail]
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode()


def sign_label(
    label: AigcLabel, role: IntegrityRole, key: IntegrityKey, digest: ContentDigest | None = None
) -> AigcLabel:
    """Return ``label`` with ``role``'s reserved field set to a fresh integrity value."""
    if not key.can_sign:
        raise InputError(f"{key.scheme} key {key.kid} cannot sign; give the private key")
    sig = key.sign(integrity_message(label, role, digest))
    scope = "m" if digest is None else f"c{digest.version}"
    token = ".".join((_PREFIX, key.scheme, key.kid, scope, _b64(sig)))
    name = "reserved_code1" if role is IntegrityRole.PRODUCER else "reserved_code2"
    return label.model_copy(update={name: token})


def verify_integrity(
    label: AigcLabel,
    role: IntegrityRole,
    keys: Sequence[IntegrityKey],
    content_digest: Callable[[], ContentDigest | None],
    *,
    retired: Callable[[str], str | None] = lambda _definition: None,
) -> IntegrityResult:
    """Check ``role``'s reserved field of ``label``.

    Args:
        label: The label as read from the file.
        role: Which field to check.
        keys: Candidate keys; the one whose scheme and kid match is used.
        content_digest: Computes the file's current content digest, called only for a value
            that covers the content.
        retired: Why a digest definition (``png/1``) was retired, or None if unknown.
    """
    token = label.reserved_code1 if role is IntegrityRole.PRODUCER else label.reserved_code2
    if not token:
        return IntegrityResult(role, IntegrityStatus.ABSENT, f"{role.value} is empty")
    parts = token.split(".")
    if len(parts) != 5 or parts[0] not in _DOMAINS:
        return IntegrityResult(
            role,
            IntegrityStatus.UNVERIFIABLE,
            f"{role.value} is not a hegui integrity value (another writer's hash or signature)",
        )
    version, scheme, kid, scope, sig_text = parts
    covers = scope != "m"

    def result(status: IntegrityStatus, detail: str) -> IntegrityResult:
        return IntegrityResult(role, status, detail, scheme, kid, covers)

    classes = _key_classes()
    if scheme not in classes:
        known = ", ".join(sorted(classes))
        return result(IntegrityStatus.UNVERIFIABLE, f"unknown scheme {scheme!r}; known: {known}")
    key = next((k for k in keys if k.scheme == scheme and k.kid == kid), None)
    if key is None:
        return result(IntegrityStatus.UNVERIFIABLE, f"no {scheme} key with id {kid} was given")
    digest: ContentDigest | None = None
    if covers:
        wanted = _scope_version(version, scope)
        if wanted is None:
            return result(IntegrityStatus.INVALID, f"unknown scope {scope!r} (expected m or cN)")
        digest = content_digest()
        if digest is None:
            return result(
                IntegrityStatus.UNVERIFIABLE,
                "covers the content, but this format has no content digest",
            )
        if digest.version != wanted:
            name = digest.definition.rsplit("/", 1)[0] + f"/{wanted}"
            why = retired(name) or "a definition this hegui does not know"
            return result(
                IntegrityStatus.UNVERIFIABLE,
                f"signed over content digest {name}, retired ({why}); this hegui computes "
                f"{digest.definition}. Ask the signer to sign again",
            )
    try:
        sig = base64.urlsafe_b64decode(sig_text + "=" * (-len(sig_text) % 4))
    except (binascii.Error, ValueError):
        return result(IntegrityStatus.INVALID, "the signature part is not base64url")
    if key.verify(integrity_message(label, role, digest, version=version), sig):
        if digest is None:
            return result(IntegrityStatus.VALID, f"label matches, {METADATA_ONLY} ({scheme} {kid})")
        detail = f"label and content match (digest {digest.definition}, {scheme} key {kid})"
        return result(IntegrityStatus.VALID, detail)
    what = "label or content" if digest else "label"
    return result(IntegrityStatus.INVALID, f"{what} changed since signing, or a different key")


def _scope_version(version: str, scope: str) -> int | None:
    if version == "hg1":
        return 1 if scope == "c" else None
    digits = scope[1:]
    return int(digits) if scope.startswith("c") and digits.isdigit() and digits[0] != "0" else None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
