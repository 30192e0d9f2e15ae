"""The project calendar over HTTP: the caller's live sessions and booked training in their zone,
and their private iCalendar feed (create or rotate, show its state, revoke) served at a URL
whose token is the only authentication (docs/calendar.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import AwareDatetime, Field
from starlette.responses import Response

from twinspace.calendar.views import (
    CalendarEntryView,
    CalendarFeedView,
    CalendarView,
    NewCalendarFeedView,
)
from twinspace.clock import utcnow
from twinspace.face.api import ApiRouter, AuthMode, Ctx
from twinspace.live_sessions.rules import ZoneQuery
from twinspace.types import API_PREFIX

router = ApiRouter("calendar")
FEED_PATH = "/calendar/feeds/{token}.ics"


class CalendarQuery(ZoneQuery):
    since: AwareDatetime | None = Field(None, description="from (default: 31 days ago)")
    until: AwareDatetime | None = Field(None, description="until (default: 365 days on)")


def _origin(ctx: Ctx) -> str:
    """Where calendar apps reach this server: the first public origin, else this request's."""
    origins = ctx.services.settings.public_origins
    return origins[0] if origins else str(ctx.request.base_url).rstrip("/")


@router.get("/calendar", query=CalendarQuery, response=CalendarView)
async def my_calendar(ctx: Ctx, query: CalendarQuery) -> CalendarView:
    """The caller's live sessions (all TwinSpaces) and booked training, in their zone."""
    service = ctx.services.calendar
    now = utcnow()
    since: datetime = query.since or now - timedelta(days=31)
    until: datetime = query.until or since + timedelta(days=365)
    zone = await service.zone_of(ctx.user, query.tz)
    entries = await service.entries(ctx.user, since, until)
    return CalendarView(
        timezone=zone,
        since=since,
        until=until,
        entries=[CalendarEntryView.of(entry, zone) for entry in entries],
    )


@router.get("/calendar/feed", response=CalendarFeedView)
async def feed_state(ctx: Ctx) -> CalendarFeedView:
    """Whether the caller has a calendar feed, since when, when an app last read it."""
    return CalendarFeedView.of(await ctx.services.calendar.feed(ctx.user))


@router.post("/calendar/feed", response=NewCalendarFeedView, status=201)
async def create_feed(ctx: Ctx) -> NewCalendarFeedView:
    """A new private feed URL (shown once); an earlier URL stops working (rotation)."""
    token, feed = await ctx.services.calendar.create_feed(ctx.user)
    url = _origin(ctx) + API_PREFIX + FEED_PATH.replace("{token}", token)
    return NewCalendarFeedView(**CalendarFeedView.of(feed).model_dump(), url=url)


@router.delete("/calendar/feed", status=204)
async def revoke_feed(ctx: Ctx) -> None:
    """Revoke the caller's feed: its URL answers 404 from now on."""
    await ctx.services.calendar.revoke_feed(ctx.user)


@router.get(FEED_PATH, auth=AuthMode.PUBLIC, media=("text/calendar",))
async def calendar_feed(ctx: Ctx) -> Response:
    """The iCalendar feed behind a private URL (no cookie: the token authenticates)."""
    feed = await ctx.services.calendar.feed_for_token(
        str(ctx.request.path_params["token"]), _origin(ctx)
    )
    return Response(
        feed,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, no-store", "Referrer-Policy": "no-referrer"},
    )
