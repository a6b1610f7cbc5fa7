"""Integrity values for ``ReservedCode1`` (producer) and ``ReservedCode2`` (platform).

Appendix E f) and i) reserve these fields for information "用于…保护内容、标识完整性"
(protecting content and label integrity) without fixing a construction (Note 2 points at a
hash/signature example in Appendix F.4; grade B). TC260-PG-202511A reportedly names
SM3withSM2 signatures: UNCONFIRMED, so hegui ships HMAC-SHA256 and Ed25519 and lets a third party
register another scheme (for example SM2) with :func:`integrity_scheme`.

The hegui construction, version 1 (``hg1``):

``ReservedCode1 = "hg1." scheme "." kid "." scope "." base64url(sig)``

* ``scheme``: ``hs256`` (HMAC-SHA256, 32-byte tag) or ``ed25519`` (64-byte signature);
* ``kid``: 8 hex digits naming the key (first 4 bytes of a SHA-256 over the key, see each class);
* ``scope``: ``c`` when the content digest is covered, ``m`` for metadata only;
* ``sig``: over the UTF-8 bytes of the compact JSON array (every value is in the j) set, so the
  serialisation is unambiguous)

  - producer: ``["hegui-aigc/1","ReservedCode1",Label,ContentProducer,ProduceID,digest]``
  - platform: ``["hegui-aigc/1","ReservedCode2",Label,ContentProducer,ProduceID,ReservedCode1,
    ContentPropagator,PropagateID,digest]``

  where ``digest`` is the lower-case hex SHA-256 of the file's essence (media data, without any
  metadata; each carrier defines it) or ``""`` for scope ``m``.

The producer's value covers only production elements, so a platform can rewrite the propagation
elements (Measures Art. 6) without breaking it; the platform's value chains over the producer's.
Every character of a token is in the j) set.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, ClassVar, Protocol

from hegui.errors import InputError

if TYPE_CHECKING:
    from hegui.labeling._model import AigcLabel

__all__ = [
    "Ed25519Key",
    "HmacKey",
    "IntegrityKey",
    "IntegrityResult",
    "IntegrityStatus",
    "Role",
    "integrity_message",
    "integrity_scheme",
    "load_key",
    "sign_label",
    "verify_integrity",
]

_DOMAIN = "hegui-aigc/1"
_PREFIX = "hg1"
_MIN_HMAC_KEY = 16


class Role(StrEnum):
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
    or a content digest the format cannot produce."""


@dataclass(frozen=True, slots=True)
class IntegrityResult:
    """Status of one reserved field, with the scheme and key id when known."""

    field: Role
    status: IntegrityStatus
    detail: str
    scheme: str | None = None
    kid: str | None = None
    covers_content: bool | None = None


class IntegrityKey(Protocol):
    """A key of one scheme. Signing keys can also verify."""

    scheme: ClassVar[str]

    @property
    def kid(self) -> str:
        """8 hex digits naming the key."""
        ...

    @property
    def can_sign(self) -> bool:
        """Whether :meth:`sign` works (an Ed25519 public key cannot sign)."""
        ...

    def sign(self, message: bytes) -> bytes:
        """The signature or tag over ``message``."""
        ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` matches ``message``."""
        ...


_SCHEMES: dict[str, type[IntegrityKey]] = {}


def integrity_scheme(scheme_id: str) -> Callable[[type[IntegrityKey]], type[IntegrityKey]]:
    """Register a key class under a stable scheme id (the token's second part)."""

    def register(cls: type[IntegrityKey]) -> type[IntegrityKey]:
        _SCHEMES[scheme_id] = cls
        return cls

    return register


@integrity_scheme("hs256")
@dataclass(frozen=True, slots=True, repr=False)
class HmacKey:
    """A shared secret for HMAC-SHA256 (RFC 2104); at least 16 bytes."""

    secret: bytes
    scheme: ClassVar[str] = "hs256"

    def __post_init__(self) -> None:
        if len(self.secret) < _MIN_HMAC_KEY:
            raise InputError(
                f"HMAC key has {len(self.secret)} bytes; use at least {_MIN_HMAC_KEY} random "
                "bytes (e.g. `head -c 32 /dev/urandom > label.key`)"
            )

    def __repr__(self) -> str:
        return f"HmacKey(kid={self.kid!r})"  # never print the secret

    @property
    def kid(self) -> str:
        """Domain-separated hash of the secret: names it without revealing it."""
        return hashlib.sha256(b"hegui-kid\0" + self.secret).hexdigest()[:8]

    @property
    def can_sign(self) -> bool:
        """Always true."""
        return True

    def sign(self, message: bytes) -> bytes:
        """HMAC-SHA256 tag."""
        return hmac.new(self.secret, message, hashlib.sha256).digest()

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Constant-time comparison of tags."""
        return hmac.compare_digest(self.sign(message), signature)


@integrity_scheme("ed25519")
@dataclass(frozen=True, slots=True)
class Ed25519Key:
    """An Ed25519 key (RFC 8032): 32 raw public bytes and, for signing, the private key PEM."""

    public_raw: bytes
    private_pem: bytes | None = None
    scheme: ClassVar[str] = "ed25519"

    @property
    def kid(self) -> str:
        """First 4 bytes of SHA-256 over the raw public key."""
        return hashlib.sha256(self.public_raw).hexdigest()[:8]

    @property
    def can_sign(self) -> bool:
        """True when the private key is loaded."""
        return self.private_pem is not None

    def sign(self, message: bytes) -> bytes:
        """Ed25519 signature (64 bytes)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import load_pem_private_key

        if self.private_pem is None:
            raise InputError(f"Ed25519 key {self.kid} is a public key; sign with the private key")
        key = load_pem_private_key(self.private_pem, password=None)
        assert isinstance(key, Ed25519PrivateKey)  # checked in load_key
        return key.sign(message)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Check the signature with the public key."""
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.public_raw).verify(signature, message)
        except InvalidSignature:
            return False
        return True


def load_key(data: bytes, *, source: str = "key") -> IntegrityKey:
    """Load a key from file contents: an Ed25519 PEM (private or public), else an HMAC secret.

    Args:
        data: The bytes of the key file. An HMAC secret is taken as is, minus trailing newlines.
        source: Name of the file, for messages.
    """
    if not data.lstrip().startswith(b"-----BEGIN"):
        return HmacKey(data.rstrip(b"\r\n"))
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        PublicFormat,
        load_pem_private_key,
        load_pem_public_key,
    )

    raw = (Encoding.Raw, PublicFormat.Raw)
    try:
        if b"PRIVATE KEY" in data:
            private = load_pem_private_key(data, password=None)
            if isinstance(private, Ed25519PrivateKey):
                return Ed25519Key(private.public_key().public_bytes(*raw), data)
        else:
            public = load_pem_public_key(data)
            if isinstance(public, Ed25519PublicKey):
                return Ed25519Key(public.public_bytes(*raw))
    except (ValueError, TypeError) as exc:
        raise InputError(f"{source}: cannot read the PEM key ({exc})") from exc
    raise InputError(
        f"{source}: PEM key is not Ed25519; hegui signs labels with Ed25519 or HMAC-SHA256 "
        "(e.g. `openssl genpkey -algorithm ed25519 -out label.pem`)"
    )


def integrity_message(label: AigcLabel, role: Role, content_digest: str | None) -> bytes:
    """The bytes a ``role`` signs: see the module docstring."""
    f = label.fields()
    if role is Role.PRODUCER:
        parts = [f["Label"], f["ContentProducer"], f["ProduceID"]]
    else:
        parts = [
            f["Label"],
            f["ContentProducer"],
            f["ProduceID"],
            f["ReservedCode1"],
            f["ContentPropagator"],
            f["PropagateID"],
        ]
    payload = [_DOMAIN, role.value, *parts, content_digest or ""]
    return json.dumps(payload, ensure_ascii=True, separators=(",", ":")).encode()


def sign_label(
    label: AigcLabel, role: Role, key: IntegrityKey, content_digest: str | None = None
) -> AigcLabel:
    """Return ``label`` with ``role``'s reserved field set to a fresh integrity value."""
    if not key.can_sign:
        raise InputError(f"{key.scheme} key {key.kid} cannot sign; give the private key")
    sig = key.sign(integrity_message(label, role, content_digest))
    scope = "m" if content_digest is None else "c"
    token = ".".join((_PREFIX, key.scheme, key.kid, scope, _b64(sig)))
    name = "reserved_code1" if role is Role.PRODUCER else "reserved_code2"
    return label.model_copy(update={name: token})


def verify_integrity(
    label: AigcLabel,
    role: Role,
    keys: Sequence[IntegrityKey],
    content_digest: Callable[[], str | None],
) -> IntegrityResult:
    """Check ``role``'s reserved field of ``label``.

    Args:
        label: The label as read from the file.
        role: Which field to check.
        keys: Candidate keys; the one whose scheme and kid match is used.
        content_digest: Computes the file's essence digest, called only for scope ``c``.
    """
    token = label.reserved_code1 if role is Role.PRODUCER else label.reserved_code2
    if not token:
        return IntegrityResult(role, IntegrityStatus.ABSENT, f"{role.value} is empty")
    parts = token.split(".")
    if len(parts) != 5 or parts[0] != _PREFIX:
        return IntegrityResult(
            role,
            IntegrityStatus.UNVERIFIABLE,
            f"{role.value} is not a hegui integrity value (another writer's hash or signature)",
        )
    _, scheme, kid, scope, sig_text = parts

    def result(status: IntegrityStatus, detail: str) -> IntegrityResult:
        return IntegrityResult(role, status, detail, scheme, kid, scope == "c")

    if scheme not in _SCHEMES:
        known = ", ".join(sorted(_SCHEMES))
        return result(IntegrityStatus.UNVERIFIABLE, f"unknown scheme {scheme!r}; known: {known}")
    key = next((k for k in keys if k.scheme == scheme and k.kid == kid), None)
    if key is None:
        return result(IntegrityStatus.UNVERIFIABLE, f"no {scheme} key with id {kid} was given")
    digest: str | None = None
    if scope == "c":
        digest = content_digest()
        if digest is None:
            return result(
                IntegrityStatus.UNVERIFIABLE,
                "covers the content, but this format has no content digest",
            )
    elif scope != "m":
        return result(IntegrityStatus.INVALID, f"unknown scope {scope!r} (expected 'c' or 'm')")
    try:
        sig = base64.urlsafe_b64decode(sig_text + "=" * (-len(sig_text) % 4))
    except (binascii.Error, ValueError):
        return result(IntegrityStatus.INVALID, "the signature part is not base64url")
    if key.verify(integrity_message(label, role, digest), sig):
        what = "label and content match" if digest else "label matches"
        return result(IntegrityStatus.VALID, f"{what} ({scheme} key {kid})")
    what = "label or content" if digest else "label"
    return result(IntegrityStatus.INVALID, f"{what} changed since signing, or a different key")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()
