"""SQL for training events, enrolments (with the waiting list) and certificates."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from twinspace.clock import from_iso, to_iso
from twinspace.storage.db import Executor, Row
from twinspace.storage.records import UserRecord
from twinspace.types import SchoolType


class TrainingKind(StrEnum):
    """The kinds of professional development the seeds name (docs/design.md, "Domain rules")."""

    NATIONAL_CONFERENCE = "national_conference"
    INTERNATIONAL_TRAINING = "international_training"
    INTERNATIONAL_WORKSHOP = "international_workshop"
    CONTACT_SEMINAR = "contact_seminar"
    NATIONAL_TRAINING = "national_training"
    NATIONAL_SEMINAR = "national_seminar"
    ONLINE_COURSE_MONTHLY = "online_course_monthly"
    ONLINE_COURSE_WEEKLY = "online_course_weekly"
    REGIONAL_WORKSHOP = "regional_workshop"
    LEARNING_EVENT = "learning_event"
    WEBINAR = "webinar"
    EXPERT_TALK = "expert_talk"


class EventFormat(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class EnrolmentStatus(StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


def _opt_dt(value: str | None) -> datetime | None:
    return from_iso(value) if value else None


@dataclass(frozen=True, slots=True)
class TrainingEventRecord:
    id: int
    kind: TrainingKind
    title: str
    description: str
    language: str
    format: EventFormat
    place: str | None
    link: str | None
    organiser_id: int | None
    organiser_country: str | None
    audience_countries: tuple[str, ...]
    audience_school_types: tuple[SchoolType, ...]
    capacity: int
    waiting_list_size: int | None
    enrol_opens_at: datetime
    enrol_closes_at: datetime
    starts_at: datetime
    ends_at: datetime
    created_at: datetime
    updated_at: datetime
    confirmed_count: int
    waiting_count: int

    @classmethod
    def from_row(cls, row: Row) -> TrainingEventRecord:
        return cls(
            row["id"],
            TrainingKind(row["kind"]),
            row["title"],
            row["description"],
            row["language"],
            EventFormat(row["format"]),
            row["place"],
            row["link"],
            row["organiser_id"],
            row["organiser_country"],
            tuple(json.loads(row["audience_countries"])),
            tuple(SchoolType(t) for t in json.loads(row["audience_school_types"])),
            row["capacity"],
            row["waiting_list_size"],
            from_iso(row["enrol_opens_at"]),
            from_iso(row["enrol_closes_at"]),
            from_iso(row["starts_at"]),
            from_iso(row["ends_at"]),
            from_iso(row["created_at"]),
            from_iso(row["updated_at"]),
            row["confirmed_count"],
            row["waiting_count"],
        )


@dataclass(frozen=True, slots=True)
class EnrolmentRecord:
    id: int
    event_id: int
    teacher_id: int
    status: EnrolmentStatus
    position: int
    enrolled_at: datetime
    confirmed_at: datetime | None
    cancelled_at: datetime | None
    attended: bool | None
    completed_at: datetime | None

    @classmethod
    def from_row(cls, row: Row) -> EnrolmentRecord:
        attended = row["attended"]
        return cls(
            row["id"],
            row["event_id"],
            row["teacher_id"],
            EnrolmentStatus(row["status"]),
            row["position"],
            from_iso(row["enrolled_at"]),
            _opt_dt(row["confirmed_at"]),
            _opt_dt(row["cancelled_at"]),
            None if attended is None else bool(attended),
            _opt_dt(row["completed_at"]),
        )


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    id: int
    code: str
    enrolment_id: int
    event_id: int
    teacher_id: int
    holder_name: str
    event_title: str
    completed_at: datetime
    issued_at: datetime
    revoked_at: datetime | None
    revoked_by: int | None
    revoke_reason: str | None

    @classmethod
    def from_row(cls, row: Row) -> CertificateRecord:
        return cls(
            row["id"],
            row["code"],
            row["enrolment_id"],
            row["event_id"],
            row["teacher_id"],
            row["holder_name"],
            row["event_title"],
            from_iso(row["completed_at"]),
            from_iso(row["issued_at"]),
            _opt_dt(row["revoked_at"]),
            row["revoked_by"],
            row["revoke_reason"],
        )


_EVENT = (
    "SELECT e.*,"
    " (SELECT count(*) FROM training_enrolments n WHERE n.event_id = e.id"
    "  AND n.status = 'confirmed') AS confirmed_count,"
    " (SELECT count(*) FROM training_enrolments n WHERE n.event_id = e.id"
    "  AND n.status = 'waiting') AS waiting_count"
    " FROM training_events e"
)
_EVENT_COLUMNS = (
    "kind",
    "title",
    "description",
    "language",
    "format",
    "place",
    "link",
    "audience_countries",
    "audience_school_types",
    "capacity",
    "waiting_list_size",
    "enrol_opens_at",
    "enrol_closes_at",
    "starts_at",
    "ends_at",
)


def _event_values(fields: dict[str, Any]) -> list[Any]:
    """Column values in `_EVENT_COLUMNS` order, encoded for SQLite."""
    values: list[Any] = []
    for column in _EVENT_COLUMNS:
        value = fields[column]
        if isinstance(value, datetime):
            value = to_iso(value)
        elif isinstance(value, list | tuple):
            value = json.dumps([str(v) for v in value])
        elif isinstance(value, StrEnum):
            value = value.value
        values.append(value)
    return values


class TrainingRepo:
    def __init__(self, ex: Executor) -> None:
        self._ex = ex

    # -- events -------------------------------------------------------------------------

    async def create_event(
        self,
        *,
        fields: dict[str, Any],
        organiser_id: int,
        organiser_country: str | None,
        now: datetime,
    ) -> int:
        """`fields` holds every column of `_EVENT_COLUMNS`."""
        marks = ", ".join("?" * (len(_EVENT_COLUMNS) + 4))
        return await self._ex.execute(
            f"INSERT INTO training_events ({', '.join(_EVENT_COLUMNS)}, organiser_id,"
            f" organiser_country, created_at, updated_at) VALUES ({marks})",
            (*_event_values(fields), organiser_id, organiser_country, to_iso(now), to_iso(now)),
        )

    async def update_event(self, event_id: int, *, fields: dict[str, Any], now: datetime) -> None:
        sets = ", ".join(f"{column} = ?" for column in _EVENT_COLUMNS)
        await self._ex.execute(
            f"UPDATE training_events SET {sets}, updated_at = ? WHERE id = ?",
            (*_event_values(fields), to_iso(now), event_id),
        )

    async def get_event(self, event_id: int) -> TrainingEventRecord | None:
        row = await self._ex.fetch_one(_EVENT + " WHERE e.id = ?", (event_id,))
        return TrainingEventRecord.from_row(row) if row else None

    async def events(
        self,
        *,
        kind: str | None,
        format: str | None,
        country: str | None,
        language: str | None,
        ends_after: datetime | None,
        limit: int,
        offset: int,
    ) -> list[TrainingEventRecord]:
        rows = await self._ex.fetch_all(
            _EVENT + " WHERE (? IS NULL OR e.kind = ?) AND (? IS NULL OR e.format = ?)"
            " AND (? IS NULL OR e.organiser_country = ?) AND (? IS NULL OR e.language = ?)"
            " AND (? IS NULL OR e.ends_at > ?) ORDER BY e.starts_at, e.id LIMIT ? OFFSET ?",
            (
                kind,
                kind,
                format,
                format,
                country,
                country,
                language,
                language,
                to_iso(ends_after) if ends_after else None,
                to_iso(ends_after) if ends_after else None,
                limit,
                offset,
            ),
        )
        return [TrainingEventRecord.from_row(r) for r in rows]

    async def events_by_id(self, event_ids: Sequence[int]) -> dict[int, TrainingEventRecord]:
        if not event_ids:
            return {}
        marks = ",".join("?" * len(event_ids))
        rows = await self._ex.fetch_all(_EVENT + f" WHERE e.id IN ({marks})", tuple(event_ids))
        return {r["id"]: TrainingEventRecord.from_row(r) for r in rows}

    async def confirmed_events_of(self, teacher_id: int) -> list[TrainingEventRecord]:
        rows = await self._ex.fetch_all(
            _EVENT + " JOIN training_enrolments m ON m.event_id = e.id"
            " WHERE m.teacher_id = ? AND m.status = 'confirmed' ORDER BY e.starts_at, e.id",
            (teacher_id,),
        )
        return [TrainingEventRecord.from_row(r) for r in rows]

    # -- enrolments ---------------------------------------------------------------------

    async def lock_event(self, event_id: int) -> None:
        """First statement of a transaction that changes an event's seats: transactions on
        one event (enrol, cancel, promote from the waiting list, capacity changes) then run one
        after the other in every process, so seats and positions are read and written as one."""
        await self._ex.lock("training_event", event_id)

    async def enrolment(self, event_id: int, teacher_id: int) -> EnrolmentRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM training_enrolments WHERE event_id = ? AND teacher_id = ?",
            (event_id, teacher_id),
        )
        return EnrolmentRecord.from_row(row) if row else None

    async def enrol(
        self, *, event_id: int, teacher_id: int, status: EnrolmentStatus, now: datetime
    ) -> None:
        """Enrol (or re-enrol after a cancellation) at the end of the event's sequence.

        Run it inside a transaction: the next position is read and used in one statement.
        """
        confirmed_at = to_iso(now) if status is EnrolmentStatus.CONFIRMED else None
        await self._ex.execute(
            "INSERT INTO training_enrolments (event_id, teacher_id, status, position,"
            " enrolled_at, confirmed_at) VALUES (?, ?, ?, (SELECT coalesce(max(position), 0) + 1"
            " FROM training_enrolments WHERE event_id = ?), ?, ?)"
            " ON CONFLICT (event_id, teacher_id) DO UPDATE SET status = excluded.status,"
            " position = excluded.position, enrolled_at = excluded.enrolled_at,"
            " confirmed_at = excluded.confirmed_at, cancelled_at = NULL, attended = NULL,"
            " completed_at = NULL",
            (event_id, teacher_id, status.value, event_id, to_iso(now), confirmed_at),
        )

    async def first_waiting(self, event_id: int) -> EnrolmentRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM training_enrolments WHERE event_id = ? AND status = 'waiting'"
            " ORDER BY position LIMIT 1",
            (event_id,),
        )
        return EnrolmentRecord.from_row(row) if row else None

    async def waiting_rank(self, enrolment: EnrolmentRecord) -> int:
        """1 for the head of the waiting list."""
        row = await self._ex.fetch_one(
            "SELECT count(*) AS n FROM training_enrolments WHERE event_id = ?"
            " AND status = 'waiting' AND position <= ?",
            (enrolment.event_id, enrolment.position),
        )
        return int(row["n"]) if row else 0

    async def confirm(self, enrolment_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE training_enrolments SET status = 'confirmed', confirmed_at = ?"
            " WHERE id = ? AND status = 'waiting'",
            (to_iso(now), enrolment_id),
        )

    async def cancel(self, enrolment_id: int, now: datetime) -> None:
        await self._ex.execute(
            "UPDATE training_enrolments SET status = 'cancelled', cancelled_at = ? WHERE id = ?",
            (to_iso(now), enrolment_id),
        )

    async def record_attendance(
        self, enrolment_id: int, *, attended: bool, completed_at: datetime | None
    ) -> None:
        await self._ex.execute(
            "UPDATE training_enrolments SET attended = ?, completed_at = ? WHERE id = ?",
            (int(attended), to_iso(completed_at) if completed_at else None, enrolment_id),
        )

    async def participants(self, event_id: int) -> list[tuple[EnrolmentRecord, UserRecord]]:
        """Confirmed, then waiting (in order), then cancelled enrolments with their teachers."""
        rows = await self._ex.fetch_all(
            "SELECT u.*, m.id AS m_id, m.event_id, m.teacher_id, m.status, m.position,"
            " m.enrolled_at, m.confirmed_at, m.cancelled_at, m.attended, m.completed_at"
            " FROM training_enrolments m JOIN users u ON u.id = m.teacher_id"
            " WHERE m.event_id = ? ORDER BY CASE m.status WHEN 'confirmed' THEN 0"
            " WHEN 'waiting' THEN 1 ELSE 2 END, m.position",
            (event_id,),
        )
        return [
            (EnrolmentRecord.from_row({**r, "id": r["m_id"]}), UserRecord.from_row(r)) for r in rows
        ]

    async def enrolments_of(self, teacher_id: int) -> list[EnrolmentRecord]:
        rows = await self._ex.fetch_all(
            "SELECT * FROM training_enrolments WHERE teacher_id = ? ORDER BY enrolled_at DESC",
            (teacher_id,),
        )
        return [EnrolmentRecord.from_row(r) for r in rows]

    # -- certificates -------------------------------------------------------------------

    async def create_certificate(
        self,
        *,
        code: str,
        enrolment: EnrolmentRecord,
        holder_name: str,
        event_title: str,
        completed_at: datetime,
        now: datetime,
    ) -> None:
        await self._ex.execute(
            "INSERT INTO training_certificates (code, enrolment_id, event_id, teacher_id,"
            " holder_name, event_title, completed_at, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                code,
                enrolment.id,
                enrolment.event_id,
                enrolment.teacher_id,
                holder_name,
                event_title,
                to_iso(completed_at),
                to_iso(now),
            ),
        )

    async def certificate(self, code: str) -> CertificateRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM training_certificates WHERE code = ?", (code,)
        )
        return CertificateRecord.from_row(row) if row else None

    async def certificate_of(self, enrolment_id: int) -> CertificateRecord | None:
        row = await self._ex.fetch_one(
            "SELECT * FROM training_certificates WHERE enrolment_id = ?", (enrolment_id,)
        )
        return CertificateRecord.from_row(row) if row else None

    async def certificates_of_event(self, event_id: int) -> dict[int, CertificateRecord]:
        """By enrolment id."""
        rows = await self._ex.fetch_all(
            "SELECT * FROM training_certificates WHERE event_id = ?", (event_id,)
        )
        return {r["enrolment_id"]: CertificateRecord.from_row(r) for r in rows}

    async def certificates_of_teacher(self, teacher_id: int) -> dict[int, CertificateRecord]:
        """By enrolment id."""
        rows = await self._ex.fetch_all(
            "SELECT * FROM training_certificates WHERE teacher_id = ?", (teacher_id,)
        )
        return {r["enrolment_id"]: CertificateRecord.from_row(r) for r in rows}

    async def revoke_certificate(
        self, certificate_id: int, *, by: int, reason: str, now: datetime
    ) -> int:
        return await self._ex.execute(
            "UPDATE training_certificates SET revoked_at = ?, revoked_by = ?, revoke_reason = ?"
            " WHERE id = ? AND revoked_at IS NULL",
            (to_iso(now), by, reason, certificate_id),
        )
