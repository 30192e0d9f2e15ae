"""Search inside a TwinSpace over HTTP."""

from __future__ import annotations

from pydantic import BaseModel, Field

from twinspace.face.api import ApiRouter, Ctx
from twinspace.search.service import KINDS
from twinspace.search.views import SearchResultsView

router = ApiRouter("search")


class SearchQuery(BaseModel):
    q: str = Field(min_length=1, max_length=200, description="words to find (any order)")
    kinds: str | None = Field(
        None,
        pattern=r"^(page|message|post|comment|file)(,(page|message|post|comment|file))*$",
        description="only these kinds, comma-separated (page,message,post,comment,file)",
    )
    limit: int = Field(20, ge=1, le=50)


@router.get("/projects/{project_id:id}/search", query=SearchQuery, response=SearchResultsView)
async def search(ctx: Ctx, query: SearchQuery) -> SearchResultsView:
    """Find pages, chat messages, board posts and comments and files; best first, marked."""
    access = await ctx.services.access.project(ctx.user, ctx.path_id("project_id"))
    return await ctx.services.search.search(
        access, query.q, kinds=query.kinds.split(",") if query.kinds else KINDS, limit=query.limit
    )
