"""Live cross-border sessions: partner classes meet on one page, channel and board at once.

A session is scheduled → live → ended (`SessionState`). It is live between its start and end,
or from when a teacher opens it early; a teacher may extend or end it, and a clock task ends it
at its end time. Pupils join with their class's code while it is live; only joined pupils may
write in its spaces, and not while a teacher holds "eyes on me" (read-only). The service is a
`SpaceRestrictions` provider, so the moderation gate and the page server ask it. At the end it
records attendance per school and saves the page as a named version; every step is logged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from twinspace.clock import utcnow
from twinspace.domain_events import (
    DomainEventBus,
    LiveSessionChanged,
    LiveSessionInvolvement,
    LiveSessionStartingSoon,
)
from twinspace.errors import Forbidden, NotFound, Problem, RuleViolation, Throttled
from twinspace.live_sessions.activity import SessionActivity
from twinspace.live_sessions.rules import (
    MAX_SESSION_HOURS,
    REMINDER_MINUTES,
    InvalidJoinCode,
    LiveSessionUpdate,
    NewLiveSession,
    SessionNotLive,
    SessionState,
    SessionStateConflict,
    WrongClass,
    new_code,
    normalise_code,
    pupil_block,
    state_at,
)
from twinspace.live_sessions.setup import (
    save_session_page,
    session_spaces,
    viewer_zone,
)
from twinspace.live_sessions.views import (
    LogEntry,
    Roster,
    SessionAttendance,
    SessionView,
    attendance_view,
    school_totals,
    session_view,
)
from twinspace.realtime.limits import LocalRateGate, RateGate
from twinspace.realtime.presence import Presence
from twinspace.realtime.project_events import Audience, ProjectEventHub
from twinspace.storage import Storage
from twinspace.storage.live_sessions import (
    LiveSessionRecord,
    ProjectClassRecord,
    SessionClassRecord,
)
from twinspace.storage.records import UserRecord
from twinspace.types import Role
from twinspace.workspace.access import Access, AccessRules, Action, WriteBlock
from twinspace.workspace.documents import DocumentService
from twinspace.workspace.pages import PageService
from twinspace.workspace.spaces import SpaceService

log = logging.getLogger("twinspace.live_sessions.service")

JOIN_ATTEMPTS_PER_MINUTE = 5
JOIN_ATTEMPT_BURST = 5
CLOCK_MAX_SLEEP = 30.0


class LiveSessionService:
    def __init__(
        self,
        storage: Storage,
        access: AccessRules,
        events: DomainEventBus,
        hub: ProjectEventHub,
        presence: Presence,
        documents: DocumentService,
        pages: PageService,
        spaces: SpaceService,
    ) -> None:
        self._storage = storage
        self._access = access
        self._events = events
        self._hub = hub
        self._documents = documents
        self._pages = pages
        self._spaces = spaces
        self.activity = SessionActivity(storage, hub, presence)
        self._attempts: RateGate = LocalRateGate(JOIN_ATTEMPTS_PER_MINUTE / 60, JOIN_ATTEMPT_BURST)
        self._clock_task: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        access.add_restrictions(self)

    # -- lifecycle and the clock ----------------------------------------------------------

    def share_join_attempts(self, gate: RateGate) -> None:
        """Join-code tries counted outside this process (the cluster's Redis)."""
        self._attempts = gate

    def start(self) -> None:
        self._clock_task = asyncio.create_task(self._clock(), name="live-sessions-clock")

    async def stop(self) -> None:
        if self._clock_task is not None:
            self._clock_task.cancel()
            await asyncio.gather(self._clock_task, return_exceptions=True)
        await self.activity.stop()

    async def _clock(self) -> None:
        """Start and end sessions on time; wakes at the next due moment or on a change."""
        for session in await self._storage.live_sessions.not_ended():
            if session.state == SessionState.LIVE:
                self.activity.watch(session.project_id)
        while True:
            self._wake.clear()
            delay = CLOCK_MAX_SLEEP
            try:
                delay = await self._advance_all()
            except Exception:
                log.exception("live session clock failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self._wake.wait()

    async def _advance_all(self) -> float:
        """Settle every open session; seconds until the next start or end is due."""
        due = utcnow() + timedelta(seconds=CLOCK_MAX_SLEEP)
        for session in await self._storage.live_sessions.not_ended():
            try:
                session = await self.settle(session)
            except Exception:
                log.exception("moving live session %s on failed", session.id)
                continue
            if session.state == SessionState.SCHEDULED:
                due = min(due, session.starts_at)
                if session.reminded_at is None:
                    remind_at = session.starts_at - timedelta(minutes=REMINDER_MINUTES)
                    if remind_at <= utcnow():
                        await self._remind(session)
                    else:
                        due = min(due, remind_at)
            if session.state != SessionState.ENDED:
                due = min(due, session.ends_at)
        return max(0.01, (due - utcnow()).total_seconds())

    async def _remind(self, session: LiveSessionRecord) -> None:
        """ "Starting soon", once per session: a domain event for notifications and a
        `session.starting_soon` event to the teachers and pupils involved."""
        if not await self._storage.live_sessions.mark_reminded(session.id, now=utcnow()):
            return
        teachers = await self.involved_teachers(session)
        expected = await self._storage.live_sessions.classes.expected_pupils(
            session.id, session.project_id
        )
        pupils = tuple(sorted({e.user_id for e in expected}))
        await self._events.publish(
            LiveSessionStartingSoon(
                session.project_id,
                session.id,
                session.title,
                session.starts_at,
                teacher_ids=teachers,
                pupil_ids=pupils,
            )
        )
        self._hub.publish(
            session.project_id,
            "session.starting_soon",
            {
                "session_id": session.id,
                "title": session.title,
                "starts_at": session.starts_at.isoformat(),
                "minutes": REMINDER_MINUTES,
            },
            audience=Audience.only({*teachers, *pupils}),
        )

    async def settle(self, session: LiveSessionRecord) -> LiveSessionRecord:
        """Apply what the clock decided since the stored state was written."""
        due = state_at(session, utcnow())
        if due.value == session.state or due is SessionState.CANCELLED:
            return session
        if session.state == SessionState.SCHEDULED:
            await self._go_live(session, None, opened_early=False)
        if due is SessionState.ENDED:
            await self._finish(session, None)
        return await self._reload(session.id)

    # -- lookups and views ----------------------------------------------------------------

    async def _reload(self, session_id: int) -> LiveSessionRecord:
        session = await self._storage.live_sessions.get(session_id)
        if session is None:
            raise NotFound("no such live session")
        return session

    async def find(self, user: UserRecord, session_id: int) -> tuple[Access, LiveSessionRecord]:
        """The session and the caller's access; non-members get NotFound."""
        session = await self._reload(session_id)
        try:
            access = await self._access.project(user, session.project_id)
        except NotFound:
            raise NotFound("no such live session") from None
        return access, await self.settle(session)

    async def sessions(self, access: Access) -> list[LiveSessionRecord]:
        access.require(Action.READ)
        return [
            await self.settle(s)
            for s in await self._storage.live_sessions.of_project(access.project.id)
        ]

    async def zone_of(self, user: UserRecord, override: str | None = None) -> str:
        return await viewer_zone(self._storage, user, override)

    async def view(
        self, session: LiveSessionRecord, zone_name: str, viewer_id: int | None
    ) -> SessionView:
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        page = await self._storage.pages.get(session.page_id) if session.page_id else None
        joined = (
            None
            if viewer_id is None
            else bool(
                await self._storage.live_sessions.attendance.has_joined([session.id], viewer_id)
            )
        )
        return session_view(
            session,
            classes,
            page_room=page.room if page else None,
            zone_name=zone_name,
            now=utcnow(),
            joined=joined,
        )

    # -- scheduling -----------------------------------------------------------------------

    async def schedule(self, access: Access, form: NewLiveSession) -> LiveSessionRecord:
        access.require(Action.MANAGE_SPACES)
        now = utcnow()
        if form.ends_at <= now:
            raise RuleViolation(
                "the session would already be over: ends_at is in the past",
                problem=Problem.SESSION_TIMES,
                hours=MAX_SESSION_HOURS,
            )
        classes = [
            await self._access.session_class(access, class_id, organiser_id=access.user.id)
            for class_id in dict.fromkeys(form.class_ids)
        ]
        spaces = await session_spaces(self._storage, self._pages, self._spaces, access, form)
        codes: set[str] = set()
        while len(codes) < len(classes):
            codes.add(new_code())
        async with self._storage.transaction() as tx:
            session_id = await tx.live_sessions.create(
                project_id=access.project.id,
                title=form.title,
                agenda=[item.model_dump() for item in form.agenda],
                starts_at=form.starts_at,
                ends_at=form.ends_at,
                page_id=spaces.page_id,
                channel_id=spaces.channel_id,
                board_id=spaces.board_id,
                created=set(spaces.created),
                created_by=access.user.id,
                now=now,
            )
            for school_class, code in zip(classes, sorted(codes), strict=True):
                await tx.live_sessions.classes.add(
                    session_id=session_id,
                    class_id=school_class.id,
                    school_id=school_class.school_id,
                    code=code,
                    set_by=access.user.id,
                    now=now,
                )
        session = await self._reload(session_id)
        await self._log(
            session, "scheduled", access.user, details={"class_ids": [c.id for c in classes]}
        )
        await self._changed(session)
        await self._involve(session, "scheduled", access.user, added=[c.id for c in classes])
        return await self.settle(session)

    # -- classes across schools -----------------------------------------------------------

    async def project_classes(self, access: Access) -> list[ProjectClassRecord]:
        """The TwinSpace's classes a session can include (teachers)."""
        access.require(Action.MANAGE_SPACES)
        return await self._storage.live_sessions.classes.of_project(access.project.id)

    async def add_classes(
        self, access: Access, session: LiveSessionRecord, class_ids: list[int]
    ) -> LiveSessionRecord:
        """Add classes: a teacher their own, the organiser and founders any of the TwinSpace
        (invitations to partner schools' classes); each gets its own join code."""
        self._require_open(session)
        wanted = [
            await self._access.session_class(access, class_id, organiser_id=session.created_by)
            for class_id in dict.fromkeys(class_ids)
        ]
        added = []
        async with self._storage.transaction() as tx:
            await tx.live_sessions.classes.lock(session.id)
            present = await tx.live_sessions.classes.of_session(session.id)
            taken = {c.code for c in present}
            for school_class in wanted:
                if any(c.class_id == school_class.id for c in present):
                    continue
                code = new_code()
                while code in taken:
                    code = new_code()
                taken.add(code)
                await tx.live_sessions.classes.add(
                    session_id=session.id,
                    class_id=school_class.id,
                    school_id=school_class.school_id,
                    code=code,
                    set_by=access.user.id,
                    now=utcnow(),
                )
                added.append(school_class.id)
            if added:
                await tx.live_sessions.touch(session.id, utcnow())
        if added:
            await self._log(session, "classes_added", access.user, details={"class_ids": added})
            await self._changed(session)
            await self._involve(session, "classes_added", access.user, added=added)
            self.activity.changed(session.id)
        return await self._reload(session.id)

    async def remove_class(
        self, access: Access, session: LiveSessionRecord, class_id: int
    ) -> LiveSessionRecord:
        """Take a class out: a teacher their own, the organiser and founders any. The class's
        code stops working; who already joined stays in the attendance."""
        self._require_open(session)
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        if not any(c.class_id == class_id for c in classes):
            raise NotFound("no such class in this session")
        await self._access.session_class(access, class_id, organiser_id=session.created_by)
        async with self._storage.transaction() as tx:
            await tx.live_sessions.classes.lock(session.id)
            if len(await tx.live_sessions.classes.of_session(session.id)) <= 1:
                raise RuleViolation(
                    "a session keeps at least one class: cancel it instead",
                    problem=Problem.SESSION_KEEPS_A_CLASS,
                    rule="one-class",
                )
            await tx.live_sessions.classes.remove(session.id, class_id)
            await tx.live_sessions.touch(session.id, utcnow())
        await self._log(session, "class_removed", access.user, details={"class_id": class_id})
        await self._changed(session)
        await self._involve(session, "classes_removed", access.user, removed=[class_id])
        self.activity.changed(session.id)
        return await self._reload(session.id)

    async def cancel(self, access: Access, session: LiveSessionRecord) -> LiveSessionRecord:
        """Call off a scheduled session (its organiser or a founder); calendars keep it as
        cancelled."""
        self._access.require_session_organiser(access, session.created_by)
        SessionState(state_at(session, utcnow())).require(SessionState.CANCELLED)
        if not await self._storage.live_sessions.mark_cancelled(session.id, now=utcnow()):
            raise SessionStateConflict("the session is no longer scheduled", state=session.state)
        await self._log(session, "cancelled", access.user)
        await self._changed(session)
        await self._involve(session, "cancelled", access.user)
        return await self._reload(session.id)

    def _require_open(self, session: LiveSessionRecord) -> None:
        state = state_at(session, utcnow())
        if state in (SessionState.ENDED, SessionState.CANCELLED):
            raise SessionStateConflict(f"the session is {state.value}", state=state.value)

    async def involved_teachers(
        self, session: LiveSessionRecord, extra_classes: Sequence[int] = ()
    ) -> tuple[int, ...]:
        """The organiser and the member teachers of the session's classes (and of
        `extra_classes`, such as one just removed)."""
        in_session = {
            c.class_id for c in await self._storage.live_sessions.classes.of_session(session.id)
        } | set(extra_classes)
        teachers = {
            teacher_id
            for c in await self._storage.live_sessions.classes.of_project(session.project_id)
            if c.class_id in in_session
            for teacher_id in c.teacher_ids
        }
        if session.created_by is not None:
            teachers.add(session.created_by)
        return tuple(sorted(teachers))

    async def _involve(
        self,
        session: LiveSessionRecord,
        change: str,
        actor: UserRecord | None,
        *,
        added: Sequence[int] = (),
        removed: Sequence[int] = (),
    ) -> None:
        """Tell the teachers involved: a domain event (notifications hook onto it) and, when
        classes were added, `session.invited` to their teachers over the events socket."""
        teachers = await self.involved_teachers(session, removed)
        invited: set[int] = set()
        if added:
            invited = {
                teacher_id
                for c in await self._storage.live_sessions.classes.of_project(session.project_id)
                if c.class_id in added
                for teacher_id in c.teacher_ids
            } - ({actor.id} if actor else set())
        await self._events.publish(
            LiveSessionInvolvement(
                session.project_id,
                session.id,
                change,
                actor.id if actor else None,
                teachers,
                tuple(added),
                tuple(removed),
                tuple(sorted(invited)),
            )
        )
        if invited:
            view = await self.view(await self._reload(session.id), "UTC", None)
            self._hub.publish(
                session.project_id,
                "session.invited",
                {
                    "session": view.model_dump(mode="json"),
                    "class_ids": list(added),
                    "by": {"id": actor.id, "display_name": actor.display_name} if actor else None,
                },
                audience=Audience.only(invited),
            )

    async def update(
        self, access: Access, session: LiveSessionRecord, form: LiveSessionUpdate
    ) -> LiveSessionRecord:
        access.require(Action.MANAGE_SPACES)
        state = SessionState(session.state)
        if state is SessionState.ENDED:
            raise SessionStateConflict("the session has ended", state=state.value)
        if state is SessionState.LIVE and (form.starts_at or form.ends_at):
            raise SessionStateConflict(
                "the session is live: extend or end it instead", state=state.value
            )
        starts_at, ends_at = form.starts_at or session.starts_at, form.ends_at or session.ends_at
        if ends_at <= starts_at or ends_at - starts_at > timedelta(hours=MAX_SESSION_HOURS):
            raise RuleViolation(
                f"ends_at must be after starts_at, within {MAX_SESSION_HOURS} h",
                problem=Problem.SESSION_TIMES,
                hours=MAX_SESSION_HOURS,
            )
        if ends_at <= utcnow():
            raise RuleViolation(
                "the session would already be over: ends_at is in the past",
                problem=Problem.SESSION_TIMES,
                hours=MAX_SESSION_HOURS,
            )
        agenda = (
            [i.model_dump() for i in form.agenda]
            if form.agenda is not None
            else list(session.agenda)
        )
        await self._storage.live_sessions.update_details(
            session.id,
            title=form.title or session.title,
            agenda=agenda,
            starts_at=starts_at,
            ends_at=ends_at,
            now=utcnow(),
            reset_reminder=starts_at != session.starts_at,
        )
        await self._log(
            session, "updated", access.user, details={"fields": sorted(form.model_fields_set)}
        )
        await self._changed(session)
        await self._involve(session, "updated", access.user)
        return await self.settle(await self._reload(session.id))

    # -- teachers' controls ---------------------------------------------------------------

    async def open(self, access: Access, session: LiveSessionRecord) -> LiveSessionRecord:
        """Open a scheduled session early."""
        access.require(Action.MANAGE_SPACES)
        SessionState(session.state).require(SessionState.LIVE)
        await self._go_live(session, access.user, opened_early=True)
        return await self._reload(session.id)

    async def extend(
        self, access: Access, session: LiveSessionRecord, minutes: int
    ) -> LiveSessionRecord:
        access.require(Action.MANAGE_SPACES)
        if session.state == SessionState.ENDED:
            raise SessionStateConflict("the session has ended", state=session.state)
        ends_at = session.ends_at + timedelta(minutes=minutes)
        began = session.started_at or session.starts_at
        if ends_at - began > timedelta(hours=MAX_SESSION_HOURS):
            raise RuleViolation(
                f"a session lasts at most {MAX_SESSION_HOURS} hours",
                problem=Problem.SESSION_TIMES,
                hours=MAX_SESSION_HOURS,
            )
        await self._storage.live_sessions.set_ends_at(session.id, ends_at, utcnow())
        await self._log(
            session,
            "extended",
            access.user,
            details={"minutes": minutes, "ends_at": ends_at.isoformat()},
        )
        await self._changed(session)
        return await self._reload(session.id)

    async def end(self, access: Access, session: LiveSessionRecord) -> LiveSessionRecord:
        access.require(Action.MANAGE_SPACES)
        SessionState(session.state).require(SessionState.ENDED)
        await self._finish(session, access)
        return await self._reload(session.id)

    async def set_read_only(
        self, access: Access, session: LiveSessionRecord, read_only: bool
    ) -> LiveSessionRecord:
        """ "Eyes on me": pupils' writes in the session's spaces pause until it is lifted."""
        access.require(Action.MANAGE_SPACES)
        if session.state != SessionState.LIVE:
            raise SessionStateConflict(
                "only a live session can be made read-only", state=session.state
            )
        if await self._storage.live_sessions.set_read_only(session.id, read_only, utcnow()):
            self._hub.publish(
                session.project_id,
                "session.read_only",
                {"session_id": session.id, "read_only": read_only, "actor_id": access.user.id},
            )
            await self._log(session, "read_only_on" if read_only else "read_only_off", access.user)
            await self._changed(session)
        return await self._reload(session.id)

    # -- join codes and joining -----------------------------------------------------------

    async def codes(self, access: Access, session: LiveSessionRecord) -> list[SessionClassRecord]:
        """The codes of the caller's own classes in the session (their teachers only)."""
        if not access.is_teacher:
            raise Forbidden("join codes are for teachers", problem=Problem.TEACHERS_ONLY)
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        return [c for c in classes if await self._access.may_see_join_code(access.user, c.class_id)]

    async def regenerate(
        self, access: Access, session: LiveSessionRecord, class_id: int
    ) -> SessionClassRecord:
        access.require(Action.MANAGE_SPACES)
        if session.state == SessionState.ENDED:
            raise SessionStateConflict("the session has ended", state=session.state)
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        entry = next((c for c in classes if c.class_id == class_id), None)
        if entry is None:
            raise NotFound("no such class in this session")
        if not await self._access.may_see_join_code(access.user, class_id):
            raise Forbidden(
                "only the class's own teachers manage its code",
                problem=Problem.CLASS_TEACHERS_ONLY,
                rule="own-classes",
            )
        taken = {c.code for c in classes}
        code = new_code()
        while code in taken:
            code = new_code()
        await self._storage.live_sessions.classes.set_code(
            session_id=session.id, class_id=class_id, code=code, set_by=access.user.id, now=utcnow()
        )
        await self._log(
            session,
            "code_regenerated",
            access.user,
            school_id=entry.school_id,
            details={"class_id": class_id},
        )
        [fresh] = [c for c in await self.codes(access, session) if c.class_id == class_id]
        return fresh

    async def join(
        self, access: Access, session: LiveSessionRecord, code: str | None
    ) -> LiveSessionRecord:
        """Pupils with their class's code, teachers without one; only while it is live."""
        user = access.user
        wait = await self._attempts.take(str(user.id)) if access.role is Role.PUPIL else 0.0
        if wait:
            raise Throttled(
                "too many tries: wait a little before typing a code again",
                problem=Problem.JOIN_ATTEMPTS,
                retry_after=int(wait) + 1,
                rule="join-attempts",
            )
        if not access.is_teacher and access.role is not Role.PUPIL:
            raise Forbidden(
                "guests follow a session without joining it", problem=Problem.GUESTS_FOLLOW
            )
        if session.state != SessionState.LIVE:
            raise SessionNotLive(
                "the session is not live: you can join from its start until its end",
                state=session.state,
                starts_at=session.starts_at.isoformat(),
                ends_at=session.ends_at.isoformat(),
            )
        class_id = (
            await self._code_class(access, session, code) if access.role is Role.PUPIL else None
        )
        first = await self._storage.live_sessions.attendance.record_join(
            session_id=session.id,
            user_id=user.id,
            role=access.role.value,
            school_id=user.school_id,
            class_id=class_id,
            now=utcnow(),
        )
        await self._log(
            session,
            "joined" if first else "rejoined",
            None,
            subject_id=user.id,
            school_id=user.school_id,
            details={"class_id": class_id},
        )
        await self._changed(session, announce=False)
        self.activity.changed(session.id)
        return session

    async def admit(
        self, access: Access, session: LiveSessionRecord, pupil_id: int
    ) -> LiveSessionRecord:
        """Let a pupil in without a code (one without a device of their own, or who lost the
        code): only the teachers of the pupil's own class (404 to other schools)."""
        access.require(Action.MANAGE_PUPILS)
        pupil = await self._access.responsible_for_pupil(access.user, pupil_id)
        membership = await self._storage.memberships.get(session.project_id, pupil.id)
        if membership is None or membership.role is not Role.PUPIL:
            raise NotFound("no such pupil in this TwinSpace")
        if state_at(session, utcnow()) is not SessionState.LIVE:
            raise SessionNotLive(
                "the session is not live: pupils join from its start until its end",
                state=session.state,
            )
        record = await self._storage.pupils.get(pupil.id)
        taking_part = await self._storage.live_sessions.classes.of_session(session.id)
        if record is None or record.class_id not in {c.class_id for c in taking_part}:
            raise RuleViolation(
                "the pupil's class does not take part: add the class first",
                problem=Problem.CLASS_NOT_IN_SESSION,
                rule="class-not-in-session",
            )
        first = await self._storage.live_sessions.attendance.record_join(
            session_id=session.id,
            user_id=pupil.id,
            role=Role.PUPIL.value,
            school_id=pupil.school_id,
            class_id=record.class_id,
            now=utcnow(),
        )
        await self._log(
            session,
            "admitted" if first else "rejoined",
            access.user,
            subject_id=pupil.id,
            school_id=pupil.school_id,
            details={"class_id": record.class_id},
        )
        await self._changed(session, announce=False)
        self.activity.changed(session.id)
        return session

    async def _code_class(
        self, access: Access, session: LiveSessionRecord, code: str | None
    ) -> int:
        if not code:
            raise InvalidJoinCode("type the code your teacher gives your class")
        typed = normalise_code(code)
        classes = await self._storage.live_sessions.classes.of_session(session.id)
        match = next((c for c in classes if hmac.compare_digest(c.code, typed)), None)
        if match is None:
            raise InvalidJoinCode("that code does not open this session")
        if match.class_id != await self._access.pupil_class(access):
            raise WrongClass(
                "that code belongs to another class: ask your teacher for your class's code"
            )
        return match.class_id

    # -- the space restriction ------------------------------------------------------------

    async def pupil_block(
        self, project_id: int, space: str, space_id: int, user_id: int
    ) -> WriteBlock | None:
        sessions = await self._storage.live_sessions.using_space(project_id, space, space_id)
        if not sessions:
            return None
        joined = await self._storage.live_sessions.attendance.has_joined(
            [s.id for s in sessions], user_id
        )
        return pupil_block(sessions, joined, space, utcnow())

    # -- attendance and log ---------------------------------------------------------------

    async def roster(self, access: Access, session: LiveSessionRecord) -> Roster:
        """For teachers and the pupils taking part (participating classes, or joined)."""
        roster, pupils = await self.activity.build(session)
        if not access.is_teacher and access.user.id not in pupils:
            raise Forbidden(
                "the roster is for the session's participants",
                problem=Problem.SESSION_PARTICIPANTS_ONLY,
            )
        return roster

    async def attendance(
        self, access: Access, session: LiveSessionRecord, zone_name: str
    ) -> SessionAttendance:
        if not access.is_teacher:
            raise Forbidden("attendance is for teachers", problem=Problem.TEACHERS_ONLY)
        repo = self._storage.live_sessions
        records = await repo.attendance.of_session(session.id)
        expected = await repo.classes.expected_pupils(session.id, session.project_id)
        schools = await self.activity.schools(session.id, {a.school_id for a in records})
        own = {school_id for school_id in schools if self._access.sees_pupils_of(access, school_id)}
        names = await self._storage.users.get_many(
            [e.user_id for e in expected if e.school_id in own]
        )
        return attendance_view(
            session,
            schools,
            records,
            expected,
            await repo.attendance.totals(session.id),
            zone_name,
            utcnow(),
            own_schools=own,
            names={uid: user.display_name for uid, user in names.items()},
        )

    async def log_entries(
        self, access: Access, session: LiveSessionRecord, zone_name: str, after: int
    ) -> list[LogEntry]:
        if not access.is_teacher:
            raise Forbidden("the session log is for teachers", problem=Problem.TEACHERS_ONLY)
        return [
            entry
            for entry in await self.activity.entries(session, zone_name, after=after)
            if entry.school_id is None or self._access.sees_pupils_of(access, entry.school_id)
        ]

    # -- transitions ----------------------------------------------------------------------

    async def _go_live(
        self, session: LiveSessionRecord, actor: UserRecord | None, *, opened_early: bool
    ) -> None:
        if not await self._storage.live_sessions.mark_live(
            session.id, opened_early=opened_early, now=utcnow()
        ):
            return
        await self._log(session, "opened" if opened_early else "started", actor)
        self.activity.watch(session.project_id)
        await self._changed(session)
        await self._involve(session, "started", actor)

    async def _finish(self, session: LiveSessionRecord, actor: Access | None) -> None:
        """End it: record per-school totals, save the page as a named version, log."""
        async with self._storage.transaction() as tx:
            if not await tx.live_sessions.mark_ended(session.id, now=utcnow()):
                return
            records = await tx.live_sessions.attendance.of_session(session.id)
            expected = await tx.live_sessions.classes.expected_pupils(
                session.id, session.project_id
            )
            classes = await tx.live_sessions.classes.of_session(session.id)
            school_ids = dict.fromkeys(
                [c.school_id for c in classes] + [a.school_id for a in records if a.school_id]
            )
            await tx.live_sessions.attendance.save_totals(
                session.id, school_totals(list(school_ids), records, expected)
            )
        # Pupils' page connections turn read-only before the version is taken.
        await self._events.publish(
            LiveSessionChanged(session.project_id, session.id, session.page_id)
        )
        version_id = await save_session_page(
            self._storage, self._access, self._documents, session, actor
        )
        await self._log(
            session,
            "ended",
            actor.user if actor else None,
            details={"automatic": actor is None, "version_id": version_id},
        )
        await self._changed(session)
        await self._involve(session, "ended", actor.user if actor else None)
        self.activity.changed(session.id)
        await self.activity.unwatch_if_idle(session.project_id)

    async def _changed(self, session: LiveSessionRecord, *, announce: bool = True) -> None:
        """Tell clients (`session.updated`), recheck open pages, wake the clock."""
        fresh = await self._reload(session.id)
        if announce:
            view = await self.view(fresh, "UTC", None)
            self._hub.publish(fresh.project_id, "session.updated", view.model_dump(mode="json"))
        await self._events.publish(LiveSessionChanged(fresh.project_id, fresh.id, fresh.page_id))
        self._wake.set()

    async def _log(
        self,
        session: LiveSessionRecord,
        action: str,
        actor: UserRecord | None,
        *,
        subject_id: int | None = None,
        school_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        await self.activity.log(
            session,
            action,
            actor.id if actor else None,
            subject_id=subject_id,
            school_id=school_id,
            details=details or {},
        )
