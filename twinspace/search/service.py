"""Search inside one TwinSpace, limited to what the caller may see there.

Visibility is the same as everywhere else (docs/design.md, "Pupil safety"): pupils find
published items and their own pending ones, never a channel their class cannot open; teachers
find everything that is not deleted. Deleted pages and items are never found.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import cast

from twinspace.content.items import author_view
from twinspace.errors import Problem, RuleViolation
from twinspace.moderation.model import ItemStatus
from twinspace.search.indexer import SearchIndexer
from twinspace.search.query import highlighter, match_expression
from twinspace.search.text import matched_ranges, segments, snippet
from twinspace.search.views import ResultKind, SearchResultsView, SearchResultView, SpaceKind
from twinspace.storage import Storage
from twinspace.storage.records import ChannelRecord
from twinspace.storage.search import SearchHit, Visibility
from twinspace.workspace.access import Access, AccessRules
from twinspace.workspace.documents import DocumentService

KINDS: tuple[str, ...] = ("page", "message", "post", "comment", "file")
MAX_RESULTS = 50


class SearchService:
    def __init__(self, storage: Storage, access: AccessRules, documents: DocumentService) -> None:
        self._storage = storage
        self._access = access
        self.indexer = SearchIndexer(storage, documents.plain_text)
        documents.on_settled(self.indexer.page_settled)

    def start(self) -> None:
        self.indexer.start()

    async def stop(self) -> None:
        await self.indexer.stop()

    async def search(
        self, access: Access, text: str, *, kinds: Sequence[str] = KINDS, limit: int = 20
    ) -> SearchResultsView:
        match = match_expression(text)
        if match is None:
            raise RuleViolation(
                "type at least one letter or digit to search",
                rule="empty-query",
                problem=Problem.EMPTY_QUERY,
            )
        project_id = access.project.id
        pupil_class = None if access.is_teacher else await self._access.pupil_class(access)
        channels = {c.id: c for c in await self._storage.channels.of_project(project_id)}
        hidden = frozenset(
            c.id for c in channels.values() if not access.can_see_channel(c, pupil_class)
        )
        seen = Visibility(
            viewer_id=access.user.id, is_teacher=access.is_teacher, hidden_channels=hidden
        )
        hits = await self._storage.search.query(
            project_id, match, seen, kinds=kinds, limit=min(limit, MAX_RESULTS)
        )
        views = await self._views(project_id, hits, channels, highlighter(text))
        return SearchResultsView(query=text, results=views)

    async def _views(
        self,
        project_id: int,
        hits: list[SearchHit],
        channels: dict[int, ChannelRecord],
        marks: re.Pattern[str],
    ) -> list[SearchResultView]:
        boards = {b.id: b for b in await self._storage.boards.of_project(project_id)}
        pages = await self._storage.search.pages(
            sorted({h.space_id for h in hits if h.space_kind == "page"})
        )
        authors = await self._storage.users.get_many(
            sorted({h.author_id for h in hits if h.author_id is not None})
        )
        views = []
        for hit in hits:
            if hit.space_kind == "channel":
                channel = channels.get(hit.space_id)
                space_name = channel.name if channel else ""
            elif hit.space_kind == "board":
                board = boards.get(hit.space_id)
                space_name = board.title if board else ""
            else:
                space_name = pages.get(hit.space_id, ("", ""))[0]
            author = authors.get(hit.author_id) if hit.author_id is not None else None
            views.append(
                SearchResultView(
                    kind=cast(ResultKind, hit.kind),
                    id=hit.item_id,
                    title=segments(hit.title, matched_ranges(hit.title, marks)),
                    snippet=snippet(hit.body, matched_ranges(hit.body, marks)),
                    space_kind=cast(SpaceKind, hit.space_kind),
                    space_id=hit.space_id,
                    space_name=space_name,
                    parent_id=hit.parent_id,
                    room=pages[hit.item_id][1]
                    if hit.kind == "page" and hit.item_id in pages
                    else None,
                    author=author_view(hit.author_id, author.display_name if author else None),
                    status=ItemStatus(hit.status),
                    updated_at=hit.updated_at,
                )
            )
        return views


def _room(hit: SearchHit, pages: dict[int, tuple[str, str]]) -> str | None:
    """A page result's y-websocket room, which the client opens."""
    return pages[hit.item_id][1] if hit.kind == "page" and hit.item_id in pages else None
