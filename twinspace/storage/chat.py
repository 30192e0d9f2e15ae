"""SQL for chat: messages, reactions and per-member read positions.

Statuses are stored as text (`published`, `held`, ...); the domain owns their meaning. The
visibility filter mirrors `twinspace.content.items`: teachers see every message, authors their
own pending ones, everybody published ones and, as removed placeholders, deleted messages that
were once published.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row

_VISIBLE = (
    "(? = 1 OR m.status = 'published'"
    " OR (m.author_id = ? AND m.status IN ('held', 'blocked', 'deleted'))"
    " OR (m.status = 'deleted' AND m.published_at IS NOT NULL))"
)
_SELECT = (
    "SELECT m.*, u.display_name AS author_name FROM messages m"
    " LEFT JOIN users u ON u.id = m.author_id"
)


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


@dataclass(frozen=True, slots=True)
class MessageRecord:
    id: int
    channel_id: int
    project_id: int
    author_id: int | None
    author_name: str | None
    parent_id: int | None
    text: str
    status: str
    reason: str | None
    created_at: datetime
    edited_at: datetime | None
    published_at: datetime | None
    reason_code: str | None = None

    @classmethod
    def from_row(cls, row: Row) -> MessageRecord:
        return cls(
            row["id"],
            row["channel_id"],
            row["project_id"],
            row["author_id"],
            row["author_name"],
            row["parent_id"],
            row["text"],
            row["status"],
            row["reason"],
            from_iso(row["created_at"]),
            _opt_dt(row["edited_at"]),
            _opt_dt(row["published_at"]),
            row["reason_code"],
        )


class ReactionRepo:
    """Emoji reactions, one row per (item, user, emoji); shared by messages and board posts."""

    _TABLES: ClassVar[dict[str, tuple[str, str]]] = {
        "message": ("message_reactions", "message_id"),
        "post": ("post_reactions", "post_id"),
    }

    def __init__(self, ex: Executor, item: str) -> None:
        self._ex = ex
        self._table, self._key = self._TABLES[item]

    async def toggle(self, item_id: int, user_id: int, emoji: str, now: datetime) -> bool:
        """Add the reaction, or remove it when the user had it; True when it was added."""
        removed = await self._ex.execute(
            f"DELETE FROM {self._table} WHERE {self._key} = ? AND user_id = ? AND emoji = ?",
            (item_id, user_id, emoji),
        )
        if removed:
            return False
        await self._ex.execute(
            f"INSERT INTO {self._table} ({self._key}, user_id, emoji, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
            (item_id, user_id, emoji, to_iso(now)),
        )
        return True

    async def of_items(self, item_ids: Sequence[int]) -> dict[int, list[tuple[str, int]]]:
        """(emoji, user id) pairs per item, in the order they were added."""
        found: defaultdict[int, list[tuple[str, int]]] = defaultdict(list)
        if not item_ids:
            return found
        marks = ",".join("?" * len(item_ids))
        rows = await self._ex.fetch_all(
            f"SELECT {self._key} AS item_id, emoji, user_id FROM {self._table}"
            f" WHERE {self._key} IN ({marks}) ORDER BY created_at, rowid",
            list(item_ids),
        )
        for row in rows:
            found[row["item_id"]].append((row["emoji"], row["user_id"]))
        return found


class MessageRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex
        self.reactions = ReactionRepo(ex, "message")

    async def create(
        self,
        *,
        channel_id: int,
        project_id: int,
        author_id: int,
        parent_id: int | None,
        text: str,
        status: str,
        reason: str | None,
        reason_code: str | None,
        now: datetime,
        client_key: str | None = None,
    ) -> int:
        published = to_iso(now) if status == "published" else None
        return await self._ex.execute(
            "INSERT INTO messages (channel_id, project_id, author_id, parent_id, text, status,"
            " reason, reason_code, created_at, published_at, client_key)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                channel_id,
                project_id,
                author_id,
                parent_id,
                text,
                status,
                reason,
                reason_code,
                to_iso(now),
                published,
                client_key,
            ),
        )

    async def lock_client_keys(self, author_id: int) -> None:
        """Serialise an author's keyed sends (in a transaction, across processes)."""
        await self._ex.lock("message_client_key", author_id)

    async def by_client_key(self, author_id: int, client_key: str) -> MessageRecord | None:
        row = await self._ex.fetch_one(
            _SELECT + " WHERE m.author_id = ? AND m.client_key = ?", (author_id, client_key)
        )
        return MessageRecord.from_row(row) if row else None

    async def get(self, message_id: int) -> MessageRecord | None:
        row = await self._ex.fetch_one(_SELECT + " WHERE m.id = ?", (message_id,))
        return MessageRecord.from_row(row) if row else None

    async def page(
        self,
        *,
        channel_id: int,
        parent_id: int | None,
        viewer_id: int,
        viewer_is_teacher: bool,
        before: int | None,
        after: int | None,
        limit: int,
    ) -> list[MessageRecord]:
        """Up to `limit` visible messages next to the cursor, always oldest first.

        `parent_id` None lists top-level messages; a message id lists that thread's replies.
        With no cursor the page holds the newest messages.
        """
        where = ["m.channel_id = ?", _VISIBLE]
        params: list[object] = [channel_id, int(viewer_is_teacher), viewer_id]
        if parent_id is None:
            where.append("m.parent_id IS NULL")
        else:
            where.append("m.parent_id = ?")
            params.append(parent_id)
        if before is not None:
            where.append("m.id < ?")
            params.append(before)
        if after is not None:
            where.append("m.id > ?")
            params.append(after)
        order = "ASC" if after is not None and before is None else "DESC"
        rows = await self._ex.fetch_all(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY m.id {order} LIMIT ?", [*params, limit]
        )
        records = [MessageRecord.from_row(r) for r in rows]
        return records if order == "ASC" else records[::-1]

    async def update_text(
        self,
        message_id: int,
        *,
        text: str,
        status: str,
        reason: str | None,
        reason_code: str | None,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "UPDATE messages SET text = ?, status = ?, reason = ?, reason_code = ?,"
            " edited_at = ?, published_at = CASE WHEN ? = 'published'"
            " THEN COALESCE(published_at, ?) ELSE published_at END WHERE id = ?",
            (text, status, reason, reason_code, to_iso(now), status, to_iso(now), message_id),
        )

    async def set_status(self, message_id: int, status: str, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE messages SET status = ?, published_at = CASE WHEN ? = 'published'"
            " THEN COALESCE(published_at, ?) ELSE published_at END WHERE id = ?",
            (status, status, to_iso(now), message_id),
        )

    async def reply_counts(self, message_ids: Sequence[int]) -> dict[int, int]:
        if not message_ids:
            return {}
        marks = ",".join("?" * len(message_ids))
        rows = await self._ex.fetch_all(
            f"SELECT parent_id, COUNT(*) AS n FROM messages WHERE parent_id IN ({marks})"
            " AND status = 'published' GROUP BY parent_id",
            list(message_ids),
        )
        return {row["parent_id"]: row["n"] for row in rows}

    async def latest_id(self, channel_id: int) -> int:
        row = await self._ex.fetch_one(
            "SELECT COALESCE(MAX(id), 0) AS id FROM messages WHERE channel_id = ?", (channel_id,)
        )
        return int(row["id"]) if row else 0


class ReadRepo:
    """How far each member has read each channel."""

    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def mark(self, channel_id: int, user_id: int, message_id: int, now: datetime) -> int:
        """Move the read position forward (never back); returns the position now stored."""
        await self._ex.execute(
            "INSERT INTO channel_reads (channel_id, user_id, last_read_message_id, updated_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (channel_id, user_id) DO UPDATE SET"
            " last_read_message_id = CASE WHEN excluded.last_read_message_id"
            " > channel_reads.last_read_message_id THEN excluded.last_read_message_id"
            " ELSE channel_reads.last_read_message_id END,"
            " updated_at = excluded.updated_at",
            (channel_id, user_id, message_id, to_iso(now)),
        )
        return await self.position(channel_id, user_id)

    async def position(self, channel_id: int, user_id: int) -> int:
        row = await self._ex.fetch_one(
            "SELECT last_read_message_id FROM channel_reads WHERE channel_id = ? AND user_id = ?",
            (channel_id, user_id),
        )
        return int(row["last_read_message_id"]) if row else 0

    async def unread(self, project_id: int, user_id: int) -> dict[int, tuple[int, int]]:
        """Per channel of the project: (published messages by others after the position,
        the position)."""
        rows = await self._ex.fetch_all(
            "SELECT c.id AS channel_id, COALESCE(r.last_read_message_id, 0) AS position,"
            " (SELECT COUNT(*) FROM messages m WHERE m.channel_id = c.id"
            "  AND m.status = 'published' AND m.author_id IS DISTINCT FROM ?"
            "  AND m.id > COALESCE(r.last_read_message_id, 0)) AS unread"
            " FROM channels c LEFT JOIN channel_reads r"
            " ON r.channel_id = c.id AND r.user_id = ? WHERE c.project_id = ?",
            (user_id, user_id, project_id),
        )
        return {row["channel_id"]: (int(row["unread"]), int(row["position"])) for row in rows}
