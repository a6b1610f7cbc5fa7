"""Integrity keys: an HMAC-SHA256 secret or an Ed25519 key, always of a type the caller names.

The key type is never guessed from a file's contents (security review S4): a file given as an HMAC
secret that is shaped like public-key material (PEM armour, DER with the Ed25519 OID, an OpenSSH
key, 32 binary bytes, the size of a raw Ed25519 public key) is refused, because anyone holding
the public key could then forge ``hs256`` values that verify as valid. A verifier that holds only
Ed25519 keys can therefore never accept a symmetric tag.

Schemes register under component ids in :data:`INTEGRITY_SCHEMES` (entry-point group
``hegui.integrity``); a third party adds, say, SM2 there.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from enum import StrEnum
from typing import ClassVar, Final, Protocol

from hegui.components import Registry
from hegui.errors import InputError

__all__ = [
    "INTEGRITY_SCHEMES",
    "Ed25519Key",
    "HmacKey",
    "IntegrityKey",
    "KeyKind",
    "load_key",
    "scheme_id",
]

_MIN_HMAC_KEY: Final = 16
_ED25519_OID: Final = bytes.fromhex("06032b6570")
_RAW_PUBLIC_SIZE: Final = 32


class KeyKind(StrEnum):
    """What a key file holds, as the user states it (``--hmac-key`` or ``--key``)."""

    HMAC = "hmac"
    """A shared secret for HMAC-SHA256."""
    ED25519 = "ed25519"
    """An Ed25519 private key (PEM, PKCS#8) or public key (PEM, SubjectPublicKeyInfo)."""


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


INTEGRITY_SCHEMES: Final = Registry[IntegrityKey](
    "integrity scheme", "hegui.integrity", builtins=("hegui.labeling._keys",)
)
"""Integrity schemes by component id (``hegui/hs256``, ``hegui/ed25519``)."""


def _public_key_shape(data: bytes) -> str | None:
    """Why ``data`` looks like public-key material, or None."""
    head = data.lstrip()
    if b"-----BEGIN" in data:
        return "it holds a PEM key (give Ed25519 keys with --key)"
    if head.startswith((b"ssh-", b"ecdsa-sha2-", b"sk-ssh-")):
        return "it is an OpenSSH public key"
    if data[:1] == b"\x30" and _ED25519_OID in data[:24]:
        return "it is a DER-encoded Ed25519 key"
    if len(data) == _RAW_PUBLIC_SIZE and not all(0x20 <= b < 0x7F for b in data):
        return "it has exactly 32 binary bytes, the shape of a raw Ed25519 public key"
    return None


@INTEGRITY_SCHEMES.register("hegui/hs256")
@dataclass(frozen=True, slots=True, repr=False)
class HmacKey:
    """A shared secret for HMAC-SHA256 (RFC 2104); at least 16 bytes, never key-shaped."""

    secret: bytes
    scheme: ClassVar[str] = "hs256"

    def __post_init__(self) -> None:
        if len(self.secret) < _MIN_HMAC_KEY:
            raise InputError(
                f"HMAC key has {len(self.secret)} bytes; use at least {_MIN_HMAC_KEY} random "
                "bytes (e.g. `openssl rand -hex 32 > label.key`)"
            )
        shape = _public_key_shape(self.secret)
        if shape is not None:
            raise InputError(
                f"refusing this HMAC secret: {shape}. Public keys are public, so an HMAC tag "
                "keyed with one can be forged by anyone. Make a secret with "
                "`openssl rand -hex 32 > label.key`"
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


@INTEGRITY_SCHEMES.register("hegui/ed25519")
@dataclass(frozen=True, slots=True, repr=False)
class Ed25519Key:
    """An Ed25519 key (RFC 8032): 32 raw public bytes and, for signing, the private key PEM."""

    public_raw: bytes
    private_pem: bytes | None = field(default=None, repr=False)
    scheme: ClassVar[str] = "ed25519"

    def __repr__(self) -> str:
        kind = "private" if self.private_pem is not None else "public"
        return f"Ed25519Key(kid={self.kid!r}, {kind})"  # never print the private key

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


def load_key(data: bytes, kind: KeyKind, *, source: str = "key") -> IntegrityKey:
    """Load a key of the stated ``kind`` from file contents.

    Args:
        data: The bytes of the key file. An HMAC secret is taken as is, minus trailing newlines.
        kind: What the caller says the file holds; never guessed.
        source: Name of the file (and option), for messages.

    Raises:
        InputError: The file does not hold a key of that kind.
    """
    if kind is KeyKind.HMAC:
        # Checked before trailing newlines are stripped too: a raw public key can end in 0x0a.
        shape = _public_key_shape(data)
        try:
            if shape is not None:
                raise InputError(
                    f"refusing this HMAC secret: {shape}. Make a secret with "
                    "`openssl rand -hex 32 > label.key`"
                )
            return HmacKey(data.rstrip(b"\r\n"))
        except InputError as exc:
            raise InputError(f"{source}: {exc}") from None
    return _load_ed25519(data, source)


def _load_ed25519(data: bytes, source: str) -> Ed25519Key:
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

    if b"-----BEGIN" not in data:
        raise InputError(
            f"{source}: not a PEM key; --key takes an Ed25519 key in PEM "
            "(`openssl genpkey -algorithm ed25519 -out label.pem`). For a shared HMAC secret "
            "use --hmac-key"
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
        raise InputError(f"{source}: cannot read the PEM key ({exc})") from None
    raise InputError(
        f"{source}: PEM key is not Ed25519; hegui signs labels with Ed25519 or HMAC-SHA256 "
        "(e.g. `openssl genpkey -algorithm ed25519 -out label.pem`)"
    )


def scheme_id(key: IntegrityKey) -> str:
    """The component id under which ``key``'s scheme is registered (``hegui/hs256`` …)."""
    for component_id in INTEGRITY_SCHEMES.ids():
        if getattr(INTEGRITY_SCHEMES.factory(component_id), "scheme", None) == key.scheme:
            return component_id
    return f"unregistered/{key.scheme}"
