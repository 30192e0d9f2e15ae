"""Domain events become notifications: who hears of what (docs/notifications.md, "Kinds").

The access rules decide who may hear of an item (`AccessRules.moderators`,
`AccessRules.may_see_space`); this module only words the notice as a code, params and a link.
Each event is handled in a background task so the request that published it never waits.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from twinspace.clock import to_iso, utcnow
from twinspace.domain_events import (
    DomainEvent,
    InvitationCreated,
    ItemHeld,
    ItemPublished,
    ItemReported,
    LabelDecided,
    LiveSessionInvolvement,
    LiveSessionStartingSoon,
    RegistrationReviewed,
    SeatPromoted,
    UrgentCareNotice,
)
from twinspace.notifications.kinds import NotificationKind as Kind
from twinspace.notifications.mentions import mentioned_usernames
from twinspace.notifications.service import Notice, NotificationService
from twinspace.storage import Storage
from twinspace.workspace.access import AccessRules

log = logging.getLogger("twinspace.notifications")


def space_link(project_id: int, space: str, space_id: int) -> str:
    section = {"channel": "chat", "board": "boards", "page": "pages"}.get(space, "pages")
    return f"/projects/{project_id}/{section}/{space_id}"


def desk_link(project_id: int) -> str:
    return f"/projects/{project_id}/desk"


class NotificationWriter:
    def __init__(
        self, storage: Storage, access: AccessRules, notifications: NotificationService
    ) -> None:
        self._storage = storage
        self._access = access
        self._notifications = notifications
        self._tasks: set[asyncio.Task[None]] = set()

    def on_event(self, event: DomainEvent) -> None:
        """DomainEventBus handler: start the work, do not hold up the publisher."""
        work = self._work_for(event)
        if work is None:
            return
        task = asyncio.get_running_loop().create_task(self._guarded(work, event))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def idle(self) -> None:
        """Wait until every notification started so far is written (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _guarded(self, work: Coroutine[Any, Any, None], event: DomainEvent) -> None:
        try:
            await work
        except Exception:
            log.exception("notifications for %s failed", type(event).__name__)

    def _work_for(self, event: DomainEvent) -> Coroutine[Any, Any, None] | None:
        match event:
            case ItemHeld():
                return self._held(event)
            case ItemReported():
                return self._reported(event)
            case UrgentCareNotice():
                return self._urgent(event)
            case ItemPublished():
                # most messages answer nobody and name nobody: no work at all for them
                if event.parent_id is None and "@" not in event.text:
                    return None
                return self._published(event)
            case InvitationCreated():
                return self._invited(event)
            case RegistrationReviewed():
                return self._registration(event)
            case LabelDecided():
                return self._label(event)
            case SeatPromoted():
                return self._seat(event)
            case LiveSessionStartingSoon():
                return self._session_soon(event)
            case LiveSessionInvolvement() if event.invited_teacher_ids:
                return self._session_invited(event)
        return None

    # -- helpers -----------------------------------------------------------------------------

    async def _project_title(self, project_id: int) -> str:
        project = await self._storage.projects.get(project_id)
        return project.title if project else ""

    async def _name(self, user_id: int | None) -> str:
        user = await self._storage.users.get(user_id) if user_id is not None else None
        return user.display_name if user else ""

    # -- moderation --------------------------------------------------------------------------

    async def _held(self, event: ItemHeld) -> None:
        recipients = [
            r for r in await self._access.moderators(event.project_id) if r != event.author_id
        ]
        extra = dict(event.extra)
        await self._notifications.notify(
            recipients,
            Notice(
                Kind.HELD,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "author": await self._name(event.author_id),
                    "item": event.item_kind,
                    "space": event.space,
                    **({"queue_id": str(event.queue_id)} if event.queue_id else {}),
                    **{k: v for k, v in extra.items() if k.endswith("_id")},
                },
                desk_link(event.project_id),
                key=f"held:{event.item_kind}:{event.item_id}:{event.queue_id}",
            ),
        )

    async def _reported(self, event: ItemReported) -> None:
        recipients = [
            r for r in await self._access.moderators(event.project_id) if r != event.reporter_id
        ]
        await self._notifications.notify(
            recipients,
            Notice(
                Kind.REPORTED,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "reporter": await self._name(event.reporter_id),
                    "item": event.item_kind,
                    "queue_id": str(event.queue_id),
                },
                desk_link(event.project_id),
                key=f"reported:{event.queue_id}",
            ),
        )

    async def _urgent(self, event: UrgentCareNotice) -> None:
        # the care module chose the pupil's own teachers; only those who may moderate hear
        moderators = set(await self._access.moderators(event.project_id))
        await self._notifications.notify(
            [r for r in event.recipients if r in moderators],
            Notice(
                Kind.URGENT_SAFETY,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "author": await self._name(event.author_id),
                    "item": event.item_kind,
                    **({"queue_id": str(event.queue_id)} if event.queue_id else {}),
                },
                desk_link(event.project_id),
                key=f"urgent:{event.item_kind}:{event.item_id}",
                urgent=True,
            ),
        )

    # -- replies and mentions ----------------------------------------------------------------

    async def _parent_author(self, event: ItemPublished) -> int | None:
        if event.parent_id is None:
            return None
        if event.parent_kind == "message":
            message = await self._storage.messages.get(event.parent_id)
            return message.author_id if message else None
        if event.parent_kind == "post":
            post = await self._storage.board_content.post(event.parent_id)
            return post.author_id if post else None
        return None

    async def _published(self, event: ItemPublished) -> None:
        if event.space not in ("channel", "board"):
            return
        project, author = (
            await self._project_title(event.project_id),
            await self._name(event.author_id),
        )
        link = space_link(event.project_id, event.space, event.space_id)
        params = {"project": project, "author": author, "item": event.item_kind}
        replied = await self._parent_author(event)
        told: set[int] = set()
        if (
            replied is not None
            and replied != event.author_id
            and await self._access.may_see_space(
                replied, event.project_id, event.space, event.space_id
            )
        ):
            await self._notifications.notify(
                [replied],
                Notice(
                    Kind.REPLY,
                    event.project_id,
                    {**params, "parent": event.parent_kind or ""},
                    link,
                    key=f"reply:{event.item_kind}:{event.item_id}",
                ),
            )
            told.add(replied)
        names = mentioned_usernames(event.text)
        if not names:
            return
        wanted = set(names)
        members = [
            user.id
            for _m, user in await self._storage.memberships.members(event.project_id)
            if user.username.lower() in wanted
        ]
        mentioned = [
            m
            for m in members
            if m != event.author_id
            and m not in told
            and await self._access.may_see_space(m, event.project_id, event.space, event.space_id)
        ]
        await self._notifications.notify(
            mentioned,
            Notice(
                Kind.MENTION,
                event.project_id,
                params,
                link,
                key=f"mention:{event.item_kind}:{event.item_id}",
            ),
        )

    # -- accounts, projects, labels, training --------------------------------------------------

    async def _invited(self, event: InvitationCreated) -> None:
        await self._notifications.notify(
            [event.invitee_id],
            Notice(
                Kind.INVITATION,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "inviter": await self._name(event.inviter_id),
                    "role": event.role.value,
                },
                "/",
                key=f"invitation:{event.invitation_id}",
            ),
        )

    async def _registration(self, event: RegistrationReviewed) -> None:
        kind = Kind.REGISTRATION_VALIDATED if event.validated else Kind.REGISTRATION_REJECTED
        await self._notifications.notify(
            [event.teacher_id],
            Notice(kind, None, {}, "/account", key=f"registration:{to_iso(utcnow())}"),
        )

    async def _label(self, event: LabelDecided) -> None:
        kind = Kind.LABEL_AWARDED if event.awarded else Kind.LABEL_REJECTED
        await self._notifications.notify(
            [event.teacher_id],
            Notice(
                kind,
                event.project_id,
                {"project": await self._project_title(event.project_id)},
                "/labels",
                key=f"label:{event.application_id}",
            ),
        )

    async def _seat(self, event: SeatPromoted) -> None:
        training = await self._storage.training.get_event(event.event_id)
        await self._notifications.notify(
            [event.teacher_id],
            Notice(
                Kind.TRAINING_SEAT,
                None,
                {"event": training.title if training else "", "event_id": str(event.event_id)},
                "/training",
                key=f"seat:{event.event_id}",
            ),
        )

    # -- live sessions ---------------------------------------------------------------------------

    async def _session_soon(self, event: LiveSessionStartingSoon) -> None:
        """Once per session (the live sessions' clock claims it): its teachers and the pupils of
        its classes."""
        minutes = max(1, round((event.starts_at - utcnow()).total_seconds() / 60))
        await self._notifications.notify(
            sorted({*event.teacher_ids, *event.pupil_ids}),
            Notice(
                Kind.SESSION_SOON,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "title": event.title,
                    "minutes": str(minutes),
                    "starts_at": event.starts_at.isoformat(),
                },
                f"/projects/{event.project_id}/sessions/{event.session_id}",
                key=f"session_soon:{event.session_id}",
            ),
        )

    async def _session_invited(self, event: LiveSessionInvolvement) -> None:
        """Classes were added to a session: their teachers (not the one who added them)."""
        session = await self._storage.live_sessions.get(event.session_id)
        if not event.invited_teacher_ids or session is None:
            return
        added = "-".join(str(c) for c in sorted(event.added_class_ids))
        await self._notifications.notify(
            list(event.invited_teacher_ids),
            Notice(
                Kind.SESSION_INVITED,
                event.project_id,
                {
                    "project": await self._project_title(event.project_id),
                    "title": session.title,
                    "author": await self._name(event.actor_id),
                    "starts_at": session.starts_at.isoformat(),
                },
                f"/projects/{event.project_id}/sessions/{event.session_id}",
                key=f"session_invited:{event.session_id}:{added}",
            ),
        )
