"""A pupil's account and data: reset its password, export it, erase it, and remove it when
retention ends. Only the teachers of the pupil's class do the first three (see
`AccessRules.responsible_for_pupil`), and every one of them lands in the audit log."""

from __future__ import annotations

import logging
from datetime import timedelta
from enum import StrEnum
from typing import Any

from twinspace.accounts.service import AccountService
from twinspace.clock import to_iso, utcnow
from twinspace.domain_events import DomainEventBus, MemberRemoved, SessionsRevoked
from twinspace.moderation.audit import AuditTrail
from twinspace.storage import Storage
from twinspace.storage.records import UserRecord
from twinspace.workspace.access import AccessRules

log = logging.getLogger("twinspace.moderation.privacy")


class ContentChoice(StrEnum):
    ANONYMISE = "anonymise"  # keep what they wrote, without their name
    DELETE = "delete"  # remove the texts too (placeholders keep threads readable)


class PrivacyService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        accounts: AccountService,
        audit: AuditTrail,
        events: DomainEventBus,
        retention_days: int,
    ) -> None:
        self._storage = storage
        self._access = access
        self._accounts = accounts
        self._audit = audit
        self._events = events
        self._retention = timedelta(days=retention_days)

    async def _record(
        self,
        actor: UserRecord | None,
        pupil: UserRecord,
        action: str,
        projects: list[int],
        *,
        reason: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        """One audit entry in each project the pupil is in (their founders read it), or one
        outside any project when they are in none."""
        targets: list[int | None] = [*projects] or [None]
        for project_id in targets:
            await self._audit.record(
                project_id=project_id,
                actor=actor,
                action=action,
                subject_user_id=pupil.id,
                reason=reason,
                details=details,
            )

    async def _project_ids(self, pupil: UserRecord) -> list[int]:
        return [p.id for p, _role in await self._storage.projects.of_user(pupil.id)]

    async def reset_password(self, teacher: UserRecord, pupil_id: int) -> tuple[UserRecord, str]:
        """A new generated password for a pupil of the teacher's class; their sessions end."""
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        password = await self._accounts.reset_pupil_password(pupil)
        await self._record(teacher, pupil, "pupil_password_reset", await self._project_ids(pupil))
        return pupil, password

    async def export(self, teacher: UserRecord, pupil_id: int) -> dict[str, Any]:
        """Everything stored about one pupil of the teacher's class."""
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        school = await self._storage.schools.get(pupil.school_id) if pupil.school_id else None
        record = await self._storage.pupils.get(pupil.id)
        school_class = (
            await self._storage.classes.get(record.class_id) if record and record.class_id else None
        )
        projects = await self._storage.projects.of_user(pupil.id)
        items = await self._storage.activity.of_user(pupil.id, project_id=None, limit=100_000)
        reports = await self._storage.reports.by_reporter(pupil.id)
        actions = await self._storage.audit.about_user(pupil.id)
        consent = await self._storage.consent.history(pupil.id)
        await self._record(teacher, pupil, "pupil_exported", [p.id for p, _role in projects])
        return {
            "exported_at": to_iso(utcnow()),
            "account": {
                "id": pupil.id,
                "username": pupil.username,
                "display_name": pupil.display_name,
                "kind": pupil.kind.value,
                "country": pupil.country,
                "locale": pupil.locale,
                "school": school.name if school else None,
                "class": school_class.name if school_class else None,
                "created_at": to_iso(pupil.created_at),
            },
            "projects": [
                {"id": p.id, "title": p.title, "role": role.value, "state": p.state.value}
                for p, role in projects
            ],
            "content": [
                {
                    "kind": i.kind,
                    "id": i.id,
                    "project_id": i.project_id,
                    "space_id": i.space_id,
                    "text": i.text,
                    "status": i.status,
                    "created_at": to_iso(i.created_at),
                }
                for i in items
            ],
            "guardian_consent": [
                {
                    "state": c.state.value,
                    "decided_on": c.decided_on.isoformat() if c.decided_on else None,
                    "method": c.method.value if c.method else None,
                    "note": c.note,
                    "recorded_at": to_iso(c.recorded_at),
                }
                for c in consent
            ],
            "reports_made": [dict(r) for r in reports],
            "moderation_actions": [
                {
                    "action": a.action,
                    "project_id": a.project_id,
                    "reason": a.reason,
                    "at": to_iso(a.created_at),
                }
                for a in actions
            ],
        }

    async def erase(
        self, teacher: UserRecord | None, pupil: UserRecord, choice: ContentChoice, *, why: str
    ) -> None:
        """Remove the account; anonymise or delete their content; the audit keeps the action."""
        projects = await self._storage.projects.of_user(pupil.id)
        async with self._storage.transaction() as tx:
            if choice is ContentChoice.DELETE:
                await tx.activity.erase_content(pupil.id, utcnow())
            await tx.queue.scrub_author(pupil.id)
            await tx.users.delete(pupil.id)
        await self._record(
            teacher,
            pupil,
            "pupil_erased",
            [p.id for p, _role in projects],
            reason=why,
            details={"content": choice.value},
        )
        for project, _role in projects:
            await self._events.publish(MemberRemoved(project.id, pupil.id))
        await self._events.publish(SessionsRevoked(pupil.id))

    async def erase_own_pupil(
        self, teacher: UserRecord, pupil_id: int, choice: ContentChoice
    ) -> None:
        pupil = await self._access.responsible_for_pupil(teacher, pupil_id)
        await self.erase(teacher, pupil, choice, why="erased by their teacher")

    async def apply_retention(self) -> int:
        """Pupils whose projects all closed longer ago than the retention period."""
        cutoff = utcnow() - self._retention
        erased = 0
        for pupil_id in await self._storage.activity.pupils_past_retention(cutoff):
            pupil = await self._storage.users.get(pupil_id)
            if pupil is None:
                continue
            await self.erase(
                None,
                pupil,
                ContentChoice.DELETE,
                why=f"retention: projects closed over {self._retention.days} days",
            )
            erased += 1
        if erased:
            log.info("retention removed %d pupil accounts", erased)
        return erased
