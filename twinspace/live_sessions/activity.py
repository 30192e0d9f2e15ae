"""Who is present in a live session and what happened in it.

The roster combines the members who joined the session with the presence the project events
socket tracks (a closed socket is a leave) and the online teachers; it is pushed as
`session.roster` to teachers and participating pupils whenever it changes. The session log is
the teachers' timeline of joins, leaves and teacher actions, pushed as `session.log`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from twinspace.clock import utcnow
from twinspace.live_sessions.rules import SessionState
from twinspace.live_sessions.views import (
    LogEntry,
    OnlineTeacher,
    Roster,
    SchoolRef,
    class_school,
    log_view,
    roster_view,
)
from twinspace.realtime.presence import Presence
from twinspace.realtime.project_events import Audience, Event, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.live_sessions import LiveSessionRecord
from twinspace.storage.records import ChannelRecord
from twinspace.types import TEACHER_ROLES, Role

log = logging.getLogger("twinspace.live_sessions.service")

PRESENCE_EVENTS = frozenset({"presence.joined", "presence.left", "presence.moved"})


class _SeesEverything:
    """The presence viewer the roster reads with: every location, channel ones included."""

    user_id = 0
    is_teacher = True

    def can_see_channel(self, channel: ChannelRecord) -> bool:
        return True


class SessionActivity:
    def __init__(self, storage: Storage, hub: ProjectEventHub, presence: Presence) -> None:
        self._storage = storage
        self._hub = hub
        self._presence = presence
        self._watches: dict[int, Callable[[], None]] = {}  # project id -> unsubscribe
        self._due: set[int] = set()  # sessions whose roster push is scheduled
        self._pushed: dict[int, str] = {}  # last roster sent per session
        self._away: set[tuple[int, int]] = set()  # (session, user) who left while live
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()

    # -- presence of projects with a live session -----------------------------------------

    def watch(self, project_id: int) -> None:
        if project_id not in self._watches:
            self._watches[project_id] = self._hub.subscribe(
                project_id, lambda message: self._on_project_event(project_id, message)
            )

    async def unwatch_if_idle(self, project_id: int) -> None:
        sessions = await self._storage.live_sessions.of_project(project_id)
        if not any(s.state == SessionState.LIVE for s in sessions):
            unsubscribe = self._watches.pop(project_id, None)
            if unsubscribe is not None:
                unsubscribe()

    async def stop(self) -> None:
        for unsubscribe in self._watches.values():
            unsubscribe()
        self._watches.clear()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("live session activity failed", exc_info=task.exception())

    def _on_project_event(self, project_id: int, message: object) -> None:
        """Bus listener (synchronous): presence changes update the rosters. Presence is kept
        per process, so only this process's own presence events count here."""
        if isinstance(message, Event) and message.local and message.type in PRESENCE_EVENTS:
            user_id = int(json.loads(message.text)["data"]["user"]["id"])
            self._spawn(self._presence_changed(project_id, user_id, message.type))

    async def _presence_changed(self, project_id: int, user_id: int, kind: str) -> None:
        repo = self._storage.live_sessions
        for session in await repo.of_project(project_id):
            if session.state != SessionState.LIVE:
                continue
            key = (session.id, user_id)
            if kind != "presence.moved" and await repo.attendance.has_joined([session.id], user_id):
                user = await self._storage.users.get(user_id)
                school_id = user.school_id if user else None
                if kind == "presence.left":
                    self._away.add(key)
                    await self.log(session, "left", None, subject_id=user_id, school_id=school_id)
                elif key in self._away:
                    self._away.discard(key)
                    await self.log(
                        session, "came_back", None, subject_id=user_id, school_id=school_id
                    )
            self.changed(session.id)

    # -- the roster -----------------------------------------------------------------------

    def changed(self, session_id: int) -> None:
        """Push the session's roster soon (several changes make one push)."""
        if session_id not in self._due:
            self._due.add(session_id)
            self._spawn(self._push(session_id))

    async def _push(self, session_id: int) -> None:
        self._due.discard(session_id)
        async with self._lock:
            session = await self._storage.live_sessions.get(session_id)
            if session is None:
                return
            roster, pupils = await self.build(session)
            data = roster.model_dump(mode="json")
            text = json.dumps(data, sort_keys=True)
            if self._pushed.get(session_id) == text:
                return
            self._pushed[session_id] = text
            if roster.state is SessionState.ENDED:
                self._pushed.pop(session_id, None)
                self._away = {k for k in self._away if k[0] != session_id}
            self._hub.publish(
                session.project_id,
                "session.roster",
                data,
                audience=Audience.teachers(),
                durable=False,
            )
            if pupils:
                self._hub.publish(
                    session.project_id,
                    "session.roster",
                    data,
                    audience=Audience.only(pupils),
                    durable=False,
                )

    async def build(self, session: LiveSessionRecord) -> tuple[Roster, set[int]]:
        """The roster, and the pupils it goes to (participating classes and joined)."""
        repo = self._storage.live_sessions
        attendance = await repo.attendance.of_session(session.id)
        expected = await repo.classes.expected_pupils(session.id, session.project_id)
        snapshot = await self._presence.view(session.project_id, _SeesEverything())
        online = {int(entry["user"]["id"]): entry["location"] for entry in snapshot}
        roles = {int(entry["user"]["id"]): Role(entry["user"]["role"]) for entry in snapshot}
        users = await self._storage.users.get_many(
            [uid for uid, role in roles.items() if role in TEACHER_ROLES]
        )
        teachers = [
            OnlineTeacher(uid, user.display_name, roles[uid], user.school_id)
            for uid, user in users.items()
        ]
        schools = await self.schools(
            session.id, {a.school_id for a in attendance} | {t.school_id for t in teachers}
        )
        roster = roster_view(session, schools, attendance, expected, online, teachers, utcnow())
        pupils = {e.user_id for e in expected} | {
            a.user_id for a in attendance if a.role == Role.PUPIL.value
        }
        return roster, pupils

    async def schools(self, session_id: int, extra: Iterable[int | None]) -> dict[int, SchoolRef]:
        """The participating schools (in the session's order), then any `extra` ones."""
        classes = await self._storage.live_sessions.classes.of_session(session_id)
        schools = {c.school_id: class_school(c) for c in classes}
        for school_id in sorted(i for i in set(extra) if i is not None and i not in schools):
            record = await self._storage.schools.get(school_id)
            if record is not None:
                schools[school_id] = SchoolRef.of(record)
        return schools

    # -- the session log ------------------------------------------------------------------

    async def log(
        self,
        session: LiveSessionRecord,
        action: str,
        actor_id: int | None,
        *,
        subject_id: int | None = None,
        school_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        repo = self._storage.live_sessions.log
        entry_id = await repo.add(
            session_id=session.id,
            action=action,
            actor_id=actor_id,
            subject_id=subject_id,
            school_id=school_id,
            details=details or {},
            now=utcnow(),
        )
        audience = Audience.teachers()
        if school_id is not None:  # a school's own entry: for that school's teachers only
            audience = Audience.only(
                user.id
                for membership, user in await self._storage.memberships.members(session.project_id)
                if membership.role in TEACHER_ROLES and user.school_id == school_id
            )
        for entry in await repo.of_session(session.id, after=entry_id - 1, limit=1):
            self._hub.publish(
                session.project_id,
                "session.log",
                {"session_id": session.id, **log_view(entry, "UTC").model_dump(mode="json")},
                audience=audience,
            )

    async def entries(
        self, session: LiveSessionRecord, zone_name: str, *, after: int = 0, limit: int = 500
    ) -> list[LogEntry]:
        records = await self._storage.live_sessions.log.of_session(
            session.id, after=after, limit=limit
        )
        return [log_view(entry, zone_name) for entry in records]
