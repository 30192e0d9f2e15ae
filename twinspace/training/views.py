"""Response models of training: events, seats, participants, history and certificates."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from twinspace.registry.views import PersonView
from twinspace.storage.records import UserRecord
from twinspace.storage.training import CertificateRecord, TrainingEventRecord
from twinspace.training.service import (
    EnrolmentStatus,
    EventFormat,
    Seat,
    TrainingKind,
)
from twinspace.types import API_PREFIX, SchoolType


class LocalTimes(BaseModel):
    timezone: str
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    starts_at: datetime
    ends_at: datetime


class TrainingEventView(BaseModel):
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
    ) -> TrainingEventView:
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


class CertificateView(BaseModel):
    code: str
    verify_path: str
    status: Literal["valid", "revoked"]
    completed_at: datetime
    issued_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, c: CertificateRecord) -> CertificateView:
        return cls(
            code=c.code,
            verify_path=f"{API_PREFIX}/certificates/{c.code}",
            status="revoked" if c.revoked_at else "valid",
            completed_at=c.completed_at,
            issued_at=c.issued_at,
            revoked_at=c.revoked_at,
        )


class CertificateCheckView(BaseModel):
    """What anyone holding a verification code may learn."""

    code: str
    status: Literal["valid", "revoked"]
    holder: str
    event_title: str
    completed_at: datetime
    revoked_at: datetime | None


class SeatView(BaseModel):
    event_id: int
    status: EnrolmentStatus
    waiting_rank: int | None = Field(description="1 = next to get a seat")
    enrolled_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    attended: bool | None
    completed_at: datetime | None
    certificate: CertificateView | None

    @classmethod
    def of(cls, seat: Seat) -> SeatView:
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
            certificate=CertificateView.of(seat.certificate) if seat.certificate else None,
        )


class HistoryEntryView(SeatView):
    event: TrainingEventView


class ParticipantView(SeatView):
    teacher: PersonView

    @classmethod
    def of_participant(cls, teacher: UserRecord, seat: Seat) -> ParticipantView:
        return cls(**SeatView.of(seat).model_dump(), teacher=PersonView.of(teacher))
