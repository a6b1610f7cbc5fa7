"""API keys per tenant: the key is shown once; the store keeps only its SHA-256.

A key reads ``hgk_<id>_<secret>``: the id (public, in logs and audit records) finds the row, the
secret (32 random bytes) is what proves possession. A plain SHA-256 suffices for a 256-bit random
secret (no dictionary to guess from), and it keeps verification cheap on every request.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hegui.errors import InputError
from hegui.store._engine import writing
from hegui.store._schema import API_KEYS

__all__ = [
    "ApiKey",
    "NewKey",
    "create_key",
    "key_id_of",
    "list_keys",
    "revoke_key",
    "verify_key",
]

_KEY = re.compile(r"^hgk_([a-z2-7]{12})_([A-Za-z0-9_-]{43})$")
_NAME = re.compile(r"^[\w.@:-]{1,128}$")


@dataclass(frozen=True, slots=True)
class ApiKey:
    """A key's record (no secret in it)."""

    id: str
    name: str
    tenant: str
    sha256: str = field(repr=False)
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    rate_per_minute: int | None
    """Requests per minute for this key; ``None``: the gateway's default."""

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class NewKey:
    """A freshly created key: ``secret`` is the whole key, shown once and never stored."""

    key: ApiKey
    secret: str = field(repr=False)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def key_id_of(text: str) -> str | None:
    """The id part of a well-formed key, else ``None``."""
    m = _KEY.match(text)
    return m.group(1) if m else None


def verify_key(key: ApiKey, text: str) -> bool:
    """Whether ``text`` is ``key`` (constant-time) and the key is active."""
    return key.active and hmac.compare_digest(key.sha256, _digest(text))


def _row(r: sa.Row[tuple[object, ...]]) -> ApiKey:
    m = r._mapping
    return ApiKey(
        id=m["id"],
        name=m["name"],
        tenant=m["tenant"],
        sha256=m["sha256"],
        created_at=m["created_at"],
        revoked_at=m["revoked_at"],
        rate_per_minute=m["rate_per_minute"],
    )


def create_key(
    engine: Engine,
    name: str,
    *,
    tenant: str | None = None,
    rate_per_minute: int | None = None,
    now: dt.datetime,
) -> NewKey:
    """Create a key for ``tenant`` (default: the name).

    Raises:
        InputError: a name or tenant with characters outside letters, digits and ``._@:-``,
            or a rate below 1.
    """
    tenant = tenant or name
    for what, value in (("name", name), ("tenant", tenant)):
        if not _NAME.match(value):
            raise InputError(
                f"key {what} {value!r}: use 1-128 letters, digits or . _ @ : - "
                "(no spaces or slashes)"
            )
    if rate_per_minute is not None and rate_per_minute < 1:
        raise InputError(f"--rate {rate_per_minute}: a rate limit is at least 1 per minute")
    kid = base64.b32encode(secrets.token_bytes(10)).decode().lower()[:12]
    secret = f"hgk_{kid}_{secrets.token_urlsafe(32)}"
    key = ApiKey(kid, name, tenant, _digest(secret), now, None, rate_per_minute)
    with writing(engine) as conn:
        conn.execute(
            sa.insert(API_KEYS).values(
                id=key.id,
                name=key.name,
                tenant=key.tenant,
                sha256=key.sha256,
                created_at=now,
                rate_per_minute=rate_per_minute,
            )
        )
    return NewKey(key, secret)


def list_keys(engine: Engine, *, include_revoked: bool = True) -> list[ApiKey]:
    """Every key, oldest first."""
    table = API_KEYS
    stmt = sa.select(table).order_by(table.c.created_at, table.c.id)
    if not include_revoked:
        stmt = stmt.where(table.c.revoked_at.is_(None))
    with engine.connect() as conn:
        return [_row(r) for r in conn.execute(stmt)]


def revoke_key(engine: Engine, key_id: str, *, now: dt.datetime) -> ApiKey:
    """Revoke a key by id (the gateway refuses it from its next key refresh on).

    Raises:
        InputError: no such key, or it is revoked already.
    """
    table = API_KEYS
    with writing(engine) as conn:
        row = conn.execute(sa.select(table).where(table.c.id == key_id)).first()
        if row is None:
            raise InputError(f"no API key {key_id!r}; `hegui keys list` shows the ids")
        if row.revoked_at is not None:
            raise InputError(f"API key {key_id!r} was revoked on {row.revoked_at:%Y-%m-%d}")
        conn.execute(sa.update(table).where(table.c.id == key_id).values(revoked_at=now))
        row = conn.execute(sa.select(table).where(table.c.id == key_id)).one()
    return _row(row)
