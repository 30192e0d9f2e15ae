"""Page content over HTTP: version history, restore, export as text or HTML."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import Response

from twinspace.face.api import ApiRouter, Ctx
from twinspace.workspace.views import VersionContentView, VersionView

router = ApiRouter("pages")


class NewVersion(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class VersionQuery(BaseModel):
    limit: int = Field(50, ge=1, le=200)
    before: int | None = Field(None, ge=1, le=10**18)


class ExportQuery(BaseModel):
    format: Literal["text", "html"] = "html"


@router.get("/pages/{page_id:id}/versions", query=VersionQuery, response=list[VersionView])
async def list_versions(ctx: Ctx, query: VersionQuery) -> list[VersionView]:
    """Version history of a page, newest first (automatic, named, before-restore)."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    versions = await ctx.services.documents.versions(
        access, page, limit=query.limit, before=query.before
    )
    return [VersionView.of(v) for v in versions]


@router.post("/pages/{page_id:id}/versions", body=NewVersion, response=VersionView, status=201)
async def create_version(ctx: Ctx, body: NewVersion) -> VersionView:
    """Save the page's current content as a named version (teachers)."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    return VersionView.of(await ctx.services.documents.create_version(access, page, body.name))


@router.get("/pages/{page_id:id}/versions/{version_id:id}", response=VersionContentView)
async def view_version(ctx: Ctx) -> VersionContentView:
    """One version's content as plain text and sanitised HTML."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    content = await ctx.services.documents.version(access, page, ctx.path_id("version_id"))
    return VersionContentView(
        **VersionView.of(content.record).model_dump(), text=content.text, html=content.html
    )


@router.delete("/pages/{page_id:id}/versions/{version_id:id}", status=204)
async def delete_version(ctx: Ctx) -> None:
    """Delete a version to make room in the page's history budget (teachers)."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    await ctx.services.documents.delete_version(access, page, ctx.path_id("version_id"))


@router.post("/pages/{page_id:id}/versions/{version_id:id}/restore", response=VersionView)
async def restore_version(ctx: Ctx) -> VersionView:
    """Restore a version as new edits every connected client receives (teachers).

    Returns the version saved just before the restore, so the restore can be undone.
    """
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    saved = await ctx.services.documents.restore(access, page, ctx.path_id("version_id"))
    return VersionView.of(saved)


@router.get("/pages/{page_id:id}/export", query=ExportQuery, media=("text/html", "text/plain"))
async def export_page(ctx: Ctx, query: ExportQuery) -> Response:
    """Download the page as plain text or sanitised HTML."""
    access, page = await ctx.services.access.page(ctx.user, ctx.path_id("page_id"))
    text, document = await ctx.services.documents.export(access, page)
    filename = quote(f"{page.title}.{'txt' if query.format == 'text' else 'html'}")
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"}
    if query.format == "text":
        return Response(text, media_type="text/plain; charset=utf-8", headers=headers)
    return Response(document, media_type="text/html; charset=utf-8", headers=headers)
