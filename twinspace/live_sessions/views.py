"""What members see of live sessions (HTTP responses and events-socket data), built from
records. Every instant is given in UTC and in the viewer's zone."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel

from twinspace.live_sessions.ice import IceConfig
from twinspace.live_sessions.rules import (
    SPACES,
    AgendaItem,
    SessionState,
    made_for_session,
    state_at,
    zone,
)
from twinspace.storage.live_sessions import (
    AttendanceRecord,
    ExpectedPupil,
    LiveSessionRecord,
    LogRecord,
    SchoolTotals,
    SessionClassRecord,
)
from twinspace.storage.records import SchoolRecord
from twinspace.types import TEACHER_ROLES, Role


class Instant(BaseModel):
    utc: datetime
    local: datetime
    timezone: str


def instant(moment: datetime, zone_name: str) -> Instant:
    return Instant(
        utc=moment.astimezone(UTC), local=moment.astimezone(zone(zone_name)), timezone=zone_name
    )


class SchoolRef(BaseModel):
    id: int
    name: str
    country: str
    timezone: str

    @classmethod
    def of(cls, school: SchoolRecord) -> SchoolRef:
        return cls(id=school.id, name=school.name, country=school.country, timezone=school.timezone)


class PersonRef(BaseModel):
    id: int
    display_name: str


class SessionClass(BaseModel):
    """A participating class, with the session's times in its school's zone."""

    class_id: int
    class_name: str
    school: SchoolRef
    starts_at: datetime
    ends_at: datetime


class SessionView(BaseModel):
    id: int
    project_id: int
    title: str
    agenda: list[AgendaItem]
    state: SessionState
    read_only: bool
    timezone: str
    starts_at: Instant
    ends_at: Instant
    opened_early: bool
    started_at: Instant | None
    ended_at: Instant | None
    page_id: int | None
    page_room: str | None
    channel_id: int | None
    board_id: int | None
    made_for_session: list[str]
    classes: list[SessionClass]
    version_id: int | None
    created_by: int | None
    joined: bool | None  # the viewer joined it (absent from events)


def class_school(entry: SessionClassRecord) -> SchoolRef:
    return SchoolRef(
        id=entry.school_id,
        name=entry.school_name,
        country=entry.school_country,
        timezone=entry.school_timezone,
    )


def session_view(
    session: LiveSessionRecord,
    classes: Sequence[SessionClassRecord],
    *,
    page_room: str | None,
    zone_name: str,
    now: datetime,
    joined: bool | None,
) -> SessionView:
    def maybe(moment: datetime | None) -> Instant | None:
        return instant(moment, zone_name) if moment else None

    return SessionView(
        id=session.id,
        project_id=session.project_id,
        title=session.title,
        agenda=[AgendaItem.model_validate(item) for item in session.agenda],
        state=state_at(session, now),
        read_only=session.read_only,
        timezone=zone_name,
        starts_at=instant(session.starts_at, zone_name),
        ends_at=instant(session.ends_at, zone_name),
        opened_early=session.opened_at is not None,
        started_at=maybe(session.started_at),
        ended_at=maybe(session.ended_at),
        page_id=session.page_id,
        page_room=page_room,
        channel_id=session.channel_id,
        board_id=session.board_id,
        made_for_session=[s for s in SPACES if made_for_session(session, s)],
        classes=[
            SessionClass(
                class_id=c.class_id,
                class_name=c.class_name,
                school=class_school(c),
                starts_at=session.starts_at.astimezone(zone(c.school_timezone)),
                ends_at=session.ends_at.astimezone(zone(c.school_timezone)),
            )
            for c in classes
        ],
        version_id=session.version_id,
        created_by=session.created_by,
        joined=joined,
    )


class SessionList(BaseModel):
    timezone: str
    upcoming: list[SessionView]  # scheduled and live, soonest first
    past: list[SessionView]  # ended, latest first


class JoinCode(BaseModel):
    class_id: int
    class_name: str
    school: SchoolRef
    code: str
    valid_from: Instant
    valid_until: Instant
    valid_now: bool
    set_at: datetime


def join_code_view(
    entry: SessionClassRecord, session: LiveSessionRecord, zone_name: str, now: datetime
) -> JoinCode:
    """A class's code: valid while the session is live (from an early opening on)."""
    return JoinCode(
        class_id=entry.class_id,
        class_name=entry.class_name,
        school=class_school(entry),
        code=entry.code,
        valid_from=instant(session.opened_at or session.starts_at, zone_name),
        valid_until=instant(session.ended_at or session.ends_at, zone_name),
        valid_now=state_at(session, now) is SessionState.LIVE,
        set_at=entry.code_set_at,
    )


# -- roster --------------------------------------------------------------------------------


class RosterUser(BaseModel):
    id: int
    display_name: str
    role: Role


class RosterPlace(BaseModel):
    kind: Literal["channel", "board", "page"]
    id: int


class RosterPerson(BaseModel):
    user: RosterUser
    class_id: int | None
    joined_at: datetime | None
    online: bool
    location: RosterPlace | None  # when in one of the session's spaces


class RosterSchool(BaseModel):
    school: SchoolRef
    present: int  # online now
    joined: int  # pupils admitted
    expected: int  # pupils of the school's participating classes
    people: list[RosterPerson]


class Roster(BaseModel):
    session_id: int
    state: SessionState
    read_only: bool
    schools: list[RosterSchool]


@dataclass(frozen=True, slots=True)
class OnlineTeacher:
    user_id: int
    display_name: str
    role: Role
    school_id: int | None


def roster_view(
    session: LiveSessionRecord,
    schools: Mapping[int, SchoolRef],
    attendance: Sequence[AttendanceRecord],
    expected: Sequence[ExpectedPupil],
    online: Mapping[int, dict[str, Any] | None],
    teachers: Sequence[OnlineTeacher],
    now: datetime,
) -> Roster:
    """Who joined (online or not) and which teachers are online, grouped by school; `online`
    maps online user ids to their presence location."""
    spaces = {
        ("page", session.page_id),
        ("channel", session.channel_id),
        ("board", session.board_id),
    }

    def where(user_id: int) -> RosterPlace | None:
        location = online.get(user_id)
        if location and (location.get("kind"), location.get("id")) in spaces:
            return RosterPlace.model_validate(location)
        return None

    people: dict[int | None, list[RosterPerson]] = {school_id: [] for school_id in schools}
    for entry in attendance:
        people.setdefault(entry.school_id, []).append(
            RosterPerson(
                user=RosterUser(
                    id=entry.user_id, display_name=entry.display_name, role=Role(entry.role)
                ),
                class_id=entry.class_id,
                joined_at=entry.first_joined_at,
                online=entry.user_id in online,
                location=where(entry.user_id),
            )
        )
    joined = {entry.user_id for entry in attendance}
    for teacher in teachers:
        if teacher.user_id not in joined:
            people.setdefault(teacher.school_id, []).append(
                RosterPerson(
                    user=RosterUser(
                        id=teacher.user_id, display_name=teacher.display_name, role=teacher.role
                    ),
                    class_id=None,
                    joined_at=None,
                    online=True,
                    location=where(teacher.user_id),
                )
            )
    groups = []
    for school_id, members in people.items():
        if school_id is None or school_id not in schools:
            continue
        groups.append(
            RosterSchool(
                school=schools[school_id],
                present=sum(p.online for p in members),
                joined=sum(p.user.role is Role.PUPIL and p.joined_at is not None for p in members),
                expected=sum(e.school_id == school_id for e in expected),
                people=members,
            )
        )
    return Roster(
        session_id=session.id,
        state=state_at(session, now),
        read_only=session.read_only,
        schools=groups,
    )


# -- attendance and log ----------------------------------------------------------------------


class Attendee(BaseModel):
    id: int
    display_name: str
    class_id: int | None
    joined_at: Instant


class SchoolAttendance(BaseModel):
    school: SchoolRef
    pupils_joined: int
    pupils_expected: int
    teachers_joined: int
    pupils: list[Attendee]
    teachers: list[Attendee]


class SessionAttendance(BaseModel):
    session_id: int
    state: SessionState
    final: bool  # recorded at the end
    schools: list[SchoolAttendance]


def attendance_view(
    session: LiveSessionRecord,
    schools: Mapping[int, SchoolRef],
    attendance: Sequence[AttendanceRecord],
    expected: Sequence[ExpectedPupil],
    totals: Sequence[SchoolTotals],
    zone_name: str,
    now: datetime,
) -> SessionAttendance:
    recorded = {t.school_id: t for t in totals}
    out = []
    for school_id, school in schools.items():
        mine = [a for a in attendance if a.school_id == school_id]
        pupils = [a for a in mine if a.role == Role.PUPIL.value]
        teachers = [a for a in mine if Role(a.role) in TEACHER_ROLES]
        fixed = recorded.get(school_id)
        out.append(
            SchoolAttendance(
                school=school,
                pupils_joined=fixed.pupils_joined if fixed else len(pupils),
                pupils_expected=fixed.pupils_expected
                if fixed
                else sum(e.school_id == school_id for e in expected),
                teachers_joined=fixed.teachers_joined if fixed else len(teachers),
                pupils=[_attendee(a, zone_name) for a in pupils],
                teachers=[_attendee(a, zone_name) for a in teachers],
            )
        )
    return SessionAttendance(
        session_id=session.id, state=state_at(session, now), final=bool(totals), schools=out
    )


def _attendee(entry: AttendanceRecord, zone_name: str) -> Attendee:
    return Attendee(
        id=entry.user_id,
        display_name=entry.display_name,
        class_id=entry.class_id,
        joined_at=instant(entry.first_joined_at, zone_name),
    )


def school_totals(
    school_ids: Sequence[int],
    attendance: Sequence[AttendanceRecord],
    expected: Sequence[ExpectedPupil],
) -> list[SchoolTotals]:
    return [
        SchoolTotals(
            school_id=school_id,
            pupils_joined=sum(
                a.school_id == school_id and a.role == Role.PUPIL.value for a in attendance
            ),
            pupils_expected=sum(e.school_id == school_id for e in expected),
            teachers_joined=sum(
                a.school_id == school_id and Role(a.role) in TEACHER_ROLES for a in attendance
            ),
        )
        for school_id in school_ids
    ]


class LogEntry(BaseModel):
    id: int
    at: Instant
    action: str
    actor: PersonRef | None
    user: PersonRef | None  # whom a join/leave concerns
    school_id: int | None
    details: dict[str, Any]


def log_view(entry: LogRecord, zone_name: str) -> LogEntry:
    return LogEntry(
        id=entry.id,
        at=instant(entry.at, zone_name),
        action=entry.action,
        actor=PersonRef(id=entry.actor_id, display_name=entry.actor_name or "")
        if entry.actor_id is not None
        else None,
        user=PersonRef(id=entry.subject_id, display_name=entry.subject_name or "")
        if entry.subject_id is not None
        else None,
        school_id=entry.school_id,
        details=entry.details,
    )


# -- class-to-class video (live_sessions/calls.py, docs/events-protocol.md "Calls") ----------

EndpointKind = Literal["teacher", "classroom", "pupil"]


class CallEndpointView(BaseModel):
    """One device in a session's call: who signed it in, the class it stands for, its media."""

    endpoint_id: str
    user: RosterUser
    kind: EndpointKind
    class_id: int
    class_name: str
    school_name: str
    may_publish: bool  # teachers and classroom devices; pupils only when their teacher allows
    audio: bool
    video: bool
    screen: bool


class CallRosterView(BaseModel):
    """Who is live in the session's call (`call.roster`, `GET /live-sessions/{id}/call`)."""

    session_id: int
    endpoints: list[CallEndpointView]
    pupils_may_publish: list[int]  # class ids whose pupils' devices may send camera/microphone


class IceServerView(BaseModel):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceConfigView(BaseModel):
    """RTCPeerConnection's `iceServers` and `iceTransportPolicy` for one member; TURN
    credentials stop working at `expires_at` (fetch again before a new call)."""

    ice_servers: list[IceServerView]
    ice_transport_policy: Literal["all", "relay"]
    expires_at: datetime | None

    @classmethod
    def of(cls, config: IceConfig) -> IceConfigView:
        return cls(
            ice_servers=[
                IceServerView(urls=list(s.urls), username=s.username, credential=s.credential)
                for s in config.servers
            ],
            ice_transport_policy="relay" if config.transport_policy == "relay" else "all",
            expires_at=(
                None
                if config.expires_at is None
                else datetime.fromtimestamp(config.expires_at, UTC)
            ),
        )
