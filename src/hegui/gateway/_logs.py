"""Structured logs: one JSON object per line, ids, sizes and verdicts, never user content.

Log records carry request ids, key ids (never keys), a digest of the user id, lengths and
actions. Prompts, answers and findings' text stay in the audit log, whose retention and masking
the settings control; no code path puts them in a log record, and a test checks it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any, TextIO

__all__ = ["JsonFormatter", "configure_logging"]

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """``{"time", "level", "logger", "message", …extra fields}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        """Render ``record``."""
        out: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info and record.exc_info[0] is not None:
            out["exception"] = record.exc_info[0].__name__
        return json.dumps(out, ensure_ascii=False, default=str)


def configure_logging(level: str = "info", stream: TextIO | None = None) -> None:
    """Send ``hegui.*`` logs as JSON lines to ``stream`` (stderr)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("hegui")
    logger.handlers[:] = [handler]
    logger.setLevel(level.upper())
    logger.propagate = False
