"""Time helpers: every stored instant is an aware UTC datetime in ISO 8601; the context
that per-connection timers share."""

from __future__ import annotations

import contextvars
from datetime import UTC, datetime

# Timers armed once per connection (idle and session deadlines, keepalive pings) run callbacks
# that read no context variable: they share this empty context, where asyncio copies the
# current one for every handle it schedules (docs/architecture.md, "Memory per connection").
QUIET_CONTEXT = contextvars.Context()


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment
