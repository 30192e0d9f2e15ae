"""SQL for notifications: each user's activity list, the daily digests sent, and the live
sessions whose "starting soon" reminder went out (migration 020)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    recipient_id: int
    kind: str
    project_id: int | None
    params: dict[str, str]
    link: str
    urgent: bool
    created_at: datetime
    read_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> NotificationRecord:
        params = json.loads(row["params"])
        return cls(
            id=row["id"],
            recipient_id=row["recipient_id"],
            kind=row["kind"],
            project_id=row["project_id"],
            params={str(k): str(v) for k, v in params.items()},
            link=row["link"],
            urgent=bool(row["urgent"]),
            created_at=from_iso(row["created_at"]),
            read_at=from_iso(row["read_at"]) if row["read_at"] else None,
        )


_COLUMNS = "id, recipient_id, kind, project_id, params, link, urgent, created_at, read_at"


class NotificationRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self,
        *,
        recipient_id: int,
        kind: str,
        project_id: int | None,
        params: dict[str, str],
        link: str,
        urgent: bool,
        dedupe_key: str,
        now: datetime,
    ) -> int:
        """The new notification's id; 0 when this recipient already has one with the key."""
        return await self._ex.execute(
            "INSERT INTO notifications (recipient_id, kind, project_id, params, link, urgent,"
            " dedupe_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (recipient_id, dedupe_key) DO NOTHING",
            (
                recipient_id,
                kind,
                project_id,
                json.dumps(params, ensure_ascii=False, sort_keys=True),
                link,
                1 if urgent else 0,
                dedupe_key,
                to_iso(now),
            ),
        )

    async def get(self, notification_id: int) -> NotificationRecord | None:
        row = await self._ex.fetch_one(
            f"SELECT {_COLUMNS} FROM notifications WHERE id = ?", (notification_id,)
        )
        return NotificationRecord.from_row(row) if row else None

    async def of_recipient(
        self, recipient_id: int, *, limit: int, before: int | None, unread_only: bool = False
    ) -> list[NotificationRecord]:
        """Newest first; `before` pages on by id."""
        rows = await self._ex.fetch_all(
            f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ?"
            " AND (? = 0 OR id < ?) AND (? = 0 OR read_at IS NULL)"
            " ORDER BY id DESC LIMIT ?",
            (
                recipient_id,
                0 if before is None else 1,
                before or 0,
                1 if unread_only else 0,
                limit,
            ),
        )
        return [NotificationRecord.from_row(r) for r in rows]

    async def unread_count(self, recipient_id: int) -> int:
        row = await self._ex.fetch_one(
            "SELECT count(*) AS n FROM notifications WHERE recipient_id = ? AND read_at IS NULL",
            (recipient_id,),
        )
        return int(row["n"]) if row else 0

    async def mark_read(self, recipient_id: int, notification_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE notifications SET read_at = ? WHERE id = ? AND recipient_id = ?"
            " AND read_at IS NULL",
            (to_iso(now), notification_id, recipient_id),
        )

    async def mark_all_read(self, recipient_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE notifications SET read_at = ? WHERE recipient_id = ? AND read_at IS NULL",
            (to_iso(now), recipient_id),
        )

    # -- the daily digest ------------------------------------------------------------------

    async def digest_candidates(self, since: datetime) -> list[int]:
        """Users with unread, non-urgent notifications created since `since`."""
        rows = await self._ex.fetch_all(
            "SELECT DISTINCT recipient_id FROM notifications WHERE read_at IS NULL"
            " AND urgent = 0 AND created_at >= ? ORDER BY recipient_id",
            (to_iso(since),),
        )
        return [int(r["recipient_id"]) for r in rows]

    async def for_digest(self, recipient_id: int, since: datetime) -> list[NotificationRecord]:
        rows = await self._ex.fetch_all(
            f"SELECT {_COLUMNS} FROM notifications WHERE recipient_id = ? AND read_at IS NULL"
            " AND urgent = 0 AND created_at >= ? ORDER BY id",
            (recipient_id, to_iso(since)),
        )
        return [NotificationRecord.from_row(r) for r in rows]

    async def last_digest(self, user_id: int) -> datetime | None:
        row = await self._ex.fetch_one(
            "SELECT max(sent_at) AS at FROM notification_digests WHERE user_id = ?", (user_id,)
        )
        return from_iso(row["at"]) if row and row["at"] else None

    async def claim_digest(self, user_id: int, day: str, items: int, now: datetime) -> bool:
        """Record today's digest for the user; False when one was recorded already."""
        claimed = await self._ex.execute(
            "INSERT INTO notification_digests (user_id, day, items, sent_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (user_id, day) DO NOTHING RETURNING user_id",
            (user_id, day, items, to_iso(now)),
        )
        return claimed != 0

    async def release_digest(self, user_id: int, day: str) -> None:
        """The digest could not be handed over: let the next run try again."""
        await self._ex.execute(
            "DELETE FROM notification_digests WHERE user_id = ? AND day = ?", (user_id, day)
        )

    async def digests_of(self, user_id: int) -> list[str]:
        rows = await self._ex.fetch_all(
            "SELECT day FROM notification_digests WHERE user_id = ? ORDER BY day", (user_id,)
        )
        return [str(r["day"]) for r in rows]
