"""The iCalendar (RFC 5545) form of a member's calendar, written with the `icalendar` library.

Each event's DTSTART/DTEND are in UTC; the zone its organiser plans in travels as
`X-TWINSPACE-ORGANISER-TZID`, with a VTIMEZONE for every such zone and for the subscriber's own
zone (also named by `X-WR-TIMEZONE`). UIDs are stable (`twinspace-live-session-<id>`), a
cancelled session stays as STATUS:CANCELLED, and every upcoming event carries a display alarm
`REMINDER_MINUTES` before it starts (docs/calendar.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from icalendar import Alarm, Calendar, Event, Timezone

from twinspace.calendar.entries import CalendarEntry, EntryKind
from twinspace.live_sessions.rules import REMINDER_MINUTES, SessionState

PRODID = "-//TwinSpaces//Calendar//EN"
ORGANISER_ZONE = "X-TWINSPACE-ORGANISER-TZID"
STATUS = {
    SessionState.SCHEDULED: "CONFIRMED",
    SessionState.LIVE: "CONFIRMED",
    SessionState.ENDED: "CONFIRMED",
    SessionState.CANCELLED: "CANCELLED",
}


def _event(entry: CalendarEntry, base_url: str, now: datetime) -> Event:
    what = "Live session" if entry.kind is EntryKind.LIVE_SESSION else "Training"
    lines = [f"{what}" + (f" of {entry.project_title}" if entry.project_title else "")]
    if entry.organiser_name:
        lines.append(f"Organised by {entry.organiser_name} ({entry.organiser_timezone})")
    event = Event.new(
        uid=entry.uid,
        summary=entry.title,
        description="\n".join(lines),
        start=entry.starts_at.astimezone(UTC),
        end=entry.ends_at.astimezone(UTC),
        stamp=now.astimezone(UTC),
        last_modified=entry.updated_at.astimezone(UTC),
        location=entry.place or entry.link,
        url=entry.link or base_url + entry.path,
    )
    event.add("status", STATUS[entry.status])
    event.add(ORGANISER_ZONE, entry.organiser_timezone)
    if entry.status is SessionState.SCHEDULED:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"{entry.title} starts in {REMINDER_MINUTES} minutes")
        alarm.add("trigger", timedelta(minutes=-REMINDER_MINUTES))
        event.add_component(alarm)
    return event


def calendar_feed(
    entries: Sequence[CalendarEntry],
    *,
    owner_zone: str,
    owner_id: int,
    base_url: str,
    now: datetime,
) -> bytes:
    calendar = Calendar.new(
        prodid=PRODID,
        name="TwinSpaces",
        description="Live sessions of your TwinSpaces and the training you booked",
        uid=f"twinspace-calendar-{owner_id}",
        refresh_interval=timedelta(hours=1),
    )
    calendar.add("x-wr-timezone", owner_zone)
    calendar.add("x-published-ttl", "PT1H")
    first = min([e.starts_at for e in entries] + [now]).date() - timedelta(days=1)
    last = max([e.ends_at for e in entries] + [now]).date() + timedelta(days=1)
    for zone_name in sorted({owner_zone, *(e.organiser_timezone for e in entries)}):
        calendar.add_component(Timezone.from_tzid(zone_name, first_date=first, last_date=last))
    for entry in entries:
        calendar.add_component(_event(entry, base_url, now))
    calendar.validate()  # type: ignore[no-untyped-call]
    feed: bytes = calendar.to_ical()
    return feed
