"""The append-only audit log: every moderation decision and action (who, what, when, why)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from twinspace.clock import to_iso, utcnow
from twinspace.moderation.model import ContentRef
from twinspace.storage import Storage
from twinspace.storage.moderation import SYSTEM_ACTOR, AuditRecord
from twinspace.storage.records import UserRecord
from twinspace.workspace.access import Access, Action

SYSTEM = SYSTEM_ACTOR
CSV_COLUMNS = (
    "id",
    "created_at",
    "project_id",
    "actor_id",
    "actor_name",
    "action",
    "item_kind",
    "item_id",
    "subject_user_id",
    "reason",
    "details",
)


class AuditTrail:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def record(
        self,
        *,
        project_id: int | None,
        actor: UserRecord | None,
        action: str,
        item_kind: str | None = None,
        item_id: int | None = None,
        subject_user_id: int | None = None,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> int:
        """Append one entry; content (message texts) never goes in, only references."""
        return await self._storage.audit.record(
            project_id=project_id,
            actor=actor,
            action=action,
            now=utcnow(),
            item_kind=item_kind,
            item_id=item_id,
            subject_user_id=subject_user_id,
            reason=reason,
            details=details,
        )

    async def system(
        self,
        project_id: int,
        action: str,
        ref: ContentRef,
        reason: str,
        details: dict[str, Any] | None = None,
    ) -> int:
        return await self.record(
            project_id=project_id,
            actor=None,
            action=action,
            item_kind=ref.kind.value,
            item_id=ref.item_id,
            subject_user_id=ref.author_id,
            reason=reason,
            details=details,
        )

    async def entries(self, access: Access, *, limit: int, before: int | None) -> list[AuditRecord]:
        """Readable by the project's founders and teacher admins."""
        access.require(Action.MANAGE_MEMBERS)
        return await self._storage.audit.of_project(access.project.id, limit=limit, before=before)

    async def csv(self, access: Access) -> str:
        access.require(Action.MANAGE_MEMBERS)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        before: int | None = None
        while True:
            batch = await self._storage.audit.of_project(
                access.project.id, limit=500, before=before
            )
            for entry in batch:
                writer.writerow(
                    [
                        entry.id,
                        to_iso(entry.created_at),
                        entry.project_id,
                        entry.actor_id,
                        _cell(entry.actor_name),
                        entry.action,
                        entry.item_kind,
                        entry.item_id,
                        entry.subject_user_id,
                        _cell(entry.reason),
                        _cell(json.dumps(entry.details, ensure_ascii=False, sort_keys=True)),
                    ]
                )
            if len(batch) < 500:
                return out.getvalue()
            before = batch[-1].id


def _cell(text: str) -> str:
    """No spreadsheet formula injection from names or reasons."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
