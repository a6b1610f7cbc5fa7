"""What a request can end in: the outcome recorded in the audit log, and the HTTP error."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

__all__ = ["GatewayError", "Outcome", "error_type"]


class Outcome(StrEnum):
    """How a request ended, as its audit record says."""

    OK = "ok"
    REFUSED_INPUT = "refused_input"
    """The input screening refused it; the upstream never saw it."""
    BLOCKED_OUTPUT = "blocked_output"
    """The answer (or part of a stream) was stopped by output screening."""
    SUSPENDED = "suspended"
    """The user is suspended under the user rule."""
    BAD_REQUEST = "bad_request"
    UNAUTHORIZED = "unauthorized"
    RATE_LIMITED = "rate_limited"
    NOT_FOUND = "not_found"
    TOO_LARGE = "too_large"
    UPSTREAM_ERROR = "upstream_error"
    UPSTREAM_TIMEOUT = "upstream_timeout"
    STREAM_ERROR = "stream_error"
    """The upstream's stream broke (bad UTF-8, malformed SSE); the stream ended with an error."""
    UNAVAILABLE = "unavailable"
    """A duty's dependency was down and the duty fails closed."""
    CLIENT_CLOSED = "client_closed"
    ERROR = "error"
    """A fault in hegui (a bug)."""


_OUTCOME_OF_STATUS = {
    400: Outcome.BAD_REQUEST,
    401: Outcome.UNAUTHORIZED,
    403: Outcome.SUSPENDED,
    404: Outcome.NOT_FOUND,
    413: Outcome.TOO_LARGE,
    429: Outcome.RATE_LIMITED,
    502: Outcome.UPSTREAM_ERROR,
    503: Outcome.UNAVAILABLE,
    504: Outcome.UPSTREAM_TIMEOUT,
}

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "invalid_request_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    502: "upstream_error",
    503: "service_unavailable",
    504: "upstream_timeout",
}


def error_type(status: int) -> str:
    """OpenAI's error ``type`` for an HTTP status."""
    return _TYPES.get(status, "server_error")


class GatewayError(Exception):
    """A request that ends in an HTTP error with OpenAI's error shape.

    Args:
        status: The HTTP status.
        message: What went wrong and, where the client can act, the fix (no user content).
        code: OpenAI-style ``code`` (``model_not_found``, ``content_filter`` …).
        param: The request field at fault.
        outcome: The audit outcome (default: by status).
        headers: Extra response headers (``Retry-After``).
        upstream: The upstream involved, for the audit record.
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        *,
        param: str | None = None,
        outcome: Outcome | None = None,
        headers: Mapping[str, str] | None = None,
        upstream: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.outcome = outcome or _OUTCOME_OF_STATUS.get(status, Outcome.ERROR)
        self.headers = dict(headers or {})
        self.upstream = upstream
