"""Response models of notifications: codes and params, which every client translates."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from twinspace.notifications.kinds import NotificationKind
from twinspace.storage.notifications import NotificationRecord


class NotificationView(BaseModel):
    id: int
    kind: NotificationKind
    project_id: int | None
    params: dict[str, str] = Field(
        description="what the client needs to word it: project, actor, item, title, ..."
    )
    link: str = Field(description="the client route of what it is about, e.g. /projects/3/desk")
    urgent: bool
    created_at: datetime
    read: bool

    @classmethod
    def of(cls, record: NotificationRecord) -> NotificationView:
        return cls(
            id=record.id,
            kind=NotificationKind(record.kind),
            project_id=record.project_id,
            params=record.params,
            link=record.link,
            urgent=record.urgent,
            created_at=record.created_at,
            read=record.read_at is not None,
        )


class NotificationPageView(BaseModel):
    items: list[NotificationView] = Field(description="newest first")
    unread: int
    next_before: int | None = Field(
        None, description="pass as `before` for the next (older) page; null at the end"
    )


class UnreadView(BaseModel):
    unread: int
