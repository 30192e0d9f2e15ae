"""Training: the professional-development catalogue, enrolment with a waiting list, attendance,
certificates and a calendar feed (docs/design.md, "Domain rules").

The organiser of an event is the NSO of a country (any NSO account of that country) or, for
European events, the central admin; the admin may manage every event.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)

from twinspace.clock import utcnow
from twinspace.domain_events import DomainEventBus, SeatPromoted
from twinspace.errors import Conflict, Forbidden, NotFound, Problem, RuleViolation
from twinspace.registry.service import RegistryService
from twinspace.storage import Repositories, Storage
from twinspace.storage.records import UserRecord
from twinspace.storage.training import (
    CertificateRecord,
    EnrolmentRecord,
    EnrolmentStatus,
    EventFormat,
    TrainingEventRecord,
    TrainingKind,
)
from twinspace.types import SchoolType, UserKind
from twinspace.workspace.access import may_organise_for

__all__ = ["EnrolmentStatus", "EventFormat", "TrainingKind"]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
CountryCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{2}$")]
Place = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Link = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://[^\s]+$")
]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}$")]
CERTIFICATE_CODE_BYTES = 16  # 128 random bits


class TrainingEventDetails(BaseModel):
    """Everything an organiser states about an event; instants must carry a zone."""

    model_config = ConfigDict(extra="forbid")

    kind: TrainingKind
    title: Title
    description: str = Field("", max_length=10_000)
    language: Language
    format: EventFormat
    place: Place | None = None
    link: Link | None = None
    audience_countries: list[CountryCode] = Field(default_factory=list, max_length=60)
    audience_school_types: list[SchoolType] = Field(default_factory=list, max_length=5)
    capacity: int = Field(ge=1, le=100_000)
    waiting_list_size: int | None = Field(None, ge=0, le=100_000)
    enrol_opens_at: AwareDatetime
    enrol_closes_at: AwareDatetime
    starts_at: AwareDatetime
    ends_at: AwareDatetime

    @model_validator(mode="after")
    def _consistent(self) -> TrainingEventDetails:
        if self.enrol_opens_at >= self.enrol_closes_at:
            raise ValueError("enrolment must open before it closes")
        if self.starts_at >= self.ends_at:
            raise ValueError("an event must start before it ends")
        if self.enrol_closes_at > self.ends_at:
            raise ValueError("enrolment must close by the end of the event")
        if self.format is EventFormat.ONLINE and self.link is None:
            raise ValueError("an online event needs a link")
        if self.format is EventFormat.IN_PERSON and self.place is None:
            raise ValueError("an in-person event needs a place")
        self.audience_countries = list(dict.fromkeys(self.audience_countries))
        self.audience_school_types = list(dict.fromkeys(self.audience_school_types))
        return self


class TrainingEventUpdate(BaseModel):
    """A partial change; the merged event is checked again as a whole."""

    model_config = ConfigDict(extra="forbid")

    kind: TrainingKind | None = None
    title: Title | None = None
    description: str | None = Field(None, max_length=10_000)
    language: Language | None = None
    format: EventFormat | None = None
    place: Place | None = None
    link: Link | None = None
    audience_countries: list[CountryCode] | None = Field(None, max_length=60)
    audience_school_types: list[SchoolType] | None = Field(None, max_length=5)
    capacity: int | None = Field(None, ge=1, le=100_000)
    waiting_list_size: int | None = Field(None, ge=0, le=100_000)
    enrol_opens_at: AwareDatetime | None = None
    enrol_closes_at: AwareDatetime | None = None
    starts_at: AwareDatetime | None = None
    ends_at: AwareDatetime | None = None


@dataclass(frozen=True, slots=True)
class Seat:
    """A teacher's enrolment in one event, with their place on the waiting list (1 = next)."""

    event: TrainingEventRecord
    enrolment: EnrolmentRecord
    waiting_rank: int | None
    certificate: CertificateRecord | None = None


def audience_admits(
    event: TrainingEventRecord, country: str | None, school_type: SchoolType | None
) -> bool:
    """Empty audience lists admit everyone."""
    if event.audience_countries and country not in event.audience_countries:
        return False
    return not event.audience_school_types or school_type in event.audience_school_types


def _details_of(event: TrainingEventRecord) -> dict[str, Any]:
    return {name: getattr(event, name) for name in TrainingEventDetails.model_fields}


def new_certificate_code() -> str:
    # 128 random bits: unguessable, and validity lives in the database (revocable at once)
    # with no server secret to keep, rotate or leak.
    return secrets.token_urlsafe(CERTIFICATE_CODE_BYTES)


class TrainingService:
    def __init__(
        self, storage: Storage, registry: RegistryService, events: DomainEventBus | None = None
    ) -> None:
        self._storage = storage
        self._registry = registry
        self._events = events or DomainEventBus()

    # -- viewing ------------------------------------------------------------------------

    async def viewer_zone(self, viewer: UserRecord, override: str | None) -> ZoneInfo:
        """An explicit zone, else the viewer's school zone, else their country's, else UTC."""
        if override is not None:
            return ZoneInfo(override)
        if viewer.school_id is not None:
            school = await self._registry.school(viewer.school_id)
            return ZoneInfo(school.timezone)
        if viewer.country is not None:
            return ZoneInfo((await self._registry.country(viewer.country)).timezone)
        return ZoneInfo("UTC")

    async def viewer_school_type(self, viewer: UserRecord) -> SchoolType | None:
        if viewer.school_id is None:
            return None
        return (await self._registry.school(viewer.school_id)).type

    def _no_pupils(self, viewer: UserRecord) -> None:
        if viewer.kind is UserKind.PUPIL:
            raise Forbidden(
                "training is for teachers and school staff", problem=Problem.TEACHERS_ONLY
            )

    async def event(self, viewer: UserRecord, event_id: int) -> TrainingEventRecord:
        self._no_pupils(viewer)
        event = await self._storage.training.get_event(event_id)
        if event is None:
            raise NotFound("no such training event")
        return event

    async def events(
        self,
        viewer: UserRecord,
        *,
        kind: TrainingKind | None,
        format: EventFormat | None,
        country: str | None,
        language: str | None,
        include_past: bool,
        limit: int,
        offset: int,
    ) -> list[TrainingEventRecord]:
        self._no_pupils(viewer)
        return await self._storage.training.events(
            kind=kind,
            format=format,
            country=country.upper() if country else None,
            language=language,
            ends_after=None if include_past else utcnow(),
            limit=limit,
            offset=offset,
        )

    # -- organising ---------------------------------------------------------------------

    def _require_organiser(self, actor: UserRecord, event: TrainingEventRecord) -> None:
        if actor.kind is UserKind.ADMIN:
            return
        if actor.kind is UserKind.NSO and event.organiser_country == actor.country:
            return
        raise Forbidden(
            "only the event's organiser (or the central admin) manages it",
            problem=Problem.ORGANISER_ONLY,
        )

    def _scope_to_organiser(self, actor: UserRecord, details: TrainingEventDetails) -> None:
        """An NSO's event is for its own country (no audience given means that country);
        Europe-wide and other countries' events are the central admin's."""
        if actor.kind is UserKind.NSO and not details.audience_countries and actor.country:
            details.audience_countries = [actor.country]
        countries: list[str | None] = [*details.audience_countries] or [None]
        if not all(may_organise_for(actor, code) for code in countries):
            raise Forbidden(
                "an NSO organises training for its own country only; Europe-wide and other "
                "countries' events are the central admin's",
                problem=Problem.NSO_OWN_COUNTRY,
                rule="nso-own-country",
            )

    async def _check_audience(self, details: TrainingEventDetails) -> None:
        for code in details.audience_countries:
            if await self._storage.countries.get(code) is None:
                raise RuleViolation(
                    f"{code!r} is not a participating country",
                    problem=Problem.COUNTRY_NOT_PARTICIPATING,
                    country=code,
                    rule="audience-country",
                )

    async def create_event(
        self, actor: UserRecord, details: TrainingEventDetails
    ) -> TrainingEventRecord:
        if actor.kind not in (UserKind.NSO, UserKind.ADMIN):
            raise Forbidden(
                "training events are organised by NSOs and the central admin",
                problem=Problem.NSO_OR_ADMIN_ONLY,
            )
        await self._check_audience(details)
        self._scope_to_organiser(actor, details)
        event_id = await self._storage.training.create_event(
            fields=details.model_dump(),
            organiser_id=actor.id,
            organiser_country=actor.country if actor.kind is UserKind.NSO else None,
            now=utcnow(),
        )
        return await self.event(actor, event_id)

    async def update_event(
        self, actor: UserRecord, event_id: int, changes: TrainingEventUpdate
    ) -> TrainingEventRecord:
        self._require_organiser(actor, await self.event(actor, event_id))
        now = utcnow()
        async with self._storage.transaction() as tx:
            await tx.training.lock_event(event_id)
            event = await tx.training.get_event(event_id)
            if event is None:
                raise NotFound("no such training event")
            merged = {**_details_of(event), **changes.model_dump(exclude_unset=True)}
            try:
                details = TrainingEventDetails.model_validate(merged)
            except ValidationError as exc:
                messages = "; ".join(e["msg"] for e in exc.errors(include_input=False))
                raise RuleViolation(
                    f"the changed event is inconsistent: {messages}",
                    problem=Problem.EVENT_DETAILS,
                    rule="event-details",
                ) from None
            await self._check_audience(details)
            self._scope_to_organiser(actor, details)
            if details.capacity < event.confirmed_count:
                raise RuleViolation(
                    f"{event.confirmed_count} seats are taken; the capacity cannot go below that",
                    problem=Problem.CAPACITY_BELOW_CONFIRMED,
                    confirmed=event.confirmed_count,
                    rule="capacity-below-confirmed",
                )
            await tx.training.update_event(event_id, fields=details.model_dump(), now=now)
            promoted = await self._fill_seats(tx, event_id, now)
        await self._promoted(event_id, promoted)
        return await self.event(actor, event_id)

    # -- enrolment ----------------------------------------------------------------------

    async def _fill_seats(self, tx: Repositories, event_id: int, now: datetime) -> list[int]:
        """Promote the earliest waiting teachers into free seats (inside the caller's tx);
        returns the promoted teachers' ids."""
        event = await tx.training.get_event(event_id)
        assert event is not None
        promoted: list[int] = []
        for _ in range(event.capacity - event.confirmed_count):
            head = await tx.training.first_waiting(event_id)
            if head is None:
                break
            await tx.training.confirm(head.id, now)
            promoted.append(head.teacher_id)
        return promoted

    async def _promoted(self, event_id: int, teacher_ids: list[int]) -> None:
        """After the transaction committed: tell the promoted teachers."""
        for teacher_id in teacher_ids:
            await self._events.publish(SeatPromoted(event_id=event_id, teacher_id=teacher_id))

    async def _seat(self, tx: Repositories, event_id: int, teacher_id: int) -> Seat:
        event = await tx.training.get_event(event_id)
        enrolment = await tx.training.enrolment(event_id, teacher_id)
        assert event is not None and enrolment is not None
        rank = (
            await tx.training.waiting_rank(enrolment)
            if enrolment.status is EnrolmentStatus.WAITING
            else None
        )
        return Seat(event, enrolment, rank, await tx.training.certificate_of(enrolment.id))

    async def enrol(self, teacher: UserRecord, event_id: int) -> Seat:
        """A seat if one is free and nobody waits, else the end of the waiting list."""
        event = await self.event(teacher, event_id)
        if not await self._registry.is_validated_teacher(teacher):
            raise Forbidden(
                "only validated teachers enrol in training", problem=Problem.VALIDATED_TEACHERS_ONLY
            )
        if not audience_admits(event, teacher.country, await self.viewer_school_type(teacher)):
            raise RuleViolation(
                "this event is not open to teachers of your country or school type",
                rule="audience",
                problem=Problem.EVENT_AUDIENCE,
            )
        now = utcnow()
        if now < event.enrol_opens_at:
            raise RuleViolation(
                "enrolment has not opened yet",
                rule="enrolment-not-open",
                problem=Problem.ENROLMENT_NOT_OPEN,
                opens_at=event.enrol_opens_at.isoformat(),
            )
        if now >= event.enrol_closes_at:
            raise RuleViolation(
                "enrolment has closed", rule="enrolment-closed", problem=Problem.ENROLMENT_CLOSED
            )
        async with self._storage.transaction() as tx:
            await tx.training.lock_event(event_id)
            current = await tx.training.get_event(event_id)
            existing = await tx.training.enrolment(event_id, teacher.id)
            assert current is not None
            if existing is not None and existing.status is not EnrolmentStatus.CANCELLED:
                raise Conflict(
                    f"you are already enrolled ({existing.status.value})",
                    problem=Problem.ALREADY_ENROLLED,
                )
            if current.confirmed_count < current.capacity and current.waiting_count == 0:
                status = EnrolmentStatus.CONFIRMED
            elif (
                current.waiting_list_size is not None
                and current.waiting_count >= current.waiting_list_size
            ):
                raise RuleViolation(
                    "the event and its waiting list are full",
                    rule="event-full",
                    problem=Problem.EVENT_FULL,
                )
            else:
                status = EnrolmentStatus.WAITING
            await tx.training.enrol(
                event_id=event_id, teacher_id=teacher.id, status=status, now=now
            )
            return await self._seat(tx, event_id, teacher.id)

    async def cancel(self, teacher: UserRecord, event_id: int) -> Seat:
        """Give up a seat or a waiting place; a freed seat goes to the head of the list."""
        event = await self.event(teacher, event_id)
        now = utcnow()
        if now >= event.ends_at:
            raise RuleViolation("the event is over", problem=Problem.EVENT_OVER, rule="event-over")
        async with self._storage.transaction() as tx:
            await tx.training.lock_event(event_id)
            enrolment = await tx.training.enrolment(event_id, teacher.id)
            if enrolment is None or enrolment.status is EnrolmentStatus.CANCELLED:
                raise NotFound("you are not enrolled in this event")
            if enrolment.completed_at is not None:
                raise Conflict(
                    "a completed training cannot be cancelled", problem=Problem.COMPLETION_FINAL
                )
            await tx.training.cancel(enrolment.id, now)
            promoted: list[int] = []
            if enrolment.status is EnrolmentStatus.CONFIRMED:
                promoted = await self._fill_seats(tx, event_id, now)
            seat = await self._seat(tx, event_id, teacher.id)
        await self._promoted(event_id, promoted)
        return seat

    # -- attendance and certificates ----------------------------------------------------

    async def participants(self, actor: UserRecord, event_id: int) -> list[tuple[UserRecord, Seat]]:
        """Confirmed, then waiting in order, then cancelled (organiser or admin)."""
        event = await self.event(actor, event_id)
        self._require_organiser(actor, event)
        rows = await self._storage.training.participants(event_id)
        certificates = await self._storage.training.certificates_of_event(event_id)
        waiting = [e for e, _ in rows if e.status is EnrolmentStatus.WAITING]
        ranks = {e.id: rank for rank, e in enumerate(waiting, 1)}
        return [(user, Seat(event, e, ranks.get(e.id), certificates.get(e.id))) for e, user in rows]

    async def record_attendance(
        self, actor: UserRecord, event_id: int, teacher_id: int, *, attended: bool, completed: bool
    ) -> Seat:
        """Attendance and completion, once the event has started; completion is final and
        issues the certificate."""
        event = await self.event(actor, event_id)
        self._require_organiser(actor, event)
        now = utcnow()
        if now < event.starts_at:
            raise RuleViolation(
                "attendance is recorded once the event has started",
                problem=Problem.EVENT_NOT_STARTED,
                rule="not-started",
            )
        if completed and not attended:
            raise RuleViolation(
                "a teacher who did not attend cannot complete", problem=Problem.NOT_ATTENDED
            )
        async with self._storage.transaction() as tx:
            await tx.training.lock_event(event_id)
            enrolment = await tx.training.enrolment(event_id, teacher_id)
            if enrolment is None:
                raise NotFound("this teacher is not enrolled")
            if enrolment.status is not EnrolmentStatus.CONFIRMED:
                raise RuleViolation(
                    f"the enrolment is {enrolment.status.value}; only "
                    "confirmed participants attend",
                    problem=Problem.ENROLMENT_NOT_CONFIRMED,
                    state=enrolment.status.value,
                    rule="not-confirmed",
                )
            if enrolment.completed_at is not None and not completed:
                raise Conflict(
                    "completion is final; revoke the certificate instead",
                    problem=Problem.COMPLETION_FINAL,
                )
            completed_at = enrolment.completed_at or (now if completed else None)
            await tx.training.record_attendance(
                enrolment.id, attended=attended, completed_at=completed_at
            )
            if completed_at is not None and enrolment.completed_at is None:
                holder = await tx.users.get(teacher_id)
                assert holder is not None
                await tx.training.create_certificate(
                    code=new_certificate_code(),
                    enrolment=enrolment,
                    holder_name=holder.display_name,
                    event_title=event.title,
                    completed_at=completed_at,
                    now=now,
                )
            return await self._seat(tx, event_id, teacher_id)

    async def verify(self, code: str) -> CertificateRecord:
        certificate = await self._storage.training.certificate(code) if len(code) <= 64 else None
        if certificate is None:
            raise NotFound("no certificate has this verification code")
        return certificate

    async def revoke(self, actor: UserRecord, code: str, reason: str) -> CertificateRecord:
        certificate = await self.verify(code)
        self._require_organiser(actor, await self.event(actor, certificate.event_id))
        if (
            await self._storage.training.revoke_certificate(
                certificate.id, by=actor.id, reason=reason, now=utcnow()
            )
            != 1
        ):
            raise Conflict(
                "the certificate is already revoked", problem=Problem.CERTIFICATE_REVOKED
            )
        return await self.verify(code)

    # -- a teacher's own training -------------------------------------------------------

    async def history(self, teacher: UserRecord) -> list[Seat]:
        """Every enrolment of the teacher, newest first, with certificates."""
        self._no_pupils(teacher)
        repo = self._storage.training
        enrolments = await repo.enrolments_of(teacher.id)
        events = await repo.events_by_id([e.event_id for e in enrolments])
        certificates = await repo.certificates_of_teacher(teacher.id)
        return [
            Seat(
                events[e.event_id],
                e,
                await repo.waiting_rank(e) if e.status is EnrolmentStatus.WAITING else None,
                certificates.get(e.id),
            )
            for e in enrolments
        ]

    async def calendar(self, teacher: UserRecord) -> bytes:
        """An iCalendar feed of the teacher's confirmed events, times in UTC."""
        self._no_pupils(teacher)
        events = [
            Event.new(
                uid=f"twinspace-training-{event.id}",
                summary=event.title,
                description=event.description or None,
                start=event.starts_at,
                end=event.ends_at,
                stamp=event.updated_at,
                last_modified=event.updated_at,
                location=event.place or event.link,
                url=event.link,
            )
            for event in await self._storage.training.confirmed_events_of(teacher.id)
        ]
        calendar = Calendar.new(
            prodid="-//TwinSpaces//Training//EN",
            name="TwinSpaces training",
            uid=f"twinspace-training-calendar-{teacher.id}",
            subcomponents=events,
        )
        feed: bytes = calendar.to_ical()
        return feed
