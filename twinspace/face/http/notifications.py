"""The signed-in user's notifications over HTTP (docs/notifications.md); live updates come
over `/ws/me` (docs/events-protocol.md, "The user channel")."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from twinspace.face.api import ApiRouter, Ctx
from twinspace.notifications.service import PAGE_MAX
from twinspace.notifications.views import NotificationPageView, NotificationView, UnreadView

router = ApiRouter("notifications")


class NotificationQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    limit: int = Field(30, ge=1, le=PAGE_MAX)
    before: int | None = Field(None, ge=1, description="only notifications older than this id")
    unread: bool = Field(False, description="only unread ones")


@router.get("/me/notifications", query=NotificationQuery, response=NotificationPageView)
async def list_notifications(ctx: Ctx, query: NotificationQuery) -> NotificationPageView:
    """Your notifications, newest first, with the unread count."""
    return await ctx.services.notifications.page(
        ctx.user, limit=query.limit, before=query.before, unread_only=query.unread
    )


@router.get("/me/notifications/unread", response=UnreadView)
async def unread_count(ctx: Ctx) -> UnreadView:
    """How many of your notifications are unread."""
    return await ctx.services.notifications.unread(ctx.user)


@router.post("/me/notifications/{notification_id:id}/read", response=NotificationView)
async def mark_read(ctx: Ctx) -> NotificationView:
    """Mark one of your notifications read (someone else's answers 404)."""
    return await ctx.services.notifications.mark_read(ctx.user, ctx.path_id("notification_id"))


@router.post("/me/notifications/read", response=UnreadView)
async def mark_all_read(ctx: Ctx) -> UnreadView:
    """Mark all your notifications read."""
    return await ctx.services.notifications.mark_all_read(ctx.user)
