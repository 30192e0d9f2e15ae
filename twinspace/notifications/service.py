"""Each user's activity list: record notifications (at most one per recipient and key), read
them, mark them read, and push each change live to the user's sockets (docs/notifications.md).

Live pushes go over the bus topic `user:<id>` as `UserPush` messages; `/ws/me` forwards them
as `notification` and `notifications.unread` frames (docs/events-protocol.md, "The user
channel"). Urgent safety notices are also handed to the mail sink at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from twinspace.clock import utcnow
from twinspace.errors import NotFound
from twinspace.notifications.kinds import NotificationKind
from twinspace.notifications.mail_sink import URGENT_SAFETY, MailSink
from twinspace.notifications.views import NotificationPageView, NotificationView, UnreadView
from twinspace.realtime.bus import Bus
from twinspace.storage import Storage
from twinspace.storage.records import UserRecord

log = logging.getLogger("twinspace.notifications")

PAGE_MAX = 100


def user_topic(user_id: int) -> str:
    return f"user:{user_id}"


@dataclass(frozen=True, slots=True)
class UserPush:
    """One frame for a user's sockets: `type` and its `data` (events_protocol.UserEvents)."""

    type: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Notice:
    """A notification to record for some recipients."""

    kind: NotificationKind
    project_id: int | None
    params: dict[str, str]
    link: str
    key: str  # one per recipient and key: the same event twice notifies once
    urgent: bool = False


class NotificationService:
    def __init__(self, storage: Storage, bus: Bus, mail: MailSink, public_url: str = "") -> None:
        self._storage = storage
        self._bus = bus
        self.mail = mail
        self._public_url = public_url

    def url(self, link: str) -> str:
        """An absolute address for e-mail when the public origin is configured."""
        return f"{self._public_url}{link}" if self._public_url else link

    # -- recording ---------------------------------------------------------------------------

    async def notify(self, recipients: Iterable[int], notice: Notice) -> list[int]:
        """Record the notice for each recipient (once per key); push it live; mail urgent
        ones. Returns the ids of the notifications created."""
        created: list[int] = []
        now = utcnow()
        for recipient_id in dict.fromkeys(recipients):
            notification_id = await self._storage.notifications.add(
                recipient_id=recipient_id,
                kind=notice.kind.value,
                project_id=notice.project_id,
                params=notice.params,
                link=notice.link,
                urgent=notice.urgent,
                dedupe_key=notice.key,
                now=now,
            )
            if not notification_id:
                continue
            created.append(notification_id)
            record = await self._storage.notifications.get(notification_id)
            if record is None:
                continue
            unread = await self._storage.notifications.unread_count(recipient_id)
            self._push(
                recipient_id,
                "notification",
                {
                    "notification": NotificationView.of(record).model_dump(mode="json"),
                    "unread": unread,
                },
            )
            if notice.urgent:
                await self._mail_urgent(recipient_id, notice)
        return created

    async def _mail_urgent(self, recipient_id: int, notice: Notice) -> None:
        try:
            await self.mail.send_to_user(
                recipient_id,
                URGENT_SAFETY,
                {
                    "project": notice.params.get("project", ""),
                    "summary": notice.params.get("author", ""),
                    "url": self.url(notice.link),
                },
            )
        except Exception:  # the notification is stored; the mail service keeps its own outbox
            log.exception("urgent safety mail for user %d not handed over", recipient_id)

    def _push(self, user_id: int, event_type: str, data: dict[str, Any]) -> None:
        self._bus.publish(user_topic(user_id), UserPush(event_type, data))

    def subscribe(self, user_id: int, listener: Callable[[Any], None]) -> Callable[[], None]:
        return self._bus.subscribe(user_topic(user_id), listener)

    # -- reading -----------------------------------------------------------------------------

    async def page(
        self, user: UserRecord, *, limit: int, before: int | None, unread_only: bool
    ) -> NotificationPageView:
        limit = max(1, min(limit, PAGE_MAX))
        records = await self._storage.notifications.of_recipient(
            user.id, limit=limit + 1, before=before, unread_only=unread_only
        )
        more = len(records) > limit
        records = records[:limit]
        return NotificationPageView(
            items=[NotificationView.of(r) for r in records],
            unread=await self._storage.notifications.unread_count(user.id),
            next_before=records[-1].id if more and records else None,
        )

    async def unread(self, user: UserRecord) -> UnreadView:
        return UnreadView(unread=await self._storage.notifications.unread_count(user.id))

    async def mark_read(self, user: UserRecord, notification_id: int) -> NotificationView:
        record = await self._storage.notifications.get(notification_id)
        if record is None or record.recipient_id != user.id:
            raise NotFound("no such notification")  # someone else's does not exist for you
        if await self._storage.notifications.mark_read(user.id, notification_id, utcnow()):
            await self._push_unread(user.id)
        fresh = await self._storage.notifications.get(notification_id)
        assert fresh is not None
        return NotificationView.of(fresh)

    async def mark_all_read(self, user: UserRecord) -> UnreadView:
        if await self._storage.notifications.mark_all_read(user.id, utcnow()):
            await self._push_unread(user.id)
        return await self.unread(user)

    async def _push_unread(self, user_id: int) -> None:
        unread = await self._storage.notifications.unread_count(user_id)
        self._push(user_id, "notifications.unread", {"unread": unread})
