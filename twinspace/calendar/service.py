"""The project calendar: a member's live sessions and booked training in their zone, and the
private iCalendar feed a calendar app subscribes to without a session cookie: its token is
the authentication, so an unknown or revoked token is simply not found (docs/calendar.md)."""

from __future__ import annotations

from datetime import datetime, timedelta

from twinspace.calendar.entries import MAX_SPAN_DAYS, CalendarEntry, calendar_entries
from twinspace.calendar.feeds import looks_like_token, new_token, token_hash
from twinspace.calendar.ical import calendar_feed
from twinspace.clock import utcnow
from twinspace.errors import Forbidden, NotFound, Problem, RuleViolation
from twinspace.live_sessions.setup import viewer_zone
from twinspace.storage import Storage
from twinspace.storage.calendar import CalendarFeedRecord
from twinspace.storage.records import UserRecord
from twinspace.types import UserKind

FEED_PAST = timedelta(days=92)
FEED_AHEAD = timedelta(days=400)


class CalendarService:
    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def zone_of(self, user: UserRecord, override: str | None = None) -> str:
        return await viewer_zone(self._storage, user, override)

    async def entries(
        self, user: UserRecord, since: datetime, until: datetime
    ) -> list[CalendarEntry]:
        if until <= since or until - since > timedelta(days=MAX_SPAN_DAYS):
            raise RuleViolation(
                f"`until` must be after `since`, at most {MAX_SPAN_DAYS} days later",
                problem=Problem.DATE_RANGE,
                days=MAX_SPAN_DAYS,
                field="until",
            )
        return await calendar_entries(self._storage, user, since, until, utcnow())

    # -- the private feed -----------------------------------------------------------------

    def _may_subscribe(self, user: UserRecord) -> None:
        if user.kind is UserKind.PUPIL:
            raise Forbidden(
                "calendar feeds are for teachers and staff",
                problem=Problem.NOT_FOR_PUPILS,
                rule="no-pupil-feeds",
            )

    async def feed(self, user: UserRecord) -> CalendarFeedRecord | None:
        self._may_subscribe(user)
        return await self._storage.calendar_feeds.of_user(user.id)

    async def create_feed(self, user: UserRecord) -> tuple[str, CalendarFeedRecord]:
        """A new feed token (replacing any earlier one: rotation); returned once."""
        self._may_subscribe(user)
        token = new_token()
        await self._storage.calendar_feeds.replace(user.id, token_hash(token), utcnow())
        feed = await self._storage.calendar_feeds.of_user(user.id)
        assert feed is not None
        return token, feed

    async def revoke_feed(self, user: UserRecord) -> None:
        self._may_subscribe(user)
        if not await self._storage.calendar_feeds.revoke(user.id):
            raise NotFound("you have no calendar feed")

    async def feed_for_token(self, token: str, base_url: str) -> bytes:
        """The iCalendar feed behind a token; NotFound for an unknown or revoked one."""
        feed = (
            await self._storage.calendar_feeds.by_hash(token_hash(token))
            if looks_like_token(token)
            else None
        )
        user = await self._storage.users.get(feed.user_id) if feed else None
        if feed is None or user is None or user.disabled:
            raise NotFound("no such calendar")
        now = utcnow()
        since, until = now - FEED_PAST, now + FEED_AHEAD
        entries = await calendar_entries(self._storage, user, since, until, now)
        await self._storage.calendar_feeds.used(feed.id, now)
        return calendar_feed(
            entries,
            owner_zone=await self.zone_of(user),
            owner_id=user.id,
            base_url=base_url,
            now=now,
        )
