"""SQL for moderation: policies, mutes, the queue, reports, page findings and the audit log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.records import UserRecord


def _opt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


@dataclass(frozen=True, slots=True)
class MuteRecord:
    id: int
    project_id: int
    user_id: int
    until: datetime
    reason: str
    created_by: int | None
    created_at: datetime
    lifted_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> MuteRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["user_id"],
            from_iso(row["until"]),
            row["reason"],
            row["created_by"],
            from_iso(row["created_at"]),
            _opt(row["lifted_at"]),
        )


@dataclass(frozen=True, slots=True)
class QueueRecord:
    id: int
    project_id: int
    item_kind: str
    item_id: int
    author_id: int | None
    origin: str
    reason: str
    flags: list[dict[str, Any]]
    excerpt: str
    state: str
    resolution: str | None
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: int | None

    @classmethod
    def from_row(cls, row: Row) -> QueueRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["item_kind"],
            row["item_id"],
            row["author_id"],
            row["origin"],
            row["reason"],
            json.loads(row["flags"]),
            row["excerpt"],
            row["state"],
            row["resolution"],
            from_iso(row["created_at"]),
            _opt(row["resolved_at"]),
            row["resolved_by"],
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: int
    project_id: int | None
    actor_id: int | None
    actor_name: str
    action: str
    item_kind: str | None
    item_id: int | None
    subject_user_id: int | None
    reason: str
    details: dict[str, Any]
    created_at: datetime

    @classmethod
    def from_row(cls, row: Row) -> AuditRecord:
        return cls(
            row["id"],
            row["project_id"],
            row["actor_id"],
            row["actor_name"],
            row["action"],
            row["item_kind"],
            row["item_id"],
            row["subject_user_id"],
            row["reason"],
            json.loads(row["details"]),
            from_iso(row["created_at"]),
        )


@dataclass(frozen=True, slots=True)
class ActivityRecord:
    """One item a user wrote, whatever its kind."""

    kind: str
    id: int
    project_id: int
    space_id: int
    text: str
    status: str
    created_at: datetime


class PolicyRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def get(self, scope: str, scope_id: int) -> str | None:
        row = await self._ex.fetch_one(
            "SELECT policy FROM moderation_policies WHERE scope = ? AND scope_id = ?",
            (scope, scope_id),
        )
        return str(row["policy"]) if row else None

    async def put(
        self,
        *,
        scope: str,
        scope_id: int,
        project_id: int,
        policy_json: str,
        actor_id: int,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "INSERT INTO moderation_policies (scope, scope_id, project_id, policy, updated_by,"
            " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (scope, scope_id) DO UPDATE SET"
            " policy = excluded.policy, updated_by = excluded.updated_by,"
            " updated_at = excluded.updated_at",
            (scope, scope_id, project_id, policy_json, actor_id, to_iso(now)),
        )

    async def delete(self, scope: str, scope_id: int) -> None:
        await self._ex.execute(
            "DELETE FROM moderation_policies WHERE scope = ? AND scope_id = ?", (scope, scope_id)
        )


class MuteRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def create(
        self,
        *,
        project_id: int,
        user_id: int,
        until: datetime,
        reason: str,
        created_by: int,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO mutes (project_id, user_id, until, reason, created_by, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (project_id, user_id, to_iso(until), reason, created_by, to_iso(now)),
        )

    async def active(self, project_id: int, user_id: int, now: datetime) -> MuteRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM mutes WHERE project_id = ? AND user_id = ? AND lifted_at IS NULL"
            " AND until > ? ORDER BY until DESC LIMIT 1",
            (project_id, user_id, to_iso(now)),
        )
        return MuteRecord.from_row(row) if row else None

    async def of_project(self, project_id: int, now: datetime) -> list[MuteRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM mutes WHERE project_id = ? AND lifted_at IS NULL AND until > ?"
            " ORDER BY until",
            (project_id, to_iso(now)),
        )
        return [MuteRecord.from_row(r) for r in rows]

    async def lift(self, project_id: int, user_id: int, actor_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE mutes SET lifted_at = ?, lifted_by = ? WHERE project_id = ? AND user_id = ?"
            " AND lifted_at IS NULL AND until > ?",
            (to_iso(now), actor_id, project_id, user_id, to_iso(now)),
        )


class QueueRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self,
        *,
        project_id: int,
        item_kind: str,
        item_id: int,
        author_id: int | None,
        origin: str,
        reason: str,
        flags: Sequence[dict[str, Any]],
        excerpt: str,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO moderation_queue (project_id, item_kind, item_id, author_id, origin,"
            " reason, flags, excerpt, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                item_kind,
                item_id,
                author_id,
                origin,
                reason,
                json.dumps(list(flags), ensure_ascii=False),
                excerpt,
                to_iso(now),
            ),
        )

    async def get(self, queue_id: int) -> QueueRecord | None:
        row = await self._ex.fetch_one("SELECT * FROM moderation_queue WHERE id = ?", (queue_id,))
        return QueueRecord.from_row(row) if row else None

    async def open_for_item(self, item_kind: str, item_id: int) -> list[QueueRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM moderation_queue WHERE item_kind = ? AND item_id = ?"
            " AND state = 'open' ORDER BY id",
            (item_kind, item_id),
        )
        return [QueueRecord.from_row(r) for r in rows]

    async def of_project(
        self, project_id: int, *, state: str | None, limit: int, before: int | None
    ) -> list[QueueRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM moderation_queue WHERE project_id = ? AND (? IS NULL OR state = ?)"
            " AND (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
            (project_id, state, state, before, before, limit),
        )
        return [QueueRecord.from_row(r) for r in rows]

    async def resolve_item(
        self, item_kind: str, item_id: int, *, resolution: str, actor_id: int | None, now: datetime
    ) -> int:
        return await self._ex.execute(
            "UPDATE moderation_queue SET state = 'resolved', resolution = ?, resolved_at = ?,"
            " resolved_by = ? WHERE item_kind = ? AND item_id = ? AND state = 'open'",
            (resolution, to_iso(now), actor_id, item_kind, item_id),
        )

    async def resolve(self, queue_id: int, *, resolution: str, actor_id: int, now: datetime) -> int:
        return await self._ex.execute(
            "UPDATE moderation_queue SET state = 'resolved', resolution = ?, resolved_at = ?,"
            " resolved_by = ? WHERE id = ? AND state = 'open'",
            (resolution, to_iso(now), actor_id, queue_id),
        )

    async def scrub_author(self, author_id: int) -> None:
        """An erased pupil's content leaves the queue's excerpts and flags."""
        await self._ex.execute(
            "UPDATE moderation_queue SET excerpt = '', flags = '[]' WHERE author_id = ?",
            (author_id,),
        )


class ReportRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def add(
        self,
        *,
        project_id: int,
        item_kind: str,
        item_id: int,
        reporter_id: int,
        reason: str,
        queue_id: int | None,
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO reports (project_id, item_kind, item_id, reporter_id, reason, queue_id,"
            " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (item_kind, item_id, reporter_id) DO NOTHING",
            (project_id, item_kind, item_id, reporter_id, reason, queue_id, to_iso(now)),
        )

    async def exists(self, item_kind: str, item_id: int, reporter_id: int) -> bool:
        row = await self._ex.fetch_one(
            "SELECT 1 AS x FROM reports WHERE item_kind = ? AND item_id = ? AND reporter_id = ?",
            (item_kind, item_id, reporter_id),
        )
        return row is not None

    async def by_reporter(self, reporter_id: int) -> list[Row]:
        return await self._ex.fetch_all(
            "SELECT project_id, item_kind, item_id, reason, created_at FROM reports"
            " WHERE reporter_id = ? ORDER BY id",
            (reporter_id,),
        )


class FindingRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def known(self, page_id: int) -> set[str]:
        rows = await self._ex.fetch_all(
            "SELECT fingerprint FROM page_findings WHERE page_id = ?", (page_id,)
        )
        return {str(r["fingerprint"]) for r in rows}

    async def forget_absent(self, page_id: int, present: set[str]) -> None:
        """Forget the page's findings whose text is no longer in it."""
        await self._ex.execute(
            "DELETE FROM page_findings WHERE page_id = ?"
            f" AND fingerprint NOT IN (SELECT value FROM {self._ex.dialect.json_each('?')})",
            (page_id, json.dumps(sorted(present))),
        )

    async def add(self, *, page_id: int, fingerprint: str, queue_id: int, now: datetime) -> None:
        await self._ex.execute(
            "INSERT INTO page_findings (page_id, fingerprint, queue_id, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (page_id, fingerprint) DO NOTHING",
            (page_id, fingerprint, queue_id, to_iso(now)),
        )


SYSTEM_ACTOR = "TwinSpaces (automatic)"


class AuditRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def record(
        self,
        *,
        project_id: int | None,
        actor: UserRecord | None,
        action: str,
        now: datetime,
        item_kind: str | None = None,
        item_id: int | None = None,
        subject_user_id: int | None = None,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> int:
        """Append one entry by `actor` (None: the system); references only, never content."""
        return await self.append(
            project_id=project_id,
            actor_id=actor.id if actor else None,
            actor_name=actor.display_name if actor else SYSTEM_ACTOR,
            action=action,
            item_kind=item_kind,
            item_id=item_id,
            subject_user_id=subject_user_id,
            reason=reason,
            details=details or {},
            now=now,
        )

    async def append(
        self,
        *,
        project_id: int | None,
        actor_id: int | None,
        actor_name: str,
        action: str,
        item_kind: str | None,
        item_id: int | None,
        subject_user_id: int | None,
        reason: str,
        details: dict[str, Any],
        now: datetime,
    ) -> int:
        return await self._ex.execute(
            "INSERT INTO audit_log (project_id, actor_id, actor_name, action, item_kind,"
            " item_id, subject_user_id, reason, details, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                project_id,
                actor_id,
                actor_name,
                action,
                item_kind,
                item_id,
                subject_user_id,
                reason,
                json.dumps(details, ensure_ascii=False, default=str),
                to_iso(now),
            ),
        )

    async def of_project(
        self, project_id: int, *, limit: int, before: int | None
    ) -> list[AuditRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM audit_log WHERE project_id = ? AND (? IS NULL OR id < ?)"
            " ORDER BY id DESC LIMIT ?",
            (project_id, before, before, limit),
        )
        return [AuditRecord.from_row(r) for r in rows]

    async def about_user(self, user_id: int) -> list[AuditRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM audit_log WHERE subject_user_id = ? ORDER BY id", (user_id,)
        )
        return [AuditRecord.from_row(r) for r in rows]


_ACTIVITY = """
SELECT 'message' AS kind, id, project_id, channel_id AS space_id, text, status, created_at
  FROM messages WHERE author_id = :user AND (:project IS NULL OR project_id = :project)
UNION ALL
SELECT 'post', id, project_id, board_id, trim(title || '\n' || body), status, created_at
  FROM board_posts WHERE author_id = :user AND (:project IS NULL OR project_id = :project)
UNION ALL
SELECT 'comment', id, project_id, board_id, text, status, created_at
  FROM post_comments WHERE author_id = :user AND (:project IS NULL OR project_id = :project)
UNION ALL
SELECT 'upload', id, project_id, coalesce(board_id, 0), original_name, status, created_at
  FROM media WHERE uploader_id = :user AND (:project IS NULL OR project_id = :project)
"""


class ActivityRepo:
    """What one user wrote across chat, boards and uploads."""

    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    async def of_user(
        self, user_id: int, *, project_id: int | None, limit: int
    ) -> list[ActivityRecord]:
        rows = await self._ex.fetch_all(
            f"SELECT * FROM ({_ACTIVITY}) AS activity ORDER BY created_at DESC, id DESC"
            " LIMIT :limit",
            {"user": user_id, "project": project_id, "limit": limit},
        )
        return [
            ActivityRecord(
                r["kind"],
                r["id"],
                r["project_id"],
                r["space_id"],
                r["text"],
                r["status"],
                from_iso(r["created_at"]),
            )
            for r in rows
        ]

    async def erase_content(self, user_id: int, now: datetime) -> None:
        """Delete an erased pupil's texts (the rows stay as 'deleted' placeholders)."""
        stamp = to_iso(now)
        await self._ex.execute(
            "UPDATE messages SET text = '', status = 'deleted', edited_at = ? WHERE author_id = ?",
            (stamp, user_id),
        )
        await self._ex.execute(
            "UPDATE board_posts SET title = '', body = '', url = NULL, media_id = NULL,"
            " status = 'deleted', edited_at = ? WHERE author_id = ?",
            (stamp, user_id),
        )
        await self._ex.execute(
            "UPDATE post_comments SET text = '', status = 'deleted' WHERE author_id = ?", (user_id,)
        )
        await self._ex.execute(
            "UPDATE media SET status = 'deleted' WHERE uploader_id = ?", (user_id,)
        )

    async def pupils_past_retention(self, closed_before: datetime) -> list[int]:
        """Pupils in at least one project, every one of them closed before the cut-off."""
        rows = await self._ex.fetch_all(
            "SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id"
            " JOIN projects p ON p.id = m.project_id WHERE u.kind = 'pupil'"
            " GROUP BY m.user_id HAVING"
            " sum(CASE WHEN p.state <> 'closed' THEN 1 ELSE 0 END) = 0"
            " AND max(p.state_changed_at) < ?",
            (to_iso(closed_before),),
        )
        return [int(r["user_id"]) for r in rows]
