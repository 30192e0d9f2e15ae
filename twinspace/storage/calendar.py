"""SQL for private calendar feeds: one per user, found by the SHA-256 of its token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class CalendarFeedRecord:
    id: int
    user_id: int
    created_at: datetime
    last_used_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> CalendarFeedRecord:
        used = row["last_used_at"]
        return cls(
            row["id"], row["user_id"], from_iso(row["created_at"]), from_iso(used) if used else None
        )


class CalendarFeedRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def replace(self, user_id: int, token_hash: str, now: datetime) -> None:
        """The user's feed under a new token; an earlier token stops working."""
        await self._ex.execute(
            "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (user_id) DO UPDATE SET token_hash = excluded.token_hash,"
            " created_at = excluded.created_at, last_used_at = NULL",
            (user_id, token_hash, to_iso(now)),
        )

    async def of_user(self, user_id: int) -> CalendarFeedRecord | None:
        row = await self._ex.fetch_one(
            "SELECT id, user_id, created_at, last_used_at FROM calendar_feeds WHERE user_id = ?",
            (user_id,),
        )
        return CalendarFeedRecord.from_row(row) if row else None

    async def by_hash(self, token_hash: str) -> CalendarFeedRecord | None:
        row = await self._ex.fetch_one(
            "SELECT id, user_id, created_at, last_used_at FROM calendar_feeds WHERE token_hash = ?",
            (token_hash,),
        )
        return CalendarFeedRecord.from_row(row) if row else None

    async def revoke(self, user_id: int) -> int:
        return await self._ex.execute("DELETE FROM calendar_feeds WHERE user_id = ?", (user_id,))

    async def used(self, feed_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE calendar_feeds SET last_used_at = ? WHERE id = ?", (to_iso(now), feed_id)
        )
