"""What members see of their calendar and its feed (HTTP responses), built from entries."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from twinspace.calendar.entries import CalendarEntry, EntryKind
from twinspace.live_sessions.rules import SessionState
from twinspace.live_sessions.views import Instant, instant
from twinspace.storage.calendar import CalendarFeedRecord


class CalendarEntryView(BaseModel):
    kind: EntryKind
    id: int
    uid: str
    title: str
    status: SessionState
    starts_at: Instant  # in the viewer's zone
    ends_at: Instant
    organiser_name: str | None
    organiser_timezone: str
    organiser_starts_at: datetime  # the start in the organiser's zone
    project_id: int | None
    project_title: str | None
    place: str | None
    link: str | None
    path: str

    @classmethod
    def of(cls, entry: CalendarEntry, zone_name: str) -> CalendarEntryView:
        return cls(
            kind=entry.kind,
            id=entry.id,
            uid=entry.uid,
            title=entry.title,
            status=entry.status,
            starts_at=instant(entry.starts_at, zone_name),
            ends_at=instant(entry.ends_at, zone_name),
            organiser_name=entry.organiser_name,
            organiser_timezone=entry.organiser_timezone,
            organiser_starts_at=instant(entry.starts_at, entry.organiser_timezone).local,
            project_id=entry.project_id,
            project_title=entry.project_title,
            place=entry.place,
            link=entry.link,
            path=entry.path,
        )


class CalendarView(BaseModel):
    timezone: str
    since: datetime
    until: datetime
    entries: list[CalendarEntryView]


class CalendarFeedView(BaseModel):
    """The state of the caller's feed; its URL is shown only when it is made."""

    active: bool
    created_at: datetime | None
    last_used_at: datetime | None

    @classmethod
    def of(cls, feed: CalendarFeedRecord | None) -> CalendarFeedView:
        if feed is None:
            return cls(active=False, created_at=None, last_used_at=None)
        return cls(active=True, created_at=feed.created_at, last_used_at=feed.last_used_at)


class NewCalendarFeedView(CalendarFeedView):
    url: str  # shown once: copy it into a calendar app; only its hash is kept
