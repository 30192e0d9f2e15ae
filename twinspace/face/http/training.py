"""Training HTTP API: catalogue, enrolment, attendance, certificates and the .ics feed.

Instants go out twice: in UTC, and under `local` in the viewer's zone (their school's, else
their country's, or `?tz=Area/City`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from twinspace.face.api import API_PREFIX, ApiRouter, AuthMode, Ctx, Paging
from twinspace.face.http.views import PersonOut
from twinspace.storage.records import UserRecord
from twinspace.storage.training import CertificateRecord, TrainingEventRecord
from twinspace.training.service import (
    EnrolmentStatus,
    EventFormat,
    Seat,
    TrainingEventDetails,
    TrainingEventUpdate,
    TrainingKind,
    audience_admits,
)
from twinspace.types import SchoolType, UserKind

router = ApiRouter("training")


def _known_zone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r}") from None
    return value


Zone = Annotated[str, StringConstraints(max_length=64), AfterValidator(_known_zone)]


class ZoneQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    tz: Zone | None = Field(None, description="IANA zone, e.g. Europe/Rome")


class EventQuery(Paging):
    tz: Zone | None = Field(None, description="IANA zone, e.g. Europe/Rome")
    kind: TrainingKind | None = None
    format: EventFormat | None = None
    country: str | None = Field(None, pattern=r"^[A-Za-z]{2}$", description="organiser's")
    language: str | None = Field(None, pattern=r"^[a-z]{2}$")
    include_past: bool = False


class AttendanceRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    attended: bool
    completed: bool = False


class Revocation(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class LocalTimes(BaseModel):
    timezone: str
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    starts_at: datetime
    ends_at: datetime


class TrainingEventOut(BaseModel):
    id: int
    kind: TrainingKind
    title: str
    description: str
    language: str
    format: EventFormat
    place: str | None
    link: str | None
    organiser_id: int | None
    organiser_country: str | None = Field(description="null for European (central) events")
    audience_countries: list[str]
    audience_school_types: list[SchoolType]
    capacity: int
    waiting_list_size: int | None
    seats_taken: int
    waiting: int
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    starts_at: datetime
    ends_at: datetime
    local: LocalTimes
    open_to_you: bool | None = Field(
        None, description="teachers: whether the audience includes you"
    )

    @classmethod
    def of(
        cls, e: TrainingEventRecord, zone: ZoneInfo, open_to_you: bool | None = None
    ) -> TrainingEventOut:
        local = LocalTimes(
            timezone=zone.key,
            enrol_opens_at=e.enrol_opens_at.astimezone(zone),
            enrol_closes_at=e.enrol_closes_at.astimezone(zone),
            starts_at=e.starts_at.astimezone(zone),
            ends_at=e.ends_at.astimezone(zone),
        )
        return cls(
            id=e.id,
            kind=e.kind,
            title=e.title,
            description=e.description,
            language=e.language,
            format=e.format,
            place=e.place,
            link=e.link,
            organiser_id=e.organiser_id,
            organiser_country=e.organiser_country,
            audience_countries=list(e.audience_countries),
            audience_school_types=list(e.audience_school_types),
            capacity=e.capacity,
            waiting_list_size=e.waiting_list_size,
            seats_taken=e.confirmed_count,
            waiting=e.waiting_count,
            enrol_opens_at=e.enrol_opens_at,
            enrol_closes_at=e.enrol_closes_at,
            starts_at=e.starts_at,
            ends_at=e.ends_at,
            local=local,
            open_to_you=open_to_you,
        )


class CertificateOut(BaseModel):
    code: str
    verify_path: str
    status: Literal["valid", "revoked"]
    completed_at: datetime
    issued_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, c: CertificateRecord) -> CertificateOut:
        return cls(
            code=c.code,
            verify_path=f"{API_PREFIX}/certificates/{c.code}",
            status="revoked" if c.revoked_at else "valid",
            completed_at=c.completed_at,
            issued_at=c.issued_at,
            revoked_at=c.revoked_at,
        )


class CertificateCheckOut(BaseModel):
    """What anyone holding a verification code may learn."""

    code: str
    status: Literal["valid", "revoked"]
    holder: str
    event_title: str
    completed_at: datetime
    revoked_at: datetime | None


class SeatOut(BaseModel):
    event_id: int
    status: EnrolmentStatus
    waiting_rank: int | None = Field(description="1 = next to get a seat")
    enrolled_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    attended: bool | None
    completed_at: datetime | None
    certificate: CertificateOut | None

    @classmethod
    def of(cls, seat: Seat) -> SeatOut:
        e = seat.enrolment
        return cls(
            event_id=e.event_id,
            status=e.status,
            waiting_rank=seat.waiting_rank,
            enrolled_at=e.enrolled_at,
            confirmed_at=e.confirmed_at,
            cancelled_at=e.cancelled_at,
            attended=e.attended,
            completed_at=e.completed_at,
            certificate=CertificateOut.of(seat.certificate) if seat.certificate else None,
        )


class HistoryEntryOut(SeatOut):
    event: TrainingEventOut


class ParticipantOut(SeatOut):
    teacher: PersonOut

    @classmethod
    def of_participant(cls, teacher: UserRecord, seat: Seat) -> ParticipantOut:
        return cls(**SeatOut.of(seat).model_dump(), teacher=PersonOut.of(teacher))


async def _audience_check(ctx: Ctx) -> Callable[[TrainingEventRecord], bool | None]:
    """Whether an event's audience admits the viewer (None for non-teachers)."""
    if ctx.user.kind is not UserKind.TEACHER:
        return lambda event: None
    country = ctx.user.country
    school_type = await ctx.services.training.viewer_school_type(ctx.user)
    return lambda event: audience_admits(event, country, school_type)


async def _event_out(ctx: Ctx, event: TrainingEventRecord, tz: str | None) -> TrainingEventOut:
    zone = await ctx.services.training.viewer_zone(ctx.user, tz)
    return TrainingEventOut.of(event, zone, (await _audience_check(ctx))(event))


@router.get("/training/events", query=EventQuery, response=list[TrainingEventOut])
async def list_events(ctx: Ctx, query: EventQuery) -> list[TrainingEventOut]:
    """The training catalogue (upcoming and running events unless include_past)."""
    events = await ctx.services.training.events(
        ctx.user,
        kind=query.kind,
        format=query.format,
        country=query.country,
        language=query.language,
        include_past=query.include_past,
        limit=query.limit,
        offset=query.offset,
    )
    zone = await ctx.services.training.viewer_zone(ctx.user, query.tz)
    admits = await _audience_check(ctx)
    return [TrainingEventOut.of(e, zone, admits(e)) for e in events]


@router.post("/training/events", body=TrainingEventDetails, response=TrainingEventOut, status=201)
async def create_event(ctx: Ctx, body: TrainingEventDetails) -> TrainingEventOut:
    """Add a training event (an NSO for its country, the admin for Europe)."""
    event = await ctx.services.training.create_event(ctx.user, body)
    return await _event_out(ctx, event, None)


@router.get("/training/events/{event_id:id}", query=ZoneQuery, response=TrainingEventOut)
async def get_event(ctx: Ctx, query: ZoneQuery) -> TrainingEventOut:
    """One training event."""
    event = await ctx.services.training.event(ctx.user, ctx.path_id("event_id"))
    return await _event_out(ctx, event, query.tz)


@router.patch("/training/events/{event_id:id}", body=TrainingEventUpdate, response=TrainingEventOut)
async def update_event(ctx: Ctx, body: TrainingEventUpdate) -> TrainingEventOut:
    """Change an event (its organiser or the admin); more seats promote waiting teachers."""
    event = await ctx.services.training.update_event(ctx.user, ctx.path_id("event_id"), body)
    return await _event_out(ctx, event, None)


@router.post("/training/events/{event_id:id}/enrolment", response=SeatOut, status=201)
async def enrol(ctx: Ctx) -> SeatOut:
    """Enrol: a seat if one is free, else a place on the waiting list."""
    return SeatOut.of(await ctx.services.training.enrol(ctx.user, ctx.path_id("event_id")))


@router.delete("/training/events/{event_id:id}/enrolment", response=SeatOut)
async def cancel(ctx: Ctx) -> SeatOut:
    """Cancel an enrolment; a freed seat goes to the first teacher waiting."""
    return SeatOut.of(await ctx.services.training.cancel(ctx.user, ctx.path_id("event_id")))


@router.get("/training/events/{event_id:id}/participants", response=list[ParticipantOut])
async def participants(ctx: Ctx) -> list[ParticipantOut]:
    """Confirmed, waiting (in order) and cancelled enrolments (organiser or admin)."""
    found = await ctx.services.training.participants(ctx.user, ctx.path_id("event_id"))
    return [ParticipantOut.of_participant(teacher, seat) for teacher, seat in found]


@router.put(
    "/training/events/{event_id:id}/participants/{teacher_id:id}",
    body=AttendanceRecord,
    response=SeatOut,
)
async def record_attendance(ctx: Ctx, body: AttendanceRecord) -> SeatOut:
    """Record attendance and completion (organiser or admin); completing issues a certificate."""
    seat = await ctx.services.training.record_attendance(
        ctx.user,
        ctx.path_id("event_id"),
        ctx.path_id("teacher_id"),
        attended=body.attended,
        completed=body.completed,
    )
    return SeatOut.of(seat)


@router.get("/me/training", query=ZoneQuery, response=list[HistoryEntryOut])
async def my_training(ctx: Ctx, query: ZoneQuery) -> list[HistoryEntryOut]:
    """The signed-in teacher's training history with certificates."""
    zone = await ctx.services.training.viewer_zone(ctx.user, query.tz)
    return [
        HistoryEntryOut(
            **SeatOut.of(seat).model_dump(), event=TrainingEventOut.of(seat.event, zone)
        )
        for seat in await ctx.services.training.history(ctx.user)
    ]


@router.get("/me/training.ics", media=("text/calendar",))
async def my_calendar(ctx: Ctx) -> Response:
    """An iCalendar (text/calendar) feed of the teacher's confirmed events."""
    return Response(
        await ctx.services.training.calendar(ctx.user),
        media_type="text/calendar; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="training.ics"'},
    )


@router.get("/certificates/{code}", auth=AuthMode.PUBLIC, response=CertificateCheckOut)
async def verify_certificate(ctx: Ctx) -> CertificateCheckOut:
    """Check a training certificate's verification code (public)."""
    c = await ctx.services.training.verify(str(ctx.request.path_params["code"]))
    return CertificateCheckOut(
        code=c.code,
        status="revoked" if c.revoked_at else "valid",
        holder=c.holder_name,
        event_title=c.event_title,
        completed_at=c.completed_at,
        revoked_at=c.revoked_at,
    )


@router.post("/certificates/{code}/revoke", body=Revocation, response=CertificateOut)
async def revoke_certificate(ctx: Ctx, body: Revocation) -> CertificateOut:
    """Revoke a certificate (the event's organiser or the admin)."""
    code = str(ctx.request.path_params["code"])
    return CertificateOut.of(await ctx.services.training.revoke(ctx.user, code, body.reason))
