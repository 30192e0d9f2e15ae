"""The teachers' desk: the queue, decisions on items, mutes, reports, a pupil's activity."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from twinspace.clock import to_iso, utcnow
from twinspace.domain_events import DomainEventBus, ItemReported
from twinspace.errors import Conflict, NotFound, Problem, RuleViolation
from twinspace.moderation.audit import AuditTrail
from twinspace.moderation.item_events import published_event
from twinspace.moderation.model import (
    ContentRef,
    ItemKind,
    ItemStatus,
    ModeratedContent,
    SpaceKind,
)
from twinspace.moderation.policy_book import PolicyBook
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.moderation import ActivityRecord, MuteRecord, QueueRecord
from twinspace.types import Role
from twinspace.workspace.access import Access, AccessRules, Action

# Decisions any moderator of the project takes on any item: taking it out of view protects.
# Every other decision on a pupil's item belongs to the policy's `pupil_item_deciders`.
PROTECTIVE = frozenset({"hide"})
# What a teacher's decision does to the item, and how the queue entry is closed.
DECISIONS: dict[str, ItemStatus | None] = {
    "approve": ItemStatus.PUBLISHED,
    "reject": ItemStatus.REJECTED,
    "hide": ItemStatus.HIDDEN,
    "dismiss": None,  # a report or page finding needs no change
}
MAX_MUTE = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    record: QueueRecord
    item: ContentRef | None
    can_decide: bool = False  # the viewer may publish, reject or dismiss it (hide: always)


class ModerationDesk:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        hub: ProjectEventHub,
        audit: AuditTrail,
        handlers: dict[ItemKind, ModeratedContent],
        policies: PolicyBook,
        events: DomainEventBus | None = None,
    ) -> None:
        self._storage = storage
        self._events = events or DomainEventBus()
        self._access = access
        self._hub = hub
        self._audit = audit
        self._handlers = handlers
        self._policies = policies

    # -- who decides ------------------------------------------------------------------------

    async def may_decide(self, access: Access, author_id: int | None) -> bool:
        """Whether `access` may publish, reject, restore or dismiss an item by the author."""
        author = await self._storage.users.get(author_id) if author_id is not None else None
        policy = await self._policies.project_policy(access.project.id)
        return access.may_decide_on_item(author, policy.pupil_item_deciders)

    async def _require_decision(self, access: Access, author_id: int | None, action: str) -> None:
        access.require(Action.MODERATE)
        if action in PROTECTIVE:
            return
        author = await self._storage.users.get(author_id) if author_id is not None else None
        policy = await self._policies.project_policy(access.project.id)
        access.require_decision_on_item(author, policy.pupil_item_deciders)

    # -- items ----------------------------------------------------------------------------

    async def item(self, access: Access, kind: ItemKind, item_id: int) -> ContentRef:
        """An item of this project (NotFound for anything else)."""
        if kind is ItemKind.PAGE:
            _, page = await self._access.page(access.user, item_id)
            if page.project_id != access.project.id:
                raise NotFound("no such item")
            return ContentRef(
                kind,
                page.id,
                page.project_id,
                None,
                page.title,
                ItemStatus.PUBLISHED,
                SpaceKind.PAGE,
                page.id,
            )
        handler = self._handlers.get(kind)
        ref = await handler.describe(item_id) if handler else None
        if ref is None or ref.project_id != access.project.id:
            raise NotFound("no such item")
        return ref

    async def set_item_status(
        self,
        access: Access,
        kind: ItemKind,
        item_id: int,
        status: ItemStatus,
        reason: str,
        action: str,
    ) -> ContentRef:
        access.require(Action.MODERATE)
        if kind is ItemKind.PAGE:
            raise RuleViolation(
                "pages are moderated by locking them or restoring a version",
                problem=Problem.PAGE_MODERATION,
            )
        ref = await self.item(access, kind, item_id)
        await self._require_decision(access, ref.author_id, action)
        if ref.status is ItemStatus.DELETED:
            raise Conflict("the author deleted this item", problem=Problem.AUTHOR_DELETED)
        await self._handlers[kind].set_status(item_id, status, access.user.id)
        if status is ItemStatus.PUBLISHED and ref.status is not ItemStatus.PUBLISHED:
            await self._events.publish(published_event(ref))
        await self._storage.queue.resolve_item(
            kind.value, item_id, resolution=action, actor_id=access.user.id, now=utcnow()
        )
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action=action,
            item_kind=kind.value,
            item_id=item_id,
            subject_user_id=ref.author_id,
            reason=reason,
            details={"from": ref.status.value, "to": status.value},
        )
        self._notice(
            access.project.id,
            "resolved",
            {"item": kind.value, "item_id": item_id, "resolution": action},
        )
        return ref

    # -- the queue ------------------------------------------------------------------------

    async def queue(
        self, access: Access, *, state: str | None, limit: int, before: int | None
    ) -> list[QueueEntry]:
        access.require(Action.MODERATE)
        records = await self._storage.queue.of_project(
            access.project.id, state=state, limit=limit, before=before
        )
        entries = []
        for record in records:
            try:
                ref = await self.item(access, ItemKind(record.item_kind), record.item_id)
            except NotFound:
                ref = None
            entries.append(QueueEntry(record, ref, await self.may_decide(access, record.author_id)))
        return entries

    async def decide(
        self, access: Access, queue_id: int, decision: str, reason: str
    ) -> QueueRecord:
        access.require(Action.MODERATE)
        record = await self._storage.queue.get(queue_id)
        if record is None or record.project_id != access.project.id:
            raise NotFound("no such queue entry")
        await self._require_decision(access, record.author_id, decision)
        if record.state != "open":
            raise Conflict(
                f"already {record.resolution}",
                problem=Problem.ALREADY_DECIDED,
                resolution=record.resolution,
            )
        status = DECISIONS[decision]
        kind = ItemKind(record.item_kind)
        if status is None:
            await self._storage.queue.resolve(
                queue_id, resolution="dismissed", actor_id=access.user.id, now=utcnow()
            )
            await self._audit.record(
                project_id=access.project.id,
                actor=access.user,
                action="dismiss",
                item_kind=kind.value,
                item_id=record.item_id,
                subject_user_id=record.author_id,
                reason=reason,
            )
            self._notice(
                access.project.id, "resolved", {"queue_id": queue_id, "resolution": "dismissed"}
            )
        else:
            await self.set_item_status(access, kind, record.item_id, status, reason, decision)
        resolved = await self._storage.queue.get(queue_id)
        assert resolved is not None
        return resolved

    # -- reports --------------------------------------------------------------------------

    async def report(
        self, access: Access, kind: ItemKind, item_id: int, reason: str
    ) -> QueueRecord:
        """Any member reports what they can see; it reaches this project's teachers."""
        access.require(Action.REPORT)
        ref = await self.item(access, kind, item_id)
        await self._require_visible(access, ref)
        if await self._storage.reports.exists(kind.value, item_id, access.user.id):
            raise Conflict("you reported this already", problem=Problem.ALREADY_REPORTED)
        now = utcnow()
        open_entries = [
            e
            for e in await self._storage.queue.open_for_item(kind.value, item_id)
            if e.origin == "report"
        ]
        async with self._storage.transaction() as tx:
            if open_entries:
                queue_id = open_entries[0].id
            else:
                queue_id = await tx.queue.add(
                    project_id=access.project.id,
                    item_kind=kind.value,
                    item_id=item_id,
                    author_id=ref.author_id,
                    origin="report",
                    reason=reason or "reported",
                    flags=[],
                    excerpt=ref.text[:500],
                    now=now,
                )
            await tx.reports.add(
                project_id=access.project.id,
                item_kind=kind.value,
                item_id=item_id,
                reporter_id=access.user.id,
                reason=reason,
                queue_id=queue_id,
                now=now,
            )
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action="report",
            item_kind=kind.value,
            item_id=item_id,
            subject_user_id=ref.author_id,
            reason=reason,
        )
        self._notice(
            access.project.id,
            "report",
            {
                "queue_id": queue_id,
                "item": kind.value,
                "item_id": item_id,
                "reason": reason,
                "reporter": {"id": access.user.id, "display_name": access.user.display_name},
                "excerpt": ref.text[:200],
            },
        )
        await self._events.publish(
            ItemReported(
                project_id=access.project.id,
                queue_id=queue_id,
                item_kind=kind.value,
                item_id=item_id,
                reporter_id=access.user.id,
                author_id=ref.author_id,
            )
        )
        entry = await self._storage.queue.get(queue_id)
        assert entry is not None
        return entry

    async def _require_visible(self, access: Access, ref: ContentRef) -> None:
        if ref.status is not ItemStatus.PUBLISHED and not (
            access.is_teacher or ref.author_id == access.user.id
        ):
            raise NotFound("no such item")
        if ref.space is SpaceKind.CHANNEL:
            await self._access.channel(access.user, ref.space_id)
        elif ref.space is SpaceKind.BOARD:
            await self._access.board(access.user, ref.space_id)

    # -- mutes ----------------------------------------------------------------------------

    async def _pupil_member(self, access: Access, user_id: int) -> None:
        membership = await self._storage.memberships.get(access.project.id, user_id)
        if membership is None:
            raise NotFound("no such member")
        if membership.role is not Role.PUPIL:
            raise RuleViolation("only pupils are muted", problem=Problem.ONLY_PUPILS_MUTED)

    async def mute(self, access: Access, user_id: int, until: datetime, reason: str) -> MuteRecord:
        access.require(Action.MODERATE)
        await self._pupil_member(access, user_id)
        now = utcnow()
        if until <= now or until - now > MAX_MUTE:
            raise RuleViolation(
                "a mute ends in the future, at most 30 days from now",
                problem=Problem.MUTE_WINDOW,
                days=30,
            )
        async with self._storage.transaction() as tx:
            await tx.mutes.lift(access.project.id, user_id, access.user.id, now)
            await tx.mutes.create(
                project_id=access.project.id,
                user_id=user_id,
                until=until,
                reason=reason,
                created_by=access.user.id,
                now=now,
            )
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action="mute",
            subject_user_id=user_id,
            reason=reason,
            details={"until": to_iso(until)},
        )
        data = {"user_id": user_id, "until": to_iso(until), "reason": reason}
        self._hub.publish(
            access.project.id, "moderation.muted", data, audience=Audience.only({user_id})
        )
        self._notice(access.project.id, "muted", data)
        mute = await self._storage.mutes.active(access.project.id, user_id, now)
        assert mute is not None
        return mute

    async def unmute(self, access: Access, user_id: int) -> None:
        access.require(Action.MODERATE)
        if not await self._storage.mutes.lift(access.project.id, user_id, access.user.id, utcnow()):
            raise NotFound("this pupil is not muted")
        await self._audit.record(
            project_id=access.project.id,
            actor=access.user,
            action="unmute",
            subject_user_id=user_id,
        )
        data = {"user_id": user_id}
        self._hub.publish(
            access.project.id, "moderation.unmuted", data, audience=Audience.only({user_id})
        )
        self._notice(access.project.id, "unmuted", data)

    async def mutes(self, access: Access) -> list[MuteRecord]:
        access.require(Action.MODERATE)
        return await self._storage.mutes.of_project(access.project.id, utcnow())

    # -- a pupil's activity -----------------------------------------------------------------

    async def activity(self, access: Access, user_id: int, limit: int) -> dict[str, Any]:
        access.require(Action.MODERATE)
        if await self._storage.memberships.get(access.project.id, user_id) is None:
            raise NotFound("no such member")
        items: list[ActivityRecord] = await self._storage.activity.of_user(
            user_id, project_id=access.project.id, limit=limit
        )
        mute = await self._storage.mutes.active(access.project.id, user_id, utcnow())
        return {"items": items, "muted_until": mute.until if mute else None}

    # -- live notices ---------------------------------------------------------------------

    def _notice(self, project_id: int, kind: str, data: dict[str, Any]) -> None:
        self._hub.publish(
            project_id, "moderation.notice", {"kind": kind, **data}, audience=Audience.teachers()
        )
