"""Logging set-up: plain or JSON lines on stderr; never tokens, passwords or message texts."""

from __future__ import annotations

import json
import logging
import re
import sys
from typing import Any

_STANDARD = set(vars(logging.makeLogRecord({})))
# `?token=` in a URL, however a library formats it (uvicorn logs websocket paths with it).
_TOKEN_IN_URL = re.compile(r"(?i)([?&](?:access_)?token=)[^&\s\"'\]]+")


class RedactTokens(logging.Filter):
    """Replaces session tokens in URLs with `[redacted]` before any record is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = _TOKEN_IN_URL.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        entry.update({k: v for k, v in vars(record).items() if k not in _STANDARD})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(fmt: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    handler.addFilter(RedactTokens())
    for name in ("twinspace", "uvicorn", "uvicorn.error"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False
    # uvicorn's access log prints query strings (where ?token= lives): ours replaces it.
    logging.getLogger("uvicorn.access").disabled = True
