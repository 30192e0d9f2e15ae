"""Training HTTP API: catalogue, enrolment, attendance, certificates and the .ics feed.

Instants go out twice: in UTC, and under `local` in the viewer's zone (their school's, else
their country's, or `?tz=Area/City`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from starlette.responses import Response

from twinspace.face.api import ApiRouter, AuthMode, Ctx, Paging
from twinspace.storage.training import TrainingEventRecord
from twinspace.training.service import (
    EventFormat,
    TrainingEventDetails,
    TrainingEventUpdate,
    TrainingKind,
    audience_admits,
)
from twinspace.training.views import (
    CertificateCheckView,
    CertificateView,
    HistoryEntryView,
    ParticipantView,
    SeatView,
    TrainingEventView,
)
from twinspace.types import UserKind

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


async def _audience_check(ctx: Ctx) -> Callable[[TrainingEventRecord], bool | None]:
    """Whether an event's audience admits the viewer (None for non-teachers)."""
    if ctx.user.kind is not UserKind.TEACHER:
        return lambda event: None
    country = ctx.user.country
    school_type = await ctx.services.training.viewer_school_type(ctx.user)
    return lambda event: audience_admits(event, country, school_type)


async def _event_out(ctx: Ctx, event: TrainingEventRecord, tz: str | None) -> TrainingEventView:
    zone = await ctx.services.training.viewer_zone(ctx.user, tz)
    return TrainingEventView.of(event, zone, (await _audience_check(ctx))(event))


@router.get("/training/events", query=EventQuery, response=list[TrainingEventView])
async def list_events(ctx: Ctx, query: EventQuery) -> list[TrainingEventView]:
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
    return [TrainingEventView.of(e, zone, admits(e)) for e in events]


@router.post("/training/events", body=TrainingEventDetails, response=TrainingEventView, status=201)
async def create_event(ctx: Ctx, body: TrainingEventDetails) -> TrainingEventView:
    """Add a training event (an NSO for its country, the admin for Europe)."""
    event = await ctx.services.training.create_event(ctx.user, body)
    return await _event_out(ctx, event, None)


@router.get("/training/events/{event_id:id}", query=ZoneQuery, response=TrainingEventView)
async def get_event(ctx: Ctx, query: ZoneQuery) -> TrainingEventView:
    """One training event."""
    event = await ctx.services.training.event(ctx.user, ctx.path_id("event_id"))
    return await _event_out(ctx, event, query.tz)


@router.patch(
    "/training/events/{event_id:id}", body=TrainingEventUpdate, response=TrainingEventView
)
async def update_event(ctx: Ctx, body: TrainingEventUpdate) -> TrainingEventView:
    """Change an event (its organiser or the admin); more seats promote waiting teachers."""
    event = await ctx.services.training.update_event(ctx.user, ctx.path_id("event_id"), body)
    return await _event_out(ctx, event, None)


@router.post("/training/events/{event_id:id}/enrolment", response=SeatView, status=201)
async def enrol(ctx: Ctx) -> SeatView:
    """Enrol: a seat if one is free, else a place on the waiting list."""
    return SeatView.of(await ctx.services.training.enrol(ctx.user, ctx.path_id("event_id")))


@router.delete("/training/events/{event_id:id}/enrolment", response=SeatView)
async def cancel(ctx: Ctx) -> SeatView:
    """Cancel an enrolment; a freed seat goes to the first teacher waiting."""
    return SeatView.of(await ctx.services.training.cancel(ctx.user, ctx.path_id("event_id")))


@router.get("/training/events/{event_id:id}/participants", response=list[ParticipantView])
async def participants(ctx: Ctx) -> list[ParticipantView]:
    """Confirmed, waiting (in order) and cancelled enrolments (organiser or admin)."""
    found = await ctx.services.training.participants(ctx.user, ctx.path_id("event_id"))
    return [ParticipantView.of_participant(teacher, seat) for teacher, seat in found]


@router.put(
    "/training/events/{event_id:id}/participants/{teacher_id:id}",
    body=AttendanceRecord,
    response=SeatView,
)
async def record_attendance(ctx: Ctx, body: AttendanceRecord) -> SeatView:
    """Record attendance and completion (organiser or admin); completing issues a certificate."""
    seat = await ctx.services.training.record_attendance(
        ctx.user,
        ctx.path_id("event_id"),
        ctx.path_id("teacher_id"),
        attended=body.attended,
        completed=body.completed,
    )
    return SeatView.of(seat)


@router.get("/me/training", query=ZoneQuery, response=list[HistoryEntryView])
async def my_training(ctx: Ctx, query: ZoneQuery) -> list[HistoryEntryView]:
    """The signed-in teacher's training history with certificates."""
    zone = await ctx.services.training.viewer_zone(ctx.user, query.tz)
    return [
        HistoryEntryView(
            **SeatView.of(seat).model_dump(), event=TrainingEventView.of(seat.event, zone)
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


@router.get("/certificates/{code}", auth=AuthMode.PUBLIC, response=CertificateCheckView)
async def verify_certificate(ctx: Ctx) -> CertificateCheckView:
    """Check a training certificate's verification code (public)."""
    c = await ctx.services.training.verify(str(ctx.request.path_params["code"]))
    return CertificateCheckView(
        code=c.code,
        status="revoked" if c.revoked_at else "valid",
        holder=c.holder_name,
        event_title=c.event_title,
        completed_at=c.completed_at,
        revoked_at=c.revoked_at,
    )


@router.post("/certificates/{code}/revoke", body=Revocation, response=CertificateView)
async def revoke_certificate(ctx: Ctx, body: Revocation) -> CertificateView:
    """Revoke a certificate (the event's organiser or the admin)."""
    code = str(ctx.request.path_params["code"])
    return CertificateView.of(await ctx.services.training.revoke(ctx.user, code, body.reason))
