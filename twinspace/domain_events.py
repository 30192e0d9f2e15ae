"""In-process domain events: services publish, realtime parts react (locks, removals)."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

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
