"""What a member's calendar holds: the live sessions of their TwinSpaces (a pupil's only when
their class takes part) and the training events they booked, as plain entries in UTC with the
organiser's zone (docs/calendar.md)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from twinspace.live_sessions.rules import SessionState, state_at
from twinspace.storage import Storage
from twinspace.storage.records import UserRecord
from twinspace.types import UserKind

MAX_SPAN_DAYS = 400


class EntryKind(StrEnum):
    LIVE_SESSION = "live_session"
    TRAINING = "training"


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    kind: EntryKind
    id: int  # the session's or the training event's id
    title: str
    starts_at: datetime
    ends_at: datetime
    status: SessionState  # training: scheduled, live or ended by the clock
    organiser_name: str | None
    organiser_timezone: str  # IANA zone the organiser plans in (UTC when unknown)
    project_id: int | None
    project_title: str | None
    place: str | None
    link: str | None  # a training event's online link
    path: str  # where the web client shows it
    updated_at: datetime

    @property
    def uid(self) -> str:
        """Stable across feeds and edits: the kind and the id."""
        return f"twinspace-{self.kind.value.replace('_', '-')}-{self.id}"


async def calendar_entries(
    storage: Storage, user: UserRecord, since: datetime, until: datetime, now: datetime
) -> list[CalendarEntry]:
    """The user's entries overlapping [since, until), soonest first."""
    entries = [
        CalendarEntry(
            kind=EntryKind.LIVE_SESSION,
            id=row.session.id,
            title=row.session.title,
            starts_at=row.session.starts_at,
            ends_at=row.session.ends_at,
            status=state_at(row.session, now),
            organiser_name=row.organiser_name,
            organiser_timezone=row.organiser_timezone or "UTC",
            project_id=row.session.project_id,
            project_title=row.project_title,
            place=None,
            link=None,
            path=f"/projects/{row.session.project_id}/sessions/{row.session.id}",
            updated_at=row.session.updated_at,
        )
        for row in await storage.live_sessions.for_calendar(
            user.id, since=since, until=until, pupil_class_only=user.kind is UserKind.PUPIL
        )
    ]
    if user.kind is UserKind.TEACHER:
        zones = {c.code: c.timezone for c in await storage.countries.all()}
        for event in await storage.training.confirmed_events_of(user.id):
            if event.ends_at <= since or event.starts_at >= until:
                continue
            status = (
                SessionState.ENDED
                if now >= event.ends_at
                else SessionState.LIVE
                if now >= event.starts_at
                else SessionState.SCHEDULED
            )
            entries.append(
                CalendarEntry(
                    kind=EntryKind.TRAINING,
                    id=event.id,
                    title=event.title,
                    starts_at=event.starts_at,
                    ends_at=event.ends_at,
                    status=status,
                    organiser_name=None,
                    organiser_timezone=zones.get(event.organiser_country or "", "UTC"),
                    project_id=None,
                    project_title=None,
                    place=event.place,
                    link=event.link,
                    path="/training",
                    updated_at=event.updated_at,
                )
            )
    return sorted(entries, key=lambda e: (e.starts_at, e.kind.value, e.id))
