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
    organiser; `added_class_ids`/`removed_class_ids` the classes this change concerns."""

    project_id: int
    session_id: int
    # scheduled | classes_added | classes_removed | updated | started | cancelled | ended
    change: str
    actor_id: int | None
    teacher_ids: tuple[int, ...]
    added_class_ids: tuple[int, ...] = ()
    removed_class_ids: tuple[int, ...] = ()


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
