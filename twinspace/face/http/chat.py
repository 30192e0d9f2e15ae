"""Chat over HTTP: channel management, messages (history with cursors), reactions, unread.

History pages are always oldest-first. With no cursor a page holds the newest `limit`
messages; `before=<id>` pages back in time and `after=<id>` forward. The `Link` header carries
the cursors of the neighbouring pages (`rel="prev"`: older, `rel="next"`: newer).
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from twinspace.chat.views import (
    ChannelRename,
    MessageEdit,
    MessageView,
    NewMessage,
    ReactionIn,
    ReadIn,
    ReadState,
    UnreadSummary,
)
from twinspace.content.items import ReactionView
from twinspace.face.api import ApiRouter, Ctx
from twinspace.types import API_PREFIX
from twinspace.workspace.views import ChannelView

router = ApiRouter("chat")


class HistoryQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    before: int | None = Field(None, ge=1, description="messages older than this id")
    after: int | None = Field(None, ge=0, description="messages newer than this id")
    limit: int = Field(50, ge=1, le=200)


def _page(views: list[MessageView], path: str, query: HistoryQuery) -> Response:
    links = []
    if views:
        if len(views) == query.limit or query.after is not None:
            links.append(f'<{path}?before={views[0].id}&limit={query.limit}>; rel="prev"')
        links.append(f'<{path}?after={views[-1].id}&limit={query.limit}>; rel="next"')
    body = json.dumps([v.model_dump(mode="json") for v in views], ensure_ascii=False)
    headers = {"Link": ", ".join(links)} if links else None
    return Response(body, media_type="application/json", headers=headers)


@router.get("/channels/{channel_id:id}", response=ChannelView)
async def get_channel(ctx: Ctx) -> ChannelView:
    """One channel the caller may see."""
    _access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return ChannelView.of(channel)


@router.patch("/channels/{channel_id:id}", body=ChannelRename, response=ChannelView)
async def rename_channel(ctx: Ctx, body: ChannelRename) -> ChannelView:
    """Rename a channel (teachers)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return ChannelView.of(await ctx.services.chat.rename_channel(access, channel, body.name))


@router.post("/channels/{channel_id:id}/archive", response=ChannelView)
async def archive_channel(ctx: Ctx) -> ChannelView:
    """Archive a channel: it stays readable, nobody can post (teachers)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return ChannelView.of(await ctx.services.chat.archive_channel(access, channel, True))


@router.delete("/channels/{channel_id:id}/archive", response=ChannelView)
async def unarchive_channel(ctx: Ctx) -> ChannelView:
    """Reopen an archived channel (teachers)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return ChannelView.of(await ctx.services.chat.archive_channel(access, channel, False))


@router.post(
    "/channels/{channel_id:id}/messages", body=NewMessage, response=MessageView, status=201
)
async def post_message(ctx: Ctx, body: NewMessage) -> MessageView:
    """Send a message (or a reply with `parent_id`); `status` says published, held or blocked."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return await ctx.services.chat.post(access, channel, body)


@router.get("/channels/{channel_id:id}/messages", query=HistoryQuery, response=list[MessageView])
async def list_messages(ctx: Ctx, query: HistoryQuery) -> Response:
    """Top-level messages the caller may see, oldest first, one page (cursor: message id)."""
    channel_id = ctx.path_id("channel_id")
    access, channel = await ctx.services.access.channel(ctx.user, channel_id)
    views = await ctx.services.chat.history(
        access, channel, parent_id=None, before=query.before, after=query.after, limit=query.limit
    )
    return _page(views, f"{API_PREFIX}/channels/{channel_id}/messages", query)


@router.get("/messages/{message_id:id}", response=MessageView)
async def get_message(ctx: Ctx) -> MessageView:
    """One message."""
    access, _channel, record = await ctx.services.chat.locate(ctx.user, ctx.path_id("message_id"))
    return await ctx.services.chat.view(record, access)


@router.get("/messages/{message_id:id}/replies", query=HistoryQuery, response=list[MessageView])
async def list_replies(ctx: Ctx, query: HistoryQuery) -> Response:
    """A thread's replies the caller may see, oldest first (same cursors as history)."""
    message_id = ctx.path_id("message_id")
    access, channel, record = await ctx.services.chat.locate(ctx.user, message_id)
    views = await ctx.services.chat.history(
        access,
        channel,
        parent_id=record.id,
        before=query.before,
        after=query.after,
        limit=query.limit,
    )
    return _page(views, f"{API_PREFIX}/messages/{message_id}/replies", query)


@router.patch("/messages/{message_id:id}", body=MessageEdit, response=MessageView)
async def edit_message(ctx: Ctx, body: MessageEdit) -> MessageView:
    """Edit your own message; the new text goes through moderation again."""
    chat = ctx.services.chat
    access, channel, record = await chat.locate(ctx.user, ctx.path_id("message_id"))
    return await chat.edit(access, channel, record, body)


@router.delete("/messages/{message_id:id}", status=204)
async def delete_message(ctx: Ctx) -> None:
    """Delete your own message; others see it as removed."""
    chat = ctx.services.chat
    access, channel, record = await chat.locate(ctx.user, ctx.path_id("message_id"))
    await chat.delete(access, channel, record)


@router.post("/messages/{message_id:id}/reactions", body=ReactionIn, response=list[ReactionView])
async def react_to_message(ctx: Ctx, body: ReactionIn) -> list[ReactionView]:
    """Toggle your reaction (one of the offered emoji) on a message."""
    chat = ctx.services.chat
    access, channel, record = await chat.locate(ctx.user, ctx.path_id("message_id"))
    return await chat.react(access, channel, record, body.emoji)


@router.post("/channels/{channel_id:id}/read", body=ReadIn, response=ReadState)
async def mark_read(ctx: Ctx, body: ReadIn) -> ReadState:
    """Mark the channel read up to `message_id` (default: its newest message)."""
    access, channel = await ctx.services.access.channel(ctx.user, ctx.path_id("channel_id"))
    return await ctx.services.chat.mark_read(access, channel, body.message_id)


@router.get("/projects/{project_id:id}/unread", response=UnreadSummary)
async def unread(ctx: Ctx) -> UnreadSummary:
    """Unread message counts per channel the caller may see."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return await ctx.services.chat.unread(access)
