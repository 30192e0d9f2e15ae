"""Pages, channels and boards of a TwinSpace: their records over HTTP."""

from __future__ import annotations

from pydantic import BaseModel

from twinspace.face.api import ApiRouter, Ctx
from twinspace.workspace.pages import NewPage, PageRename
from twinspace.workspace.spaces import NewBoard, NewChannel
from twinspace.workspace.views import BoardSpaceView, ChannelView, PageView

router = ApiRouter("spaces")


class PageListQuery(BaseModel):
    include_deleted: bool = False


@router.post("/projects/{project_id:id}/pages", body=NewPage, response=PageView, status=201)
async def create_page(ctx: Ctx, body: NewPage) -> PageView:
    """Create a page; its `room` is the y-websocket room name."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    page = await ctx.services.pages.create(access, body.title)
    return PageView.of(page, access.can_edit_page(page))


@router.get("/projects/{project_id:id}/pages", query=PageListQuery, response=list[PageView])
async def list_pages(ctx: Ctx, query: PageListQuery) -> list[PageView]:
    """Pages of a TwinSpace (teachers may include deleted ones)."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    pages = await ctx.services.pages.list(access, include_deleted=query.include_deleted)
    rules = ctx.services.documents.write_rules
    return [PageView.of(p, await rules.allowed(access, p)) for p in pages]


@router.get("/pages/{page_id:id}", response=PageView)
async def get_page(ctx: Ctx) -> PageView:
    """One page's record; `can_edit` also reflects live-session restrictions."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    return PageView.of(page, await ctx.services.documents.write_rules.allowed(access, page))


@router.patch("/pages/{page_id:id}", body=PageRename, response=PageView)
async def rename_page(ctx: Ctx, body: PageRename) -> PageView:
    """Rename a page (teachers)."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    page = await ctx.services.pages.rename(access, page, body.title)
    return PageView.of(page, access.can_edit_page(page))


@router.delete("/pages/{page_id:id}", status=204)
async def delete_page(ctx: Ctx) -> None:
    """Delete a page (soft: teachers can bring it back)."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    await ctx.services.pages.delete(access, page)


@router.post("/pages/{page_id:id}/restore", response=PageView)
async def undelete_page(ctx: Ctx) -> PageView:
    """Bring back a deleted page (teachers)."""
    access, page = await ctx.services.access.page(
        ctx.user, ctx.path_id("page_id"), include_deleted=True
    )
    page = await ctx.services.pages.undelete(access, page)
    return PageView.of(page, access.can_edit_page(page))


@router.post("/pages/{page_id:id}/lock", response=PageView)
async def lock_page(ctx: Ctx) -> PageView:
    """Lock a page: pupils and guests become read-only at once."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    page = await ctx.services.pages.set_locked(access, page, True)
    return PageView.of(page, access.can_edit_page(page))


@router.delete("/pages/{page_id:id}/lock", response=PageView)
async def unlock_page(ctx: Ctx) -> PageView:
    """Unlock a page."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    page = await ctx.services.pages.set_locked(access, page, False)
    return PageView.of(page, access.can_edit_page(page))


@router.post(
    "/projects/{project_id:id}/channels", body=NewChannel, response=ChannelView, status=201
)
async def create_channel(ctx: Ctx, body: NewChannel) -> ChannelView:
    """Create a chat channel: project-wide, per class, or the teachers' staff room."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return ChannelView.of(await ctx.services.spaces.create_channel(access, body))


@router.get("/projects/{project_id:id}/channels", response=list[ChannelView])
async def list_channels(ctx: Ctx) -> list[ChannelView]:
    """Channels the caller may see."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    pupil_class = await ctx.services.access.pupil_class(access)
    return [ChannelView.of(c) for c in await ctx.services.spaces.channels(access, pupil_class)]


@router.post("/projects/{project_id:id}/boards", body=NewBoard, response=BoardSpaceView, status=201)
async def create_board(ctx: Ctx, body: NewBoard) -> BoardSpaceView:
    """Create a media board."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return BoardSpaceView.of(await ctx.services.spaces.create_board(access, body))


@router.get("/projects/{project_id:id}/boards", response=list[BoardSpaceView])
async def list_boards(ctx: Ctx) -> list[BoardSpaceView]:
    """Boards of a TwinSpace."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return [BoardSpaceView.of(b) for b in await ctx.services.spaces.boards(access)]
