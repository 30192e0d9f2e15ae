"""Response models of search."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from twinspace.content.items import AuthorView
from twinspace.moderation.model import ItemStatus
from twinspace.search.text import Segment

ResultKind = Literal["page", "message", "post", "comment", "file"]
SpaceKind = Literal["page", "channel", "board"]


class SearchResultView(BaseModel):
    """One thing found; where it lives says how the client opens it."""

    kind: ResultKind
    id: int
    title: list[Segment] = Field(description="the item's title with matched words marked")
    snippet: list[Segment] = Field(description="the best passage with matched words marked")
    space_kind: SpaceKind
    space_id: int
    space_name: str
    parent_id: int | None = Field(None, description="a reply's message, a comment's post")
    room: str | None = Field(None, description="pages: the y-websocket room")
    author: AuthorView | None
    status: ItemStatus
    updated_at: str


class SearchResultsView(BaseModel):
    query: str
    results: list[SearchResultView]
