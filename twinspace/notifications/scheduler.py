"""Time-driven notifications (docs/notifications.md, "Scheduled"): from `digest_hour_utc` on,
each user with unread notifications since their last digest gets one digest e-mail per UTC
day; the day is claimed in `notification_digests` first and released again only if the mail
could not be handed over. (A live session starting soon is not scheduled here: the live
sessions' clock publishes `LiveSessionStartingSoon` once per session, and
notifications/from_events.py turns it into notices.)
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from twinspace.clock import utcnow
from twinspace.config import Settings
from twinspace.notifications.mail_sink import DIGEST
from twinspace.notifications.service import NotificationService
from twinspace.storage import Storage
from twinspace.storage.notifications import NotificationRecord

log = logging.getLogger("twinspace.notifications.scheduler")

DIGEST_LINES = 50  # a digest lists the newest 50; the count says how many there are


def digest_line(record: NotificationRecord) -> str:
    """One line of the digest: the kind's code and what it is about (the mail service words
    the message around it in the recipient's language)."""
    about = [record.params.get(key, "") for key in ("project", "author", "event")]
    return " · ".join([record.kind, *(part for part in about if part)])


class NotificationScheduler:
    def __init__(
        self, storage: Storage, notifications: NotificationService, settings: Settings
    ) -> None:
        self._storage = storage
        self._notifications = notifications
        self._settings = settings
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once(utcnow())
            except Exception:
                log.exception("notification scheduler run failed")
            await asyncio.sleep(self._settings.notification_tick_seconds)

    async def run_once(self, now: datetime) -> None:
        await self.send_digests(now)

    # -- the daily digest -----------------------------------------------------------------------

    async def send_digests(self, now: datetime) -> int:
        """From the digest hour on, one digest per user per UTC day; returns how many went."""
        if now.hour < self._settings.digest_hour_utc:
            return 0
        day = now.date().isoformat()
        repo = self._storage.notifications
        sent = 0
        for user_id in await repo.digest_candidates(now - timedelta(days=1)):
            since = await repo.last_digest(user_id) or now - timedelta(days=1)
            items = await repo.for_digest(user_id, since)
            if not items or not await repo.claim_digest(user_id, day, len(items), now):
                continue
            newest = list(reversed(items))[:DIGEST_LINES]
            try:
                await self._notifications.mail.send_to_user(
                    user_id,
                    DIGEST,
                    {
                        "count": str(len(items)),
                        "items": "\n".join(digest_line(r) for r in newest),
                        "url": self._notifications.url("/notifications"),
                    },
                )
            except Exception:
                log.exception("digest for user %d not handed over; next run retries", user_id)
                await repo.release_digest(user_id, day)
                continue
            sent += 1
        return sent
