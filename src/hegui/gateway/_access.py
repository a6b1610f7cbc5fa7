"""Who may call, how often, and whether the user is suspended: kept in memory, fed by the store.

The hot path never waits for the database: keys and suspensions are cached and refreshed in the
background every ``users.refresh_interval`` (a key created with ``hegui keys create`` is also
looked up on its first use; a revocation or a lift made from the CLI or another worker takes
effect within one interval). Rate limits are token buckets per key and per worker process: with
N workers each enforces 1/N of the key's rate (connections are spread across workers).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from hegui.gateway._errors import GatewayError, Outcome
from hegui.gateway._settings import GatewaySettings
from hegui.store import (
    ApiKey,
    StrikeOutcome,
    UserRule,
    key_id_of,
    list_keys,
    record_strike,
    suspended_users,
    verify_key,
)

__all__ = ["Caller", "KeyRing", "UserGuard", "user_digest"]

SHANGHAI = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time (no daylight saving), for times shown to users."""


def user_digest(user_id: str) -> str:
    """A short stable digest of a user id, for logs (the id itself may be personal data)."""
    return hashlib.sha256(user_id.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated caller of one request."""

    key_id: str | None
    tenant: str
    rate_per_minute: int


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float


class KeyRing:
    """API keys by id, refreshed from the store; token buckets per key."""

    def __init__(self, engine: Engine, settings: GatewaySettings, workers: int = 1) -> None:
        self.engine = engine
        self.required = settings.auth.required
        self.default_rate = settings.limits.requests_per_minute
        self.workers = max(1, workers)
        self._keys: dict[str, ApiKey] = {}
        self._buckets: dict[str, _Bucket] = {}
        self._refreshed = 0.0

    def refresh(self) -> None:
        """Reload every key from the store (blocking: call from a thread)."""
        self._keys = {k.id: k for k in list_keys(self.engine)}
        self._refreshed = time.monotonic()

    def lookup(self, authorization: str | None) -> tuple[str | None, ApiKey | None]:
        """The key id a header names and its cached record (``None`` if not cached)."""
        if not authorization:
            return None, None
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer":
            return None, None
        kid = key_id_of(token.strip())
        return kid, self._keys.get(kid) if kid else None

    @property
    def stale(self) -> bool:
        """Whether a cache miss may be worth a refresh (at most one a second)."""
        return time.monotonic() - self._refreshed > 1.0

    def authenticate(self, authorization: str | None) -> Caller:
        """The caller, or 401 (no key, malformed, unknown, wrong, revoked)."""
        if not self.required:
            return Caller(None, "default", self.default_rate)
        if not authorization:
            raise GatewayError(
                401,
                "no API key: send `Authorization: Bearer <key>` (keys: `hegui keys create NAME`)",
                "missing_api_key",
            )
        _, key = self.lookup(authorization)
        token = authorization.partition(" ")[2].strip()
        if key is None or not verify_key(key, token):
            revoked = key is not None and not key.active
            raise GatewayError(
                401,
                "the API key was revoked" if revoked else "invalid API key",
                "invalid_api_key",
            )
        return Caller(key.id, key.tenant, key.rate_per_minute or self.default_rate)

    def admit(self, caller: Caller, now: float | None = None) -> None:
        """Take one token from the caller's bucket, or 429 with ``Retry-After``."""
        if caller.key_id is None:
            return
        now = time.monotonic() if now is None else now
        rate = max(caller.rate_per_minute / self.workers, 1.0) / 60.0
        capacity = max(caller.rate_per_minute / self.workers, 1.0)
        bucket = self._buckets.get(caller.key_id)
        if bucket is None:
            bucket = self._buckets[caller.key_id] = _Bucket(capacity, now)
        bucket.tokens = min(capacity, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens < 1.0:
            wait = (1.0 - bucket.tokens) / rate
            raise GatewayError(
                429,
                f"rate limit of {caller.rate_per_minute} requests per minute reached for this "
                "API key",
                "rate_limit_exceeded",
                headers={"Retry-After": str(max(1, round(wait)))},
            )
        bucket.tokens -= 1.0


class UserGuard:
    """User ids, the suspension cache, and strikes under the user rule."""

    def __init__(self, engine: Engine, settings: GatewaySettings) -> None:
        self.engine = engine
        self.settings = settings.users
        rule = settings.users.rule
        self.rule = (
            UserRule(
                window=rule.window,
                warn_after=rule.warn_after,
                suspend_after=rule.suspend_after,
                suspend_for=rule.suspend_for,
            )
            if rule is not None
            else None
        )
        self._suspended: dict[tuple[str, str], dt.datetime] = {}

    def refresh(self, now: dt.datetime | None = None) -> None:
        """Reload the suspended users (blocking: call from a thread)."""
        self._suspended = suspended_users(self.engine, now or dt.datetime.now(dt.UTC))

    def identify(self, headers: Mapping[str, str], body_user: str | None) -> str | None:
        """The user id: the configured header, else the OpenAI ``user`` field.

        Raises:
            GatewayError: 400 when the settings require an id and there is none.
        """
        user = headers.get(self.settings.header.lower()) or body_user
        if user is not None:
            user = user.strip()[:256] or None
        if user is None and self.settings.require_id:
            raise GatewayError(
                400,
                f"a user id is required: send the {self.settings.header} header or the `user` "
                "field (GAI Art. 14 ¶2 measures apply per user)",
                "user_required",
                param="user",
            )
        return user

    def check(self, tenant: str, user: str | None, now: dt.datetime) -> None:
        """403 with a clear message (Chinese first) if the user is suspended."""
        if user is None:
            return
        until = self._suspended.get((tenant, user))
        if until is not None and until > now:
            shown = until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            raise GatewayError(
                403,
                f"您的账号因多次提交违规内容已被暂停服务，至 {shown}（北京时间）恢复。"
                f" This user is suspended until {until:%Y-%m-%d %H:%M} UTC after repeated "
                "refused requests.",
                "user_suspended",
                outcome=Outcome.SUSPENDED,
            )

    def strike(
        self, tenant: str, user: str, audit_id: str, now: dt.datetime
    ) -> StrikeOutcome | None:
        """Record a refused input (blocking: call from a thread); ``None`` without a rule."""
        if self.rule is None:
            return None
        outcome = record_strike(
            self.engine, tenant, user, rule=self.rule, now=now, audit_id=audit_id
        )
        if outcome.suspended_until is not None:
            self._suspended[(tenant, user)] = outcome.suspended_until
        return outcome

    @staticmethod
    def notice(outcome: StrikeOutcome | None) -> str:
        """What the refusal adds for the user after a strike."""
        if outcome is None:
            return ""
        if outcome.suspended_until is not None:
            shown = outcome.suspended_until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
            return f"\n\n（您已多次提交违规内容，服务已暂停至 {shown}（北京时间）。）"
        if outcome.warned:
            return "\n\n（提示：您已多次提交违规内容，继续提交将被暂停服务。）"
        return ""
