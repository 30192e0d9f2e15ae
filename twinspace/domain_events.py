"""In-process domain events: services publish, realtime parts react (locks, removals)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from twinspace.types import ProjectState, Role

log = logging.getLogger("twinspace.domain_events")


@dataclass(frozen=True, slots=True)
class PageLockChanged:
    project_id: int
    page_id: int
    room: str
    locked: bool
    actor_id: int


@dataclass(frozen=True, slots=True)
class PageDeleted:
    project_id: int
    page_id: int
    room: str
    actor_id: int


@dataclass(frozen=True, slots=True)
class PageVersionRestored:
    project_id: int
    page_id: int
    version_id: int
    saved_version_id: int
    actor_id: int


@dataclass(frozen=True, slots=True)
class MemberRemoved:
    project_id: int
    user_id: int


@dataclass(frozen=True, slots=True)
class MemberRoleChanged:
    project_id: int
    user_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class ProjectStateChanged:
    project_id: int
    state: ProjectState


@dataclass(frozen=True, slots=True)
class LiveSessionChanged:
    """A live session's state, read-only flag or admitted members changed: who may write in
    its page, channel and board changes with it."""

    project_id: int
    session_id: int
    page_id: int | None


@dataclass(frozen=True, slots=True)
class LiveSessionInvolvement:
    """Classes joined (were invited into) or left a live session, or the session was
    scheduled, changed, started, cancelled or ended: what a notifications feature tells the
    teachers involved. `teacher_ids` are the member teachers of the session's classes and its
    organiser; `added_class_ids`/`removed_class_ids` the classes this change concerns, and
    `invited_teacher_ids` the teachers of the added classes (not the one who added them)."""

    project_id: int
    session_id: int
    # scheduled | classes_added | classes_removed | updated | started | cancelled | ended
    change: str
    actor_id: int | None
    teacher_ids: tuple[int, ...]
    added_class_ids: tuple[int, ...] = ()
    removed_class_ids: tuple[int, ...] = ()
    invited_teacher_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LiveSessionStartingSoon:
    """A live session starts within the reminder lead (docs/design.md, "Live sessions"):
    published once per session by the session clock, for a "starting soon" notice to its
    teachers (`teacher_ids`) and the pupil members of its classes (`pupil_ids`)."""

    project_id: int
    session_id: int
    title: str
    starts_at: datetime
    teacher_ids: tuple[int, ...]
    pupil_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SessionsRevoked:
    """Every session of a user ended (logout everywhere, password reset, account erased or
    deactivated), or every one but `keep_session` (the user changed their own password)."""

    user_id: int
    keep_session: int | None = None


@dataclass(frozen=True, slots=True)
class SessionEnded:
    """One session ended (signed out); the user's other sessions go on."""

    user_id: int
    session_id: int


@dataclass(frozen=True, slots=True)
class ItemHeld:
    """A pupil-visible item was kept back for a teacher's decision (queue entry `queue_id`).
    `space` is "channel", "board" or "page"; `extra` carries the item's place ids
    (channel_id, board_id, post_id) as strings."""

    project_id: int
    queue_id: int | None
    item_kind: str
    item_id: int
    author_id: int | None
    space: str
    space_id: int
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ItemReported:
    project_id: int
    queue_id: int
    item_kind: str
    item_id: int
    reporter_id: int
    author_id: int | None


@dataclass(frozen=True, slots=True)
class UrgentCareNotice:
    """Self-harm: `recipients` (the pupil's own teachers) must hear of it at once
    (twinspace/moderation/care.py)."""

    project_id: int
    queue_id: int | None
    item_kind: str
    item_id: int
    author_id: int
    recipients: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ItemPublished:
    """A chat message, board post or comment became visible to the members who may see its
    space: on posting, after an edit, or when a teacher approved it. `parent_kind`/`parent_id`
    name what it answers (a message's thread parent, a comment's post)."""

    project_id: int
    item_kind: str
    item_id: int
    author_id: int | None
    text: str
    space: str
    space_id: int
    parent_kind: str | None = None
    parent_id: int | None = None


@dataclass(frozen=True, slots=True)
class InvitationCreated:
    project_id: int
    invitation_id: int
    inviter_id: int
    invitee_id: int
    role: Role


@dataclass(frozen=True, slots=True)
class RegistrationReviewed:
    teacher_id: int
    validated: bool


@dataclass(frozen=True, slots=True)
class LabelDecided:
    application_id: int
    project_id: int
    teacher_id: int
    awarded: bool


@dataclass(frozen=True, slots=True)
class SeatPromoted:
    """A teacher waiting for a training event got a seat that was freed."""

    event_id: int
    teacher_id: int


@dataclass(frozen=True, slots=True)
class PupilConsentChanged:
    """A pupil's guardian consent or recorded age changed: whether they may write changes with
    it, in every open page (docs/consent.md)."""

    user_id: int


DomainEvent = (
    PageLockChanged
    | PageDeleted
    | PageVersionRestored
    | MemberRemoved
    | MemberRoleChanged
    | ProjectStateChanged
    | SessionsRevoked
    | SessionEnded
    | LiveSessionChanged
    | LiveSessionInvolvement
    | LiveSessionStartingSoon
    | ItemHeld
    | ItemReported
    | UrgentCareNotice
    | ItemPublished
    | InvitationCreated
    | RegistrationReviewed
    | LabelDecided
    | SeatPromoted
    | PupilConsentChanged
)
Handler = Callable[[DomainEvent], Awaitable[None] | None]


class DomainEventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        self._handlers.append(handler)
        return lambda: self._handlers.remove(handler)

    async def publish(self, event: DomainEvent) -> None:
        for handler in list(self._handlers):
            try:
                result = handler(event)
                if inspect.isawaitable(result):
                    await result
            except Exception:
                log.exception("event handler failed for %s", type(event).__name__)
